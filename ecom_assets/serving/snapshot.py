"""The published snapshot: Parquet files per partition and a small DuckDB file of views over them.

Layout under the snapshot folder (``ECOM_SERVING`` without ``.duckdb``, default ``data/serving``)::

    <layer>/<table>/<partition key>.parquet   (partitioned tables: 2025-01-15.parquet)
    <layer>/<table>/all.parquet               (unpartitioned tables)

Plain file names, not Hive-style ``date=…`` folders: the partition column is inside every file,
and Parquet readers that infer Hive partitions (pandas, pyarrow) would clash with it.

A publication writes every changed file to a temp name first, then renames them all into place
(``os.replace``, atomic per file), so a reader never opens a half-written file and the switch from
one run's state to the next is one burst of renames. ``ECOM_SERVING`` holds only views
``<layer>.<table>`` with an explicit column list over ``read_parquet`` globs; it is rebuilt to a
temp file and renamed over the old one only when the set of tables or columns changes. A reader
holding the old file keeps working: its views still name only the columns they had.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from ecom_assets.silver.rules import ident, literal

WHOLE = "all"  # the file name of an unpartitioned table
SCHEMA_FILE = "_schema.json"


@dataclass(frozen=True)
class ServedTable:
    """A warehouse table the snapshot serves, with its partitioning (None: unpartitioned)."""

    layer: str
    name: str
    partitions_def: dg.TimeWindowPartitionsDefinition | None = None
    partition_expr: str | None = None

    @property
    def target(self) -> str:
        return f"{self.layer}.{self.name}"

    def folder(self, root: Path) -> Path:
        return root / self.layer / self.name

    def file(self, root: Path, key: str | None) -> Path:
        return self.folder(root) / f"{WHOLE if self.partition_expr is None or key is None else key}.parquet"

    def glob(self, root: Path) -> str:
        return str(self.folder(root) / "*.parquet")

    def window_where(self, key: str) -> tuple[str, list[date]]:
        assert self.partitions_def is not None and self.partition_expr is not None
        tw = self.partitions_def.time_window_for_partition_key(key)
        return f"{self.partition_expr} >= ? AND {self.partition_expr} < ?", [tw.start.date(), tw.end.date()]

    def key_of(self, value: date) -> str:
        """The partition key whose window holds the day ``value``."""
        assert self.partitions_def is not None
        midnight = datetime.combine(value, time(), ZoneInfo(self.partitions_def.timezone))
        return self.partitions_def.get_partition_key_for_timestamp(midnight.timestamp())


def snapshot_root(serving: str | Path) -> Path:
    """The Parquet folder next to the view file: ``data/serving.duckdb`` → ``data/serving``."""
    path = Path(serving).resolve()
    return path.with_suffix("") if path.suffix else path.with_name(path.name + "_files")


def columns_of(conn: duckdb.DuckDBPyConnection, table: ServedTable) -> list[tuple[str, str]] | None:
    """The table's (column, type) pairs in the warehouse, or None when it does not exist yet."""
    found = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [table.layer, table.name],
    ).fetchall()
    return [(c, t) for c, t in found] or None


def all_keys(conn: duckdb.DuckDBPyConnection, table: ServedTable) -> list[str | None]:
    """Every partition key the table holds rows of (``[None]`` for an unpartitioned table)."""
    if table.partition_expr is None:
        return [None]
    values = conn.execute(f"SELECT DISTINCT {table.partition_expr} FROM {table.target}").fetchall()
    return sorted({table.key_of(v) for (v,) in values if v is not None})


def _stage(
    conn: duckdb.DuckDBPyConnection, table: ServedTable, root: Path, key: str | None
) -> tuple[Path, Path]:
    """Write one partition's rows (possibly none) to a temp file next to its final place."""
    final = table.file(root, key)
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")  # no reader globs hidden files
    where, params = ("true", []) if key is None or table.partition_expr is None else table.window_where(key)
    conn.execute(
        f"COPY (SELECT * FROM {table.target} WHERE {where}) TO {literal(str(temp))} "
        "(FORMAT parquet, COMPRESSION zstd)",
        params,
    ).fetchall()
    return temp, final


def publish(
    warehouse: duckdb.DuckDBPyConnection,
    serving: str | Path,
    tables: Sequence[ServedTable],
    changed: Mapping[str, Iterable[str | None]] | None = None,
) -> dict[str, int]:
    """Publish ``changed`` (target → partition keys; None = every partition of every table).

    Returns the number of files written per table. The view file is rebuilt when the tables'
    columns differ from those it was built for.
    """
    root = snapshot_root(serving)
    staged: list[tuple[Path, Path]] = []
    schema: dict[str, list[tuple[str, str]]] = {}
    written: dict[str, int] = {}
    try:
        for table in tables:
            columns = columns_of(warehouse, table)
            if columns is None:
                continue
            schema[table.target] = columns
            if changed is None:
                keys: Iterable[str | None] = all_keys(warehouse, table)
            else:
                keys = changed.get(table.target, ())
            files = [_stage(warehouse, table, root, key) for key in sorted(set(keys), key=str)]
            staged += files
            if files:
                written[table.target] = len(files)
    except BaseException:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        raise
    for temp, final in staged:  # the switch: renames only
        os.replace(temp, final)
    served = {t.target: t for t in tables if t.target in schema}
    _refresh_views(serving, root, {k: schema[k] for k in served}, served)
    return written


def _refresh_views(
    serving: str | Path,
    root: Path,
    schema: Mapping[str, list[tuple[str, str]]],
    tables: Mapping[str, ServedTable],
) -> None:
    """Rebuild the view file (temp file + rename) if the served tables, their columns, or which of
    them have files changed. A table without rows yet (no files) is an empty view of its columns."""
    with_files = {k for k, t in tables.items() if any(t.folder(root).glob("*.parquet"))}
    signature = json.dumps({k: [schema[k], k in with_files] for k in sorted(schema)}, indent=1)
    marker = root / SCHEMA_FILE
    root.mkdir(parents=True, exist_ok=True)
    if Path(serving).exists() and marker.exists() and marker.read_text() == signature:
        return
    temp = Path(serving).with_name(f".{Path(serving).name}.{uuid.uuid4().hex}.tmp")
    with duckdb.connect(str(temp)) as conn:
        for layer in sorted({t.layer for t in tables.values()}):
            conn.execute(f"CREATE SCHEMA {layer}")
        for target, table in sorted(tables.items()):
            if target not in with_files:
                empty = ", ".join(f"CAST(NULL AS {t}) AS {ident(c)}" for c, t in schema[target])
                conn.execute(f"CREATE VIEW {target} AS SELECT {empty} WHERE false")
                continue
            select = ", ".join(f"CAST({ident(c)} AS {t}) AS {ident(c)}" for c, t in schema[target])
            conn.execute(
                f"CREATE VIEW {target} AS SELECT {select} "
                f"FROM read_parquet({literal(table.glob(root))}, "
                "union_by_name = true, hive_partitioning = false)"
            )
    os.replace(temp, serving)
    marker_temp = marker.with_name(f".{SCHEMA_FILE}.tmp")
    marker_temp.write_text(signature)
    os.replace(marker_temp, marker)
