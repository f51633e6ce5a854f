"""Speed references the benchmark's verdicts are judged against.

The same commit measured twice on this kind of machine differed by about
40 % in raw speed (a raw insert of partners ran at 29,500/s in one run and
18,600/s in a later one), and absolute targets flipped from PASS to FAIL
while every ratio to the raw reference stayed within 6 %. So each job is
timed next to a reference measured in the same run, and the verdict is taken
on the job's time *at the reference speed of the calibration run* (the run
of docs/performance.md's table, commit 838b68c, where the absolute targets of
issue 8 were set):

    seconds at reference speed = seconds measured x (reference now / reference then)

which is the same as a target on the ratio job / reference, calibrated to
equal the absolute target at the calibration run's speed. Seconds as
measured are still printed and written to the JSON.

References:
- a raw ``INSERT ... VALUES`` of the job's own rows in batches of 1,000
  (SQL-bound jobs: tiers, visit generation); for the tiers, the build's
  insert of every customer, carried to each job's moment by a sample of
  20,000 partners timed before each run and after the last (median),
  against the same sample timed right after the build;
- ``COPY`` of the same rows into the same table, with its indexes and
  foreign keys: the fastest way PostgreSQL takes rows, the physical limit
  visit generation is compared with;
- a fixed CPU-bound Python loop (Python-bound jobs: notifications,
  deadlines), timed before each run of such a job and after the last
  (bench.py takes the median).
"""

import csv
import io
import statistics
import time

# Rows/s of each reference in the calibration run (docs/performance.md,
# commit 838b68c). The three raw inserts are that run's figures; the
# CPU loop did not exist then and is calibrated through the job that is pure
# Python in both runs, the working-time clock (372,344 deadlines/s then):
# loop rate then = loop rate now x 372,344 / clock rate now, measured
# back to back (tests/benchmark/calibrate_cpu.py prints it).
CALIBRATION = {
    "res_partner": 29_500,
    "customer_followup_visit": 9_298,
    "customer_followup_anomaly": 10_700,
    "cpu": 2_900_000,
}

CPU_LOOP_ITERATIONS = 300_000


def cpu_loop_once(iterations=CPU_LOOP_ITERATIONS):
    """A fixed Python workload shaped like the ORM's: dict lookups, string
    formatting, small allocations. Returns iterations per second."""
    t0 = time.perf_counter()
    cache = {}
    acc = 0
    for i in range(iterations):
        key = f"k{i % 997}"
        cache[key] = cache.get(key, 0) + 1
        acc ^= hash((key, i & 255))
    elapsed = time.perf_counter() - t0
    del acc
    return iterations / elapsed


def cpu_loop_rate(repeat=5):
    """Median of a few short loops: steady against a neighbour's burst."""
    return statistics.median(cpu_loop_once() for _i in range(repeat))


def copy_rate(cr, table, columns, rows):
    """Rows/s of ``COPY table (columns) FROM STDIN`` of ``rows`` (CSV), in
    the caller's transaction; the caller rolls back."""
    from odoo.tools import SQL

    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        # CSV's unquoted empty field is NULL for COPY; None writes exactly that.
        writer.writerow(["" if v is None else v for v in row])
    statement = SQL(
        "COPY %s (%s) FROM STDIN WITH (FORMAT csv)",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(c) for c in columns),
    )
    buf.seek(0)
    t0 = time.perf_counter()
    # psycopg2's copy_expert, reached through Odoo's cursor wrapper.
    cr.copy_expert(statement.code, buf)
    return len(rows) / (time.perf_counter() - t0)


def speed(reference, rate_now):
    """How fast this run's machine is against the calibration run for that
    reference: 1.0 the same, 0.6 a machine 40 % slower."""
    then = CALIBRATION.get(reference)
    if not then or not rate_now:
        return None
    return rate_now / then


def at_reference(figures, speed_factor):
    """Adds the figures the verdicts read: times and rates at the
    calibration run's speed."""
    factor = speed_factor or 1.0
    figures["speed"] = round(speed_factor, 3) if speed_factor else None
    figures["wall_ref_s"] = round(figures["wall_s"] * factor, 3)
    figures["max_batch_ref_s"] = round(figures["max_batch_s"] * factor, 3)
    per_1000 = figures.get("max_batch_s_per_1000")
    figures["max_batch_ref_s_per_1000"] = (
        round(per_1000 * factor, 3) if per_1000 is not None else None
    )
    rate = figures.get("records_per_s")
    figures["records_per_s_ref"] = round(rate / factor, 1) if rate else None
    return figures
