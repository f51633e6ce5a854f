"""Project-wide pytest settings.

A skipped test is not a passing one: pytest-odoo skips HttpCase without
--odoo-http, Odoo skips tests whose prerequisites are missing. Any skip fails
the run, so `make test` can only pass when everything ran.
"""


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
