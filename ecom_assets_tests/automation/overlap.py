"""Two `dagster asset materialize` processes started while the one `duckdb` pool slot is held:
both must wait for it, then run one after the other."""

import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg

REPO = Path(__file__).resolve().parents[2]
DAGSTER = Path(sys.executable).parent / "dagster"
BLOCKED = "Waiting for pool duckdb"  # what a run logs while another run holds the pool


def blocked_runs(instance: dg.DagsterInstance) -> set[str]:
    return {
        run.run_id
        for run in instance.get_runs()
        if any(BLOCKED in (e.message or "") for e in instance.all_logs(run.run_id))
    }


def step_intervals(instance: dg.DagsterInstance, run_id: str) -> list[tuple[float, float]]:
    """(start, end) of each step of the run that succeeded."""
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


def run_while_the_pool_is_held(
    instance: dg.DagsterInstance, env: Mapping[str, str], selection: str, partitions: Sequence[str],
    logs: Path, timeout: float = 120,
) -> None:
    """Hold the pool's one slot, start one materialize process per ``partitions`` argument
    (``--partition D`` or ``--partition-range A...B``), wait until both wait for the pool, free the
    slot, and assert both processes succeed."""
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default("duckdb")
    assert storage.get_concurrency_info("duckdb").slot_count == 1
    storage.claim_concurrency_slot("duckdb", "test-holder", "holder-step")  # the one slot is taken
    procs = []
    for n, partition in enumerate(partitions):
        flag = "--partition-range" if "..." in partition else "--partition"
        cmd = [str(DAGSTER), "asset", "materialize", "-m", "ecom_assets.definitions",
               "--select", selection, flag, partition]
        log = (logs / f"run{n}.log").open("w")
        proc = subprocess.Popen(cmd, cwd=REPO, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
        procs.append((proc, log))
    try:
        deadline = time.monotonic() + timeout
        while len(blocked_runs(instance)) < len(procs) and time.monotonic() < deadline:
            assert all(p.poll() is None for p, _ in procs), "a run ended while the pool slot was held"
            time.sleep(0.5)
        assert len(blocked_runs(instance)) == len(procs), "every run should be waiting for the duckdb pool"
    finally:
        storage.free_concurrency_slots_for_run("test-holder")
        for proc, log in procs:
            proc.wait(timeout=300)
            log.close()
    for n, (proc, _) in enumerate(procs):
        assert proc.returncode == 0, (logs / f"run{n}.log").read_text()[-3000:]
