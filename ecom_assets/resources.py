"""Resources, configured from the environment (defaults work on a fresh checkout).

Environments swap resources, never assets: ``build_resources`` is the one place
that decides where the landing zone and the warehouse are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from ecom_assets import settings
from ecom_assets.connection import held_connection
from ecom_assets.io_manager import WarehouseIOManager
from ecom_assets.serving import ServingSnapshot


class LandingZone(dg.ConfigurableResource):
    """The landing root holding ``<YYYY-MM-DD>/<name>_table.csv`` drops."""

    root: str

    @property
    def path(self) -> Path:
        return Path(self.root)


def duckdb_config() -> dict[str, object]:
    """DuckDB settings for every connection to the warehouse.

    Row order in a table carries no meaning (``_row_number`` and keys do), so inserts
    need not preserve it, which makes bulk loads faster. A range run commits once per
    window; checkpointing at each commit (DuckDB's 16 MB default) made commits cost more
    than the inserts, so the checkpoint waits for 1 GB of WAL or the end of the step. The
    memory limit bounds a long range run (DuckDB spills to disk beyond it),
    ``ECOM_DUCKDB_MEMORY_LIMIT``.
    """
    return {
        "preserve_insertion_order": False,
        "checkpoint_threshold": "1GB",
        "memory_limit": settings.duckdb_memory_limit(),
    }


class Warehouse(DuckDBResource):
    """The warehouse file for asset code and checks; inside a step they share its one connection."""

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        config = {"custom_user_agent": "dagster", **self.connection_config}
        with held_connection(self.database, config) as conn:
            yield conn


def warehouse_resources(database: str) -> dict[str, object]:
    """The IO manager and the ``warehouse`` resource (used by checks) on one DuckDB file."""
    return {
        "io_manager": WarehouseIOManager(database=database, connection_config=duckdb_config()),
        "warehouse": Warehouse(database=database, connection_config=duckdb_config()),
    }


def build_resources() -> dict[str, object]:
    """Resources for the current environment (``ECOM_RAW_DIR``, ``ECOM_WAREHOUSE``, ``ECOM_SERVING``)."""
    database = settings.warehouse_path()
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return {
        **warehouse_resources(database),
        "landing": LandingZone(root=str(settings.raw_dir())),
        "serving": ServingSnapshot(path=settings.serving_path()),
    }
