/** @odoo-module **/
import { registry } from "@web/core/registry";

// A customer files a complaint from the portal and gets its reference.
registry.category("web_tour.tours").add("customer_followup_portal_complaint", {
    url: "/my/service-issues",
    steps: () => [
        {
            content: "Open the complaint form",
            trigger: "a.o_cf_new_complaint",
            run: "click",
        },
        {
            content: "Say what it is about",
            trigger: "select[name='category']",
            run: "select aftersales",
        },
        {
            content: "Describe the problem",
            trigger: "textarea[name='description']",
            run: "edit 流量计显示屏黑屏，无法读数",
        },
        {
            content: "Say how it affects production",
            trigger: "textarea[name='impact']",
            run: "edit 二号线停线",
        },
        {
            content: "Send it",
            trigger: "button.o_cf_submit",
            run: "click",
        },
        {
            content: "The complaint is acknowledged with its reference",
            trigger: ".o_cf_created .o_cf_reference:contains('YC')",
        },
        {
            content: "It is discovered, with the description as typed",
            trigger: ".o_cf_description:contains('流量计显示屏黑屏')",
        },
    ],
});

// Later, the handling is done: the customer rates it and confirms it solved.
registry.category("web_tour.tours").add("customer_followup_portal_confirm", {
    url: "/my/service-issues",
    steps: () => [
        {
            content: "The issue waits for the customer's confirmation",
            trigger: ".o_cf_issue:contains('流量计显示屏黑屏') a.badge:contains('Please confirm')",
            run: "click",
        },
        {
            content: "Rate the handling",
            trigger: ".o_cf_confirmation select[name='rating']",
            run: "select 5",
        },
        {
            content: "Leave a word",
            trigger: ".o_cf_confirmation textarea[name='comment']",
            run: "edit 处理及时，谢谢",
        },
        {
            content: "Confirm it is solved",
            trigger: ".o_cf_confirmation button.o_cf_confirm",
            run: "click",
        },
        {
            content: "The answer is recorded",
            trigger: ".o_cf_confirmed",
        },
        {
            content: "and shown on the issue",
            trigger: ".o_cf_answer:contains('5/5')",
        },
    ],
});

// A customer opens an upcoming follow-up from the paged list and asks for
// another time.
registry.category("web_tour.tours").add("customer_followup_portal_another_time", {
    url: "/my/follow-ups",
    steps: () => [
        {
            content: "Show the upcoming follow-ups only",
            trigger: "#portal_searchbar_filters",
            run: "click",
        },
        {
            content: "Upcoming",
            trigger: ".dropdown-menu a[href*='filterby=upcoming']",
            run: "click",
        },
        {
            // The unfiltered page lists the same row: wait for the page the
            // filter loads, or the click lands on a page being replaced.
            content: "Open the next appointment",
            trigger:
                "body:has(.dropdown-menu a.active[href*='filterby=upcoming']) tr.o_cf_upcoming a.o_cf_visit_link",
            run: "click",
        },
        {
            content: "Say when suits better",
            trigger: ".o_cf_another_time input[name='preferred']",
            run: "edit 下周二 10:00",
        },
        {
            content: "Ask for another time",
            trigger: ".o_cf_another_time button[type='submit']",
            run: "click",
        },
        {
            content: "The request reached the person in charge",
            trigger: ".o_cf_requested",
        },
    ],
});
