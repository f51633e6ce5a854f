#!/usr/bin/env bash
# Says whether a plain `odoo-bin --test-enable --stop-after-init` run passed,
# from its log file and exit status (tools/test_odoo.sh). It failed when:
#   - odoo-bin exited non-zero, or was stopped for taking too long (timeout);
#   - any line is logged at ERROR or CRITICAL (a failed or broken test logs
#     "FAIL: ..." / "ERROR: ..." there, a failed install too);
#   - Odoo's closing summary "N failed, M error(s) of K tests when loading
#     database ..." is missing, counts a failure or an error, or counts
#     0 tests (nothing ran: the tests were not found);
#   - a test was skipped: every test must run.
# Usage: tools/check_test_log.sh LOG [EXIT_STATUS]
set -uo pipefail

LOG="$1"
RC="${2:-0}"
fail() { echo "[test-odoo] FAILED (plain odoo-bin run): $*"; echo "[test-odoo] whole log: $LOG"; exit 1; }

[ -s "$LOG" ] || fail "no log was written"

# Odoo's log lines: "<date> <time> <pid> <LEVEL> <database> <logger>: <message>".
LINE='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+'

if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
    echo "[test-odoo] the last test started:"
    grep -E "$LINE INFO .*: Starting .* \.\.\. ?$" "$LOG" | tail -n 1
    fail "stopped after ${PLAIN_TIMEOUT:-its time limit} s of elapsed time: a test hangs"
fi

if grep -qE "$LINE (ERROR|CRITICAL) " "$LOG"; then
    # Each error with the lines that follow it (the traceback).
    grep -E -A 25 "$LINE (ERROR|CRITICAL) " "$LOG" | head -n 400
    fail "errors were logged (above)"
fi

summary="$(grep -E "$LINE [A-Z]+ .* odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOG" | tail -n 1)"
[ -n "$summary" ] || fail "Odoo logged no test summary (the run did not finish)"
echo "[test-odoo] ${summary#*odoo.tests.result: }"
read -r failed errors total <<<"$(sed -E 's/.*odoo\.tests\.result: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' <<<"$summary")"
[ "$failed" -eq 0 ] && [ "$errors" -eq 0 ] || fail "$failed failed, $errors error(s)"
[ "$total" -gt 0 ] || fail "no test ran"

if grep -E "$LINE INFO \S+ \S+: skipped " "$LOG"; then
    fail "tests were skipped (above); every test must run"
fi

[ "$RC" -eq 0 ] || fail "odoo-bin exited with status $RC"
echo "[test-odoo] plain odoo-bin run passed"
