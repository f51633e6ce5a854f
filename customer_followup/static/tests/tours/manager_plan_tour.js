/** @odoo-module **/
import { registry } from "@web/core/registry";

// The yearly plan submitted for approval (made by tests/test_browser_visits.py).
const PLAN = "Key customer yearly plan";

const statusIs = (state) =>
    `.o_form_view .o_statusbar_status .o_arrow_button_current[data-value='${state}']`;

function openPlanToApprove() {
    return [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: "Open Customer Follow-up",
            trigger: ".o_app[data-menu-xmlid='customer_followup.customer_followup_menu_root']",
            run: "click",
        },
        {
            content: "Open Follow-up Plans",
            trigger:
                ".o_menu_sections [data-menu-xmlid='customer_followup.customer_followup_menu_plans']",
            run: "click",
        },
        {
            content: "Open the plan awaiting approval",
            trigger: `.o_list_view .o_data_row td[name='name']:contains('${PLAN}')`,
            run: "click",
        },
        {
            content: "It is submitted",
            trigger: statusIs("submitted"),
        },
    ];
}

function approvePlan() {
    return [
        {
            content: "Approve the plan",
            trigger: ".o_form_view .o_form_statusbar button[name='action_approve']",
            run: "click",
        },
        {
            content: "The plan is approved",
            trigger: statusIs("approved"),
        },
        {
            content: "The approver is recorded",
            trigger: ".o_form_view .o_field_widget[name='approved_by_id']:not(:empty)",
        },
        {
            content: "Approving scheduled the follow-ups of the period",
            trigger: ".o_form_view .o-form-buttonbox button[name='action_view_visits'] .o_stat_value:not(:contains(/^0$/))",
        },
    ];
}

function printAnalysisReport() {
    return [
        {
            content: "Open Reporting",
            trigger:
                ".o_menu_sections [data-menu-xmlid='customer_followup.customer_followup_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the follow-up analysis reports",
            trigger: ".dropdown-item[data-menu-xmlid='customer_followup.customer_followup_menu_analysis']",
            run: "click",
        },
        {
            content: "Write a new analysis report",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "The headline figures are computed for it",
            trigger: ".o_form_view .o_field_widget[name='planned_count']",
        },
        {
            content: "Write the suggested improvements",
            trigger: ".o_form_view .o_field_widget[name='improvements'] .odoo-editor-editable",
            run: "editor 加强交付前沟通 Tell customers about shipping dates earlier",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The report has its number",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('HFFX')",
        },
        {
            content: "Print the 客户回访分析报告",
            trigger: ".o_form_view .o_form_statusbar button[name='action_print']",
            run: "click",
        },
        {
            content: "Still on the report once the PDF is produced",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('HFFX')",
        },
    ];
}

// A manager approves the yearly follow-up plan (approving schedules its
// follow-ups), then writes and prints last quarter's analysis report.
registry.category("web_tour.tours").add("customer_followup_manager_plan_approval", {
    steps: () => [...openPlanToApprove(), ...approvePlan(), ...printAnalysisReport()],
});
