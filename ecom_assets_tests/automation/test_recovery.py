"""Crash recovery with real processes on a real instance (a temp DAGSTER_HOME with the repo's dagster.yaml).

A killed ``dagster asset materialize`` leaves its run STARTED with its ``duckdb`` pool slot; the
next run (or the daemon's ``run_recovery_sensor``) must find it dead, fail it and free the slot.
A run waiting for the pool sleeps, and SIGTERM ends it, waiting or running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ecom_assets.automation.executor import RUN_SLOT
from ecom_assets.automation.recovery import (
    OWNER_TAG,
    Owner,
    current_owner,
    is_alive,
    process_start,
    run_recovery_sensor,
)
from ecom_assets.definitions import defs
from ecom_assets.generate import generate
from ecom_assets.generate.late import LateMix
from ecom_assets.partitions import DAILY
from ecom_assets.schema import TABLES
from ecom_assets_tests.automation import write_drop
from ecom_assets_tests.helpers import materialize_range, resources_for

REPO = Path(__file__).resolve().parents[2]
DAGSTER = Path(sys.executable).parent / "dagster"
DAY = (DAILY.start.date() + timedelta(days=3)).isoformat()
HOLDER = "test-holder"  # the test itself holding the one duckdb slot


def cli(instance: dg.DagsterInstance, scratch: Path, log: Path, *args: str) -> subprocess.Popen:
    """``dagster asset materialize`` on the test's instance, landing zone and warehouse."""
    env = {
        **os.environ,
        "DAGSTER_HOME": str(instance.root_directory),
        "ECOM_RAW_DIR": str(scratch / "raw"),
        "ECOM_WAREHOUSE": str(scratch / "warehouse.duckdb"),
        "ECOM_SERVING": str(scratch / "serving.duckdb"),
    }
    cmd = [str(DAGSTER), "asset", "materialize", "-m", "ecom_assets.definitions", *args]
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [e.message or "" for e in instance.all_logs(run_id)]


def wait_for(condition, proc: subprocess.Popen, log: Path, timeout: float = 120):
    """Poll ``condition()`` until it returns something truthy; fail if ``proc`` ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        assert proc.poll() is None, f"the run ended early:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)
    raise AssertionError(f"timed out:\n{log.read_text()[-3000:]}")


def only_run(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    runs = instance.get_runs()
    return runs[0] if len(runs) == 1 else None


def waiting_run(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    run = only_run(instance)
    waiting = run and any("Waiting for pool duckdb" in m for m in messages(instance, run.run_id))
    return run if waiting else None


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pool_run_ids(instance: dg.DagsterInstance) -> set[str]:
    """Runs holding or waiting for a duckdb slot."""
    info = instance.event_log_storage.get_concurrency_info("duckdb")
    return {s.run_id for s in info.claimed_slots} | {s.run_id for s in info.pending_steps}


@pytest.fixture
def held_pool(instance: dg.DagsterInstance):
    """The one duckdb slot, held by the test."""
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default("duckdb")
    assert storage.claim_concurrency_slot("duckdb", HOLDER, "holder-step").is_claimed
    yield storage
    storage.free_concurrency_slots_for_run(HOLDER)


def test_owner_tags_name_a_live_process_and_reject_copies():
    owner = current_owner("run-1")
    assert is_alive(owner) and owner.pid == os.getpid() and owner.started
    run = dg.DagsterRun(job_name="daily_job", run_id="run-1", tags={OWNER_TAG: owner.tag()})
    assert Owner.of(run) == owner
    # a retry or re-execution copies its parent's tags: not its owner
    assert Owner.of(dg.DagsterRun(job_name="daily_job", run_id="run-2", tags=run.tags)) is None
    assert Owner.of(dg.DagsterRun(job_name="daily_job", run_id="run-1", tags={OWNER_TAG: "{"})) is None

    child = subprocess.Popen(["sleep", "30"])
    started = process_start(child.pid)
    try:
        assert is_alive(Owner("run-1", owner.host, child.pid, started))
        # the same pid with another start time is another process (a reused pid)
        assert not is_alive(Owner("run-1", owner.host, child.pid, owner.started))
    finally:
        child.kill()
        child.wait()
    assert not is_alive(Owner("run-1", owner.host, child.pid, started))


def test_a_waiting_run_sleeps_and_ends_promptly_on_sigterm(
    tmp_path: Path, scratch: Path, instance: dg.DagsterInstance, held_pool
):
    write_drop(scratch / "raw", DAY)
    log = tmp_path / "run.log"
    proc = cli(instance, scratch, log, "--select", "bronze/orders", "--partition", DAY)
    try:
        run = wait_for(lambda: waiting_run(instance), proc, log)
        before = cpu_seconds(proc.pid)
        time.sleep(3)
        # Dagster's own per-step wait spun a core (about 3 CPU seconds in 3 s); this one sleeps.
        assert cpu_seconds(proc.pid) - before < 0.5
        assert pool_run_ids(instance) == {HOLDER, run.run_id}  # waiting in line

        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) != 0
        assert time.monotonic() - sent < 15, "SIGTERM should end a waiting run within seconds"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert "SIGTERM received while waiting for a pool" in log.read_text()
    assert pool_run_ids(instance) == {HOLDER}  # its place in line is given up


def test_sigterm_ends_a_running_run_and_frees_its_slot(tmp_path: Path, scratch: Path, instance):
    write_drop(scratch / "raw", DAY)
    log = tmp_path / "run.log"
    proc = cli(instance, scratch, log, "--select", "tag:cadence=daily", "--partition", DAY)

    def silver_started():
        run = only_run(instance)
        if run is None:
            return None
        starts = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_START)
        return run if any("silver" in (e.step_key or "") for e in starts) else None

    try:
        run = wait_for(silver_started, proc, log, timeout=180)
        # the run holds the pool while it runs, as a whole: its steps claim nothing
        claimed = instance.event_log_storage.get_concurrency_info("duckdb").claimed_slots
        assert [(s.run_id, s.step_key) for s in claimed] == [(run.run_id, RUN_SLOT)]
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) != 0
        assert time.monotonic() - sent < 15  # about 2 s here
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert pool_run_ids(instance) == set()
    steps = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS)
    assert not any("gold" in (e.step_key or "") for e in steps)  # it stopped, it did not run on


def test_the_recovery_sensor_fails_a_killed_run_and_frees_its_place_in_the_pool(
    tmp_path: Path, scratch: Path, instance: dg.DagsterInstance, held_pool
):
    write_drop(scratch / "raw", DAY)
    log = tmp_path / "run.log"
    proc = cli(instance, scratch, log, "--select", "bronze/orders", "--partition", DAY)
    try:
        run = wait_for(lambda: waiting_run(instance), proc, log)
    finally:
        proc.kill()
        proc.wait()
    # The holder lets go: the slot is assigned to the dead run, which would block everyone.
    held_pool.free_concurrency_slots_for_run(HOLDER)
    assert pool_run_ids(instance) == {run.run_id}
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED

    result = run_recovery_sensor(dg.build_sensor_context(instance=instance))
    owner = Owner.of(instance.get_run_by_id(run.run_id))
    assert owner is not None and owner.pid == proc.pid
    gone = f"its process (pid {proc.pid} on {owner.host}) is gone"
    assert result.skip_message == (
        f"Run {run.run_id} was STARTED but {gone}: marked failed.; "
        f"Freed the pool slots of run {run.run_id} (FAILURE)."
    )
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
    assert f"Marked failed: {gone}." in messages(instance, run.run_id)
    assert pool_run_ids(instance) == set()
    again = run_recovery_sensor(dg.build_sensor_context(instance=instance))
    assert again.skip_message == "No dead runs and no slots held by finished runs."


def in_progress_silver_step(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """A silver step of the run that has started and not ended."""
    ended = set()
    started = []
    for event in instance.all_logs(run_id):
        kind = event.dagster_event_type
        if kind == dg.DagsterEventType.STEP_START:
            started.append(event.step_key)
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE):
            ended.add(event.step_key)
    return next((s for s in started if "silver" in (s or "") and s not in ended), None)


def kill_in_a_silver_step(instance: dg.DagsterInstance, proc: subprocess.Popen, log: Path) -> tuple[str, str]:
    """SIGKILL the run's process while one of its silver steps runs: the process is frozen first
    (SIGSTOP), so the step is checked to be still running at the moment of the kill."""
    run = wait_for(lambda: only_run(instance), proc, log)
    while True:
        step = wait_for(lambda: in_progress_silver_step(instance, run.run_id), proc, log, timeout=300)
        os.kill(proc.pid, signal.SIGSTOP)
        if in_progress_silver_step(instance, run.run_id) == step:
            proc.kill()
            proc.wait()
            return run.run_id, step
        os.kill(proc.pid, signal.SIGCONT)  # it ended in between: catch the next one


def silver_days(warehouse: Path) -> dict:
    """(table, day) → rows, over every silver table."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'silver' ORDER BY 1"
        ).fetchall()]
        sql = " UNION ALL ".join(
            f"SELECT '{t}', CAST(date AS VARCHAR), count(*) FROM silver.{t} GROUP BY ALL" for t in tables
        )
        return {(t, d): n for t, d, n in conn.execute(sql).fetchall()}


def unbalanced_drops(warehouse: Path) -> list:
    """(table, drop, bronze, silver, quarantined) where bronze rows ≠ silver + quarantined rows."""
    found = []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        for table in TABLES:
            found += conn.execute(f"""
                WITH b AS (SELECT _drop_date, count(*) AS n FROM bronze.{table.name} GROUP BY 1),
                     s AS (SELECT _drop_date, count(*) AS n FROM silver.{table.name} GROUP BY 1),
                     q AS (SELECT _drop_date, count(*) AS n FROM silver.quarantine
                           WHERE source_table = '{table.name}' GROUP BY 1)
                SELECT '{table.name}', b._drop_date, b.n, coalesce(s.n, 0), coalesce(q.n, 0)
                FROM b LEFT JOIN s USING (_drop_date) LEFT JOIN q USING (_drop_date)
                WHERE b.n <> coalesce(s.n, 0) + coalesce(q.n, 0)
            """).fetchall()
    return found


@pytest.mark.slow
def test_a_run_killed_in_a_silver_step_is_followed_by_a_clean_run_without_manual_steps(
    tmp_path: Path, scratch: Path, instance: dg.DagsterInstance
):
    first = DAILY.start.date()
    last = first + timedelta(days=2)
    generate(scratch / "raw", first, days=3, sessions_per_day=300, seed=5, faults=True, progress=False,
             late=LateMix())
    args = ("--select", "tag:cadence=daily", "--partition-range", f"{first}...{last}")

    killed_log = tmp_path / "killed.log"
    killed, step = kill_in_a_silver_step(instance, cli(instance, scratch, killed_log, *args), killed_log)
    # What a SIGKILL leaves: the run still STARTED, holding the only duckdb slot.
    assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.STARTED
    assert pool_run_ids(instance) == {killed}

    log = tmp_path / "next.log"
    proc = cli(instance, scratch, log, *args)
    assert proc.wait(timeout=900) == 0, log.read_text()[-3000:]
    assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE
    assert pool_run_ids(instance) == set()
    (following,) = [r for r in instance.get_runs() if r.run_id != killed]
    assert following.status == dg.DagsterRunStatus.SUCCESS
    events = instance.all_logs(following.run_id)
    recovered = [e.timestamp for e in events if e.message == (
        f"Run {killed} was STARTED but its process (pid {Owner.of(instance.get_run_by_id(killed)).pid} "
        f"on {current_owner('x').host}) is gone: marked failed."
    )]
    began = [e.timestamp for e in events if e.dagster_event_type == dg.DagsterEventType.STEP_START]
    # the dead run was found before the first step, and the steps did not wait for its slot
    assert len(recovered) == 1 and recovered[0] <= min(began)
    assert min(began) - recovered[0] < 30

    # No half-written partition: the same rows per day as a clean run over the same drops.
    reference = scratch / "reference.duckdb"
    layers = dg.AssetSelection.tag("layer", "bronze") | dg.AssetSelection.tag("layer", "silver")
    materialize_range([*defs.assets, *defs.asset_checks], first.isoformat(), last.isoformat(),
                      resources_for(scratch / "raw", reference),
                      selection=dg.AssetSelection.tag("cadence", "daily") & layers)
    warehouse = scratch / "warehouse.duckdb"
    got, want = silver_days(warehouse), silver_days(reference)
    assert got == want and sum(want.values()) > 10_000, f"killed in {step}"
    assert {t for t, _ in want} >= {"orders", "sessions", "quarantine", "fact_sales"}
    assert want[("quarantine", first.isoformat())] > 0  # the faults were quarantined
    assert unbalanced_drops(warehouse) == []
