"""The buyer's segment before the day, customer_product_interactions and campaign_customer_segments on a
tiny hand-written history (D1, D2) and two days (D3, D4), then through Dagster."""

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from ecom_assets.gold import segments
from ecom_assets.gold.marketing import session_attribution
from ecom_assets.gold.marketing.campaign_customer_segments import CAMPAIGN_CUSTOMER_SEGMENTS_SQL
from ecom_assets.gold.product import customer_product_interactions
from ecom_assets_tests.gold.test_marketing import build
from ecom_assets_tests.gold.test_sales import D1, D2, D3, D4, order
from ecom_assets_tests.helpers import silver_db

D5 = date(2026, 1, 5)
SPRING, NEWSLETTER = ("google", "cpc", "spring"), ("email", "newsletter", "jan")


def _sale(sid: str, day: date, order_id: str, user: str, product: str, qty: int, unit: str) -> dict:
    return {
        "sale_id": sid,
        "date": day,
        "order_id": order_id,
        "user_id": user,
        "product_id": product,
        "quantity": qty,
        "unit_price": unit,
        "total_amount": Decimal(unit) * qty,
        "line_type": "sale",
    }


def _stock(day: date, **stock: int) -> list[dict]:
    names = {"P1": "Mug", "P2": "Tee", "P3": "Cap"}
    return [
        {"date": day, "product_id": p, "product_name": names[p], "stock_qty": q} for p, q in stock.items()
    ]


def _session(sid: str, user: str, utm=(None, None, None), day=D3) -> dict:
    return {
        "session_id": sid,
        "user_id": user,
        "date": day,
        "channel": "Paid Search",
        **dict(zip(("utm_source", "utm_medium", "utm_campaign"), utm)),
    }


def _view(eid: str, path: str, day=D3) -> dict:
    return {"event_id": eid, "session_id": "s1", "date": day, "path": path}


SILVER = {
    "orders": [
        # history: u1 800 + 300 = 1100 → High Value; u2 300 − refund 150 = 150 → Low Value;
        # u3 250 → Medium Value; u5 only a cancelled order → New; u4, u6 no history → New
        order("h1", D1, "x", "u1", "800.00"),
        order("h2", D2, "x", "u1", "300.00"),
        order("h3", D1, "x", "u2", "300.00"),
        order("h4", D2, "x", "u3", "250.00"),
        order("h5", D1, "x", "u5", "500.00", status="cancelled"),
        # D3
        order("o1", D3, "s1", "u1", "20.00"),
        order("o2", D3, "s2", "u2", "40.00"),
        order("o3", D3, "s4", "u4", "30.00"),
        order("o4", D3, "s7", "u5", "30.00"),
        order("o5", D3, "s3", "u3", "50.00", status="cancelled"),
        # D4: u4 buys again, now with 30 of history → Low Value
        order("o6", D4, "s8", "u4", "10.00"),
    ],
    "returns": [
        {"event_id": "r1", "date": D2, "user_id": "u2", "order_id": "h3", "refund_amount": "150.00"},
        {"event_id": "r2", "date": D3, "user_id": "u3", "order_id": "h4", "refund_amount": "250.00"},  # on D3
    ],
    "fact_sales": [
        _sale("f0", D1, "h1", "u1", "P1", 4, "10.00"),
        _sale("f1", D3, "o1", "u1", "P1", 2, "10.00"),
        _sale("f2", D3, "o2", "u2", "P1", 1, "10.00"),
        _sale("f3", D3, "o2", "u2", "P2", 1, "30.00"),
        _sale("f4", D3, "o3", "u4", "P1", 3, "10.00"),
        _sale("f5", D3, "o4", "u5", "P2", 1, "30.00"),
        _sale("f6", D4, "o6", "u4", "P1", 1, "10.00"),
    ],
    # Cap (P3) has zero stock every day
    "dim_product": [
        *_stock(D1, P1=10, P2=5, P3=0),
        *_stock(D2, P1=8, P2=5, P3=0),
        *_stock(D3, P1=6, P2=2, P3=0),
        *_stock(D4, P1=5, P2=2, P3=0),
    ],
    "pageviews": [
        _view("v1", "/product/P1"),
        _view("v2", "/product/P1"),
        _view("v3", "/product/P1/"),
        _view("v4", "/product/P3"),
        _view("v5", "/product/ZZZ"),  # not in the catalogue: not a product
        _view("v6", "/cart"),
    ],
    "sessions": [
        _session("s1", "u1", SPRING),
        _session("s2", "u2", SPRING),
        _session("s3", "u3", SPRING),
        _session("s4", "u4", NEWSLETTER),
        _session("s6", "u6", SPRING),
        _session("s7", "u5"),
        _session("s8", "u4", NEWSLETTER, D4),
    ],
}


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    return silver_db(SILVER)


def test_customer_product_interactions(conn):
    got = build(
        conn,
        "customer_product_interactions",
        customer_product_interactions.CUSTOMER_PRODUCT_INTERACTIONS_SQL,
        (D3, D5),
    )
    assert [tuple(r.values()) for r in got] == [
        # date, product, name, views, purchases, conversion, revenue, units, avg price,
        # units over 30 days, mean stock over 30 days, turnover, top segment
        # Mug on D3: views v1–v3 (trailing slash ignored); orders o1, o2, o3: 3 / 3 × 100; 20 + 10 + 30 = 60
        # for 6 units; 30 days: 4 (D1) + 6 = 10 units over mean stock (10 + 8 + 6) / 3 = 8 → 1.25;
        # by segment: u1 High 20, u2 Low 10, u4 New 30 → New
        (D3, "P1", "Mug", 3, 3, 100.0, Decimal("60.0000"), 6, 10.0, 10, 8.0, 1.25, "New"),
        # Tee on D3: no views → rate NULL; o2, o4: 30 + 30 = 60 for 2 units;
        # 2 units / mean (5 + 5 + 2) / 3 = 4
        # → 0.5; u2 Low 30 and u5 New 30 (its only earlier order was cancelled): a tie, by name → Low Value
        (D3, "P2", "Tee", 0, 2, None, Decimal("60.0000"), 2, 30.0, 2, 4.0, 0.5, "Low Value"),
        # Cap on D3: one view, no sale: 0 / 1 × 100 = 0; zero stock every day: mean 0 → turnover NULL
        (D3, "P3", "Cap", 1, 0, 0.0, Decimal("0.0000"), 0, None, 0, 0.0, None, None),
        # Mug on D4: o6 by u4, whose history is now o3 (30) → Low Value; 30 days: 4 + 6 + 1 = 11 units over
        # mean stock (10 + 8 + 6 + 5) / 4 = 7.25
        (
            D4,
            "P1",
            "Mug",
            0,
            1,
            None,
            Decimal("10.0000"),
            1,
            10.0,
            11,
            7.25,
            pytest.approx(11 / 7.25),
            "Low Value",
        ),
    ]


def test_segment_reads_only_the_history_before_the_day(conn):
    conn.execute("CREATE TABLE want (date DATE, user_id VARCHAR)")
    conn.execute(
        "INSERT INTO want VALUES (?, 'u1'), (?, 'u2'), (?, 'u3'), (?, 'u3'), (?, 'u4'), (?, 'u4'), (?, NULL)",
        [D3, D3, D3, D4, D3, D4, D3],
    )
    ctes = segments.segment_ctes("users")
    sql = f"WITH users AS (SELECT * FROM want), {ctes} SELECT * FROM segments ORDER BY ALL"
    got = conn.execute(sql, {"end": D5}).fetchall()
    assert got == [
        (D3, "u1", "High Value"),  # 800 + 300 = 1100 ≥ 1000
        (D3, "u2", "Low Value"),  # 300 − 150 = 150 < 200
        (D3, "u3", "Medium Value"),  # 250; the refund of D3 itself does not count yet
        (D3, "u4", "New"),  # no order before D3
        (D3, None, "New"),  # an anonymous user has no history
        (D4, "u3", "Low Value"),  # 250 − 250 (refund of D3) = 0
        (D4, "u4", "Low Value"),  # o3 on D3: 30
    ]


def test_campaign_customer_segments(conn):
    build(conn, "session_attribution", session_attribution.SESSION_ATTRIBUTION_SQL, (D3, D5))
    got = build(conn, "campaign_customer_segments", CAMPAIGN_CUSTOMER_SEGMENTS_SQL, (D3, D5))
    assert [tuple(r.values()) for r in got] == [
        # date, source, medium, campaign, segment, sessions, conversions, revenue, conversion rate
        (D3, *NEWSLETTER, "New", 1, 1, Decimal("30.0000"), 100.0),  # s4: u4 has no history; o3
        (D3, *SPRING, "High Value", 1, 1, Decimal("20.0000"), 100.0),  # s1: u1, o1
        (D3, *SPRING, "Low Value", 1, 1, Decimal("40.0000"), 100.0),  # s2: u2, o2
        (D3, *SPRING, "Medium Value", 1, 0, Decimal("0.0000"), 0.0),  # s3: u3's o5 is cancelled
        (D3, *SPRING, "New", 1, 0, Decimal("0.0000"), 0.0),  # s6: u6, no order
        (D4, *NEWSLETTER, "Low Value", 1, 1, Decimal("10.0000"), 100.0),  # s8: u4 now has 30 of history
        # s7 carries no campaign: not a row
    ]
