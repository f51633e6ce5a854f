/** @odoo-module **/
import { registry } from "@web/core/registry";

const ROOT_MENU = "customer_followup.customer_followup_menu_root";

// A salesperson opens a strategic customer: the tier shows under the name and
// on the Follow-up tab, but nothing lets them change it, and no follow-up
// record of the customer is shown to them (001 篇五).
registry.category("web_tour.tours").add("customer_followup_salesperson_tier", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: "The apps are listed, Customer Follow-up is not one of them",
            trigger: `.o-dropdown--menu:has(.o_app[data-menu-xmlid='contacts.menu_contacts']):not(:has(.o_app[data-menu-xmlid='${ROOT_MENU}']))`,
        },
        {
            content: "Close the apps menu",
            trigger: ".o_navbar_apps_menu button:enabled",
            run: "click",
        },
        {
            content: "The tier badge shows under the customer's name",
            trigger: ".o_form_view .oe_title .o_field_widget[name='followup_tier_id'] .badge",
        },
        {
            content: "No Follow-ups or Anomalies smart button",
            trigger: ".o_form_view .o-form-buttonbox:not(:has(button[name='action_followup_view_visits'])):not(:has(button[name='action_view_followup_anomalies']))",
        },
        {
            content: "Open the Follow-up tab",
            trigger: ".o_notebook .nav-link[name='customer_followup']",
            run: "click",
        },
        {
            content: "The rule that decided the tier is shown",
            trigger: ".o_field_widget[name='followup_tier_rule']",
        },
        {
            content: "No control to set the tier by hand for a salesperson",
            trigger: ".o_form_view:not(:has(.o_field_widget[name='followup_tier_manual']))",
        },
        {
            content: "No follow-up figures (last, next follow-up, satisfaction)",
            trigger: ".o_form_view .o_notebook:has(.o_field_widget[name='followup_tier_rule']):not(:has(.o_field_widget[name='followup_last_visit'])):not(:has(.o_field_widget[name='followup_satisfaction']))",
        },
    ],
});
