"""Publishing the snapshot from Dagster: a job in the ``duckdb`` pool, requested after each run.

``publish_sensor`` watches for successful runs of this code location and requests
``publish_snapshot`` for each one that materialized a served table, with that run's id: the job
exports exactly the partitions the run materialized (a day's run exports a day, not the history).
Without a run id it exports every partition (the first publication, or after a restore). The job
opens the warehouse read-only inside the ``duckdb`` pool, so it queues behind writers instead of
blocking them; readers of the snapshot never touch the warehouse.
"""

import time
from collections import defaultdict
from collections.abc import Iterable

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from ecom_assets.serving.snapshot import ServedTable, publish

JOB_NAME = "publish_snapshot"


class ServingSnapshot(dg.ConfigurableResource):
    """Where the published snapshot lives: the view file (``ECOM_SERVING``); Parquet next to it."""

    path: str


def served_tables(assets: Iterable[dg.AssetsDefinition]) -> list[ServedTable]:
    """Every gold table and the silver dimensions and facts, with their partitioning."""
    tables = []
    for asset in assets:
        for key in asset.keys:
            layer, name = key.path[0], key.path[-1]
            if layer == "gold" or (layer == "silver" and name.startswith(("dim_", "fact_"))):
                expr = asset.specs_by_key[key].metadata.get("partition_expr")
                tables.append(ServedTable(layer, name, asset.partitions_def, expr))
    return sorted(tables, key=lambda t: t.target)


def changed_partitions(instance: dg.DagsterInstance, run_id: str) -> dict[str, set[str | None]]:
    """``layer.name`` → partition keys (None when unpartitioned) the run materialized."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    changed: dict[str, set[str | None]] = defaultdict(set)
    for record in records:
        materialization = record.asset_materialization
        if materialization is not None:
            changed[".".join(materialization.asset_key.path)].add(materialization.partition)
    return dict(changed)


class PublishConfig(dg.Config):
    run_id: str = ""  # empty: publish every partition of every served table


def publication(assets: Iterable[dg.AssetsDefinition]) -> tuple[dg.JobDefinition, dg.SensorDefinition]:
    """The ``publish_snapshot`` job and the sensor that requests it after each successful run."""
    tables = served_tables(assets)
    targets = {t.target for t in tables}

    @dg.op(name="publish_snapshot_op", pool="duckdb", tags={"kind": "parquet"})
    def _publish(
        context: dg.OpExecutionContext,
        config: PublishConfig,
        warehouse: DuckDBResource,
        serving: ServingSnapshot,
    ) -> None:
        """Export the run's partitions (or all) to Parquet and refresh the snapshot's views."""
        changed = changed_partitions(context.instance, config.run_id) if config.run_id else None
        started = time.perf_counter()
        with duckdb.connect(warehouse.database, read_only=True) as conn:
            written = publish(conn, serving.path, tables, changed)
        context.log.info(
            f"Published {sum(written.values())} file(s) of {len(written)} table(s) to {serving.path} "
            f"in {time.perf_counter() - started:.2f} s: {written}"
        )

    @dg.job(name=JOB_NAME, description="Publish the read-only snapshot (Parquet + DuckDB views) readers use.")
    def publish_job() -> None:
        _publish()

    @dg.run_status_sensor(
        name="publish_sensor",
        run_status=dg.DagsterRunStatus.SUCCESS,
        request_job=publish_job,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="After each successful run that materialized a served table, publish its partitions.",
    )
    def publish_sensor(context: dg.RunStatusSensorContext):
        run = context.dagster_run
        if run.job_name == JOB_NAME:
            return dg.SkipReason("a publication itself")
        if not targets & set(changed_partitions(context.instance, run.run_id)):
            return dg.SkipReason(f"run {run.run_id} materialized no served table")
        config = {"ops": {"publish_snapshot_op": {"config": {"run_id": run.run_id}}}}
        return dg.RunRequest(run_key=run.run_id, run_config=config, tags={"ecom/published_run": run.run_id})

    return publish_job, publish_sensor
