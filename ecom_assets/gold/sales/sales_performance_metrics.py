"""gold.sales_performance_metrics: the day's sales by the marketing channel of their session.

It reads session_attribution, so its sessions, orders and revenue agree with the marketing tables
by construction.
"""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks, unique_key
from ecom_assets.gold.common import gold_key, matches_daily_business_metrics, pct, ratio
from ecom_assets.sql_asset import sql_asset

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

_SALES = "gold.sales_performance_metrics"
asset = sql_asset(
    layer="gold",
    name="sales_performance_metrics",
    sql=SALES_PERFORMANCE_METRICS_SQL,
    deps=[gold_key("session_attribution"), dg.AssetKey(["silver", "orders"])],
    group="sales",
    kpis={"total_revenue": "SUM(total_revenue)", "channels": "COUNT(channel)"},
)

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
)
