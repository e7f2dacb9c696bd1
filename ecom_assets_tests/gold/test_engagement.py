"""Engagement gold tables on a tiny hand-written silver input, with hand-computed answers."""

from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from ecom_assets.gold.engagement import (
    click_heatmap,
    daily_funnel_summary,
    page_engagement_metrics,
    session_funnel,
)
from ecom_assets.gold.marketing import session_attribution
from ecom_assets_tests.gold.test_marketing import build
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

D1, D2, D3 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)


def at(hour: int, minute: int = 0, second: int = 0, day: date = D1) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _event(event_id, sid, user, time, path, **extra):
    return {"date": time.date(), "event_id": event_id, "session_id": sid, "user_id": user, "time": time,
            "path": path, **extra}


SILVER = {
    "sessions": [
        {"date": D1, "session_id": sid, "user_id": user, "time": at(hour)}
        for sid, user, hour in (("s1", "u1", 10), ("s2", "u2", 11), ("s3", "u3", 12), ("s4", "u1", 13),
                                ("s5", "u4", 15))
    ],  # D2 has no sessions at all
    "pageviews": [
        _event("e1", "s1", "u1", at(10, 0, 10), "/"),
        _event("e2", "s1", "u1", at(10, 2), "/product/p1"),
        _event("e3", "s1", "u1", at(10, 5), "/checkout"),
        _event("e4", "s2", "u2", at(11, 1), "/product/p1"),
        _event("e5", "s3", "u3", at(12, 0, 30), "/"),
        _event("e6", "sZ", "u9", at(14), "/about"),  # a session not among the day's sessions
        _event("e8", "s5", "u4", at(15), "/search"),  # same time as e7: e7 is first by event_id
        _event("e7", "s5", "u4", at(15), "/category/shoes"),
    ],
    "add_to_cart": [
        _event("c1", "s1", "u1", at(10, 3), "/product/p1"),
        _event("c2", "s1", "u1", at(10, 4), "/product/p1"),
        _event("c3", "s2", "u2", at(11, 2), "/product/p1"),  # s2: a cart and no valid order
        _event("c4", "s4", "u1", at(13, 30), "/search"),  # s4: a cart without a product view
    ],
    "orders": [
        {"date": D1, "event_id": "x1", "order_id": "o1", "session_id": "s1", "time": at(10, 10),
         "total_price": Decimal("10"), "order_status": "completed"},  # s1: a session with two orders
        {"date": D1, "event_id": "x2", "order_id": "o2", "session_id": "s1", "time": at(10, 20),
         "total_price": Decimal("20"), "order_status": "completed"},
        {"date": D1, "event_id": "x3", "order_id": "o3", "session_id": "s2", "time": at(11, 5),
         "total_price": Decimal("30"), "order_status": "cancelled"},  # a cancelled order
        {"date": D2, "event_id": "x9", "order_id": "o9", "session_id": "s3", "time": at(0, 30, day=D2),
         "total_price": Decimal("40"), "order_status": "completed"},  # next day's silver: not s3's
    ],
    "scrolls": [
        _event("r1", "s1", "u1", at(10, 1), "/", scroll_percent=40),
        _event("r2", "s3", "u3", at(12, 1), "/", scroll_percent=60),
        _event("r3", "s1", "u1", at(10, 2, 30), "/product/p1", scroll_percent=75),
    ],
    "clicks": [
        _event("k1", "s1", "u1", at(10, 2, 40), "/product/p1", target_id="add-btn", target_tag="button",
               target_text="Add to cart"),
        _event("k2", "s1", "u1", at(10, 3, 50), "/product/p1", target_id="add-btn", target_tag="button",
               target_text="Add to cart"),
        _event("k3", "s2", "u2", at(11, 1, 50), "/product/p1", target_id="add-btn", target_tag="button",
               target_text="Add to cart"),
        _event("k4", "s1", "u1", at(10, 2, 45), "/product/p1", target_id="img-1", target_tag="img"),
        # /cart: a page with a click and no pageview
        _event("k5", "s2", "u2", at(11, 3), "/cart", target_tag="a", target_text="Continue"),
    ],
}


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    db = silver_db(SILVER)
    build(db, "session_funnel", session_funnel.SESSION_FUNNEL_SQL)
    return db


def test_session_funnel(conn):
    cols = ("session_id", "had_pageview", "had_product_view", "had_add_to_cart", "had_checkout_view",
            "had_order", "time_to_cart_minutes", "time_to_order_minutes")
    funnel = rows(conn, "SELECT * FROM gold.session_funnel ORDER BY session_id")
    got = [tuple(r[c] for c in cols) for r in funnel]
    assert got == [
        # first cart 10:03 - 10:00 = 3 min; first valid order o1 10:10 -> 10 min
        ("s1", True, True, True, True, True, 3.0, 10.0),
        # cart 11:02 -> 2 min; its only order is cancelled
        ("s2", True, True, True, False, False, 2.0, None),
        # o9 is in the next day's silver, so it does not count for s3
        ("s3", True, False, False, False, False, None, None),
        # no pageview at all, a cart at 13:30 -> 30 min
        ("s4", False, False, True, False, False, 30.0, None),
        ("s5", True, False, False, False, False, None, None),
    ]


def test_daily_funnel_summary_has_a_row_for_a_day_without_sessions(conn):
    got = build(conn, "daily_funnel_summary", daily_funnel_summary.DAILY_FUNNEL_SUMMARY_SQL)
    cols = ("date", "sessions", "product_view_sessions", "cart_sessions", "checkout_sessions",
            "order_sessions", "abandoned_cart_sessions", "product_view_rate", "cart_rate", "checkout_rate",
            "order_rate", "cart_abandonment_rate")
    assert [tuple(r[c] for c in cols) for r in got] == [
        # 5 sessions: product views s1 s2, carts s1 s2 s4, checkout s1, order s1; abandoned carts s2 s4
        # rates 2/5, 3/5, 1/5, 1/5 x 100; abandonment 2/3 x 100
        (D1, 5, 2, 3, 1, 1, 2, 40.0, 60.0, 20.0, 20.0, pytest.approx(200 / 3)),
        (D2, 0, 0, 0, 0, 0, 0, None, None, None, None, None),
    ]


def test_page_engagement_metrics(conn):
    got = build(conn, "page_engagement_metrics", page_engagement_metrics.PAGE_ENGAGEMENT_METRICS_SQL)
    cols = ("page_path", "pageviews", "unique_users", "sessions_with_this_page", "avg_scroll_depth",
            "total_clicks", "entrances", "bounces", "bounce_rate")
    assert {r["date"] for r in got} == {D1}
    # entrances: s1 -> /, s2 -> /product/p1, s3 -> /, sZ -> /about, s5 -> /category/shoes (e7 < e8);
    # bounces (one pageview that day): s2, s3, sZ
    assert [tuple(r[c] for c in cols) for r in got] == [
        ("/", 2, 2, 2, 50.0, 0, 2, 1, 50.0),  # scrolls (40 + 60) / 2; 1 of 2 entrances bounced
        ("/about", 1, 1, 1, None, 0, 1, 1, 100.0),
        ("/cart", 0, 0, 0, None, 1, 0, 0, None),  # clicks but no pageview: no entrances -> NULL
        ("/category/shoes", 1, 1, 1, None, 0, 1, 0, 0.0),
        ("/checkout", 1, 1, 1, None, 0, 0, 0, None),
        ("/product/p1", 2, 2, 2, 75.0, 4, 1, 1, 100.0),
        ("/search", 1, 1, 1, None, 0, 0, 0, None),
    ]


def test_click_heatmap(conn):
    got = build(conn, "click_heatmap", click_heatmap.CLICK_HEATMAP_SQL)
    cols = ("date", "path", "target_id", "target_tag", "target_text", "clicks", "unique_users", "sessions")
    assert [tuple(r[c] for c in cols) for r in got] == [
        (D1, "/cart", None, "a", "Continue", 1, 1, 1),
        (D1, "/product/p1", "add-btn", "button", "Add to cart", 3, 2, 2),  # k1 k2 (s1) + k3 (s2)
        (D1, "/product/p1", "img-1", "img", None, 1, 1, 1),
    ]


def _business_metrics(conn, sessions: dict[date, int]) -> None:
    """A hand-written gold.daily_business_metrics (another module builds the real one)."""
    conn.execute("CREATE OR REPLACE TABLE gold.daily_business_metrics (date DATE, total_sessions BIGINT)")
    for day, count in sessions.items():
        conn.execute("INSERT INTO gold.daily_business_metrics VALUES (?, ?)", [day, count])


def test_session_counts_check_lists_disagreeing_days(conn):
    build(conn, "session_attribution", session_attribution.SESSION_ATTRIBUTION_SQL)
    _business_metrics(conn, {D1: 5})
    assert rows(conn, session_funnel.SESSION_COUNTS_SQL) == []
    _business_metrics(conn, {D1: 4})
    assert rows(conn, session_funnel.SESSION_COUNTS_SQL) == [
        {"date": D1, "funnel_sessions": 5, "silver_sessions": 5, "attribution_sessions": 5,
         "business_total_sessions": 4}
    ]


def test_end_to_end_through_dagster(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as db:
        silver_db(SILVER, db)
        db.execute("CREATE SCHEMA gold")
        _business_metrics(db, {D1: 5, D2: 0})
    result = materialize_range(
        [
            session_attribution.asset,
            *table_defs(session_funnel, daily_funnel_summary, page_engagement_metrics, click_heatmap),
        ],
        "2026-01-05", "2026-01-06", resources_for(tmp_path, warehouse),
    )
    metadata = {
        (e.materialization.asset_key.path[-1], e.materialization.partition): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    counts = {key: m["dagster/row_count"].value for key, m in metadata.items()}
    assert counts == {
        ("session_attribution", "2026-01-05"): 5, ("session_attribution", "2026-01-06"): 0,
        ("session_funnel", "2026-01-05"): 5, ("session_funnel", "2026-01-06"): 0,
        ("daily_funnel_summary", "2026-01-05"): 1, ("daily_funnel_summary", "2026-01-06"): 1,
        ("page_engagement_metrics", "2026-01-05"): 7, ("page_engagement_metrics", "2026-01-06"): 0,
        ("click_heatmap", "2026-01-05"): 3, ("click_heatmap", "2026-01-06"): 0,
    }
    # KPIs: order_rate 1/5 x 100; abandonment 2/3 x 100; 8 pageviews, bounces 3 of 5 entrances
    summary = metadata[("daily_funnel_summary", "2026-01-05")]
    pages = metadata[("page_engagement_metrics", "2026-01-05")]
    assert summary["order_rate"].value == 20.0
    assert summary["cart_abandonment_rate"].value == pytest.approx(200 / 3)
    assert (pages["pageviews"].value, pages["bounce_rate"].value) == (8, 60.0)
    checks = {(e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {
        ("session_funnel", "session_counts_agree_across_gold"): True,
        ("daily_funnel_summary", "funnel_steps_do_not_exceed_sessions"): True,
        ("daily_funnel_summary", "rates_are_percentages"): True,
        ("page_engagement_metrics", "rates_are_percentages"): True,
        ("page_engagement_metrics", "pageviews_match_silver_pageviews"): True,
        ("page_engagement_metrics", "total_clicks_match_silver_clicks"): True,
        ("click_heatmap", "clicks_match_silver_clicks"): True,
    }

