"""gold.product_affinity: market-basket affinity of product pairs, weekly over the 90 days ending the
week's Saturday.

Products are named by ``product_name`` (the line items' identity). A basket is a valid order's set of
distinct products; an order is counted once per product however many lines or units it has.
"""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import Claim, bounded, claim_checks, unique_key
from ecom_assets.gold.common import pct, ratio
from ecom_assets.gold.periodic import period_asset, silver_deps

WINDOW_DAYS = 90
MIN_ORDERS = 3
# The week and the 13 before it: 98 days ⊇ the 90 days ending the week's Saturday.
NINETY_DAYS_BACK = dg.TimeWindowPartitionMapping(-13, 0, allow_nonexistent_upstream_partitions=True)

PRODUCT_AFFINITY_SQL = f"""
WITH orders AS (  -- all valid orders of the 90 days, with or without line items
    SELECT DISTINCT order_id FROM silver.orders
    WHERE date >= CAST($end AS DATE) - {WINDOW_DAYS} AND date < $end AND {VALID}
), baskets AS (
    SELECT DISTINCT li.order_id, li.product_name
    FROM silver.order_line_items AS li JOIN orders USING (order_id)
    WHERE li.date >= CAST($end AS DATE) - {WINDOW_DAYS} AND li.date < $end AND li.product_name IS NOT NULL
), products AS (
    SELECT product_name, count(*) AS orders FROM baskets GROUP BY product_name
), pairs AS (
    SELECT a.product_name AS antecedent, c.product_name AS consequent, count(*) AS orders_with_both
    FROM baskets AS a JOIN baskets AS c ON a.order_id = c.order_id AND a.product_name <> c.product_name
    GROUP BY ALL
    HAVING count(*) >= {MIN_ORDERS}
), total AS (SELECT count(*) AS orders FROM orders)
SELECT
    CAST(CAST($end AS DATE) - 1 AS DATE) AS as_of_date,
    CAST(p.antecedent AS VARCHAR) AS antecedent,
    CAST(p.consequent AS VARCHAR) AS consequent,
    CAST(p.orders_with_both AS BIGINT) AS orders_with_both,
    CAST(a.orders AS BIGINT) AS antecedent_orders,
    CAST(c.orders AS BIGINT) AS consequent_orders,
    CAST(t.orders AS BIGINT) AS total_orders,
    {pct("p.orders_with_both", "t.orders")} AS support,
    {pct("p.orders_with_both", "a.orders")} AS confidence,
    {ratio(pct("p.orders_with_both", "a.orders"), pct("c.orders", "t.orders"))} AS lift
FROM pairs AS p
JOIN products AS a ON a.product_name = p.antecedent
JOIN products AS c ON c.product_name = p.consequent
CROSS JOIN total AS t
ORDER BY antecedent, consequent
"""

asset = period_asset(
    "weekly",
    "product_affinity",
    PRODUCT_AFFINITY_SQL,
    silver_deps(("orders", "order_line_items"), NINETY_DAYS_BACK),
    "product",
    {"pairs": "count(*)", "max_lift": "max(lift)", "orders": "max(total_orders)"},
)

_TABLE, _PAIR = "gold.product_affinity", ["as_of_date", "antecedent", "consequent"]
asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_ordered_pair", _PAIR),
    bounded(_TABLE, "confidence_is_at_most_100", ["confidence"], _PAIR, 0, 100, null_passes=False,
            description="Every confidence is a percentage: 0 < confidence <= 100."),
    Claim(
        _TABLE,
        "lift_is_symmetric",
        "Each pair is there both ways with the same lift (within 1e-9) and orders_with_both >= 3.",
        f"""
        SELECT f.as_of_date, f.antecedent, f.consequent, f.lift, r.lift AS reverse_lift,
               f.orders_with_both
        FROM {_TABLE} AS f
        LEFT JOIN {_TABLE} AS r ON r.as_of_date = f.as_of_date AND r.antecedent = f.consequent
         AND r.consequent = f.antecedent
        WHERE r.lift IS NULL OR abs(f.lift - r.lift) > 1e-9 * f.lift OR f.orders_with_both < {MIN_ORDERS}""",
    ),
)
