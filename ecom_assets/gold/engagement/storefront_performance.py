"""gold.storefront_performance: each storefront domain's day of sessions, pageviews, conversions and
revenue.

It reads session_attribution, so its sessions, orders and revenue agree with the marketing tables by
construction.
"""

import dagster as dg

from ecom_assets.checks import bounded, claim_checks, matches_per_day, unique_key
from ecom_assets.gold.common import gold_key, matches_daily_business_metrics, pct
from ecom_assets.sql_asset import sql_asset

STOREFRONT_PERFORMANCE_SQL = f"""
WITH storefront AS (  -- a session's storefront: the domain of its first pageview (by time, then event_id)
    SELECT date, session_id, first(domain ORDER BY time, event_id) AS domain
    FROM silver.pageviews
    WHERE date >= $start AND date < $end AND session_id IS NOT NULL
    GROUP BY date, session_id
), sessions AS (
    SELECT a.date, f.domain, count(*) AS sessions, count(*) FILTER (WHERE a.converted) AS converted,
           sum(a.orders) AS orders, sum(a.revenue) AS revenue
    FROM gold.session_attribution AS a
    LEFT JOIN storefront AS f ON f.date = a.date AND f.session_id = a.session_id
    WHERE a.date >= $start AND a.date < $end
    GROUP BY ALL
), views AS (
    SELECT date, domain, count(*) AS pageviews
    FROM silver.pageviews WHERE date >= $start AND date < $end GROUP BY ALL
)
SELECT
    CAST(coalesce(s.date, v.date) AS DATE) AS date,
    CAST(coalesce(s.domain, v.domain) AS VARCHAR) AS domain,
    CAST(coalesce(s.sessions, 0) AS BIGINT) AS sessions,
    CAST(coalesce(v.pageviews, 0) AS BIGINT) AS pageviews,
    CAST(coalesce(s.converted, 0) AS BIGINT) AS converted_sessions,
    CAST(coalesce(s.orders, 0) AS BIGINT) AS orders,
    CAST(coalesce(s.revenue, 0) AS DECIMAL(18,4)) AS revenue,
    {pct("coalesce(s.converted, 0)", "s.sessions")} AS conversion_rate
FROM sessions AS s
FULL JOIN views AS v ON v.date = s.date AND v.domain IS NOT DISTINCT FROM s.domain
ORDER BY ALL
"""

_STORES = "gold.storefront_performance"
asset = sql_asset(
    layer="gold",
    name="storefront_performance",
    sql=STOREFRONT_PERFORMANCE_SQL,
    deps=[gold_key("session_attribution"), dg.AssetKey(["silver", "pageviews"])],
    group="engagement",
    kpis={"domains": "COUNT(domain)", "sessions": "SUM(sessions)", "revenue": "SUM(revenue)"},
)

asset_checks = claim_checks(
    unique_key(_STORES, "one_row_per_domain", ["date", "domain"]),
    matches_daily_business_metrics(
        _STORES,
        "sessions_match_daily_business_metrics",
        "Per day, the storefronts' sessions add up to daily_business_metrics.total_sessions.",
        f"SELECT date, SUM(sessions) AS value FROM {_STORES} GROUP BY date",
        "total_sessions",
        "storefront_sessions",
    ),
    matches_per_day(
        _STORES,
        "pageviews_match_silver_pageviews",
        "Per day, the domains' pageviews add up to the day's silver.pageviews.",
        f"SELECT date, SUM(pageviews) AS value FROM {_STORES} GROUP BY date",
        "SELECT date, count(*) AS value FROM silver.pageviews GROUP BY date",
        ("storefront_pageviews", "silver_pageviews"),
    ),
    bounded(_STORES, "conversion_rate_is_a_percentage", ["conversion_rate"], ["date", "domain"], high=100),
)
