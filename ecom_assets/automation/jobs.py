"""One asset job per cadence, selected by the ``cadence`` tag (assets are added without touching this)."""

from collections.abc import Mapping
from datetime import date, timedelta

import dagster as dg

from ecom_assets.partitions import DAILY, MONTHLY, WEEKLY

# The partitions each job runs over (define_asset_job infers them from its assets).
PARTITIONS: dict[str, dg.TimeWindowPartitionsDefinition] = {
    "daily": DAILY,
    "weekly": WEEKLY,
    "monthly": MONTHLY,
}

# Tags that make a run one single-run range of partitions (what `--partition-range A...B` sets).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

JOBS = {
    cadence: dg.define_asset_job(
        f"{cadence}_job",
        selection=dg.AssetSelection.tag("cadence", cadence),
        description=f"Every `cadence={cadence}` asset (and its checks), bronze to gold, for its partitions.",
    )
    for cadence in PARTITIONS
}


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags for one run over the partition keys ``first...last`` (inclusive)."""
    return {RANGE_START_TAG: first, RANGE_END_TAG: last}


def span_request(first: date, last: date, run_key: str) -> dg.RunRequest:
    """A run of the daily job over the days ``first...last``: one partition, or a single-run range.

    Dagster 1.13's RunRequest has no partition-range argument: a range travels as run tags.
    """
    if first == last:
        return dg.RunRequest(run_key=run_key, partition_key=first.isoformat())
    return dg.RunRequest(run_key=run_key, tags=range_tags(first.isoformat(), last.isoformat()))


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
