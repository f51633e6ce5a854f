"""``customer.followup.visit.action`` becomes ``customer.followup.visit.problem``.

The model was never an action: it is a problem found on a follow-up. Its
table, its references and every record naming it are renamed here, before
Odoo loads the new code, so that nothing is lost: the problems with their
ids, their chatter (messages, followers, activities, attachments), the
anomalies raised from them and the records' external ids (the company rules
are ``noupdate``: a new xml id would leave the old rule beside the new one).
Fields renamed with it: the follow-up's ``action_ids`` (``problem_ids``) and
``action_open_count`` (``problem_open_count``), the anomaly's
``visit_action_id`` (``visit_problem_id``).

Odoo's ``odoo.upgrade.util`` is not part of Odoo Community: plain SQL.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

OLD_MODEL, NEW_MODEL = "customer.followup.visit.action", "customer.followup.visit.problem"
OLD_TABLE, NEW_TABLE = "customer_followup_visit_action", "customer_followup_visit_problem"
# (model, table, old field, new field); only the anomaly's has a column.
FIELDS = [
    ("customer.followup.visit", None, "action_ids", "problem_ids"),
    ("customer.followup.visit", None, "action_open_count", "problem_open_count"),
    (
        "customer.followup.anomaly",
        "customer_followup_anomaly",
        "visit_action_id",
        "visit_problem_id",
    ),
]
# External ids of the addon whose name changes beside those derived from
# the model's and the fields' names.
XMLIDS = {
    "customer_followup_visit_action_view_list": "customer_followup_visit_problem_view_list",
    "customer_followup_visit_action_action": "customer_followup_visit_problem_action",
    "customer_followup_visit_action_rule_company": "customer_followup_visit_problem_rule_company",
    "customer_followup_visit_action_rule_user": "customer_followup_visit_problem_rule_user",
    "customer_followup_visit_action_rule_manager": "customer_followup_visit_problem_rule_manager",
    "access_customer_followup_visit_action_user": "access_customer_followup_visit_problem_user",
    "access_customer_followup_visit_action_manager": (
        "access_customer_followup_visit_problem_manager"
    ),
    "demo_visit_haier_action": "demo_visit_haier_problem",
    "demo_visit_sany_action": "demo_visit_sany_problem",
}
# Columns holding a model's name, in any table (mail_message.model,
# mail_followers.res_model, mail_activity.res_model, ir_attachment.res_model,
# ir_model_data.model, ir_ui_view.model, ir_act_window.res_model,
# ir_act_server.model_name, ir_model_fields.relation, ir_filters.model_id...).
MODEL_COLUMNS = ("model", "res_model", "model_name", "res_model_name", "relation", "model_id")


def _rename_objects(cr, old_prefix, new_prefix):
    """Constraints, then indexes (a primary key's index follows its
    constraint), whose name starts with ``old_prefix``; and the rows of
    ir_model_constraint naming them."""
    pattern = old_prefix.replace("_", r"\_") + "%"
    cr.execute(
        SQL(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE conname LIKE %s",
            pattern,
        )
    )
    for table, name in cr.fetchall():
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME CONSTRAINT %s TO %s",
                SQL.identifier(table),
                SQL.identifier(name),
                SQL.identifier(new_prefix + name[len(old_prefix) :]),
            )
        )
    cr.execute(
        SQL(
            "SELECT relname FROM pg_class WHERE relname LIKE %s AND relkind IN ('i', 'S')",
            pattern,
        )
    )
    for (name,) in cr.fetchall():
        cr.execute(
            SQL(
                "ALTER INDEX %s RENAME TO %s",
                SQL.identifier(name),
                SQL.identifier(new_prefix + name[len(old_prefix) :]),
            )
            if not name.endswith("_seq")
            else SQL(
                "ALTER SEQUENCE %s RENAME TO %s",
                SQL.identifier(name),
                SQL.identifier(new_prefix + name[len(old_prefix) :]),
            )
        )
    cr.execute(
        SQL(
            "UPDATE ir_model_constraint SET name = %s || substr(name, %s) WHERE name LIKE %s",
            new_prefix,
            len(old_prefix) + 1,
            pattern,
        )
    )


def _rename_xmlids(cr, renames, prefixes):
    for old, new in renames.items():
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET name = %s WHERE module = 'customer_followup' "
                "AND name = %s",
                new,
                old,
            )
        )
    for old, new in prefixes:
        cr.execute(
            SQL(
                "UPDATE ir_model_data SET name = %s || substr(name, %s) "
                "WHERE module = 'customer_followup' AND name LIKE %s",
                new,
                len(old) + 1,
                old.replace("_", r"\_") + "%",
            )
        )


def rename(cr, old_model, new_model, fields, xmlids):
    """Rename the model ``old_model`` to ``new_model`` with its table, the
    ``fields`` ``(model, table, old, new)`` and the external ids ``xmlids``
    (the test runs it backwards to rebuild an 18.0.2.0.0 database)."""
    old_table, new_table = old_model.replace(".", "_"), new_model.replace(".", "_")
    cr.execute(
        SQL(
            "ALTER TABLE %s RENAME TO %s",
            SQL.identifier(old_table),
            SQL.identifier(new_table),
        )
    )
    _rename_objects(cr, old_table, new_table)
    cr.execute(
        SQL(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t "
            "  ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
            "AND c.column_name IN %s AND c.data_type IN ('character varying', 'text')",
            MODEL_COLUMNS,
        )
    )
    for table, column in cr.fetchall():
        cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE %s = %s",
                SQL.identifier(table),
                SQL.identifier(column),
                new_model,
                SQL.identifier(column),
                old_model,
            )
        )
    model_xmlid = {f"model_{old_table}": f"model_{new_table}"}
    prefixes = [
        (f"{kind}__{old_table}__", f"{kind}__{new_table}__")
        for kind in ("model_inherit", "selection")
    ] + [(f"field_{old_table}__", f"field_{new_table}__")]
    field_xmlids = {}
    for model, table, old, new in fields:
        cr.execute(
            SQL(
                "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s",
                new,
                model,
                old,
            )
        )
        model_table = model.replace(".", "_")
        field_xmlids[f"field_{model_table}__{old}"] = f"field_{model_table}__{new}"
        if table:
            cr.execute(
                SQL(
                    "ALTER TABLE %s RENAME COLUMN %s TO %s",
                    SQL.identifier(table),
                    SQL.identifier(old),
                    SQL.identifier(new),
                )
            )
            _rename_objects(cr, f"{table}__{old}_", f"{table}__{new}_")
            _rename_objects(cr, f"{table}_{old}_", f"{table}_{new}_")
    _rename_xmlids(cr, {**model_xmlid, **field_xmlids, **xmlids}, prefixes)


def migrate(cr, version):
    cr.execute(SQL("SELECT to_regclass(%s), to_regclass(%s)", OLD_TABLE, NEW_TABLE))
    old, new = cr.fetchone()
    if not old or new:
        return
    rename(cr, OLD_MODEL, NEW_MODEL, FIELDS, XMLIDS)
    _logger.info("%s renamed to %s, with its data", OLD_MODEL, NEW_MODEL)
