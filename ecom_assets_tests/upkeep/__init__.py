"""Tests of the monthly upkeep: the archive of the landing zone and the validation against raw."""

import dagster as dg

# What daily_business_metrics needs: every bronze table (the quarantine reads them all), silver orders,
# sessions and quarantine, and the table itself.
LOAD_BUSINESS_METRICS = dg.AssetSelection.tag("layer", "bronze") | dg.AssetSelection.assets(
    dg.AssetKey(["silver", "orders"]),
    dg.AssetKey(["silver", "sessions"]),
    dg.AssetKey(["silver", "quarantine"]),
    dg.AssetKey(["gold", "daily_business_metrics"]),
)
