"""Gold product tables on a tiny hand-written silver input, then end to end through Dagster."""

from decimal import Decimal

import duckdb
import pytest

from ecom_assets.gold.product import product_performance_daily
from ecom_assets_tests.gold.test_sales import (
    D1,
    D2,
    E2E_SILVER,
    F0,
    F1,
    line_item,
    materialize_gold,
    order,
    partition_metadata,
    result_rows,
)
from ecom_assets_tests.helpers import rows, silver_db, table_defs


def catalogue(*days) -> list[dict]:
    return [
        {"date": day, "product_id": pid, "product_name": name}
        for day in days
        for pid, name in (("P1", "Mug"), ("P2", "Tee"), ("P3", "Cap"))
    ]


def event(eid: str, day, sid: str, **extra) -> dict:
    return {"event_id": eid, "date": day, "session_id": sid, **extra}


def test_product_performance_daily_joins_sales_carts_and_product_page_views():
    conn = silver_db({
        "dim_product": catalogue(D1, D2),
        "orders": [order("o1", D1, "s1", "u1", "53.00"),
                   order("o2", D1, "s2", "u2", "50.00", status="cancelled")],
        "order_line_items": [
            line_item("l1", D1, "o1", "Mug", "12.50", 2), line_item("l2", D1, "o1", "Tee", "20.00", 1),
            line_item("l3", D1, "o2", "Mug", "12.50", 4),  # cancelled order: not a sale
            line_item("l4", D1, "o1", "Poster", "8.00", 1),  # not in the catalogue
        ],
        "add_to_cart": [
            event("c1", D1, "s1", product_name="Mug"), event("c2", D1, "s1", product_name="Mug"),
            event("c3", D1, "s2", product_name="Mug"),
            event("c4", D1, "s3", product_name="Cap"),  # s3: a cart and no order
            event("c5", D2, "s4", product_name="Tee"),  # D2: a cart, no orders that day
        ],
        "pageviews": [
            event("v1", D1, "s1", path="/product/P1"), event("v2", D1, "s2", path="/product/P1"),
            event("v3", D1, "s3", path="/product/P1/"), event("v4", D1, "s1", path="/product/P2"),
            event("v5", D1, "s1", path="/cart"), event("v6", D2, "s4", path="/product/P1"),
        ],
        "clicks": [event("k1", D1, "s3", path="/product/P3")],  # clicks on Cap's page, no pageview
    })
    got = result_rows(conn, product_performance_daily.PRODUCT_PERFORMANCE_DAILY)
    assert list(got[0]) == [
        "date", "product_name", "product_id", "times_purchased", "total_quantity_sold", "total_revenue",
        "times_added_to_cart", "cart_to_purchase_rate", "product_views", "view_to_purchase_rate",
    ]
    third = pytest.approx(100 / 3)
    assert [tuple(r.values()) for r in got] == [
        # one cart, no sale; the click on its page is not a view: 0 views, view rate NULL
        (D1, "Cap", "P3", 0, 0, Decimal("0.0000"), 1, 0.0, 0, None),
        # l1 only (l3's order is cancelled): 2 × 12.50 = 25; carts c1–c3: 1 / 3 × 100;
        # views v1–v3 (trailing slash ignored): 1 / 3 × 100
        (D1, "Mug", "P1", 1, 2, Decimal("25.0000"), 3, third, 3, third),
        # not in dim_product: no id, views unknown (NULL)
        (D1, "Poster", None, 1, 1, Decimal("8.0000"), 0, None, None, None),
        # no cart: cart rate NULL; one view: 1 / 1 × 100
        (D1, "Tee", "P2", 1, 1, Decimal("20.0000"), 0, None, 1, 100.0),
        # D2, a day without orders: Mug was viewed but neither sold nor carted, so only Tee has a row
        (D2, "Tee", "P2", 0, 0, Decimal("0.0000"), 1, 0.0, 0, None),
    ]


def test_product_group_end_to_end(tmp_path):
    silver = {
        **E2E_SILVER,
        "dim_product": catalogue(F0, F1),
        "add_to_cart": [event("c1", F0, "s2", product_name="Cap"), event("c2", F1, "s3", product_name="Mug")],
        "pageviews": [event("v1", F0, "s1", path="/product/P1"), event("v2", F1, "s3", path="/product/P1")],
    }
    result, warehouse = materialize_gold(tmp_path, silver, table_defs(product_performance_daily))
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {"revenue_matches_valid_line_items": True, "amounts_are_not_negative": True}

    metadata = partition_metadata(result, "product_performance_daily")
    # F0: Cap (cart), Mug (l1 50), Tee (l3 20; l2's order is cancelled); F1: Mug (l4 12 and a cart)
    assert {k: (m["dagster/row_count"], m["total_revenue"]) for k, m in metadata.items()} == {
        F0.isoformat(): (3, 70.0),
        F1.isoformat(): (1, 12.0),
    }
    with duckdb.connect(str(warehouse)) as conn:
        mug = rows(conn, "SELECT date, times_purchased, times_added_to_cart, product_views "
                         "FROM gold.product_performance_daily WHERE product_name = 'Mug' ORDER BY date")
    assert [tuple(r.values()) for r in mug] == [(F0, 1, 0, 1), (F1, 1, 1, 1)]
