"""The settle sensor: weeks and months are rebuilt once their last day can no longer be restated."""

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg

from ecom_assets.automation.jobs import range_tags
from ecom_assets.automation.settle_sensor import settle_sensor, settled_periods
from ecom_assets.resources import LandingZone
from ecom_assets_tests.automation import write_drop

LATER = datetime(2030, 1, 1, tzinfo=timezone.utc)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_drop_three_days_after_a_saturday_settles_its_week(tmp_path: Path):
    # drop of Tue 2025-01-14 rebuilds Jan 11..14; the week Sun Jan 5 .. Sat Jan 11 is now final
    assert settled_periods(days(date(2025, 1, 11), date(2025, 1, 14)), tmp_path, LATER) == [
        ("weekly", "2025-01-05")]
    # one drop earlier, Saturday is still provisional: nothing settles
    assert settled_periods(days(date(2025, 1, 10), date(2025, 1, 13)), tmp_path, LATER) == []


def test_a_month_settles_with_the_drop_of_the_third(tmp_path: Path):
    assert settled_periods(days(date(2025, 1, 31), date(2025, 2, 3)), tmp_path, LATER) == [
        ("monthly", "2025-01-01")]


def test_a_back_load_settles_every_final_period_it_touched(tmp_path: Path):
    settled = settled_periods(days(date(2025, 1, 1), date(2025, 2, 10)), tmp_path, LATER)
    # weeks from Sun Dec 29 (holds Jan 1) to the week ending Sat Feb 1; Feb 8 + 3 > Feb 10
    weeks = [k for c, k in settled if c == "weekly"]
    assert weeks == ["2024-12-29", "2025-01-05", "2025-01-12", "2025-01-19", "2025-01-26"]
    assert [k for c, k in settled if c == "monthly"] == ["2025-01-01"]


def test_a_redelivered_old_drop_settles_its_period_when_the_final_drop_is_on_disk(tmp_path: Path):
    write_drop(tmp_path, date(2025, 1, 14))  # the week's final drop was delivered long ago
    # re-delivery of Thu Jan 9: Jan 6..9 rebuilt; its week (ends Sat Jan 11) is final already
    assert settled_periods(days(date(2025, 1, 6), date(2025, 1, 9)), tmp_path, LATER) == [
        ("weekly", "2025-01-05")]


def test_a_period_that_has_not_ended_is_not_requested(tmp_path: Path):
    now = datetime(2025, 1, 11, 12, tzinfo=timezone.utc)  # Saturday noon: the week is still running
    assert settled_periods(days(date(2025, 1, 5), date(2025, 1, 14)), tmp_path, now) == []


def test_the_sensor_requests_the_settled_partitions_of_a_successful_daily_run(tmp_path: Path):
    instance = dg.DagsterInstance.ephemeral()
    dagster_run = dg.DagsterRun(job_name="daily_job", run_id="abcdef1234",
                                tags=range_tags("2025-01-11", "2025-01-14"))
    context = dg.build_run_status_sensor_context(
        sensor_name="settle_sensor", dagster_instance=instance, dagster_run=dagster_run,
        dagster_event=dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name="daily_job"),
        resources={"landing": LandingZone(root=str(tmp_path))},
    )
    requests = settle_sensor(context)
    assert [(r.job_name, r.partition_key, r.run_key) for r in requests] == [
        ("weekly_job", "2025-01-05", "settle:weekly:2025-01-05@abcdef12")]
