# Customer Follow-up - the two commands of README's Quick start.
#   make run    install everything and start Odoo with the addon and demo data
#   make test   run the whole test suite on a throwaway database
# Settings (ODOO_SRC, DB, HTTP_PORT, PGHOST, PGPORT, PGUSER, CF_HOME): see README.
.PHONY: run test test-odoo provision bench load lint backup restore

run:
	@bash tools/run.sh

test:
	@bash tools/test.sh

# Not a set-up command: the module tests under plain `odoo-bin --test-enable`
# on a fresh database, as OCA's CI runs them; CI runs it after `make test`.
test-odoo:
	@bash tools/test_odoo.sh

provision:
	@bash tools/provision.sh run

# Not a set-up command: measures the scheduled jobs (README, Performance).
bench:
	@bash tools/bench.sh $(BENCH_ARGS)

# Not a set-up command: the slow fault tests, PostgreSQL restarted and a
# cron worker killed in a batch, on a PostgreSQL of their own (README,
# Production).
faults:
	@bash tools/faults.sh $(FAULTS_ARGS)

# Not a set-up command: 50 users for 5 minutes while the jobs run, on one
# server and on two behind nginx (README, Performance).
load:
	@bash tools/load.sh

# Not a set-up command: the checks of .pre-commit-config.yaml (OCA's lint),
# run from the virtualenv without pre-commit; CI runs it before the tests.
lint:
	@bash tools/lint.sh

# Not set-up commands: back up a database (dump and filestore, one zip) and
# restore it into a new one (README, Backup and restore).
backup:
	@bash tools/backup.sh $(DB) $(FILE)

restore:
	@bash tools/restore.sh $(FILE) $(DB)
