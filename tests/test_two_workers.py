"""The scheduled jobs in production conditions: Odoo started with
``--workers=2 --max-cron-threads=2`` against a copy of the test database,
two copies of the generation cron and two of the escalation cron due at
once, so that both cron workers run the same job on the same records.

The result must be the one of a single process: every follow-up of the plan
once, every missed deadline escalated once (one message, one to-do per
person told), and no error, serialization failure or deadlock in the log.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from job_world import ESCALATION, GENERATION, assert_done_once, left_to_do
from odoo_db import pg_connect

JOB_WORLD = str(Path(__file__).with_name("job_world.py"))


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test`", pytrace=False)
    return value


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_generation_and_escalation_with_two_cron_workers(copy_db, tmp_path):
    conf = _env("CF_ODOO_CONF")
    facts = tmp_path / "facts.json"
    crons = [f"{label} {copy}={job}" for label, job in (("generation", GENERATION),
             ("escalation", ESCALATION)) for copy in "AB"]  # fmt: skip
    subprocess.run(
        [
            _env("CF_PYTHON"),
            JOB_WORLD,
            conf,
            copy_db,
            "Two workers",
            "240",
            "120",
            str(facts),
            *crons,
        ],
        check=True,
    )
    facts = json.loads(facts.read_text())
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [
            _env("CF_PYTHON"),
            _env("CF_ODOO_BIN"),
            "-c",
            conf,
            "-d",
            copy_db,
            "--db-filter",
            f"^{copy_db}$",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(_free_port()),
            "--gevent-port",
            str(_free_port()),
            "--workers=2",
            "--max-cron-threads=2",
            "--log-level=info",
            "--logfile",
            str(log),
        ]
    )
    conn = pg_connect(copy_db)
    conn.autocommit = True
    # Cron workers listen on the "postgres" database for their wake-up call.
    bell = pg_connect("postgres")
    bell.autocommit = True
    try:
        deadline = time.monotonic() + 90
        done = False
        while time.monotonic() < deadline and server.poll() is None:
            time.sleep(1)
            with bell.cursor() as cr:
                # Wake the cron workers (they otherwise poll every minute).
                cr.execute("NOTIFY cron_trigger, %s", [copy_db])
            with conn.cursor() as cr:
                pending, left = left_to_do(cr, facts)
            if not pending and not left:
                done = True
                break
        # Let batches still running finish before reading the results.
        time.sleep(3)
    finally:
        bell.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    text = log.read_text() if log.exists() else ""
    assert done, f"the jobs did not finish in time:\n{text[-3000:]}"
    # Same follow-ups as one process, none twice; each anomaly escalated
    # once: one message, one to-do per person told.
    assert_done_once(conn, facts)
    conn.close()
    # Log lines: "<date> <time> <pid> INFO <db> odoo.addons.base.models.ir_cron:
    # Job 'Two workers: ...' (id) starting"
    workers = {
        line.split()[2]
        for line in text.splitlines()
        if "Two workers" in line and "starting" in line
    }
    assert len(workers) == 2, f"both cron workers took part: {workers}"
    for bad in ("deadlock detected", "could not serialize", " ERROR ", " CRITICAL ", "Traceback"):
        assert bad not in text, f"{bad!r} in the server log:\n{text[-3000:]}"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
