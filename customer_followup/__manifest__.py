# Copyright 2026 customer_followup contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Customer Follow-up",
    "summary": "Customer follow-up (客户回访) and service-anomaly handling "
    "(客户服务异常处置) for manufacturers: tiers, plans, visits, escalations",
    "version": "18.0.2.1.0",
    "category": "Sales/Customer Service",
    "license": "LGPL-3",
    "author": "customer_followup contributors",
    "website": "https://github.com/customer-followup/customer_followup",
    # GitHub logins of the people who review and merge changes to the addon.
    "maintainers": ["customer-followup"],
    "development_status": "Beta",
    # No external_dependencies: every Python package the addon imports is one
    # of Odoo's own requirements, and wkhtmltopdf is optional as it is for
    # Odoo (without it the documents show as HTML); declaring it as a `bin`
    # would refuse the installation where it is missing (readme/INSTALL.md).
    "application": True,
    "depends": [
        # chatter, activities, followers and mail templates on every record
        "mail",
        # the Contacts app: customers are res.partner, edited from there
        "contacts",
        # working calendars and public holidays for deadlines on working days
        "resource",
        # confirmed sales give tiers their sales share; validated deliveries
        # trigger the after-delivery confirmation follow-up
        "sale_stock",
        # the online-questionnaire follow-up channel
        "survey",
        # customers' own follow-ups, service issues and complaints (issue 6)
        "portal",
        # follow-ups in their owner's Odoo calendar, customers invited with
        # the .ics (issue 19)
        "calendar",
    ],
    "data": [
        "security/customer_followup_security.xml",
        "security/ir.model.access.csv",
        "security/customer_followup_visit_security.xml",
        "security/customer_followup_anomaly_security.xml",
        "data/customer_followup_tier_flag_data.xml",
        "data/customer_followup_tier_data.xml",
        "data/ir_cron_data.xml",
        "data/customer_followup_visit_sequence.xml",
        "data/customer_followup_visit_cron.xml",
        "data/customer_followup_visit_mail_data.xml",
        "data/customer_followup_survey_data.xml",
        "data/customer_followup_script_data.xml",
        "views/customer_followup_tier_views.xml",
        "views/customer_followup_tier_flag_views.xml",
        "views/resource_calendar_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/customer_followup_menus.xml",
        "views/customer_followup_visit_views.xml",
        "views/customer_followup_visit_problem_views.xml",
        "views/customer_followup_plan_views.xml",
        "views/customer_followup_milestone_views.xml",
        "views/customer_followup_script_views.xml",
        "views/res_partner_visit_views.xml",
        "views/customer_followup_visit_menus.xml",
        "data/customer_followup_anomaly_data.xml",
        "views/customer_followup_anomaly_views.xml",
        "views/customer_followup_escalation_policy_views.xml",
        "views/res_partner_anomaly_views.xml",
        "views/customer_followup_anomaly_menus.xml",
        "report/customer_followup_report_paperformat.xml",
        "report/customer_followup_visit_report.xml",
        "report/customer_followup_anomaly_report.xml",
        "report/customer_followup_anomaly_statistics_report.xml",
        "views/customer_followup_analysis_views.xml",
        "views/customer_followup_kpi_views.xml",
        "views/customer_followup_visit_expense_views.xml",
        "views/customer_followup_survey_campaign_views.xml",
        "views/res_config_settings_views.xml",
        "report/customer_followup_analysis_report.xml",
        "wizard/customer_followup_anomaly_statistics_views.xml",
        "data/customer_followup_portal_data.xml",
        "views/customer_followup_anomaly_customer_views.xml",
        "views/customer_followup_portal_templates.xml",
    ],
    "demo": [
        "demo/res_lang_demo.xml",
        "demo/res_company_demo.xml",
        "demo/resource_calendar_demo.xml",
        "demo/res_users_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/customer_followup_visit_demo.xml",
        "demo/customer_followup_visit_expense_demo.xml",
        "demo/customer_followup_anomaly_demo.xml",
        "demo/customer_followup_anomaly_special_demo.xml",
        "demo/customer_followup_portal_demo.xml",
        "demo/customer_followup_milestone_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "customer_followup/static/src/scss/followup_form.scss",
        ],
        "web.report_assets_common": [
            "customer_followup/static/src/scss/report.scss",
        ],
        "web.assets_tests": [
            "customer_followup/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "uninstall_hook": "uninstall_hook",
}
