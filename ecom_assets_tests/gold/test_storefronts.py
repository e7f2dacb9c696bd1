"""sales_performance_metrics and storefront_performance on a tiny hand-written day, then through Dagster."""

from datetime import datetime, time
from decimal import Decimal

import duckdb
import pytest

from ecom_assets.gold.engagement import storefront_performance
from ecom_assets.gold.marketing import session_attribution
from ecom_assets.gold.sales import daily_business_metrics, sales_performance_metrics
from ecom_assets_tests.gold.test_marketing import build
from ecom_assets_tests.gold.test_sales import D1, D2, F0, F1, materialize_gold, order, partition_metadata
from ecom_assets_tests.helpers import rows, silver_db, table_defs

WWW, MOBILE = "www.lumenmart.shop", "m.lumenmart.shop"


def _session(sid: str, user: str, channel: str, day=D1) -> dict:
    return {"session_id": sid, "user_id": user, "date": day, "channel": channel}


def _view(eid: str, sid: str, domain: str, hour: int, minute: int = 0, day=D1) -> dict:
    return {
        "event_id": eid,
        "session_id": sid,
        "date": day,
        "domain": domain,
        "path": "/",
        "time": datetime.combine(day, time(hour, minute)),
    }


SILVER = {
    "sessions": [
        _session("s1", "u1", "Direct"),
        _session("s2", "u2", "Email"),
        _session("s3", "u3", "Direct"),
        _session("s4", "u4", "Email"),
        _session("s5", "u5", "Direct"),
    ],
    "pageviews": [
        _view("v1", "s1", WWW, 10),
        _view("v2", "s1", MOBILE, 10, 5),  # s1 starts on www
        _view("v3", "s2", MOBILE, 9),
        _view("v4", "s2", WWW, 9, 10),  # s2's first pageview is on m.
        _view("v5", "s3", WWW, 12),
        _view("v6", "s9", MOBILE, 13),  # a pageview of a session that did not start on D1
        # s4, s5: no pageview
    ],
    "orders": [
        order("o1", D1, "s1", "u1", "100.00"),
        order("o2", D1, "s2", "u2", "40.00"),
        order("o4", D1, "s2", "u2", "10.00"),
        order("o3", D1, "s2", "u2", "60.00", status="cancelled"),
        order("o5", D1, "ghost", "u5", "25.00"),  # its session is unknown
        order("o6", D1, "s3", "u3", "30.00"),
    ],
}


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    db = silver_db(SILVER)
    build(db, "session_attribution", session_attribution.SESSION_ATTRIBUTION_SQL, (D1, D2))
    return db


def test_sales_performance_metrics_by_the_channel_of_the_orders_session(conn):
    got = build(
        conn, "sales_performance_metrics", sales_performance_metrics.SALES_PERFORMANCE_METRICS_SQL, (D1, D2)
    )
    assert got == [
        # o1 (s1) 100 + o6 (s3) 30 = 130 from two customers; 2 orders / 3 sessions (s1, s3, s5) × 100
        {
            "date": D1,
            "channel": "Direct",
            "total_revenue": Decimal("130.0000"),
            "total_transactions": 2,
            "unique_customers": 2,
            "avg_transaction_value": 65.0,
            "sessions": 3,
            "conversion_rate": pytest.approx(200 / 3),
        },
        # o2 40 + o4 10 (o3 cancelled) = 50, one customer; 2 orders / 2 sessions (s2, s4) × 100
        {
            "date": D1,
            "channel": "Email",
            "total_revenue": Decimal("50.0000"),
            "total_transactions": 2,
            "unique_customers": 1,
            "avg_transaction_value": 25.0,
            "sessions": 2,
            "conversion_rate": 100.0,
        },
        # o5's session is not a session of D1: kept under NULL, no sessions → rate NULL
        {
            "date": D1,
            "channel": None,
            "total_revenue": Decimal("25.0000"),
            "total_transactions": 1,
            "unique_customers": 1,
            "avg_transaction_value": 25.0,
            "sessions": 0,
            "conversion_rate": None,
        },
    ]
    # 130 + 50 + 25 = 205 = the day's valid revenue (100 + 40 + 10 + 25 + 30)
    business = build(conn, "daily_business_metrics", daily_business_metrics.DAILY_BUSINESS_METRICS, (D1, D2))
    assert business[0]["total_revenue"] == Decimal("205.0000")


def test_storefront_is_the_domain_of_the_sessions_first_pageview(conn):
    got = build(conn, "storefront_performance", storefront_performance.STOREFRONT_PERFORMANCE_SQL, (D1, D2))
    assert got == [
        # s2 (first pageview v3 on m.): 1 session, converted, orders o2 + o4 = 50; pageviews on m.: v2, v3, v6
        {
            "date": D1,
            "domain": MOBILE,
            "sessions": 1,
            "pageviews": 3,
            "converted_sessions": 1,
            "orders": 2,
            "revenue": Decimal("50.0000"),
            "conversion_rate": 100.0,
        },
        # s1 and s3 start on www: both converted (o1 100, o6 30); pageviews on www: v1, v4, v5
        {
            "date": D1,
            "domain": WWW,
            "sessions": 2,
            "pageviews": 3,
            "converted_sessions": 2,
            "orders": 2,
            "revenue": Decimal("130.0000"),
            "conversion_rate": 100.0,
        },
        # s4 and s5 have no pageview: no storefront; 0 / 2 converted
        {
            "date": D1,
            "domain": None,
            "sessions": 2,
            "pageviews": 0,
            "converted_sessions": 0,
            "orders": 0,
            "revenue": Decimal("0.0000"),
            "conversion_rate": 0.0,
        },
    ]


def test_storefront_group_end_to_end(tmp_path):
    silver = {
        "sessions": [_session("s1", "u1", "Direct", F0), _session("s2", "u2", "Email", F1)],
        "pageviews": [
            _view("v1", "s1", MOBILE, 8, day=F0),
            _view("v2", "s1", WWW, 9, day=F0),
            _view("v3", "s2", WWW, 8, day=F1),
        ],
        "orders": [order("o1", F0, "s1", "u1", "20.00"), order("o2", F1, "s2", "u2", "5.00")],
    }
    everything = [
        session_attribution.asset,
        daily_business_metrics.asset,
        *table_defs(sales_performance_metrics, storefront_performance),
    ]
    result, warehouse = materialize_gold(tmp_path, silver, everything)
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    claims = [*sales_performance_metrics.asset_checks, *storefront_performance.asset_checks]
    assert len(checks) == len(claims) and all(checks.values()), checks
    metadata = partition_metadata(result, "storefront_performance")
    assert {k: (m["dagster/row_count"], m["revenue"]) for k, m in metadata.items()} == {
        F0.isoformat(): (2, 20.0),  # m. (s1's storefront, 1 pageview) and www (v2, no session)
        F1.isoformat(): (1, 5.0),
    }
    with duckdb.connect(str(warehouse)) as db:
        got = rows(
            db, "SELECT date, domain, sessions, pageviews FROM gold.storefront_performance ORDER BY ALL"
        )
    assert [tuple(r.values()) for r in got] == [(F0, MOBILE, 1, 1), (F0, WWW, 0, 1), (F1, WWW, 1, 1)]
