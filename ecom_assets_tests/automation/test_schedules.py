"""Schedule ticks at their boundary times (``build_schedule_context``), and the freshness policies."""

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest

from ecom_assets.automation.automation_sensor import automation_sensor
from ecom_assets.automation.freshness import POLICIES, with_freshness_policies
from ecom_assets.automation.jobs import RANGE_END_TAG, RANGE_START_TAG
from ecom_assets.automation.schedules import schedules
from ecom_assets.definitions import defs
from ecom_assets.partitions import DAILY
from ecom_assets.resources import LandingZone
from ecom_assets_tests.automation import write_drop

SCHEDULES = {s.name: s for s in schedules}


def tick(name: str, at: datetime, root: Path) -> dg.RunRequest | dg.SkipReason:
    context = dg.build_schedule_context(
        scheduled_execution_time=at, resources={"landing": LandingZone(root=str(root))}
    )
    return SCHEDULES[name](context)


def drops(root: Path, first: date, days: int) -> None:
    for n in range(days):
        write_drop(root, first + timedelta(days=n))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_schedule_settings():
    settings = {
        s.name: (s.cron_schedule, s.execution_timezone, s.default_status, s.job_name) for s in schedules
    }
    stopped, running = dg.DefaultScheduleStatus.STOPPED, dg.DefaultScheduleStatus.RUNNING
    assert settings == {
        "daily_schedule": ("0 1 * * *", "UTC", stopped, "daily_job"),
        "weekly_schedule": ("0 2 * * 0", "UTC", running, "weekly_job"),
        "monthly_schedule": ("0 3 1 * *", "UTC", running, "monthly_job"),
    }


@pytest.mark.parametrize(
    ("at", "day"),
    [
        (utc(2026, 1, 6, 1), "2026-01-05"),
        (utc(2026, 1, 1, 1), "2025-12-31"),  # year boundary
        (utc(2026, 3, 1, 1), "2026-02-28"),  # month boundary, no leap day
    ],
)
def test_daily_tick_runs_the_previous_day_when_its_drop_is_complete(tmp_path: Path, at: datetime, day: str):
    write_drop(tmp_path, day)
    request = tick("daily_schedule", at, tmp_path)
    assert isinstance(request, dg.RunRequest)
    first = (date.fromisoformat(day) - timedelta(days=3)).isoformat()  # the restatement window
    assert (request.partition_key, request.run_key) == (None, f"daily:{day}")
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (first, day)


def test_daily_tick_skips_naming_the_day_and_the_missing_marker(tmp_path: Path):
    write_drop(tmp_path, "2026-01-05", complete=False)
    write_drop(tmp_path, "2026-01-06")  # the next day being complete changes nothing
    skip = tick("daily_schedule", utc(2026, 1, 6, 1), tmp_path)
    assert isinstance(skip, dg.SkipReason)
    assert skip.skip_message == (
        "Daily partition 2026-01-05 not run: the drop of 2026-01-05 is incomplete "
        f"({tmp_path / '2026-01-05' / '_SUCCESS'} does not exist)."
    )


def test_daily_tick_before_the_first_partition_ended_skips(tmp_path: Path):
    skip = tick("daily_schedule", DAILY.start + timedelta(hours=1), tmp_path)
    assert isinstance(skip, dg.SkipReason)
    assert skip.skip_message.startswith(f"No daily partition has ended by {DAILY.start:%Y-%m-%d} 01:00 UTC")


def test_daily_tick_of_the_first_day_has_no_window_before_it(tmp_path: Path):
    day = DAILY.start.date()
    write_drop(tmp_path, day)
    request = tick("daily_schedule", DAILY.start + timedelta(days=1, hours=1), tmp_path)
    assert (request.partition_key, request.tags.get(RANGE_START_TAG)) == (day.isoformat(), None)


def test_weekly_tick_on_sunday_runs_the_week_that_ended_at_midnight(tmp_path: Path):
    drops(tmp_path, date(2026, 1, 4), 7)  # Sunday 4 .. Saturday 10 January 2026
    request = tick("weekly_schedule", utc(2026, 1, 11, 2), tmp_path)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2026-01-04"


def test_weekly_tick_skips_while_a_day_of_the_week_is_incomplete(tmp_path: Path):
    drops(tmp_path, date(2026, 1, 4), 6)  # Saturday 10 January missing
    skip = tick("weekly_schedule", utc(2026, 1, 11, 2), tmp_path)
    assert isinstance(skip, dg.SkipReason)
    assert skip.skip_message.startswith("Weekly partition 2026-01-04 not run: the drop of 2026-01-10 is")


def test_monthly_tick_on_the_first_runs_the_month_just_ended(tmp_path: Path):
    drops(tmp_path, date(2026, 2, 1), 28)
    request = tick("monthly_schedule", utc(2026, 3, 1, 3), tmp_path)
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2026-02-01"

    drops(tmp_path, date(2025, 12, 1), 30)  # 31 December missing
    skip = tick("monthly_schedule", utc(2026, 1, 1, 3), tmp_path)
    assert skip.skip_message.startswith("Monthly partition 2025-12-01 not run: the drop of 2025-12-31 is")


def test_gold_tables_carry_the_freshness_policy_of_their_cadence():
    graph = defs.resolve_asset_graph()
    nodes = [graph.get(key) for key in graph.get_all_asset_keys()]
    gold = [n for n in nodes if n.tags.get("layer") == "gold" and n.tags.get("cadence") in POLICIES]
    assert {n.tags["cadence"] for n in gold} == {"daily", "weekly", "monthly"}
    assert all(n.freshness_policy is not None for n in gold)
    assert all(n.freshness_policy == POLICIES["daily"] for n in gold if n.tags["cadence"] == "daily")
    assert all(n.freshness_policy is None for n in nodes if n.tags.get("layer") != "gold")


def test_an_assets_own_freshness_policy_is_kept():
    own = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=2))
    tags = {"layer": "gold", "cadence": "daily"}

    specs = [dg.AssetSpec("mine", tags=tags, freshness_policy=own), dg.AssetSpec("plain", tags=tags)]

    @dg.multi_asset(specs=specs)
    def two_tables():
        return None

    (mapped,) = with_freshness_policies([two_tables])
    policies = {key.to_user_string(): spec.freshness_policy for key, spec in mapped.specs_by_key.items()}
    assert policies == {"mine": own, "plain": POLICIES["daily"]}


def test_the_automation_sensor_runs_by_default():
    assert automation_sensor.default_status == dg.DefaultSensorStatus.RUNNING
