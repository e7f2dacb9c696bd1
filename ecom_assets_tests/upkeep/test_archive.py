"""The monthly archive on a real landing zone, warehouse and Dagster instance: archive, remove, restore
byte for byte, re-load with identical gold numbers; refusals remove nothing; the sensor stays quiet."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ecom_assets import archive as cli
from ecom_assets.automation.drops import fingerprint
from ecom_assets.automation.landing_sensor import landing_sensor
from ecom_assets.definitions import defs
from ecom_assets.generate import generate
from ecom_assets.resources import LandingZone
from ecom_assets.upkeep.archive import archive_path, read_manifest
from ecom_assets.upkeep.jobs import archive_job
from ecom_assets.upkeep.retention import months_to_archive
from ecom_assets_tests.helpers import materialize_range, resources_for, rows
from ecom_assets_tests.upkeep import LOAD_BUSINESS_METRICS

START, LAST = date(2025, 1, 1), date(2025, 1, 3)
MONTH = "2025-01"


class Shop:
    def __init__(self, root: Path) -> None:
        self.raw, self.archive, self.warehouse = root / "raw", root / "archive", root / "w.duckdb"
        self.instance = dg.DagsterInstance.ephemeral()
        self.resources = resources_for(self.raw, self.warehouse)

    def load(self) -> None:
        result = materialize_range(
            [*defs.assets, *defs.asset_checks],
            START.isoformat(),
            LAST.isoformat(),
            self.resources,
            instance=self.instance,
            selection=LOAD_BUSINESS_METRICS,
        )
        assert result.success

    def archive_run(self, as_of: str = "2025-06-01") -> dg.ExecuteInProcessResult:
        config = {
            "ops": {"archive_raw_months": {"config": {"as_of": as_of, "archive_dir": str(self.archive)}}}
        }
        return archive_job.execute_in_process(
            run_config=config, instance=self.instance, raise_on_error=False, resources=self.resources
        )

    def gold(self) -> list[dict]:
        with duckdb.connect(str(self.warehouse)) as conn:
            return rows(conn, "SELECT * FROM gold.daily_business_metrics ORDER BY date")


def files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: its bytes and modification time (ns)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def sensor_tick(raw: Path, cursor: str) -> dg.SensorResult | dg.SkipReason:
    return landing_sensor(
        dg.build_sensor_context(cursor=cursor, resources={"landing": LandingZone(root=str(raw))})
    )


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    shop = Shop(tmp_path)
    generate(shop.raw, START, days=3, sessions_per_day=60, seed=5, progress=False)
    return shop


def test_months_to_archive_wait_for_the_whole_month_to_pass_the_retention(tmp_path: Path):
    for day in ("2025-01-31", "2025-02-01", "2025-03-10", "notes"):
        (tmp_path / day).mkdir()
    # 90 days before 2025-05-01 is 2025-01-31: January ends on the cutoff, not before it
    assert months_to_archive(tmp_path, date(2025, 5, 1), 90) == []
    assert months_to_archive(tmp_path, date(2025, 5, 2), 90) == ["2025-01"]
    assert months_to_archive(tmp_path, date(2025, 6, 1), 90) == ["2025-01", "2025-02"]


def test_archive_remove_restore_reload_round_trip(shop: Shop):
    shop.load()
    before, gold_before = files(shop.raw), shop.gold()
    assert len(gold_before) == 3 and sum(r["total_orders"] for r in gold_before) > 0
    cursor = json.dumps({d.name: fingerprint(d) for d in shop.raw.iterdir()})

    assert shop.archive_run("2025-05-01").success and files(shop.raw) == before  # not old enough yet
    target = archive_path(shop.archive, MONTH)
    assert not target.exists()
    assert shop.archive_run().success
    assert list(shop.raw.iterdir()) == []  # removed from the landing zone...
    manifest = read_manifest(target)  # ...after it was packed with a manifest of every file
    assert {m.path for m in manifest} == set(before) and all(len(m.sha256) == 64 for m in manifest)
    assert {m.path: m.size for m in manifest} == {p: len(b) for p, (b, _) in before.items()}
    assert [m.path.endswith("_SUCCESS") for m in manifest if m.path.startswith("2025-01-02")][-1]
    skip = sensor_tick(shop.raw, cursor)  # a removed day is not a change
    assert isinstance(skip, dg.SkipReason) and "No new or changed complete drops" in skip.skip_message

    assert cli.main(["--raw-dir", str(shop.raw), "--archive-dir", str(shop.archive), "restore", MONTH]) == 0
    assert files(shop.raw) == before  # byte for byte, with the modification times
    assert isinstance(sensor_tick(shop.raw, cursor), dg.SkipReason)  # the same fingerprints: nothing to load
    # restoring again over identical files is a no-op
    assert cli.main(["--raw-dir", str(shop.raw), "--archive-dir", str(shop.archive), "restore", MONTH]) == 0

    shop.load()  # the restored month re-loads to the same gold numbers
    assert shop.gold() == gold_before
    # archived before: the same files are verified against the existing archive and removed again
    assert shop.archive_run().success and list(shop.raw.iterdir()) == []


def test_a_mismatching_count_refuses_to_remove(shop: Shop):
    shop.load()
    before = files(shop.raw)
    with duckdb.connect(str(shop.warehouse)) as conn:  # bronze lost a row of 2025-01-02's orders
        conn.execute("DELETE FROM bronze.orders WHERE _drop_date = '2025-01-02' AND _row_number = 2")
    result = shop.archive_run()
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    message = str(failure.event_specific_data.error)
    assert "2025-01-02: order_table.csv has" in message and "bronze.orders" in message
    assert files(shop.raw) == before and not archive_path(shop.archive, MONTH).exists()


def test_a_day_not_loaded_in_bronze_refuses_the_month(shop: Shop):
    generate(shop.raw, date(2025, 1, 20), days=1, sessions_per_day=20, seed=5, progress=False)
    shop.load()  # loads the 1st to the 3rd only
    before = files(shop.raw)
    result = shop.archive_run()
    assert not result.success
    assert files(shop.raw) == before and not archive_path(shop.archive, MONTH).exists()


def test_restore_refuses_to_overwrite_a_different_file(shop: Shop):
    shop.load()
    assert shop.archive_run().success
    changed = shop.raw / "2025-01-01" / "order_table.csv"
    changed.parent.mkdir(parents=True)
    changed.write_text("event_id\n")
    assert cli.main(["--raw-dir", str(shop.raw), "--archive-dir", str(shop.archive), "restore", MONTH]) == 1
    assert changed.read_text() == "event_id\n" and not (shop.raw / "2025-01-02").exists()


def test_the_archive_command_asks_the_dagster_home_instance(shop: Shop, tmp_path: Path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        shop.instance = instance
        shop.load()
    before = files(shop.raw)
    args = ["--raw-dir", str(shop.raw), "--archive-dir", str(shop.archive), "archive", "--warehouse",
            str(shop.warehouse), "--as-of"]
    assert cli.main([*args, "2025-04-30"]) == 0 and files(shop.raw) == before  # January is not 90 days old
    assert cli.main([*args, "2025-06-01"]) == 0
    assert list(shop.raw.iterdir()) == []
    assert {m.path for m in read_manifest(archive_path(shop.archive, MONTH))} == set(before)


def test_a_day_being_removed_is_an_incomplete_drop_to_the_sensor(shop: Shop):
    cursor = json.dumps({d.name: fingerprint(d) for d in shop.raw.iterdir()})
    folder = shop.raw / "2025-01-02"
    (folder / "_SUCCESS").unlink()  # what the removal does first...
    (folder / "order_table.csv").unlink()  # ...then the files
    result = sensor_tick(shop.raw, cursor)
    assert isinstance(result, dg.SkipReason)  # not a changed day to load again
