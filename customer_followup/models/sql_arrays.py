"""Columns of many rows as one PostgreSQL array parameter.

psycopg2 renders a Python list as ``ARRAY[v1, v2, ...]``: one adapted and
quoted constant per value, which the server then parses one by one. For the
scheduled jobs' bulk statements (thousands of rows per batch) that cost more
than the statement itself; an array literal (``'{v1,v2}'``) is built with a
join and parsed by the server in one pass.
"""

from datetime import date

from odoo.tools import SQL


def array_element(value):
    """``value`` as an element of an array literal, or ``None`` when its
    type is not one of the plain ones written here."""
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | date):  # datetime is a date
        text = str(value)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return None


def array_literal(values):
    """The array literal of ``values`` (plain Python values: ``None``,
    booleans, numbers, strings, dates, datetimes), or ``None`` when one of
    them is of another type. Repeated values are written once."""
    types = set(map(type, values))
    if types == {int}:
        return "{" + ",".join(map(str, values)) + "}"
    if types == {str}:
        # Texts that differ on every row (references): joined at once when
        # no quote but the separators' and no backslash needs escaping.
        text = '","'.join(values)
        if "\\" not in text and text.count('"') == 2 * (len(values) - 1):
            return '{"' + text + '"}'
    if bool in types and types & {int, float}:
        # True == 1: one literal per distinct value would mix them up.
        parts = [array_element(value) for value in values]
        return None if None in parts else "{" + ",".join(parts) + "}"
    # Each distinct value is written once (a batch's few dates and slots).
    literals = {}
    for value in set(values):
        literal = literals[value] = array_element(value)
        if literal is None:
            return None
    return "{" + ",".join(map(literals.__getitem__, values)) + "}"


def array_param(values, sql_type):
    """``values`` as an SQL array parameter of ``sql_type`` (``"int4"``,
    ``"varchar"``, ...), through psycopg2's adaptation for the types
    :func:`array_literal` does not write."""
    literal = array_literal(values)
    if literal is None:
        return SQL("%s::%s[]", list(values), SQL(sql_type))
    return SQL("%s::%s[]", literal, SQL(sql_type))
