"""The code location: assembles each layer's assets, checks, automation and resources."""

import dagster as dg

from ecom_assets import automation, bronze, gold, silver, upkeep
from ecom_assets.resources import build_resources

defs = dg.Definitions(
    assets=automation.with_freshness_policies([*bronze.assets, *silver.assets, *gold.assets, *upkeep.assets]),
    asset_checks=[*bronze.asset_checks, *silver.asset_checks, *gold.asset_checks, *upkeep.asset_checks],
    jobs=[*automation.jobs, *upkeep.jobs],
    schedules=[*automation.schedules, *upkeep.schedules],
    sensors=automation.sensors,
    resources=build_resources(),
    # DuckDB parallelizes inside a step; a process per step only adds seconds.
    executor=dg.in_process_executor,
)
