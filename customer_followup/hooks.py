def uninstall_hook(env):
    """Remove every escalation policy before the addon's data.

    The policies of companies other than the main one are copies without an
    external id: left alone, they would only go with their table, after
    Odoo tried to delete the addon's groups, which they still name as
    approvers and escalation levels (required fields, so the database
    refuses), and the groups would outlive the addon. Odoo runs the hook
    as superuser: every company's policies go.
    """
    env["customer.followup.escalation.policy"].with_context(active_test=False).search([]).unlink()
    # The follow-ups' appointments go with the follow-ups: none is left in
    # anyone's calendar without the follow-up it stood for.
    env["calendar.event"].with_context(active_test=False).search(
        [("followup_visit_id", "!=", False)]
    ).unlink()
