"""Where the machine's CPU went during a load run: Odoo's workers,
PostgreSQL, wkhtmltopdf, nginx and the load generator.

    python tests/load/cpu_share.py OUT_JSON     # until SIGTERM

Samples every process's CPU time twice a second (psutil, a dependency of
Locust) and adds up what each category used between samples, so that a
wkhtmltopdf living one second is counted too. On SIGTERM it writes the
CPU seconds per category, their share of the machine's capacity (cores ×
elapsed time) and how busy the machine was.
"""

import json
import signal
import sys
import time

import psutil

INTERVAL = 0.5


def category(proc):
    try:
        cmd = " ".join(proc.cmdline())
        name = proc.name()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return None
    if "locust" in cmd:
        return "load generator (Locust)"
    if "wkhtmltopdf" in name or "wkhtmltopdf" in cmd:
        return "wkhtmltopdf"
    if name.startswith("postgres") or "postgres:" in cmd:
        return "PostgreSQL"
    if "nginx" in name:
        return "nginx"
    if "odoo" in cmd:
        # HTTP and cron workers are forks of one command line.
        return "Odoo (HTTP and cron workers)"
    return None


def cpu_seconds(proc):
    times = proc.cpu_times()
    return times.user + times.system


def main():
    out = sys.argv[1]
    seen = {}  # pid -> (category, last CPU seconds)
    used = {}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_a: stop.append(True))
    start = time.monotonic()
    machine_start = psutil.cpu_times()
    while not stop:
        for proc in psutil.process_iter():
            pid = proc.pid
            try:
                if pid not in seen:
                    kind = category(proc)
                    # A process that already ran before the load started
                    # counts from here on.
                    base = cpu_seconds(proc) if time.monotonic() - start < INTERVAL else 0.0
                    seen[pid] = (kind, base)
                kind, last = seen[pid]
                if kind is None:
                    continue
                now = cpu_seconds(proc)
                used[kind] = used.get(kind, 0.0) + max(now - last, 0.0)
                seen[pid] = (kind, now)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        time.sleep(INTERVAL)
    elapsed = time.monotonic() - start
    machine_end = psutil.cpu_times()
    capacity = elapsed * psutil.cpu_count()
    idle = (machine_end.idle + getattr(machine_end, "iowait", 0)) - (
        machine_start.idle + getattr(machine_start, "iowait", 0)
    )
    result = {
        "elapsed_s": round(elapsed, 1),
        "cores": psutil.cpu_count(),
        "busy_share": round(1 - idle / capacity, 3) if capacity else None,
        "cpu_s": {k: round(v, 1) for k, v in sorted(used.items(), key=lambda kv: -kv[1])},
        "share_of_capacity": {
            k: round(v / capacity, 3) for k, v in sorted(used.items(), key=lambda kv: -kv[1])
        },
    }
    with open(out, "w") as fh:
        json.dump(result, fh, indent=2)


if __name__ == "__main__":
    main()
