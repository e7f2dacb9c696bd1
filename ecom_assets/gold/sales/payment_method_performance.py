"""gold.payment_method_performance: the day's orders, revenue and cancellations by payment method."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks
from ecom_assets.gold.common import matches_daily_business_metrics, pct, ratio
from ecom_assets.sql_asset import sql_asset

PAYMENT_METHOD_PERFORMANCE = f"""
WITH methods AS (
    SELECT date, payment_method,
           COUNT(DISTINCT order_id) FILTER (WHERE {VALID}) AS orders,
           SUM(total_price) FILTER (WHERE {VALID}) AS revenue,
           COUNT(DISTINCT order_id) FILTER (WHERE NOT ({VALID})) AS cancelled_orders,
           COUNT(DISTINCT order_id) AS all_orders
    FROM silver.orders
    WHERE date >= $start AND date < $end
    GROUP BY ALL
)
SELECT date, payment_method,
       CAST(orders AS BIGINT) AS orders,
       CAST(coalesce(revenue, 0) AS DECIMAL(18,4)) AS revenue,
       {ratio("revenue", "orders")} AS avg_order_value,
       {pct("orders", "SUM(orders) OVER (PARTITION BY date)")} AS share_of_orders,
       CAST(cancelled_orders AS BIGINT) AS cancelled_orders,
       {pct("cancelled_orders", "all_orders")} AS cancellation_rate
FROM methods
ORDER BY ALL
"""

asset = sql_asset(
    layer="gold",
    name="payment_method_performance",
    sql=PAYMENT_METHOD_PERFORMANCE,
    deps=[dg.AssetKey(["silver", "orders"])],
    group="sales",
    kpis={"total_orders": "SUM(orders)", "cancelled_orders": "SUM(cancelled_orders)"},
)

asset_checks = claim_checks(
    matches_daily_business_metrics(
        "gold.payment_method_performance",
        "orders_sum_to_daily_business_metrics",
        "Per day, the payment methods' orders sum to daily_business_metrics.total_orders.",
        "SELECT date, SUM(orders) AS value FROM gold.payment_method_performance GROUP BY date",
        "total_orders",
        "method_orders",
    ),
    bounded(
        "gold.payment_method_performance",
        "rates_are_percentages",
        ["share_of_orders", "cancellation_rate"],
        ["date", "payment_method"],
        high=100,
    ),
    bounded(
        "gold.payment_method_performance", "revenue_is_not_negative", ["revenue"], ["date", "payment_method"]
    ),
)
