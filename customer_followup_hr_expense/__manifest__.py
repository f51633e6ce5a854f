# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Customer Follow-up - Expenses",
    "summary": "Approved follow-up visit expenses become an expense report of their owner "
    "(Odoo Expenses), one per owner and month",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Expenses",
    "license": "LGPL-3",
    "author": "customer_followup contributors",
    "website": "https://github.com/customer-followup/customer_followup",
    "maintainers": ["customer-followup"],
    "development_status": "Beta",
    "depends": [
        # the follow-ups and their expenses within the tier's limit
        "customer_followup",
        # expenses and expense reports of employees, paid by finance
        "hr_expense",
    ],
    "data": [
        "data/product_data.xml",
        "views/customer_followup_visit_expense_views.xml",
        "views/hr_expense_sheet_views.xml",
    ],
    "demo": [
        "demo/hr_expense_demo.xml",
    ],
    # Installed by itself where both apps are: a company that does not use
    # Odoo's Expenses keeps the follow-up expenses only.
    "auto_install": True,
    "installable": True,
}
