"""Reads a load run's figures and decides: make load's verdicts.

    python tests/load/report.py NAME STATS_PREFIX SERVER_LOG[,LOG2] OUT_JSON [CHECK_JSON [CPU_JSON]]

- STATS_PREFIX: Locust's --csv prefix (its _stats.csv has one row per
  request name, with percentiles and throughput);
- SERVER_LOG: the Odoo servers' logs, for the scheduled jobs' batches
  (Odoo logs "Job 'name' (id) done in 1.234s" after each batch);
- CHECK_JSON: what tests/load/prepare.py check printed;
- CPU_JSON: where the CPU went (tests/load/cpu_share.py), shown, not judged.

Targets (issue 18): no error; p95 at most 1 s for list and form reads, 2 s
for writes, 5 s for a PDF; every batch of the jobs at most 5 s.
"""

import csv
import json
import os
import re
import sys

# The user actions of locustfile.py: each must have been measured.
ACTIONS = [
    "my follow-ups (list)",
    "open a follow-up (form)",
    "record a follow-up (write)",
    "KPI overview (read)",
    "anomaly kanban (read)",
    "print a follow-up (PDF)",
    "portal: my service issues (read)",
    "portal: file a complaint (write)",
]
JOB = re.compile(r"Job '(Customer Follow-up: [^']+)' \(\d+\) done in ([0-9.]+)s")


def say(text):
    sys.stdout.write(f"{text}\n")


def limit_ms(name):
    if "PDF" in name:
        return 5000
    if "write" in name:
        return 2000
    return 1000


def read_cpu(path):
    """What tests/load/cpu_share.py wrote, or nothing."""
    try:
        with open(path) as fh:
            return json.load(fh)
    except (TypeError, OSError, ValueError):
        return {}


def main():
    name, prefix, logs, out = sys.argv[1:5]
    checks = json.loads(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5] else {}
    cpu = read_cpu(sys.argv[6] if len(sys.argv) > 6 else None)
    actions, total = {}, {}
    with open(f"{prefix}_stats.csv") as fh:
        for row in csv.DictReader(fh):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "per_s": round(float(row["Requests/s"] or 0), 2),
            }
            if row["Name"] == "Aggregated":
                total = figures
            elif row["Type"] == "ACTION":
                figures["p95_limit_ms"] = limit_ms(row["Name"])
                actions[row["Name"]] = figures
    jobs = {}
    for path in filter(None, logs.split(",")):
        with open(path, errors="replace") as fh:
            for line in fh:
                match = JOB.search(line)
                if match:
                    jobs.setdefault(match.group(1), []).append(float(match.group(2)))
    targets = {"0 errors": total.get("failures", 1) == 0}
    for action in ACTIONS:
        targets[f"{action} measured"] = actions.get(action, {}).get("requests", 0) > 0
    for action, figures in actions.items():
        targets[f"{action} p95<={figures['p95_limit_ms'] / 1000:g}s"] = (
            figures["p95_ms"] <= figures["p95_limit_ms"]
        )
    for job, batches in jobs.items():
        targets[f"{job}: batch<=5s"] = max(batches) <= 5
    for key, value in checks.items():
        targets[f"{key} = 0"] = value == 0
    result = {
        "run": name,
        "think_s": os.environ.get("LOAD_THINK"),
        "actions": actions,
        "all_requests": total,
        "jobs": {job: {"batches": len(b), "max_batch_s": max(b)} for job, b in jobs.items()},
        "checks": checks,
        "cpu": cpu,
        "targets": targets,
        "all_pass": all(targets.values()),
    }
    with open(out, "w") as fh:
        json.dump(result, fh, indent=2)
    say(f"[load] {name}, {result['think_s']} s between a person's actions")
    say(f"  {'action':<40} {'n':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'/s':>6}")
    for action, f in actions.items():
        verdict = "PASS" if f["p95_ms"] <= f["p95_limit_ms"] else "FAIL"
        say(
            f"  {action:<40} {f['requests']:>6} {f['failures']:>4} {f['p50_ms']:>6.0f}ms "
            f"{f['p95_ms']:>6.0f}ms {f['p99_ms']:>6.0f}ms {f['per_s']:>6} {verdict}:p95"
            f"<={f['p95_limit_ms'] / 1000:g}s"
        )
    say(
        f"  all requests: {total.get('requests')} in total, {total.get('failures')} errors, "
        f"{total.get('per_s')} requests/s"
    )
    for job, b in result["jobs"].items():
        say(f"  {job}: {b['batches']} batches, longest {b['max_batch_s']:.2f} s")
    for key, value in checks.items():
        say(f"  {key}: {value}")
    if cpu.get("share_of_capacity"):
        shares = ", ".join(f"{k} {v:.0%}" for k, v in cpu["share_of_capacity"].items())
        say(f"  CPU ({cpu['cores']} cores) busy {cpu['busy_share']:.0%}: {shares}")
    failed = [label for label, ok in targets.items() if not ok]
    say("  all targets PASS" if not failed else "  FAIL: " + "; ".join(failed))
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
