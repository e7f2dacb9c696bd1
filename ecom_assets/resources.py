"""Resources, configured from the environment (defaults work on a fresh checkout).

Environments swap resources, never assets: ``build_resources`` is the one place
that decides where the landing zone and the warehouse are.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from ecom_assets import settings
from ecom_assets.warehouse import WarehouseIOManager


class LandingZone(dg.ConfigurableResource):
    """The landing root holding ``<YYYY-MM-DD>/<name>_table.csv`` drops."""

    root: str

    @property
    def path(self) -> Path:
        return Path(self.root)


def build_resources() -> dict[str, object]:
    """Resources for the current environment (``ECOM_RAW_DIR``, ``ECOM_WAREHOUSE``)."""
    database = settings.warehouse_path()
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return {
        "io_manager": WarehouseIOManager(database=database),
        "warehouse": DuckDBResource(database=database),
        "landing": LandingZone(root=str(settings.raw_dir())),
    }
