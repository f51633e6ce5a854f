from datetime import date, datetime
from decimal import Decimal

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.customer_followup.models.sql_arrays import array_literal, array_param

# Texts a customer, an integration or a careless import may put in a field
# that a bulk statement then sends as one array literal.
HOSTILE_TEXTS = [
    'a"b',
    '"',
    '""',
    "\\",
    "c\\d",
    '\\"',
    '"\\',
    "{",
    "}",
    "{g}",
    "{a,b}",
    "{{}}",
    ",",
    "e,f",
    "NULL",
    "null",
    "回访 NULL",
    "",
    " ",
    " sp ",
    "\t",
    "\n",
    "line 1\nline 2\r\nline 3",
    "it's",
    "''",
    "$$",
    "'}'::text[]; DROP TABLE customer_followup_visit; --",
    "😀",
    "满意 👍🏽 非常满意",
    "客户回访记录表",
    "x" * 10000,
    '"{' + "回,访\\" * 2000 + '}"',
]


@tagged("post_install", "-at_install")
class TestSqlArrays(TransactionCase):
    """The bulk statements send a column of many rows as one array literal
    (``sql_arrays``): every value must come back from PostgreSQL exactly as
    it was sent, whatever it holds."""

    def _round_trip(self, values, sql_type):
        return [
            row[0]
            for row in self.env.execute_query(
                SQL("SELECT unnest(%s)", array_param(values, sql_type))
            )
        ]

    def test_hostile_texts_round_trip(self):
        for sql_type in ("text", "varchar"):
            self.assertEqual(self._round_trip(HOSTILE_TEXTS, sql_type), HOSTILE_TEXTS)
            # One at a time too: each literal stands on its own.
            for text in HOSTILE_TEXTS:
                self.assertEqual(self._round_trip([text], sql_type), [text], repr(text[:40]))

    def test_texts_are_written_as_a_literal(self):
        """Hostile texts are escaped by the literal, not left to psycopg2's
        adaptation (which the literal exists to avoid)."""
        for text in HOSTILE_TEXTS:
            self.assertIsNotNone(array_literal([text]), repr(text[:40]))
        self.assertIsNotNone(array_literal(HOSTILE_TEXTS + [None]))

    def test_null_and_the_text_null(self):
        values = [None, "NULL", None, "null", "", None]
        got = self._round_trip(values, "text")
        self.assertEqual(got, values)
        self.assertIsNone(got[0])
        self.assertEqual(got[1], "NULL")
        self.assertEqual(got[4], "")

    def test_repeated_texts_keep_their_order(self):
        """Each distinct value is escaped once: repeated values come back
        in their places."""
        values = ['a"b', "x", 'a"b', None, "x", "\\", 'a"b'] * 50
        self.assertEqual(self._round_trip(values, "text"), values)

    def test_texts_needing_no_escape(self):
        """References differ on every row and are joined at once; one
        quote or backslash among them sends the column through escaping."""
        references = [f"HF2027-{n:06d}" for n in range(1, 5001)]
        self.assertEqual(self._round_trip(references, "varchar"), references)
        for odd in ('HF"1', "HF\\1", "HF{1}", "HF,1", "", "NULL"):
            values = references[:3] + [odd] + references[3:6]
            self.assertEqual(self._round_trip(values, "varchar"), values, odd)

    def test_numbers_booleans_dates(self):
        cases = {
            "int4": [1, 0, -7, 2147483647, None],
            "int8": [9007199254740993, -1, None],
            "float8": [0.1, -2.5, 1e-10, 123456789.125, 0.0, None],
            "bool": [True, False, None, True],
            "date": [date(1900, 1, 1), date(2027, 2, 26), date(2999, 12, 31), None],
            "timestamp": [
                datetime(2027, 3, 1, 2, 30),
                datetime(2027, 12, 31, 23, 59, 59, 999999),
                None,
            ],
        }
        for sql_type, values in cases.items():
            self.assertEqual(self._round_trip(values, sql_type), values, sql_type)
        # Only plain ints: the shortest path.
        self.assertEqual(array_literal([3, 1, 2]), "{3,1,2}")
        self.assertEqual(self._round_trip(list(range(10000)), "int4"), list(range(10000)))

    def test_booleans_beside_numbers_are_not_merged(self):
        """True == 1 in Python: a literal per distinct value would write
        the first one seen for both."""
        self.assertEqual(self._round_trip([1, True, 0, False], "bool"), [True, True, False, False])

    def test_other_types_go_through_psycopg2(self):
        values = [Decimal("1.10"), None, Decimal("-0.5")]
        self.assertIsNone(array_literal(values))
        # Odoo reads numeric columns back as floats.
        self.assertEqual(self._round_trip(values, "numeric"), [1.1, None, -0.5])

    def test_empty_column(self):
        self.assertEqual(self._round_trip([], "text"), [])
        self.assertEqual(self._round_trip([], "int4"), [])
