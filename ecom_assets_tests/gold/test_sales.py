"""Gold sales tables: each metric on a tiny hand-written silver input, then the sales group end to end."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ecom_assets.checks import evaluate
from ecom_assets.gold.sales import (
    coupon_performance,
    daily_business_metrics,
    daily_revenue,
    orders_for_review,
    payment_method_performance,
    regional_sales,
    sales_summary,
)
from ecom_assets.partitions import DAILY
from ecom_assets.sql_asset import run_sql
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

D1, D2, D3, D4 = (date(2026, 1, d) for d in (1, 2, 3, 4))
WINDOW = (D1, D4)  # three days: D2 has no orders, D3 no sessions
FIRST = DAILY.start.date()


def result_rows(conn: duckdb.DuckDBPyConnection, sql: str, window=WINDOW) -> list[dict]:
    return run_sql(conn, sql, window).to_pylist()


def session(sid: str, day: date, user: str, country: str | None = None, region: str | None = None) -> dict:
    return {"session_id": sid, "date": day, "user_id": user, "country": country, "region": region}


def order(oid: str, day: date, sid: str, user: str, total: str, ship: str = "0", disc: str = "0",
          first: bool = False, status: str = "completed", **extra) -> dict:
    return {"order_id": oid, "event_id": f"e-{oid}", "date": day, "session_id": sid, "user_id": user,
            "total_price": total, "shipping_price": ship, "discount": disc, "is_first_purchase": first,
            "order_status": status, **extra}


def line_item(eid: str, day: date, order_id: str, product: str | None, price: str, qty: int) -> dict:
    return {"event_id": eid, "date": day, "order_id": order_id, "product_name": product,
            "product_price": price, "product_qty": qty}


def commerce_db() -> duckdb.DuckDBPyConnection:
    """D1: five sessions (s1 with two orders, s3 a cart and no order), a cancelled order, an order whose
    session is not in the day's sessions; D2: one session, no orders; D3: one order, no sessions."""
    return silver_db({
        "sessions": [
            session("s1", D1, "u1", "DE", "BE"), session("s2", D1, "u2", "DE", "BY"),
            session("s3", D1, "u3", "FR", "IDF"), session("s4", D1, "u1", "US", "CA"),
            session("s6", D1, "u6", "FR", "IDF"), session("s5", D2, "u4", "DE", "BE"),
        ],
        "orders": [
            order("o1", D1, "s1", "u1", "100.00", "5.00", "10.00", first=True),
            order("o2", D1, "s1", "u1", "50.50", "4.50"),
            order("o3", D1, "s2", "u2", "200.00", first=True, status="cancelled"),
            order("o4", D1, "s2", "u2", "30.25", "2.25", "2.00"),
            order("o5", D1, "ghost", "u5", "19.25", "3.00", first=True),
            order("o6", D3, "s1", "u1", "12.00"),
            order("o7", D4, "s1", "u1", "999.00", first=True),
        ],
        "add_to_cart": [{"event_id": "c1", "date": D1, "session_id": "s3", "product_name": "Mug"}],
        "campaign_spend": [{"date": D1, "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "x",
                            "spend": "40.00"}],
    })


def test_daily_business_metrics_has_a_row_per_day_from_valid_orders_and_sessions():
    conn = commerce_db()
    # the drop of D1 + 3 is loaded (D1 is final); D2 and D3 wait for theirs (provisional)
    conn.execute("INSERT INTO meta.drop_loads VALUES ('orders', ?, 0, 'x', now()), "
                 "('users', ?, 0, 'x', now())", [D1 + timedelta(days=3), D2 + timedelta(days=3)])
    got = result_rows(conn, daily_business_metrics.DAILY_BUSINESS_METRICS)
    assert got == [
        # valid: o1 100 + o2 50.50 + o4 30.25 + o5 19.25 = 200.00 (o3 cancelled, o7 is D4)
        {"date": D1, "total_revenue": Decimal("200.0000"), "total_orders": 4,
         "total_sessions": 5, "total_users": 4,  # s1..s4, s6; u1 twice
         "conversion_rate": 80.0,  # 4 / 5 × 100
         "avg_order_value": 50.0,  # 200 / 4
         "new_customers": 2,  # u1 (o1), u5 (o5); u2's first purchase o3 was cancelled
         "repeat_customers": 1,  # distinct buyers u1, u2, u5 = 3 − 2
         "total_discount": Decimal("12.0000"),  # 10 + 0 + 2 + 0
         "total_shipping": Decimal("14.7500"),  # 5 + 4.5 + 2.25 + 3
         "is_provisional": False},
        {"date": D2, "total_revenue": Decimal("0.0000"), "total_orders": 0, "total_sessions": 1,
         "total_users": 1, "conversion_rate": 0.0, "avg_order_value": None, "new_customers": 0,
         "repeat_customers": 0, "total_discount": Decimal("0.0000"), "total_shipping": Decimal("0.0000"),
         "is_provisional": True},  # only another file's drop of D2 + 3 is recorded: orders stands for it
        # o6's session s1 started on D1: one order, no sessions → conversion NULL
        {"date": D3, "total_revenue": Decimal("12.0000"), "total_orders": 1, "total_sessions": 0,
         "total_users": 0, "conversion_rate": None, "avg_order_value": 12.0, "new_customers": 0,
         "repeat_customers": 1, "total_discount": Decimal("0.0000"), "total_shipping": Decimal("0.0000"),
         "is_provisional": True},
    ]


def test_regional_sales_keeps_orders_without_a_same_day_session_under_null():
    got = result_rows(commerce_db(), regional_sales.REGIONAL_SALES)
    assert got == [
        # o1 + o2 (s1) = 150.50, AOV 150.50 / 2 = 75.25
        {"date": D1, "country": "DE", "region": "BE", "orders": 2, "revenue": Decimal("150.5000"),
         "customers": 1, "avg_order_value": 75.25},
        # o4 only (o3 cancelled)
        {"date": D1, "country": "DE", "region": "BY", "orders": 1, "revenue": Decimal("30.2500"),
         "customers": 1, "avg_order_value": 30.25},
        # o5's session "ghost" is unknown; 150.50 + 30.25 + 19.25 = 200.00 = total_revenue
        {"date": D1, "country": None, "region": None, "orders": 1, "revenue": Decimal("19.2500"),
         "customers": 1, "avg_order_value": 19.25},
        # o6 on D3 belongs to s1, a D1 session: not the same day
        {"date": D3, "country": None, "region": None, "orders": 1, "revenue": Decimal("12.0000"),
         "customers": 1, "avg_order_value": 12.0},
    ]


def sale(sid: str, day: date, qty: int, unit: str, line_type: str = "sale", order_id: str | None = None):
    """A silver.fact_sales row: total_amount = qty × unit (negative qty for a return)."""
    return {"sale_id": sid, "date": day, "order_id": order_id, "quantity": qty, "unit_price": unit,
            "total_amount": Decimal(unit) * qty, "line_type": line_type}


def test_sales_summary_nets_returns_booked_on_the_day():
    conn = silver_db({
        "fact_sales": [
            sale("f1", D1, 2, "40.00"), sale("f2", D1, 1, "15.00"), sale("f3", D1, 1, "46.00"),
            sale("f4", D1, 1, "30.00"), sale("r1", D1, -1, "20.00", "return"), sale("f5", D4, 9, "9.00"),
        ],
        "returns": [
            {"event_id": "r1", "date": D1, "product_qty": 1, "refund_amount": "20.00"},
            {"event_id": "r2", "date": D1, "product_qty": 2, "refund_amount": "7.50"},
            {"event_id": "r3", "date": D2, "product_qty": 1, "refund_amount": "10.00"},
        ],
    })
    assert result_rows(conn, sales_summary.SALES_SUMMARY) == [
        # gross 80 + 15 + 46 + 30 = 171 (the return row r1 is not a sale); returns 20 + 7.50 = 27.50
        {"date": D1, "gross_revenue": Decimal("171.0000"), "returns_amount": Decimal("27.5000"),
         "net_revenue": Decimal("143.5000"), "units_sold": 5, "units_returned": 3,
         "return_rate": 60.0},  # 3 / 5 × 100
        # a day with returns and no sales: net −10, return_rate NULL (no units sold)
        {"date": D2, "gross_revenue": Decimal("0.0000"), "returns_amount": Decimal("10.0000"),
         "net_revenue": Decimal("-10.0000"), "units_sold": 0, "units_returned": 1, "return_rate": None},
        {"date": D3, "gross_revenue": Decimal("0.0000"), "returns_amount": Decimal("0.0000"),
         "net_revenue": Decimal("0.0000"), "units_sold": 0, "units_returned": 0, "return_rate": None},
    ]


def metrics_db(revenue_by_day: dict[date, str]) -> duckdb.DuckDBPyConnection:
    conn = silver_db({})
    conn.execute("CREATE SCHEMA gold")
    conn.execute("CREATE TABLE gold.daily_business_metrics (date DATE, total_revenue DECIMAL(18,4), "
                 "total_orders BIGINT)")
    for day, revenue in revenue_by_day.items():
        conn.execute("INSERT INTO gold.daily_business_metrics VALUES (?, ?, 1)", [day, revenue])
    return conn


def test_daily_revenue_averages_only_days_from_the_first_partition_on():
    conn = metrics_db({FIRST: "70.00", FIRST + timedelta(1): "0", FIRST + timedelta(2): "140.00"})
    got = result_rows(conn, daily_revenue.DAILY_REVENUE, (FIRST, FIRST + timedelta(3)))
    assert [(r["revenue"], r["revenue_7d_avg"], r["revenue_30d_avg"]) for r in got] == [
        (Decimal("70.0000"), 70.0, 70.0),  # 70 / 1 day
        (Decimal("0.0000"), 35.0, 35.0),  # (70 + 0) / 2 days
        (Decimal("140.0000"), 70.0, 70.0),  # (70 + 0 + 140) / 3 days
    ]


def test_daily_revenue_trailing_windows_end_on_the_day():
    day = FIRST + timedelta(100)
    revenue = {day - timedelta(n): "10.00" for n in range(36)}
    revenue |= {day: "80.00", day - timedelta(7): "1000.00", day - timedelta(30): "5000.00"}
    revenue[day + timedelta(1)] = "7777.00"  # after the day: never read
    conn = metrics_db(revenue)
    assert result_rows(conn, daily_revenue.DAILY_REVENUE, (day, day + timedelta(1))) == [
        {"date": day, "revenue": Decimal("80.0000"), "orders": 1,
         "revenue_7d_avg": 20.0,  # (6 × 10 + 80) / 7; day − 7 is outside
         "revenue_30d_avg": pytest.approx(1360 / 30)},  # (28 × 10 + 1000 + 80) / 30; day − 30 is outside
    ]


# -- end to end: the sales group through Dagster into a DuckDB file -----------------------------------

F0, F1 = FIRST, FIRST + timedelta(1)  # the first two partitions, so trailing windows are complete
E2E_SILVER = {
    "sessions": [session("s1", F0, "u1", "DE", "BE"), session("s2", F0, "u2", "FR", "IDF"),
                 session("s3", F1, "u3", "DE", "BE")],
    "orders": [
        order("o1", F0, "s1", "u1", "50.00", "5.00", "5.00", first=True, payment_method="paypal",
              discount_coupon_code="HELLO", total_qty=2),
        order("o2", F0, "s2", "u2", "30.00", first=True, status="cancelled", payment_method="credit_card",
              total_qty=1),
        order("o3", F0, "s1", "u1", "20.00", payment_method="credit_card",
              total_qty=2),  # one unit in its line items: qty_mismatch
        order("o4", F1, "s3", "u3", "12.00", first=True, payment_method="paypal", total_qty=1),
    ],
    "order_line_items": [
        line_item("l1", F0, "o1", "Mug", "25.00", 2), line_item("l2", F0, "o2", "Tee", "30.00", 1),
        line_item("l3", F0, "o3", "Tee", "20.00", 1), line_item("l4", F1, "o4", "Mug", "12.00", 1),
    ],
    "fact_sales": [
        sale("l1", F0, 2, "25.00", order_id="o1"), sale("l3", F0, 1, "20.00", order_id="o3"),
        sale("l4", F1, 1, "12.00", order_id="o4"), sale("r1", F1, -1, "25.00", "return", order_id="o1"),
    ],
    "returns": [{"event_id": "r1", "date": F1, "order_id": "o1", "product_name": "Mug", "product_qty": 1,
                 "refund_amount": "25.00"}],
}


def materialize_gold(tmp_path: Path, silver: dict, assets: list) -> tuple[dg.ExecuteInProcessResult, Path]:
    """Write ``silver`` into a DuckDB file and materialize ``assets`` (with checks) for F0...F1."""
    warehouse = tmp_path / "w.duckdb"
    silver_db(silver, duckdb.connect(str(warehouse))).close()
    result = materialize_range(assets, F0.isoformat(), F1.isoformat(), resources_for(tmp_path, warehouse))
    return result, warehouse


def partition_metadata(result: dg.ExecuteInProcessResult, name: str) -> dict[str, dict]:
    """Each partition's materialization metadata of ``gold.<name>`` as plain values."""
    return {
        e.materialization.partition: {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
        if e.asset_key == dg.AssetKey(["gold", name])
    }


def test_sales_group_end_to_end(tmp_path):
    modules = (daily_business_metrics, sales_summary, regional_sales, daily_revenue,
               payment_method_performance, coupon_performance, orders_for_review)
    result, warehouse = materialize_gold(tmp_path, E2E_SILVER, table_defs(*modules))
    assert result.success

    checks = {(e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert len(checks) == sum(len(m.asset_checks) for m in modules)
    assert all(checks.values()), checks

    counts = {
        name: {key: md["dagster/row_count"] for key, md in partition_metadata(result, name).items()}
        for name in ("daily_business_metrics", "sales_summary", "regional_sales", "daily_revenue",
                     "payment_method_performance", "coupon_performance", "orders_for_review")
    }
    f0, f1 = F0.isoformat(), F1.isoformat()
    assert counts == {
        "daily_business_metrics": {f0: 1, f1: 1},
        "sales_summary": {f0: 1, f1: 1},
        "regional_sales": {f0: 1, f1: 1},  # DE/BE on both days
        "daily_revenue": {f0: 1, f1: 1},
        "payment_method_performance": {f0: 2, f1: 1},  # F0: paypal, credit_card; F1: paypal
        "coupon_performance": {f0: 1, f1: 0},
        "orders_for_review": {f0: 1, f1: 0},
    }
    dbm = partition_metadata(result, "daily_business_metrics")[f0]
    # F0 valid: o1 50 + o3 20 = 70 over 2 sessions
    assert (dbm["total_revenue"], dbm["total_orders"], dbm["conversion_rate"], dbm["avg_order_value"],
            dbm["new_customers"]) == (70.0, 2, 100.0, 35.0, 1)
    assert partition_metadata(result, "sales_summary")[f1]["net_revenue"] == -13.0  # 12 − 25
    assert partition_metadata(result, "daily_revenue")[f1]["revenue_7d_avg"] == 41.0  # (70 + 12) / 2
    assert partition_metadata(result, "orders_for_review")[f0]["flagged_orders"] == 1

    with duckdb.connect(str(warehouse)) as conn:
        assert rows(conn, "SELECT date, order_id, rules, risk_score FROM gold.orders_for_review") == [
            {"date": F0, "order_id": "o3", "rules": "qty_mismatch", "risk_score": 20}
        ]
        assert rows(conn, "SELECT date, revenue, revenue_30d_avg FROM gold.daily_revenue ORDER BY date") == [
            {"date": F0, "revenue": Decimal("70.0000"), "revenue_30d_avg": 70.0},
            {"date": F1, "revenue": Decimal("12.0000"), "revenue_30d_avg": 41.0},
        ]
        conn.execute("UPDATE gold.daily_business_metrics SET total_revenue = 71 WHERE date = ?", [F0])

    # A broken number makes the reconciliation fail, naming the day and both numbers.
    claim = next(c for c in daily_business_metrics.asset_checks if c.name == "revenue_matches_silver_orders")
    with duckdb.connect(str(warehouse)) as conn:
        failed = evaluate(conn, claim)
    assert not failed.passed
    assert failed.metadata["failing_rows"].value == 1
    assert failed.description == (
        f"1 failing row(s); first: date={F0}, gold_revenue=71.0000, silver_revenue=70.0000"
    )
