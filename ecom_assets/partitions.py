"""Partition definitions, defined once and imported everywhere.

Days, weeks (Sunday to Saturday, ``cron``-style day offset 0 = Sunday) and calendar months
are those of the shop's time zone (``ECOM_TIMEZONE``), so a day of a daylight-saving change
lasts 23 or 25 hours. The first day comes from ``ECOM_START_DATE``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import dagster as dg

from ecom_assets.settings import shop_timezone, start_date

TIMEZONE = shop_timezone()

DAILY = dg.DailyPartitionsDefinition(start_date=start_date(), timezone=TIMEZONE)
WEEKLY = dg.WeeklyPartitionsDefinition(start_date=start_date(), day_offset=0, timezone=TIMEZONE)
MONTHLY = dg.MonthlyPartitionsDefinition(start_date=start_date(), timezone=TIMEZONE)

# One run loads any range of days; inside it, work is chunked so memory stays flat.
SINGLE_RUN = dg.BackfillPolicy.single_run()
# Days processed together by one SQL statement inside a range run.
CHUNK_DAYS = 7

# Tags that make a run one single-run range of partitions (what `--partition-range A...B` sets).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags for one run over the partition keys ``first...last`` (inclusive)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}


def run_days(tags: Mapping[str, str]) -> list[date] | None:
    """The days a run's partition or range tags name (inclusive), or None without such tags."""
    if "dagster/partition" in tags:
        first = last = tags["dagster/partition"]
    elif RANGE_START_TAG in tags and RANGE_END_TAG in tags:
        first, last = tags[RANGE_START_TAG], tags[RANGE_END_TAG]
    else:
        return None
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
