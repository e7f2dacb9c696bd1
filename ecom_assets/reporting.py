"""What a materialization reports: row counts, KPIs and a preview, per partition, in few queries.

Each measure is one query per asset over the run's window, grouped by partition (not one query
per partition): ``dagster/row_count``, the asset's KPIs (SQL aggregates over a partition's rows),
its ``facts`` (one row per day read from other tables, e.g. what a day absorbed), and a markdown
preview of a few rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import dagster as dg
import duckdb

PREVIEW_ROWS = 5


def plain(value: Any) -> int | float | str | None:
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


def _named(metadata: dict[str, Any], names: Sequence[str], values: Sequence[Any]) -> None:
    for name, value in zip(names, values):
        if (v := plain(value)) is not None:
            metadata[name] = v


def measure_table(conn: duckdb.DuckDBPyConnection, target: str, kpis: Mapping[str, str]) -> dict[str, Any]:
    """The metadata of a whole (unpartitioned) table."""
    row = conn.execute(f"SELECT {', '.join(['count(*)', *kpis.values()])} FROM {target}").fetchall()[0]
    metadata: dict[str, Any] = {"dagster/row_count": int(row[0])}
    _named(metadata, list(kpis), row[1:])
    cur = conn.execute(f"SELECT * FROM {target} LIMIT {PREVIEW_ROWS}")
    metadata["preview"] = dg.MetadataValue.md(markdown_table([d[0] for d in cur.description], cur.fetchall()))
    return metadata


def measure_partitions(
    conn: duckdb.DuckDBPyConnection,
    target: str,
    expr: str,
    windows: Mapping[str, tuple[date, date]],
    kpis: Mapping[str, str],
    facts: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Each partition's metadata (partition key → metadata), ``windows`` giving each key's days.

    Rows are told apart by partition with a plain ``GROUP BY`` on the day when every partition
    is one day, and by a join on the windows otherwise (weeks, months). The preview's rows are
    chosen by ``rowid`` first, then fetched: only two columns pass through the window function.
    """
    keys = list(windows)
    low, high = min(w[0] for w in windows.values()), max(w[1] for w in windows.values())
    params: dict[str, Any] = {"low": low, "high": high}
    in_range = f"(SELECT *, rowid AS _rowid FROM {target} WHERE {expr} >= $low AND {expr} < $high)"
    if all((end - start).days == 1 and key == start.isoformat() for key, (start, end) in windows.items()):
        rows_of = f"(SELECT *, CAST({expr} AS DATE) AS _pkey FROM {in_range})"  # the key is the day
    else:
        starts, ends = [windows[k][0] for k in keys], [windows[k][1] for k in keys]
        params |= {"keys": keys, "starts": starts, "ends": ends}
        parts = ("(SELECT unnest($keys::VARCHAR[]) AS _pkey, unnest($starts::DATE[]) AS _pstart, "
                 "unnest($ends::DATE[]) AS _pend)")
        rows_of = f"(SELECT t.*, p._pkey FROM {in_range} AS t JOIN {parts} AS p " \
                  f"ON t.{expr} >= p._pstart AND t.{expr} < p._pend)"
    selects = ", ".join(["count(*)", *kpis.values()])
    empty = conn.execute(f"SELECT {selects} FROM {target} WHERE false").fetchall()[0]
    grouped = conn.execute(f"SELECT _pkey, {selects} FROM {rows_of} GROUP BY _pkey", params).fetchall()
    found = {_key(r[0]): r[1:] for r in grouped}
    out: dict[str, dict[str, Any]] = {}
    for key in keys:
        values = found.get(key, empty)
        out[key] = {"dagster/row_count": int(values[0])}
        _named(out[key], list(kpis), values[1:])
    if facts:  # one row per day of the window: the partitions are days
        cur = conn.execute(facts, {"start": low, "end": high})
        names = [d[0] for d in cur.description][1:]
        by_day = {row[0].isoformat(): row[1:] for row in cur.fetchall()}
        for key in keys:
            _named(out[key], names, by_day.get(key, [0] * len(names)))
    first_rows = f"QUALIFY row_number() OVER (PARTITION BY _pkey) <= {PREVIEW_ROWS}"
    chosen = conn.execute(f"SELECT _pkey, _rowid FROM {rows_of} {first_rows}", params).fetchall()
    partition_of = {rowid: _key(key) for key, rowid in chosen}
    cur = conn.execute(f"SELECT rowid, * FROM {target} WHERE rowid IN (SELECT unnest($ids::BIGINT[]))",
                       {"ids": list(partition_of)})
    columns = [d[0] for d in cur.description][1:]
    previews: dict[str, list] = defaultdict(list)
    for row in sorted(cur.fetchall(), key=lambda r: r[0]):
        previews[partition_of[row[0]]].append(row[1:])
    for key in keys:
        out[key]["preview"] = dg.MetadataValue.md(markdown_table(columns, previews.get(key, [])))
    return out


def _key(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else value


def report(
    context: dg.OutputContext,
    conn: duckdb.DuckDBPyConnection,
    target: str,
    expr: str | None,
    kpis: Mapping[str, str],
    facts: str | None = None,
) -> None:
    """Attach the written table's metadata to the materialization: per partition when partitioned.

    Dagster 1.13 has no public way for an IO manager to give each partition of a range its own
    metadata; ``context.step_context.add_asset_metadata`` (a public property, no private import)
    is what the asset's own ``context.add_asset_metadata`` does, and is used for that alone.
    """
    columns = [dg.TableColumn(name=r[0], type=r[1]) for r in conn.execute(f"DESCRIBE {target}").fetchall()]
    context.add_output_metadata(
        {"dagster/column_schema": dg.TableSchema(columns=columns), "dagster/table_name": target}
    )
    if not (expr and context.has_asset_partitions):
        context.add_output_metadata(measure_table(conn, target, kpis))
        return
    partitions_def = context.asset_partitions_def
    windows = {}
    for key in context.asset_partition_keys:
        tw = partitions_def.time_window_for_partition_key(key)
        windows[key] = (tw.start.date(), tw.end.date())
    for key, metadata in measure_partitions(conn, target, expr, windows, kpis, facts).items():
        context.step_context.add_asset_metadata(metadata, asset_key=context.asset_key, partition_key=key)
