"""Rebuild only what changed: which days of a daily table's window are stale.

A restatement run rebuilds the four days of a drop's window, but a day whose inputs did not
change since it was built need not be recomputed. Every write of a daily table records, per
day, when it was built and from which version of its query (``meta.builds``); bronze records
when each drop was loaded and which event days its rows fall on (``meta.drop_loads``,
``meta.drop_days``). A day is rebuilt when it was never built, its query changed, or one of its
inputs was written after it:

- a silver table's input is the drops of the day and the three after it, but a later drop
  counts only if it holds rows of that day (its event days), so a drop without late rows
  leaves the earlier days of its window alone;
- any other input is the input table's days the query reads (the partition mapping's offsets,
  widened to any ``INTERVAL n DAY`` look-back in the SQL); a day of it that was never recorded
  (not built by this pipeline, e.g. a test's hand-made table) makes the day stale.

The run tag ``ecom/rebuild=true`` rebuilds every day of the run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import dagster as dg
import duckdb

from ecom_assets.meta import BUILDS, DROP_DAYS, DROP_LOADS
from ecom_assets.settings import start_date

REBUILD_TAG = "ecom/rebuild"
_TABLE = re.compile(r"\b(bronze|silver|gold)\.([a-z_][a-z0-9_]*)\b")
_LOOK_BACK = re.compile(r"INTERVAL\s+(\d+)\s+DAY", re.IGNORECASE)


@dataclass(frozen=True)
class Input:
    """An input table and the days of it (offsets from the built day, inclusive) a day reads."""

    table: str  # schema.name
    first: int
    last: int


@dataclass(frozen=True)
class Incremental:
    """What a daily table's days are built from: its name, query version and inputs."""

    table: str
    version: str
    inputs: tuple[Input, ...]


def plan(table: str, sql: str, deps: Sequence[object]) -> Incremental:
    """The inputs of the daily table ``table`` built by ``sql``: every table the SQL names, over
    the days its dependency's partition mapping declares (widened to the SQL's look-backs)."""
    declared: dict[str, tuple[int, int]] = {}
    for dep in deps:
        key = dep.asset_key if isinstance(dep, dg.AssetDep) else getattr(dep, "key", dep)
        mapping = dep.partition_mapping if isinstance(dep, dg.AssetDep) else None
        if isinstance(key, dg.AssetKey):
            span = (mapping.start_offset, mapping.end_offset) if isinstance(
                mapping, dg.TimeWindowPartitionMapping) else (0, 0)
            declared[".".join(key.path)] = span
    back = max([int(n) for n in _LOOK_BACK.findall(sql)] + [0])
    named = sorted(({f"{s}.{n}" for s, n in _TABLE.findall(sql)} | set(declared)) - {table})
    inputs = []
    for name in named:
        first, last = declared.get(name, (0, 0))
        inputs.append(Input(name, min(first, -back), max(last, 0)))
    version = hashlib.sha256(sql.encode()).hexdigest()[:16]
    return Incremental(table, version, tuple(inputs))


def stale_days(conn: duckdb.DuckDBPyConnection, plan: Incremental, window: tuple[date, date]) -> list[date]:
    """The days of ``window`` that must be rebuilt."""
    params = {"start": window[0], "end": window[1], "table": plan.table, "version": plan.version,
              "first_day": date.fromisoformat(start_date())}
    newer = [_newer_input(i, plan.table.startswith("silver.")) for i in plan.inputs]
    reasons = " OR ".join(["b.built_at IS NULL", "b.version <> $version", *newer])
    sql = f"""SELECT d.day FROM (
        SELECT CAST(range AS DATE) AS day
        FROM range(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP), INTERVAL 1 DAY)) AS d
    LEFT JOIN {BUILDS} AS b ON b.table_name = $table AND b.date = d.day
    WHERE {reasons}
    ORDER BY d.day"""
    used = {k: v for k, v in params.items() if f"${k}" in sql}  # DuckDB refuses unused parameters
    return [r[0] for r in conn.execute(sql, used).fetchall()]


def _newer_input(i: Input, silver_reads_drops: bool) -> str:
    """SQL: an input of day ``d.day`` was written after ``b.built_at``, or is unknown."""
    schema, name = i.table.split(".", 1)
    days = f"BETWEEN d.day + {i.first} AND d.day + {i.last}"
    if schema == "bronze":
        if silver_reads_drops:  # a later drop counts only if it holds rows of the day
            return (
                f"EXISTS (SELECT 1 FROM {DROP_DAYS} AS x WHERE x.source_table = '{name}' "
                f"AND x.drop_date {days} AND (x.event_day = d.day OR x.drop_date = d.day) "
                "AND x.loaded_at > b.built_at)"
            )
        return (
            f"EXISTS (SELECT 1 FROM {DROP_LOADS} AS l WHERE l.source_table = '{name}' "
            f"AND l.drop_date {days} AND l.loaded_at > b.built_at)"
        )
    # stale unless every day of the span (from the first partition on) was built, none after b
    first, last = f"greatest(d.day + {i.first}, $first_day)", f"d.day + {i.last}"
    return (
        f"(SELECT count(*) FROM {BUILDS} AS u WHERE u.table_name = '{i.table}' "
        f"AND u.date BETWEEN {first} AND {last} AND u.built_at <= b.built_at) "
        f"< greatest(0, date_diff('day', {first}, {last}) + 1)"
    )


def runs_of(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as ``[start, end)`` windows."""
    windows: list[tuple[date, date]] = []
    for day in days:
        if windows and windows[-1][1] == day:
            windows[-1] = (windows[-1][0], day + timedelta(days=1))
        else:
            windows.append((day, day + timedelta(days=1)))
    return windows


def record_build(conn: duckdb.DuckDBPyConnection, plan: Incremental, window: tuple[date, date]) -> None:
    """Record that the window's days of ``plan.table`` were just built (same transaction)."""
    params = {"start": window[0], "end": window[1], "table": plan.table}
    conn.execute(
        f"DELETE FROM {BUILDS} WHERE table_name = $table AND date >= $start AND date < $end", params
    ).fetchall()
    conn.execute(
        f"""INSERT INTO {BUILDS} SELECT $table, CAST(range AS DATE), $version, $now
        FROM range(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP), INTERVAL 1 DAY)""",
        {**params, "version": plan.version, "now": datetime.now(timezone.utc).replace(tzinfo=None)},
    ).fetchall()
