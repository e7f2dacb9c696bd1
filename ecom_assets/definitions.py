"""The code location: assembles each layer's assets, checks, automation and resources."""

import dagster as dg

from ecom_assets import automation, bronze, gold, serving, silver, upkeep
from ecom_assets.automation.executor import recovering_in_process_executor
from ecom_assets.resources import build_resources

assets = automation.with_freshness_policies([*bronze.assets, *silver.assets, *gold.assets, *upkeep.assets])
# After each successful run, the partitions it wrote are published to the readers' snapshot.
publish_job, publish_sensor = serving.publication(assets)

defs = dg.Definitions(
    assets=assets,
    asset_checks=[*bronze.asset_checks, *silver.asset_checks, *gold.asset_checks, *upkeep.asset_checks],
    jobs=[*automation.jobs, *upkeep.jobs, publish_job],
    schedules=[*automation.schedules, *upkeep.schedules],
    sensors=[*automation.sensors, publish_sensor],
    resources=build_resources(),
    # DuckDB parallelizes inside a step; a process per step only adds seconds. The executor also
    # fails runs whose process died, frees their pool slots and holds the pool per run.
    executor=recovering_in_process_executor,
)
