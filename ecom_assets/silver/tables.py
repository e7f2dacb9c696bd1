"""The typed silver tables: one daily asset per landing table, all from one factory.

Each is one DuckDB query over ``bronze.<table>``: :func:`classify_sql` types every row, places
it on its event day (late rows of the restatement window reach their day) and gives it a
quarantine verdict (rules in :mod:`ecom_assets.silver.rules`); the rows without one are the
silver table, the others are ``silver.quarantine`` (same function, so the two always add up
to bronze, drop by drop).
"""

from collections.abc import Callable
from datetime import date

import dagster as dg
import duckdb

from ecom_assets.meta import record_restatements
from ecom_assets.schema import LINEAGE_COLUMNS, RESTATEMENT_DAYS, TABLES, Table
from ecom_assets.silver.contract import LINEAGE, QUARANTINE, typed_columns
from ecom_assets.silver.rules import (
    clean,
    derived,
    event_day,
    ident,
    ip_prefix,
    literal,
    mask_ips,
    quarantine_rules,
    typed,
)
from ecom_assets.sql_asset import sql_asset
from ecom_assets.warehouse import Window, window_params

_LINEAGE_NAMES = {name for name, _ in LINEAGE}


def _winner(window: str) -> str:
    """``drop <date> row <n>``: the kept row of a key's window (for a quarantine detail)."""
    return (
        f"'drop ' || first_value(_drop_date) OVER {window} || ' row ' "
        f"|| first_value(_row_number) OVER {window}"
    )


def _states(table: Table) -> tuple[str, str, str]:
    """For a table with a ``state_key`` (orders): the CTE ranking each key's states, and the
    ``superseded`` reason and detail branches; empty strings for other tables."""
    if not table.state_key:
        return "", "", ""
    state = ident("_t_" + table.state_key)
    version = f"coalesce({ident('_t_' + table.version_time)}, {ident('_t_' + table.event_time)})"
    cte = f""", _states AS (
    SELECT *, row_number() OVER same_state AS _state_rank, {_winner("same_state")} AS _state_winner
    FROM _ranked
    WINDOW same_state AS (PARTITION BY _verdict IS NULL AND _key_rank = 1, _day, {state}
                          ORDER BY {version} DESC, _drop_date DESC, _row_number DESC)
)"""
    reason = "\n         WHEN _state_rank > 1 THEN 'superseded'"
    detail = (
        f"\n         WHEN _state_rank > 1 THEN '{table.state_key}=''' || {state} "
        "|| ''' (superseded by ' || _state_winner || ')'"
    )
    return cte, reason, detail


def classify_sql(table: Table) -> str:
    """Every bronze row placed on a day of the window ``[$start, $end)``, typed, with its verdict.

    A row that passes the row rules belongs to its event day (``rules.event_day``), so silver day D
    reads the drops D … D+3 (the restatement window); a rejected row stays on its drop day.
    Columns: the bronze columns unchanged; ``_t_<col>`` for every contract and derived column
    (trimmed, empty → NULL, lower-cased where the schema says, typed); ``_day`` (the partition);
    ``_reason`` and ``_detail``, NULL for a row that belongs in silver.
    """
    cols = table.columns
    cleaned = ", ".join(f"{clean(ident(c.name))} AS {ident('_c_' + c.name)}" for c in cols)
    typed_cols = ", ".join(f"{typed(c, ident('_c_' + c.name))} AS {ident('_t_' + c.name)}" for c in cols)
    extra = "".join(f", {sql} AS {ident('_t_' + name)}" for name, sql in derived(table).items())
    verdict = "\n        ".join(
        f"WHEN {cond} THEN {{'reason': '{reason}', 'detail': {detail}}}"
        for reason, cond, detail in quarantine_rules(table)
    )
    cleaned_names = ", ".join(ident("_c_" + c.name) for c in cols)  # not needed past the verdict
    keys = ", ".join(ident("_t_" + k) for k in table.key)
    key_values = " || ', ' || ".join(f"'{k}=''' || {ident('_t_' + k)} || ''''" for k in table.key)
    lookahead = RESTATEMENT_DAYS if table.event_time else 0
    states, state_reason, state_detail = _states(table)
    helpers = "_verdict, _key_rank, _key_winner" + (", _state_rank, _state_winner" if states else "")
    return f"""WITH _cleaned AS (
    SELECT *, {cleaned}
    FROM bronze.{table.name}
    WHERE _drop_date >= $start AND _drop_date < $end + INTERVAL {lookahead} DAY
), _typed AS (
    SELECT *, {typed_cols} FROM _cleaned
), _checked AS (
    SELECT * EXCLUDE ({cleaned_names}){extra}, CASE
        {verdict}
    END AS _verdict FROM _typed
), _placed AS (
    SELECT *, CASE WHEN _verdict IS NULL THEN {event_day(table)} ELSE _drop_date END AS _day
    FROM _checked
), _ranked AS (
    SELECT *, row_number() OVER same_key AS _key_rank, {_winner("same_key")} AS _key_winner
    FROM _placed WHERE _day >= $start AND _day < $end
    WINDOW same_key AS (PARTITION BY _verdict IS NULL, _day, {keys} ORDER BY _drop_date, _row_number)
){states}
SELECT * EXCLUDE ({helpers}),
    CASE WHEN _verdict IS NOT NULL THEN _verdict.reason
         WHEN _key_rank > 1 THEN 'duplicate_key'{state_reason} END AS _reason,
    CASE WHEN _verdict IS NOT NULL THEN _verdict.detail
         WHEN _key_rank > 1 THEN {key_values} || ' (duplicate of ' || _key_winner || ')'{state_detail}
    END AS _detail
FROM {"_states" if states else "_ranked"}"""


def silver_sql(table: Table, classified: str | None = None) -> str:
    """The rows of ``silver.<table>``: exactly ``contract.typed_columns(table)``, explicitly cast.

    ``classified`` names a table already holding ``classify_sql(table)``'s rows for the window.
    """
    selects = []
    for name, sql_type in typed_columns(table):
        source = "_day" if name == "date" else name if name in _LINEAGE_NAMES else "_t_" + name
        selects.append(f"CAST({ident(source)} AS {sql_type}) AS {ident(name)}")
    return f"SELECT {', '.join(selects)}\nFROM {_rows(table, classified)} WHERE _reason IS NULL"


def raw_json(table: Table) -> str:
    """The bronze row as a JSON object (every bronze column, in order).

    Privacy: silver never holds a full IP, so for sessions ``ip`` is replaced by ``ip_prefix``
    and IP addresses in an unsplittable ``_raw_line`` are masked; bronze keeps the original.
    ``_ingested_at`` is left out: it says when bronze read the file, not what the row is, and a
    rebuild must give the same quarantine as the loads it replaces.
    """
    fields = []
    for name in [*table.column_names, *(c for c in LINEAGE_COLUMNS if c != "_ingested_at")]:
        value = ident(name)
        if table.name == "sessions" and name == "ip":
            name, value = "ip_prefix", ip_prefix('"_t_ip"')
        elif table.name == "sessions" and name == "_raw_line":
            value = mask_ips(value)
        fields.append(f"{ident(name)} := {value}")
    return f"to_json(struct_pack({', '.join(fields)}))"


def quarantine_select(table: Table, classified: str | None = None) -> str:
    """The quarantined rows of one bronze table, in the columns of ``contract.QUARANTINE``
    (``classified``: as for :func:`silver_sql`)."""
    values = {
        "date": "_day",
        "source_table": literal(table.name),
        "_drop_date": "_drop_date",
        "_row_number": "_row_number",
        "reason": "_reason",
        "detail": "_detail",
        "raw": raw_json(table),
    }
    selects = ", ".join(f"CAST({values[name]} AS {type_}) AS {ident(name)}" for name, type_ in QUARANTINE)
    return f"SELECT {selects}\nFROM {_rows(table, classified)} WHERE _reason IS NOT NULL"


def _rows(table: Table, classified: str | None) -> str:
    return classified if classified else f"(\n{classify_sql(table)}\n)"


CLASSIFIED = "_classified"  # temp table: the classified rows of the table being built


def rejected_table(table: Table, window: tuple[date, date]) -> str:
    """The temp table a silver build leaves its rejected rows in, for ``silver.quarantine``."""
    start, end = window
    return f"_rejected_{table.name}_{start:%Y%m%d}_{end:%Y%m%d}"


def _classify_once(table: Table) -> Callable[[duckdb.DuckDBPyConnection, Window], str]:
    """A window's bronze rows classified once: silver reads its rows from the result, and the
    rejected rows stay on the step's connection for ``silver.quarantine`` (``rejected_table``),
    so the rules, typing and de-duplication run once per row, not twice. Same rows as ``sql``."""

    def produce(conn: duckdb.DuckDBPyConnection, window: Window) -> str:
        if window is None:
            return silver_sql(table)
        classify = f"CREATE OR REPLACE TEMP TABLE {CLASSIFIED} AS {classify_sql(table)}"
        conn.execute(classify, window_params(window)).fetchall()
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {rejected_table(table, window)} AS "
                     f"{quarantine_select(table, CLASSIFIED)}").fetchall()
        return silver_sql(table, CLASSIFIED)

    return produce


def restatement_deps(
    tables: list[str], days: int = RESTATEMENT_DAYS, only_last: bool = False
) -> list[dg.AssetDep]:
    """Bronze drops a silver day reads: its own and the ``days`` after it (late rows of the day),
    or (``only_last``) just the drop ``days`` later (whether it is loaded)."""
    first = days if only_last else 0
    mapping = dg.TimeWindowPartitionMapping(first, days, allow_nonexistent_upstream_partitions=True)
    return [dg.AssetDep(dg.AssetKey(["bronze", t]), partition_mapping=mapping) for t in tables]


def silver_table(table: Table) -> dg.AssetsDefinition:
    """``silver.<table>``: bronze typed, trimmed and de-duplicated, per event day."""
    return sql_asset(
        layer="silver",
        name=table.name,
        sql=silver_sql(table),
        deps=restatement_deps([table.name], RESTATEMENT_DAYS if table.event_time else 0),
        group="silver",
        partition_expr="date",
        after=_after_write(table),
        produce=_classify_once(table),
    )


def _after_write(table: Table) -> Callable[[duckdb.DuckDBPyConnection, Window], None]:
    """Once a window's rows are written: record, per day, the rows that came in a later drop than
    their day's, and free the classified rows (the rejected ones stay for the quarantine)."""
    rows = (
        f"SELECT date, {literal(table.name)} AS source_table, count(*) AS rows FROM silver.{table.name} "
        "WHERE date >= $start AND date < $end AND _drop_date > date GROUP BY date"
    )

    def after(conn: duckdb.DuckDBPyConnection, window: Window) -> None:
        record_restatements(conn, window, "late_rows", [table.name], rows)
        conn.execute(f"DROP TABLE IF EXISTS {CLASSIFIED}").fetchall()

    return after


assets = [silver_table(t) for t in TABLES]
