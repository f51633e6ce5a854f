/** @odoo-module **/
import { registry } from "@web/core/registry";

// A salesperson opens a strategic customer: the tier shows under the name and
// on the Follow-up tab, but nothing lets them change it.
registry.category("web_tour.tours").add("customer_followup_salesperson_tier", {
    steps: () => [
        {
            content: "The tier badge shows under the customer's name",
            trigger: ".o_form_view .oe_title .o_field_widget[name='followup_tier_id'] .badge",
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
    ],
});
