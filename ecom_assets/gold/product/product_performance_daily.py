"""gold.product_performance_daily: each product's day of views, carts and sales."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks, matches_per_day
from ecom_assets.gold.common import pct
from ecom_assets.silver.facts import VALID_LINE_ITEM_REVENUE
from ecom_assets.sql_asset import sql_asset

PRODUCT_PERFORMANCE_DAILY = f"""
WITH sold AS (
    SELECT li.date, li.product_name,
           COUNT(DISTINCT li.event_id) AS purchases,
           SUM(li.product_qty) AS quantity,
           SUM(li.product_price * li.product_qty) AS revenue
    FROM silver.order_line_items AS li
    WHERE li.date >= $start AND li.date < $end
      AND EXISTS (SELECT 1 FROM silver.orders AS o
                  WHERE o.order_id = li.order_id AND o.date = li.date AND o.{VALID})
    GROUP BY ALL
), carts AS (
    SELECT date, product_name, COUNT(*) AS adds
    FROM silver.add_to_cart
    WHERE date >= $start AND date < $end
    GROUP BY ALL
), views AS (
    SELECT date, rtrim(path, '/') AS path, COUNT(*) AS views
    FROM silver.pageviews
    WHERE date >= $start AND date < $end AND path LIKE '/product/%'
    GROUP BY ALL
), products AS (
    SELECT date, product_name FROM sold UNION SELECT date, product_name FROM carts
), measured AS (
    SELECT k.date, k.product_name, p.product_id,
           coalesce(s.purchases, 0) AS purchases,
           coalesce(c.adds, 0) AS adds,
           s.quantity, s.revenue,
           CASE WHEN p.product_id IS NOT NULL THEN coalesce(v.views, 0) END AS views
    FROM products AS k
    LEFT JOIN sold AS s ON s.date = k.date AND s.product_name IS NOT DISTINCT FROM k.product_name
    LEFT JOIN carts AS c ON c.date = k.date AND c.product_name IS NOT DISTINCT FROM k.product_name
    LEFT JOIN silver.dim_product AS p ON p.date = k.date AND p.product_name = k.product_name
    LEFT JOIN views AS v ON v.date = k.date AND v.path = '/product/' || p.product_id
)
SELECT date, product_name, product_id,
       CAST(purchases AS BIGINT) AS times_purchased,
       CAST(coalesce(quantity, 0) AS BIGINT) AS total_quantity_sold,
       CAST(coalesce(revenue, 0) AS DECIMAL(18,4)) AS total_revenue,
       CAST(adds AS BIGINT) AS times_added_to_cart,
       {pct("purchases", "adds")} AS cart_to_purchase_rate,
       CAST(views AS BIGINT) AS product_views,
       {pct("purchases", "views")} AS view_to_purchase_rate
FROM measured
ORDER BY ALL
"""

asset = sql_asset(
    layer="gold",
    name="product_performance_daily",
    sql=PRODUCT_PERFORMANCE_DAILY,
    deps=[
        dg.AssetKey(["silver", name])
        for name in ("orders", "order_line_items", "add_to_cart", "pageviews", "dim_product")
    ],
    group="product",
    kpis={
        "products": "COUNT(*)",
        "total_quantity_sold": "SUM(total_quantity_sold)",
        "total_revenue": "SUM(total_revenue)",
    },
)

asset_checks = claim_checks(
    matches_per_day(
        "gold.product_performance_daily",
        "revenue_matches_valid_line_items",
        "Per day, the products' total_revenue sums to SUM(product_price × product_qty) of the valid "
        "orders' line items.",
        "SELECT date, SUM(total_revenue) AS value FROM gold.product_performance_daily GROUP BY date",
        VALID_LINE_ITEM_REVENUE,
        ("product_revenue", "line_item_revenue"),
    ),
    bounded(
        "gold.product_performance_daily",
        "amounts_are_not_negative",
        ["total_revenue", "total_quantity_sold", "times_added_to_cart"],
        ["date", "product_name"],
    ),
)
