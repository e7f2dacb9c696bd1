"""The one place that persists to DuckDB: dagster-duckdb's IO manager, made atomic.

Assets return a :class:`TableBuild` (how to produce their rows, window by window).
For each window (a chunk of at most a week of days, or one weekly/monthly partition)
the IO manager deletes the window's old rows and inserts the new ones in ONE
transaction, so a crash or a reader never sees a half-written or empty partition;
committing window by window keeps a backfill of a year as light as a week. Rows
are produced as SQL executed by DuckDB (or Arrow tables for file ingestion). After
writing, it reports per-partition ``dagster/row_count``, the column schema, the
asset's KPIs and a small markdown preview.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from dagster._core.storage.db_io_manager import DbIOManager, DbTypeHandler, TableSlice
from dagster_duckdb.io_manager import DuckDbClient, DuckDBIOManager, _get_cleanup_statement
from dagster_duckdb_pandas import DuckDBPandasTypeHandler

from ecom_assets.connection import held_connection
from ecom_assets.incremental import Incremental, record_build, runs_of, stale_days
from ecom_assets.meta import create_meta_tables
from ecom_assets.partitions import CHUNK_DAYS

Window = tuple[date, date] | None  # [start, end) in days; None = the whole table
Produce = Callable[[duckdb.DuckDBPyConnection, Window], "str | pa.Table | pa.RecordBatchReader"]

PREVIEW_ROWS = 5


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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


class OutsidePartitionError(Exception):
    """An asset produced rows outside the partition window it was asked for."""


class TableBuildTypeHandler(DbTypeHandler[TableBuild]):
    """Writes a :class:`TableBuild` (or an Arrow table) into its DuckDB table."""

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: Any, connection):
        build = obj if isinstance(obj, TableBuild) else TableBuild(lambda _c, _w: _as_arrow(obj), [None])
        target = f"{table_slice.schema}.{table_slice.table}"
        dims = table_slice.partition_dimensions
        expr = dims[0].partition_expr if dims else None
        create_meta_tables(connection)  # the bookkeeping the builds read and write
        for window in build.windows:
            stale = build.incremental is not None and window is not None and expr is not None
            for part in runs_of(stale_days(connection, build.incremental, window)) if stale else [window]:
                connection.execute("BEGIN TRANSACTION").fetchall()
                try:
                    _replace_window(connection, table_slice, target, expr, part, build)
                    if stale:
                        record_build(connection, build.incremental, part)
                except BaseException:
                    connection.execute("ROLLBACK").fetchall()
                    raise
                connection.execute("COMMIT").fetchall()
        _report(context, connection, target, expr, build.kpis, build.facts)
        return {}

    def load_input(self, context: dg.InputContext, table_slice: TableSlice, connection) -> pa.Table:
        if table_slice.partition_dimensions and len(context.asset_partition_keys) == 0:
            return pa.table({})
        return connection.execute(DuckDbClient.get_select_statement(table_slice)).to_arrow_table()

    @property
    def supported_types(self):
        return [TableBuild, pa.Table]


class PandasTypeHandler(DuckDBPandasTypeHandler):
    """pandas frames: loaded by dagster-duckdb-pandas, written through the same atomic path."""

    def handle_output(self, context: dg.OutputContext, table_slice: TableSlice, obj: Any, connection):
        return TableBuildTypeHandler().handle_output(context, table_slice, obj, connection)


def _as_arrow(obj: Any) -> pa.Table:
    return obj if isinstance(obj, pa.Table) else pa.Table.from_pandas(obj, preserve_index=False)


def _replace_window(
    conn: duckdb.DuckDBPyConnection,
    table_slice: TableSlice,
    target: str,
    expr: str | None,
    window: Window,
    build: TableBuild,
) -> None:
    """Delete the window's rows and insert its new rows (the caller holds the transaction)."""
    exists = table_exists(conn, table_slice.schema, table_slice.table)
    keep = sorted(build.unchanged(conn, window)) if build.unchanged and window is not None else []
    if exists and expr and window is not None:
        delete = f"DELETE FROM {target} WHERE {expr} >= $start AND {expr} < $end"
        if keep:
            delete += f" AND CAST({expr} AS DATE) NOT IN (SELECT unnest($keep::DATE[]))"
        conn.execute(delete, {**window_params(window), **({"keep": keep} if keep else {})}).fetchall()
    elif exists:
        conn.execute(_get_cleanup_statement(table_slice)).fetchall()  # the slice, or the whole table
    result = build.produce(conn, window)
    if isinstance(result, str):
        _insert_query(conn, target, result, expr, window, exists)
    else:
        _insert_arrow(conn, target, result, expr, window, exists)
    if build.after is not None:
        build.after(conn, window)


def _insert_query(
    conn: duckdb.DuckDBPyConnection, target: str, sql: str, expr: str | None, window: Window, exists: bool
) -> None:
    """A query is materialized once into a temp table, checked against the window, then inserted."""
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _stage AS {sql}", bind_window(sql, window)).fetchall()
    if expr and window is not None:
        outside, example = conn.execute(
            f"SELECT count(*), any_value({expr}) FILTER (WHERE {expr} IS NOT NULL) FROM _stage "
            f"WHERE NOT coalesce({expr} >= $start AND {expr} < $end, false)",
            window_params(window),
        ).fetchall()[0]
        if outside:
            raise _outside(target, expr, window, outside, example)
    if not exists:
        conn.execute(f"CREATE TABLE {target} AS SELECT * FROM _stage WHERE false").fetchall()
    _add_new_columns(conn, target, conn.execute("DESCRIBE _stage").fetchall())
    conn.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _stage").fetchall()
    conn.execute("DROP TABLE _stage").fetchall()


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
    _add_new_columns(conn, target, conn.execute("DESCRIBE _shape").fetchall())
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


def _add_new_columns(conn: duckdb.DuckDBPyConnection, target: str, columns: list[tuple]) -> None:
    """Schema evolution: a column new in the output is added to the table (existing rows get NULL)."""
    have = {r[0] for r in conn.execute(f"DESCRIBE {target}").fetchall()}
    for name, type_ in ((r[0], r[1]) for r in columns):
        if name not in have:
            conn.execute(f"ALTER TABLE {target} ADD COLUMN {_quote(name)} {type_}").fetchall()


def _plain(value: Any) -> int | float | str | None:
    """Metadata values must be plain int/float/str."""
    if value is None:
        return None
    if isinstance(value, int):  # bool included
        return int(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def markdown_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A markdown table (NULL shown empty), for previews and check examples."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _markdown(conn: duckdb.DuckDBPyConnection, sql: str, params: dict) -> str:
    cur = conn.execute(sql, params)
    return markdown_table([d[0] for d in cur.description], cur.fetchall())


def _measure(
    conn: duckdb.DuckDBPyConnection,
    target: str,
    where: str,
    params: dict,
    kpis: Mapping[str, str],
    facts: str | None = None,
) -> dict[str, Any]:
    selects = ", ".join(["count(*)", *(f"{sql}" for sql in kpis.values())])
    values = conn.execute(f"SELECT {selects} FROM {target} WHERE {where}", params).fetchall()[0]
    metadata: dict[str, Any] = {"dagster/row_count": int(values[0])}
    named = list(zip(kpis, values[1:]))
    if facts:
        cur = conn.execute(facts, {k: v for k, v in params.items() if f"${k}" in facts})
        named += list(zip([d[0] for d in cur.description], cur.fetchall()[0]))
    for key, value in named:
        plain = _plain(value)
        if plain is not None:
            metadata[key] = plain
    metadata["preview"] = dg.MetadataValue.md(
        _markdown(conn, f"SELECT * FROM {target} WHERE {where} LIMIT {PREVIEW_ROWS}", params)
    )
    return metadata


def _report(
    context: dg.OutputContext,
    conn: duckdb.DuckDBPyConnection,
    target: str,
    expr: str | None,
    kpis: Mapping[str, str],
    facts: str | None = None,
) -> None:
    columns = conn.execute(f"DESCRIBE {target}").fetchall()
    context.add_output_metadata(
        {
            "dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(name=r[0], type=r[1]) for r in columns]
            ),
            "dagster/table_name": target,
        }
    )
    if not (expr and context.has_asset_partitions):
        context.add_output_metadata(_measure(conn, target, "true", {}, kpis))
        return
    partitions_def = context.asset_partitions_def
    for key in context.asset_partition_keys:
        tw = partitions_def.time_window_for_partition_key(key)
        params = {"start": tw.start.date(), "end": tw.end.date()}
        metadata = _measure(conn, target, f"{expr} >= $start AND {expr} < $end", params, kpis, facts)
        context.step_context.add_asset_metadata(metadata, asset_key=context.asset_key, partition_key=key)


class WindowedDuckDbClient(DuckDbClient):
    """The handler deletes each window in the same transaction as its insert, not up front."""

    @staticmethod
    def delete_table_slice(context: dg.OutputContext, table_slice: TableSlice, connection) -> None:
        return None

    @staticmethod
    def ensure_schema_exists(context: dg.OutputContext, table_slice: TableSlice, connection) -> None:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {table_slice.schema}").fetchall()

    @staticmethod
    @contextmanager
    def connect(context, table_slice) -> Iterator[duckdb.DuckDBPyConnection]:
        # The step's held connection when there is one (see ecom_assets.connection); dagster-duckdb's
        # own client would open another and leak it when the body raises.
        config = {"custom_user_agent": "dagster", **context.resource_config["connection_config"]}
        with held_connection(context.resource_config["database"], config) as conn:
            yield conn


class WarehouseIOManager(DuckDBIOManager):
    """DuckDB IO manager for table builds, Arrow tables and pandas frames, with atomic writes."""

    @staticmethod
    def type_handlers() -> Sequence[DbTypeHandler]:
        return [TableBuildTypeHandler(), PandasTypeHandler()]

    @staticmethod
    def default_load_type() -> type | None:
        return pa.Table

    def create_io_manager(self, context) -> dg.IOManager:
        return DbIOManager(
            db_client=WindowedDuckDbClient(),
            database=self.database,
            schema=self.schema_,
            type_handlers=self.type_handlers(),
            default_load_type=self.default_load_type(),
            io_manager_name="WarehouseIOManager",
        )
