"""gold.coupon_performance: the day's use of each discount coupon by valid orders."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks
from ecom_assets.gold.common import ratio
from ecom_assets.sql_asset import sql_asset

COUPON_PERFORMANCE = f"""
SELECT date, discount_coupon_code,
       CAST(COUNT(DISTINCT order_id) AS BIGINT) AS usage_count,
       CAST(SUM(discount) AS DECIMAL(18,4)) AS total_discount_given,
       CAST(SUM(total_price) AS DECIMAL(18,4)) AS total_revenue,
       {ratio("SUM(total_price)", "COUNT(DISTINCT order_id)")} AS avg_order_value,
       CAST(COUNT(DISTINCT order_id) FILTER (WHERE is_first_purchase) AS BIGINT) AS new_customer_usage,
       CAST(COUNT(DISTINCT order_id) FILTER (WHERE is_first_purchase IS NOT TRUE) AS BIGINT)
           AS repeat_customer_usage
FROM silver.orders
WHERE date >= $start AND date < $end AND {VALID} AND discount_coupon_code IS NOT NULL
GROUP BY ALL
ORDER BY ALL
"""

asset = sql_asset(
    layer="gold",
    name="coupon_performance",
    sql=COUPON_PERFORMANCE,
    deps=[dg.AssetKey(["silver", "orders"])],
    group="sales",
    kpis={"coupon_orders": "SUM(usage_count)", "total_discount_given": "SUM(total_discount_given)"},
)

asset_checks = claim_checks(
    bounded(
        "gold.coupon_performance",
        "amounts_are_not_negative",
        ["total_discount_given", "total_revenue"],
        ["date", "discount_coupon_code"],
    ),
)
