"""A small shop loaded through Dagster and published, shared by the dashboard and reader tests."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from ecom_assets.definitions import defs
from ecom_assets.generate import generate
from ecom_assets.partitions import DAILY
from ecom_assets_tests.helpers import materialize_range, resources_for
from ecom_assets_tests.serving import publish_everything

START, LOADED, SESSIONS_PER_DAY, SEED = date(2025, 1, 1), 12, 150, 5
NEXT_DAY = "2025-01-13"  # generated, not loaded: the reader test's new drop
WEEK, MONTH = "2025-01-05", "2025-01-01"


@dataclass(frozen=True)
class Shop:
    raw: Path
    warehouse: Path
    serving: Path


@pytest.fixture(scope="session")
def shop(tmp_path_factory) -> Shop:
    """12 days loaded (daily range, dimensions, the week of 2025-01-05, January so far), then published."""
    assert DAILY.get_first_partition_key() == START.isoformat(), "run with ECOM_START_DATE=2025-01-01"
    root = tmp_path_factory.mktemp("serving_shop")
    generate(
        root / "raw", START, days=LOADED + 1, sessions_per_day=SESSIONS_PER_DAY, seed=SEED, progress=False
    )
    warehouse = root / "warehouse.duckdb"
    resources = resources_for(root / "raw", warehouse)
    everything = [*defs.assets, *defs.asset_checks]
    instance = dg.DagsterInstance.ephemeral()

    def run(cadence: str, **kwargs) -> None:
        dg.materialize(everything, resources=resources, instance=instance,
                       selection=dg.AssetSelection.tag("cadence", cadence), **kwargs)  # fmt: skip

    last = date.fromordinal(START.toordinal() + LOADED - 1).isoformat()
    materialize_range(everything, START.isoformat(), last, resources, instance=instance,
                      selection=dg.AssetSelection.tag("cadence", "daily"))  # fmt: skip
    run("full")
    run("weekly", partition_key=WEEK)
    run("monthly", partition_key=MONTH)
    serving = root / "serving.duckdb"
    publish_everything(instance, resources, serving)
    return Shop(root / "raw", warehouse, serving)
