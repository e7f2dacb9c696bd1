"""One asset job per cadence, selected by the ``cadence`` tag (assets are added without touching this)."""

from datetime import date

import dagster as dg

from ecom_assets.partitions import DAILY, MONTHLY, RANGE_END_TAG, RANGE_START_TAG, WEEKLY, range_tags

__all__ = ["FULL_JOB", "JOBS", "PARTITIONS", "RANGE_END_TAG", "RANGE_START_TAG", "range_tags", "span_request"]

# The partitions each job runs over (define_asset_job infers them from its assets).
PARTITIONS: dict[str, dg.TimeWindowPartitionsDefinition] = {
    "daily": DAILY,
    "weekly": WEEKLY,
    "monthly": MONTHLY,
}

JOBS = {
    cadence: dg.define_asset_job(
        f"{cadence}_job",
        selection=dg.AssetSelection.tag("cadence", cadence),
        description=f"Every `cadence={cadence}` asset (and its checks), bronze to gold, for its partitions.",
    )
    for cadence in PARTITIONS
}


# The unpartitioned tables (the customer and date dimensions), rebuilt whole.
FULL_JOB = dg.define_asset_job(
    "full_job",
    selection=dg.AssetSelection.tag("cadence", "full"),
    description="Every `cadence=full` (unpartitioned) asset and its checks, rebuilt whole.",
)


def span_request(first: date, last: date, run_key: str) -> dg.RunRequest:
    """A run of the daily job over the days ``first...last``: one partition, or a single-run range.

    Dagster 1.13's RunRequest has no partition-range argument: a range travels as run tags.
    """
    if first == last:
        return dg.RunRequest(run_key=run_key, partition_key=first.isoformat())
    return dg.RunRequest(run_key=run_key, tags=range_tags(first.isoformat(), last.isoformat()))
