"""gold.session_attribution: each session with its last-touch channel, campaign and valid orders.

It is the one place that ties a session to its valid orders; the channel and campaign tables
aggregate it, so their sessions, conversions and revenue agree by construction.
"""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import claim_checks, matches_per_day
from ecom_assets.gold.common import SESSION_COLUMNS, pct, session_orders
from ecom_assets.sql_asset import sql_asset

_ORDER_MEASURES = """count(DISTINCT order_id) AS orders,
           sum(total_price) AS revenue,
           first(order_id ORDER BY time, order_id) AS first_order_id,
           min(time) AS first_order_time"""

SESSION_ATTRIBUTION_SQL = f"""
WITH valid_orders AS (
    {session_orders(_ORDER_MEASURES)}
)
SELECT
    {SESSION_COLUMNS},
    CAST(s.utm_source AS VARCHAR) AS utm_source,
    CAST(s.utm_medium AS VARCHAR) AS utm_medium,
    CAST(s.utm_campaign AS VARCHAR) AS utm_campaign,
    CAST(s.channel AS VARCHAR) AS channel,
    CAST(s.country AS VARCHAR) AS country,
    CAST(s.device_type AS VARCHAR) AS device_type,
    CAST(s.platform AS VARCHAR) AS platform,
    CAST(coalesce(o.orders, 0) > 0 AS BOOLEAN) AS converted,
    CAST(coalesce(o.orders, 0) AS BIGINT) AS orders,
    CAST(coalesce(o.revenue, 0) AS DECIMAL(18,4)) AS revenue,
    CAST(o.first_order_id AS VARCHAR) AS order_id,
    CAST(date_diff('millisecond', s.time, o.first_order_time) / 60000 AS DOUBLE) AS time_to_conversion_minutes
FROM silver.sessions AS s
LEFT JOIN valid_orders AS o ON o.date = s.date AND o.session_id = s.session_id
WHERE s.date >= $start AND s.date < $end
"""

asset = sql_asset(
    layer="gold",
    name="session_attribution",
    sql=SESSION_ATTRIBUTION_SQL,
    deps=[dg.AssetKey(["silver", "sessions"]), dg.AssetKey(["silver", "orders"])],
    group="marketing",
    kpis={"sessions": "COUNT(*)", "converted_sessions": "COUNT(*) FILTER (WHERE converted)",
          "revenue": "SUM(revenue)",
          "conversion_rate": pct("COUNT(*) FILTER (WHERE converted)", "COUNT(*)")},
)

asset_checks = claim_checks(
    matches_per_day(
        "gold.session_attribution",
        "sessions_match_silver_sessions",
        "Per day, one row per distinct session of silver.sessions.",
        "SELECT date, count(*) AS value FROM gold.session_attribution GROUP BY date",
        "SELECT date, count(DISTINCT session_id) AS value FROM silver.sessions GROUP BY date",
        ("attribution_rows", "silver_sessions"),
    ),
    matches_per_day(
        "gold.session_attribution",
        "revenue_matches_silver_orders",
        "Per day, attributed revenue equals the valid orders' total_price whose session started "
        "that day.",
        "SELECT date, sum(revenue) AS value FROM gold.session_attribution GROUP BY date",
        f"""SELECT o.date, sum(o.total_price) AS value FROM silver.orders AS o
                WHERE o.{VALID} AND EXISTS (SELECT 1 FROM silver.sessions AS s
                                             WHERE s.date = o.date AND s.session_id = o.session_id)
                GROUP BY o.date""",
        ("attributed_revenue", "silver_revenue"),
    ),
)
