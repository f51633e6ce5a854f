# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Customer Follow-up: Repairs",
    "summary": "A finished repair order plans the customer's after-service "
    "follow-up (维修后回访), due within 10 days",
    "version": "18.0.1.0.0",
    "category": "Sales/Customer Service",
    "license": "LGPL-3",
    "author": "customer_followup contributors",
    "website": "https://github.com/customer-followup/customer_followup",
    "maintainers": ["customer-followup"],
    "development_status": "Beta",
    # Glue between the two apps: installed by itself wherever both are, so
    # that a company without Repair installs the follow-ups only.
    "depends": ["customer_followup", "repair"],
    "data": [
        "security/ir.model.access.csv",
        "security/customer_followup_repair_report_security.xml",
        "views/res_config_settings_views.xml",
        "views/repair_order_views.xml",
        "report/customer_followup_repair_report_views.xml",
    ],
    "demo": [
        "demo/repair_order_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
}
