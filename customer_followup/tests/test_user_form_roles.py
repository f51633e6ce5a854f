"""Where administrators give the follow-up roles: the user form, section
Services (beside Helpdesk and Project), each role with what it may do, and
the settings page's links to the users of each role."""

from lxml import etree

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import convert_file
from odoo.tools.safe_eval import safe_eval

ROLES = [
    "customer_followup.group_customer_followup_user",
    "customer_followup.group_customer_followup_dept_head",
    "customer_followup.group_customer_followup_deputy_leader",
    "customer_followup.group_customer_followup_leader",
    "customer_followup.group_customer_followup_manager",
]


@tagged("post_install", "-at_install")
class TestUserFormRoles(TransactionCase):
    def _form(self, model, env, view=False):
        views = env[model].get_views([(view, "form")])
        return views["views"]["form"]["arch"], views["models"][model]["fields"]

    def test_roles_sit_under_services_with_what_each_may_do(self):
        admin = self.env.ref("base.user_admin")
        roles = [self.env.ref(xmlid) for xmlid in ROLES]
        arch, fields = self._form(
            "res.users", self.env(user=admin), self.env.ref("base.view_users_form").id
        )
        form = etree.fromstring(arch)
        field_name = "sel_groups_" + "_".join(str(role.id) for role in roles)

        # One choice of the five roles, in their chain order ...
        [field] = form.xpath(f"//field[@name='{field_name}']")
        self.assertEqual(
            [value for value, _label in fields[field_name]["selection"]],
            [False] + [role.id for role in roles],
        )
        # ... in the section of the services apps (not "Other").
        section = field.getparent()
        self.assertEqual(section.tag, "group")
        self.assertEqual(section.get("string"), self.env.ref("base.module_category_services").name)
        # Each role's tip says what it may do, in one line.
        tip = fields[field_name]["help"]
        for role in roles:
            self.assertTrue(role.comment and "\n" not in role.comment, role.name)
            self.assertIn(f"{role.name}: {role.comment}", tip)
        # The loss assessors (finance, legal) are offered in the same section.
        loss = self.env.ref("customer_followup.group_customer_followup_loss")
        [loss_field] = form.xpath(f"//field[@name='sel_groups_{loss.id}']")
        self.assertEqual(loss_field.getparent(), section)

    def test_settings_link_to_the_users_of_each_role(self):
        admin = self.env.ref("base.user_admin")
        arch, _fields = self._form("res.config.settings", self.env(user=admin))
        form = etree.fromstring(arch)
        manager = new_test_user(
            self.env,
            login="cf_roles_manager",
            groups="customer_followup.group_customer_followup_manager",
        )
        specialist = new_test_user(
            self.env, login="cf_roles_user", groups="customer_followup.group_customer_followup_user"
        )
        salesperson = new_test_user(
            self.env, login="cf_roles_sales", groups="sales_team.group_sale_salesman"
        )
        roles = [*ROLES, "customer_followup.group_customer_followup_loss"]
        for xmlid in roles:
            role = self.env.ref(xmlid)
            action = self.env.ref(xmlid.replace(".group_", ".res_users_action_"))
            [button] = form.xpath(
                f"//setting[@id='customer_followup_roles']//button[@name='{action.id}']"
            )
            self.assertEqual(button.get("type"), "action")
            users = self.env["res.users"].search(safe_eval(action.domain))
            self.assertEqual(users, role.users, xmlid)
        # The users of a role are those who may do what it allows: a manager
        # is among the users, a specialist is not among the managers.
        user_role = self.env.ref(ROLES[0])
        manager_role = self.env.ref(ROLES[-1])
        self.assertIn(manager, user_role.users)
        self.assertIn(specialist, user_role.users)
        self.assertNotIn(specialist, manager_role.users)
        self.assertNotIn(salesperson, user_role.users)

    def test_upgrade_moves_the_roles_from_other_to_services(self):
        """A database installed before: its category had no parent (the
        section "Other"); -u loads the security file again, which is not
        noupdate, and the roles move under Services."""
        category = self.env.ref("customer_followup.module_category_customer_followup")
        loss = self.env.ref("customer_followup.module_category_customer_followup_loss")
        category.parent_id = False
        loss.parent_id = category

        convert_file(
            self.env,
            "customer_followup",
            "security/customer_followup_security.xml",
            {},
            mode="update",
        )

        services = self.env.ref("base.module_category_services")
        self.assertEqual(category.parent_id, services)
        self.assertEqual(loss.parent_id, services)
