"""Project-wide pytest settings.

A skipped test is not a passing one: pytest-odoo skips HttpCase without
--odoo-http, Odoo skips tests whose prerequisites are missing. Any skip fails
the run, so `make test` can only pass when everything ran.
"""

import os


def pytest_configure(config):
    """Odoo looks for wkhtmltopdf on PATH before the config's bin_path, where
    tools/provision.sh links the build on patched Qt: put that folder first,
    as tools/settings.sh does for `make test`, when pytest is run by hand."""
    try:
        from odoo.tools import config as odoo_config
    except ImportError:
        return
    bin_path = odoo_config.get("bin_path")
    path = os.environ.get("PATH", "")
    if bin_path and bin_path != "None" and bin_path not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_path, path])


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = len(reporter.stats.get("skipped", []))
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"FAILED: {skipped} test(s) were skipped; every test must run.",
            red=True,
            bold=True,
        )
        session.exitstatus = 1
