"""gold.product_category_revenue_monthly: each category's month of gross revenue, cost and margin.

It reads the month's sale rows of ``silver.fact_sales``: revenue is gross (returns are not netted), so
it reconciles with them; cost is units × the day's unit_cost (lines without a known unit cost add no
cost).
"""

from ecom_assets.checks import claim_checks, unique_key
from ecom_assets.gold.periodic import period_asset, revenue_matches_fact_sales, silver_deps

CATEGORY_REVENUE_SQL = """
WITH sales AS (
    SELECT f.order_id, f.quantity, f.total_amount, f.quantity * f.unit_cost AS cost, p.category, p.subcategory
    FROM silver.fact_sales AS f
    LEFT JOIN silver.dim_product AS p ON p.date = f.date AND p.product_id = f.product_id
    WHERE f.date >= $start AND f.date < $end AND f.line_type = 'sale'
)
SELECT
    CAST($start AS DATE) AS month,
    CAST(category AS VARCHAR) AS category,
    CAST(subcategory AS VARCHAR) AS subcategory,
    CAST(sum(total_amount) AS DECIMAL(18,4)) AS revenue,
    CAST(sum(quantity) AS BIGINT) AS units,
    CAST(count(DISTINCT order_id) AS BIGINT) AS orders,
    CAST(coalesce(sum(cost), 0) AS DECIMAL(18,4)) AS cost,
    CAST(sum(total_amount) - coalesce(sum(cost), 0) AS DECIMAL(18,4)) AS gross_profit,
    CAST((sum(total_amount) - coalesce(sum(cost), 0)) / NULLIF(sum(total_amount), 0) * 100 AS DOUBLE)
        AS margin_pct
FROM sales
GROUP BY category, subcategory
ORDER BY category, subcategory
"""

_TABLE = "gold.product_category_revenue_monthly"
asset = period_asset(
    "monthly",
    "product_category_revenue_monthly",
    CATEGORY_REVENUE_SQL,
    silver_deps(("fact_sales", "dim_product")),
    "product",
    {
        "revenue": "SUM(revenue)",
        "gross_profit": "SUM(gross_profit)",
        "margin_pct": "100 * SUM(gross_profit) / NULLIF(SUM(revenue), 0)",
    },
)

asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_category", ["month", "category", "subcategory"]),
    revenue_matches_fact_sales(_TABLE),
)
