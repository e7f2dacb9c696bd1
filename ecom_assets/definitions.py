"""The code location: assembles each layer's assets, checks, automation and resources."""

import os

import dagster as dg

import ecom_assets.instance_storage  # noqa: F401  (SQLite instance storage: write-ahead log, see there)
from ecom_assets import automation, bronze, dictionary, gold, serving, silver, upkeep
from ecom_assets.automation.executor import recovering_in_process_executor
from ecom_assets.resources import build_resources

# A range run records one "materialization planned" event per asset, not one per asset and day: on
# SQLite instance storage a 90-day range otherwise spends most of its time writing those events.
# (The process that creates the run reads it: the CLI loads this module first; `dagster dev` and
# the daemon read the repository's .env.) Trade-off: the days of a failed range run are not
# marked failed one by one in the UI; the run is.
os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "true")

assets = automation.with_freshness_policies([*bronze.assets, *silver.assets, *gold.assets, *upkeep.assets])
# Every asset's description and column schema, from the data dictionary, at definition time.
assets = dictionary.documented(assets)
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
