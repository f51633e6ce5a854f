"""The state of one batch of follow-up generation: what its customers
share (working dates, calling slots, the tiers' cadence slots and channel
mixes, the keys already planned) and the plain values it reads and plans."""

from bisect import bisect_left
from collections import namedtuple
from dataclasses import dataclass, field

# The generator's view of a customer, read in one query per batch, and the
# partner fields it is read from (after the id).
BatchCustomer = namedtuple("BatchCustomer", ["id", "tier_id", "fewer_calls", "user_id"])
CUSTOMER_FIELDS = ("followup_tier_id", "followup_fewer_calls", "followup_user_id")
# A cadence slot of a tier, prepared once per batch: its position among the
# tier's slots (which spreads its customers), its working days in the
# period, its period key and deadline, and its number in the batch.
TierSlot = namedtuple(
    "TierSlot", ["offset", "routine", "trigger", "period_key", "window", "number"]
)
# One follow-up planned by a batch: what differs from customer to customer.
# What the customers of a tier share for a slot (tier, trigger, period key,
# deadline) is the batch's slot number ``slot``.
PlannedVisit = namedtuple(
    "PlannedVisit",
    ["partner_id", "slot", "channel", "scheduled_date", "preparation_date", "user_id"],
)


@dataclass
class GenerationBatch:
    """What the customers of one generation batch share. Windows,
    preparation days and UTC times are computed once per batch, not per
    follow-up."""

    company: object
    company_id: int
    plan_id: int
    calendar: object
    tz: object
    visit_model: object
    dates: list
    period_dates: list
    calling_slots: list
    tier_slots: dict
    mixes: dict
    tier_codes: dict
    foreign_tiers: set
    counts: dict
    holidays: list
    existing: set
    # Customers who prefer fewer calls (001 篇一): one routine call in
    # ``keep_calls`` stays a call, the others become ``thin_channel``.
    keep_calls: int = 2
    thin_channel: str = "message"
    thinned: int = 0
    slot_rows: list = field(default_factory=list)
    _slot_numbers: dict = field(default_factory=dict)
    _windows: dict = field(default_factory=dict)
    _preparation: dict = field(default_factory=dict)
    _utc: dict = field(default_factory=dict)

    def slot(self, tier_id, trigger, period_key, deadline):
        """The number (from 1) of a slot shared by the tier's customers."""
        key = (tier_id, period_key)
        number = self._slot_numbers.get(key)
        if number is None:
            self.slot_rows.append((tier_id, trigger, period_key, deadline))
            number = self._slot_numbers[key] = len(self.slot_rows)
        return number

    def prepare_slots(self, tier_id, slots):
        """The tier's cadence slots ``(kind, trigger, start, end, period
        key)`` as :class:`TierSlot`, those with no working day in the period
        left out."""
        result = []
        for offset, (kind, trigger, start, end, period_key) in enumerate(slots):
            key = (start, end)
            if key not in self._windows:
                self._windows[key] = [d for d in self.period_dates if start <= d <= end]
            window = self._windows[key]
            if not window:
                continue
            number = self.slot(tier_id, trigger, period_key, self.to_utc(window[-1], 24))
            result.append(TierSlot(offset, kind == "routine", trigger, period_key, window, number))
        self.tier_slots[tier_id] = result

    def to_utc(self, day, hour):
        key = (day, hour)
        if key not in self._utc:
            self._utc[key] = self.visit_model._local_to_utc(day, hour, self.calendar, self.tz)
        return self._utc[key]

    def preparation_day(self, day):
        """Three working days before ``day`` (the first known working day,
        or the day itself, when the calendar starts later)."""
        if day not in self._preparation:
            index = bisect_left(self.dates, day)
            if index >= 3:
                prep = self.dates[index - 3]
            else:
                prep = self.dates[0] if index else day
            self._preparation[day] = prep
        return self._preparation[day]
