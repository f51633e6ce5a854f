"""Backing up and restoring a database with the addon, the way README's
*Backup and restore* says: `tools/backup.sh` (Odoo's own dump: the database
and its filestore in one zip) and `tools/restore.sh` into a new database.
The copy must work as the original did: a user logs in, opens a follow-up,
prints it as a PDF, and a file attached to it comes back from the restored
filestore byte for byte."""

import base64
import json
import os
import subprocess
import zipfile

import pytest
import requests
from rpc_world import done_visit, new_customer, tag

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORT = "customer_followup.report_customer_followup_visit"


def _required_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test`", pytrace=False)
    return value


def _tool(script, *args):
    """Run tools/<script> on the installation `make test` uses."""
    env = dict(
        os.environ,
        CF_CONF=_required_env("CF_ODOO_CONF"),
        CF_ODOO=os.path.dirname(_required_env("CF_ODOO_BIN")),
        CF_VENV=os.path.dirname(os.path.dirname(_required_env("CF_PYTHON"))),
    )
    done = subprocess.run(
        ["bash", os.path.join(ROOT, "tools", script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"{script} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def attached_file(team):
    """A file attached to a done follow-up of the suite's own company
    (conftest's team), removed afterwards."""
    admin, manager, specialist = team["admin"], team["manager"], team["specialist"]
    customer = new_customer(manager, team["company"], f"备份恢复客户 {tag()}")
    manager.call("res.partner", "write", [customer], {"followup_user_id": specialist.uid})
    visit_id = done_visit(specialist, customer)
    visit = admin.call("customer.followup.visit", "read", [visit_id], ["name", "state"])[0]
    assert visit["state"] == "done"
    content = b"signed visit record " + os.urandom(16).hex().encode()
    attachment_id = admin.call(
        "ir.attachment",
        "create",
        {
            "name": "restore-check.txt",
            "datas": base64.b64encode(content).decode(),
            "res_model": "customer.followup.visit",
            "res_id": visit["id"],
        },
    )
    yield visit, attachment_id, content
    admin.call("ir.attachment", "unlink", [attachment_id])


@pytest.fixture
def restored_db():
    name = f"{_required_env('CF_TEST_DB')}_restored_{os.getpid()}"[-63:]
    yield name
    subprocess.run(
        [
            _required_env("CF_PYTHON"),
            _required_env("CF_ODOO_BIN"),
            "db",
            "-c",
            _required_env("CF_ODOO_CONF"),
            "drop",
            name,
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_backup_restores_into_a_working_database(attached_file, restored_db, start_odoo, tmp_path):
    visit, attachment_id, content = attached_file
    backup = tmp_path / "backup.zip"

    _tool("backup.sh", _required_env("CF_TEST_DB"), str(backup))

    with zipfile.ZipFile(backup) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert "dump.sql" in names
    assert any(name.startswith("filestore/") for name in names), names[:20]
    assert "customer_followup" in manifest["modules"]
    assert not (tmp_path / "backup.zip.part").exists()

    _tool("restore.sh", str(backup), restored_db)

    with start_odoo(restored_db, tmp_path / "restored.log") as server:
        session = requests.Session()
        login = session.post(
            f"{server['url']}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": restored_db, "login": "admin", "password": "admin"},
            },
            timeout=60,
        ).json()
        assert login.get("result", {}).get("uid"), login

        def call(model, method, *args, **kwargs):
            reply = session.post(
                f"{server['url']}/web/dataset/call_kw",
                json={
                    "jsonrpc": "2.0",
                    "params": {"model": model, "method": method, "args": args, "kwargs": kwargs},
                },
                timeout=120,
            ).json()
            assert "error" not in reply, reply.get("error")
            return reply["result"]

        # wkhtmltopdf fetches the report's styles from report.url: this server.
        call("ir.config_parameter", "set_param", "report.url", server["url"])
        opened = call("customer.followup.visit", "read", [visit["id"]], ["name", "partner_id"])
        assert opened[0]["name"] == visit["name"]
        (attachment,) = call("ir.attachment", "read", [attachment_id], ["datas", "store_fname"])
        assert attachment["store_fname"], "the file lives in the filestore"
        assert base64.b64decode(attachment["datas"]) == content

        pdf = session.get(f"{server['url']}/report/pdf/{REPORT}/{visit['id']}", timeout=300)
        assert pdf.status_code == 200, pdf.text[-2000:]
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
