"""The settle sensor: a weekly or monthly partition is rebuilt once all of its days are final.

The weekly and monthly schedules run a period as soon as it ends, while its last days are still
provisional (late and corrected rows may restate them for three more days). After every
successful run of daily partitions, this sensor requests the weekly and monthly partitions the
run touched whose last day is now final (the drop three days later is in the run or in the
landing zone), so a period's numbers settle to the values a late full rebuild gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg

from ecom_assets.automation.drops import marker
from ecom_assets.automation.jobs import JOBS, PARTITIONS
from ecom_assets.partitions import run_days
from ecom_assets.resources import LandingZone
from ecom_assets.schema import RESTATEMENT_DAYS

PERIODS = ("weekly", "monthly")


def is_final(day: date, loaded_through: date, root: Path) -> bool:
    """Whether ``day`` can no longer be restated: the drop ``RESTATEMENT_DAYS`` later is loaded."""
    final_drop = day + timedelta(days=RESTATEMENT_DAYS)
    return final_drop <= loaded_through or marker(root, final_drop).is_file()


def settled_periods(days: Iterable[date], root: Path, now: datetime) -> list[tuple[str, str]]:
    """(cadence, partition key) of the ended weekly/monthly partitions holding any of ``days``
    (the days a run rebuilt) whose last day is final."""
    days = sorted(days)
    found: list[tuple[str, str]] = []
    for cadence in PERIODS:
        partitions_def = PARTITIONS[cadence]
        keys: list[str] = []
        for day in days:
            moment = datetime.combine(day, datetime.min.time(), tzinfo=partitions_def.start.tzinfo)
            window = partitions_def.time_window_for_partition_key(
                partitions_def.get_partition_key_for_timestamp(moment.timestamp())
            )
            key = window.start.strftime("%Y-%m-%d")
            last_day = window.end.date() - timedelta(days=1)
            if key not in keys and window.end <= now and is_final(last_day, days[-1], root):
                keys.append(key)
        found += [(cadence, key) for key in keys]
    return found


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="settle_sensor",
    request_jobs=[JOBS[cadence] for cadence in PERIODS],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "After a successful run of daily partitions, rebuilds the weekly and monthly partitions it "
        f"touched whose last day is final (the drop {RESTATEMENT_DAYS} days later is loaded)."
    ),
)
def settle_sensor(context: dg.RunStatusSensorContext, landing: LandingZone):
    run = context.dagster_run
    days = run_days(run.tags) if run.job_name not in {JOBS[c].name for c in PERIODS} else None
    if not days:
        return dg.SkipReason(f"Run {run.run_id[:8]} materialized no daily partitions.")
    periods = settled_periods(days, landing.path, datetime.now(timezone.utc))
    if not periods:
        return dg.SkipReason(f"Run {run.run_id[:8]} finalized no ended week or month.")
    return [
        dg.RunRequest(
            run_key=f"settle:{cadence}:{key}@{run.run_id[:8]}", job_name=JOBS[cadence].name, partition_key=key
        )
        for cadence, key in periods
    ]
