"""The code location's executor: Dagster's in-process executor, plus crash recovery and the pool
held for the whole run.

Why an executor: it is the one piece of the code location that every run goes through
(``dagster asset materialize``, runs the daemon launches, backfills, the UI), after the run has
started and before any step. A resource would be initialized only for runs whose selected steps
require it (every asset would have to name it), a hook runs after a step, and a run-status
sensor runs only in the daemon.

Before the first step it stamps the run with its process and sweeps dead runs
(``automation.recovery``), then claims one slot of each pool the run's steps use (``duckdb``)
for the whole run: it waits in one-second sleeps, sweeps again every few seconds (so a holder
that dies meanwhile is found), and ends the run on SIGTERM or SIGINT (failed; canceled when it
was terminated from the UI). Then the steps run in process, and the run's slots are freed when
it ends, however it ends.

Why per run (``concurrency.pools.granularity: run`` in dagster.yaml): when a step is blocked by a
pool, Dagster 1.13's in-process executor polls in a loop that never sleeps
(``InstanceConcurrencyContext.interval_to_next_pending_claim_check`` returns at most 0) and never
checks for interrupts, so a waiting run burned a core and ignored SIGTERM. With run granularity
steps claim nothing: nothing blocks inside that loop. The daemon's queue holds a run back while
another run of the pool is in progress, and the claim here makes ``dagster asset materialize``
processes, which bypass the queue, take turns in order of arrival. With ``granularity: op`` this
executor claims nothing (the steps do, as in plain Dagster) but still recovers dead runs.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from ecom_assets.automation.recovery import stamp, sweep

RUN_SLOT = "(whole run)"  # the step key under which a run's own pool claim is recorded
POLL_SECONDS = 1.0
SWEEP_SECONDS = 5.0


@contextmanager
def interrupts_raised() -> Iterator[None]:
    """SIGTERM and SIGINT raise KeyboardInterrupt (Dagster would defer them to the next step)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"{signal.Signals(signum).name} received while waiting for a pool")

    for sig in previous:
        signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def holds_pools_per_run(instance: dg.DagsterInstance) -> bool:
    """Whether the instance enforces pools per run (``granularity: run``) and can record claims."""
    granularity = instance.get_concurrency_config().pool_config.pool_granularity
    return granularity.value == "run" and instance.event_log_storage.supports_global_concurrency_limits


def is_limited(instance: dg.DagsterInstance, pool: str) -> bool:
    """Whether ``pool`` has a limit (set by hand or ``default_limit``), initializing it to the default
    the way Dagster's own step claims do."""
    storage = instance.event_log_storage
    default = instance.get_concurrency_config().pool_config.default_pool_limit
    limit = {p.name: p for p in storage.get_pool_limits()}.get(pool)
    if (limit is None and default is not None) or (limit and limit.from_default and limit.limit != default):
        storage.initialize_concurrency_limit_to_default(pool)
        limit = {p.name: p for p in storage.get_pool_limits()}.get(pool)
    return limit is not None


def hold_pools(instance: dg.DagsterInstance, run: dg.DagsterRun, log) -> None:
    """Claim one slot of every limited pool the run's steps use, waiting (asleep) for each."""
    if not holds_pools_per_run(instance) or run.run_op_concurrency is None:
        return
    storage = instance.event_log_storage
    try:
        priority = int(run.tags.get("dagster/priority", "0"))
    except ValueError:
        priority = 0
    with interrupts_raised():
        for pool in sorted(run.run_op_concurrency.all_pools or []):
            if not is_limited(instance, pool):
                continue
            started = time.monotonic()
            next_sweep = started + SWEEP_SECONDS
            waiting = False
            while not storage.claim_concurrency_slot(pool, run.run_id, RUN_SLOT, priority).is_claimed:
                if not waiting:
                    holders = sorted({s.run_id for s in storage.get_concurrency_info(pool).claimed_slots})
                    log.info(f"Waiting for pool {pool}, held by run(s) {', '.join(holders) or '(none)'}.")
                    waiting = True
                time.sleep(POLL_SECONDS)
                if time.monotonic() >= next_sweep:
                    for message in sweep(instance):
                        log.warning(message)
                    next_sweep = time.monotonic() + SWEEP_SECONDS
            if waiting:
                log.info(f"Claimed pool {pool} after waiting {time.monotonic() - started:.0f} s.")


class RecoveringExecutor(dg.Executor):
    """Runs the steps with ``inner`` between recovery, the pool claims and their release."""

    def __init__(self, inner: dg.Executor):
        self._inner = inner

    @property
    def retries(self):
        return self._inner.retries

    @property
    def step_dependency_config(self):
        return self._inner.step_dependency_config

    def execute(self, plan_context, execution_plan):
        instance, run = plan_context.instance, plan_context.dagster_run
        stamp(instance, run.run_id)
        for message in sweep(instance):
            plan_context.log.warning(message)
        try:
            hold_pools(instance, run, plan_context.log)
            yield from self._inner.execute(plan_context, execution_plan)
        finally:
            if instance.event_log_storage.supports_global_concurrency_limits:
                instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def _create(init_context: dg.InitExecutorContext) -> dg.Executor:
    return RecoveringExecutor(dg.in_process_executor.executor_creation_fn(init_context))


recovering_in_process_executor = dg.ExecutorDefinition(
    name="recovering_in_process",
    config_schema=dg.in_process_executor.config_schema,  # the same run config as `in_process`
    executor_creation_fn=_create,
    description=(
        "Dagster's in-process executor; before the first step it fails dead runs and frees their "
        "pool slots, then holds the run's pools (waiting asleep, SIGTERM-aware) until the run ends."
    ),
)
