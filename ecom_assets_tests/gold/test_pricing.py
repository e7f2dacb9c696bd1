"""The monthly pricing tables and customer_segmentation on hand-written inputs."""

from datetime import date
from decimal import Decimal

import pytest

from ecom_assets.gold.customer import customer_segmentation
from ecom_assets.gold.product.pricing_insights import PRICING_INSIGHTS_SQL
from ecom_assets.gold.product.product_revenue_payment_analysis import PRODUCT_REVENUE_PAYMENT_SQL
from ecom_assets_tests.gold.test_marketing import build
from ecom_assets_tests.gold.test_sales import D1, D2
from ecom_assets_tests.helpers import silver_db

DEC31, FEB, FEB20, MAR = date(2025, 12, 31), date(2026, 2, 1), date(2026, 2, 20), date(2026, 3, 1)
CATEGORY = {"P1": "Kitchen", "P2": "Kitchen", "P3": "Apparel", "P4": "Garden", "P5": "Toys", "P6": "Books"}


def _sale(sid, day, order_id, product, qty, unit, method="paypal", user="u1", line_type="sale") -> dict:
    return {
        "sale_id": sid,
        "date": day,
        "order_id": order_id,
        "product_id": product,
        "quantity": qty,
        "unit_price": unit,
        "total_amount": Decimal(unit) * qty,
        "payment_method": method,
        "user_id": user,
        "line_type": line_type,
    }


def _catalogue(day: date, **list_prices: str) -> list[dict]:
    return [
        {
            "date": day,
            "product_id": p,
            "product_name": p.lower(),
            "category": CATEGORY.get(p),
            "list_price": price,
        }
        for p, price in list_prices.items()
    ]


def test_product_revenue_payment_analysis_shares_each_categorys_revenue():
    conn = silver_db(
        {
            "dim_product": [
                *_catalogue(D1, P1="12", P2="30", P3="15"),
                *_catalogue(D2, P1="12", P2="30", P3="15"),
            ],
            "fact_sales": [
                _sale("f1", D1, "o1", "P1", 2, "10.00"),
                _sale("f2", D1, "o1", "P2", 1, "30.00"),
                _sale("f3", D2, "o2", "P1", 1, "10.00", "credit_card"),
                _sale("f4", D2, "o2", "P3", 2, "15.00", "credit_card"),
                _sale("f5", D2, "o1", "P1", -1, "10.00", line_type="return"),  # returns do not reduce revenue
                _sale("f6", FEB, "o3", "P1", 9, "10.00"),
                _sale("f7", DEC31, "o4", "P1", 9, "10.00"),  # other months
            ],
        }
    )
    got = build(conn, "product_revenue_payment_analysis", PRODUCT_REVENUE_PAYMENT_SQL, (D1, FEB))
    assert [tuple(r.values()) for r in got] == [
        # month, category, method, revenue, orders, units, share of the category's revenue
        (D1, "Apparel", "credit_card", Decimal("30.0000"), 1, 2, 100.0),  # f4: 2 × 15
        # Kitchen: credit_card f3 10 and paypal f1 + f2 = 20 + 30 = 50, of 60
        (D1, "Kitchen", "credit_card", Decimal("10.0000"), 1, 1, pytest.approx(100 / 6)),
        (D1, "Kitchen", "paypal", Decimal("50.0000"), 1, 3, pytest.approx(500 / 6)),
    ]


def test_pricing_insights_compares_with_the_previous_month():
    conn = silver_db(
        {
            "dim_product": [
                *_catalogue(D1, P1="12", P2="20", P3="8"),
                *_catalogue(FEB, P1="11", P2="25", P3="8", P4="10"),
                *_catalogue(FEB20, P1="12", P2="25", P3="8", P4="10"),
            ],  # P1's month-end price: 12
            "fact_sales": [  # January: P1 10 units for 100, P2 5 for 100, P4 6 for 60, P3 none
                _sale("j1", D1, "o1", "P1", 10, "10.00"),
                _sale("j2", D2, "o2", "P2", 5, "20.00"),
                _sale("j3", D2, "o3", "P4", 6, "10.00"),
            ],
        }
    )
    conn.execute("CREATE SCHEMA gold")
    conn.execute(
        "CREATE TABLE gold.product_performance (month DATE, product_id VARCHAR, product_name VARCHAR, "
        "revenue DECIMAL(18,4), units BIGINT, margin_pct DOUBLE, days_of_inventory DOUBLE)"
    )
    conn.executemany(
        "INSERT INTO gold.product_performance VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (FEB, "P1", "p1", 108, 12, 10.0, 50.0),
            (FEB, "P2", "p2", 80, 4, 30.0, 200.0),
            (FEB, "P3", "p3", 24, 3, 12.0, 10.0),
            (FEB, "P4", "p4", 20, 2, 5.0, None),
            (D1, "P1", "p1", 100, 10, 99.0, 1.0),  # January's row: not this month
        ],
    )
    got = {
        r["product_id"]: r for r in build(conn, "pricing_insights", PRICING_INSIGHTS_SQL, (FEB, MAR))
    }
    columns = [
        "list_price",
        "avg_selling_price",
        "units",
        "previous_units",
        "discount_depth_pct",
        "margin_pct",
        "price_change_pct",
        "price_elasticity",
        "pricing_action",
    ]
    assert {p: [r[c] for c in columns] for p, r in got.items()} == {
        # asp 108 / 12 = 9; depth (12 − 9) / 12 = 25 %; list 12 vs 12 → 0 %; units +20 % (12 vs 10) over
        # price −10 % (9 vs 10) → −2; margin 10 < 15 and units not falling → raise_price
        "P1": [Decimal("12.0000"), 9.0, 12, 10, 25.0, 10.0, 0.0, pytest.approx(-2.0), "raise_price"],
        # asp 80 / 4 = 20 = January's 100 / 5: price unchanged → elasticity NULL; depth (25 − 20) / 25 = 20 %;
        # list 25 vs 20 → +25 %; 200 days of inventory > 120 → discount
        "P2": [Decimal("25.0000"), 20.0, 4, 5, 20.0, 30.0, 25.0, None, "discount"],
        # not sold in January: elasticity NULL; 3 ≥ 0 units and margin 12 → raise_price
        "P3": [Decimal("8.0000"), 8.0, 3, 0, 0.0, 12.0, 0.0, None, "raise_price"],
        # not in January's catalogue: price change NULL; units fell (2 < 6), no days of inventory → hold
        "P4": [Decimal("10.0000"), 10.0, 2, 6, 0.0, 5.0, None, None, "hold"],
    }


def test_customer_segmentation_counts_the_categories_bought():
    sat, next_day = date(2026, 1, 10), date(2026, 1, 11)
    conn = silver_db(
        {
            "dim_product": [
                *_catalogue(D1, P1="1", P2="1", P3="1", P4="1", P5="1", P6="1"),
                *_catalogue(next_day, P6="1"),
            ],
            "fact_sales": [
                _sale("a", D1, "o1", "P1", 1, "5", user="u1"),
                _sale("b", D1, "o1", "P2", 1, "5", user="u1"),
                _sale("c", D1, "o1", "P3", 1, "5", user="u1"),  # u1: Kitchen ×2, Apparel → 2 categories
                _sale("d", D1, "o2", "P1", 1, "5", user="u2"),  # u2: Kitchen → 1
                *(_sale(f"e{p}", D1, "o3", p, 1, "5", user="u3") for p in ("P1", "P3", "P4", "P5")),  # u3: 4
                _sale(
                    "f", D1, "o3", "P6", -1, "5", user="u3", line_type="return"
                ),  # a return is not a purchase
                _sale("g", next_day, "o9", "P6", 1, "5", user="u3"),  # after the week: not counted
                _sale("h", D1, "o4", "P9", 1, "5", user="u4"),  # u4: a product not in the catalogue → unknown
            ],
        }
    )
    conn.execute("CREATE SCHEMA gold")
    conn.execute(
        "CREATE TABLE gold.user_lifetime_metrics (as_of_date DATE, user_id VARCHAR, value_segment VARCHAR, "
        "activity_status VARCHAR, total_revenue DECIMAL(18,4), total_orders BIGINT, avg_order_value DOUBLE, "
        "last_order_date DATE, days_since_last_order BIGINT)"
    )
    conn.executemany(
        "INSERT INTO gold.user_lifetime_metrics VALUES (?, ?, ?, 'Active', ?, ?, ?, ?, ?)",
        [
            (sat, "u1", "High Value", 1200, 3, 400.0, D1, 9),
            (sat, "u2", "Low Value", 5, 1, 5.0, D1, 9),
            (sat, "u3", "Medium Value", 20, 1, 20.0, D1, 9),
            (sat, "u4", "Low Value", 5, 1, 5.0, D1, 9),
            (date(2026, 1, 3), "u1", "Low Value", 15, 1, 15.0, D1, 2),  # the week before
        ],
    )
    got = build(
        conn,
        "customer_segmentation",
        customer_segmentation.CUSTOMER_SEGMENTATION_SQL,
        (date(2026, 1, 4), next_day),
    )
    assert [
        (
            r["customer_id"],
            r["distinct_categories"],
            r["purchase_diversity"],
            r["value_segment"],
            r["total_spend"],
            r["total_transactions"],
            r["days_since_last_purchase"],
            r["segment_date"],
        )
        for r in got
    ] == [
        ("u1", 2, "Few Categories", "High Value", Decimal("1200.0000"), 3, 9, sat),
        ("u2", 1, "Single Category", "Low Value", Decimal("5.0000"), 1, 9, sat),
        ("u3", 4, "Diverse", "Medium Value", Decimal("20.0000"), 1, 9, sat),
        ("u4", 0, None, "Low Value", Decimal("5.0000"), 1, 9, sat),
    ]
