"""The code location: assembles each layer's assets, checks, automation and resources."""

import dagster as dg

from ecom_assets import automation, bronze, gold, silver
from ecom_assets.resources import build_resources

defs = dg.Definitions(
    assets=automation.with_freshness_policies([*bronze.assets, *silver.assets, *gold.assets]),
    asset_checks=[*bronze.asset_checks, *silver.asset_checks, *gold.asset_checks],
    jobs=automation.jobs,
    schedules=automation.schedules,
    sensors=automation.sensors,
    resources=build_resources(),
    # DuckDB parallelizes inside a step; a process per step only adds seconds.
    executor=dg.in_process_executor,
)
