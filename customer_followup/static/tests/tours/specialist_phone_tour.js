/** @odoo-module **/
import { registry } from "@web/core/registry";

// The customer whose on-site follow-up of today the specialist records on a
// phone (made by tests/test_browser_visits.py for 王芳, the demo specialist,
// in a 390×844 touch browser).
const CUSTOMER = "嘉兴现场仪表有限公司";
const SIGNER = "李建国";
const PROBLEM = "现场压力表指针抖动";

const visitField = (name) => `.o_form_view .o_field_widget[name='${name}']`;
const statusIs = (state) =>
    `.o_form_view .o_statusbar_status .o_arrow_button_current[data-value='${state}']`;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A finger drawing a stroke on the signature pad: pointer events of a touch
// pointer, pressed, moved across the canvas in small steps, lifted.
async function drawSignature(canvas) {
    const box = canvas.getBoundingClientRect();
    const at = (fx, fy) => ({
        clientX: box.left + box.width * fx,
        clientY: box.top + box.height * fy,
    });
    const pointer = (type, point, buttons) =>
        new PointerEvent(type, {
            ...point,
            bubbles: true,
            cancelable: true,
            pointerId: 1,
            pointerType: "touch",
            isPrimary: true,
            button: 0,
            buttons,
            pressure: buttons ? 0.5 : 0,
        });
    const strokes = [
        // A "李"-like scrawl: a long stroke, then a loop.
        [
            [0.15, 0.55],
            [0.3, 0.35],
            [0.45, 0.6],
            [0.6, 0.3],
            [0.75, 0.65],
            [0.85, 0.45],
        ],
        [
            [0.3, 0.7],
            [0.4, 0.8],
            [0.55, 0.72],
            [0.5, 0.6],
            [0.35, 0.65],
        ],
    ];
    for (const stroke of strokes) {
        const [first, ...rest] = stroke;
        canvas.dispatchEvent(pointer("pointerdown", at(...first), 1));
        for (const point of rest) {
            await pause(30);
            canvas.dispatchEvent(pointer("pointermove", at(...point), 1));
        }
        await pause(30);
        canvas.ownerDocument.dispatchEvent(pointer("pointerup", at(...rest.at(-1)), 0));
    }
}

// On site, on the phone: My Follow-ups from the menu, today's on-site visit
// from the kanban, the satisfaction, the customer signs on the screen with a
// finger, and the visit is marked done.
registry.category("web_tour.tours").add("customer_followup_specialist_phone", {
    steps: () => [
        {
            content: "Open the menu",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all apps",
            trigger: ".o_app_menu_sidebar .o_sidebar_topbar a.btn-primary",
            run: "click",
        },
        {
            content: "Open Customer Follow-up",
            trigger:
                ".o_app_menu_sidebar .o_app[data-menu-xmlid='customer_followup.customer_followup_menu_root']",
            run: "click",
        },
        {
            content: "Open the menu of the app",
            trigger: ".o_main_navbar .o_menu_toggle",
            run: "click",
        },
        {
            content: "Open My Follow-ups",
            trigger:
                ".o_app_menu_sidebar [data-menu-xmlid='customer_followup.customer_followup_menu_visits_mine']",
            run: "click",
        },
        {
            content: "Open today's on-site visit from the kanban",
            trigger: `.o_kanban_view .o_kanban_record:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The follow-up is planned",
            trigger: statusIs("planned"),
        },
        {
            content: "Open the Outcome tab",
            trigger: ".o_form_view .o_notebook .nav-link[name='outcome']",
            run: "click",
        },
        {
            content: "Overall satisfaction",
            trigger: `${visitField("satisfaction")} select`,
            run: 'select "4"',
        },
        {
            content: "Product quality",
            trigger: `${visitField("score_quality")} select`,
            run: 'select "5"',
        },
        {
            content: "Who signs for the customer",
            trigger: `${visitField("signed_by")} input`,
            run: `edit ${SIGNER} && click body`,
        },
        {
            content: "Hand the phone to the customer: open the signature pad",
            trigger: `${visitField("signature")} .o_signature`,
            run: "click",
        },
        {
            content: "Sign by hand",
            trigger: ".modal .o_web_sign_draw_button",
            run: "click",
        },
        {
            content: "The customer draws the signature with a finger",
            trigger: ".modal .o_web_sign_draw_button.active",
            async run() {
                await drawSignature(document.querySelector(".modal canvas.o_web_sign_signature"));
            },
        },
        {
            content: "Adopt the signature",
            trigger: ".modal .modal-footer .btn-primary:enabled",
            run: "click",
        },
        {
            content: "The signature shows on the form",
            trigger: `${visitField("signature")} img.o_signature`,
        },
        {
            content: "The signer's name is kept",
            trigger: `${visitField("signed_by")} input:value('${SIGNER}')`,
        },
        // A problem seen on site, on a card: no table wider than the screen.
        {
            content: "Open the Problems found tab",
            trigger: ".o_form_view .o_notebook .nav-link[name='problems']",
            run: "click",
        },
        {
            content: "Add a problem",
            trigger: `${visitField("problem_ids")} .o-kanban-button-new`,
            run: "click",
        },
        {
            content: "Describe the problem",
            trigger: ".modal .o_form_view .o_field_widget[name='name'] input",
            run: `edit ${PROBLEM}`,
        },
        {
            content: "Keep it",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The problem shows as a card",
            trigger: `${visitField("problem_ids")} .o_kanban_record:contains('${PROBLEM}')`,
        },
        {
            content: "Back to the outcome: the signer's name is still there",
            trigger: ".o_form_view .o_notebook .nav-link[name='outcome']",
            run: "click",
        },
        {
            content: "The signer's name is kept",
            trigger: `${visitField("signed_by")} input:value('${SIGNER}')`,
        },
        {
            content: "Open the actions of the follow-up",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Mark the follow-up done (saves it first)",
            trigger: ".o-dropdown--menu button[name='action_done']",
            run: "click",
        },
        {
            content: "The follow-up is done",
            trigger: statusIs("done"),
        },
        {
            content: "Back to the outcome",
            trigger: ".o_form_view .o_notebook .nav-link[name='outcome']",
            run: "click",
        },
        {
            content: "Back on the signature: it is the customer's",
            trigger: `${visitField("signature")} img.o_signature`,
            run() {
                // The screenshot of the end state shows the outcome and the signature.
                this.anchor.scrollIntoView({ block: "center" });
            },
        },
    ],
});
