"""Follow-up scores become choices "0"–"5", empty while unanswered.

Up to 18.0.1.1.0 the five scores were integers: the ORM stores 0 for "no
value", and 0 is also the worst answer (extremely bad), so a follow-up
nobody answered read and averaged as 0. The columns are converted here,
before Odoo sees the new field type (it would otherwise cast every 0 to
"0"), in one rewrite of the table:

- the overall satisfaction is kept where it was recorded
  (``satisfaction_recorded``), empty elsewhere;
- an aspect is empty where the overall satisfaction was not recorded;
- an aspect at 0 next to an overall satisfaction of 3 (neutral) or more is
  taken as never answered: the old form showed 0 in every box left empty,
  and saved it with a follow-up created from the form. The 0s a customer
  gave in the online questionnaire are kept (unanswered questions were
  never written there), and so are those next to an overall 0, 1 or 2.

The recorded flag is now computed from the overall satisfaction: its column
is dropped. The satisfaction's tracking history keeps the numbers it showed.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TABLE = "customer_followup_visit"
ASPECTS = ("score_quality", "score_delivery", "score_attitude", "score_speed")
# An overall score from which an aspect's 0 is read as an empty box.
CONFIDENT_OVERALL = 3


def _column_types(cr):
    cr.execute(
        SQL(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
            TABLE,
        )
    )
    return dict(cr.fetchall())


def migrate(cr, version):
    types = _column_types(cr)
    if types.get("satisfaction") != "integer":
        return  # converted already
    recorded = (
        SQL.identifier("satisfaction_recorded")
        if "satisfaction_recorded" in types
        else SQL("satisfaction IS NOT NULL")
    )
    from_questionnaire = (
        SQL("survey_user_input_id IS NOT NULL") if "survey_user_input_id" in types else SQL("FALSE")
    )
    cr.execute(
        SQL(
            "SELECT COUNT(*) FROM %s WHERE %s AND satisfaction >= %s AND NOT (%s) AND (%s)",
            SQL.identifier(TABLE),
            recorded,
            CONFIDENT_OVERALL,
            from_questionnaire,
            SQL(" OR ").join(
                SQL("%s = 0", SQL.identifier(aspect)) for aspect in ASPECTS if aspect in types
            ),
        )
    )
    cleared = cr.fetchone()[0]
    # One ALTER TABLE: every USING expression reads the row as it was.
    aspects = [
        SQL(
            "ALTER COLUMN %(aspect)s TYPE varchar USING CASE WHEN %(recorded)s "
            "AND (%(aspect)s > 0 OR satisfaction < %(confident)s OR %(questionnaire)s) "
            "THEN %(aspect)s::varchar END",
            aspect=SQL.identifier(aspect),
            recorded=recorded,
            confident=CONFIDENT_OVERALL,
            questionnaire=from_questionnaire,
        )
        for aspect in ASPECTS
        if aspect in types
    ]
    overall = SQL(
        "ALTER COLUMN satisfaction TYPE varchar USING CASE WHEN %s THEN satisfaction::varchar END",
        recorded,
    )
    cr.execute(SQL("ALTER TABLE %s %s", SQL.identifier(TABLE), SQL(", ").join([*aspects, overall])))
    # The chatter showed the satisfaction's changes as numbers: a selection's
    # history is read from the text columns.
    cr.execute(
        SQL(
            """
            UPDATE mail_tracking_value v
               SET old_value_char = v.old_value_integer::varchar,
                   new_value_char = v.new_value_integer::varchar
              FROM ir_model_fields f
             WHERE f.id = v.field_id
               AND f.model = 'customer.followup.visit'
               AND f.name = 'satisfaction'
               AND v.old_value_char IS NULL
               AND v.new_value_char IS NULL
            """
        )
    )
    cr.execute(
        SQL("ALTER TABLE %s DROP COLUMN IF EXISTS satisfaction_recorded", SQL.identifier(TABLE))
    )
    _logger.info(
        "Follow-up scores converted to choices; %s follow-ups had an aspect at 0 read as "
        "unanswered next to an overall score of %s or more",
        cleared,
        CONFIDENT_OVERALL,
    )
