"""Crash recovery: a run whose process died is failed and its pool slots freed.

A run killed with SIGKILL (the out-of-memory killer, a cron timeout, ``kill -9``) cannot report
its end: it stays STARTED and keeps its ``duckdb`` pool slot, so every later run would wait for
it. Each run therefore records the process that runs it (``OWNER_TAG``: host, pid and the
process's start time, so a reused pid is not mistaken for it), and ``sweep`` finds the runs of
this host whose process is gone: it reports them failed (a CANCELING one canceled) and frees
their slots. It also frees the slots that finished runs still hold (Dagster's daemon would do so
only ``free_slots_after_run_end_seconds`` later).

``sweep`` runs at the start of every run and while a run waits for the pool (the executor in
``automation.executor``), so ``dagster asset materialize`` recovers by itself, and every 30 s
in the daemon (``run_recovery_sensor``), which unblocks the run queue when no run is starting.

Runs on other hosts are left alone (their processes cannot be checked from here); a run killed
in the few milliseconds between its start and its stamp holds no slot and is failed by run
monitoring after ``max_runtime_seconds``.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

OWNER_TAG = "ecom/run_process"
# Statuses of runs that may have a process to look after.
_LIVE = [dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


@dataclass(frozen=True)
class Owner:
    """The process executing a run: ``started`` is its start time in clock ticks since boot
    (``/proc/<pid>/stat``), empty where there is no ``/proc``."""

    run_id: str
    host: str
    pid: int
    started: str

    def tag(self) -> str:
        return json.dumps(
            {"run_id": self.run_id, "host": self.host, "pid": self.pid, "started": self.started}
        )

    @classmethod
    def of(cls, run: dg.DagsterRun) -> Owner | None:
        """The owner recorded on ``run``; None when there is none or it was copied from another run
        (a retry or re-execution inherits its parent's tags)."""
        try:
            data = json.loads(run.tags[OWNER_TAG])
            owner = cls(str(data["run_id"]), str(data["host"]), int(data["pid"]), str(data["started"]))
        except (KeyError, TypeError, ValueError):
            return None
        return owner if owner.run_id == run.run_id else None


def _proc_stat(pid: int) -> list[str] | None:
    """Fields 3… of ``/proc/<pid>/stat`` (state first), or None if unreadable."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def process_start(pid: int) -> str:
    """The start time of process ``pid`` in clock ticks since boot ("" without ``/proc``)."""
    fields = _proc_stat(pid)
    return fields[19] if fields else ""


def current_owner(run_id: str) -> Owner:
    """This process as the owner of ``run_id``."""
    pid = os.getpid()
    return Owner(run_id, socket.gethostname(), pid, process_start(pid))


def is_alive(owner: Owner) -> bool:
    """Whether the owner's process still exists (same pid and start time, not a zombie)."""
    if Path("/proc").is_dir():
        fields = _proc_stat(owner.pid)
        return bool(fields) and fields[0] not in ("Z", "X") and fields[19] == owner.started
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stamp(instance: dg.DagsterInstance, run_id: str) -> Owner:
    """Record this process as the owner of ``run_id`` (a run tag)."""
    owner = current_owner(run_id)
    instance.add_run_tags(run_id, {OWNER_TAG: owner.tag()})
    return owner


def dead_runs(instance: dg.DagsterInstance, host: str | None = None) -> Iterator[tuple[dg.DagsterRun, Owner]]:
    """STARTED or CANCELING runs of ``host`` (default: this one) whose owner process is gone."""
    host = host or socket.gethostname()
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=_LIVE)):
        owner = Owner.of(record.dagster_run)
        if owner is not None and owner.host == host and not is_alive(owner):
            yield record.dagster_run, owner


def sweep(instance: dg.DagsterInstance) -> list[str]:
    """Fail the runs of this host whose process died and free their pool slots, and free the slots
    finished runs still hold. Returns one message per run it acted on."""
    messages = []
    for run, owner in dead_runs(instance):
        if instance.get_run_by_id(run.run_id).status != run.status:  # another sweep was faster
            continue
        reason = f"its process (pid {owner.pid} on {owner.host}) is gone"
        if run.status == dg.DagsterRunStatus.CANCELING:
            instance.report_run_canceled(run, f"Canceled: {reason}.")
        else:
            instance.report_run_failed(run, f"Marked failed: {reason}.")
        messages.append(f"Run {run.run_id} was {run.status.value} but {reason}: marked "
                        f"{'canceled' if run.status == dg.DagsterRunStatus.CANCELING else 'failed'}.")
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return messages
    for run_id in sorted(storage.get_concurrency_run_ids()):
        run = instance.get_run_by_id(run_id)
        if run is not None and run.is_finished:
            storage.free_concurrency_slots_for_run(run_id)
            messages.append(f"Freed the pool slots of run {run_id} ({run.status.value}).")
    return messages


@dg.sensor(
    name="run_recovery_sensor",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Every 30 s: fails the runs whose process died (a killed run worker stays STARTED and keeps "
        "its `duckdb` pool slot) and frees the pool slots that finished runs still hold, so the "
        "queue moves on without waiting for run monitoring's max_runtime_seconds."
    ),
)
def run_recovery_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    messages = sweep(context.instance)
    for message in messages:
        context.log.warning(message)
    return dg.SkipReason(
        "; ".join(messages) if messages else "No dead runs and no slots held by finished runs."
    )
