"""Landing sensor ticks over a temporary landing folder (``build_sensor_context``, cursor across ticks)."""

import json
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from ecom_assets.automation.drops import day_ranges, fingerprint, restatement_ranges
from ecom_assets.automation.jobs import RANGE_END_TAG, RANGE_START_TAG
from ecom_assets.automation.landing_sensor import MAX_DAYS_PER_RUN, landing_sensor
from ecom_assets.partitions import DAILY
from ecom_assets.resources import LandingZone
from ecom_assets.schema import RESTATEMENT_DAYS, SUCCESS_MARKER
from ecom_assets_tests.automation import write_drop

START = DAILY.start.date()


def day(n: int) -> str:
    """The n-th daily partition key (0 = the first)."""
    return (START + timedelta(days=n)).isoformat()


def tick(root: Path, cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:
    context = dg.build_sensor_context(cursor=cursor, resources={"landing": LandingZone(root=str(root))})
    return landing_sensor(context)


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


def test_new_complete_day_is_requested_once_and_kept_in_the_cursor(root: Path):
    folder = write_drop(root, day(5))
    first = tick(root)
    assert requests(first) == [(None, day(2), day(5))]  # the drop and its restatement window
    assert first.run_requests[0].run_key.startswith(f"{day(2)}...{day(5)}@")
    assert json.loads(first.cursor) == {day(5): fingerprint(folder)}

    second = tick(root, first.cursor)
    assert isinstance(second, dg.SkipReason)
    assert second.skip_message == f"No new or changed complete drops in {root} (1 day(s) already requested)."


def test_cursor_persists_across_ticks_and_only_new_days_are_requested(root: Path):
    write_drop(root, day(5))
    first = tick(root)
    write_drop(root, day(9))
    second = tick(root, first.cursor)
    assert requests(second) == [(None, day(6), day(9))]
    assert sorted(json.loads(second.cursor)) == [day(5), day(9)]


def test_incomplete_day_is_skipped_with_a_reason_until_its_success_marker_lands(root: Path, capfd):
    folder = write_drop(root, day(5), complete=False)
    result = tick(root)
    assert isinstance(result, dg.SkipReason)
    assert f"Skipping {day(5)}: incomplete drop: {SUCCESS_MARKER} missing." in capfd.readouterr().err
    assert result.skip_message.endswith("(0 day(s) already requested).")

    (folder / SUCCESS_MARKER).write_text("")
    later = tick(root, json.dumps({}))
    assert requests(later) == [(None, day(2), day(5))]


def test_a_day_whose_files_change_is_requested_again_with_a_new_run_key(root: Path):
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


def test_folders_that_are_not_days_are_skipped_with_a_reason(root: Path, capfd):
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


def test_days_outside_the_daily_partitions_are_skipped_and_not_remembered(root: Path, capfd):
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


def test_many_days_at_once_become_one_range_run_per_consecutive_stretch(root: Path):
    for n in (10, 11, 12, 13, 20):
        write_drop(root, day(n))
    result = tick(root)
    assert requests(result) == [(None, day(7), day(13)), (None, day(17), day(20))]
    assert len(json.loads(result.cursor)) == 5


def test_a_long_back_load_is_split_into_bounded_range_runs(root: Path):
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


def test_missing_landing_root_and_unreadable_cursor(tmp_path: Path, root: Path):
    missing = tick(tmp_path / "nowhere")
    assert missing.skip_message == f"The landing root {tmp_path / 'nowhere'} does not exist yet."
    write_drop(root, day(5))
    assert requests(tick(root, "not json")) == [(None, day(2), day(5))]  # start over: loads are idempotent


def test_sensor_defaults():
    assert landing_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert landing_sensor.minimum_interval_seconds == 30
    assert landing_sensor.job_name == "daily_job"
