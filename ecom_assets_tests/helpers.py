"""Shared test helpers: tiny silver databases, resources on temp paths, range runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from ecom_assets.resources import LandingZone
from ecom_assets.silver.contract import create_silver_tables, silver_columns
from ecom_assets.warehouse import WarehouseIOManager


def silver_db(tables: Mapping[str, Iterable[Mapping]], conn: duckdb.DuckDBPyConnection | None = None):
    """An in-memory DuckDB with every silver table created and the given rows inserted.

    Rows are dicts; absent columns are NULL. Values are cast to the contract's types.
    """
    conn = conn or duckdb.connect()
    create_silver_tables(conn)
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


def resources_for(raw_dir: Path, warehouse: Path) -> dict[str, object]:
    return {
        "io_manager": WarehouseIOManager(database=str(warehouse)),
        "warehouse": DuckDBResource(database=str(warehouse)),
        "landing": LandingZone(root=str(raw_dir)),
    }


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
        assets,
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
