"""gold.weather_sales_daily: each region's day of sales beside its weather."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import Claim, bounded, claim_checks, unique_key
from ecom_assets.sql_asset import sql_asset

WEATHER_SALES_DAILY_SQL = f"""
WITH sessions AS (
    SELECT date, country, region, count(DISTINCT session_id) AS sessions
    FROM silver.sessions WHERE date >= $start AND date < $end GROUP BY ALL
), orders AS (  -- valid orders by the geography of their session of the same day
    SELECT o.date, s.country, s.region, count(DISTINCT o.order_id) AS orders, sum(o.total_price) AS revenue
    FROM silver.orders AS o JOIN silver.sessions AS s ON s.session_id = o.session_id AND s.date = o.date
    WHERE o.date >= $start AND o.date < $end AND o.{VALID}
    GROUP BY ALL
)
SELECT
    CAST(w.date AS DATE) AS date,
    CAST(w.country AS VARCHAR) AS country,
    CAST(w.region AS VARCHAR) AS region,
    CAST(coalesce(o.revenue, 0) AS DECIMAL(18,4)) AS revenue,
    CAST(coalesce(o.orders, 0) AS BIGINT) AS orders,
    CAST(coalesce(s.sessions, 0) AS BIGINT) AS sessions,
    CAST(w.temperature_c AS DOUBLE) AS temperature_c,
    CAST(w.precipitation_mm AS DOUBLE) AS precipitation_mm,
    CAST(w.condition AS VARCHAR) AS condition
FROM silver.weather AS w
LEFT JOIN orders AS o ON o.date = w.date AND o.country = w.country AND o.region = w.region
LEFT JOIN sessions AS s ON s.date = w.date AND s.country = w.country AND s.region = w.region
WHERE w.date >= $start AND w.date < $end
ORDER BY ALL
"""

_DAILY = "gold.weather_sales_daily"
asset = sql_asset(
    layer="gold",
    name="weather_sales_daily",
    sql=WEATHER_SALES_DAILY_SQL,
    deps=[dg.AssetKey(["silver", t]) for t in ("weather", "orders", "sessions")],
    group="external",
    kpis={"regions": "COUNT(*)", "revenue": "SUM(revenue)", "mean_temperature_c": "avg(temperature_c)"},
)

asset_checks = claim_checks(
    unique_key(_DAILY, "one_row_per_region", ["date", "country", "region"]),
    Claim(
        _DAILY,
        "revenue_matches_regional_sales",
        "Per (day, country, region), revenue equals regional_sales' revenue (0 when it has no row).",
        f"""SELECT w.date, w.country, w.region, w.revenue, r.revenue AS regional_revenue
        FROM {_DAILY} AS w LEFT JOIN gold.regional_sales AS r
          ON r.date = w.date AND r.country = w.country AND r.region = w.region
        WHERE w.revenue <> coalesce(r.revenue, 0)""",
        reads=["gold.regional_sales"],
    ),
    bounded(
        _DAILY,
        "measures_are_not_negative",
        ["revenue", "orders", "sessions", "precipitation_mm"],
        ["date", "country", "region"],
    ),
)
