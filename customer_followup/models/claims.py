"""Claiming rows for a batch when several workers run the same job."""

import logging

import psycopg2.errors

_logger = logging.getLogger(__name__)


def claim_rows(env, query):
    """Run ``query`` (an ``odoo.tools.SQL`` that locks or updates the rows a
    batch claims, with ``SKIP LOCKED``) and return its rows.

    Odoo's transactions are REPEATABLE READ: a row that another worker
    changed and committed after this transaction began cannot be locked
    ("could not serialize access"). That worker has already processed it,
    so this batch claims nothing instead of failing; the next batch, in a
    new transaction, sees the row as done.
    """
    cr = env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute(query, log_exceptions=False)
            return cr.fetchall() if cr.description else []
    except psycopg2.errors.SerializationFailure:
        _logger.info("Rows claimed by a concurrent worker; leaving them to the next batch")
        return []
