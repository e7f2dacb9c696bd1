"""Weekly customer tables: lifetime metrics with RFM, cohorts, the all-history mapping, as-of re-runs."""

from datetime import date, timedelta
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from ecom_assets.checks import evaluate
from ecom_assets.gold.customer import cohort_analysis, user_lifetime_metrics
from ecom_assets.gold.customer.cohort_analysis import COHORT_SQL
from ecom_assets.gold.customer.user_lifetime_metrics import USER_LIFETIME_SQL
from ecom_assets.gold.periodic import ALL_HISTORY_WEEKS
from ecom_assets.partitions import DAILY, WEEKLY
from ecom_assets.silver.contract import create_silver_tables
from ecom_assets.sql_asset import run_sql
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

# Week Sunday 2026-03-29 .. Saturday 2026-04-04: as_of_date = 2026-04-04.
WEEK = (date(2026, 3, 29), date(2026, 4, 5))
AS_OF = date(2026, 4, 4)


def _orders(user: str, days_ago: list[int], price: str, status: str = "completed") -> list[dict]:
    return [
        {
            "date": AS_OF - timedelta(days=d),
            "order_id": f"{user}-{status}-{i}",
            "event_id": f"e-{user}-{status}-{i}",
            "user_id": user,
            "total_price": price,
            "order_status": status,
        }
        for i, d in enumerate(days_ago)
    ]


def _lifetime(tables: dict) -> dict[str, dict]:
    table = run_sql(silver_db(tables), USER_LIFETIME_SQL, WEEK)
    return {r["user_id"]: r for r in table.to_pylist()}


def test_rfm_scores_at_every_boundary_and_every_segment():
    orders = [
        *_orders("r30", [30], "10.00"),  # 30 days → R5; F1 (1 order); M1 (10 < 50) → New; Active
        *_orders("r31", [31], "10.00"),  # 31 days → R4; F1; M1 → New; Lapsing
        *_orders("f10", range(10), "100.00"),  # 10 orders, 1000.00 → F5, M5, R5 → Champion
        *_orders("f10", [0], "500.00", "cancelled"),  # cancelled: not counted
        *_orders("f9", range(9), "111.11"),  # 9 orders → F4; 999.99 → M4; R5 → Champion
        *_orders("loyal", [1, 2, 3], "20.00"),  # R5 F3 M2 (60) → Loyal
        *_orders("promising", [5, 6], "20.00"),  # R5 F2 M1 (40) → Promising
        *_orders("big", [200], "600.00"),  # R2 (200 ≤ 365) F1 M4 → Big Spender; Dormant
        *_orders("risk", [200, 210, 220], "10.00"),  # R2 F3 M1 → At Risk
        *_orders("lost", [399], "10.00"),  # R1 (> 365) F1 → Lost; Inactive
        *_orders("hib", [366, 400], "10.00"),  # R1 F2 M1 → Hibernating
        *_orders("cx", [1, 2], "90.00", "cancelled"),  # only cancelled orders → absent
    ]
    got = _lifetime({"orders": orders})
    assert "cx" not in got
    scores = {
        u: (r["rfm_recency_score"], r["rfm_frequency_score"], r["rfm_monetary_score"]) for u, r in got.items()
    }
    segments = {u: r["rfm_segment"] for u, r in got.items()}
    assert scores == {
        "r30": (5, 1, 1),
        "r31": (4, 1, 1),
        "f10": (5, 5, 5),
        "f9": (5, 4, 4),
        "loyal": (5, 3, 2),
        "promising": (5, 2, 1),
        "big": (2, 1, 4),
        "risk": (2, 3, 1),
        "lost": (1, 1, 1),
        "hib": (1, 2, 1),
    }
    assert segments == {
        "r30": "New",
        "r31": "New",
        "f10": "Champion",
        "f9": "Champion",
        "loyal": "Loyal",
        "promising": "Promising",
        "big": "Big Spender",
        "risk": "At Risk",
        "lost": "Lost",
        "hib": "Hibernating",
    }
    assert got["r30"]["days_since_last_order"] == 30 and got["r30"]["activity_status"] == "Active"
    assert got["r31"]["days_since_last_order"] == 31 and got["r31"]["activity_status"] == "Lapsing"
    assert got["big"]["activity_status"] == "Dormant" and got["lost"]["activity_status"] == "Inactive"
    # f10: 10 × 100.00 = 1000.00 ≥ 1000 → High Value; f9: 9 × 111.11 = 999.99 → Medium Value.
    assert (got["f10"]["total_orders"], got["f10"]["total_revenue"]) == (10, Decimal("1000.0000"))
    assert (got["f9"]["total_revenue"], got["f9"]["value_segment"]) == (Decimal("999.9900"), "Medium Value")
    assert got["f10"]["value_segment"] == "High Value" and got["loyal"]["value_segment"] == "Low Value"
    # hib: first order 400 days ago (2025-02-28), last 366 days ago (2025-04-03) → lifespan 34.
    assert (got["hib"]["first_order_date"], got["hib"]["last_order_date"]) == (
        date(2025, 2, 28),
        date(2025, 4, 3),
    )
    assert got["hib"]["lifespan_days"] == 34 and got["hib"]["avg_order_value"] == 10.0


def test_every_score_threshold_and_the_segments_on_clv_and_recency():
    recency = {f"d{d}": d for d in (30, 31, 90, 91, 180, 181, 365, 366)}  # one 10.00 order d days ago
    frequency = {f"n{n}": n for n in (1, 2, 3, 4, 5, 9, 10)}  # n orders of 1.00 today
    money = {
        f"m{p}": p for p in ("49.99", "50.00", "199.99", "200.00", "499.99", "500.00", "999.99", "1000.00")
    }
    got = _lifetime(
        {
            "orders": [
                *(o for u, d in recency.items() for o in _orders(u, [d], "10.00")),
                *(o for u, n in frequency.items() for o in _orders(u, [0] * n, "1.00")),
                *(o for u, p in money.items() for o in _orders(u, [0], p)),
            ]
        }
    )
    # ≤ 30 → 5, ≤ 90 → 4, ≤ 180 → 3, ≤ 365 → 2, else 1; Active ≤ 30, Lapsing ≤ 90, Dormant ≤ 365.
    assert {u: (got[u]["rfm_recency_score"], got[u]["activity_status"]) for u in recency} == {
        "d30": (5, "Active"),
        "d31": (4, "Lapsing"),
        "d90": (4, "Lapsing"),
        "d91": (3, "Dormant"),
        "d180": (3, "Dormant"),
        "d181": (2, "Dormant"),
        "d365": (2, "Dormant"),
        "d366": (1, "Inactive"),
    }
    # ≥ 10 → 5, ≥ 5 → 4, ≥ 3 → 3, = 2 → 2, else 1.
    assert {u: got[u]["rfm_frequency_score"] for u in frequency} == {
        "n1": 1, "n2": 2, "n3": 3, "n4": 3, "n5": 4, "n9": 4, "n10": 5
    }  # fmt: skip
    # ≥ 1000 → 5, ≥ 500 → 4, ≥ 200 → 3, ≥ 50 → 2, else 1; value: ≥ 1000 High, ≥ 200 Medium, else Low.
    assert {u: (got[u]["rfm_monetary_score"], got[u]["value_segment"]) for u in money} == {
        "m49.99": (1, "Low Value"),
        "m50.00": (2, "Low Value"),
        "m199.99": (2, "Low Value"),
        "m200.00": (3, "Medium Value"),
        "m499.99": (3, "Medium Value"),
        "m500.00": (4, "Medium Value"),
        "m999.99": (4, "Medium Value"),
        "m1000.00": (5, "High Value"),
    }


def _catalogue(day: date) -> list[dict]:
    return [
        {"date": day, "product_id": "P1", "product_name": "Mug", "category": "Kitchen"},
        {"date": day, "product_id": "P2", "product_name": "Tee", "category": "Apparel"},
        {"date": day, "product_id": "P3", "product_name": "Lamp", "category": "Home"},
    ]


def _items(order_id: str, user: str, day: date, items: list[tuple[str, str, int]]) -> list[dict]:
    return [
        {"date": day, "event_id": f"{order_id}-{i}", "order_id": order_id, "user_id": user,
         "product_name": name, "product_price": price, "product_qty": qty}
        for i, (name, price, qty) in enumerate(items)
    ]  # fmt: skip


def test_refunds_return_rate_clv_and_favorite_category_with_ties():
    day = date(2026, 4, 1)
    orders = [
        {
            "date": day,
            "order_id": "o1",
            "user_id": "ret",
            "total_price": "60.00",
            "order_status": "completed",
        },
        {
            "date": day,
            "order_id": "o2",
            "user_id": "ret",
            "total_price": "500.00",
            "order_status": "cancelled",
        },
        {
            "date": day,
            "order_id": "o3",
            "user_id": "tie",
            "total_price": "40.00",
            "order_status": "completed",
        },
        {"date": date(2026, 4, 5), "order_id": "o4", "user_id": "tie", "total_price": "9.00"},  # after as_of
    ]
    items = [
        *_items("o1", "ret", day, [("Mug", "10.00", 3), ("Tee", "25.00", 1)]),  # Kitchen 30, Apparel 25
        *_items("o2", "ret", day, [("Lamp", "50.00", 10)]),  # cancelled: neither revenue nor units
        *_items("o3", "tie", day, [("Mug", "20.00", 1), ("Tee", "20.00", 1)]),  # Kitchen 20 = Apparel 20
    ]
    returns = [
        {"date": date(2026, 4, 2), "event_id": "r1", "user_id": "ret", "order_id": "o1",
         "product_name": "Mug", "product_qty": 1, "refund_amount": "10.00"},
        {"date": date(2026, 4, 6), "event_id": "r2", "user_id": "ret", "order_id": "o1",
         "product_name": "Tee", "product_qty": 1, "refund_amount": "25.00"},  # booked after as_of
    ]  # fmt: skip
    got = _lifetime(
        {"orders": orders, "order_line_items": items, "returns": returns, "dim_product": _catalogue(day)}
    )
    ret, tie = got["ret"], got["tie"]
    # ret: refunded 10.00 (r2 is later); units returned 1 / units bought 3 + 1 = 4 → 25 %;
    # historic_clv = 60.00 − 10.00 = 50.00; Kitchen (30.00) beats Apparel (25.00); the cancelled Lamp
    # order (500.00) counts nowhere.
    assert ret["total_refunded"] == Decimal("10.0000") and ret["return_rate"] == 25.0
    assert ret["historic_clv"] == Decimal("50.0000") and ret["favorite_category"] == "Kitchen"
    assert (ret["total_orders"], ret["total_revenue"], ret["days_since_last_order"]) == (
        1,
        Decimal("60.0000"),
        3,
    )
    # R5 (3 days) F1 M2 (60 ≥ 50) → New.
    assert ret["rfm_segment"] == "New" and ret["rfm_monetary_score"] == 2
    # tie: Kitchen 20.00 = Apparel 20.00 → the first by name, Apparel; no returns → 0 refunded, rate 0 %.
    assert tie["favorite_category"] == "Apparel"
    assert (tie["total_refunded"], tie["return_rate"], tie["total_orders"]) == (Decimal("0.0000"), 0.0, 1)


# Three months of history as of Saturday 2025-03-29 (week of Sunday 2025-03-23).
COHORT_WEEK = (date(2025, 3, 23), date(2025, 3, 30))
COHORT_ORDERS = [
    ("u1", "2025-01-05", "10.00", "completed"),
    ("u1", "2025-02-10", "20.00", "completed"),
    ("u1", "2025-03-03", "30.00", "completed"),
    ("u2", "2025-01-20", "40.00", "completed"),
    ("u2", "2025-03-15", "50.00", "completed"),
    ("u3", "2025-02-02", "60.00", "completed"),
    ("u3", "2025-02-20", "70.00", "completed"),
    ("u4", "2025-01-25", "100.00", "cancelled"),  # u4's first VALID order is in February
    ("u4", "2025-02-14", "80.00", "completed"),
    ("u5", "2025-03-29", "5.00", "completed"),  # on the as-of day: counts
]
LATER_ORDERS = [("u6", "2025-03-30", "99.00", "completed"), ("u1", "2025-03-31", "7.00", "completed")]


def _order_rows(spec: list[tuple[str, str, str, str]]) -> list[dict]:
    return [
        {"date": date.fromisoformat(d), "order_id": f"{u}-{d}", "event_id": f"e-{u}-{d}", "user_id": u,
         "total_price": p, "order_status": s}
        for u, d, p, s in spec
    ]  # fmt: skip


# (cohort_month, months_since_first, cohort_size, active_customers, retention_rate, revenue)
EXPECTED_COHORTS = [
    (date(2025, 1, 1), 0, 2, 2, 100.0, Decimal("50.0000")),  # Jan = {u1, u2}: 10 + 40
    (date(2025, 1, 1), 1, 2, 1, 50.0, Decimal("20.0000")),  # Feb: u1 only → 1/2
    (date(2025, 1, 1), 2, 2, 2, 100.0, Decimal("80.0000")),  # Mar: u1 30 + u2 50
    (date(2025, 2, 1), 0, 2, 2, 100.0, Decimal("210.0000")),  # Feb = {u3, u4}: 60 + 70 + 80
    (date(2025, 2, 1), 1, 2, 0, 0.0, Decimal("0.0000")),  # Mar: nobody ordered → a row with 0
    (date(2025, 3, 1), 0, 1, 1, 100.0, Decimal("5.0000")),  # Mar = {u5}
]


def test_cohort_analysis_on_three_months_of_history():
    table = run_sql(silver_db({"orders": _order_rows(COHORT_ORDERS + LATER_ORDERS)}), COHORT_SQL, COHORT_WEEK)
    got = [
        (r["cohort_month"], r["months_since_first"], r["cohort_size"], r["active_customers"],
         r["retention_rate"], r["revenue"])
        for r in table.to_pylist()
    ]  # fmt: skip
    assert got == EXPECTED_COHORTS  # u6 and u1's 2025-03-31 order come after the as-of day
    assert {r["as_of_date"] for r in table.to_pylist()} == {date(2025, 3, 29)}


@pytest.mark.parametrize("week", ["2025-01-05", "2025-03-23"])
def test_all_history_mapping_gives_every_day_from_the_first_partition_to_the_weeks_end(week):
    mapping = user_lifetime_metrics.asset.partition_mapping(dg.AssetKey(["silver", "orders"]))
    assert mapping == ALL_HISTORY_WEEKS
    result = mapping.get_upstream_mapped_partitions_result_for_partitions(
        WEEKLY.subset_with_partition_keys([week]), WEEKLY, DAILY
    )
    days = result.partitions_subset.get_partition_keys()
    saturday = (date.fromisoformat(week) + timedelta(days=6)).isoformat()
    first = DAILY.get_first_partition_key()
    assert days[0] == first and days[-1] == saturday
    assert len(days) == (date.fromisoformat(saturday) - date.fromisoformat(first)).days + 1
    assert list(result.required_but_nonexistent_partition_keys) == []


def _write_silver(path, orders: list[dict]) -> None:
    with duckdb.connect(str(path)) as conn:
        create_silver_tables(conn)
        silver_db({"orders": orders}, conn)


def test_weekly_assets_through_dagster_are_as_of_and_rerun_identically(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    _write_silver(warehouse, _order_rows(COHORT_ORDERS))
    resources = resources_for(tmp_path, warehouse)
    first = materialize_range(
        table_defs(user_lifetime_metrics, cohort_analysis), "2025-03-23", "2025-03-23", resources
    )
    with duckdb.connect(str(warehouse)) as conn:
        before = {
            t: rows(conn, f"SELECT * FROM gold.{t} ORDER BY ALL")
            for t in ("user_lifetime_metrics", "cohort_analysis")
        }
        silver_db({"orders": _order_rows(LATER_ORDERS)}, conn)  # a later day lands
    second = materialize_range(
        table_defs(user_lifetime_metrics, cohort_analysis), "2025-03-23", "2025-03-23", resources
    )
    with duckdb.connect(str(warehouse)) as conn:
        after = {t: rows(conn, f"SELECT * FROM gold.{t} ORDER BY ALL") for t in before}
    assert after == before
    # Valid orders up to 2025-03-29 come from 5 users (u6 only ordered later): 5 lifetime rows; 6 cohort rows.
    assert len(before["user_lifetime_metrics"]) == 5
    assert [
        tuple(
            r[c]
            for c in (
                "cohort_month",
                "months_since_first",
                "cohort_size",
                "active_customers",
                "retention_rate",
                "revenue",
            )
        )
        for r in before["cohort_analysis"]
    ] == EXPECTED_COHORTS
    for result in (first, second):
        events = result.get_asset_materialization_events()
        counts = {
            (e.asset_key.path[-1], e.materialization.partition): e.materialization.metadata[
                "dagster/row_count"
            ].value
            for e in events
        }
        assert counts == {("user_lifetime_metrics", "2025-03-23"): 5, ("cohort_analysis", "2025-03-23"): 6}
        checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
        claims = [*user_lifetime_metrics.asset_checks, *cohort_analysis.asset_checks]
        assert len(checks) == len(claims) and all(checks.values()), checks
    kpis = {
        e.asset_key.path[-1]: e.materialization.metadata for e in first.get_asset_materialization_events()
    }
    # month-1 retention: (Jan cohort 1 active + Feb cohort 0) / (2 + 2) = 25 %.
    assert kpis["cohort_analysis"]["month1_retention"].value == 25.0
    # u1 (3 orders, 60.00: R5 F3 M2) is Loyal; u2..u5 have 1-2 orders (New/Promising): no champions.
    assert (
        kpis["user_lifetime_metrics"]["loyal"].value == 1
        and kpis["user_lifetime_metrics"]["champions"].value == 0
    )

    # A broken total is reported with the day and both numbers (valid revenue to 2025-03-29:
    # 10 + 20 + 30 + 40 + 50 + 60 + 70 + 80 + 5 = 365.00; gold gets one more).
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute(
            "UPDATE gold.user_lifetime_metrics SET total_revenue = total_revenue + 1 WHERE user_id = 'u1'"
        )
    claims = {c.name: c for c in user_lifetime_metrics.asset_checks}
    claim = claims["lifetime_revenue_matches_silver_orders"]
    with duckdb.connect(str(warehouse)) as conn:
        failed = evaluate(conn, claim)
    assert not failed.passed
    assert "as_of_date=2025-03-29, gold_revenue=366.0000, silver_revenue=365.0000" in failed.description
