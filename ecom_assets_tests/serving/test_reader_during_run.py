"""The claim of the snapshot: a reader holding it open changes nothing about a daily run.

A separate process holds the published snapshot open read-only and queries every view in a loop
while a daily run (real Dagster instance, every daily asset and check) loads a new drop and the
run-status sensor's publication follows. The run succeeds in normal time (a reader of the
warehouse itself would make it fail after about 160 s on DuckDB's file lock), the reader never
errors, its open connection sees the new day right after the publication, and afterwards every
published table equals the warehouse's.
"""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from ecom_assets.definitions import assets, defs
from ecom_assets.serving import served_tables
from ecom_assets_tests.helpers import materialize_range, resources_for
from ecom_assets_tests.serving import differences, publish_after, publish_everything
from ecom_assets_tests.serving.conftest import NEXT_DAY

NORMAL_SECONDS = 90  # a day at this size takes ~10-20 s here; DuckDB's lock wait alone is ~160 s


def test_a_reader_of_the_snapshot_never_blocks_a_daily_run(shop, tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(shop.warehouse, warehouse)  # the other tests keep the shared shop as it is
    serving = tmp_path / "serving.duckdb"
    resources = resources_for(shop.raw, warehouse)
    instance = dg.DagsterInstance.ephemeral()
    publish_everything(instance, resources, serving)

    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-m", "ecom_assets_tests.serving.reader", str(serving), str(stop)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(300):
            if Path(str(stop) + ".ready").exists() or reader.poll() is not None:
                break
            time.sleep(0.1)
        assert reader.poll() is None, reader.communicate()
        started = time.perf_counter()
        daily = dg.AssetSelection.tag("cadence", "daily")
        everything = [*defs.assets, *defs.asset_checks]
        run = materialize_range(everything, NEXT_DAY, NEXT_DAY, resources, instance=instance, selection=daily)
        seconds = time.perf_counter() - started
        publication = publish_after(run, instance, resources, serving)
        time.sleep(0.5)  # a few more rounds on the new state
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    report = json.loads(out)

    assert run.success and publication.success
    assert seconds < NORMAL_SECONDS, f"the daily run took {seconds:.0f} s with a reader"
    assert report["errors"] == [], report["errors"]
    assert report["rounds"] > 5 and report["queries"] > 100, report
    assert report["held_last_day"] == NEXT_DAY, report  # the open connection sees the new day
    assert report["fresh_last_day"] == NEXT_DAY, report
    for table in served_tables(assets):
        assert differences(serving, warehouse, table.target) == 0, table.target
