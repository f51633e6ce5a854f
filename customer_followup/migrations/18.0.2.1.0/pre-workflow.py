"""An anomaly's ``is_overdue`` (shown as "Escalated") is named what it is:
``is_escalated``. Renamed before Odoo loads the new field, so that every
anomaly keeps its value: the column, its partial index, the field's record
(and external id, so translations follow) and the saved filters that name it.
Running it twice changes nothing."""

from odoo.tools import SQL

MODEL = "customer.followup.anomaly"
TABLE = "customer_followup_anomaly"
OLD, NEW = "is_overdue", "is_escalated"
OLD_INDEX = "customer_followup_anomaly_overdue_department_idx"
NEW_INDEX = "customer_followup_anomaly_escalated_department_idx"


def _column_exists(cr, name):
    cr.execute(
        SQL(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
            TABLE,
            name,
        )
    )
    return bool(cr.fetchone())


def migrate(cr, version):
    if _column_exists(cr, OLD) and not _column_exists(cr, NEW):
        cr.execute(
            SQL(
                "ALTER TABLE %s RENAME COLUMN %s TO %s",
                SQL.identifier(TABLE),
                SQL.identifier(OLD),
                SQL.identifier(NEW),
            )
        )
    cr.execute(
        SQL(
            "ALTER INDEX IF EXISTS %s RENAME TO %s",
            SQL.identifier(OLD_INDEX),
            SQL.identifier(NEW_INDEX),
        )
    )
    cr.execute(
        SQL(
            "UPDATE ir_model_fields SET name = %s WHERE model = %s AND name = %s "
            "AND NOT EXISTS (SELECT 1 FROM ir_model_fields WHERE model = %s AND name = %s)",
            NEW,
            MODEL,
            OLD,
            MODEL,
            NEW,
        )
    )
    prefix = "field_" + TABLE + "__"
    cr.execute(
        SQL(
            "UPDATE ir_model_data SET name = %s WHERE module = 'customer_followup' "
            "AND model = 'ir.model.fields' AND name = %s",
            prefix + NEW,
            prefix + OLD,
        )
    )
    for column in ("domain", "context"):
        cr.execute(
            SQL(
                "UPDATE ir_filters SET %s = replace(%s, %s, %s) WHERE model_id = %s AND %s LIKE %s",
                SQL.identifier(column),
                SQL.identifier(column),
                f"'{OLD}'",
                f"'{NEW}'",
                MODEL,
                SQL.identifier(column),
                f"%'{OLD}'%",
            )
        )
