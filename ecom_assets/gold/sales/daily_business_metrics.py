"""gold.daily_business_metrics: the day's headline numbers (revenue, orders, sessions, customers)."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks, matches_per_day
from ecom_assets.gold.common import days, pct, ratio
from ecom_assets.meta import provisional
from ecom_assets.schema import RESTATEMENT_DAYS
from ecom_assets.silver.tables import restatement_deps
from ecom_assets.sql_asset import sql_asset

DAILY_BUSINESS_METRICS = f"""
WITH orders AS (
    SELECT date,
           SUM(total_price) AS revenue,
           COUNT(DISTINCT order_id) AS orders,
           COUNT(DISTINCT user_id) AS customers,
           COUNT(DISTINCT user_id) FILTER (WHERE is_first_purchase) AS new_customers,
           SUM(discount) AS discount,
           SUM(shipping_price) AS shipping
    FROM silver.orders
    WHERE date >= $start AND date < $end AND {VALID}
    GROUP BY date
), sessions AS (
    SELECT date, COUNT(DISTINCT session_id) AS sessions, COUNT(DISTINCT user_id) AS users
    FROM silver.sessions
    WHERE date >= $start AND date < $end
    GROUP BY date
)
SELECT d.date,
       CAST(coalesce(o.revenue, 0) AS DECIMAL(18,4)) AS total_revenue,
       CAST(coalesce(o.orders, 0) AS BIGINT) AS total_orders,
       CAST(coalesce(s.sessions, 0) AS BIGINT) AS total_sessions,
       CAST(coalesce(s.users, 0) AS BIGINT) AS total_users,
       {pct("coalesce(o.orders, 0)", "s.sessions")} AS conversion_rate,
       {ratio("o.revenue", "o.orders")} AS avg_order_value,
       CAST(coalesce(o.new_customers, 0) AS BIGINT) AS new_customers,
       CAST(coalesce(o.customers - o.new_customers, 0) AS BIGINT) AS repeat_customers,
       CAST(coalesce(o.discount, 0) AS DECIMAL(18,4)) AS total_discount,
       CAST(coalesce(o.shipping, 0) AS DECIMAL(18,4)) AS total_shipping,
       {provisional("d.date")} AS is_provisional
FROM ({days()}) AS d LEFT JOIN orders AS o USING (date) LEFT JOIN sessions AS s USING (date)
ORDER BY d.date
"""

asset = sql_asset(
    layer="gold",
    name="daily_business_metrics",
    sql=DAILY_BUSINESS_METRICS,
    deps=[
        dg.AssetKey(["silver", "orders"]),
        dg.AssetKey(["silver", "sessions"]),
        *restatement_deps(["orders"], RESTATEMENT_DAYS, only_last=True),
    ],
    group="sales",
    kpis={
        "total_revenue": "SUM(total_revenue)",
        "total_orders": "SUM(total_orders)",
        # ratios of sums: exact for one day and for any set of days
        "conversion_rate": "100.0 * SUM(total_orders) / NULLIF(SUM(total_sessions), 0)",
        "avg_order_value": "CAST(SUM(total_revenue) AS DOUBLE) / NULLIF(SUM(total_orders), 0)",
        "new_customers": "SUM(new_customers)",
    },
)

asset_checks = claim_checks(
    matches_per_day(
        "gold.daily_business_metrics",
        "revenue_matches_silver_orders",
        "Per day, total_revenue equals SUM(total_price) of the valid orders in silver.orders.",
        "SELECT date, total_revenue AS value FROM gold.daily_business_metrics",
        f"SELECT date, SUM(total_price) AS value FROM silver.orders WHERE {VALID} GROUP BY date",
        ("gold_revenue", "silver_revenue"),
    ),
    bounded(
        "gold.daily_business_metrics",
        "conversion_rate_is_a_percentage",
        ["conversion_rate"],
        ["date"],
        high=100,
        # Orders can outnumber sessions (two orders in one session, orders of sessions of other days).
        severity=dg.AssetCheckSeverity.WARN,
    ),
    bounded(
        "gold.daily_business_metrics",
        "amounts_are_not_negative",
        ["total_revenue", "total_discount", "total_shipping"],
        ["date"],
    ),
)
