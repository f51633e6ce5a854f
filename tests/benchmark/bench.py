"""Benchmark of the scheduled jobs on a throwaway database.

    make bench                  # 100,000 customers
    make bench BENCH_ARGS="--customers 20000 --runs 1"

Builds a database with N customers and a year of confirmed sales, then times
each job as the median of several runs and prints, per job: wall seconds,
records/s, SQL queries per 1,000 records, peak memory and the ratio to a raw
SQL insert of the same number of rows measured in the same run. Targets print
PASS or FAIL; figures are written as JSON (.run/bench/<time>.json). It is not
part of `make test`: it measures, it does not gate.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(msg):
    print(f"[bench] {msg}", flush=True)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Bench:
    def __init__(self, args):
        import odoo
        from odoo import api

        self.args = args
        self.conf = os.path.join(ROOT, ".run", "odoo.conf")
        odoo.tools.config.parse_config(["-c", self.conf, "-d", args.db, "--log-level=warn"])
        self.registry = odoo.modules.registry.Registry(args.db)
        self.api = api
        self.results = {}

    def env(self, cr):
        from odoo import SUPERUSER_ID

        return self.api.Environment(cr, SUPERUSER_ID, {})

    # -- data --------------------------------------------------------------
    def build(self):
        from odoo.tools import SQL

        n = self.args.customers
        rng = random.Random(7)
        with self.registry.cursor() as cr:
            env = self.env(cr)
            company = env.company
            t0 = time.perf_counter()
            for start in range(0, n, 10000):
                rows = [
                    SQL("(%s, TRUE, 1, TRUE, 'contact', 'no', %s)", f"Bench customer {i:06d}",
                        company.id if i % 2 else None)
                    for i in range(start, min(n, start + 10000))
                ]
                cr.execute(SQL(
                    "INSERT INTO res_partner (name, is_company, customer_rank, active, type, "
                    "autopost_bills, company_id) VALUES %s", SQL(", ").join(rows)))
            cr.execute("UPDATE res_partner SET commercial_partner_id = id, complete_name = name "
                       "WHERE name LIKE 'Bench customer %%'")
            self.raw_rate = n / (time.perf_counter() - t0)
            cr.execute("SELECT id FROM res_partner WHERE name LIKE 'Bench customer %%' ORDER BY id")
            self.partner_ids = [r[0] for r in cr.fetchall()]
            today = datetime.now()
            orders = []
            for pid in self.partner_ids:
                # Pareto-like sales: a few big customers, many small ones.
                yearly = 1000 * rng.paretovariate(1.2)
                for k in range(rng.randint(1, 4)):
                    orders.append(SQL(
                        "(%s, %s, %s, %s, %s, %s, 'sale', %s, 1.0, %s, 'direct')",
                        f"BENCH{pid}-{k}", pid, pid, pid, company.id,
                        today - timedelta(days=rng.randint(1, 420)), yearly / 2, company.currency_id.id))
            for start in range(0, len(orders), 10000):
                cr.execute(SQL(
                    "INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, "
                    "company_id, date_order, state, amount_untaxed, currency_rate, currency_id, "
                    "picking_policy) VALUES %s", SQL(", ").join(orders[start:start + 10000])))
            cr.execute("ANALYZE res_partner; ANALYZE sale_order")
        log(f"{n} customers and {len(orders)} confirmed orders; raw insert {self.raw_rate:,.0f} rows/s")

    # -- measuring ---------------------------------------------------------
    def measure(self, name, records, setup, job, targets):
        runs = []
        for _run in range(self.args.runs):
            with self.registry.cursor() as cr:
                setup(self.env(cr))
            mem_before = peak_mb()
            queries, batches, self.done = 0, [], 0
            t0 = time.perf_counter()
            for batch_env_job in job():
                with self.registry.cursor() as cr:
                    b0, q0 = time.perf_counter(), cr.sql_log_count
                    env = self.env(cr)
                    batch_env_job(env)
                    # What the commit would write (tracking) counts too.
                    cr.precommit.run()
                    env.flush_all()
                    queries += cr.sql_log_count - q0
                    cr.commit()
                    batches.append(time.perf_counter() - b0)
            wall = time.perf_counter() - t0
            runs.append({"wall": wall, "queries": queries, "done": self.done, "max_batch": max(batches or [0]),
                         "peak_mb": max(peak_mb(), mem_before)})
        wall = statistics.median(r["wall"] for r in runs)
        figures = {
            "records": records,
            "processed": max(r["done"] for r in runs),
            "wall_s": round(wall, 3),
            "records_per_s": round(records / wall, 1) if wall else None,
            "queries_per_1000": round(statistics.median(r["queries"] for r in runs) * 1000 / max(records, 1), 2),
            "max_batch_s": round(max(r["max_batch"] for r in runs), 3),
            "peak_mb": round(max(r["peak_mb"] for r in runs), 1),
            "ratio_to_raw_insert": round((records / wall) / self.raw_rate, 3) if wall else None,
        }
        checks = {label: bool(check(figures)) for label, check in targets.items()}
        figures["targets"] = checks
        self.results[name] = figures
        verdict = " ".join(f"{'PASS' if ok else 'FAIL'}:{label}" for label, ok in checks.items())
        log(f"{name}: {figures['processed']} processed, {figures['wall_s']} s, {figures['records_per_s']}/s, "
            f"{figures['queries_per_1000']} q/1000, max batch {figures['max_batch_s']} s, "
            f"peak {figures['peak_mb']} MB, x{figures['ratio_to_raw_insert']} of raw insert  {verdict}")

    def tier_jobs(self):
        def batches():
            remaining = True
            while remaining:
                state = {}

                def one(env, state=state):
                    state["r"] = env["customer.followup.tier"]._recompute_partner_tiers_batch(5000)
                yield one
                self.done += state["r"][0]
                remaining = state["r"][1]
        return batches

    def run_tiers(self):
        n = self.args.customers

        def reset(env):
            from odoo.tools import SQL

            env.cr.execute(SQL(
                "UPDATE res_partner SET followup_tier_id = NULL, followup_tier_rule = NULL, "
                "followup_sales_amount = NULL, followup_sales_share = NULL, "
                "followup_cooperation_start = NULL WHERE id = ANY(%s)", self.partner_ids))
            env.registry.clear_cache()

        self.measure("tier_first_classification", n, reset, self.tier_jobs(), {
            "<=10s": lambda f: f["wall_s"] <= 10,
            "batch<=5s": lambda f: f["max_batch_s"] <= 5,
            "mem<1GiB": lambda f: f["peak_mb"] < 1024,
        })
        self.measure("tier_nothing_changed", n, lambda env: None, self.tier_jobs(), {
            "<=2.5s": lambda f: f["wall_s"] <= 2.5,
            "<=1q/1000": lambda f: f["queries_per_1000"] <= 1,
        })

        changed = self.partner_ids[:1000]

        def bump(env):
            from odoo.tools import SQL

            # 1,000 small customers become the biggest: their tier changes.
            env.cr.execute(SQL(
                "UPDATE sale_order SET amount_untaxed = amount_untaxed + "
                "CASE WHEN amount_untaxed < 1e9 THEN 1e9 ELSE -1e9 END WHERE partner_id = ANY(%s)",
                changed))
        self.measure("tier_1000_changes", 1000, bump, self.tier_jobs(), {
            "<=5s": lambda f: f["wall_s"] <= 5,
        })

    def run_deadlines(self):
        import pytz

        n = 10000
        rng = random.Random(3)
        with self.registry.cursor() as cr:
            env = self.env(cr)
            wt = env["customer.followup.working.time"]
            calendar = wt._calendar()
            base = datetime(2026, 9, 1)
            starts = [base + timedelta(minutes=rng.randrange(0, 60 * 24 * 90)) for _i in range(n)]
            hours = [rng.choice([1, 2, 0.5, 24, 48, 8, 24]) for _i in range(n)]
            t0 = time.perf_counter()
            clock = wt._clock(calendar, min(starts), max(starts) + timedelta(days=60))
            got = [clock.add(s, h * 3600) for s, h in zip(starts, hours, strict=True)]
            wall = time.perf_counter() - t0
            sample = rng.sample(range(n), 200)
            t1 = time.perf_counter()
            same = all(
                got[i] == calendar.plan_hours(hours[i], pytz.utc.localize(starts[i]), compute_leaves=True)
                .astimezone(pytz.utc).replace(tzinfo=None)
                for i in sample
            )
            odoo_rate = len(sample) / (time.perf_counter() - t1)
        rate = n / wall
        self.results["deadlines_10000"] = {
            "records": n, "wall_s": round(wall, 3), "records_per_s": round(rate),
            "plan_hours_per_s": round(odoo_rate), "identical_on_sample": same,
            "targets": {">=50000/s": rate >= 50000, "identical": same},
        }
        log(f"deadlines: {n} in {wall:.3f} s = {rate:,.0f}/s (plan_hours: {odoo_rate:,.0f}/s), "
            f"identical on 200 samples: {same}  "
            f"{'PASS' if rate >= 50000 else 'FAIL'}:>=50000/s {'PASS' if same else 'FAIL'}:identical")

    def write(self):
        out_dir = os.path.join(ROOT, ".run", "bench")
        os.makedirs(out_dir, exist_ok=True)
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        path = os.path.join(out_dir, datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
        payload = {"commit": commit, "customers": self.args.customers, "runs": self.args.runs,
                   "cpus": os.cpu_count(), "raw_insert_rows_per_s": round(self.raw_rate),
                   "jobs": self.results}
        with open(path, "w") as fh:
            json.dump(payload, fh, indent=2)
        log(f"figures written to {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="cf_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    odoo_bin = os.environ["CF_ODOO_BIN"]
    conf = os.path.join(ROOT, ".run", "odoo.conf")
    subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=False)
    log(f"installing customer_followup (no demo data) into {args.db}")
    subprocess.run([sys.executable, odoo_bin, "-c", conf, "-d", args.db, "-i", "customer_followup",
                    "--without-demo=all", "--stop-after-init", "--log-level=warn"], check=True)
    try:
        bench = Bench(args)
        bench.build()
        bench.run_tiers()
        bench.run_deadlines()
        bench.write()
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=False)


if __name__ == "__main__":
    main()
