from datetime import date, datetime, time, timedelta

import pytz

from odoo import Command, fields
from odoo.tests import new_test_user

from .common import CustomerFollowupCase

SHANGHAI = pytz.timezone("Asia/Shanghai")


# The closed loop of 003 第八条, step by step.
LOOP = [
    "discovered",
    "reported",
    "responding",
    "investigating",
    "plan",
    "in_progress",
    "feedback",
    "review",
    "closed",
]


class AnomalyCase(CustomerFollowupCase):
    """A company working Monday to Friday 08:00-12:00 and 13:00-17:00 in
    Shanghai, with its own public holiday and make-up working day, and one
    user per anomaly role."""

    # Week of Monday 2026-11-16; the weekend is 21-22 November. The test
    # company takes Wednesday 25 November off and works Saturday 28 November
    # (调休) as a Monday.
    HOLIDAY = date(2026, 11, 25)
    MAKEUP_DAY = date(2026, 11, 28)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Test 8h Shanghai",
                "tz": "Asia/Shanghai",
                "hours_per_day": 8,
                "company_id": cls.company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, stop, period in ((8, 12, "morning"), (13, 17, "afternoon"))
                ],
            }
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Test public holiday",
                "calendar_id": cls.calendar.id,
                "date_from": cls.utc(datetime.combine(cls.HOLIDAY, time.min)),
                "date_to": cls.utc(datetime.combine(cls.HOLIDAY, time(23, 59, 59))),
                "time_type": "leave",
            }
        )
        cls.env["customer.followup.makeup.day"].create(
            {
                "calendar_id": cls.calendar.id,
                "date": cls.MAKEUP_DAY,
                "name": "调休上班",
                "weekday_as": "0",
            }
        )
        cls.company.resource_calendar_id = cls.calendar
        groups = "base.group_user,base.group_partner_manager,sales_team.group_sale_salesman,"
        cls.user_dept_head, cls.user_deputy, cls.user_leader = (
            new_test_user(
                cls.env,
                login=f"cf_{role}",
                groups=groups + f"customer_followup.group_customer_followup_{role}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )
            for role in ("dept_head", "deputy_leader", "leader")
        )
        cls.Anomaly = cls.env["customer.followup.anomaly"]
        cls.Policy = cls.env["customer.followup.escalation.policy"]
        cls.customer = cls._customer("异常客户 Normal customer")
        cls.contact = cls.env["res.partner"].create({"name": "李工", "parent_id": cls.customer.id})
        cls.strategic = cls._customer("战略客户 Strategic customer")
        cls.strategic.with_company(cls.company).sudo().write(
            {
                "followup_tier_id": cls.tier_strategic.id,
                "followup_tier_manual": True,
                "followup_tier_manual_reason": "test",
            }
        )

    @staticmethod
    def utc(local):
        """Naive UTC of a naive Shanghai wall-clock datetime."""
        return SHANGHAI.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    @staticmethod
    def local(utc):
        return pytz.utc.localize(utc).astimezone(SHANGHAI).replace(tzinfo=None)

    def policy(self, severity):
        return self.Policy._get(self.company, severity)

    def anomaly(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "category": "delivery",
            "severity": "general",
            "description": "设备延期交付",
            "company_id": self.company.id,
        }
        values.update(vals)
        return self.Anomaly.with_user(user or self.user_cs).create(values)

    def advance(self, anomaly, target, user=None):
        """Fill what each step needs and move ``anomaly`` up to ``target``,
        as its handler, the right approver and the customer would."""
        order = LOOP
        approver = {
            "general": self.user_dept_head,
            "major": self.user_deputy,
            "critical": self.user_leader,
        }
        while order.index(anomaly.state) < order.index(target):
            state = anomaly.state
            record = anomaly.with_user(user or self.user_cs)
            if state == "investigating":
                record.write(
                    {
                        "findings": "交付延期两天",
                        "root_cause": "物流排期错误",
                        "plan_measures": "加急发货",
                        "plan_owner_ids": [Command.set(self.user_cs.ids)],
                        "plan_deadline": anomaly._clock_deadline("resolve")
                        or anomaly.discovered_at + timedelta(days=3),
                    }
                )
            if state in ("plan", "review"):
                # Plans are approved and anomalies closed by their level.
                record = anomaly.with_user(approver[anomaly.severity])
            if state == "feedback":
                record.write(
                    {
                        "customer_told": "已加急发货",
                        "customer_satisfaction": "4",
                        "customer_accepted": True,
                    }
                )
            if state == "review":
                record.write(
                    {
                        "review_root_cause": "排期系统未校验",
                        "lessons": "交付前复核",
                        "improvement_actions": "增加交付复核环节",
                    }
                    | (
                        {"review_meeting_at": fields.Datetime.now()}
                        if anomaly.severity == "critical"
                        else {}
                    )
                )
            record.action_next_step()
        return anomaly
