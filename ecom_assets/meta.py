"""The pipeline's bookkeeping tables (schema ``meta``), each written in the same transaction as
the rows it describes:

- ``meta.drop_loads``: which drop of which landing file is in bronze, with how many rows. Gold
  reads it to tell provisional days (the drop three days later is not loaded yet) from final ones.
- ``meta.day_restatements``: per silver day and table, the rows that arrived in a later drop
  (``late_rows``) and the order states replaced by a correction (``superseded_rows``). Each daily
  gold partition reports what its day absorbed from them.
- ``meta.drop_days`` and ``meta.builds``: what ``ecom_assets.incremental`` decides staleness from.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from ecom_assets.schema import RESTATEMENT_DAYS, Table

DROP_LOADS = "meta.drop_loads"
DAY_RESTATEMENTS = "meta.day_restatements"  # per day and silver table: late rows, superseded states
DROP_DAYS = "meta.drop_days"  # per drop of a landing file: the event days its rows fall on
BUILDS = "meta.builds"  # per daily table and day: when it was built, from which query version
COLUMNS = (
    ("source_table", "VARCHAR"),
    ("drop_date", "DATE"),
    ("rows", "BIGINT"),
    ("file_digest", "VARCHAR"),  # of the file's bytes, to tell a re-delivered drop from the same one
    ("loaded_at", "TIMESTAMP"),
)


def create_meta_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the ``meta`` tables if they do not exist (the IO manager does, before every write)."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS meta").fetchall()
    columns = ", ".join(f"{name} {type_}" for name, type_ in COLUMNS)
    conn.execute(f"CREATE TABLE IF NOT EXISTS {DROP_LOADS} ({columns})").fetchall()
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {DAY_RESTATEMENTS} "
        "(date DATE, source_table VARCHAR, measure VARCHAR, rows BIGINT)"
    ).fetchall()
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {DROP_DAYS} "
        "(source_table VARCHAR, drop_date DATE, event_day DATE, rows BIGINT, loaded_at TIMESTAMP)"
    ).fetchall()
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {BUILDS} "
        "(table_name VARCHAR, date DATE, version VARCHAR, built_at TIMESTAMP)"
    ).fetchall()


def record_loads(
    conn: duckdb.DuckDBPyConnection, table: Table, digests: dict[date, str], loaded_at: datetime
) -> None:
    """Record that bronze.<table> now holds the drops ``digests`` (day → file digest), with their
    row counts as bronze holds them."""
    if not digests:
        return
    days = sorted(digests)
    conn.execute(
        f"DELETE FROM {DROP_LOADS} WHERE source_table = $table AND drop_date IN (SELECT unnest($days))",
        {"table": table.name, "days": days},
    ).fetchall()
    conn.execute(
        f"""INSERT INTO {DROP_LOADS}
        SELECT $table, d.day, count(b._row_number), d.digest, $loaded_at
        FROM (SELECT unnest($days::DATE[]) AS day, unnest($digests::VARCHAR[]) AS digest) AS d
        LEFT JOIN bronze.{table.name} AS b ON b._drop_date = d.day
        GROUP BY d.day, d.digest""",
        {"table": table.name, "days": days, "digests": [digests[d] for d in days], "loaded_at": loaded_at},
    ).fetchall()


def record_drop_days(
    conn: duckdb.DuckDBPyConnection, table: Table, days: list[date], event_day: str, loaded_at: datetime
) -> None:
    """Record the event days (SQL ``event_day`` over bronze columns) of the drops ``days`` just
    loaded. A day a reloaded drop no longer holds stays listed with 0 rows, and the drop's own day
    is always listed: the silver days it touched, before and now, see the change."""
    if not days:
        return
    params = {"table": table.name, "loaded_at": loaded_at}
    conn.execute(
        f"""CREATE OR REPLACE TEMP TABLE _drop_days AS
        SELECT drop_date, event_day, sum(rows) AS rows FROM (
            SELECT _drop_date AS drop_date, coalesce({event_day}, _drop_date) AS event_day, count(*) AS rows
            FROM bronze.{table.name} WHERE _drop_date IN (SELECT unnest($days::DATE[])) GROUP BY ALL
            UNION ALL SELECT drop_date, event_day, 0 FROM {DROP_DAYS}
            WHERE source_table = $table AND drop_date IN (SELECT unnest($days::DATE[]))
            UNION ALL SELECT unnest($days::DATE[]), unnest($days::DATE[]), 0
        ) GROUP BY ALL""",
        {"table": table.name, "days": days},
    ).fetchall()
    conn.execute(
        f"DELETE FROM {DROP_DAYS} WHERE source_table = $table "
        "AND drop_date IN (SELECT unnest($days::DATE[]))",
        {"table": table.name, "days": days},
    ).fetchall()
    conn.execute(
        f"INSERT INTO {DROP_DAYS} SELECT $table, drop_date, event_day, rows, $loaded_at FROM _drop_days",
        params,
    ).fetchall()
    conn.execute("DROP TABLE _drop_days").fetchall()


def loaded_unchanged(conn: duckdb.DuckDBPyConnection, table: Table, digests: dict[date, str]) -> set[date]:
    """The days of ``digests`` whose drop bronze already holds with the same file digest."""
    if not digests:
        return set()
    days = sorted(digests)
    found = conn.execute(
        f"""SELECT drop_date FROM {DROP_LOADS}
        JOIN (SELECT unnest($days::DATE[]) AS day, unnest($digests::VARCHAR[]) AS digest) AS d
          ON drop_date = d.day AND file_digest = d.digest
        WHERE source_table = $table""",
        {"table": table.name, "days": days, "digests": [digests[d] for d in days]},
    ).fetchall()
    return {r[0] for r in found}


def provisional(day: str) -> str:
    """SQL: whether day ``day`` (a DATE expression) can still be restated, i.e. the drop of
    ``day`` + RESTATEMENT_DAYS is not loaded yet (orders, a file every drop has, stands for it)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM {DROP_LOADS} AS l WHERE l.source_table = 'orders' "
        f"AND l.drop_date = {day} + {RESTATEMENT_DAYS})"
    )


def record_restatements(
    conn: duckdb.DuckDBPyConnection, window: tuple[date, date], measure: str, tables: list[str], rows: str
) -> None:
    """Replace the window's ``measure`` counts of ``tables`` in ``meta.day_restatements`` with the
    query ``rows`` (columns ``date, source_table, rows``, ``$start``/``$end`` bound to the window)."""
    params = {"start": window[0], "end": window[1]}
    conn.execute(
        f"DELETE FROM {DAY_RESTATEMENTS} WHERE date >= $start AND date < $end AND measure = $measure "
        "AND source_table IN (SELECT unnest($tables))",
        {**params, "measure": measure, "tables": tables},
    ).fetchall()
    conn.execute(
        f"INSERT INTO {DAY_RESTATEMENTS} SELECT date, source_table, $measure, rows FROM ({rows}) "
        "WHERE rows > 0",
        {**params, "measure": measure},
    ).fetchall()


# Per-partition metadata of a daily gold table: the late and corrected rows its day's silver absorbed
# (one row per day of the window that has any; a day without one absorbed nothing).
ABSORBED = f"""SELECT date,
    coalesce(sum(rows) FILTER (WHERE measure = 'late_rows'), 0) AS late_rows_absorbed,
    coalesce(sum(rows) FILTER (WHERE measure = 'superseded_rows'), 0) AS corrected_rows_absorbed
FROM {DAY_RESTATEMENTS} WHERE date >= $start AND date < $end GROUP BY date"""
