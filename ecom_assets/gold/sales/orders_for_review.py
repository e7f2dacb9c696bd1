"""gold.orders_for_review: the day's valid orders that fire a review rule, with their risk score."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks
from ecom_assets.sql_asset import sql_asset

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

asset = sql_asset(
    layer="gold",
    name="orders_for_review",
    sql=ORDERS_FOR_REVIEW,
    deps=[dg.AssetKey(["silver", "orders"]), dg.AssetKey(["silver", "order_line_items"])],
    group="sales",
    kpis={"flagged_orders": "COUNT(*)", "max_risk_score": "MAX(risk_score)"},
)

asset_checks = claim_checks(
    bounded(
        "gold.orders_for_review",
        "risk_score_is_within_1_and_100",
        ["risk_score"],
        ["date", "order_id"],
        low=1,
        high=100,
    ),
)
