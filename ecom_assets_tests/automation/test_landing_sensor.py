"""Landing sensor ticks over a temporary landing folder (``build_sensor_context``, cursor across ticks),
on a real instance where real runs recorded which bronze partitions are loaded."""

import json
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from ecom_assets.automation.drops import day_ranges, fingerprint, restatement_ranges
from ecom_assets.automation.jobs import RANGE_END_TAG, RANGE_START_TAG
from ecom_assets.automation.landing_sensor import MAX_DAYS_PER_RUN, landing_sensor
from ecom_assets.automation.loaded import BRONZE_KEYS, loaded_days
from ecom_assets.definitions import defs
from ecom_assets.partitions import DAILY
from ecom_assets.resources import LandingZone
from ecom_assets.schema import RESTATEMENT_DAYS, SUCCESS_MARKER, TABLES
from ecom_assets_tests.automation import write_drop
from ecom_assets_tests.helpers import materialize_range, resources_for

START = DAILY.start.date()


def day(n: int) -> str:
    """The n-th daily partition key (0 = the first)."""
    return (START + timedelta(days=n)).isoformat()


@pytest.fixture
def tick(instance: dg.DagsterInstance):
    """One sensor tick on the test's instance: ``tick(root, cursor=None)``."""

    def tick(root: Path, cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:
        resources = {"landing": LandingZone(root=str(root))}
        with dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources) as context:
            return landing_sensor(context)

    return tick


def requests(result) -> list[tuple[str | None, str | None, str | None]]:
    """(partition_key, range start, range end) of each run request."""
    assert isinstance(result, dg.SensorResult), result
    return [
        (r.partition_key, r.tags.get(RANGE_START_TAG), r.tags.get(RANGE_END_TAG)) for r in result.run_requests
    ]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "raw"
    path.mkdir()
    return path


def test_new_complete_day_is_requested_once_and_kept_in_the_cursor(root: Path, tick):
    folder = write_drop(root, day(5))
    first = tick(root)
    assert requests(first) == [(None, day(2), day(5))]  # the drop and its restatement window
    assert first.run_requests[0].run_key.startswith(f"{day(2)}...{day(5)}@")
    assert json.loads(first.cursor) == {day(5): fingerprint(folder)}

    second = tick(root, first.cursor)
    assert isinstance(second, dg.SkipReason)
    assert second.skip_message == f"No new or changed complete drops in {root} (1 day(s) already requested)."


def test_cursor_persists_across_ticks_and_only_new_days_are_requested(root: Path, tick):
    write_drop(root, day(5))
    first = tick(root)
    write_drop(root, day(9))
    second = tick(root, first.cursor)
    assert requests(second) == [(None, day(6), day(9))]
    assert sorted(json.loads(second.cursor)) == [day(5), day(9)]


def test_incomplete_day_is_skipped_with_a_reason_until_its_success_marker_lands(root: Path, capfd, tick):
    folder = write_drop(root, day(5), complete=False)
    result = tick(root)
    assert isinstance(result, dg.SkipReason)
    assert f"Skipping {day(5)}: incomplete drop: {SUCCESS_MARKER} missing." in capfd.readouterr().err
    assert result.skip_message.endswith("(0 day(s) already requested).")

    (folder / SUCCESS_MARKER).write_text("")
    later = tick(root, json.dumps({}))
    assert requests(later) == [(None, day(2), day(5))]


def test_a_day_whose_files_change_is_requested_again_with_a_new_run_key(root: Path, tick):
    folder = write_drop(root, day(5))
    first = tick(root)
    orders = folder / "order_table.csv"
    orders.write_text(orders.read_text() + orders.read_text().splitlines()[-1] + "\n")  # a re-delivery
    changed = tick(root, first.cursor)
    assert requests(changed) == [(None, day(2), day(5))]
    assert changed.run_requests[0].run_key != first.run_requests[0].run_key
    assert json.loads(changed.cursor) == {day(5): fingerprint(folder)} != json.loads(first.cursor)

    # Rewritten with the same size: the modification time alone counts as a change.
    stat = (folder / "user_table.csv").stat()
    os.utime(folder / "user_table.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert requests(tick(root, changed.cursor)) == [(None, day(2), day(5))]


def test_folders_that_are_not_days_are_skipped_with_a_reason(root: Path, capfd, tick):
    for name in ("notes", "2025-13-01", "2025-1-05", "2025-02-30"):
        (root / name).mkdir()
        (root / name / SUCCESS_MARKER).write_text("")
    (root / "README.txt").write_text("not a folder")
    result = tick(root)
    logged = capfd.readouterr().err
    assert isinstance(result, dg.SkipReason)
    for name in ("notes", "2025-13-01", "2025-1-05", "2025-02-30"):
        assert f"Skipping {name}: not a day folder (expected YYYY-MM-DD)." in logged
    assert "Skipping README.txt: not a folder." in logged


def test_days_outside_the_daily_partitions_are_skipped_and_not_remembered(root: Path, capfd, tick):
    today = datetime.now(timezone.utc).date()
    before, yesterday = START - timedelta(days=1), today - timedelta(days=1)
    for d in (before, today, today + timedelta(days=1)):
        write_drop(root, d)
    result = tick(root)
    logged = capfd.readouterr().err
    assert isinstance(result, dg.SkipReason)
    assert f"Skipping {before}: before the first daily partition {START}." in logged
    for d in (today, today + timedelta(days=1)):
        assert f"Skipping {d}: the day has not ended yet (last daily partition is {yesterday})." in logged
    assert result.skip_message.endswith("(0 day(s) already requested).")


def test_many_days_at_once_become_one_range_run_per_consecutive_stretch(root: Path, tick):
    for n in (10, 11, 12, 13, 20):
        write_drop(root, day(n))
    result = tick(root)
    assert requests(result) == [(None, day(7), day(13)), (None, day(17), day(20))]
    assert len(json.loads(result.cursor)) == 5


def test_a_long_back_load_is_split_into_bounded_range_runs(root: Path, tick):
    for n in range(MAX_DAYS_PER_RUN + 3):
        write_drop(root, day(n))
    result = tick(root)
    # each run holds at most MAX_DAYS_PER_RUN days, its restatement window included
    last_of_first = MAX_DAYS_PER_RUN - RESTATEMENT_DAYS - 1
    assert requests(result) == [
        (None, day(0), day(last_of_first)),
        (None, day(last_of_first + 1 - RESTATEMENT_DAYS), day(MAX_DAYS_PER_RUN + 2)),
    ]


def test_restatement_ranges_reach_back_three_days_merge_and_stop_at_the_first_day():
    first = date(2026, 1, 1)
    d = [date(2026, 1, n) for n in (1, 9, 12, 20, 21)]
    assert restatement_ranges(d, first, max_days=92) == [
        (date(2026, 1, 1), date(2026, 1, 1)),  # nothing before the first day
        (date(2026, 1, 6), date(2026, 1, 12)),  # 6..9 and 9..12 touch: one run
        (date(2026, 1, 17), date(2026, 1, 21)),
    ]
    assert restatement_ranges([date(2026, 1, 10)], first, max_days=92, window=0) == [
        (date(2026, 1, 10), date(2026, 1, 10))]


def test_day_ranges_groups_consecutive_days_and_caps_their_length():
    d = [date(2026, 1, n) for n in (7, 1, 2, 3, 5, 6, 2)]
    assert day_ranges(d, max_days=2) == [
        [date(2026, 1, 1), date(2026, 1, 2)],
        [date(2026, 1, 3)],
        [date(2026, 1, 5), date(2026, 1, 6)],
        [date(2026, 1, 7)],
    ]


def test_missing_landing_root_and_unreadable_cursor(tmp_path: Path, root: Path, tick):
    missing = tick(tmp_path / "nowhere")
    assert missing.skip_message == f"The landing root {tmp_path / 'nowhere'} does not exist yet."
    write_drop(root, day(5))
    assert requests(tick(root, "not json")) == [(None, day(2), day(5))]  # start over: loads are idempotent


def test_sensor_defaults():
    assert landing_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert landing_sensor.minimum_interval_seconds == 30
    assert landing_sensor.job_name == "daily_job"


# What other runs loaded: real in-process runs of the bronze assets record their materializations
# on the test's instance, into a temp warehouse.
BRONZE = dg.AssetSelection.tag("layer", "bronze")


def load(instance: dg.DagsterInstance, root: Path, first: str, last: str, selection=BRONZE) -> None:
    """A run of the bronze assets over the days ``first...last``, as ``dagster asset materialize`` does."""
    resources = resources_for(root, root.parent / "warehouse.duckdb")
    materialize_range(defs.assets, first, last, resources, instance=instance, selection=selection)


def redeliver(folder: Path, keep_times: bool = False) -> None:
    """Rewrite the drop's orders file with one more row (optionally keeping its modification time)."""
    orders = folder / "order_table.csv"
    stat = orders.stat()
    orders.write_text(orders.read_text() + orders.read_text().splitlines()[-1] + "\n")
    if keep_times:
        os.utime(orders, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_the_first_tick_after_a_command_line_load_requests_nothing(root: Path, tick, instance, capfd):
    folders = [write_drop(root, day(n)) for n in (5, 6, 7)]
    load(instance, root, day(5), day(7))  # e.g. `python -m ecom_assets.demo`
    first = tick(root)
    assert isinstance(first, dg.SensorResult) and first.run_requests == []
    assert first.skip_reason.skip_message == (
        f"3 new drop(s) already loaded by other runs: {day(5)}, {day(6)}, {day(7)}."
    )
    assert json.loads(first.cursor) == {day(n): fingerprint(f) for n, f in zip((5, 6, 7), folders)}
    assert (
        f"Not requesting {day(5)}, {day(6)}, {day(7)}: already loaded (every bronze partition "
        "materialized by a run that started after the drop's files last changed)."
    ) in capfd.readouterr().err
    assert tick(root, first.cursor).skip_message == (
        f"No new or changed complete drops in {root} (3 day(s) already requested)."
    )
    # A day the sensor has seen whose files change is loaded again, even when the copy kept the
    # old modification time (older than the load).
    redeliver(folders[1], keep_times=True)
    assert requests(tick(root, first.cursor)) == [(None, day(3), day(6))]


def test_only_days_not_loaded_as_they_are_now_are_requested(root: Path, tick, instance):
    for n in (5, 6, 7):
        write_drop(root, day(n))
    load(instance, root, day(5), day(7))
    redeliver(root / day(7))  # changed after the load
    write_drop(root, day(20))  # never loaded
    result = tick(root)
    assert requests(result) == [(None, day(4), day(7)), (None, day(17), day(20))]
    assert sorted(json.loads(result.cursor)) == [day(5), day(6), day(7), day(20)]


def test_a_day_loaded_in_part_or_before_its_drop_was_complete_is_requested(
    root: Path, tick, instance, capfd
):
    write_drop(root, day(5))
    load(instance, root, day(5), day(5), selection=dg.AssetSelection.assets(["bronze", "orders"]))
    write_drop(root, day(8))
    write_drop(root, day(9), complete=False)
    load(instance, root, day(8), day(9))  # every bronze partition, but drop 9 was still incomplete
    (root / day(9) / SUCCESS_MARKER).write_text("")
    assert instance.get_materialized_partitions(dg.AssetKey(["bronze", "users"])) == {day(8), day(9)}
    result = tick(root)
    assert requests(result) == [(None, day(2), day(9))]  # drops 5 and 9 with their windows, merged
    assert f"Not requesting {day(8)}: already loaded" in capfd.readouterr().err
    assert sorted(json.loads(result.cursor)) == [day(5), day(8), day(9)]


def test_loaded_days_needs_every_bronze_partition_from_a_run_started_after_the_change(root: Path, instance):
    write_drop(root, day(5))
    write_drop(root, day(6))
    load(instance, root, day(5), day(6))
    (run,) = instance.get_runs()
    started = instance.get_run_record_by_id(run.run_id).start_time
    assert len(BRONZE_KEYS) == len(TABLES) and instance.get_materialized_partitions(BRONZE_KEYS[0]) == {
        day(5), day(6)}
    assert loaded_days(instance, {day(5): started - 1, day(6): started}) == {day(5), day(6)}
    assert loaded_days(instance, {day(5): started + 0.001}) == set()  # changed after the run began
    assert loaded_days(instance, {day(7): 0.0}) == set()  # never materialized
    assert loaded_days(instance, {}) == set()
