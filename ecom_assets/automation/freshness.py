"""Freshness policies of the gold tables, by cadence: the UI marks a table stale when a run was missed.

Each policy is a deadline after the end of a partition by which its table must have been
materialized, in the shop's time zone: daily tables by 06:00 (the drop lands after midnight and
the landing sensor loads it at once; the fallback schedule runs at 01:00), weekly tables by
Sunday 08:00 (schedule 02:00), monthly tables by 09:00 on the 1st (schedule 03:00). The window
opens when the partition ends (midnight), so a materialization from before that does not count.
Dagster judges freshness by the latest materialization of any partition: a back-fill of old days
refreshes a table too.
"""

from collections.abc import Iterable
from datetime import timedelta

import dagster as dg

from ecom_assets.partitions import TIMEZONE

_DEADLINES = (("daily", "0 6 * * *", 6), ("weekly", "0 8 * * 0", 8), ("monthly", "0 9 1 * *", 9))
POLICIES: dict[str, dg.FreshnessPolicy] = {
    cadence: dg.FreshnessPolicy.cron(
        deadline_cron=cron, lower_bound_delta=timedelta(hours=hours), timezone=TIMEZONE
    )
    for cadence, cron, hours in _DEADLINES
}
LAYERS = ("gold",)


def _with_policy(spec: dg.AssetSpec) -> dg.AssetSpec:
    policy = POLICIES.get(spec.tags.get("cadence", ""))
    if policy is None or spec.tags.get("layer") not in LAYERS or spec.freshness_policy is not None:
        return spec
    return spec.replace_attributes(freshness_policy=policy)


def with_freshness_policies(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The assets, gold ones given their cadence's freshness policy (unless they declare their own)."""
    return list(dg.map_asset_specs(_with_policy, list(assets)))
