"""gold.product_revenue_payment_analysis: each category's month of revenue by payment method.

It reads the month's sale rows of ``silver.fact_sales`` (gross: returns do not reduce them).
"""

from ecom_assets.checks import Claim, claim_checks, unique_key
from ecom_assets.gold.periodic import period_asset, revenue_matches_fact_sales, silver_deps

PRODUCT_REVENUE_PAYMENT_SQL = """
WITH by_method AS (
    SELECT p.category, f.payment_method, sum(f.total_amount) AS revenue,
           count(DISTINCT f.order_id) AS orders, sum(f.quantity) AS units
    FROM silver.fact_sales AS f
    LEFT JOIN silver.dim_product AS p ON p.date = f.date AND p.product_id = f.product_id
    WHERE f.date >= $start AND f.date < $end AND f.line_type = 'sale'
    GROUP BY ALL
)
SELECT
    CAST($start AS DATE) AS month,
    CAST(category AS VARCHAR) AS category,
    CAST(payment_method AS VARCHAR) AS payment_method,
    CAST(revenue AS DECIMAL(18,4)) AS revenue,
    CAST(orders AS BIGINT) AS orders,
    CAST(units AS BIGINT) AS units,
    CAST(100 * revenue / NULLIF(sum(revenue) OVER (PARTITION BY category), 0) AS DOUBLE) AS revenue_share_pct
FROM by_method
ORDER BY ALL
"""

_PAYMENTS = "gold.product_revenue_payment_analysis"
asset = period_asset(
    "monthly",
    "product_revenue_payment_analysis",
    PRODUCT_REVENUE_PAYMENT_SQL,
    silver_deps(("fact_sales", "dim_product")),
    "product",
    {"revenue": "SUM(revenue)", "categories": "COUNT(DISTINCT category)"},
)

asset_checks = claim_checks(
    unique_key(_PAYMENTS, "one_row_per_category_and_method", ["month", "category", "payment_method"]),
    revenue_matches_fact_sales(_PAYMENTS),
    Claim(
        _PAYMENTS,
        "shares_add_up_to_100",
        "For every month and category with revenue, revenue_share_pct adds up to 100.",
        f"""SELECT month, category, sum(revenue_share_pct) AS total_share FROM {_PAYMENTS}
        GROUP BY ALL HAVING sum(revenue) > 0 AND abs(sum(revenue_share_pct) - 100) > 1e-6""",
    ),
)
