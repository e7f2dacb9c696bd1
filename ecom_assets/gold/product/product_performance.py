"""gold.product_performance: each product's month of sales, margin, returns, stock and a
recommendation (restock, overstocked, review_pricing, healthy).

It reads the month's rows of ``silver.fact_sales``: revenue is gross (the sale rows; returns are
units_returned, not netted), so it reconciles with the month's sale rows; cost is units × the day's
unit_cost (lines without a known unit cost add no cost).
"""

from ecom_assets.checks import accepted_values, claim_checks, unique_key
from ecom_assets.gold.periodic import period_asset, revenue_matches_fact_sales, silver_deps

RECOMMENDATIONS = ("restock", "overstocked", "review_pricing", "healthy")


PRODUCT_PERFORMANCE_SQL = """
WITH sold AS (
    SELECT product_id, any_value(product_name) AS product_name,
           sum(total_amount) FILTER (WHERE line_type = 'sale') AS revenue,
           sum(quantity) FILTER (WHERE line_type = 'sale') AS units,
           sum(quantity * unit_cost) FILTER (WHERE line_type = 'sale') AS cost,
           -sum(quantity) FILTER (WHERE line_type = 'return') AS units_returned
    FROM silver.fact_sales WHERE date >= $start AND date < $end GROUP BY product_id
),
month_end AS (  -- the catalogue of the month's last day with a snapshot
    SELECT product_id, product_name, category, subcategory, stock_qty FROM silver.dim_product
    WHERE date = (SELECT max(date) FROM silver.dim_product WHERE date >= $start AND date < $end)
),
products AS (SELECT product_id FROM sold UNION SELECT product_id FROM month_end),
measures AS (
    SELECT p.product_id, coalesce(e.product_name, s.product_name) AS product_name, e.category,
           e.subcategory, coalesce(s.revenue, 0) AS revenue, coalesce(s.units, 0) AS units,
           coalesce(s.revenue, 0) - coalesce(s.cost, 0) AS gross_profit,
           coalesce(s.units_returned, 0) AS units_returned, e.stock_qty,
           -- stock / mean daily units sold over all the month's days
           e.stock_qty / NULLIF(coalesce(s.units, 0) / (CAST($end AS DATE) - CAST($start AS DATE)), 0)
               AS days_of_inventory
    FROM products AS p
    LEFT JOIN sold AS s ON s.product_id IS NOT DISTINCT FROM p.product_id
    LEFT JOIN month_end AS e ON e.product_id = p.product_id
)
SELECT
    CAST($start AS DATE) AS month,
    CAST(product_id AS VARCHAR) AS product_id,
    CAST(product_name AS VARCHAR) AS product_name,
    CAST(category AS VARCHAR) AS category,
    CAST(subcategory AS VARCHAR) AS subcategory,
    CAST(revenue AS DECIMAL(18,4)) AS revenue,
    CAST(units AS BIGINT) AS units,
    CAST(gross_profit AS DECIMAL(18,4)) AS gross_profit,
    CAST(gross_profit / NULLIF(revenue, 0) * 100 AS DOUBLE) AS margin_pct,
    CAST(units_returned AS BIGINT) AS units_returned,
    CAST(units_returned / NULLIF(units, 0) * 100 AS DOUBLE) AS return_rate,
    CAST(stock_qty AS BIGINT) AS stock_qty,
    CAST(days_of_inventory AS DOUBLE) AS days_of_inventory,
    CAST(CASE
        WHEN days_of_inventory < 14 OR (units = 0 AND stock_qty = 0) THEN 'restock'
        WHEN days_of_inventory > 120 OR (units = 0 AND stock_qty > 0) THEN 'overstocked'
        WHEN gross_profit / NULLIF(revenue, 0) * 100 < 15 THEN 'review_pricing'
        ELSE 'healthy'
    END AS VARCHAR) AS recommendation
FROM measures
ORDER BY product_id
"""

_TABLE = "gold.product_performance"
asset = period_asset(
    "monthly",
    "product_performance",
    PRODUCT_PERFORMANCE_SQL,
    silver_deps(("fact_sales", "dim_product")),
    "product",
    {
        "revenue": "SUM(revenue)",
        **{f"{r}_products": f"count(*) FILTER (WHERE recommendation = '{r}')" for r in RECOMMENDATIONS},
    },
)

asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_product", ["month", "product_id"]),
    accepted_values(_TABLE, "recommendation_is_accepted", "recommendation", RECOMMENDATIONS, keys=["month"]),
    revenue_matches_fact_sales(_TABLE),
)
