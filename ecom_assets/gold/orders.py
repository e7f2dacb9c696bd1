"""Gold tables of the sales domain about orders: payment methods, coupons and orders to review."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks
from ecom_assets.gold.common import matches_daily_business_metrics, pct, ratio
from ecom_assets.sql_asset import sql_asset

ORDERS = dg.AssetKey(["silver", "orders"])

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

# Review rules in the spec's order: name → (condition, weight in risk_score). Weights sum to 100:
# money that does not add up weighs most, then a price far off the day's median, then units that
# do not add up; a large discount or shipping share is unusual but often legitimate.
REVIEW_RULES = {
    "high_discount": ("discount > 0.30 * items_subtotal", 10),
    "high_shipping": ("shipping_price > 0.20 * total_price", 10),
    "amount_mismatch": ("abs(items_subtotal - discount + shipping_price - total_price) > 0.01", 35),
    "qty_mismatch": ("total_qty <> items_qty", 20),
    "outlier_amount": ("total_price > 10 * median_order_value", 25),
}
assert sum(weight for _, weight in REVIEW_RULES.values()) == 100

ORDERS_FOR_REVIEW = f"""
WITH items AS (
    SELECT date, order_id, SUM(product_price * product_qty) AS subtotal, SUM(product_qty) AS qty
    FROM silver.order_line_items
    WHERE date >= $start AND date < $end
    GROUP BY date, order_id
), orders AS (
    SELECT o.date, o.order_id, o.user_id, o.total_price, o.discount, o.shipping_price, o.total_qty,
           coalesce(i.subtotal, 0) AS items_subtotal,
           coalesce(i.qty, 0) AS items_qty,
           median(o.total_price) OVER (PARTITION BY o.date) AS median_order_value
    FROM silver.orders AS o
    LEFT JOIN items AS i ON i.order_id = o.order_id AND i.date = o.date
    WHERE o.date >= $start AND o.date < $end AND o.{VALID}
), fired AS (
    SELECT *, {", ".join(f"coalesce({cond}, false) AS {rule}" for rule, (cond, _) in REVIEW_RULES.items())}
    FROM orders
)
SELECT date, order_id, user_id,
       CAST(total_price AS DECIMAL(18,4)) AS total_price,
       concat_ws(',', {", ".join(f"CASE WHEN {rule} THEN '{rule}' END" for rule in REVIEW_RULES)}) AS rules,
       CAST({" + ".join(f"{weight} * CAST({rule} AS INTEGER)" for rule, (_, weight) in REVIEW_RULES.items())}
            AS INTEGER) AS risk_score,
       CAST(items_subtotal AS DECIMAL(18,4)) AS items_subtotal,
       CAST(discount AS DECIMAL(18,4)) AS discount,
       CAST(shipping_price AS DECIMAL(18,4)) AS shipping_price,
       CAST(total_qty AS BIGINT) AS total_qty,
       CAST(items_qty AS BIGINT) AS items_qty,
       CAST(median_order_value AS DECIMAL(18,4)) AS median_order_value
FROM fired
WHERE {" OR ".join(REVIEW_RULES)}
ORDER BY date, risk_score DESC, order_id
"""

assets = [
    sql_asset(
        layer="gold",
        name="payment_method_performance",
        sql=PAYMENT_METHOD_PERFORMANCE,
        deps=[ORDERS],
        group="sales",
        kpis={"total_orders": "SUM(orders)", "cancelled_orders": "SUM(cancelled_orders)"},
    ),
    sql_asset(
        layer="gold",
        name="coupon_performance",
        sql=COUPON_PERFORMANCE,
        deps=[ORDERS],
        group="sales",
        kpis={"coupon_orders": "SUM(usage_count)", "total_discount_given": "SUM(total_discount_given)"},
    ),
    sql_asset(
        layer="gold",
        name="orders_for_review",
        sql=ORDERS_FOR_REVIEW,
        deps=[ORDERS, dg.AssetKey(["silver", "order_line_items"])],
        group="sales",
        kpis={"flagged_orders": "COUNT(*)", "max_risk_score": "MAX(risk_score)"},
    ),
]

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
    bounded(
        "gold.coupon_performance",
        "amounts_are_not_negative",
        ["total_discount_given", "total_revenue"],
        ["date", "discount_coupon_code"],
    ),
    bounded(
        "gold.orders_for_review",
        "risk_score_is_within_1_and_100",
        ["risk_score"],
        ["date", "order_id"],
        low=1,
        high=100,
    ),
)
