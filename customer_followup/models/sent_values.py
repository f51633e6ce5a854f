"""Values as clients send them, checked before the ORM stores them.

The ORM converts what it is given: any text becomes a true boolean, a
number or a dict becomes a text, an unknown command of a list is skipped;
what it cannot convert (a date that is no date, an unknown choice, a field
that does not exist) fails with a server error and its traceback. Values
people and integrations send are checked here for the type a client sends
for each kind of field, then converted by the ORM itself, so that a wrong
one gets a clear message naming the field and nothing is written. Length
and range limits are the models' constraints (:func:`check_text_lengths`,
:func:`check_date_range`).
"""

import base64
import binascii
import math
from datetime import date, datetime

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.models import BaseModel

# What a client sends for each kind of field (XML-RPC and JSON-RPC: strings
# for dates, integers for records, lists of commands for lists of records).
SENT_TYPES = {
    "boolean": (bool, int),
    "integer": (int,),
    "float": (int, float),
    "monetary": (int, float),
    "char": (str,),
    "text": (str,),
    "html": (str,),
    "selection": (str,),
    "date": (str, date),
    "datetime": (str, datetime),
    "many2one": (int,),
    "one2many": (list, tuple),
    "many2many": (list, tuple),
    "binary": (str, bytes),
}
# PostgreSQL's integer column.
INT4 = (-(2**31), 2**31 - 1)
# Longest text people write: a name or reference on one line, a report of
# several pages. Anything longer is a mistake or an attack, and the file of
# an anomaly is kept for years.
MAX_CHAR = 1024
MAX_TEXT = 100_000
# Dates a follow-up, an anomaly or a plan can have.
YEARS = (1900, 2999)


def _wrong(env, field, value):
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return ValidationError(
        env._(
            "Wrong value for %(field)s: %(value)s.",
            field=field._description_string(env),
            value=shown,
        )
    )


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_command(command):
    """A command of a list of records (:class:`~odoo.fields.Command`) or a record id."""
    if _is_int(command):
        return True
    if not isinstance(command, list | tuple) or not command or not _is_int(command[0]):
        return False
    code, args = command[0], command[1:]
    if code in (Command.CREATE, Command.UPDATE):
        return len(args) == 2 and isinstance(args[1], dict)
    if code in (Command.DELETE, Command.UNLINK, Command.LINK):
        return bool(args) and _is_int(args[0])
    if code == Command.SET:
        ids = args[1] if len(args) == 2 else None
        return isinstance(ids, list | tuple) and all(_is_int(i) for i in ids)
    return code == Command.CLEAR


def _accepted(value):
    return True


def _no_nul(text):
    # PostgreSQL stores no NUL character in a text.
    return "\x00" not in text


def _base64(value):
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# What a value of the right type must also be, by kind of field: what the
# database would refuse with a server error, or the ORM skip silently.
VALUE_CHECKS = {
    "char": _no_nul,
    "text": _no_nul,
    "html": _no_nul,
    "integer": lambda value: INT4[0] <= value <= INT4[1],
    "float": math.isfinite,
    "monetary": math.isfinite,
    "one2many": lambda value: all(_is_command(command) for command in value),
    "many2many": lambda value: all(_is_command(command) for command in value),
    "binary": _base64,
}


def _check_choice(env, field, value):
    choices = [key for key, _label in field._description_selection(env)]
    if value not in choices:
        raise ValidationError(
            env._(
                "%(value)s is not a choice of %(field)s; choose one of: %(choices)s.",
                value=repr(value)[:80],
                field=field._description_string(env),
                choices=", ".join(choices),
            )
        )


def _check_value(records, field, value):
    """Refuse what the ORM would convert silently or fail on with a server error."""
    env = records.env
    kind = field.type
    sent = isinstance(value, SENT_TYPES.get(kind, object)) and (
        kind == "boolean" or not isinstance(value, bool)
    )
    if not sent or not VALUE_CHECKS.get(kind, _accepted)(value):
        raise _wrong(env, field, value if not isinstance(value, str | bytes) else value[:80])
    if kind == "selection":
        _check_choice(env, field, value)
    elif kind in ("date", "datetime"):
        # The ORM's own parsing: the formats it stores, nothing else.
        try:
            field.convert_to_cache(value, records)
        except (TypeError, ValueError):
            raise _wrong(env, field, value) from None


def check_sent_values(records, vals):
    """Refuse ``vals`` (of a create or write on ``records``' model) that name
    no field of the model or hold a value of the wrong kind. The superuser's
    code passes what it computed: it is not checked."""
    env = records.env
    if env.su:
        return
    for name, value in vals.items():
        field = records._fields.get(name)
        if field is None:
            raise UserError(
                env._("%(model)s has no field %(field)s.", model=records._description, field=name)
            )
        # Records are what code passes, never what comes over the wire.
        if value is False or value is None or isinstance(value, BaseModel):
            continue
        _check_value(records, field, value)


def check_text_lengths(records, fnames):
    """For an ``@api.constrains`` on the texts people write: at most
    MAX_CHAR characters on one line, MAX_TEXT in a text."""
    env = records.env
    for record in records:
        for name in fnames:
            value = record[name]
            field = records._fields[name]
            limit = MAX_CHAR if field.type == "char" else MAX_TEXT
            if value and len(value) > limit:
                raise ValidationError(
                    env._(
                        "%(field)s is too long: %(length)s characters, at most %(limit)s.",
                        field=field._description_string(env),
                        length=len(value),
                        limit=limit,
                    )
                )


def check_date_range(records, fnames):
    """For an ``@api.constrains`` on dates people enter: within YEARS."""
    env = records.env
    for record in records:
        for name in fnames:
            value = record[name]
            if value and not YEARS[0] <= value.year <= YEARS[1]:
                raise _wrong(env, records._fields[name], value)
