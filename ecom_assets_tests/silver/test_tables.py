"""The typed silver tables, from hand-written bronze rows."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from ecom_assets.partitions import DAILY
from ecom_assets.schema import TABLES, TABLES_BY_NAME
from ecom_assets.silver.contract import typed_columns
from ecom_assets.silver.tables import assets, silver_sql
from ecom_assets_tests.helpers import rows
from ecom_assets_tests.silver import DAY, bronze_db

WINDOW = (DAY, date(2026, 1, 3))


def silver(conn, table, window=WINDOW):
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _out AS {silver_sql(TABLES_BY_NAME[table])}",
                 {"start": window[0], "end": window[1]}).fetchall()
    return rows(conn, "SELECT * FROM _out ORDER BY _row_number")


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_columns_and_types_are_exactly_the_contract(table):
    conn = bronze_db({})
    silver(conn, table.name)
    described = [(r[0], r[1]) for r in conn.execute("DESCRIBE _out").fetchall()]
    assert described == typed_columns(table)


def test_every_table_has_one_daily_asset_with_tags():
    assert [a.key.path for a in assets] == [["silver", t.name] for t in TABLES]
    for a in assets:
        tags = a.spec.tags
        assert (tags["layer"], tags["cadence"]) == ("silver", "daily")
        assert a.partitions_def is DAILY


ORDER = {
    "event_id": " e1 ", "user_id": "u1 ", "session_id": "s1", "order_id": "o1",
    "time": "2026-01-02T10:12:33.123+02:00", "total_price": " 105.49 ", "shipping_price": "5.50",
    "discount": "0", "discount_coupon_code": "   ", "total_items": "2", "total_qty": "3",
    "payment_method": " PayPal ", "order_status": "Completed", "is_first_purchase": "TRUE",
}


def test_orders_are_typed_trimmed_and_lower_cased():
    second_order = {**ORDER, "event_id": "e2", "order_id": "o2", "is_first_purchase": "0", "time": None}
    conn = bronze_db({"orders": [ORDER, second_order]})
    first, second = silver(conn, "orders")
    assert first == {
        "date": DAY, "event_id": "e1", "user_id": "u1", "session_id": "s1", "order_id": "o1",
        "time": datetime(2026, 1, 2, 8, 12, 33, 123000), "total_price": Decimal("105.4900"),
        "shipping_price": Decimal("5.5000"), "discount": Decimal("0.0000"), "discount_coupon_code": None,
        "total_items": 2, "total_qty": 3, "payment_method": "paypal", "order_status": "completed",
        "is_first_purchase": True, "updated_at": None, "_drop_date": DAY,
        "_source_file": "2026-01-02/order_table.csv",
        "_row_number": 2,
    }
    assert (second["event_id"], second["is_first_purchase"], second["time"]) == ("e2", False, None)


def test_duplicates_keep_the_first_valid_row_by_row_number():
    conn = bronze_db({"pageviews": [
        # listed out of physical order: the row number decides, not the insertion order
        {"event_id": "p1", "path": "/c", "time": "2026-01-02T09:00:00Z", "_row_number": 5},
        {"event_id": "p1", "path": "/bad", "time": "not a time", "_row_number": 2},  # fails: not a candidate
        {"event_id": " p1", "path": "/b", "time": "2026-01-02T08:00:00Z", "_row_number": 3},  # trimmed key
        {"event_id": "p2", "path": "/a", "time": "2026-01-02T07:00:00Z", "_row_number": 4},
    ]})
    kept = silver(conn, "pageviews")
    assert [(r["event_id"], r["path"], r["_row_number"]) for r in kept] == [("p1", "/b", 3), ("p2", "/a", 4)]


def test_same_key_on_another_day_is_not_a_duplicate():
    conn = bronze_db({"products": [
        {"product_id": "P1", "unit_cost": "4", "_drop_date": date(2026, 1, 2)},
        {"product_id": "P1", "unit_cost": "5", "_drop_date": date(2026, 1, 3)},
    ]})
    kept = silver(conn, "products", (date(2026, 1, 2), date(2026, 1, 4)))
    assert [(r["date"], r["unit_cost"]) for r in kept] == [
        (date(2026, 1, 2), Decimal("4.0000")), (date(2026, 1, 3), Decimal("5.0000"))
    ]


def test_only_the_window_is_emitted():
    conn = bronze_db({"users": [
        {"user_id": "u1", "_drop_date": date(2026, 1, 1)},
        {"user_id": "u2", "_drop_date": date(2026, 1, 2)},
        {"user_id": "u3", "_drop_date": date(2026, 1, 3)},
    ]})
    assert [r["user_id"] for r in silver(conn, "users")] == ["u2"]


def test_sessions_keep_an_ip_prefix_and_get_a_channel():
    base = {"user_id": "u1", "time": "2026-01-02T08:00:00Z", "platform": "Desktop"}
    conn = bronze_db({"sessions": [
        {**base, "session_id": "s1", "ip": "203.0.113.57", "referrer": "https://www.google.com/",
         "utm_source": "Facebook", "utm_medium": "CPC"},
        {**base, "session_id": "s2", "ip": " 2001:db8:85a3:1:2:3:4:5 ", "referrer": "https://www.google.com/"},
        {**base, "session_id": "s3", "ip": "garbage", "utm_medium": "Email"},
    ]})
    got = silver(conn, "sessions")
    assert "ip" not in got[0]
    columns = ("session_id", "ip_prefix", "channel", "utm_source", "utm_medium")
    assert [tuple(r[c] for c in columns) for r in got] == [
        ("s1", "203.0.113.0", "Paid Social", "facebook", "cpc"),
        ("s2", "2001:db8:85a3::", "Organic Search", None, None),
        ("s3", None, "Email", None, "email"),
    ]


def test_campaign_spend_date_is_the_drop_date_and_the_key_is_normalised():
    row = {"date": "2026-01-02", "utm_source": "Google", "utm_medium": "cpc", "utm_campaign": "winter",
           "spend": "120.50", "impressions": "1000", "clicks": "40"}
    conn = bronze_db({"campaign_spend": [row, {**row, "utm_source": " google", "spend": "999"}]})
    (only,) = silver(conn, "campaign_spend")
    assert (only["date"], only["utm_source"], only["spend"], only["_row_number"]) == (
        DAY, "google", Decimal("120.5000"), 2
    )


def test_users_without_event_time_are_never_late():
    conn = bronze_db({"users": [{
        "user_id": "u1", "has_purchase_last_year": "1", "has_purchase_last_qtr": "false",
        "registration_date": "2024-05-01", "email_verified": "True", "customer_tier": " VIP ",
    }]})
    (user,) = silver(conn, "users")
    assert (user["registration_date"], user["has_purchase_last_year"], user["has_purchase_last_qtr"],
            user["email_verified"], user["customer_tier"]) == (date(2024, 5, 1), True, False, True, "vip")
