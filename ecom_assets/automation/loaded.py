"""Which drops bronze already holds, from the Dagster instance (no warehouse access).

A drop counts as loaded when every bronze asset's partition of its day was materialized by a run
that started after the drop's files (``_SUCCESS`` included) last changed: that run read the files
as they are now, whoever launched it (``dagster asset materialize``, a backfill, the landing
sensor before its cursor was reset). Bronze reads every complete drop of its range, so a run over
a day whose drop was not complete yet does not count: the ``_SUCCESS`` written later is newer.
"""

from collections import defaultdict
from collections.abc import Mapping

import dagster as dg

from ecom_assets.schema import TABLES

BRONZE_KEYS = [dg.AssetKey(["bronze", table.name]) for table in TABLES]
PAGE = 1000


def _runs_by_day(instance: dg.DagsterInstance, key: dg.AssetKey, days: list[str], since: float):
    """``{day: run ids}`` of the materializations of ``key`` for ``days`` recorded after ``since``."""
    runs: dict[str, set[str]] = defaultdict(set)
    cursor = None
    while True:
        page = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key, asset_partitions=days, after_timestamp=since),
            limit=PAGE,
            cursor=cursor,
        )
        for record in page.records:
            runs[record.partition_key].add(record.run_id)
        if not page.has_more:
            return runs
        cursor = page.cursor


def loaded_days(instance: dg.DagsterInstance, changed_at: Mapping[str, float]) -> set[str]:
    """The days of ``changed_at`` (``{day: when its drop's files last changed}``) whose every bronze
    partition was materialized by a run started after that moment."""
    candidates = set(changed_at)
    runs_by_key = {}
    for key in BRONZE_KEYS:  # one query per asset; a day missing from one asset is out for all
        if not candidates:
            return set()
        since = min(changed_at[day] for day in candidates)
        runs_by_key[key] = _runs_by_day(instance, key, sorted(candidates), since)
        candidates &= set(runs_by_key[key])
    run_ids = sorted({run for runs in runs_by_key.values() for day in candidates for run in runs[day]})
    if not run_ids:
        return set()
    started = {
        record.dagster_run.run_id: record.start_time
        for record in instance.get_run_records(filters=dg.RunsFilter(run_ids=run_ids))
    }
    return {
        day
        for day in candidates
        if all(
            any((started.get(run) or 0) >= changed_at[day] for run in runs[day])
            for runs in runs_by_key.values()
        )
    }
