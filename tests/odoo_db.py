"""Connections to the PostgreSQL server the end-to-end tests use (PGHOST,
PGPORT, PGUSER as `make test` exports them)."""

import os

import psycopg2


def pg_connect(dbname, **kwargs):
    """A connection to ``dbname``; ``kwargs`` override host, port, user."""
    params = {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "odoo"),
    }
    return psycopg2.connect(dbname=dbname, **{**params, **kwargs})
