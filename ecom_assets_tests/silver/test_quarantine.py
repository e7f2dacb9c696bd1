"""The quarantine: every rejected bronze row with its first reason, detail and raw row."""

import json
from datetime import date

import pytest

from ecom_assets.schema import TABLES, TABLES_BY_NAME
from ecom_assets.silver.contract import QUARANTINE, QUARANTINE_REASONS
from ecom_assets.silver.quarantine import QUARANTINE_SQL, asset
from ecom_assets.silver.rules import quarantine_rules
from ecom_assets.silver.tables import silver_sql
from ecom_assets_tests.helpers import rows
from ecom_assets_tests.silver import DAY, bronze_db

WINDOW = {"start": DAY, "end": date(2026, 1, 3)}
T = "2026-01-02T08:00:00Z"
ORDER = {"event_id": "e1", "order_id": "o1", "time": T, "total_price": "10", "shipping_price": "0",
         "discount": "0", "total_items": "1", "total_qty": "1", "payment_method": "paypal",
         "order_status": "completed", "is_first_purchase": "1"}


def quarantine(conn):
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _q AS {QUARANTINE_SQL}", WINDOW).fetchall()
    return rows(conn, "SELECT * FROM _q ORDER BY source_table, _row_number")


def verdicts(tables):
    got = quarantine(bronze_db(tables))
    return [(r["source_table"], r["_row_number"], r["reason"], r["detail"]) for r in got]


def test_rules_are_tried_in_the_contract_order():
    for table in TABLES:
        tried = [reason for reason, _, _ in quarantine_rules(table)]
        assert tried == sorted(tried, key=QUARANTINE_REASONS.index), table.name


@pytest.mark.parametrize(
    ("table", "row", "reason", "detail"),
    [
        ("orders", {"_raw_line": 'e9,"unclosed'}, "malformed_row",
         """_raw_line='e9,"unclosed' (not splittable into the header's fields)"""),
        ("orders", {**ORDER, "event_id": None}, "missing_key", "event_id=NULL (key column is empty)"),
        ("orders", {**ORDER, "event_id": "  "}, "missing_key", "event_id='  ' (key column is empty)"),
        ("weather", {"date": "2026-01-02", "country": "FR"}, "missing_key",
         "region=NULL (key column is empty)"),
        ("orders", {**ORDER, "time": "2026-13-01T00:00Z"}, "bad_timestamp",
         "time='2026-13-01T00:00Z' (not a valid ISO-8601 time with Z or an offset)"),
        ("orders", {**ORDER, "time": "2026-01-02 08:00:00"}, "bad_timestamp",
         "time='2026-01-02 08:00:00' (not a valid ISO-8601 time with Z or an offset)"),
        ("users", {"user_id": "u1", "registration_date": "02/01/2026"}, "bad_timestamp",
         "registration_date='02/01/2026' (not a valid YYYY-MM-DD date)"),
        ("orders", {**ORDER, "total_price": "12,50"}, "bad_number", "total_price='12,50' (not a decimal)"),
        ("orders", {**ORDER, "total_qty": "2.5"}, "bad_number", "total_qty='2.5' (not an integer)"),
        ("orders", {**ORDER, "is_first_purchase": "yes"}, "bad_number",
         "is_first_purchase='yes' (not a boolean 0/1/true/false)"),
        ("orders", {**ORDER, "discount": "-5.00"}, "out_of_range", "discount='-5.00' (below 0)"),
        ("scrolls", {"event_id": "sc1", "time": T, "scroll_percent": "101"}, "out_of_range",
         "scroll_percent='101' (above 100)"),
        ("orders", {**ORDER, "time": "2026-01-03T00:00:00Z"}, "out_of_range",
         "time='2026-01-03T00:00:00Z' (event day 2026-01-03 is after the drop date 2026-01-02)"),
        ("orders", {**ORDER, "payment_method": "Cash"}, "unknown_value",
         "payment_method='Cash' (accepted: credit_card, paypal, apple_pay, gift_card, bank_transfer)"),
        ("subscriptions", {"subscription_id": "sub1", "status": "expired"}, "unknown_value",
         "status='expired' (accepted: active, cancelled, paused)"),
        # 23:30 UTC on Dec 29 (the text's own day is the 30th): 4 days before the drop, beyond the window
        ("orders", {**ORDER, "time": "2025-12-30T01:30:00+02:00"}, "late_event",
         "time='2025-12-30T01:30:00+02:00' (event day 2025-12-29 is more than 3 days before the drop "
         "date 2026-01-02)"),
        ("campaign_spend",
         {"date": "2025-12-29", "utm_source": "g", "utm_medium": "cpc", "utm_campaign": "c"}, "late_event",
         "date='2025-12-29' (event day 2025-12-29 is more than 3 days before the drop date 2026-01-02)"),
    ],
)
def test_each_reason_and_its_detail(table, row, reason, detail):
    assert verdicts({table: [row]}) == [(table, 2, reason, detail)]


def test_an_event_before_the_first_partition_is_out_of_range():
    """A late row of the first drop that belongs to a day with no partition cannot be restated."""
    conn = bronze_db({"orders": [{**ORDER, "time": "2024-12-31T12:00:00Z", "_drop_date": date(2025, 1, 2)}]})
    window = {"start": date(2025, 1, 1), "end": date(2025, 1, 3)}
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _q AS {QUARANTINE_SQL}", window).fetchall()
    assert conn.execute("SELECT date, reason, detail FROM _q").fetchall() == [(
        date(2025, 1, 2), "out_of_range",
        "time='2024-12-31T12:00:00Z' (event day 2024-12-31 is before the first daily partition 2025-01-01)",
    )]


def test_duplicates_name_the_key_and_the_kept_row():
    spend = {"date": "2026-01-02", "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "w"}
    assert verdicts({
        "orders": [ORDER, {**ORDER, "total_price": "11"}, {**ORDER, "total_price": "12"}],
        "campaign_spend": [spend, {**spend, "utm_source": "Google "}],
    }) == [
        ("campaign_spend", 3, "duplicate_key",
         "date='2026-01-02', utm_source='google', utm_medium='cpc', utm_campaign='w' "
         "(duplicate of drop 2026-01-02 row 2)"),
        ("orders", 3, "duplicate_key", "event_id='e1' (duplicate of drop 2026-01-02 row 2)"),
        ("orders", 4, "duplicate_key", "event_id='e1' (duplicate of drop 2026-01-02 row 2)"),
    ]


def test_a_row_gets_only_the_first_reason_that_applies():
    assert verdicts({"orders": [
        {**ORDER, "event_id": None, "time": "bad", "total_price": "x"},  # missing_key first
        {**ORDER, "time": "bad", "total_price": "x"},  # bad_timestamp before bad_number
        {**ORDER, "total_price": "x", "discount": "-1"},  # bad_number before out_of_range
        {**ORDER, "discount": "-1", "payment_method": "cash"},  # out_of_range before unknown_value
        {**ORDER, "payment_method": "cash", "time": "2026-01-01T08:00:00Z"},  # unknown_value before late
        {**ORDER, "shipping_price": "-1", "total_price": "-2"},  # first column in schema order
        {**ORDER, "time": "2025-12-29T08:00:00Z"},  # too late: not a candidate for the key
        {**ORDER},  # so this one is kept, not a duplicate
    ]}) == [
        ("orders", 2, "missing_key", "event_id=NULL (key column is empty)"),
        ("orders", 3, "bad_timestamp", "time='bad' (not a valid ISO-8601 time with Z or an offset)"),
        ("orders", 4, "bad_number", "total_price='x' (not a decimal)"),
        ("orders", 5, "out_of_range", "discount='-1' (below 0)"),
        ("orders", 6, "unknown_value",
         "payment_method='cash' (accepted: credit_card, paypal, apple_pay, gift_card, bank_transfer)"),
        ("orders", 7, "out_of_range", "total_price='-2' (below 0)"),
        ("orders", 8, "late_event",
         "time='2025-12-29T08:00:00Z' (event day 2025-12-29 is more than 3 days before the drop date "
         "2026-01-02)"),
    ]


def test_raw_is_the_bronze_row_as_json():
    bad = {**ORDER, "total_price": " x ", "_extra_columns": '{"a": "1"}'}
    (row,) = quarantine(bronze_db({"orders": [bad]}))
    raw = json.loads(row["raw"])
    bronze_columns = [*TABLES_BY_NAME["orders"].column_names, "_extra_columns", "_raw_line", "_drop_date",
                      "_source_file", "_row_number"]
    assert list(raw) == bronze_columns
    shown = ("total_price", "event_id", "_extra_columns", "_row_number", "_drop_date")
    assert [raw[k] for k in shown] == [" x ", "e1", '{"a": "1"}', 2, "2026-01-02"]


def test_quarantine_never_holds_a_full_ip():
    got = quarantine(bronze_db({"sessions": [
        {"session_id": "s1", "time": "bad", "ip": "203.0.113.57"},
        {"_raw_line": 's2,"x,2001:db8:85a3::7334'},
    ]}))
    first, second = (json.loads(r["raw"]) for r in got)
    assert "ip" not in first and first["ip_prefix"] == "203.0.113.0"
    assert second["_raw_line"] == 's2,"x,<ipv6>'
    assert "203.0.113.57" not in str(got) and "7334" not in str(got)


def test_columns_are_the_contract_and_it_reads_every_bronze_table():
    conn = bronze_db({})
    quarantine(conn)
    assert [(r[0], r[1]) for r in conn.execute("DESCRIBE _q").fetchall()] == QUARANTINE
    assert asset.key.path == ["silver", "quarantine"]
    assert {d.asset_key.path[1] for d in asset.spec.deps} == {t.name for t in TABLES}


def test_bronze_rows_are_silver_plus_quarantine_for_every_table():
    """Per drop, every bronze row is in silver (on its event day) or in the quarantine, once."""
    window = {"start": date(2026, 1, 1), "end": date(2026, 1, 3)}  # the drops of Jan 1 and 2
    bad_and_good = {
        "orders": [ORDER, ORDER, {**ORDER, "event_id": "e2", "total_price": "-1"}, {"_raw_line": "x"}],
        # s2 arrives a day late: silver of Jan 1, not quarantined
        "sessions": [{"session_id": "s1", "time": T}, {"session_id": "s2", "time": "2026-01-01T00:00:00Z"}],
        "products": [{"product_id": "P1", "stock_qty": "-3"}, {"product_id": "P2", "stock_qty": "3"}],
        "weather": [{"date": "2026-01-02", "country": "FR", "region": "IDF", "temperature_c": "-2.5"}],
        "users": [{"user_id": "u1", "_drop_date": date(2026, 1, 1)}],
    }
    conn = bronze_db(bad_and_good)
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _q AS {QUARANTINE_SQL}", window).fetchall()
    quarantined = rows(conn, "SELECT * FROM _q ORDER BY source_table, _row_number")
    for table in TABLES:
        conn.execute(f"CREATE OR REPLACE TEMP TABLE _s AS {silver_sql(table)}", window).fetchall()
        silver_rows = [tuple(r) for r in conn.execute("SELECT _drop_date, _row_number FROM _s").fetchall()]
        bad_rows = [(r["_drop_date"], r["_row_number"]) for r in quarantined
                    if r["source_table"] == table.name]
        bronze_rows = [tuple(r) for r in conn.execute(
            f"SELECT _drop_date, _row_number FROM bronze.{table.name}").fetchall()]
        assert sorted(silver_rows + bad_rows) == sorted(bronze_rows), table.name
    assert [(r["source_table"], r["_row_number"], r["reason"]) for r in quarantined] == [
        ("orders", 3, "duplicate_key"), ("orders", 4, "out_of_range"), ("orders", 5, "malformed_row"),
        ("products", 2, "out_of_range"),
    ]
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _s AS {silver_sql(TABLES_BY_NAME['sessions'])}", window)
    assert conn.execute("SELECT session_id, date, _drop_date FROM _s ORDER BY 1").fetchall() == [
        ("s1", DAY, DAY), ("s2", date(2026, 1, 1), DAY)]


def test_a_step_classifies_once_and_the_quarantine_reads_what_silver_rejected():
    """In a step, each silver build leaves its rejected rows for the quarantine, which then reads
    no bronze table at all; the rows are exactly those of the quarantine's own query."""
    from ecom_assets.silver import quarantine as quarantine_module
    from ecom_assets.silver import tables as silver_tables

    spend = {"date": "2026-01-02", "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "w"}
    conn = bronze_db({
        "orders": [ORDER, {**ORDER, "total_price": "11"}, {**ORDER, "event_id": "e2", "discount": "-1"},
                   {**ORDER, "event_id": "e3", "time": "2025-12-29T08:00:00Z"}],
        "campaign_spend": [spend, {**spend, "utm_source": "Google "}],
        "scrolls": [{"event_id": "sc1", "time": T, "scroll_percent": "101"}],
    })
    window = (WINDOW["start"], WINDOW["end"])
    expected = quarantine(conn)
    silver_rows = {}
    for table in TABLES:
        query = silver_tables._classify_once(table)(conn, window)
        silver_rows[table.name] = rows(conn, query)
        assert silver_rows[table.name] == rows(conn, silver_sql(table), WINDOW), table.name
    reused = quarantine_module._reusing_rejected(conn, window)
    assert "bronze." not in reused
    got = rows(conn, f"SELECT * FROM ({reused}) ORDER BY source_table, _row_number")
    assert got == expected
    assert [(r["source_table"], r["reason"]) for r in got] == [
        ("campaign_spend", "duplicate_key"), ("orders", "duplicate_key"), ("orders", "out_of_range"),
        ("orders", "late_event"), ("scrolls", "out_of_range"),
    ]
    assert [r["order_id"] for r in silver_rows["orders"]] == ["o1"]
