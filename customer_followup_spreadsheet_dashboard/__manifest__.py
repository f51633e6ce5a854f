# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Customer Follow-up - Dashboard",
    "summary": "A Customer Follow-up dashboard in Odoo's Dashboards app: KPIs against "
    "targets, follow-up rate by tier and owner, satisfaction, anomalies, 12-month trend",
    "version": "18.0.1.0.0",
    "category": "Productivity/Dashboard",
    "license": "LGPL-3",
    "author": "customer_followup contributors",
    "website": "https://github.com/customer-followup/customer_followup",
    "maintainers": ["customer-followup"],
    "development_status": "Beta",
    "depends": [
        # Odoo's Dashboards app (Community): spreadsheets of live Odoo data
        "spreadsheet_dashboard",
        # the follow-ups, anomalies, roles and KPI targets the dashboard reads
        "customer_followup",
    ],
    "data": [
        "data/dashboards.xml",
    ],
    # Installed by itself where both are, as Odoo's spreadsheet_dashboard_*
    # addons are.
    "auto_install": True,
    "installable": True,
}
