"""Shared test helpers: tiny silver databases, resources on temp paths, range runs."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType

import dagster as dg
import duckdb

from ecom_assets.meta import create_meta_tables
from ecom_assets.resources import LandingZone, warehouse_resources
from ecom_assets.serving import ServingSnapshot
from ecom_assets.silver.contract import create_silver_tables, silver_columns
from ecom_assets.steps import definitions_for


def silver_db(tables: Mapping[str, Iterable[Mapping]], conn: duckdb.DuckDBPyConnection | None = None):
    """An in-memory DuckDB with every silver table created and the given rows inserted.

    Rows are dicts; absent columns are NULL. Values are cast to the contract's types.
    """
    conn = conn or duckdb.connect()
    create_silver_tables(conn)
    create_meta_tables(conn)
    columns = silver_columns()
    for name, rows in tables.items():
        cols = [c for c, _ in columns[name]]
        for row in rows:
            unknown = set(row) - set(cols)
            assert not unknown, f"silver.{name} has no column(s) {unknown}"
            names = list(row)
            placeholders = ", ".join("?" for _ in names)
            quoted = ", ".join(f'"{n}"' for n in names)
            conn.execute(f"INSERT INTO silver.{name} ({quoted}) VALUES ({placeholders})", list(row.values()))
    return conn


def table_defs(*modules: ModuleType) -> list:
    """The tables of gold table modules (``ecom_assets.gold.<domain>.<table>``) and their checks."""
    return [item for m in modules for item in (m.asset, *m.asset_checks)]


def resources_for(raw_dir: Path | str, warehouse: Path | str) -> dict[str, object]:
    """Every resource of the code location on temp paths (the snapshot next to the warehouse)."""
    serving = ServingSnapshot(path=str(Path(warehouse).with_name("serving.duckdb")))
    landing = LandingZone(root=str(raw_dir))
    return {**warehouse_resources(str(warehouse)), "landing": landing, "serving": serving}


def materialize_range(
    assets: Sequence,
    start: str,
    end: str,
    resources: Mapping[str, object],
    instance: dg.DagsterInstance | None = None,
    selection=None,
    raise_on_error: bool = True,
) -> dg.ExecuteInProcessResult:
    """One single run over the partition range ``start...end`` (inclusive keys)."""
    return dg.materialize(
        definitions_for(assets),
        resources=resources,
        instance=instance or dg.DagsterInstance.ephemeral(),
        selection=selection,
        tags={"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end},
        raise_on_error=raise_on_error,
    )


def rows(conn: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    """Query results as a list of dicts (for readable assertions)."""
    cur = conn.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def write_drop(
    raw_dir: Path,
    day: str,
    rows_by_table: Mapping[str, Sequence[Mapping[str, str]]] | None = None,
    success: bool = True,
    optional_files: bool = False,
) -> Path:
    """Write a drop folder: every required file (header + the given rows), then ``_SUCCESS``."""
    from ecom_assets.schema import TABLES

    folder = raw_dir / day
    folder.mkdir(parents=True, exist_ok=True)
    rows_by_table = rows_by_table or {}
    for table in TABLES:
        if not table.required_file and not optional_files and table.name not in rows_by_table:
            continue
        with (folder / table.file_name).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(table.column_names)
            for row in rows_by_table.get(table.name, []):
                writer.writerow([row.get(c, "") for c in table.column_names])
    if success:
        (folder / "_SUCCESS").touch()
    return folder
