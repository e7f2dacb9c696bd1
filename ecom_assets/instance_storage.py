"""Faster SQLite instance storage: write-ahead log, and no fsync on every event.

Dagster's default instance storage is SQLite files under ``$DAGSTER_HOME``, and it commits every
event (each partition's materialization, each check evaluation) in its own transaction. In
SQLite's default rollback-journal mode with ``synchronous=FULL`` every commit waits for the disk,
which made event bookkeeping most of a range run's time (measured: ``bench/bench_vs_duckdb.py``).
Every SQLite connection this process opens through SQLAlchemy (only Dagster's storage does) is
switched to the write-ahead log with ``synchronous=NORMAL``: a commit no longer waits for the
disk, several processes (webserver, daemon, runs) still read and write safely, and a power cut
can lose the last events but never corrupts the files. PostgreSQL instance storage
(``deploy/postgres``) is untouched. Set ``ECOM_SQLITE_DURABLE=1`` to keep SQLite's defaults.

It takes effect in the processes that load this code location: `dagster asset materialize`
runs and the runs `dagster dev` launches.
"""

import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _write_ahead(dbapi_connection: object, _record: object) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection) or os.environ.get("ECOM_SQLITE_DURABLE"):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()
