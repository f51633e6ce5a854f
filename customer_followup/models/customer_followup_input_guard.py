import base64
import binascii
import datetime as dt
import math

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

# Longest text a person or an integration may write: a name or reference on
# one line, a report of several pages. Anything longer is a mistake or an
# attack, and the database would keep it forever (3-year retention).
MAX_CHAR = 1024
MAX_TEXT = 100_000
MAX_BINARY = 10 * 1024 * 1024
INT4 = (-(2**31), 2**31 - 1)
TEXT_TYPES = ("char", "text", "html")


class CustomerFollowupInputGuard(models.AbstractModel):
    """Checks the values people and integrations write, before the ORM sees
    them: a wrong type, an unknown choice, a text too long, a read-only or
    computed field gets a clear, translated error instead of a server error
    or a silent change. Code that sets read-only fields (a reference, who
    reviewed, when it was done) does it through ``_write_as_system`` after
    the user's own write access was checked."""

    _name = "customer.followup.input.guard"
    _description = "Customer Follow-up input checks"

    def _guard_input(self, vals):
        if self.env.su:
            return
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                raise UserError(
                    self.env._(
                        "%(model)s has no field %(field)s.",
                        model=self._description,
                        field=name,
                    )
                )
            if field.readonly:
                raise UserError(
                    self.env._(
                        "%(field)s is filled in by the application and cannot be written.",
                        field=self._guard_label(field),
                    )
                )
            self._guard_value(field, value)

    def _guard_label(self, field):
        return field._description_string(self.env)

    def _guard_wrong(self, field, value):
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        return ValidationError(
            self.env._(
                "Wrong value for %(field)s: %(value)s.",
                field=self._guard_label(field),
                value=shown,
            )
        )

    def _guard_value(self, field, value):
        # Records are what code passes, never what comes over the wire.
        if value is None or value is False or isinstance(value, models.BaseModel):
            return
        kind = field.type
        if kind == "boolean":
            if not isinstance(value, (bool, int)):
                raise self._guard_wrong(field, value)
        elif kind == "integer":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                raise self._guard_wrong(field, value)
            if not INT4[0] <= value <= INT4[1]:
                raise self._guard_wrong(field, value)
        elif kind in ("float", "monetary"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self._guard_wrong(field, value)
            if not math.isfinite(value) or abs(value) >= 1e15:
                raise self._guard_wrong(field, value)
        elif kind in TEXT_TYPES:
            if not isinstance(value, str) or "\x00" in value:
                raise self._guard_wrong(field, value)
            limit = MAX_CHAR if kind == "char" else MAX_TEXT
            if len(value) > limit:
                raise ValidationError(
                    self.env._(
                        "%(field)s is too long: %(length)s characters, at most %(limit)s.",
                        field=self._guard_label(field),
                        length=len(value),
                        limit=limit,
                    )
                )
        elif kind == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            if value not in keys:
                raise ValidationError(
                    self.env._(
                        "%(value)s is not a choice of %(field)s; choose one of: %(choices)s.",
                        value=repr(value)[:80],
                        field=self._guard_label(field),
                        choices=", ".join(keys),
                    )
                )
        elif kind == "date":
            self._guard_parse(field, value, fields.Date.to_date)
        elif kind == "datetime":
            self._guard_parse(field, value, fields.Datetime.to_datetime)
        elif kind == "many2one":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise self._guard_wrong(field, value)
            self._guard_exists(field, [value])
        elif kind in ("one2many", "many2many"):
            self._guard_commands(field, value)
        elif kind == "binary":
            if not isinstance(value, (str, bytes)) or len(value) > MAX_BINARY:
                raise self._guard_wrong(field, value[:20] if isinstance(value, str) else value)
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise self._guard_wrong(field, value[:20]) from None

    def _guard_parse(self, field, value, parse):
        if not isinstance(value, str) and not isinstance(value, (dt.date, dt.datetime)):
            raise self._guard_wrong(field, value)
        try:
            parsed = parse(value)
        except (ValueError, TypeError, OverflowError):
            raise self._guard_wrong(field, value) from None
        if not parsed or not 1900 <= parsed.year <= 2999:
            raise self._guard_wrong(field, value)

    def _guard_exists(self, field, ids):
        comodel = self.env[field.comodel_name].sudo().with_context(active_test=False)
        if len(comodel.browse(ids).exists()) != len(set(ids)):
            raise ValidationError(
                self.env._(
                    "%(field)s: no such record (%(ids)s).",
                    field=self._guard_label(field),
                    ids=", ".join(str(i) for i in ids),
                )
            )

    def _guard_commands(self, field, value):
        if not isinstance(value, (list, tuple)):
            raise self._guard_wrong(field, value)
        comodel = self.env[field.comodel_name]
        for command in value:
            if isinstance(command, int) and not isinstance(command, bool):
                self._guard_exists(field, [command])
                continue
            if (
                not isinstance(command, (list, tuple))
                or not command
                or isinstance(command[0], bool)
                or command[0] not in range(7)
            ):
                raise self._guard_wrong(field, command)
            code = command[0]
            if code in (0, 1):
                if len(command) < 3 or not isinstance(command[2], dict):
                    raise self._guard_wrong(field, command)
                if hasattr(comodel, "_guard_input"):
                    comodel._guard_input(command[2])
            if code in (1, 2, 3, 4):
                if len(command) < 2 or not isinstance(command[1], int) or command[1] <= 0:
                    raise self._guard_wrong(field, command)
                self._guard_exists(field, [command[1]])
            if code == 6:
                ids = command[2] if len(command) > 2 else None
                if not isinstance(ids, (list, tuple)) or not all(
                    isinstance(i, int) and not isinstance(i, bool) for i in ids
                ):
                    raise self._guard_wrong(field, command)
                self._guard_exists(field, list(ids))

    def _write_as_system(self, vals):
        """Set fields people cannot write (read-only, computed by workflow),
        for the records this user may write."""
        self.check_access("write")
        return self.sudo().write(vals)
