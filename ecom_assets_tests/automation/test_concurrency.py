"""The repo's dagster.yaml makes concurrent writers to one DuckDB file queue instead of failing.

Two real ``dagster asset materialize`` processes share a Dagster instance (a temp DAGSTER_HOME
holding a copy of dagster.yaml) and one warehouse file. The test holds the only ``duckdb`` pool
slot itself until BOTH runs report that they wait for the pool, then lets go: both runs must
succeed, one after the other (the pool is held per run), and both days' rows must be in DuckDB.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets.partitions import DAILY
from ecom_assets_tests.automation import write_drop

REPO = Path(__file__).resolve().parents[2]
DAGSTER = Path(sys.executable).parent / "dagster"
BLOCKED = "Waiting for pool duckdb"
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


def _blocked_runs(instance: dg.DagsterInstance) -> set[str]:
    return {
        run.run_id
        for run in instance.get_runs()
        if any(BLOCKED in (e.message or "") for e in instance.all_logs(run.run_id))
    }


def _step_intervals(instance: dg.DagsterInstance, run_id: str) -> list[tuple[float, float]]:
    starts: dict[str, float] = {}
    intervals = []
    for event in instance.all_logs(run_id):
        if event.dagster_event is None:
            continue
        if event.dagster_event.event_type == dg.DagsterEventType.STEP_START:
            starts[event.step_key] = event.timestamp
        elif event.dagster_event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            intervals.append((starts[event.step_key], event.timestamp))
    return intervals


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
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default("duckdb")
    assert storage.get_concurrency_info("duckdb").slot_count == 1
    storage.claim_concurrency_slot("duckdb", "test-holder", "holder-step")  # the one slot is taken

    procs = []
    for day in days:
        cmd = [str(DAGSTER), "asset", "materialize", "-m", "ecom_assets.definitions"]
        cmd += ["--select", ",".join(SELECTION), "--partition", day]
        log = (tmp_path / f"{day}.log").open("w")
        procs.append((subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT), log))
    try:
        deadline = time.monotonic() + 90
        while len(_blocked_runs(instance)) < 2 and time.monotonic() < deadline:
            assert all(p.poll() is None for p, _ in procs), "a run ended while the pool slot was held"
            time.sleep(0.5)
        assert len(_blocked_runs(instance)) == 2, "both runs should be waiting for the duckdb pool"
    finally:
        storage.free_concurrency_slots_for_run("test-holder")
        for proc, log in procs:
            proc.wait(timeout=120)
            log.close()
    for (proc, _), day in zip(procs, days):
        assert proc.returncode == 0, (tmp_path / f"{day}.log").read_text()[-3000:]

    runs = instance.get_runs()
    assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
    a, b = (_step_intervals(instance, r.run_id) for r in runs)
    assert len(a) == len(b) == 1  # the selected bronze tables are one step
    (first, second) = sorted([a, b])
    assert max(end for _, end in first) <= min(start for start, _ in second)  # one run, then the other
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        per_day = conn.execute(
            "SELECT CAST(_drop_date AS VARCHAR), count(*) FROM bronze.orders GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert per_day == [(days[0], 1), (days[1], 1)]
