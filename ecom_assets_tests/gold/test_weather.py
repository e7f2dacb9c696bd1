"""weather_sales_daily and weather_impact on hand-written days (a region with three rainy days), then the
pair through Dagster."""

import math
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from ecom_assets.gold.external import weather_impact, weather_sales_daily
from ecom_assets.gold.sales import daily_business_metrics, regional_sales, sales_summary
from ecom_assets_tests.gold.test_marketing import build
from ecom_assets_tests.gold.test_sales import D1, D2, D3, F0, F1, order, partition_metadata, session
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

FEB = date(2026, 2, 1)


def _weather(day: date, region: str, temp: str, rain: str, condition: str = "cloudy", country="DE") -> dict:
    return {
        "date": day,
        "country": country,
        "region": region,
        "temperature_c": temp,
        "precipitation_mm": rain,
        "condition": condition,
    }


def test_weather_sales_daily_puts_each_regions_sales_beside_its_weather():
    conn = silver_db(
        {
            "weather": [
                _weather(D1, "Bavaria", "3.5", "0.0", "sunny"),
                _weather(D1, "Berlin", "1.0", "4.2", "rain"),
                _weather(D2, "Bavaria", "2.0", "1.0"),
            ],
            "sessions": [
                session("s1", D1, "u1", "DE", "Bavaria"),
                session("s2", D1, "u2", "DE", "Bavaria"),
                session("s3", D1, "u3", "DE", "Hesse"),
                session("s4", D2, "u4", "DE", "Bavaria"),
            ],
            "orders": [
                order("o1", D1, "s1", "u1", "100.00"),
                order("o2", D1, "s2", "u2", "40.00"),
                order("o3", D1, "s2", "u2", "70.00", status="cancelled"),
                order("o4", D1, "s3", "u3", "55.00"),
            ],  # Hesse has no weather row: not in the table
        }
    )
    got = build(conn, "weather_sales_daily", weather_sales_daily.WEATHER_SALES_DAILY_SQL, (D1, D3))
    assert [tuple(r.values()) for r in got] == [
        # Bavaria on D1: o1 100 + o2 40 (o3 cancelled), sessions s1, s2
        (D1, "DE", "Bavaria", Decimal("140.0000"), 2, 2, 3.5, 0.0, "sunny"),
        # Berlin: weather but no visit
        (D1, "DE", "Berlin", Decimal("0.0000"), 0, 0, 1.0, 4.2, "rain"),
        # Bavaria on D2: a session, no order
        (D2, "DE", "Bavaria", Decimal("0.0000"), 0, 1, 2.0, 1.0, "cloudy"),
    ]


def _daily(conn, days: list[tuple]) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS gold")
    conn.execute(
        "CREATE TABLE gold.weather_sales_daily (date DATE, country VARCHAR, region VARCHAR, "
        "revenue DECIMAL(18,4), temperature_c DOUBLE, precipitation_mm DOUBLE)"
    )
    conn.executemany("INSERT INTO gold.weather_sales_daily VALUES (?, 'DE', ?, ?, ?, ?)", days)


def test_weather_impact_correlates_daily_revenue_with_temperature_and_rain():
    conn = duckdb.connect()
    day = [D1 + timedelta(i) for i in range(5)]
    _daily(
        conn,
        [
            # Bavaria: three rainy days (> 1 mm: 2, 3, 1.5), revenue 100, 50, 200, 80, 70
            (day[0], "Bavaria", 100, 0, 0),
            (day[1], "Bavaria", 50, 5, 2),
            (day[2], "Bavaria", 200, 10, 0),
            (day[3], "Bavaria", 80, 2, 3),
            (day[4], "Bavaria", 70, 8, 1.5),
            (FEB, "Bavaria", 999, 1, 9),  # February: not this month
            # Berlin: two days only → no correlation; no rainy day → no index
            (day[0], "Berlin", 10, 1, 0),
            (day[1], "Berlin", 30, 2, 0),
            # Hesse: the same temperature every day → no temperature correlation
            (day[0], "Hesse", 0, 4, 0),
            (day[1], "Hesse", 10, 4, 0),
            (day[2], "Hesse", 20, 4, 5),
        ],
    )
    impact = build(conn, "weather_impact", weather_impact.WEATHER_IMPACT_SQL, (D1, FEB))
    got = {r["region"]: r for r in impact}
    assert set(got) == {"Bavaria", "Berlin", "Hesse"}
    bavaria = got["Bavaria"]
    # revenue mean 500 / 5 = 100, deviations 0, −50, 100, −20, −30 (squares sum to 13,800);
    # temperature mean 5, deviations −5, 0, 5, −3, 3 (squares 68):
    # r = (0 + 0 + 500 + 60 − 90) / √(68 × 13,800)
    # precipitation mean 1.3, deviations −1.3, 0.7, −1.3, 1.7, 0.2 (squares 6.8):
    # r = (0 − 35 − 130 − 34 − 6) / √(6.8 × 13,800)
    # rainy days' mean (50 + 80 + 70) / 3 over the month's mean 100, × 100
    assert (bavaria["days"], bavaria["rainy_days"], bavaria["revenue"]) == (5, 3, Decimal("500.0000"))
    assert bavaria["revenue_temperature_corr"] == pytest.approx(470 / math.sqrt(68 * 13800))
    assert bavaria["revenue_precipitation_corr"] == pytest.approx(-205 / math.sqrt(6.8 * 13800))
    assert bavaria["rainy_day_revenue_index"] == pytest.approx(200 / 3)
    berlin = got["Berlin"]
    assert (
        berlin["days"],
        berlin["revenue_temperature_corr"],
        berlin["revenue_precipitation_corr"],
        berlin["rainy_day_revenue_index"],
    ) == (2, None, None, None)
    hesse = got["Hesse"]
    # precipitation 0, 0, 5 (mean 5/3) against revenue 0, 10, 20 (mean 10): r = 50 / √(150/9 × 200) = √3 / 2;
    # the rainy day's 20 over the mean 10 → 200
    assert hesse["revenue_temperature_corr"] is None
    assert hesse["revenue_precipitation_corr"] == pytest.approx(math.sqrt(3) / 2)
    assert hesse["rainy_day_revenue_index"] == pytest.approx(200.0)


def test_weather_group_end_to_end(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    silver_db(
        {
            "weather": [_weather(F0, "Bavaria", "1.0", "2.0"), _weather(F1, "Bavaria", "3.0", "0.0")],
            "sessions": [session("s1", F0, "u1", "DE", "Bavaria"), session("s2", F1, "u2", "DE", "Bavaria")],
            "orders": [order("o1", F0, "s1", "u1", "30.00"), order("o2", F1, "s2", "u2", "10.00")],
        },
        duckdb.connect(str(warehouse)),
    ).close()
    daily_tables = (daily_business_metrics, sales_summary, regional_sales, weather_sales_daily)
    everything = table_defs(*daily_tables, weather_impact)
    resources = resources_for(tmp_path, warehouse)
    daily = materialize_range(
        everything,
        F0.isoformat(),
        F1.isoformat(),
        resources,
        selection=[m.asset.key for m in daily_tables],
    )
    assert daily.success
    monthly = materialize_range(
        everything, F0.isoformat(), F0.isoformat(), resources, selection=[weather_impact.asset.key]
    )
    assert monthly.success
    checks = {
        e.check_name: e.passed
        for r in (daily, monthly)
        for e in r.get_asset_check_evaluations()
        if e.asset_key.path[-1].startswith("weather")
    }
    assert checks == {
        "one_row_per_region": True,
        "revenue_matches_regional_sales": True,
        "measures_are_not_negative": True,
        "correlations_are_between_minus_1_and_1": True,
    }
    assert partition_metadata(daily, "weather_sales_daily")[F1.isoformat()]["revenue"] == 10.0
    with duckdb.connect(str(warehouse)) as db:
        got = rows(db, "SELECT month, days, rainy_days, rainy_day_revenue_index FROM gold.weather_impact")
    # one rainy day (F0: 30) over the mean (30 + 10) / 2 = 20 → 150
    assert [tuple(r.values()) for r in got] == [(F0, 2, 1, 150.0)]
