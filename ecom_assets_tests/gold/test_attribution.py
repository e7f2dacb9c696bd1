"""Multi-touch attribution on hand-written paths, each model's credit worked out by hand."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from ecom_assets.checks import evaluate
from ecom_assets.gold import attribution
from ecom_assets.gold.marketing import attribution_roas, channel_attribution
from ecom_assets.partitions import DAILY
from ecom_assets.sql_asset import run_sql
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

D = date(2026, 1, 31)  # the orders' day; D - 30 = 2026-01-01
BRAND, SPRING = ("google", "cpc", "brand"), ("facebook", "paid_social", "spring")
JAN, AFF = ("newsletter", "email", "jan"), ("partner", "affiliate", "aff")


def at(days_before: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    day = D - timedelta(days=days_before)
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _session(sid, user, time, channel, utm=(None, None, None)):
    source, medium, campaign = utm
    return {"date": time.date(), "session_id": sid, "user_id": user, "time": time, "channel": channel,
            "utm_source": source, "utm_medium": medium, "utm_campaign": campaign}


def _order(oid, user, sid, time, price, status="completed"):
    return {"date": time.date(), "event_id": f"e-{oid}", "order_id": oid, "user_id": user, "session_id": sid,
            "time": time, "total_price": Decimal(price), "order_status": status}


SILVER = {
    "sessions": [
        _session("a1", "u1", at(0, 10), "Paid Search", BRAND),  # one-session path
        _session("b1", "u2", at(2, 9), "Email", JAN),  # two-session path
        _session("b2", "u2", at(0, 12), "Direct"),
        _session("c1", "u3", at(20, 8), "Paid Social", SPRING),  # four-session path
        _session("c2", "u3", at(10, 8), "Email", JAN),
        _session("c3", "u3", at(5, 8), "Organic Search"),
        _session("c4", "u3", at(0, 14), "Paid Search", BRAND),
        # the 30-day edge: o4 is at D 20:00; d0 started 30 days + 1 s before it, d1 exactly 30 × 24 h
        _session("d0", "u4", at(30, 19, 59, 59), "Referral"),
        _session("d1", "u4", at(30, 20), "Affiliates", AFF),
        _session("d2", "u4", at(0, 19), "Direct"),
        _session("d3", "u4", at(0, 19, 30), "Email", JAN),  # after the order's session: not on the path
        # three-session path; the order's session started the evening before (D - 1, 23:50)
        _session("e1", "u7", at(3, 9), "Referral"),
        _session("e2", "u7", at(2, 9), "Organic Social"),
        _session("e3", "u7", at(1, 23, 50), "Affiliates", AFF),
        _session("f1", "u6", at(0, 9), "Organic Search"),  # another user: on nobody's path
        _session("x1", "u1", at(40, 9), "Email", JAN),  # 40 days before: outside the look-back
    ],
    "orders": [
        _order("o1", "u1", "a1", at(0, 10, 30), "100.00"),
        _order("o2", "u2", "b2", at(0, 12, 10), "60.00"),
        _order("o3", "u3", "c4", at(0, 14, 30), "200.00"),
        _order("o4", "u4", "d2", at(0, 20), "90.00"),
        _order("o5", "u5", "ghost", at(0, 11), "40.00"),  # its session is unknown: not attributed
        _order("o6", "u1", "a1", at(0, 10, 40), "70.00", status="cancelled"),  # not a sale
        _order("o7", "u7", "e3", at(0, 0, 5), "30.00"),
    ],
    "campaign_spend": [
        {"date": D, "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "brand",
         "spend": Decimal("50.00")},
        {"date": D, "utm_source": "facebook", "utm_medium": "paid_social", "utm_campaign": "spring",
         "spend": Decimal("100.00")},
        {"date": D, "utm_source": "bing", "utm_medium": "cpc", "utm_campaign": "wide",
         "spend": Decimal("10.00")},
        {"date": D - timedelta(days=1), "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "brand",
         "spend": Decimal("999.00")},  # another day
    ],
}
WINDOW = (D, D + timedelta(days=1))


def credited(sql=channel_attribution.CHANNEL_ATTRIBUTION_SQL) -> dict:
    got = run_sql(silver_db(SILVER), sql, WINDOW).to_pylist()
    assert {r["date"] for r in got} == {D}
    return {(r["model"], r["channel"], r["utm_campaign"]):
            (round(r["revenue"], 9), round(r["conversions"], 9)) for r in got}


# Paths (revenue): o1 [a1] 100; o2 [b1, b2] 60; o3 [c1, c2, c3, c4] 200; o4 [d1, d2] 90 (d0 is 1 s too
# early, d3 after the order's session); o7 [e1, e2, e3] 30. Credited in all: 480 = every valid order
# with a known session (o5's session is unknown, o6 is cancelled).
def test_first_touch():
    got = {k[1:]: v for k, v in credited().items() if k[0] == "first_touch"}
    assert got == {
        ("Paid Search", "brand"): (100.0, 1.0),  # o1: a1
        ("Email", "jan"): (60.0, 1.0),  # o2: b1
        ("Paid Social", "spring"): (200.0, 1.0),  # o3: c1
        ("Affiliates", "aff"): (90.0, 1.0),  # o4: d1, exactly 30 days before: on the path
        ("Referral", None): (30.0, 1.0),  # o7: e1 (d0, also Referral, is outside the 30 days)
    }


def test_last_touch():
    got = {k[1:]: v for k, v in credited().items() if k[0] == "last_touch"}
    assert got == {
        ("Paid Search", "brand"): (300.0, 2.0),  # o1 100 + o3 200 (c4)
        ("Direct", None): (150.0, 2.0),  # o2 60 (b2) + o4 90 (d2, not d3 which came after it)
        ("Affiliates", "aff"): (30.0, 1.0),  # o7: e3, the order's session of the day before
    }


def test_linear():
    got = {k[1:]: v for k, v in credited().items() if k[0] == "linear"}
    assert got == {
        ("Paid Search", "brand"): (150.0, 1.25),  # o1 100 + o3 200 / 4; 1 + 1/4
        ("Email", "jan"): (80.0, 0.75),  # o2 60 / 2 + o3 200 / 4; 1/2 + 1/4
        ("Direct", None): (75.0, 1.0),  # o2 60 / 2 + o4 90 / 2
        ("Paid Social", "spring"): (50.0, 0.25),  # o3 / 4
        ("Organic Search", None): (50.0, 0.25),  # o3 / 4
        ("Affiliates", "aff"): (55.0, round(0.5 + 1 / 3, 9)),  # o4 90 / 2 + o7 30 / 3
        ("Referral", None): (10.0, round(1 / 3, 9)),  # o7 / 3
        ("Organic Social", None): (10.0, round(1 / 3, 9)),  # o7 / 3
    }


def test_position_based():
    got = {k[1:]: v for k, v in credited().items() if k[0] == "position_based"}
    assert got == {
        ("Paid Search", "brand"): (180.0, 1.4),  # o1 100 % of 100 + o3 last 40 % of 200 = 80
        ("Email", "jan"): (50.0, 0.6),  # o2 first of two 50 % = 30 + o3 middle 20 % / 2 = 10 % = 20
        ("Direct", None): (75.0, 1.0),  # o2 50 % = 30 + o4 50 % = 45
        ("Paid Social", "spring"): (80.0, 0.4),  # o3 first 40 %
        ("Organic Search", None): (20.0, 0.1),  # o3 middle 10 %
        ("Affiliates", "aff"): (57.0, 0.9),  # o4 first of two 45 + o7 last 40 % = 12
        ("Referral", None): (12.0, 0.4),  # o7 first 40 %
        ("Organic Social", None): (6.0, 0.2),  # o7 middle: all of the 20 %
    }


def test_every_model_credits_the_revenue_of_orders_with_a_known_session():
    totals = {}
    for (model, _, _), (revenue, conversions) in credited().items():
        r, c = totals.get(model, (0.0, 0.0))
        totals[model] = (r + revenue, c + conversions)
    # o1 100 + o2 60 + o3 200 + o4 90 + o7 30 = 480 in 5 orders, in every model
    assert {m: (round(r, 6), round(c, 6)) for m, (r, c) in totals.items()} == dict.fromkeys(
        attribution.MODELS, (480.0, 5.0))


def test_attribution_roas():
    got = run_sql(silver_db(SILVER), attribution_roas.ATTRIBUTION_ROAS_SQL, WINDOW).to_pylist()
    by = {(r["model"], r["utm_campaign"]): r for r in got}
    pick = ("spend", "attributed_revenue", "conversions", "roas", "cpa")

    def row(model, campaign):
        r = by[(model, campaign)]
        return tuple(round(r[c], 9) if isinstance(r[c], float) else r[c] for c in pick)

    assert {c for _, c in by} == {"brand", "spring", "wide", "jan", "aff"}  # campaigns only, D's spend
    # brand, spring, wide have spend: in every model (12 rows); aff got credit in every model (4), jan in
    # all but last touch (3)
    assert len(got) == 12 + 4 + 3 and ("last_touch", "jan") not in by
    # linear: brand 150 / 50 = 3.0, cpa 50 / 1.25 = 40; spring 50 / 100 = 0.5, cpa 100 / 0.25 = 400
    assert row("linear", "brand") == (Decimal("50"), 150.0, 1.25, 3.0, 40.0)
    assert row("linear", "spring") == (Decimal("100"), 50.0, 0.25, 0.5, 400.0)
    # wide: spend without credit: roas 0 / 10 = 0, cpa 10 / 0 = NULL
    assert row("linear", "wide") == (Decimal("10"), 0.0, 0.0, 0.0, None)
    # jan: credit without spend: roas NULL, cpa 0 / 0.75 = 0
    assert row("linear", "jan") == (Decimal("0"), 80.0, 0.75, None, 0.0)
    # first touch: brand 100 / 50 = 2, cpa 50; spring 200 / 100 = 2, cpa 100 / 1 = 100
    assert row("first_touch", "brand") == (Decimal("50"), 100.0, 1.0, 2.0, 50.0)
    assert row("first_touch", "spring") == (Decimal("100"), 200.0, 1.0, 2.0, 100.0)
    # last touch: spring got nothing; position based: aff 45 + 12 = 57 over 0.9 conversions
    assert row("last_touch", "spring") == (Decimal("100"), 0.0, 0.0, 0.0, None)
    assert row("position_based", "aff") == (Decimal("0"), 57.0, 0.9, None, 0.0)


def test_look_back_comes_through_the_partition_mapping():
    """A range run of a week asks silver.sessions for the week and the 31 days before it, once."""
    assert channel_attribution.asset.partition_mapping(dg.AssetKey(["silver", "sessions"])) == (
        attribution.LOOKBACK)
    week = DAILY.get_partition_keys_in_range(dg.PartitionKeyRange("2026-02-01", "2026-02-07"))
    upstream = attribution.LOOKBACK.get_upstream_mapped_partitions_result_for_partitions(
        DAILY.subset_with_partition_keys(week), DAILY, DAILY
    ).partitions_subset.get_partition_keys()
    assert (min(upstream), max(upstream), len(upstream)) == ("2026-01-01", "2026-02-07", 31 + 7)


def test_range_run_through_dagster_and_the_checks(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as db:
        silver_db(SILVER, db)
    result = materialize_range(table_defs(channel_attribution, attribution_roas), "2026-01-30", "2026-01-31",
                               resources_for(tmp_path, warehouse))
    checks = {e.check_name: (e.passed, e.metadata["failing_rows"].value)
              for e in result.get_asset_check_evaluations()}
    assert checks == {"credited_revenue_matches_orders_with_known_session": (True, 0),
                      "spend_matches_silver_campaign_spend": (True, 0)}
    metadata = {(m.asset_key.path[-1], m.partition): m.metadata
                for m in (e.materialization for e in result.get_asset_materialization_events())}
    assert metadata[("channel_attribution", "2026-01-31")]["first_touch_revenue"].value == 480.0
    assert metadata[("channel_attribution", "2026-01-30")]["dagster/row_count"].value == 0
    # the 999.00 of D - 1 is that day's spend, in each of the 4 models
    assert metadata[("attribution_roas", "2026-01-30")]["dagster/row_count"].value == 4
    with duckdb.connect(str(warehouse)) as db:
        # a broken credit is caught: drop o1's 100 from the linear model
        db.execute("UPDATE gold.channel_attribution SET revenue = revenue - 100 "
                   "WHERE model = 'linear' AND channel = 'Paid Search'")
        claim = next(c for c in channel_attribution.asset_checks if c.name.startswith("credited_revenue"))
        failed = evaluate(db, claim)
        assert not failed.passed and failed.metadata["failing_rows"].value == 1
        got = rows(db, "SELECT model, sum(revenue) AS r FROM gold.channel_attribution "
                       "GROUP BY ALL ORDER BY 1")
    assert [(r["model"], round(r["r"], 6)) for r in got] == [
        ("first_touch", 480.0), ("last_touch", 480.0), ("linear", 380.0), ("position_based", 480.0)]


@pytest.mark.parametrize(
    "sql", [channel_attribution.CHANNEL_ATTRIBUTION_SQL, attribution_roas.ATTRIBUTION_ROAS_SQL]
)
def test_emits_only_its_window(sql):
    got = run_sql(silver_db(SILVER), sql, (D - timedelta(days=1), D)).to_pylist()
    assert {r["date"] for r in got} <= {D - timedelta(days=1)}
