"""The IO manager: atomic partition replacement, the window guard, and per-partition metadata."""

from datetime import date

import dagster as dg
import duckdb

from ecom_assets.io_manager import WarehouseIOManager
from ecom_assets.partitions import DAILY, SINGLE_RUN
from ecom_assets.reporting import measure_partitions
from ecom_assets.warehouse import TableBuild, day_windows
from ecom_assets_tests.helpers import materialize_range


def _events_asset(sql: str, chunk_days: int = 7) -> dg.AssetsDefinition:
    @dg.asset(
        key_prefix="demo",
        partitions_def=DAILY,
        backfill_policy=SINGLE_RUN,
        metadata={"partition_expr": "date"},
    )
    def events(context: dg.AssetExecutionContext) -> TableBuild:
        return TableBuild(lambda _c, _w: sql, day_windows(context, chunk_days), {"total": "SUM(amount)"})

    return events


# Two rows a day: amounts 1.10 and 2.20 → 3.30 a day.
DAILY_ROWS = """
    SELECT CAST(d AS DATE) AS date, CAST(a AS DECIMAL(18,4)) AS amount
    FROM range($start, $end, INTERVAL 1 DAY) t(d), (VALUES (1.10), (2.20)) v(a)
"""


def _io(tmp_path) -> dict:
    return {"io_manager": WarehouseIOManager(database=str(tmp_path / "w.duckdb"))}


def _table(tmp_path) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        sql = "SELECT date, count(*), sum(amount) FROM demo.events GROUP BY 1 ORDER BY 1"
        return conn.execute(sql).fetchall()


def test_range_run_in_chunks_reports_each_partition_and_replaces_on_rerun(tmp_path):
    asset = _events_asset(DAILY_ROWS, chunk_days=2)  # 5 days → chunks of 2, 2, 1
    for _ in range(2):
        result = materialize_range([asset], "2025-01-01", "2025-01-05", _io(tmp_path))
    events = result.get_asset_materialization_events()
    assert [e.materialization.partition for e in events] == [f"2025-01-0{i}" for i in range(1, 6)]
    assert {e.materialization.metadata["dagster/row_count"].value for e in events} == {2}
    assert {e.materialization.metadata["total"].value for e in events} == {3.3}
    schema = events[0].materialization.metadata["dagster/column_schema"].value
    assert [(c.name, c.type) for c in schema.columns] == [("date", "DATE"), ("amount", "DECIMAL(18,4)")]
    assert [(str(d), n) for d, n, _ in _table(tmp_path)] == [(f"2025-01-0{i}", 2) for i in range(1, 6)]


def test_rows_outside_the_window_fail_the_run_and_leave_the_table_untouched(tmp_path):
    materialize_range([_events_asset(DAILY_ROWS)], "2025-01-01", "2025-01-02", _io(tmp_path))
    leaking = _events_asset(DAILY_ROWS.replace("$end", "$end + INTERVAL 1 DAY"))
    result = materialize_range([leaking], "2025-01-01", "2025-01-02", _io(tmp_path), raise_on_error=False)
    assert not result.success
    error = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error.to_string()
    assert "2 row(s) have date outside the window [2025-01-01, 2025-01-03)" in error
    assert [(d, n) for d, n, _ in _table(tmp_path)] == [(date(2025, 1, 1), 2), (date(2025, 1, 2), 2)]


def test_a_failure_mid_range_never_leaves_a_partition_empty_or_half_written(tmp_path):
    materialize_range([_events_asset(DAILY_ROWS)], "2025-01-01", "2025-01-04", _io(tmp_path))
    # new rows are 10.00 a day; the second window (01-03, 01-04) raises while being written
    boom = "v(a) WHERE CASE WHEN CAST($start AS DATE) >= DATE '2025-01-03' THEN error('boom') ELSE true END"
    failing = _events_asset(DAILY_ROWS.replace("(1.10), (2.20)", "(4.00), (6.00)").replace("v(a)", boom), 2)
    result = materialize_range([failing], "2025-01-01", "2025-01-04", _io(tmp_path), raise_on_error=False)
    assert not result.success
    # the first window committed its replacement; the failed window rolled back to the old rows
    totals = [(n, float(total)) for _, n, total in _table(tmp_path)]
    assert totals == [(2, 10.0), (2, 10.0), (2, 3.3), (2, 3.3)]


def test_partition_kpis_are_one_query_and_ratios_of_sums_are_exact_for_any_partition_set():
    conn = duckdb.connect()
    rows = "VALUES (DATE '2025-01-01', 1, 2), (DATE '2025-01-02', 3, 2)"
    conn.execute(f"CREATE TABLE m AS SELECT * FROM ({rows}) AS v(date, orders, sessions)")
    kpis = {"orders": "SUM(orders)", "conversion_rate": "100.0 * SUM(orders) / NULLIF(SUM(sessions), 0)"}
    days = {f"2025-01-0{i}": (date(2025, 1, i), date(2025, 1, i + 1)) for i in (1, 2, 3)}
    per_day = measure_partitions(conn, "m", "date", days, kpis)
    shown = {day: (m["dagster/row_count"], m.get("orders"), m.get("conversion_rate"))
             for day, m in per_day.items()}
    assert shown == {
        "2025-01-01": (1, 1, 50.0), "2025-01-02": (1, 3, 150.0), "2025-01-03": (0, None, None),
    }
    both = measure_partitions(conn, "m", "date", {"both": (date(2025, 1, 1), date(2025, 1, 3))}, kpis)
    assert (both["both"]["orders"], both["both"]["conversion_rate"]) == (4, 100.0)  # 4 / 4, not 50 or 150
    assert "| 2025-01-01 | 1 | 2 |" in both["both"]["preview"].value
