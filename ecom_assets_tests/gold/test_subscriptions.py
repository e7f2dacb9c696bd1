"""subscription_performance on a hand-written delta (a subscription paused then cancelled, a plan change),
then through Dagster from the first partition."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb

from ecom_assets.gold.customer import subscription_performance
from ecom_assets_tests.gold.test_marketing import build
from ecom_assets_tests.gold.test_sales import D1, D2, D3, D4, F0, F1, materialize_gold, partition_metadata
from ecom_assets_tests.helpers import rows, silver_db, table_defs

D5 = date(2026, 1, 5)


def _row(
    drop: date,
    line: int,
    sub: str,
    plan: str,
    fee: str,
    status: str,
    started: datetime,
    cancelled: datetime | None = None,
) -> dict:
    return {
        "date": drop,
        "_drop_date": drop,
        "_row_number": line,
        "subscription_id": sub,
        "user_id": "u-" + sub,
        "plan": plan,
        "monthly_fee": fee,
        "status": status,
        "started_at": started,
        "cancelled_at": cancelled,
    }


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


DELTAS = [
    _row(D1, 2, "sub1", "basic", "10.00", "active", _at(D1, 9)),
    _row(D1, 3, "sub2", "basic", "10.00", "active", _at(D1, 11)),
    _row(D2, 2, "sub1", "basic", "10.00", "paused", _at(D1, 9)),  # sub1 pauses...
    _row(D2, 3, "sub3", "plus", "20.00", "active", _at(D2, 12)),
    _row(D3, 2, "sub1", "basic", "10.00", "cancelled", _at(D1, 9), _at(D3, 10)),  # ...then cancels
    _row(D3, 3, "sub2", "plus", "20.00", "active", _at(D1, 11)),  # sub2 changes plan: basic → plus
]


def test_subscription_performance_follows_the_latest_state_of_each_subscription():
    got = build(
        silver_db({"subscriptions": DELTAS}),
        "subscription_performance",
        subscription_performance.SUBSCRIPTION_PERFORMANCE_SQL,
        (D1, D5),
    )
    columns = [
        "date",
        "plan",
        "active_subscriptions",
        "new_subscriptions",
        "cancelled_subscriptions",
        "paused_subscriptions",
        "mrr",
        "net_mrr_change",
        "churn_rate",
    ]
    assert list(got[0]) == columns
    money = Decimal
    assert [tuple(r.values()) for r in got] == [
        # D1: sub1, sub2 start on basic: mrr 2 × 10; the day before had nothing (0) → +20; churn 0 / 0 → NULL
        (D1, "basic", 2, 2, 0, 0, money("20.0000"), money("20.0000"), None),
        # D2: sub1 paused: active 1 (sub2), mrr 10, −10 vs D1; churn 0 cancelled / 2 active on D1 = 0
        (D2, "basic", 1, 0, 0, 1, money("10.0000"), money("-10.0000"), 0.0),
        # sub3 starts on plus: no plus row on D1 (0) → +20; churn 0 / 0 → NULL
        (D2, "plus", 1, 1, 0, 0, money("20.0000"), money("20.0000"), None),
        # D3: sub1 cancelled (cancelled_at D3) and sub2 left for plus: basic is empty, −10;
        # churn 1 cancelled / 1 active on D2 × 100 = 100
        (D3, "basic", 0, 0, 1, 0, money("0.0000"), money("-10.0000"), 100.0),
        # plus: sub3 and sub2 (plan change, not new): 2 × 20 = 40, +20; churn 0 / 1 = 0
        (D3, "plus", 2, 0, 0, 0, money("40.0000"), money("20.0000"), 0.0),
        # D4: no delta, the states carry over; cancelled_at was D3, so 0 cancelled today
        (D4, "basic", 0, 0, 0, 0, money("0.0000"), money("0.0000"), None),
        (D4, "plus", 2, 0, 0, 0, money("40.0000"), money("0.0000"), 0.0),
    ]


def test_a_range_run_equals_day_by_day_runs():
    conn = silver_db({"subscriptions": DELTAS})
    whole = build(conn, "whole", subscription_performance.SUBSCRIPTION_PERFORMANCE_SQL, (D1, D5))
    by_day = [
        r
        for d in range(4)
        for r in build(
            conn,
            "one",
            subscription_performance.SUBSCRIPTION_PERFORMANCE_SQL,
            (D1 + timedelta(d), D1 + timedelta(d + 1)),
        )
    ]
    assert by_day == whole


def test_subscription_group_end_to_end(tmp_path):
    deltas = [
        _row(F0, 2, "sub1", "basic", "10.00", "active", _at(F0, 9)),
        _row(F1, 2, "sub1", "basic", "10.00", "cancelled", _at(F0, 9), _at(F1, 8)),
    ]
    result, warehouse = materialize_gold(
        tmp_path, {"subscriptions": deltas}, table_defs(subscription_performance)
    )
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == dict.fromkeys(
        ("one_row_per_plan", "counts_are_not_negative", "mrr_change_adds_up"), True
    )
    metadata = partition_metadata(result, "subscription_performance")
    assert {k: (m["active_subscriptions"], m["mrr"]) for k, m in metadata.items()} == {
        F0.isoformat(): (1, 10.0),
        F1.isoformat(): (0, 0.0),
    }
    with duckdb.connect(str(warehouse)) as db:
        got = rows(
            db, "SELECT date, net_mrr_change, churn_rate FROM gold.subscription_performance ORDER BY 1"
        )
    # the first partition's previous day is unknown: NULL; F1: 0 − 10, 1 cancelled / 1 active × 100
    assert [tuple(r.values()) for r in got] == [(F0, None, None), (F1, Decimal("-10.0000"), 100.0)]


def test_started_and_cancelled_fall_on_the_shops_day():
    day = subscription_performance.shop_day("ts", "Europe/Berlin")  # the asset's query uses ECOM_TIMEZONE
    conn = duckdb.connect()
    utc = ("2026-01-01 22:30", "2026-07-01 21:59", "2026-07-01 22:00")
    times = ", ".join(f"(TIMESTAMP '{t}')" for t in utc)
    got = conn.execute(f"SELECT {day} FROM (VALUES {times}) AS t(ts)").fetchall()
    # UTC+1 in winter: 22:30 UTC is 23:30 on Jan 1; UTC+2 in summer: 22:00 UTC is midnight of Jul 2
    assert got == [(D1,), (date(2026, 7, 1),), (date(2026, 7, 2),)]
