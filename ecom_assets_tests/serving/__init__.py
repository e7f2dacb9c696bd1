"""Tests of the published snapshot, the dashboards over it, and readers during runs.

``publish_after`` publishes what a run wrote the way ``dagster dev`` does: the run-status sensor
is evaluated for the finished run and the job it requests is executed on the same instance.
"""

from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets.definitions import publish_job, publish_sensor
from ecom_assets.serving import ServingSnapshot


def publish_after(
    result: dg.ExecuteInProcessResult,
    instance: dg.DagsterInstance,
    warehouse: Mapping[str, object],
    serving: Path,
) -> dg.ExecuteInProcessResult:
    """Evaluate ``publish_sensor`` for the finished run and execute the publication it requests."""
    context = dg.build_run_status_sensor_context(
        sensor_name=publish_sensor.name,
        dagster_event=result.get_run_success_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    request = publish_sensor(context)
    assert isinstance(request, dg.RunRequest), request
    assert request.run_config["ops"]["publish_snapshot_op"]["config"]["run_id"] == result.run_id
    return publish_everything(instance, warehouse, serving, request.run_config)


def publish_everything(
    instance: dg.DagsterInstance,
    warehouse: Mapping[str, object],
    serving: Path,
    run_config: dict | None = None,
) -> dg.ExecuteInProcessResult:
    """The ``publish_snapshot`` job (every partition unless ``run_config`` names a run)."""
    return publish_job.execute_in_process(
        run_config=run_config or {},
        instance=instance,
        resources={"warehouse": warehouse["warehouse"], "serving": ServingSnapshot(path=str(serving))},
    )


def differences(serving: Path, warehouse: Path, table: str) -> int:
    """Rows in one of the snapshot's ``table`` and the warehouse's but not the other (multiset)."""
    with duckdb.connect(str(serving), read_only=True) as conn:
        conn.execute(f"ATTACH '{warehouse}' AS w (READ_ONLY)")
        one = conn.execute(f"SELECT count(*) FROM (FROM {table} EXCEPT ALL FROM w.{table})").fetchone()[0]
        two = conn.execute(f"SELECT count(*) FROM (FROM w.{table} EXCEPT ALL FROM {table})").fetchone()[0]
    return one + two
