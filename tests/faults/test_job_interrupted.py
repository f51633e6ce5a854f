"""The scheduled jobs interrupted in the middle of a batch lose nothing and
do nothing twice: PostgreSQL restarted under a running job (`pg_ctl restart`,
fast and immediate), and a cron worker of a multi-process Odoo killed
(SIGKILL, what the kernel does to a process over its memory limit).

The machine's PostgreSQL serves other people: these tests start a cluster
of their own on a free loopback port under .run/faults/, install the addon
there (without demo data) and restart that one. Slow (several minutes of
elapsed time, most of it the install): run by `make faults`, not
`make test`.

Each case builds its own customers, plan and overdue anomalies; the job runs
in a separate process, batch after batch, one transaction each, as Odoo's
cron runs it; the fault strikes when a batch is writing (its transaction
holds a transaction id in pg_stat_activity) after at least one batch was
committed. Then the job runs again to the end, and:

* the plan holds exactly the follow-ups one uninterrupted run plans (the
  same customer, period and date), none twice;
* every overdue anomaly is escalated exactly once: one chatter note, one
  to-do per person told.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from job_world import ESCALATION, GENERATION, assert_done_once, left_to_do
from odoo_db import pg_connect

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("CF_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB = "cf_faults"
JOB_WORLD = str(ROOT / "tests" / "job_world.py")

# One job, batch after batch, one transaction each, until it has nothing
# left: what Odoo's cron does while the job reports work remaining.
RUN_JOB = r"""
import json, sys
import odoo
from odoo import SUPERUSER_ID, api

conf, db, job, facts = sys.argv[1:5]
facts = json.loads(open(facts).read())
odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
registry = odoo.modules.registry.Registry(db)
while True:
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if job == "generation":
            env["customer.followup.plan"]._cron_generate_visits(batch_size=20)
            left = env["customer.followup.plan"].browse(facts["plan"]).generation_pending
        else:
            env["customer.followup.anomaly"]._cron_escalate(batch_size=15)
            left = env["customer.followup.anomaly.clock"].search_count([
                ("anomaly_id", "in", facts["anomalies"]), ("step", "=", "report"),
                ("escalated", "=", False)])
    if not left:
        break
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run with `make faults`", pytrace=False)
    return value


class Cluster:
    """A PostgreSQL cluster of the tests' own, run by the postgres OS user
    (PostgreSQL refuses root), trust authentication on 127.0.0.1 only."""

    def __init__(self, base):
        self.base = base
        self.data = base / "pg"
        self.port = _free_port()

    def _pg(self, tool, *args):
        cmd = [str(PG_BIN / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def start(self):
        shutil.rmtree(self.base, ignore_errors=True)
        self.data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
        self.data.chmod(0o700)
        self._pg(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "odoo",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self.ctl("start")

    def ctl(self, action, *args):
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.data}"
        )
        self._pg(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.data / "server.log"),
            "-w",
            "-o",
            options,
            action,
            *args,
        )

    def connect(self, dbname=DB):
        return pg_connect(dbname, host="127.0.0.1", port=self.port, user="odoo")

    def stop(self):
        try:
            self.ctl("stop", "-m", "fast")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    """The cluster, its Odoo config (a copy of the suite's, pointing to it)
    and the addon installed in database cf_faults."""
    base = ROOT / ".run" / "faults"
    cluster = Cluster(base)
    cluster.start()
    try:
        conf = base / "odoo.conf"
        lines = []
        for line in Path(_env("CF_ODOO_CONF")).read_text().splitlines():
            key = line.split("=")[0].strip()
            if key == "db_port":
                line = f"db_port = {cluster.port}"
            elif key == "data_dir":
                line = f"data_dir = {base / 'data'}"
            lines.append(line)
        conf.write_text("\n".join(lines) + "\n")
        cluster.conf = str(conf)
        log = base / "install.log"
        result = subprocess.run(
            [_env("CF_PYTHON"), _env("CF_ODOO_BIN"), "-c", cluster.conf, "-d", DB,
             "-i", "customer_followup", "--without-demo=all", "--stop-after-init",
             "--log-level=warn", "--logfile", str(log)],
            check=False,
        )  # fmt: skip
        assert result.returncode == 0, log.read_text()[-5000:]
        yield cluster
    finally:
        cluster.stop()


def _prepare(cluster, name, tmp_path, *crons):
    """400 customers, a plan pending generation, 300 overdue anomalies."""
    facts = tmp_path / "facts.json"
    subprocess.run(
        [_env("CF_PYTHON"), JOB_WORLD, cluster.conf, DB, name, "400", "300", str(facts), *crons],
        check=True,
    )
    return facts, json.loads(facts.read_text())


def _started(cr, facts, job):
    """At least one batch of ``job`` was committed."""
    if job == "generation":
        cr.execute(
            "SELECT count(*) FROM customer_followup_visit WHERE plan_id = %s", [facts["plan"]]
        )
        return cr.fetchone()[0] > 0
    return left_to_do(cr, facts)[1] < len(facts["anomalies"])


def _writing_backend(cluster, facts, job, poke=None, accept=None, deadline=180):
    """Wait until a batch of ``job`` is writing (its transaction holds a
    transaction id), after at least one batch was committed; return the pid
    of the Odoo process it runs in, if ``accept(pid)``. ``poke`` is called
    on each look."""
    conn = cluster.connect()
    conn.autocommit = True
    end = time.monotonic() + deadline
    try:
        with conn.cursor() as cr:
            while time.monotonic() < end:
                if poke:
                    poke()
                if _started(cr, facts, job):
                    # Odoo names its connections odoo-<pid>.
                    cr.execute(
                        "SELECT application_name FROM pg_stat_activity WHERE datname = %s "
                        "AND backend_xid IS NOT NULL AND application_name LIKE 'odoo-%%'",
                        [DB],
                    )
                    for (name,) in cr.fetchall():
                        pid = int(name.removeprefix("odoo-"))
                        if accept is None or accept(pid):
                            return pid
                time.sleep(0.01)
    finally:
        conn.close()
    pytest.fail(f"no batch of {job} was seen writing")


def _job_of(log, pid):
    """The job the Odoo process ``pid`` last started, from the server log
    ("<date> <time> <pid> INFO <db> odoo.addons.base.models.ir_cron:
    Job 'Killed worker: generation' (36) starting")."""
    started = [
        line.split("Job '", 1)[1].split("'", 1)[0]
        for line in log.read_text().splitlines()
        if line.split()[2:3] == [str(pid)]
        and "Job '" in line
        and line.rstrip().endswith("starting")
    ]
    return started[-1].rsplit(": ", 1)[-1] if started else None


def _check(cluster, facts):
    conn = cluster.connect()
    try:
        assert_done_once(conn, facts)
    finally:
        conn.close()


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgresql_restarted_during_the_jobs(cluster, mode, tmp_path):
    facts_file, facts = _prepare(cluster, f"Restart {mode}", tmp_path)
    for job in ("generation", "escalation"):
        log = tmp_path / f"{job}.log"
        cmd = [_env("CF_PYTHON"), "-c", RUN_JOB, cluster.conf, DB, job, str(facts_file)]
        with log.open("w") as out:
            first = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
            _writing_backend(cluster, facts, job)
            cluster.ctl("restart", "-m", mode)
            first.wait(timeout=120)
        # The interrupted run failed: its connection was cut...
        text = log.read_text()
        assert first.returncode != 0, text[-3000:]
        assert "OperationalError" in text or "InterfaceError" in text, text[-3000:]
        # ... and the next one completes the job.
        subprocess.run(cmd, check=True, timeout=600)
    _check(cluster, facts)


def test_cron_worker_killed_in_a_batch(cluster, tmp_path):
    _facts_file, facts = _prepare(
        cluster, "Killed worker", tmp_path, f"generation={GENERATION}", f"escalation={ESCALATION}"
    )
    log = tmp_path / "server.log"
    server = subprocess.Popen([
        _env("CF_PYTHON"), _env("CF_ODOO_BIN"), "-c", cluster.conf, "-d", DB,
        "--db-filter", f"^{DB}$", "--http-interface", "127.0.0.1",
        "--http-port", str(_free_port()), "--gevent-port", str(_free_port()),
        "--workers=1", "--max-cron-threads=1", "--log-level=info", "--logfile", str(log),
    ])  # fmt: skip
    # Cron workers listen on the "postgres" database for their wake-up call.
    bell = cluster.connect("postgres")
    bell.autocommit = True
    last = [0.0]

    def ring():
        # Wake the cron worker every second (it otherwise polls every minute).
        if time.monotonic() - last[0] > 1:
            last[0] = time.monotonic()
            with bell.cursor() as cr:
                cr.execute("NOTIFY cron_trigger, %s", [DB])

    killed = []
    try:
        for job in ("generation", "escalation"):
            # The cron worker may take turns between the two jobs: the one
            # writing must be running this job.
            pid = _writing_backend(
                cluster, facts, job, poke=ring, accept=lambda pid, job=job: _job_of(log, pid) == job
            )
            assert pid != server.pid, "the job runs in a cron worker"
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        # Odoo starts another cron worker, which runs the jobs to the end.
        conn = cluster.connect()
        conn.autocommit = True
        deadline = time.monotonic() + 300
        with conn.cursor() as cr:
            while (
                time.monotonic() < deadline and server.poll() is None and any(left_to_do(cr, facts))
            ):
                ring()
                time.sleep(0.5)
        conn.close()
        time.sleep(3)  # a batch still running finishes
    finally:
        bell.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    text = log.read_text()
    # Both jobs lost their cron worker in a batch; the master started a new one each time.
    assert len(set(killed)) == 2
    assert text.count("Worker WorkerCron") >= 3, text[-3000:]
    _check(cluster, facts)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
