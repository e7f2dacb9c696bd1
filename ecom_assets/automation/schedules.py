"""Daily, weekly and monthly schedules, in the shop's time zone: each tick runs the partition that
ended last before it (the daily one with its restatement window: the day and the three before it).

A tick only runs when every day of its partition has a complete drop (``_SUCCESS``); otherwise it
skips, naming the days and the missing marker, so an incomplete week is never published as a week.
"""

from datetime import date, datetime, timezone

import dagster as dg

from ecom_assets.automation.drops import describe_days, incomplete_days, marker, window_start
from ecom_assets.automation.jobs import JOBS, PARTITIONS, span_request
from ecom_assets.partitions import DAILY, TIMEZONE
from ecom_assets.resources import LandingZone
from ecom_assets.schema import RESTATEMENT_DAYS, SUCCESS_MARKER

RUNNING, STOPPED = dg.DefaultScheduleStatus.RUNNING, dg.DefaultScheduleStatus.STOPPED

# cadence -> (cron in the shop's time zone, default status). The daily schedule is a fallback: the landing
# sensor already runs each day as soon as its drop is complete, so it starts stopped.
SCHEDULES: dict[str, tuple[str, dg.DefaultScheduleStatus]] = {
    "daily": ("0 1 * * *", STOPPED),
    "weekly": ("0 2 * * 0", RUNNING),
    "monthly": ("0 3 1 * *", RUNNING),
}


def partition_schedule(cadence: str) -> dg.ScheduleDefinition:
    """The schedule of one cadence: its job, for the partition whose window ended last before the tick."""
    cron, status = SCHEDULES[cadence]
    partitions_def = PARTITIONS[cadence]

    @dg.schedule(
        name=f"{cadence}_schedule",
        job=JOBS[cadence],
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        default_status=status,
        description=(
            f"At `{cron}` ({TIMEZONE}): the `cadence={cadence}` assets for the {cadence} partition that "
            f"just ended{_WINDOW_NOTE if cadence == 'daily' else ''}, skipped until every day of it has "
            f"`{SUCCESS_MARKER}` in the landing zone."
        ),
    )
    def _schedule(
        context: dg.ScheduleEvaluationContext, landing: LandingZone
    ) -> dg.RunRequest | dg.SkipReason:
        tick = context.scheduled_execution_time or datetime.now(timezone.utc)
        with dg.partition_loading_context(effective_dt=tick):
            key = partitions_def.get_last_partition_key()
        if key is None:
            return dg.SkipReason(
                f"No {cadence} partition has ended by {tick:%Y-%m-%d %H:%M} {TIMEZONE} "
                f"(partitions start {partitions_def.start:%Y-%m-%d})."
            )
        window = partitions_def.time_window_for_partition_key(key)
        missing = incomplete_days(landing.path, window.start.date(), window.end.date())
        if missing:
            return dg.SkipReason(
                f"{cadence.capitalize()} partition {key} not run: the drop of {describe_days(missing)} "
                f"is incomplete ({marker(landing.path, missing[0])} does not exist)."
            )
        if cadence == "daily":
            return daily_request(key)
        return dg.RunRequest(run_key=f"{cadence}:{key}", partition_key=key)

    return _schedule


_WINDOW_NOTE = f" and the {RESTATEMENT_DAYS} days before it (their late and corrected rows)"


def daily_request(key: str) -> dg.RunRequest:
    """The run that loads the drop of day ``key``: the range of it and its restatement window."""
    day = date.fromisoformat(key)
    return span_request(window_start(day, DAILY.start.date()), day, run_key=f"daily:{key}")


schedules = [partition_schedule(cadence) for cadence in SCHEDULES]
