"""A day dropped into the landing folder ends up in DuckDB through the sensor and a real instance.

The instance is a temp DAGSTER_HOME with the repo's dagster.yaml; the sensor's tick is evaluated
against the code location's definitions (which validates its run requests against the daily
job), and each run request is executed as the daemon would run it: the daily job, in process,
with the request's partition or range tags. Then the automation sensor's conditions are asked
which unpartitioned tables to rebuild.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets.automation.jobs import RANGE_END_TAG, RANGE_START_TAG
from ecom_assets.automation.landing_sensor import landing_sensor
from ecom_assets.definitions import defs
from ecom_assets.partitions import DAILY
from ecom_assets.resources import LandingZone
from ecom_assets_tests.automation import write_drop
from ecom_assets_tests.helpers import resources_for

ORDERS = dg.AssetKey(["bronze", "orders"])
DAYS = [(DAILY.start.date() + timedelta(days=n)).isoformat() for n in (30, 31, 32)]
# the three days before the first drop: its restatement window (no drops of their own)
WINDOW = [(DAILY.start.date() + timedelta(days=n)).isoformat() for n in (27, 28, 29)]
QUIET = (0.0, 0, 0, None)  # a day without sessions or orders


def location(raw: Path, warehouse: Path) -> dg.Definitions:
    """The code location's definitions, with resources on temp paths."""
    return dg.Definitions(
        assets=defs.assets,
        asset_checks=defs.asset_checks,
        jobs=defs.jobs,
        sensors=defs.sensors,
        schedules=defs.schedules,
        resources=resources_for(raw, warehouse),
        executor=dg.in_process_executor,
    )


def run_tick(code: dg.Definitions, instance: dg.DagsterInstance, raw: Path, cursor: str | None):
    """One sensor tick; every run request is executed like the daemon would. Returns the tick's data."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, definitions=code, resources={"landing": LandingZone(root=str(raw))}
    )
    data = landing_sensor.evaluate_tick(context)
    job = code.resolve_job_def("daily_job")
    for request in data.run_requests:
        result = job.execute_in_process(
            run_config=request.run_config,
            instance=instance,
            partition_key=request.partition_key,
            tags=request.tags,
        )
        assert result.success
    return data


def orders_per_day(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        sql = "SELECT CAST(_drop_date AS VARCHAR), count(*) FROM bronze.orders GROUP BY 1 ORDER BY 1"
        return dict(conn.execute(sql).fetchall())


def daily_metrics(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        sql = (
            "SELECT CAST(date AS VARCHAR), CAST(total_revenue AS DOUBLE), total_orders, total_sessions, "
            "CAST(conversion_rate AS DOUBLE) FROM gold.daily_business_metrics ORDER BY 1"
        )
        return {r[0]: r[1:] for r in conn.execute(sql).fetchall()}


def test_a_dropped_day_reaches_the_warehouse_through_the_sensor(scratch: Path, instance: dg.DagsterInstance):
    raw, warehouse = scratch / "raw", scratch / "warehouse.duckdb"
    code = location(raw, warehouse)
    before = dg.evaluate_automation_conditions(defs=code, instance=instance)  # the automation sensor's tick

    # 1. A new complete day: one run of the daily job over the day and its restatement window.
    write_drop(raw, DAYS[0])
    write_drop(raw, DAYS[1], complete=False)  # still being written: not loaded
    first = run_tick(code, instance, raw, cursor=None)
    ranges = [(r.partition_key, r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]) for r in first.run_requests]
    assert ranges == [(None, WINDOW[0], DAYS[0])]
    assert sorted(json.loads(first.cursor)) == [DAYS[0]]
    assert orders_per_day(warehouse) == {DAYS[0]: 1}
    assert instance.get_materialized_partitions(ORDERS) == {*WINDOW, DAYS[0]}
    # one completed order of 10.00 in the day's one session: revenue, orders, sessions, conversion %
    assert daily_metrics(warehouse) == {**dict.fromkeys(WINDOW, QUIET), DAYS[0]: (10.0, 1, 1, 100.0)}

    # 2. Nothing new: the next tick skips.
    assert run_tick(code, instance, raw, first.cursor).skip_message.startswith("No new or changed")

    # 3. The day is re-delivered with its order cancelled, and two more days complete: ONE range
    #    run over the three consecutive drops and their window, which replaces the first day.
    orders = raw / DAYS[0] / "order_table.csv"
    orders.write_text(orders.read_text().replace(",completed,", ",cancelled,"))  # same size
    os.utime(orders, ns=(orders.stat().st_atime_ns, orders.stat().st_mtime_ns + 10**9))
    (raw / DAYS[1] / "_SUCCESS").write_text("")
    write_drop(raw, DAYS[2])
    third = run_tick(code, instance, raw, first.cursor)
    ranges = [(r.partition_key, r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]) for r in third.run_requests]
    assert ranges == [(None, WINDOW[0], DAYS[2])]
    assert orders_per_day(warehouse) == {DAYS[0]: 1, DAYS[1]: 1, DAYS[2]: 1}
    assert instance.get_materialized_partitions(ORDERS) == {*WINDOW, *DAYS}
    # a cancelled order is no revenue and no order; its session still counts
    assert daily_metrics(warehouse) == {
        **dict.fromkeys(WINDOW, QUIET),
        DAYS[0]: (0.0, 0, 1, 0.0),
        DAYS[1]: (10.0, 1, 1, 100.0),
        DAYS[2]: (10.0, 1, 1, 100.0),
    }

    # 4. After the daily runs, the automation sensor's conditions rebuild every unpartitioned table.
    full = {key for key, tags in _tags(code).items() if tags.get("cadence") == "full"}
    assert full  # silver.dim_date, silver.dim_customer, ...
    evaluation = dg.evaluate_automation_conditions(defs=code, instance=instance, cursor=before.cursor)
    requested = {r.key for r in evaluation.results if r.true_subset.size > 0}
    assert requested == full


def _tags(code: dg.Definitions) -> dict[dg.AssetKey, dict[str, str]]:
    graph = code.resolve_asset_graph()
    return {key: dict(graph.get(key).tags) for key in graph.get_all_asset_keys()}
