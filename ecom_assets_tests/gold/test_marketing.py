"""Marketing gold tables on a tiny hand-written silver input, with hand-computed answers."""

from datetime import date, datetime
from decimal import Decimal

import dagster as dg
import duckdb
import pyarrow as pa
import pytest

from ecom_assets.gold.marketing import campaign_effectiveness, daily_channel_performance, session_attribution
from ecom_assets.sql_asset import run_sql
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

D1, D2, D3 = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)
ZERO = Decimal("0")


def _session(sid, user, hour, channel, utm=(None, None, None), day=D1):
    source, medium, campaign = utm
    start = datetime(day.year, day.month, day.day, hour)
    return {"date": day, "session_id": sid, "user_id": user, "time": start,
            "utm_source": source, "utm_medium": medium, "utm_campaign": campaign, "channel": channel,
            "country": "DE", "device_type": "Desktop", "platform": "desktop"}


def _order(order_id, sid, hour, minute, price, status="completed"):
    return {"date": D1, "event_id": f"e-{order_id}", "order_id": order_id, "session_id": sid, "user_id": "u",
            "time": datetime(2026, 1, 5, hour, minute), "total_price": Decimal(price), "order_status": status}


BRAND = ("google", "cpc", "brand")
LAUNCH = ("blog", "banner", "launch")
SILVER = {
    "sessions": [
        _session("s1", "u1", 10, "Paid Search", BRAND),
        _session("s2", "u1", 11, "Paid Search", BRAND),  # same user: Paid Search has 2 sessions, 1 user
        _session("s3", "u2", 12, "Direct"),  # no utm: not a campaign
        _session("s4", "u3", 13, "Email", ("newsletter", "email", "jan")),  # a campaign without spend
        # D2: a day with sessions and no orders; one campaign whose sessions got different channels
        _session("s7", "u6", 9, "Referral", LAUNCH, day=D2),
        _session("s8", "u7", 10, "Referral", LAUNCH, day=D2),
        _session("s9", "u8", 11, "Direct", LAUNCH, day=D2),
    ],
    "orders": [
        _order("o1", "s1", 10, 30, "100.00"),  # s1: a session with two orders
        _order("o2", "s1", 10, 45, "50.50"),
        _order("o3", "s2", 11, 20, "80.00", status="cancelled"),  # a cancelled order: not a sale
        _order("o4", "s4", 13, 6, "30.25"),
        _order("o5", "sX", 15, 0, "20.00"),  # its session is not among the day's sessions: unattributed
    ],
    "campaign_spend": [
        {"date": D1, "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "brand",
         "spend": Decimal("50.00"), "impressions": 1000, "clicks": 40},
        # campaigns with spend and no sessions: channel from the UTM-only rules
        {"date": D1, "utm_source": "facebook", "utm_medium": "paid_social", "utm_campaign": "spring",
         "spend": Decimal("25.00"), "impressions": 500, "clicks": 10},
        {"date": D1, "utm_source": "instagram", "utm_medium": "cpc", "utm_campaign": "promo",
         "spend": Decimal("10.00"), "impressions": 100, "clicks": 5},
        {"date": D1, "utm_source": "bing", "utm_medium": "display", "utm_campaign": "wide",
         "spend": Decimal("5.00"), "impressions": 90, "clicks": 1},
    ],
}


def build(conn: duckdb.DuckDBPyConnection, name: str, sql: str, window=(D1, D3)) -> list[dict]:
    """Materialize ``gold.<name>`` in the test database from its query and return its rows."""
    table: pa.Table = run_sql(conn, sql, window)
    conn.execute("CREATE SCHEMA IF NOT EXISTS gold")
    conn.register("_built", table)
    conn.execute(f"CREATE OR REPLACE TABLE gold.{name} AS SELECT * FROM _built")
    conn.unregister("_built")
    return rows(conn, f"SELECT * FROM gold.{name} ORDER BY ALL")


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    db = silver_db(SILVER)
    build(db, "session_attribution", session_attribution.SESSION_ATTRIBUTION_SQL)
    return db


def test_session_attribution(conn):
    got = {r["session_id"]: r for r in rows(conn, "SELECT * FROM gold.session_attribution")}
    assert set(got) == {"s1", "s2", "s3", "s4", "s7", "s8", "s9"}  # one row per session, not per order
    pick = ("converted", "orders", "revenue", "order_id", "time_to_conversion_minutes")
    # s1: o1 + o2 = 100.00 + 50.50 = 150.50; first order o1 at 10:30, session 10:00 -> 30 min
    assert [got["s1"][c] for c in pick] == [True, 2, Decimal("150.5"), "o1", 30.0]
    # s2: its only order o3 is cancelled -> not converted, revenue 0 (not NULL)
    assert [got["s2"][c] for c in pick] == [False, 0, ZERO, None, None]
    # s4: o4 at 13:06, session 13:00 -> 6 min
    assert [got["s4"][c] for c in pick] == [True, 1, Decimal("30.25"), "o4", 6.0]
    assert [got["s7"][c] for c in pick] == [False, 0, ZERO, None, None]
    assert (got["s1"]["channel"], got["s1"]["utm_campaign"]) == ("Paid Search", "brand")
    assert got["s7"]["date"] == D2


def test_session_attribution_emits_only_its_window(conn):
    got = run_sql(conn, session_attribution.SESSION_ATTRIBUTION_SQL, (D2, D3)).to_pylist()
    assert sorted(r["session_id"] for r in got) == ["s7", "s8", "s9"]


def test_daily_channel_performance(conn):
    got = build(conn, "daily_channel_performance", daily_channel_performance.DAILY_CHANNEL_PERFORMANCE_SQL)
    cols = ("date", "channel", "sessions", "users", "converted_sessions", "orders", "revenue",
            "conversion_rate", "revenue_per_session")
    assert [tuple(r[c] for c in cols) for r in got] == [
        (D1, "Direct", 1, 1, 0, 0, ZERO, 0.0, 0.0),
        # 1 of 2 sessions converted = 50 %; revenue 150.50 / 2 sessions = 75.25
        (D1, "Email", 1, 1, 1, 1, Decimal("30.25"), 100.0, 30.25),
        (D1, "Paid Search", 2, 1, 1, 2, Decimal("150.5"), 50.0, 75.25),
        (D2, "Direct", 1, 1, 0, 0, ZERO, 0.0, 0.0),
        (D2, "Referral", 2, 2, 0, 0, ZERO, 0.0, 0.0),
    ]


def test_campaign_effectiveness(conn):
    got = build(conn, "campaign_effectiveness", campaign_effectiveness.CAMPAIGN_EFFECTIVENESS_SQL)
    cols = ("date", "utm_source", "utm_medium", "utm_campaign", "channel", "spend", "impressions",
            "ad_clicks", "sessions", "conversions", "revenue", "roi", "roas", "cost_per_acquisition")
    assert [tuple(r[c] for c in cols) for r in got] == [
        # spend only, medium matches no UTM rule -> Direct; roi = (0 - 5) / 5 x 100 = -100; no conversions
        (D1, "bing", "display", "wide", "Direct", Decimal("5"), 90, 1, 0, 0, ZERO, -100.0, 0.0, None),
        # spend only: paid_social -> Paid Social
        (D1, "facebook", "paid_social", "spring", "Paid Social", Decimal("25"), 500, 10, 0, 0, ZERO,
         -100.0, 0.0, None),
        # s1 + s2: roi = (150.50 - 50) / 50 x 100 = 201; roas = 150.50 / 50 = 3.01; cpa = 50 / 1
        (D1, "google", "cpc", "brand", "Paid Search", Decimal("50"), 1000, 40, 2, 1, Decimal("150.5"),
         201.0, 3.01, 50.0),
        # spend only: cpc from a social source -> Paid Social (rule 1 before rule 2)
        (D1, "instagram", "cpc", "promo", "Paid Social", Decimal("10"), 100, 5, 0, 0, ZERO,
         -100.0, 0.0, None),
        # s4, no spend row: spend 0 -> roi and roas NULL, cpa = 0 / 1 = 0
        (D1, "newsletter", "email", "jan", "Email", ZERO, 0, 0, 1, 1, Decimal("30.25"), None, None, 0.0),
        # s7, s8 Referral and s9 Direct: the channel of most sessions; 0 / 0 conversions -> NULL cpa
        (D2, "blog", "banner", "launch", "Referral", ZERO, 0, 0, 3, 0, ZERO, None, None, None),
    ]


def _business_metrics(conn, revenues: dict[date, str]) -> None:
    """A hand-written gold.daily_business_metrics (another module builds the real one)."""
    conn.execute(
        "CREATE OR REPLACE TABLE gold.daily_business_metrics (date DATE, total_revenue DECIMAL(18,4))"
    )
    for day, revenue in revenues.items():
        conn.execute("INSERT INTO gold.daily_business_metrics VALUES (?, ?)", [day, Decimal(revenue)])


def test_revenue_reconciliation(conn):
    build(conn, "daily_channel_performance", daily_channel_performance.DAILY_CHANNEL_PERFORMANCE_SQL)
    # D1: valid orders 100.00 + 50.50 + 30.25 + 20.00 = 200.75 = channels 180.75 + unattributed o5 20.00
    _business_metrics(conn, {D1: "200.75", D2: "0"})
    result = daily_channel_performance.revenue_reconciliation(conn)
    assert result.passed, result.description
    assert result.metadata["unattributed_revenue"].value == 20.0
    assert result.metadata["days_checked"].value == 2

    _business_metrics(conn, {D1: "210.75", D2: "0"})
    result = daily_channel_performance.revenue_reconciliation(conn)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert result.metadata["failing_count"].value == 1
    assert "2026-01-05" in result.description and "200.75" in result.description
    assert "210.75" in result.description


def test_revenue_reconciliation_reports_days_missing_in_business_metrics(conn):
    build(conn, "daily_channel_performance", daily_channel_performance.DAILY_CHANNEL_PERFORMANCE_SQL)
    result = daily_channel_performance.revenue_reconciliation(conn)  # the table does not exist yet
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert result.metadata["days_missing_in_daily_business_metrics"].value == "2026-01-05, 2026-01-06"

    _business_metrics(conn, {D1: "200.75"})
    result = daily_channel_performance.revenue_reconciliation(conn)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert result.metadata["days_missing_in_daily_business_metrics"].value == "2026-01-06"


def test_end_to_end_through_dagster(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as db:
        silver_db(SILVER, db)
        db.execute("CREATE SCHEMA gold")
        _business_metrics(db, {D1: "200.75", D2: "0"})
    result = materialize_range(
        table_defs(session_attribution, daily_channel_performance, campaign_effectiveness),
        "2026-01-05", "2026-01-06", resources_for(tmp_path, warehouse),
    )
    metadata = {
        (e.materialization.asset_key.path[-1], e.materialization.partition): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    counts = {key: m["dagster/row_count"].value for key, m in metadata.items()}
    assert counts == {
        ("session_attribution", "2026-01-05"): 4, ("session_attribution", "2026-01-06"): 3,
        ("daily_channel_performance", "2026-01-05"): 3, ("daily_channel_performance", "2026-01-06"): 2,
        ("campaign_effectiveness", "2026-01-05"): 5, ("campaign_effectiveness", "2026-01-06"): 1,
    }
    # KPIs per partition: D1 has 2 converted of 4 sessions = 50 %, revenue 150.50 + 30.25 = 180.75
    d1 = metadata[("daily_channel_performance", "2026-01-05")]
    assert [d1[k].value for k in ("sessions", "converted_sessions", "revenue", "conversion_rate")] == [
        4, 2, 180.75, 50.0]
    # spend 50 + 25 + 10 + 5 = 90; roas of the paid campaigns = 150.50 / 90
    d1 = metadata[("campaign_effectiveness", "2026-01-05")]
    assert (d1["spend"].value, d1["roas"].value) == (90.0, pytest.approx(150.5 / 90))
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {
        "sessions_match_silver_sessions": True,
        "revenue_matches_silver_orders": True,
        "revenue_matches_daily_business_metrics": True,
        "conversion_rate_is_a_percentage": True,
        "spend_matches_silver_campaign_spend": True,
    }
    with duckdb.connect(str(warehouse)) as db:
        # D1 channels: 150.50 + 30.25 + 0 = 180.75; D2: 0
        sql = "SELECT date, sum(revenue) AS r FROM gold.daily_channel_performance GROUP BY 1 ORDER BY 1"
        got = rows(db, sql)
    assert got == [{"date": D1, "r": Decimal("180.75")}, {"date": D2, "r": ZERO}]
