"""Writing a table's partitions atomically: the one place rows reach the warehouse's tables.

Assets return a :class:`TableBuild` (how to produce their rows, window by window). For each window
(a chunk of at most a week of days, or one weekly/monthly partition) :func:`write_build` deletes
the window's old rows and inserts the new ones in ONE transaction, so a crash or a reader never
sees a half-written or empty partition; committing window by window keeps a backfill of a year as
light as a week. Rows are produced as SQL executed by DuckDB (or Arrow for file ingestion), and
an asset may never emit rows outside its window. The IO manager (``ecom_assets.io_manager``)
calls it; reporting, schema evolution and connections live in modules of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.evolution import add_new_columns, quote
from ecom_assets.incremental import Incremental, record_build, runs_of, stale_days
from ecom_assets.partitions import CHUNK_DAYS

Window = tuple[date, date] | None  # [start, end) in days; None = the whole table
Produce = Callable[[duckdb.DuckDBPyConnection, Window], "str | pa.Table | pa.RecordBatchReader"]


@dataclass(frozen=True)
class TableBuild:
    """How an asset's rows are produced: ``produce(conn, window)`` per window.

    ``produce`` returns a SQL query (``$start``/``$end`` are bound to the window's
    dates), an Arrow table, or an Arrow stream (``RecordBatchReader``, bounded memory).
    ``kpis`` maps a metadata key to a SQL aggregate over one partition's rows of the
    written table (e.g. ``"SUM(total_revenue)"``). ``facts`` is a query of one row whose
    columns become metadata too, run per partition with ``$start``/``$end`` bound (what a
    partition absorbed, read from other tables). ``after(conn, window)`` runs inside the
    window's transaction once its rows are written (bookkeeping that must commit with them).
    ``unchanged(conn, window)`` names days of the window to leave as they are: they are not
    deleted, and ``produce`` must not emit rows for them. With ``incremental`` (a daily table's
    inputs, see ``ecom_assets.incremental``) only the stale days of each window are rebuilt, as
    runs of consecutive days, and each rebuilt day is recorded in ``meta.builds``.
    """

    produce: Produce
    windows: Sequence[Window]
    kpis: Mapping[str, str] = field(default_factory=dict)
    facts: str | None = None
    after: Callable[[duckdb.DuckDBPyConnection, Window], None] | None = None
    unchanged: Callable[[duckdb.DuckDBPyConnection, Window], set[date]] | None = None
    incremental: Incremental | None = None


def day_windows(context: dg.AssetExecutionContext | None, chunk_days: int = CHUNK_DAYS) -> list[Window]:
    """The run's partition window split into chunks of at most ``chunk_days`` days."""
    if context is None or not (context.has_partition_key_range or context.has_partition_key):
        return [None]
    tw = context.partition_time_window
    start, end = tw.start.date(), tw.end.date()
    windows: list[Window] = []
    while start < end:
        stop = min(start + timedelta(days=chunk_days), end)
        windows.append((start, stop))
        start = stop
    return windows


def window_params(window: Window) -> dict[str, date]:
    return {} if window is None else {"start": window[0], "end": window[1]}


def bind_window(sql: str, window: Window) -> dict[str, date]:
    """Only the parameters the query uses (DuckDB rejects unused ones)."""
    return {k: v for k, v in window_params(window).items() if f"${k}" in sql}


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


class OutsidePartitionError(Exception):
    """An asset produced rows outside the partition window it was asked for."""


def as_build(obj: Any) -> TableBuild:
    """A table build of an asset's output: a build as is, or an Arrow table / pandas frame as the
    rows of the whole (unpartitioned) table."""
    return obj if isinstance(obj, TableBuild) else TableBuild(lambda _c, _w: _as_arrow(obj), [None])


def _as_arrow(obj: Any) -> pa.Table:
    return obj if isinstance(obj, pa.Table) else pa.Table.from_pandas(obj, preserve_index=False)


def write_build(conn: duckdb.DuckDBPyConnection, target: str, expr: str | None, build: TableBuild) -> None:
    """Write ``build`` into ``target`` (``schema.table``, partitioned by the column ``expr``), one
    transaction per window, or per run of stale days of a window when the build is incremental."""
    for window in build.windows:
        stale = build.incremental is not None and window is not None and expr is not None
        for part in runs_of(stale_days(conn, build.incremental, window)) if stale else [window]:
            conn.execute("BEGIN TRANSACTION").fetchall()
            try:
                _replace_window(conn, target, expr, part, build)
                if stale:
                    record_build(conn, build.incremental, part)
            except _Leak as leak:
                conn.execute("ROLLBACK").fetchall()
                raise leak.described(conn) from None
            except BaseException:
                conn.execute("ROLLBACK").fetchall()
                raise
            conn.execute("COMMIT").fetchall()


def _replace_window(
    conn: duckdb.DuckDBPyConnection, target: str, expr: str | None, window: Window, build: TableBuild
) -> None:
    """Delete the window's rows and insert its new rows (the caller holds the transaction)."""
    exists = table_exists(conn, *target.split("."))
    keep = sorted(build.unchanged(conn, window)) if build.unchanged and window is not None else []
    if exists and expr and window is not None:
        delete = f"DELETE FROM {target} WHERE {expr} >= $start AND {expr} < $end"
        if keep:
            delete += f" AND CAST({expr} AS DATE) NOT IN (SELECT unnest($keep::DATE[]))"
        conn.execute(delete, {**window_params(window), **({"keep": keep} if keep else {})}).fetchall()
    elif exists:
        conn.execute(f"DELETE FROM {target}").fetchall()  # an unpartitioned table is rebuilt whole
    result = build.produce(conn, window)
    if isinstance(result, str):
        _insert_query(conn, target, result, expr, window, exists)
    else:
        _insert_arrow(conn, target, result, expr, window, exists)
    if build.after is not None:
        build.after(conn, window)


_OUTSIDE = "row outside the partition window"


def _insert_query(
    conn: duckdb.DuckDBPyConnection, target: str, sql: str, expr: str | None, window: Window, exists: bool
) -> None:
    """A query's rows go straight into the table, each checked against the window as it passes (a
    row outside it aborts the statement, and the transaction leaves the table as it was)."""
    params = bind_window(sql, window)
    columns = conn.execute(f"DESCRIBE {sql}", params).fetchall()  # binds, does not run
    if not exists:
        defs = ", ".join(f"{quote(c[0])} {c[1]}" for c in columns)
        conn.execute(f"CREATE TABLE {target} ({defs})").fetchall()
    add_new_columns(conn, target, columns)
    if not (expr and window is not None):
        conn.execute(f"INSERT INTO {target} BY NAME {sql}", params).fetchall()
        return
    inside = f"coalesce({expr} >= $start AND {expr} < $end, false)"
    guard = f"CASE WHEN {inside} THEN true ELSE error('{_OUTSIDE}') END"
    try:
        conn.execute(
            f"INSERT INTO {target} BY NAME SELECT * FROM ({sql}) WHERE {guard}",
            {**params, **window_params(window)},
        ).fetchall()
    except duckdb.InvalidInputException as exc:
        if _OUTSIDE not in str(exc):
            raise
        count = (f"SELECT count(*), any_value({expr}) FILTER (WHERE {expr} IS NOT NULL) FROM ({sql}) "
                 f"WHERE NOT {inside}")
        raise _Leak(target, expr, window, count, {**params, **window_params(window)}) from None


class _Leak(Exception):
    """Rows outside the window were produced; described once the transaction is rolled back."""

    def __init__(self, target: str, expr: str, window: tuple[date, date], count_sql: str, params: dict):
        super().__init__(target)
        self.target, self.expr, self.window = target, expr, window
        self.count_sql, self.params = count_sql, params

    def described(self, conn: duckdb.DuckDBPyConnection) -> Exception:
        outside, example = conn.execute(self.count_sql, self.params).fetchall()[0]
        return _outside(self.target, self.expr, self.window, outside, example)


def _insert_arrow(
    conn: duckdb.DuckDBPyConnection,
    target: str,
    rows: pa.Table | pa.RecordBatchReader,
    expr: str | None,
    window: Window,
    exists: bool,
) -> None:
    """Arrow rows stream straight into the table (one insert per window, bounded memory).

    Each batch's partition column is checked in Python as it streams past.
    """
    reader = rows.to_reader() if isinstance(rows, pa.Table) else rows
    conn.register("_shape", reader.schema.empty_table())
    if not exists:
        conn.execute(f"CREATE TABLE {target} AS SELECT * FROM _shape").fetchall()
    add_new_columns(conn, target, conn.execute("DESCRIBE _shape").fetchall())
    conn.unregister("_shape")
    if expr and window is not None:
        reader = _checked(reader, target, expr, window)
    conn.register("_stage", reader)
    try:
        conn.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _stage").fetchall()
    finally:
        conn.unregister("_stage")


def _checked(
    reader: pa.RecordBatchReader, target: str, expr: str, window: tuple[date, date]
) -> pa.RecordBatchReader:
    if expr not in reader.schema.names:
        raise ValueError(f"{target}: partition_expr {expr!r} must be a column of the Arrow rows")

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in reader:
            column = batch.column(expr)
            if len(column):
                low, high = (_day(v) for v in pc.min_max(column).values())
                outside = column.null_count or (low is not None and not window[0] <= low <= high < window[1])
                if outside:
                    raise _outside(target, expr, window, "some", low if low < window[0] else high)
            yield batch

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def _day(value: pa.Scalar) -> date | None:
    v = value.as_py()
    return v.date() if hasattr(v, "date") and callable(v.date) else v


def _outside(target: str, expr: str, window: tuple[date, date], count: object, example: object) -> Exception:
    return OutsidePartitionError(
        f"{target}: {count} row(s) have {expr} outside the window [{window[0]}, {window[1]}) "
        f"(e.g. {example}); an asset must only emit rows of the partitions it materializes."
    )
