"""The PostgreSQL instance profile (deploy/postgres/dagster.yaml) against a real PostgreSQL server.

The test starts its own server (``ecom_assets_tests.pg_server``), points a temp DAGSTER_HOME at
the profile, and runs two ``dagster asset materialize`` range runs as separate processes at the
same time on one warehouse. The test holds the only ``duckdb`` pool slot (in PostgreSQL) until
both runs report that a step waits for it, then lets go: both runs must succeed, no step of one
run may overlap a step of the other, the events must be rows of PostgreSQL's ``event_logs``
table, and the warehouse must hold every generated row of the four days.
"""

import csv
import os
import shutil
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import psycopg2
import pytest
import yaml
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

from ecom_assets.generate import generate
from ecom_assets_tests.automation.overlap import run_while_the_pool_is_held, step_intervals
from ecom_assets_tests.pg_server import PostgresServer, postgres_server

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
PROFILE = REPO / "deploy" / "postgres" / "dagster.yaml"
SELECTION = "bronze/sessions,bronze/users,silver/sessions,silver/users"
DAYS = ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04"]
RANGES = ["2025-01-01...2025-01-02", "2025-01-03...2025-01-04"]  # one run each, started together


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresServer]:
    with postgres_server(durable=False) as server:
        yield server


@pytest.fixture
def pg_instance(pg: PostgresServer, scratch: Path, monkeypatch: pytest.MonkeyPatch):
    """A DAGSTER_HOME holding a copy of the PostgreSQL profile, its env vars set, the instance open."""
    home = scratch / "dagster_home"
    home.mkdir()
    shutil.copy(PROFILE, home / "dagster.yaml")
    for name, value in pg.env.items():
        monkeypatch.setenv(name, value)
    # Creating the instance once creates its tables; two processes creating them at once could race.
    with dg.DagsterInstance.from_config(str(home)) as inst:
        yield inst


def test_profile_repeats_the_repo_settings_and_stores_everything_in_postgres(pg_instance):
    profile, repo = (yaml.safe_load(p.read_text()) for p in (PROFILE, REPO / "dagster.yaml"))
    assert set(profile.pop("storage")) == {"postgres"}
    assert profile == repo  # pools, run queue, retries, monitoring: one set of rules, two storages
    assert isinstance(pg_instance.run_storage, PostgresRunStorage)
    assert isinstance(pg_instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(pg_instance.schedule_storage, PostgresScheduleStorage)
    pools = pg_instance.get_concurrency_config().pool_config
    assert (pools.default_pool_limit, pools.pool_granularity.value) == (1, "run")


def _csv_rows(raw: Path, file_name: str) -> list[tuple[str, int]]:
    counts = []
    for day in DAYS:
        with (raw / day / file_name).open(newline="", encoding="utf-8") as f:
            counts.append((day, sum(1 for _ in csv.reader(f)) - 1))
    return counts


def _events(instance: dg.DagsterInstance, run_id: str) -> list[dg.EventLogEntry]:
    return [e for e in instance.all_logs(run_id) if e.dagster_event is not None]


def _run_interval(instance: dg.DagsterInstance, run_id: str) -> tuple[float, float]:
    stamps = {e.dagster_event_type: e.timestamp for e in _events(instance, run_id)}
    return stamps[dg.DagsterEventType.RUN_START], stamps[dg.DagsterEventType.RUN_SUCCESS]


def test_two_range_runs_on_a_postgres_instance_queue_on_the_duckdb_pool(
    pg: PostgresServer, pg_instance: dg.DagsterInstance, scratch: Path, tmp_path: Path
):
    raw, warehouse = scratch / "raw", scratch / "warehouse.duckdb"
    generate(raw, date.fromisoformat(DAYS[0]), len(DAYS), sessions_per_day=200, seed=7, progress=False)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(pg_instance.root_directory),
        "ECOM_RAW_DIR": str(raw),
        "ECOM_WAREHOUSE": str(warehouse),
        "ECOM_START_DATE": DAYS[0],
    }
    run_while_the_pool_is_held(pg_instance, env, SELECTION, RANGES, tmp_path, timeout=120)

    runs = pg_instance.get_runs()
    assert [r.status for r in runs] == [dg.DagsterRunStatus.SUCCESS] * 2
    (a_start, a_end), (b_start, b_end) = (_run_interval(pg_instance, r.run_id) for r in runs)
    assert a_start < b_end and b_start < a_end  # the runs were in flight at the same time ...
    a, b = (step_intervals(pg_instance, r.run_id) for r in runs)
    assert len(a) == len(b) == 2  # each run: the bronze step and the silver step (with its checks)
    # ... but they took turns on the one DuckDB writer slot: one run's steps, then the other's
    (first, second) = sorted([a, b])
    assert max(end for _, end in first) <= min(start for start, _ in second)

    with closing(psycopg2.connect(pg.url)) as pg_conn, pg_conn.cursor() as cur:  # events are PostgreSQL rows
        cur.execute("SELECT run_id, count(*) FROM event_logs WHERE run_id <> '' GROUP BY run_id")
        in_postgres = dict(cur.fetchall())
    assert in_postgres == {r.run_id: len(pg_instance.all_logs(r.run_id)) for r in runs}
    home = Path(pg_instance.root_directory)
    assert not list(home.rglob("*.db"))  # no SQLite storage in DAGSTER_HOME (only the steps' compute logs)

    sessions, users = _csv_rows(raw, "session_table.csv"), _csv_rows(raw, "user_table.csv")
    assert sum(n for _, n in sessions) > 4 * 100  # about 200 a day: the runs had real work
    by_day = "SELECT CAST({col} AS VARCHAR), count(*) FROM {table} GROUP BY 1 ORDER BY 1"
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        counts = {
            table: conn.execute(by_day.format(col=col, table=table)).fetchall()
            for table, col in [
                ("bronze.sessions", "_drop_date"),
                ("bronze.users", "_drop_date"),
                ("silver.sessions", "date"),
                ("silver.users", "date"),
            ]
        }
    assert counts == {"bronze.sessions": sessions, "bronze.users": users, "silver.sessions": sessions,
                      "silver.users": users}  # fmt: skip
