"""Benchmark: what the Dagster event log costs, on SQLite (the default) vs on PostgreSQL.

    .venv/bin/python bench/bench_event_log.py                       # 7 days x 1,500 sessions/day
    .venv/bin/python bench/bench_event_log.py --days 3 --events 200

Generates the drops once (cached under --work), then runs the same range run,
``dagster asset materialize --select tag:cadence=daily --partition-range <days>``, once with
DAGSTER_HOME on SQLite (the repo's dagster.yaml) and once on PostgreSQL
(deploy/postgres/dagster.yaml against a server this script starts and stops; fsync on, like a
real server), each on a fresh warehouse. Prints the process's wall seconds, the run's seconds
(RUN_START to RUN_SUCCESS) and the event-log rows the run wrote; then a micro-figure: ms per stored
event, writing --events engine events one by one into each instance, and what opening one
PostgreSQL connection costs (dagster-postgres opens one per event in a run process). Both
DAGSTER_HOMEs and the PostgreSQL data folder sit under --work, on the same disk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import dagster as dg  # noqa: E402

from ecom_assets_tests.pg_server import postgres_server  # noqa: E402

PROFILES = {"sqlite": REPO / "dagster.yaml", "postgres": REPO / "deploy" / "postgres" / "dagster.yaml"}


def _home(work: Path, storage: str) -> Path:
    """A fresh DAGSTER_HOME holding the storage's profile, its storage created once."""
    home = work / f"dagster_home_{storage}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copy(PROFILES[storage], home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)):
        pass
    return home


def range_run(home: Path, raw: Path, warehouse: Path, first: date, last: date) -> dict:
    """Run the daily chain over ``first...last`` in a ``dagster asset materialize`` process."""
    warehouse.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ECOM_RAW_DIR": str(raw),
        "ECOM_WAREHOUSE": str(warehouse),
        "ECOM_SERVING": str(warehouse.with_name("bench_serving.duckdb")),
        "ECOM_START_DATE": str(first),
    }
    dagster = Path(sys.executable).parent / "dagster"
    cmd = [str(dagster), "asset", "materialize", "-m", "ecom_assets.definitions"]
    cmd += ["--select", "tag:cadence=daily", "--partition-range", f"{first}...{last}"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the range run failed:\n{done.stderr[-3000:]}")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (run,) = instance.get_runs()
        events = instance.all_logs(run.run_id)
        stamps = {e.dagster_event_type: e.timestamp for e in events if e.dagster_event is not None}
    run_seconds = stamps[dg.DagsterEventType.RUN_SUCCESS] - stamps[dg.DagsterEventType.RUN_START]
    return {"wall": wall, "run": run_seconds, "events": len(events)}


def ms_per_event(home: Path, n: int) -> float:
    """Store ``n`` engine events one by one (each its own write, as a run's events are)."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run_id = str(uuid.uuid4())
        instance.report_engine_event("warm-up", job_name="bench", run_id=run_id)
        started = time.perf_counter()
        for i in range(n):
            instance.report_engine_event(f"bench event {i}", job_name="bench", run_id=run_id)
        seconds = time.perf_counter() - started
        assert len(instance.all_logs(run_id)) == n + 1
    return seconds / n * 1000


def ms_per_connect(url: str, n: int = 50) -> float:
    """Open and close ``n`` connections as a run process does: dagster-postgres pools none there,
    so every event written opens one (TCP, SCRAM password auth, a server process)."""
    import psycopg2

    started = time.perf_counter()
    for _ in range(n):
        psycopg2.connect(url).close()
    return (time.perf_counter() - started) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--sessions-per-day", type=int, default=1500)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 3, 1))
    parser.add_argument("--events", type=int, default=500, help="events per storage in the micro-figure")
    parser.add_argument("--work", type=Path, default=REPO / "data" / "bench")
    args = parser.parse_args()
    work = args.work.resolve()
    raw, warehouse = work / f"raw_{args.sessions_per_day}", work / "bench_event_log.duckdb"
    last = args.start + timedelta(days=args.days - 1)
    if not all((raw / str(args.start + timedelta(days=n)) / "_SUCCESS").exists() for n in range(args.days)):
        from ecom_assets.generate import generate

        generate(raw, args.start, args.days, sessions_per_day=args.sessions_per_day, seed=7, progress=True)

    def measure(storage: str) -> dict:
        home = _home(work, storage)
        return {**range_run(home, raw, warehouse, args.start, last), "ms": ms_per_event(home, args.events)}

    results = {"sqlite": measure("sqlite")}
    with postgres_server(durable=True, base=work) as pg:
        os.environ.update(pg.env)  # the profile reads DAGSTER_PG_* (here and in the run's process)
        results["postgres"] = measure("postgres")
        connect_ms = ms_per_connect(pg.url)

    print(
        f"\nrange run tag:cadence=daily, {args.start}...{last} ({args.days} days x "
        f"{args.sessions_per_day:,} sessions/day), one run per storage; micro: {args.events} events"
    )
    print(f"{'storage':<10} {'wall s':>8} {'run s':>8} {'event rows':>11} {'ms/event (micro)':>17}")
    for name, r in results.items():
        print(f"{name:<10} {r['wall']:>8.1f} {r['run']:>8.1f} {r['events']:>11,} {r['ms']:>17.2f}")
    print(f"PostgreSQL connection set-up (one per stored event in a run process): {connect_ms:.2f} ms")


if __name__ == "__main__":
    main()
