"""Calibrates the CPU reference of references.py: times the working-time
clock (pure Python, 372,344 deadlines/s in the calibration run of
docs/performance.md) and the fixed CPU loop back to back, and prints the
loop rate the calibration run's machine would have had.

    venv/bin/python tests/benchmark/calibrate_cpu.py DB [CONFIG]

DB: any database with customer_followup installed (nothing is written).
"""

import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta

import references

CLOCK_RATE_THEN = 372_344  # deadlines/s, docs/performance.md (commit 838b68c)


def main():
    import odoo
    from odoo import SUPERUSER_ID, api

    db = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    conf = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, ".run", "odoo.conf")
    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    rng = random.Random(3)
    base = datetime(2026, 9, 1)
    starts = [base + timedelta(minutes=rng.randrange(0, 60 * 24 * 90)) for _i in range(10000)]
    hours = [rng.choice([1, 2, 0.5, 24, 48, 8, 24]) for _i in range(10000)]
    estimates = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        wt = env["customer.followup.working.time"]
        calendar = wt._calendar()
        for _round in range(7):
            loop = references.cpu_loop_rate()
            t0 = time.perf_counter()
            clock = wt._clock(calendar, min(starts), max(starts) + timedelta(days=60))
            for s, h in zip(starts, hours, strict=True):
                clock.add(s, h * 3600)
            clock_rate = len(starts) / (time.perf_counter() - t0)
            estimates.append(loop * CLOCK_RATE_THEN / clock_rate)
            sys.stdout.write(
                f"loop {loop:,.0f}/s, clock {clock_rate:,.0f}/s "
                f"-> loop then {estimates[-1]:,.0f}/s\n"
            )
        cr.rollback()
    sys.stdout.write(f"CALIBRATION['cpu'] = {statistics.median(estimates):,.0f}\n")


if __name__ == "__main__":
    main()
