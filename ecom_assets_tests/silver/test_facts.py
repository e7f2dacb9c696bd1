"""Silver facts on tiny hand-written silver inputs (expected values worked out by hand), and an end-to-end
materialization of the dimensions and facts through Dagster into a temporary DuckDB file."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from ecom_assets import silver
from ecom_assets.checks import failing_rows
from ecom_assets.partitions import DAILY
from ecom_assets.silver import dimensions as dims
from ecom_assets.silver import facts
from ecom_assets.silver.contract import DIMS_AND_FACTS
from ecom_assets.sql_asset import run_sql
from ecom_assets.steps import definitions_for
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db

D = date(2026, 3, 15)
DAY = (D, D + timedelta(days=1))
TEN_DAYS_BEFORE = D - timedelta(days=10)
SEVENTY_DAYS_BEFORE = D - timedelta(days=70)


def at(day: date, hms: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hms}")


def product(day, product_id, name, cost, stock=50) -> dict:
    return {"date": day, "product_id": product_id, "product_name": name, "unit_cost": cost,
            "stock_qty": stock}


def order(day, order_id, session_id, payment, status="completed", user_id="u1") -> dict:
    return {"date": day, "event_id": f"E-{order_id}", "order_id": order_id, "user_id": user_id,
            "session_id": session_id, "time": at(day, "10:00:00"), "payment_method": payment,
            "order_status": status, "_row_number": 1}


def line_item(day, event_id, order_id, name, price, qty) -> dict:
    return {"date": day, "event_id": event_id, "order_id": order_id, "user_id": "u1", "session_id": "ignored",
            "time": at(day, "10:00:00"), "product_name": name, "product_price": price, "product_qty": qty}


def session(day, session_id, channel, device="mobile") -> dict:
    return {"date": day, "session_id": session_id, "channel": channel, "device_type": device,
            "time": at(day, "09:00:00"), "_row_number": 1}


SALES_INPUT = {
    "sessions": [
        session(D, "S-1", "Paid Search"),
        session(TEN_DAYS_BEFORE, "S-10", "Email"),
        session(SEVENTY_DAYS_BEFORE, "S-70", "Direct"),
    ],
    "orders": [
        order(D, "O-1", "S-1", "credit_card"),
        order(D, "O-2", "S-1", "paypal", status="cancelled"),
        order(TEN_DAYS_BEFORE, "O-10", "S-10", "paypal", user_id="u10"),
        order(SEVENTY_DAYS_BEFORE, "O-70", "S-70", "gift_card", user_id="u70"),
    ],
    "order_line_items": [
        line_item(D, "LI-1", "O-1", "Mug", 12.5, 2),
        line_item(D, "LI-2", "O-1", "Tee", 19.99, 1),
        line_item(D, "LI-3", "O-2", "Mug", 12.5, 1),  # cancelled order: not a sale
        line_item(TEN_DAYS_BEFORE, "LI-0", "O-10", "Lamp", 34, 2),  # another day: not in the window
    ],
    "returns": [
        # one of the two lamps bought ten days before, partly refunded
        {"date": D, "event_id": "R-1", "order_id": "O-10", "user_id": "u10", "time": at(D, "15:00:00"),
         "product_name": "Lamp", "product_qty": 1, "refund_amount": 30},
        # three mugs of an order 70 days old: the order is not found within 60 days
        {"date": D, "event_id": "R-2", "order_id": "O-70", "user_id": "u70", "time": at(D, "16:00:00"),
         "product_name": "Mug", "product_qty": 3, "refund_amount": 10},
    ],
    "dim_product": [
        product(D, "P-1", "Mug", 4),
        product(D, "P-2", "Tee", 7.5),
        product(D, "P-3", "Lamp", 15),
        product(TEN_DAYS_BEFORE, "P-3", "Lamp", 14),  # the cost of the day is used, not the sale's
    ],
}


@pytest.mark.parametrize("name, sql", [("fact_sales", facts.FACT_SALES_SQL),
                                       ("fact_user_activity", facts.FACT_USER_ACTIVITY_SQL)])
def test_columns_and_types_are_the_contract(name, sql):
    got = silver_db({}).execute(f"DESCRIBE ({sql})", {"start": D, "end": D}).fetchall()
    assert [(r[0], r[1]) for r in got] == DIMS_AND_FACTS[name]


def test_fact_sales_sales_and_returns():
    got = run_sql(silver_db(SALES_INPUT), facts.FACT_SALES_SQL, DAY).to_pylist()
    assert [tuple(r.values()) for r in got] == [  # contract order; sales first, then returns
        (D, "LI-1", "O-1", "u1", "S-1", "P-1", "Mug", 2, Decimal("12.5"), Decimal("25.00"), Decimal(4),
         "sale", "Paid Search", "credit_card"),
        (D, "LI-2", "O-1", "u1", "S-1", "P-2", "Tee", 1, Decimal("19.99"), Decimal("19.99"), Decimal("7.5"),
         "sale", "Paid Search", "credit_card"),
        # partial return: −1 unit, unit_price = 30 / 1, total −30; session, channel, payment of O-10
        (D, "R-1", "O-10", "u10", "S-10", "P-3", "Lamp", -1, Decimal(30), Decimal(-30), Decimal(15),
         "return", "Email", "paypal"),
        # order older than 60 days: kept, NULL session/channel/payment; unit_price 10 / 3 = 3.3333,
        # total exactly −10 (3 × 3.3333 = 9.9999: the rounding the description documents)
        (D, "R-2", "O-70", "u70", None, "P-1", "Mug", -3, Decimal("3.3333"), Decimal(-10), Decimal(4),
         "return", None, None),
    ]


def test_fact_sales_checks_on_the_built_table():
    conn = silver_db(SALES_INPUT)
    conn.execute(f"INSERT INTO silver.fact_sales {facts.FACT_SALES_SQL}", {"start": D, "end": DAY[1]})
    assert failing_rows(conn, facts.SALE_ID_IS_UNIQUE.failing) == (0, [])
    # sale rows 25.00 + 19.99 = 44.99 = line items of the valid order O-1 (LI-3 of O-2 is cancelled)
    assert failing_rows(conn, facts.REVENUE_MATCHES_VALID_LINE_ITEMS.failing) == (0, [])
    assert failing_rows(conn, facts.RETURNS_FIND_THEIR_ORDER.failing) == (
        1, [{"date": D, "sale_id": "R-2", "order_id": "O-70"}]
    )
    conn.execute("UPDATE silver.fact_sales SET total_amount = 20 WHERE sale_id = 'LI-2'")
    assert failing_rows(conn, facts.REVENUE_MATCHES_VALID_LINE_ITEMS.failing) == (
        1, [{"date": D, "fact_sales": Decimal("45.0000"), "line_items": Decimal("44.9900")}]
    )
    conn.execute("INSERT INTO silver.fact_sales (date, sale_id) VALUES (DATE '2026-03-16', 'LI-1')")
    assert failing_rows(conn, facts.SALE_ID_IS_UNIQUE.failing) == (1, [{"sale_id": "LI-1", "row_count": 2}])


def event(day, event_id, session_id, hms, path, name=None) -> dict:
    row = {"date": day, "event_id": event_id, "user_id": "u1", "session_id": session_id, "time": at(day, hms),
           "path": path}
    return {**row, "product_name": name} if name else row


ACTIVITY_INPUT = {
    "sessions": [
        session(D, "S-1", "Direct", "mobile"),
        session(D - timedelta(days=1), "S-2", "Email", "desktop"),
    ],
    "dim_product": [product(D, "P-1", "Mug", 4)],
    "pageviews": [
        event(D, "PV-1", "S-1", "10:00:00", "/product/P-9"),
        event(D, "PV-N", None, "10:00:00", "/"),  # no session: no next event
        event(D + timedelta(days=1), "PV-X", "S-1", "10:00:00", "/"),  # next day: not in the window
    ],
    "clicks": [event(D, "CL-1", "S-1", "10:00:30", "/product/P-9?ref=home")],
    "add_to_cart": [
        event(D, "AC-1", "S-1", "10:01:15", "/cart", name="Mug"),  # product by name, path has none
        event(D, "AC-2", "S-2", "00:05:00", "/product/P-7", name="Unknown"),  # not in dim_product: path
    ],
    "scrolls": [event(D, "SC-1", "S-2", "00:05:00", "/")],  # same time as AC-2: AC-2 < SC-1 by event_id
}


def test_fact_user_activity_time_spent_and_product_ids():
    got = run_sql(silver_db(ACTIVITY_INPUT), facts.FACT_USER_ACTIVITY_SQL, DAY).to_pylist()
    shown = ("event_id", "event_type", "session_id", "product_id", "page_url", "device_type", "event_time",
             "time_spent_seconds")
    assert [tuple(r[c] for c in shown) for r in got] == [
        ("PV-1", "pageview", "S-1", "P-9", "/product/P-9", "mobile", at(D, "10:00:00"), 30.0),
        ("CL-1", "click", "S-1", "P-9", "/product/P-9?ref=home", "mobile", at(D, "10:00:30"), 45.0),
        ("AC-1", "add_to_cart", "S-1", "P-1", "/cart", "mobile", at(D, "10:01:15"), None),
        # session S-2 started the day before (device found one day back); a tie on time is ordered by event_id
        ("AC-2", "add_to_cart", "S-2", "P-7", "/product/P-7", "desktop", at(D, "00:05:00"), 0.0),
        ("SC-1", "scroll", "S-2", None, "/", "desktop", at(D, "00:05:00"), None),
        ("PV-N", "pageview", None, None, "/", None, at(D, "10:00:00"), None),
    ]
    assert {r["date"] for r in got} == {D}


def test_fact_user_activity_event_id_check_counts_duplicates():
    events = [{"date": D, "event_id": "E-1"}, {"date": DAY[1], "event_id": "E-1"},
              {"date": D, "event_id": "E-2"}]
    conn = silver_db({"fact_user_activity": events})
    assert failing_rows(conn, facts.EVENT_ID_IS_UNIQUE.failing) == (1, [{"event_id": "E-1", "row_count": 2}])


def _mapping(table, key: dg.AssetKey) -> dg.PartitionMapping:
    return next(d.partition_mapping for d in table.spec.deps if d.asset_key == key)


def test_look_back_dependencies():
    orders = _mapping(facts.fact_sales, facts.silver_key("orders"))
    sessions = _mapping(facts.fact_user_activity, facts.silver_key("sessions"))
    assert (orders.start_offset, orders.end_offset) == (-60, 0)
    assert (sessions.start_offset, sessions.end_offset) == (-1, 0)


def test_end_to_end_materialization_into_a_duckdb_file(tmp_path):
    """Silver inputs written into the file; dimensions and facts materialized by Dagster, checks run."""
    warehouse = tmp_path / "warehouse.duckdb"
    inputs = {
        name: rows_ for name, rows_ in {**SALES_INPUT, **ACTIVITY_INPUT}.items() if name != "dim_product"
    }
    inputs["sessions"] = SALES_INPUT["sessions"] + ACTIVITY_INPUT["sessions"][1:]
    inputs["returns"] = SALES_INPUT["returns"][:1]  # every return finds its order: all checks pass
    inputs["products"] = SALES_INPUT["dim_product"][:3]  # the same columns exist in silver.products
    inputs["users"] = [{"date": D, "user_id": "u1", "has_purchase_last_year": True, "_row_number": 1}]
    conn = duckdb.connect(str(warehouse))
    silver_db(inputs, conn)
    conn.close()

    # the whole silver layer is defined (so the dependencies resolve); only the dimensions and facts run
    definitions = [*silver.table_assets, *dims.asset_checks, *facts.asset_checks]
    my_checks = [*dims.asset_checks, *facts.asset_checks]
    resources = resources_for(tmp_path / "raw", warehouse)
    daily = dg.AssetSelection.assets(dims.dim_product.key, *(a.key for a in facts.assets))
    result = materialize_range(definitions, str(D - timedelta(days=1)), str(D), resources, selection=daily)
    full = dg.materialize(definitions_for(definitions), resources=resources,
                          selection=dg.AssetSelection.assets(dims.dim_date.key, dims.dim_customer.key))

    evaluations = [*result.get_asset_check_evaluations(), *full.get_asset_check_evaluations()]
    assert sorted(e.check_name for e in evaluations if e.passed) == sorted(
        check.spec.name for check in my_checks
    )
    conn = duckdb.connect(str(warehouse), read_only=True)
    sales = "SELECT sale_id, line_type, total_amount, channel FROM silver.fact_sales ORDER BY ALL"
    assert rows(conn, sales) == [
        {"sale_id": "LI-1", "line_type": "sale", "total_amount": Decimal("25"), "channel": "Paid Search"},
        {"sale_id": "LI-2", "line_type": "sale", "total_amount": Decimal("19.99"), "channel": "Paid Search"},
        {"sale_id": "R-1", "line_type": "return", "total_amount": Decimal("-30"), "channel": "Email"},
    ]
    per_day = "SELECT date, count(*) AS n FROM silver.{} GROUP BY ALL ORDER BY ALL"
    assert rows(conn, per_day.format("fact_user_activity")) == [{"date": D, "n": 6}]
    assert rows(conn, per_day.format("dim_product")) == [{"date": D, "n": 3}]
    assert rows(conn, "SELECT user_id, valid_from, is_current FROM silver.dim_customer") == [
        {"user_id": "u1", "valid_from": D, "is_current": True}
    ]
    assert conn.execute("SELECT count(*) FROM silver.dim_date").fetchall()[0][0] > 0
    conn.close()
    materializations = [e.materialization for e in result.get_asset_materialization_events()
                        if e.asset_key == facts.fact_sales.key]
    kpis = {m.partition: {k: m.metadata[k].value for k in ("gross_sales", "returns_amount", "units_sold")}
            for m in materializations}
    assert kpis == {  # per partition, also in a range run
        str(D - timedelta(days=1)): {"gross_sales": 0.0, "returns_amount": 0.0, "units_sold": 0},
        str(D): {"gross_sales": 44.99, "returns_amount": 30.0, "units_sold": 3},
    }


def test_first_partition_looks_back_to_no_missing_days():
    first = DAILY.empty_subset().with_partition_keys([DAILY.get_first_partition_key()])
    mapping = _mapping(facts.fact_sales, facts.silver_key("orders"))
    result = mapping.get_upstream_mapped_partitions_result_for_partitions(first, DAILY, DAILY)
    assert result.partitions_subset.get_partition_keys() == [DAILY.get_first_partition_key()]
    assert result.required_but_nonexistent_subset.is_empty
