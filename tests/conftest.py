"""Fixtures for the end-to-end tests: an Odoo server started from the same
installation `make test` set up, driven from outside like an integration."""

import contextlib
import os
import socket
import subprocess
import time
import xmlrpc.client

import pytest
from odoo_db import pg_connect
from psycopg2 import errors, sql

# The slow fault tests (PostgreSQL restarted, a worker killed) run with
# `make faults`, not with `make test`.
collect_ignore = [] if os.environ.get("CF_FAULTS") else ["faults"]


def _required_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test`", pytrace=False)
    return value


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_odoo(db, log):
    """`odoo-bin` serving ``db`` on a free loopback port, its log in ``log``."""
    port = _free_port()
    cmd = [
        _required_env("CF_PYTHON"),
        _required_env("CF_ODOO_BIN"),
        "-c", _required_env("CF_ODOO_CONF"),
        "-d", db,
        "--db-filter", f"^{db}$",
        "--http-interface", "127.0.0.1",
        "--http-port", str(port),
        "--max-cron-threads", "0",
        "--log-level", "warn",
        "--logfile", str(log),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").version()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"Odoo did not start:\n{log.read_text() if log.exists() else ''}")
            time.sleep(0.5)
    try:
        yield {"url": url, "db": db}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def odoo_env():
    """The Odoo installation `make test` set up: Python, odoo-bin, config."""
    return {
        "python": _required_env("CF_PYTHON"),
        "bin": _required_env("CF_ODOO_BIN"),
        "conf": _required_env("CF_ODOO_CONF"),
    }


def _execute(statement):
    """One statement on the server's `postgres` database, outside a transaction."""
    admin = pg_connect("postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cr:
            cr.execute(statement)
    finally:
        admin.close()


def _drop(db):
    _execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))


def _template_copy(source, target):
    """``target`` made with PostgreSQL's template copy of ``source``: a
    second or two, but refused while anyone is connected to ``source``. This
    process (pytest-odoo's pool) lets go of its idle connections first.
    False when someone else still holds one."""
    with contextlib.suppress(ImportError):
        from odoo import sql_db  # only there when pytest-odoo runs the suite

        sql_db.close_db(source)
    _drop(target)
    create = sql.SQL("CREATE DATABASE {} WITH TEMPLATE {}")
    try:
        _execute(create.format(sql.Identifier(target), sql.Identifier(source)))
    except errors.ObjectInUse:
        return False
    return True


def _copy(source, target):
    """``target``, a copy of ``source``: a template copy when nobody holds
    ``source`` open, else pg_dump's."""
    if _template_copy(source, target):
        return
    _execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    dump = subprocess.Popen(["pg_dump", "--no-owner", source], stdout=subprocess.PIPE)
    subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null", target],
        stdin=dump.stdout,
        check=True,
    )
    assert dump.wait() == 0


@pytest.fixture(scope="session")
def pristine_db():
    """The test database as installed, which nobody holds open: every
    copy_db and throwaway copy is a template copy of it, seconds instead of
    a pg_dump of the whole database. `make test` keeps one untouched
    (CF_TEMPLATE_DB, tools/test.sh); run by hand, the suite copies the test
    database once, before its server connects to it (odoo_server asks for
    this first)."""
    template = os.environ.get("CF_TEMPLATE_DB")
    if template:
        yield template
        return
    target = f"{_required_env('CF_TEST_DB')}_pristine"[:63]
    _copy(_required_env("CF_TEST_DB"), target)
    yield target
    _drop(target)


class Databases:
    """Copies of the pristine test database, for tests that need a database
    of their own for longer than one test (a module's upgrade and
    uninstall)."""

    def __init__(self, pristine):
        self.pristine = pristine

    def clone(self, target):
        _copy(self.pristine, target)
        return target

    @staticmethod
    def drop(target):
        _drop(target)


@pytest.fixture(scope="session")
def databases(pristine_db):
    return Databases(pristine_db)


@pytest.fixture
def copy_db(databases):
    """A copy of the test database as installed (its records, none made by
    the suite's tests on the shared server)."""
    target = databases.clone(f"{_required_env('CF_TEST_DB')}_copy"[:63])
    yield target
    databases.drop(target)


@pytest.fixture(scope="session")
def odoo_server(tmp_path_factory, pristine_db):
    """Start `odoo-bin` on a free loopback port against the test database
    (once its pristine copy is made: the server holds it open)."""
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    with running_odoo(_required_env("CF_TEST_DB"), log) as server:
        yield server


@pytest.fixture(scope="session")
def start_odoo():
    """A server of one's own on another database: ``with start_odoo(db, log) as server``."""
    return running_odoo


class RpcUser:
    """One user's XML-RPC session."""

    def __init__(self, server, login, password):
        self.db = server["db"]
        self.login = login
        common = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, login, password, {})
        assert self.uid, f"{login} cannot log in"
        self.password = password
        self.models = xmlrpc.client.ServerProxy(f"{server['url']}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="session")
def rpc(odoo_server):
    return lambda login, password=None: RpcUser(odoo_server, login, password or login)


@pytest.fixture(scope="session")
def team(rpc):
    """A company of the suite's own on the shared server (rpc_world), with a
    customer-service department as the regulations staff it, each person
    logging in with their login as password: ``{"company": id, "admin":
    RpcUser, role: RpcUser, ...}``. The specialists report to the head of
    customer service (the deputy leader), as in `make run`'s demo."""
    from rpc_world import new_company, new_user, tag

    admin = rpc("admin", "admin")
    suffix = tag()
    company = new_company(admin, f"回访测试公司 {suffix}")
    service, support = "客户服务部", "技术支持部"
    staff = {
        "deputy": ("deputy", service),
        "manager": ("manager", service),
        "specialist": ("specialist", service),
        "other_specialist": ("specialist", service),
        "dept_head": ("dept_head", support),
        "leader": ("leader", service),
        "sales": ("sales", None),
    }
    uids = {}
    for name, (role, department) in staff.items():
        vals = {"followup_department": department} if department else {}
        if role == "specialist":
            vals["followup_supervisor_id"] = uids["deputy"]
        uids[name] = new_user(admin, company, role, f"cf_{name}_{suffix}", **vals)
    return {
        "company": company,
        "admin": admin,
        **{name: rpc(f"cf_{name}_{suffix}") for name in staff},
    }
