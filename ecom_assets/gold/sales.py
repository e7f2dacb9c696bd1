"""Gold tables of the sales domain: the day's business metrics, sales net of returns, regions."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks, matches_per_day
from ecom_assets.gold.common import days, matches_daily_business_metrics, pct, ratio
from ecom_assets.meta import provisional
from ecom_assets.schema import RESTATEMENT_DAYS
from ecom_assets.silver.facts import VALID_LINE_ITEM_REVENUE
from ecom_assets.silver.tables import restatement_deps
from ecom_assets.sql_asset import sql_asset

ORDERS, SESSIONS = dg.AssetKey(["silver", "orders"]), dg.AssetKey(["silver", "sessions"])

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

SALES_SUMMARY = f"""
WITH sales AS (
    SELECT date, SUM(total_amount) AS gross, SUM(quantity) AS units
    FROM silver.fact_sales
    WHERE date >= $start AND date < $end AND line_type = 'sale'
    GROUP BY date
), returns AS (
    SELECT date, SUM(refund_amount) AS refunded, SUM(product_qty) AS units
    FROM silver.returns
    WHERE date >= $start AND date < $end
    GROUP BY date
)
SELECT d.date,
       CAST(coalesce(s.gross, 0) AS DECIMAL(18,4)) AS gross_revenue,
       CAST(coalesce(r.refunded, 0) AS DECIMAL(18,4)) AS returns_amount,
       CAST(coalesce(s.gross, 0) - coalesce(r.refunded, 0) AS DECIMAL(18,4)) AS net_revenue,
       CAST(coalesce(s.units, 0) AS BIGINT) AS units_sold,
       CAST(coalesce(r.units, 0) AS BIGINT) AS units_returned,
       {pct("coalesce(r.units, 0)", "s.units")} AS return_rate
FROM ({days()}) AS d LEFT JOIN sales AS s USING (date) LEFT JOIN returns AS r USING (date)
ORDER BY d.date
"""

REGIONAL_SALES = f"""
SELECT o.date, s.country, s.region,
       CAST(COUNT(DISTINCT o.order_id) AS BIGINT) AS orders,
       CAST(SUM(o.total_price) AS DECIMAL(18,4)) AS revenue,
       CAST(COUNT(DISTINCT o.user_id) AS BIGINT) AS customers,
       {ratio("SUM(o.total_price)", "COUNT(DISTINCT o.order_id)")} AS avg_order_value
FROM silver.orders AS o
LEFT JOIN silver.sessions AS s ON s.session_id = o.session_id AND s.date = o.date
WHERE o.date >= $start AND o.date < $end AND o.{VALID}
GROUP BY ALL
ORDER BY ALL
"""

assets = [
    sql_asset(
        layer="gold",
        name="daily_business_metrics",
        sql=DAILY_BUSINESS_METRICS,
        deps=[ORDERS, SESSIONS, *restatement_deps(["orders"], RESTATEMENT_DAYS, only_last=True)],
        group="sales",
        kpis={
            "total_revenue": "SUM(total_revenue)",
            "total_orders": "SUM(total_orders)",
            # ratios of sums: exact for one day and for any set of days
            "conversion_rate": "100.0 * SUM(total_orders) / NULLIF(SUM(total_sessions), 0)",
            "avg_order_value": "CAST(SUM(total_revenue) AS DOUBLE) / NULLIF(SUM(total_orders), 0)",
            "new_customers": "SUM(new_customers)",
        },
    ),
    sql_asset(
        layer="gold",
        name="sales_summary",
        sql=SALES_SUMMARY,
        deps=[dg.AssetKey(["silver", "fact_sales"]), dg.AssetKey(["silver", "returns"])],
        group="sales",
        kpis={
            "net_revenue": "SUM(net_revenue)",
            "return_rate": "100.0 * SUM(units_returned) / NULLIF(SUM(units_sold), 0)",
        },
    ),
    sql_asset(
        layer="gold",
        name="regional_sales",
        sql=REGIONAL_SALES,
        deps=[ORDERS, SESSIONS],
        group="sales",
        kpis={"total_revenue": "SUM(revenue)", "regions": "COUNT(*)"},
    ),
]

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
    matches_per_day(
        "gold.sales_summary",
        "gross_revenue_matches_valid_line_items",
        "Per day, gross_revenue equals SUM(product_price × product_qty) of the valid orders' line items.",
        "SELECT date, gross_revenue AS value FROM gold.sales_summary",
        VALID_LINE_ITEM_REVENUE,
        ("gross_revenue", "line_item_revenue"),
    ),
    bounded(
        "gold.sales_summary",
        "amounts_are_not_negative",
        ["gross_revenue", "returns_amount", "units_sold", "units_returned"],
        ["date"],
    ),
    matches_daily_business_metrics(
        "gold.regional_sales",
        "revenue_matches_daily_business_metrics",
        "Per day, the regions' revenue sums to daily_business_metrics.total_revenue.",
        "SELECT date, SUM(revenue) AS value FROM gold.regional_sales GROUP BY date",
        "total_revenue",
        "regional_revenue",
    ),
    bounded("gold.regional_sales", "revenue_is_not_negative", ["revenue"], ["date", "country", "region"]),
)
