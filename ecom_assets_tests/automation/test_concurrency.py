"""The repo's dagster.yaml makes concurrent writers to one DuckDB file queue instead of failing.

Two real ``dagster asset materialize`` processes share a Dagster instance (a temp DAGSTER_HOME
holding a copy of dagster.yaml) and one warehouse file. The test holds the only ``duckdb`` pool
slot itself until BOTH runs report that they wait for the pool, then lets go: both runs must
succeed, one after the other (the pool is held per run), and both days' rows must be in DuckDB.
"""

import os
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets.partitions import DAILY
from ecom_assets_tests.automation import write_drop
from ecom_assets_tests.automation.overlap import run_while_the_pool_is_held, step_intervals

SELECTION = ("bronze/orders", "bronze/sessions", "bronze/users")  # a few steps keep the test short


def test_repo_dagster_yaml_limits_the_duckdb_pool_and_retries_dead_runs(instance: dg.DagsterInstance):
    pools = instance.get_concurrency_config().pool_config
    assert pools.default_pool_limit == 1
    # per run: the queue holds runs back, the code location's executor claims for the whole run
    assert pools.pool_granularity.value == "run"
    assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
    assert instance.run_monitoring_enabled and instance.run_monitoring_max_runtime_seconds == 6 * 3600
    assert instance.run_monitoring_poll_interval_seconds == 30
    assert instance.run_monitoring_start_timeout_seconds == 120
    assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] == 60


def test_two_materialize_processes_on_one_duckdb_file_queue_on_the_pool(
    tmp_path: Path, scratch: Path, instance: dg.DagsterInstance
):
    raw, warehouse = scratch / "raw", scratch / "warehouse.duckdb"
    days = [(DAILY.start.date() + timedelta(days=n)).isoformat() for n in (3, 4)]
    for day in days:
        write_drop(raw, day)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(instance.root_directory),
        "ECOM_RAW_DIR": str(raw),
        "ECOM_WAREHOUSE": str(warehouse),
    }
    run_while_the_pool_is_held(instance, env, ",".join(SELECTION), days, tmp_path)

    runs = instance.get_runs()
    assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
    a, b = (step_intervals(instance, r.run_id) for r in runs)
    assert len(a) == len(b) == 1  # the selected bronze tables are one step
    (first, second) = sorted([a, b])
    assert max(end for _, end in first) <= min(start for start, _ in second)  # one run, then the other
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        per_day = conn.execute(
            "SELECT CAST(_drop_date AS VARCHAR), count(*) FROM bronze.orders GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert per_day == [(days[0], 1), (days[1], 1)]
