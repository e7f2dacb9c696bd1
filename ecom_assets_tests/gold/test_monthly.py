"""Monthly tables: category revenue, product performance, seasonal growth; a month through Dagster."""

import math
from datetime import date
from decimal import Decimal

import dagster as dg
import duckdb

from ecom_assets.gold.periodic import TWELVE_MONTHS_BACK
from ecom_assets.gold.product import product_category_revenue_monthly, product_performance
from ecom_assets.gold.product.product_category_revenue_monthly import CATEGORY_REVENUE_SQL
from ecom_assets.gold.product.product_performance import PRODUCT_PERFORMANCE_SQL
from ecom_assets.gold.sales import seasonal_sales_analysis
from ecom_assets.gold.sales.seasonal_sales_analysis import seasonal_sql
from ecom_assets.partitions import DAILY, MONTHLY
from ecom_assets.silver.contract import create_silver_tables
from ecom_assets.sql_asset import run_sql
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

FEB = (date(2025, 2, 1), date(2025, 3, 1))  # 28 days


def _sale(sale_id, day, order_id, product_id, qty, total, unit_cost, line_type="sale") -> dict:
    return {"sale_id": sale_id, "date": day, "order_id": order_id, "product_id": product_id, "quantity": qty,
            "total_amount": total, "unit_cost": unit_cost, "line_type": line_type}  # fmt: skip


def _product(day, product_id, category, subcategory, stock) -> dict:
    return {"date": day, "product_id": product_id, "product_name": f"name-{product_id}", "category": category,
            "subcategory": subcategory, "stock_qty": stock}  # fmt: skip


D3, D10, D20, D27 = (date(2025, 2, d) for d in (3, 10, 20, 27))
FACT_SALES = [
    _sale("s1", D3, "o1", "P1", 2, "20.00", "4.00"),  # Kitchen/Mugs
    _sale("s2", D3, "o1", "P2", 1, "30.00", "12.00"),  # Kitchen/Plates
    _sale("s3", D20, "o2", "P1", 3, "30.00", "5.00"),  # the day's unit cost changed
    _sale("r1", date(2025, 2, 21), "o1", "P1", -1, "-10.00", "4.00", "return"),  # not revenue
    _sale("s4", D10, "o3", "P5", 28, "280.00", "9.00"),  # Home/Lamps
    _sale("s5", D10, "o3", "P6", 28, "280.00", "7.00"),  # Home/Rugs
    _sale("s6", D10, "o4", "P9", 1, "7.00", None),  # a product missing from the catalogue
    _sale("s7", date(2025, 3, 1), "o5", "P1", 9, "90.00", "4.00"),  # next month
]
DIM_PRODUCT = [
    *(_product(D3, p, "Kitchen", s, 99) for p, s in (("P1", "Mugs"), ("P2", "Plates"))),
    *(_product(D10, p, "Home", s, 99) for p, s in (("P5", "Lamps"), ("P6", "Rugs"))),
    _product(D20, "P1", "Kitchen", "Mugs", 99),
    # Month end = the last snapshot of February (the 27th).
    *(
        _product(D27, p, c, s, q)
        for p, c, s, q in (
            ("P1", "Kitchen", "Mugs", 2),
            ("P2", "Kitchen", "Plates", 5),
            ("P3", "Garden", "Pots", 50),
            ("P4", "Garden", "Tools", 0),
            ("P5", "Home", "Lamps", 14),
            ("P6", "Home", "Rugs", 120),
        )
    ),
    _product(date(2025, 3, 1), "P1", "Kitchen", "Mugs", 1000),  # next month
]


def _run(sql: str, window=FEB) -> list[dict]:
    return run_sql(silver_db({"fact_sales": FACT_SALES, "dim_product": DIM_PRODUCT}), sql, window).to_pylist()


def test_category_revenue_counts_sale_rows_of_the_month_with_the_days_unit_cost():
    got = {(r["category"], r["subcategory"]): r for r in _run(CATEGORY_REVENUE_SQL)}
    cols = ("revenue", "units", "orders", "cost", "gross_profit", "margin_pct")
    assert {k: tuple(r[c] for c in cols) for k, r in got.items()} == {
        # Mugs: 20 + 30 = 50 (the return r1 does not reduce it); units 2 + 3; orders o1, o2;
        # cost 2 × 4 + 3 × 5 = 23; profit 27; margin 27 / 50 = 54 %.
        ("Kitchen", "Mugs"): (Decimal(50), 5, 2, Decimal(23), Decimal(27), 54.0),
        ("Kitchen", "Plates"): (Decimal(30), 1, 1, Decimal(12), Decimal(18), 60.0),  # 18 / 30
        ("Home", "Lamps"): (Decimal(280), 28, 1, Decimal(252), Decimal(28), 10.0),  # 28 × 9; 28 / 280
        ("Home", "Rugs"): (Decimal(280), 28, 1, Decimal(196), Decimal(84), 30.0),  # 28 × 7; 84 / 280
        (None, None): (Decimal(7), 1, 1, Decimal(0), Decimal(7), 100.0),  # unknown product, no cost
    }
    assert {r["month"] for r in got.values()} == {date(2025, 2, 1)}


def test_product_performance_measures_stock_cover_and_recommendation_order():
    got = {r["product_id"]: r for r in _run(PRODUCT_PERFORMANCE_SQL)}
    cols = ("revenue", "units", "gross_profit", "margin_pct", "units_returned", "return_rate", "stock_qty")
    assert {p: tuple(r[c] for c in cols) for p, r in got.items()} == {
        "P1": (Decimal(50), 5, Decimal(27), 54.0, 1, 20.0, 2),  # 1 returned / 5 sold
        "P2": (Decimal(30), 1, Decimal(18), 60.0, 0, 0.0, 5),
        "P3": (Decimal(0), 0, Decimal(0), None, 0, None, 50),  # in the catalogue, nothing sold
        "P4": (Decimal(0), 0, Decimal(0), None, 0, None, 0),
        "P5": (Decimal(280), 28, Decimal(28), 10.0, 0, 0.0, 14),
        "P6": (Decimal(280), 28, Decimal(84), 30.0, 0, 0.0, 120),
        "P9": (Decimal(7), 1, Decimal(7), 100.0, 0, 0.0, None),  # not in the month-end catalogue
    }
    # days_of_inventory = stock / (units / 28 days): P1 2 / (5/28) = 11.2; P2 5 × 28 = 140;
    # P5 14 / 1 = 14 (not < 14); P6 120 / 1 = 120 (not > 120); nothing sold → NULL.
    days = {p: r["days_of_inventory"] for p, r in got.items()}
    assert math.isclose(days.pop("P1"), 11.2) and days == {
        "P2": 140.0, "P3": None, "P4": None, "P5": 14.0, "P6": 120.0, "P9": None
    }  # fmt: skip
    assert {p: r["recommendation"] for p, r in got.items()} == {
        "P1": "restock",  # 11.2 < 14
        "P2": "overstocked",  # 140 > 120
        "P3": "overstocked",  # stock 50 and no sales: unbounded cover
        "P4": "restock",  # out of stock and no sales
        "P5": "review_pricing",  # 14 days is fine, margin 10 < 15
        "P6": "healthy",  # 120 days, margin 30
        "P9": "healthy",  # stock unknown, margin 100
    }
    assert (got["P1"]["category"], got["P9"]["product_name"]) == ("Kitchen", None)


# Valid orders per day: (day, total_price, status).
ORDERS = [
    ("2024-12-15", "50.00", "completed"),  # before the first daily partition: never a baseline
    ("2025-01-05", "100.00", "completed"),
    ("2025-01-06", "999.00", "cancelled"),
    ("2025-02-03", "50.00", "completed"),  # a day with two orders
    ("2025-02-03", "30.00", "completed"),
    ("2025-02-20", "40.00", "completed"),
    ("2026-02-10", "150.00", "completed"),  # January 2026 has no order at all
]


SILVER_ORDERS = [
    {"date": date.fromisoformat(d), "order_id": f"o{i}", "user_id": "u", "total_price": p, "order_status": s}
    for i, (d, p, s) in enumerate(ORDERS)
]


def _seasonal(month: date, first_day: date = date(2025, 1, 1)) -> dict:
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    [row] = run_sql(silver_db({"orders": SILVER_ORDERS}), seasonal_sql(first_day), (month, end)).to_pylist()
    return row


def test_seasonal_growth_is_null_without_a_covered_earlier_month():
    jan = _seasonal(date(2025, 1, 1))
    # December 2024 precedes the first partition: unknown, not 0 (and not the stray 50.00).
    assert (jan["revenue"], jan["orders"], jan["previous_month_revenue"]) == (Decimal(100), 1, None)
    assert (jan["mom_growth_pct"], jan["yoy_growth_pct"], jan["quarter"]) == (None, None, 1)
    feb = _seasonal(date(2025, 2, 1))
    # 50 + 30 + 40 = 120 from 3 orders; (120 − 100) / 100 = +20 %; February 2024 unknown.
    assert (feb["revenue"], feb["orders"], feb["mom_growth_pct"], feb["yoy_growth_pct"]) == (
        Decimal(120), 3, 20.0, None
    )  # fmt: skip
    # Daily revenue over 28 days: 80 (the 3rd), 40 (the 20th), 26 × 0; mean 120 / 28;
    # sample variance (80² + 40² − 28 × mean²) / 27; volatility = sd / mean × 100 ≈ 388.5 %.
    mean = 120 / 28
    sd = math.sqrt((80**2 + 40**2 - 28 * mean**2) / 27)
    assert math.isclose(feb["daily_revenue_volatility"], sd / mean * 100)
    # With daily partitions starting 2025-01-15, January is only partly covered: no baseline.
    late = _seasonal(date(2025, 2, 1), first_day=date(2025, 1, 15))
    assert (late["previous_month_revenue"], late["mom_growth_pct"]) == (None, None)


def test_seasonal_month_without_orders_and_year_over_year():
    jan = _seasonal(date(2026, 1, 1))
    # No order: revenue 0, mom vs December 2025 (0) has a zero denominator → NULL;
    # yoy (0 − 100) / 100 = −100 %; volatility's mean is 0 → NULL.
    assert (jan["revenue"], jan["orders"], jan["previous_month_revenue"]) == (Decimal(0), 0, Decimal(0))
    assert (jan["mom_growth_pct"], jan["yoy_growth_pct"], jan["daily_revenue_volatility"]) == (
        None,
        -100.0,
        None,
    )
    feb = _seasonal(date(2026, 2, 1))
    # mom vs 0 → NULL; yoy (150 − 120) / 120 = +25 %.
    assert (feb["revenue"], feb["mom_growth_pct"], feb["yoy_growth_pct"]) == (Decimal(150), None, 25.0)


def _mapped_days(month: str) -> tuple[str, str, list[str]]:
    mapping = seasonal_sales_analysis.asset.partition_mapping(dg.AssetKey(["silver", "orders"]))
    assert mapping == TWELVE_MONTHS_BACK
    result = mapping.get_upstream_mapped_partitions_result_for_partitions(
        MONTHLY.subset_with_partition_keys([month]), MONTHLY, DAILY
    )
    days = result.partitions_subset.get_partition_keys()
    return days[0], days[-1], list(result.required_but_nonexistent_partition_keys)


def test_twelve_month_look_back_mapping_stops_at_the_first_daily_partition():
    # 2026-03 reads March 2025 .. March 2026; the first month reads from the first daily partition only.
    assert _mapped_days("2026-03-01") == ("2025-03-01", "2026-03-31", [])
    first_month = date.fromisoformat(MONTHLY.get_first_partition_key())
    first, last, missing = _mapped_days(first_month.isoformat())
    assert (first, missing) == (DAILY.get_first_partition_key(), [])
    assert date.fromisoformat(last).month == first_month.month


def test_a_month_through_dagster(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        create_silver_tables(conn)
        silver_db({"orders": SILVER_ORDERS, "fact_sales": FACT_SALES, "dim_product": DIM_PRODUCT}, conn)
    modules = (seasonal_sales_analysis, product_category_revenue_monthly, product_performance)
    defs = table_defs(*modules)
    result = materialize_range(defs, "2025-02-01", "2025-02-01", resources_for(tmp_path, warehouse))
    metadata = {
        e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()
    }
    assert {e.materialization.partition for e in result.get_asset_materialization_events()} == {"2025-02-01"}
    assert {name: md["dagster/row_count"].value for name, md in metadata.items()} == {
        "seasonal_sales_analysis": 1,
        "product_category_revenue_monthly": 5,
        "product_performance": 7,
    }
    assert metadata["seasonal_sales_analysis"]["mom_growth_pct"].value == 20.0
    assert metadata["product_category_revenue_monthly"]["revenue"].value == 647.0  # 50 + 30 + 280 + 280 + 7
    assert metadata["product_performance"]["restock_products"].value == 2
    checks = {(e.asset_key.path[-1], e.check_name): e.passed for e in result.get_asset_check_evaluations()}
    assert len(checks) == sum(len(m.asset_checks) for m in modules) and all(checks.values()), checks
    with duckdb.connect(str(warehouse)) as conn:
        [season] = rows(conn, "SELECT month, revenue, orders FROM gold.seasonal_sales_analysis")
    assert season == {"month": date(2025, 2, 1), "revenue": Decimal(120), "orders": 3}
