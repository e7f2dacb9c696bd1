"""Late and corrected rows on hand-written drops: each rule of the restatement window."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import duckdb
import pytest

from ecom_assets.schema import TABLES_BY_NAME
from ecom_assets.silver.quarantine import QUARANTINE_SQL
from ecom_assets.silver.rules import local_day
from ecom_assets.silver.tables import silver_sql
from ecom_assets_tests import reference as ref
from ecom_assets_tests.helpers import rows
from ecom_assets_tests.silver import bronze_db

ORDER = {"event_id": "e1", "user_id": "u1", "session_id": "s1", "order_id": "o1",
         "time": "2026-01-05T10:00:00Z", "total_price": "40.00", "shipping_price": "0", "discount": "0",
         "total_items": "1", "total_qty": "1", "payment_method": "paypal", "order_status": "completed",
         "is_first_purchase": "1"}


def jan(day: int) -> date:
    return date(2026, 1, day)


def build(tables, start: date, end: date):
    """(silver rows by table, quarantine rows) of the days [start, end)."""
    conn = bronze_db(tables)
    window = {"start": start, "end": end}
    silver = {
        name: rows(conn, f"SELECT * FROM ({silver_sql(TABLES_BY_NAME[name])}) ORDER BY ALL", window)
        for name in tables
    }
    quarantine = rows(conn, f"SELECT * FROM ({QUARANTINE_SQL}) ORDER BY _drop_date, _row_number", window)
    return silver, quarantine


def test_a_row_three_days_late_reaches_its_day_and_four_days_late_is_quarantined():
    pageview = {"event_id": "p1", "session_id": "s1", "time": "2026-01-02T12:00:00Z"}
    silver, quarantine = build({"pageviews": [
        {**pageview, "_drop_date": jan(5)},  # 3 days late: restated into Jan 2
        {**pageview, "event_id": "p2", "_drop_date": jan(6)},  # 4 days late: beyond the window
    ]}, jan(2), jan(7))
    kept = [(r["event_id"], r["date"], r["_drop_date"]) for r in silver["pageviews"]]
    assert kept == [("p1", jan(2), jan(5))]
    assert [(r["date"], r["_drop_date"], r["reason"], r["detail"]) for r in quarantine] == [
        (jan(6), jan(6), "late_event",
         "time='2026-01-02T12:00:00Z' (event day 2026-01-02 is more than 3 days before the drop date "
         "2026-01-06)"),
    ]


def test_a_late_duplicate_of_a_key_already_seen_for_its_day_is_a_duplicate():
    pageview = {"event_id": "p1", "session_id": "s1", "time": "2026-01-02T12:00:00Z", "path": "/a"}
    silver, quarantine = build({"pageviews": [
        {**pageview, "_drop_date": jan(2)},
        {**pageview, "path": "/b", "_drop_date": jan(3), "_row_number": 2},  # the same event sent again
    ]}, jan(2), jan(4))
    assert [(r["path"], r["_drop_date"]) for r in silver["pageviews"]] == [("/a", jan(2))]
    assert [(r["date"], r["_drop_date"], r["reason"], r["detail"]) for r in quarantine] == [
        (jan(2), jan(3), "duplicate_key", "event_id='p1' (duplicate of drop 2026-01-02 row 2)")]


def test_a_cancellation_then_a_resent_cancellation_leaves_one_cancelled_order():
    cancelled = {**ORDER, "order_status": "cancelled", "updated_at": "2026-01-06T09:00:00Z"}
    silver, quarantine = build({"orders": [
        {**ORDER, "_drop_date": jan(5)},
        {**cancelled, "event_id": "e2", "_drop_date": jan(6)},  # the cancellation, a day later
        {**cancelled, "event_id": "e3", "_drop_date": jan(7)},  # the same cancellation re-sent
    ]}, jan(5), jan(8))
    # same updated_at: the later drop wins; the order is on its own day, cancelled, once
    assert [(r["order_id"], r["event_id"], r["date"], r["order_status"]) for r in silver["orders"]] == [
        ("o1", "e3", jan(5), "cancelled")]
    assert [(r["date"], r["_drop_date"], r["reason"], r["detail"]) for r in quarantine] == [
        (jan(5), jan(5), "superseded", "order_id='o1' (superseded by drop 2026-01-07 row 4)"),
        (jan(5), jan(6), "superseded", "order_id='o1' (superseded by drop 2026-01-07 row 4)"),
    ]


def test_a_correction_without_updated_at_counts_as_of_the_order_time():
    # Both states lack updated_at: both count as of `time`, so the later drop, then line, wins.
    silver, quarantine = build({"orders": [
        {**ORDER, "total_price": "40.00", "_drop_date": jan(5)},
        {**ORDER, "event_id": "e2", "total_price": "35.00", "_drop_date": jan(6)},
        # an older state arriving last: its updated_at is before the order time, so it loses
        {**ORDER, "event_id": "e3", "total_price": "99.00", "updated_at": "2026-01-05T09:00:00Z",
         "_drop_date": jan(7)},
    ]}, jan(5), jan(8))
    assert [(r["event_id"], float(r["total_price"])) for r in silver["orders"]] == [("e2", 35.0)]
    assert sorted((r["_drop_date"], r["reason"]) for r in quarantine) == [
        (jan(5), "superseded"), (jan(7), "superseded")]


def test_an_unparsable_updated_at_is_a_bad_timestamp_and_an_unknown_order_is_its_first_state():
    silver, quarantine = build({"orders": [
        {**ORDER, "order_id": "o9", "order_status": "cancelled", "updated_at": "2026-01-06T09:00:00Z",
         "_drop_date": jan(5)},
        {**ORDER, "event_id": "e2", "updated_at": "yesterday", "_drop_date": jan(5), "_row_number": 3},
    ]}, jan(5), jan(6))
    assert [(r["order_id"], r["order_status"]) for r in silver["orders"]] == [("o9", "cancelled")]
    assert [(r["reason"], r["detail"]) for r in quarantine] == [
        ("bad_timestamp", "updated_at='yesterday' (not a valid ISO-8601 time with Z or an offset)")]


def test_a_drop_whose_rows_all_fall_outside_the_window_still_accounts_for_every_row():
    silver, quarantine = build({"pageviews": [
        {"event_id": "p1", "time": "2025-12-20T10:00:00Z"},  # far too late
        {"event_id": "p2", "time": "2026-01-09T10:00:00Z"},  # dated after its drop
    ]}, jan(2), jan(3))
    assert silver["pageviews"] == []
    assert [r["reason"] for r in quarantine] == ["late_event", "out_of_range"]


# Berlin's days around its two daylight-saving changes: (UTC instant, Berlin day)
BERLIN = [
    (datetime(2025, 3, 29, 22, 59, 59), date(2025, 3, 29)),  # Sat 23:59:59 CET (+01:00)
    (datetime(2025, 3, 29, 23, 0, 0), date(2025, 3, 30)),  # Sun 00:00:00 CET: the 23-hour day starts
    (datetime(2025, 3, 30, 21, 59, 59), date(2025, 3, 30)),  # Sun 23:59:59 CEST (+02:00)
    (datetime(2025, 3, 30, 22, 0, 0), date(2025, 3, 31)),
    (datetime(2025, 10, 25, 21, 59, 59), date(2025, 10, 25)),  # Sat 23:59:59 CEST
    (datetime(2025, 10, 25, 22, 0, 0), date(2025, 10, 26)),  # Sun 00:00:00 CEST: the 25-hour day
    (datetime(2025, 10, 26, 22, 59, 59), date(2025, 10, 26)),  # Sun 23:59:59 CET
    (datetime(2025, 10, 26, 23, 0, 0), date(2025, 10, 27)),
]


@pytest.mark.parametrize(("instant", "day"), BERLIN)
def test_event_days_follow_the_shops_clock_across_daylight_saving(instant, day):
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'America/New_York'")  # the session's zone must not matter
    assert conn.execute(f"SELECT {local_day('$t', 'Europe/Berlin')}", {"t": instant}).fetchall() == [(day,)]
    orders = ref.CONTRACT["orders"]
    assert ref.event_day(orders, {"time": instant}, day, ZoneInfo("Europe/Berlin")) == day
