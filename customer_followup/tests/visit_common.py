from datetime import datetime, time, timedelta

import pytz

from odoo import Command

from .common import CustomerFollowupCase

SHANGHAI = pytz.timezone("Asia/Shanghai")


class VisitCase(CustomerFollowupCase):
    """Follow-up visit tests: the test company works Monday to Friday in
    Asia/Shanghai; customers are tiered by hand so that tests choose them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.company.resource_calendar_id
        cls.calendar.tz = "Asia/Shanghai"
        cls.Visit = cls.env["customer.followup.visit"]
        cls.Plan = cls.env["customer.followup.plan"]
        cls.Generator = cls.env["customer.followup.visit.generator"]
        cls.WorkingTime = cls.env["customer.followup.working.time"]

    @classmethod
    def _tiered(cls, name, tier, owner=None, **vals):
        partner = cls._customer(name, customer_rank=1, **vals)
        values = {
            "followup_tier_id": tier.id,
            "followup_tier_manual": True,
            "followup_tier_manual_reason": "test",
        }
        if owner:
            values["followup_user_id"] = owner.id
        partner.with_company(cls.company).sudo().write(values)
        return partner

    @classmethod
    def _holiday(cls, day, name="Public holiday"):
        """A public holiday (global leave) over the local ``day``."""
        start = SHANGHAI.localize(datetime.combine(day, time())).astimezone(pytz.utc)
        return cls.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "calendar_id": cls.calendar.id,
                "company_id": cls.company.id,
                "date_from": start.replace(tzinfo=None),
                "date_to": (start + timedelta(days=1) - timedelta(seconds=1)).replace(tzinfo=None),
            }
        )

    def _visit(self, partner, **vals):
        return self.Visit.create(
            dict(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "channel": "phone",
                    "trigger": "adhoc",
                    "scheduled_date": datetime.now() + timedelta(days=5),
                    "user_id": self.user_cs.id,
                },
                **vals,
            )
        )

    def _plan(self, date_from, date_to, **vals):
        return self.Plan.create(
            dict(
                {
                    "name": "Plan",
                    "company_id": self.company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                },
                **vals,
            )
        )

    @staticmethod
    def _local(value):
        return pytz.utc.localize(value).astimezone(SHANGHAI)

    def _users(self, *users):
        return [Command.set([u.id for u in users])]
