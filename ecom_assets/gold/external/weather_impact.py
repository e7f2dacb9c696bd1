"""gold.weather_impact: each region's month of revenue correlated with temperature and rain (the
Kimball seed's external correlation)."""

import dagster as dg

from ecom_assets.checks import bounded, claim_checks, unique_key
from ecom_assets.gold.common import gold_key
from ecom_assets.gold.periodic import period_asset

RAINY_MM = 1  # a rainy day has more than this precipitation
MIN_DAYS_FOR_CORRELATION = 3


def correlation(x: str, y: str) -> str:
    """SQL of Pearson's r of two columns, NULL with fewer than 3 pairs or a constant column."""
    pairs = f"count(*) FILTER (WHERE {x} IS NOT NULL AND {y} IS NOT NULL)"
    return (
        f"CASE WHEN {pairs} >= {MIN_DAYS_FOR_CORRELATION} AND max({x}) > min({x}) AND max({y}) > min({y}) "
        f"THEN corr(CAST({x} AS DOUBLE), CAST({y} AS DOUBLE)) END"
    )


WEATHER_IMPACT_SQL = f"""
SELECT
    CAST($start AS DATE) AS month,
    CAST(country AS VARCHAR) AS country,
    CAST(region AS VARCHAR) AS region,
    CAST(count(*) AS BIGINT) AS days,
    CAST(count(*) FILTER (WHERE precipitation_mm > {RAINY_MM}) AS BIGINT) AS rainy_days,
    CAST(sum(revenue) AS DECIMAL(18,4)) AS revenue,
    CAST({correlation("revenue", "temperature_c")} AS DOUBLE) AS revenue_temperature_corr,
    CAST({correlation("revenue", "precipitation_mm")} AS DOUBLE) AS revenue_precipitation_corr,
    CAST(100 * avg(revenue) FILTER (WHERE precipitation_mm > {RAINY_MM}) / NULLIF(avg(revenue), 0) AS DOUBLE)
        AS rainy_day_revenue_index
FROM gold.weather_sales_daily
WHERE date >= $start AND date < $end
GROUP BY country, region
ORDER BY country, region
"""

_MONTHLY = "gold.weather_impact"
asset = period_asset(
    "monthly",
    "weather_impact",
    WEATHER_IMPACT_SQL,
    [dg.AssetDep(gold_key("weather_sales_daily"))],
    "external",
    {
        "regions": "COUNT(*)",
        "mean_temperature_corr": "avg(revenue_temperature_corr)",
        "mean_rainy_day_revenue_index": "avg(rainy_day_revenue_index)",
    },
)

asset_checks = claim_checks(
    unique_key(_MONTHLY, "one_row_per_region", ["month", "country", "region"]),
    bounded(
        _MONTHLY,
        "correlations_are_between_minus_1_and_1",
        ["revenue_temperature_corr", "revenue_precipitation_corr"],
        ["month", "country", "region"],
        low=-1.000001,
        high=1.000001,
    ),
)
