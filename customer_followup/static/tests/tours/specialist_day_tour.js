/** @odoo-module **/
import { registry } from "@web/core/registry";

// The customer whose planned phone follow-up the specialist records (made by
// tests/test_browser_visits.py for 王芳, the demo specialist).
const CUSTOMER = "嘉兴巡检仪表有限公司";
const PROBLEM = "仪表读数漂移 Flowmeter reading drifts";

const visitField = (name) => `.o_form_view .o_field_widget[name='${name}']`;
const statusIs = (state) =>
    `.o_form_view .o_statusbar_status .o_arrow_button_current[data-value='${state}']`;

// A follow-up specialist's day: My Follow-ups, record the call with its
// scores and a problem, raise a service anomaly from the problem and report
// it; the anomaly runs on its clocks from the start.
registry.category("web_tour.tours").add("customer_followup_specialist_day", {
    steps: () => [
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
            content: "Open My Follow-ups",
            trigger:
                ".o_menu_sections [data-menu-xmlid='customer_followup.customer_followup_menu_visits_mine']",
            run: "click",
        },
        {
            content: "Open the planned call of the customer",
            trigger: `.o_list_view .o_data_row:has(td[name='partner_id']:contains('${CUSTOMER}')) td[name='name']`,
            run: "click",
        },
        {
            content: "The follow-up is planned",
            trigger: statusIs("planned"),
        },
        // Outcome: the 0-5 scores of the regulation's sample questionnaire.
        {
            content: "Open the Outcome tab",
            trigger: ".o_form_view .o_notebook .nav-link[name='outcome']",
            run: "click",
        },
        {
            content: "Nobody answered yet: the overall satisfaction is empty, not 0",
            trigger: `${visitField("satisfaction")} select:has(option[value='false']:selected)`,
        },
        {
            content: "Overall satisfaction",
            trigger: `${visitField("satisfaction")} select`,
            run: 'select "3"',
        },
        {
            content: "Product quality",
            trigger: `${visitField("score_quality")} select`,
            run: 'select "2"',
        },
        {
            content: "Delivery",
            trigger: `${visitField("score_delivery")} select`,
            run: 'select "4"',
        },
        {
            content: "Service attitude",
            trigger: `${visitField("score_attitude")} select`,
            run: 'select "5"',
        },
        {
            content: "Response speed",
            trigger: `${visitField("score_speed")} select`,
            run: 'select "3"',
        },
        // A problem found on the call, passed on the same day.
        {
            content: "Open the Problems found tab",
            trigger: ".o_form_view .o_notebook .nav-link[name='problems']",
            run: "click",
        },
        {
            content: "Add a problem",
            trigger: `${visitField("problem_ids")} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "Describe the problem",
            trigger: `${visitField("problem_ids")} .o_selected_row .o_field_widget[name='name'] input`,
            run: `edit ${PROBLEM} && click body`,
        },
        {
            content: "Mark the follow-up done (saves it first)",
            trigger: ".o_form_view .o_form_statusbar button[name='action_done']",
            run: "click",
        },
        {
            content: "The follow-up is done",
            trigger: statusIs("done"),
        },
        {
            content: "Back to the problems found",
            trigger: ".o_form_view .o_notebook .nav-link[name='problems']",
            run: "click",
        },
        {
            content: "Raise a service anomaly from the problem",
            trigger: `${visitField("problem_ids")} .o_data_row:contains('${PROBLEM}') button[name='action_create_anomaly']`,
            run: "click",
        },
        // The anomaly form opens filled from the problem.
        {
            content: "The anomaly comes from the follow-up",
            trigger: `${visitField("visit_id")} input:value('${CUSTOMER}')`,
        },
        {
            content: "The problem is its description",
            trigger: `${visitField("description")} textarea:value('${PROBLEM}')`,
        },
        {
            content: "Choose the category",
            trigger: `${visitField("category")} select`,
            run: 'select "technical"',
        },
        {
            content: "Save the anomaly: its clocks start",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The anomaly is discovered",
            trigger: ".o_form_saved .o_statusbar_status .o_arrow_button_current[data-value='discovered']",
        },
        {
            content: "It has its reference",
            trigger: `${visitField("name")}:not(:contains('/'))`,
        },
        {
            content: "The report clock runs",
            trigger: `${visitField("clock_ids")} .o_data_row td[name="deadline"]:not(:empty)`,
        },
        {
            content: "Report it",
            trigger: ".o_form_view .o_form_statusbar button[name='action_report']",
            run: "click",
        },
        {
            content: "The anomaly is reported",
            trigger: statusIs("reported"),
        },
        {
            content: "The next deadline and the time left show",
            trigger: `${visitField("next_deadline")} span:not(:empty)`,
        },
        {
            content: "The time left is counted",
            trigger: `${visitField("time_left")} span:not(:empty)`,
        },
    ],
});
