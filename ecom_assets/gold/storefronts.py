"""Sales by where the visit came from and where it landed: sales_performance_metrics (per channel)
and storefront_performance (per storefront domain). Both read session_attribution, so their
sessions, orders and revenue agree with the marketing tables by construction."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks, matches_per_day, unique_key
from ecom_assets.gold.common import gold_key, matches_daily_business_metrics, pct, ratio
from ecom_assets.sql_asset import sql_asset

ATTRIBUTION, ORDERS = gold_key("session_attribution"), dg.AssetKey(["silver", "orders"])
PAGEVIEWS = dg.AssetKey(["silver", "pageviews"])

SALES_PERFORMANCE_METRICS_SQL = f"""
WITH sessions AS (
    SELECT date, channel, count(*) AS sessions
    FROM gold.session_attribution WHERE date >= $start AND date < $end GROUP BY ALL
), orders AS (  -- valid orders of the day by the channel of their session of the same day
    SELECT o.date, a.channel, count(DISTINCT o.order_id) AS orders, count(DISTINCT o.user_id) AS customers,
           sum(o.total_price) AS revenue
    FROM silver.orders AS o
    LEFT JOIN gold.session_attribution AS a ON a.date = o.date AND a.session_id = o.session_id
    WHERE o.date >= $start AND o.date < $end AND o.{VALID}
    GROUP BY ALL
)
SELECT
    CAST(coalesce(s.date, o.date) AS DATE) AS date,
    CAST(coalesce(s.channel, o.channel) AS VARCHAR) AS channel,
    CAST(coalesce(o.revenue, 0) AS DECIMAL(18,4)) AS total_revenue,
    CAST(coalesce(o.orders, 0) AS BIGINT) AS total_transactions,
    CAST(coalesce(o.customers, 0) AS BIGINT) AS unique_customers,
    {ratio("o.revenue", "o.orders")} AS avg_transaction_value,
    CAST(coalesce(s.sessions, 0) AS BIGINT) AS sessions,
    {pct("coalesce(o.orders, 0)", "s.sessions")} AS conversion_rate
FROM sessions AS s
FULL JOIN orders AS o ON o.date = s.date AND o.channel IS NOT DISTINCT FROM s.channel
ORDER BY ALL
"""

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

_SALES, _STORES = "gold.sales_performance_metrics", "gold.storefront_performance"
assets = [
    sql_asset(
        layer="gold",
        name="sales_performance_metrics",
        sql=SALES_PERFORMANCE_METRICS_SQL,
        deps=[ATTRIBUTION, ORDERS],
        group="sales",
        kpis={"total_revenue": "SUM(total_revenue)", "channels": "COUNT(channel)"},
    ),
    sql_asset(
        layer="gold",
        name="storefront_performance",
        sql=STOREFRONT_PERFORMANCE_SQL,
        deps=[ATTRIBUTION, PAGEVIEWS],
        group="engagement",
        kpis={"domains": "COUNT(domain)", "sessions": "SUM(sessions)", "revenue": "SUM(revenue)"},
    ),
]

asset_checks = claim_checks(
    unique_key(_SALES, "one_row_per_channel", ["date", "channel"]),
    matches_daily_business_metrics(
        _SALES,
        "revenue_matches_daily_business_metrics",
        "Per day, the channels' total_revenue sums to daily_business_metrics.total_revenue.",
        f"SELECT date, SUM(total_revenue) AS value FROM {_SALES} GROUP BY date",
        "total_revenue",
        "channel_revenue",
    ),
    bounded(
        _SALES,
        "amounts_are_not_negative",
        ["total_revenue", "total_transactions", "sessions"],
        ["date", "channel"],
    ),
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
