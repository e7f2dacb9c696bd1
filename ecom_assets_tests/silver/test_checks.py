"""Silver's blocking checks: each claim on tiny tables, then end to end through Dagster."""

import csv
import shutil
from datetime import date, timedelta

import dagster as dg
import duckdb
import pytest

from ecom_assets import bronze
from ecom_assets.generate import generate
from ecom_assets.partitions import DAILY, SINGLE_RUN
from ecom_assets.schema import SUCCESS_MARKER, TABLES, TABLES_BY_NAME
from ecom_assets.silver import checks, quarantine, tables
from ecom_assets.silver.checks import CORE_DAILY_TABLES, QUARANTINE_KEY, claims
from ecom_assets.silver.contract import QUARANTINE_REASONS
from ecom_assets.steps import PARTITION_EXPRS, Scope
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db
from ecom_assets_tests.silver import DAY, bronze_db

DAY3 = date(2026, 1, 3)


def claim(table, name):
    return next(c for c in claims(TABLES_BY_NAME[table]) if c.name == name)


def evaluate(conn, claim, days):
    """(failure count, example texts) as the claim's check reports them, on a run of ``days``
    (consecutive; none: the check of its own, over every day the table holds)."""
    window = (min(days), max(days) + timedelta(days=1)) if days else None
    result = claim.run(conn, Scope(window, PARTITION_EXPRS, daily=True))
    count = result.metadata[f"failing_{claim.unit}s"].value
    return count, result.metadata["examples"].value.splitlines() if count else []


def test_claims_of_orders_are_named_as_claims():
    assert [(c.name, c.blocking) for c in claims(TABLES_BY_NAME["orders"])] == [
        ("orders_key_is_unique_and_not_null", True),
        ("orders_order_id_is_unique_per_day", True),
        ("orders_total_price_is_not_negative", True),
        ("orders_shipping_price_is_not_negative", True),
        ("orders_discount_is_not_negative", True),
        ("orders_total_items_is_not_negative", True),
        ("orders_total_qty_is_not_negative", True),
        ("orders_payment_method_is_an_accepted_value", True),
        ("orders_order_status_is_an_accepted_value", True),
        ("orders_reference_existing_sessions", False),  # warns only
        ("orders_volume_is_usual", False),  # warns only
        ("orders_has_rows_every_day", False),  # fails, does not block
        ("orders_quarantine_rate_is_low", True),
        ("orders_bronze_rows_are_accounted_for", True),
    ]
    assert len(checks.asset_checks) == sum(len(claims(t)) for t in TABLES)


def test_key_is_unique_and_not_null():
    conn = silver_db({"orders": [
        {"date": DAY, "event_id": "e1"}, {"date": DAY, "event_id": "e1"}, {"date": DAY, "event_id": None},
        {"date": DAY3, "event_id": "e1"}, {"date": DAY, "event_id": "e2"},
    ]})
    assert evaluate(conn, claim("orders", "orders_key_is_unique_and_not_null"), []) == (2, [
        "date='2026-01-02', event_id='e1' (2 rows)", "date='2026-01-02', event_id=NULL (1 rows)",
    ])


def test_composite_key_includes_the_date_once():
    row = {"date": DAY, "utm_source": "g", "utm_medium": "cpc", "utm_campaign": "w"}
    conn = silver_db({"campaign_spend": [row, row, {**row, "utm_campaign": "x"}]})
    assert evaluate(conn, claim("campaign_spend", "campaign_spend_key_is_unique_and_not_null"), []) == (1, [
        "date='2026-01-02', utm_source='g', utm_medium='cpc', utm_campaign='w' (2 rows)",
    ])


def test_accepted_values():
    conn = silver_db({"sessions": [
        {"date": DAY, "session_id": "s1", "platform": "phone"},
        {"date": DAY, "session_id": "s2", "platform": "mobile"},
        {"date": DAY, "session_id": "s3", "platform": None},
    ]})
    assert evaluate(conn, claim("sessions", "sessions_platform_is_an_accepted_value"), []) == (1, [
        "date='2026-01-02', session_id='s1', platform='phone'",
    ])


def test_ranges():
    percents = [101, -1, 0, 100, None]
    conn = silver_db({
        "scrolls": [{"date": DAY, "event_id": f"e{i}", "scroll_percent": p} for i, p in enumerate(percents)],
        "orders": [{"date": DAY, "event_id": "e1", "discount": -0.01},
                   {"date": DAY, "event_id": "e2", "discount": 0}],
    })
    assert evaluate(conn, claim("scrolls", "scrolls_scroll_percent_is_between_0_and_100"), []) == (2, [
        "date='2026-01-02', event_id='e0', scroll_percent='101'",
        "date='2026-01-02', event_id='e1', scroll_percent='-1'",
    ])
    assert evaluate(conn, claim("orders", "orders_discount_is_not_negative"), []) == (1, [
        "date='2026-01-02', event_id='e1', discount='-0.0100'",
    ])


def test_line_items_reference_orders_of_the_same_day():
    conn = silver_db({
        "orders": [{"date": DAY, "event_id": "p1", "order_id": "o1"},
                   {"date": DAY3, "event_id": "p2", "order_id": "o2"}],
        "order_line_items": [
            {"date": DAY, "event_id": "li1", "order_id": "o1"},
            {"date": DAY, "event_id": "li2", "order_id": "o2"},  # o2 exists, but on another day
            {"date": DAY, "event_id": "li3", "order_id": None},
            {"date": DAY, "event_id": "li4", "order_id": "o4"},  # its order was quarantined: accounted for
        ],
        "quarantine": [{"date": DAY, "source_table": "orders", "reason": "unknown_value",
                        "raw": '{"event_id": "p4", "order_id": " o4 "}'},
                       {"date": DAY, "source_table": "returns", "reason": "bad_number",
                        "raw": '{"event_id": "r1", "order_id": "o2"}'}],  # another table's row: no excuse
    })
    got = evaluate(conn, claim("order_line_items", "order_line_items_reference_existing_orders"), [])
    assert got == (2, [
        "date='2026-01-02', event_id='li2', order_id='o2'",
        "date='2026-01-02', event_id='li3', order_id=NULL",
    ])


def test_orphan_orders_are_counted():
    conn = silver_db({
        "sessions": [{"date": DAY, "session_id": "s1"}],
        "orders": [{"date": DAY, "event_id": "p1", "session_id": "s1"},
                   {"date": DAY, "event_id": "p2", "session_id": "s9"}],
    })
    assert evaluate(conn, claim("orders", "orders_reference_existing_sessions"), []) == (1, [
        "date='2026-01-02', event_id='p2', session_id='s9'",
    ])


def test_order_state_is_unique_per_day():
    conn = silver_db({"orders": [
        {"date": DAY, "event_id": "e1", "order_id": "o1"}, {"date": DAY, "event_id": "e2", "order_id": "o1"},
        {"date": DAY3, "event_id": "e3", "order_id": "o1"}, {"date": DAY, "event_id": "e4", "order_id": "o2"},
    ]})
    assert evaluate(conn, claim("orders", "orders_order_id_is_unique_per_day"), []) == (1, [
        "date='2026-01-02', order_id='o1' (2 rows)",
    ])


def test_conservation_per_drop_counts_rows_on_any_event_day():
    conn = silver_db({
        "pageviews": [{"date": DAY, "event_id": "a", "_drop_date": DAY},
                      {"date": DAY3, "event_id": "b", "_drop_date": DAY3},
                      {"date": DAY, "event_id": "c", "_drop_date": DAY3}],  # a late row of drop 3 on day 2
        "quarantine": [{"date": DAY, "source_table": "pageviews", "_drop_date": DAY},
                       {"date": DAY, "source_table": "clicks", "_drop_date": DAY}],
    })
    bronze_db({"pageviews": [{"event_id": "a"}, {"event_id": "x"}, {"event_id": "y"},
                             {"event_id": "b", "_drop_date": DAY3}, {"event_id": "c", "_drop_date": DAY3}]},
              conn)
    conservation = claim("pageviews", "pageviews_bronze_rows_are_accounted_for")
    # drop 2: 3 bronze rows, a in silver, 1 quarantined, 1 missing; drop 3: b and c, on two days
    assert evaluate(conn, conservation, [DAY, DAY3]) == (
        1, ["drop 2026-01-02: bronze=3, silver=1, quarantine=1"])
    assert evaluate(conn, conservation, [DAY3]) == (0, [])
    conn.execute("DELETE FROM silver.pageviews WHERE date = ?", [DAY3]).fetchall()
    assert evaluate(conn, conservation, [DAY3]) == (1, ["drop 2026-01-03: bronze=2, silver=1, quarantine=0"])
    assert evaluate(duckdb.connect(), conservation, []) == (0, [])  # no day materialized: no table read


# ---- end to end through Dagster -------------------------------------------------------------------

D1, D2 = "2026-01-01", "2026-01-02"


def session(session_id, time, **values):
    return {"user_id": "u1", "platform": "Desktop", "country": "FR", "ip": "203.0.113.57",
            "session_id": session_id, "time": time, **values}


def order(event_id, order_id, session_id, time):
    return {"user_id": "u1", "total_price": "50.00", "shipping_price": "5.00", "discount": "0",
            "total_items": "1", "total_qty": "2", "payment_method": "paypal", "order_status": "completed",
            "is_first_purchase": "1", "event_id": event_id, "order_id": order_id, "session_id": session_id,
            "time": time}


LANDING = {
    D1: {
        "sessions": [session("s1", f"{D1}T09:00:00Z", referrer="https://www.google.com/"),
                     session("s2", f"{D1}T12:00:00+02:00", ip="2001:db8:85a3::1")],
        "orders": [order("p1", "o1", "s1", f"{D1}T09:30:00Z"), order("p1", "o1", "s1", f"{D1}T09:30:00Z")],
        "order_line_items": [{"event_id": "l1", "order_id": "o1", "session_id": "s1",
                              "time": f"{D1}T09:30:00Z", "product_name": "Lamp", "product_price": "22.50",
                              "product_qty": "2"}],
        "users": [{"user_id": "u1", "has_purchase_last_year": "0", "has_purchase_last_qtr": "0"}],
    },
    D2: {
        "sessions": [session("s3", f"{D2}T08:00:00Z", platform="Phone"), session("s4", f"{D2}T10:00:00Z")],
        "orders": [order("p2", "o2", "s4", f"{D2}T10:05:00Z"), order("p3", "o3", "s1", f"{D1}T23:59:00Z")],
        "scrolls": [{"event_id": "sc1", "session_id": "s4", "time": f"{D2}T10:01:00Z",
                     "scroll_percent": "140"}],
    },
}


def write_landing(root):
    for day, files in LANDING.items():
        folder = root / day
        folder.mkdir(parents=True)
        for table in (t for t in TABLES if t.required_file):
            with (folder / table.file_name).open("w", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=table.column_names)
                writer.writeheader()
                writer.writerows(files.get(table.name, []))
        (folder / SUCCESS_MARKER).write_text("")


SILVER_PIPELINE = [*bronze.table_assets, *tables.assets, quarantine.asset, *checks.asset_checks]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    write_landing(root / "raw")
    warehouse = root / "warehouse.duckdb"
    result = materialize_range(SILVER_PIPELINE, D1, D2, resources_for(root / "raw", warehouse))
    return warehouse, result


def test_range_run_builds_silver_and_quarantine(built):
    warehouse, _ = built
    with duckdb.connect(str(warehouse)) as conn:
        sessions = rows(conn, "SELECT date, session_id, ip_prefix, platform, channel FROM silver.sessions "
                              "ORDER BY session_id")
        assert [tuple(r.values()) for r in sessions] == [
            (date(2026, 1, 1), "s1", "203.0.113.0", "desktop", "Organic Search"),
            (date(2026, 1, 1), "s2", "2001:db8:85a3::", "desktop", "Direct"),
            (date(2026, 1, 2), "s4", "203.0.113.0", "desktop", "Direct"),
        ]
        # o3 came a day late, in the drop of Jan 2: it belongs to Jan 1
        assert rows(conn, "SELECT date, order_id, _drop_date FROM silver.orders ORDER BY 2") == [
            {"date": date(2026, 1, 1), "order_id": "o1", "_drop_date": date(2026, 1, 1)},
            {"date": date(2026, 1, 2), "order_id": "o2", "_drop_date": date(2026, 1, 2)},
            {"date": date(2026, 1, 1), "order_id": "o3", "_drop_date": date(2026, 1, 2)},
        ]
        assert [tuple(r.values()) for r in rows(
            conn, "SELECT date, source_table, _row_number, reason FROM silver.quarantine ORDER BY ALL"
        )] == [
            (date(2026, 1, 1), "orders", 3, "duplicate_key"),
            (date(2026, 1, 2), "scrolls", 2, "out_of_range"),
            (date(2026, 1, 2), "sessions", 2, "unknown_value"),
        ]


def empty_core_tables(landing: dict) -> set[str]:
    """The has-rows checks the hand-written drops fail: core tables without rows on some day
    (every failure a non-blocking error; silver still builds)."""
    return {f"{t}_has_rows_every_day" for t in CORE_DAILY_TABLES
            if any(not files.get(t) for files in landing.values())}


def test_every_check_passes_and_kpis_are_reported(built):
    _, result = built
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) == sum(len(claims(t)) for t in TABLES)
    failed = {e.check_name for e in evaluations if not e.passed}
    assert failed == empty_core_tables(LANDING) and "order_line_items_has_rows_every_day" in failed
    assert all(not e.blocking for e in evaluations if not e.passed)
    conservation = next(e for e in evaluations if e.check_name == "orders_bronze_rows_are_accounted_for")
    assert [conservation.metadata[k].value for k in ("days_evaluated", "failing_days")] == [2, 0]
    materializations = [e.materialization for e in result.get_asset_materialization_events()]
    kpis = {m.partition: m.metadata for m in materializations if m.asset_key == QUARANTINE_KEY}
    shown = ("dagster/row_count", "duplicate_key", "late_event", "unknown_value", "out_of_range",
             "bad_number")
    assert {d: [kpis[d][k].value for k in shown] for d in (D1, D2)} == {
        D1: [1, 1, 0, 0, 0, 0], D2: [2, 0, 0, 1, 1, 0],
    }


def table_counts(warehouse):
    with duckdb.connect(str(warehouse)) as conn:
        names = [*(t.name for t in TABLES), "quarantine"]
        return {n: conn.execute(f"SELECT date, count(*) FROM silver.{n} GROUP BY 1 ORDER BY 1").fetchall()
                for n in names}


def test_rerunning_the_range_replaces_its_partitions(built, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built[0], warehouse)
    before = table_counts(warehouse)
    silver_only = [*tables.assets, quarantine.asset, *checks.asset_checks]
    result = materialize_range(silver_only, D1, D2, resources_for(tmp_path / "raw", warehouse))
    failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == empty_core_tables(LANDING)
    assert table_counts(warehouse) == before
    assert before["orders"] == [(date(2026, 1, 1), 2), (date(2026, 1, 2), 1)]


@dg.asset(key=["gold", "reads_silver_orders"], deps=[dg.AssetKey(["silver", "orders"])],
          partitions_def=DAILY, backfill_policy=SINGLE_RUN)
def reads_silver_orders() -> dg.MaterializeResult:
    return dg.MaterializeResult()


def _run_orders_with_a_duplicate_on(day: str, built, tmp_path) -> dg.ExecuteInProcessResult:
    """Silver orders and a reader of them, for D2 only, after a second copy of ``day``'s order rows."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built[0], warehouse)
    with duckdb.connect(str(warehouse)) as conn:
        same_day = "SELECT * FROM silver.orders WHERE date = ? AND _drop_date = date"
        conn.execute(f"INSERT INTO silver.orders {same_day}", [day]).fetchall()
    orders = next(a for a in tables.assets if a.key == dg.AssetKey(["silver", "orders"]))
    return materialize_range(
        [orders, *claims(TABLES_BY_NAME["orders"]), reads_silver_orders], D2, D2,
        resources_for(tmp_path / "raw", warehouse), raise_on_error=False,
    )


def test_a_failed_blocking_check_stops_downstream_assets(built, tmp_path):
    result = _run_orders_with_a_duplicate_on(D2, built, tmp_path)  # D2 is unchanged: not rebuilt
    failed = {e.check_name: e for e in result.get_asset_check_evaluations() if not e.passed}
    assert list(failed) == ["orders_key_is_unique_and_not_null", "orders_order_id_is_unique_per_day",
                            "orders_bronze_rows_are_accounted_for"]  # one row more than bronze holds
    assert failed["orders_key_is_unique_and_not_null"].metadata["examples"].value == (
        "date='2026-01-02', event_id='p2' (2 rows)"
    )
    assert failed["orders_key_is_unique_and_not_null"].metadata["days_evaluated"].value == 1
    materialized = {e.materialization.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {dg.AssetKey(["silver", "orders"])}  # the downstream asset did not run
    assert [e.step_key for e in result.get_step_failure_events()] == ["silver_daily"]


def test_a_bad_old_day_does_not_block_a_new_day(built, tmp_path):
    result = _run_orders_with_a_duplicate_on(D1, built, tmp_path)  # checks look at D2, the run's day
    assert [e.check_name for e in result.get_asset_check_evaluations() if not e.passed] == []
    materialized = {e.materialization.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {dg.AssetKey(["silver", "orders"]), dg.AssetKey(["gold", "reads_silver_orders"])}


def test_generated_faults_are_all_quarantined_and_nothing_else(tmp_path):
    generated = generate(tmp_path / "raw", date(2026, 1, 1), 2, 150, 7, faults=True, progress=False)
    warehouse = tmp_path / "warehouse.duckdb"
    result = materialize_range(SILVER_PIPELINE, D1, D2, resources_for(tmp_path / "raw", warehouse))
    evaluations = result.get_asset_check_evaluations()
    assert [e.check_name for e in evaluations if not e.passed] == []
    conservation = {e.check_name: e.metadata["days_evaluated"].value for e in evaluations
                    if e.check_name.endswith("_bronze_rows_are_accounted_for")}
    assert conservation == {f"{t.name}_bronze_rows_are_accounted_for": 2 for t in TABLES}
    expected = {(f.table, f.drop_date, f.line): f.reason for f in generated.faults}
    assert {f.reason for f in generated.faults} == set(QUARANTINE_REASONS)  # every reason is exercised
    with duckdb.connect(str(warehouse)) as conn:
        day = "strftime(_drop_date, '%Y-%m-%d')"
        quarantined = conn.execute(f"SELECT source_table, {day}, _row_number, reason FROM silver.quarantine")
        quarantined = quarantined.fetchall()
        in_silver = conn.execute(" UNION ALL ".join(
            f"SELECT '{t.name}', {day}, _row_number FROM silver.{t.name}" for t in TABLES
        )).fetchall()
    assert {(t, d, n): reason for t, d, n, reason in quarantined} == expected  # all faults, no clean row
    assert set(in_silver) & set(expected) == set()  # no fault in the clean tables
