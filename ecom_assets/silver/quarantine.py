"""``silver.quarantine``: every bronze row that did not make it into its silver table, and why.

Its rows are ``tables.quarantine_select`` of every landing table. In a step that built a silver table
for the same window, that table's rejected rows are already classified (``tables.rejected_table``)
and are read from there instead of classifying bronze a second time; the result is the same.
"""


import dagster as dg
import duckdb

from ecom_assets.meta import record_restatements
from ecom_assets.schema import RESTATEMENT_DAYS, TABLES
from ecom_assets.silver.contract import QUARANTINE_REASONS
from ecom_assets.silver.tables import quarantine_select, rejected_table, restatement_deps
from ecom_assets.sql_asset import sql_asset
from ecom_assets.warehouse import Window

QUARANTINE_SQL = "\nUNION ALL\n".join(f"({quarantine_select(t)})" for t in TABLES)


def _temp_tables(conn: duckdb.DuckDBPyConnection) -> set[str]:
    rows = conn.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    return {name for (name,) in rows}


def _reusing_rejected(conn: duckdb.DuckDBPyConnection, window: Window) -> str:
    """``QUARANTINE_SQL`` for the window, each table's part read from the rows its silver build
    rejected in this step when it built the same window (``tables.rejected_table``)."""
    if window is None:
        return QUARANTINE_SQL
    kept = _temp_tables(conn)
    parts = []
    for t in TABLES:
        name = rejected_table(t, window)
        parts.append(f"(FROM {name})" if name in kept else f"({quarantine_select(t)})")
    return "\nUNION ALL\n".join(parts)


def _after(conn: duckdb.DuckDBPyConnection, window: Window) -> None:
    record_restatements(
        conn, window, "superseded_rows", [t.name for t in TABLES],
        "SELECT date, source_table, count(*) AS rows FROM silver.quarantine "
        "WHERE date >= $start AND date < $end AND reason = 'superseded' GROUP BY ALL",
    )
    if window is not None:
        for t in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {rejected_table(t, window)}").fetchall()

asset = sql_asset(
    layer="silver",
    name="quarantine",
    sql=QUARANTINE_SQL,
    deps=[d for t in TABLES for d in restatement_deps([t.name], RESTATEMENT_DAYS if t.event_time else 0)],
    group="silver",
    partition_expr="date",
    kpis={reason: f"count(*) FILTER (WHERE reason = '{reason}')" for reason in QUARANTINE_REASONS},
    after=_after,
    produce=_reusing_rejected,
    builds_after=[dg.AssetKey(["silver", t.name]) for t in TABLES],  # so their rejected rows are ready
)
