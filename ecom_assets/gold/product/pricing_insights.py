"""gold.pricing_insights: each product's month of price, discount depth, elasticity and pricing action.

It reads the month's sale rows of ``silver.fact_sales`` (gross: returns do not reduce them), takes
margin_pct and days_of_inventory from gold.product_performance (one definition) and the previous
month from silver.
"""

import dagster as dg

from ecom_assets.checks import accepted_values, claim_checks, unique_key
from ecom_assets.gold.common import gold_key
from ecom_assets.gold.periodic import period_asset, silver_deps

PRICING_ACTIONS = ("raise_price", "discount", "hold")
# The month and the one before it (the previous month end's list price and sales).
WITH_PREVIOUS_MONTH = dg.TimeWindowPartitionMapping(-1, 0, allow_nonexistent_upstream_partitions=True)

PRICING_INSIGHTS_SQL = """
WITH list_prices AS (  -- each product's list price in its last catalogue snapshot of the month
    SELECT CAST(date_trunc('month', date) AS DATE) AS month, product_id,
           arg_max(list_price, date) AS list_price
    FROM silver.dim_product
    WHERE date >= CAST($start AS DATE) - INTERVAL 1 MONTH AND date < $end
    GROUP BY ALL
), previous_sales AS (
    SELECT product_id, sum(total_amount) AS revenue, sum(quantity) AS units
    FROM silver.fact_sales
    WHERE date >= CAST($start AS DATE) - INTERVAL 1 MONTH AND date < $start AND line_type = 'sale'
    GROUP BY ALL
), measures AS (
    SELECT pp.product_id, pp.product_name, pp.units, pp.margin_pct, pp.days_of_inventory,
           cur.list_price, prev.list_price AS previous_list_price,
           pp.revenue / NULLIF(pp.units, 0) AS avg_selling_price,
           coalesce(ps.units, 0) AS previous_units,
           ps.revenue / NULLIF(ps.units, 0) AS previous_avg_selling_price
    FROM gold.product_performance AS pp
    LEFT JOIN list_prices AS cur ON cur.month = $start AND cur.product_id = pp.product_id
    LEFT JOIN list_prices AS prev ON prev.month = CAST($start AS DATE) - INTERVAL 1 MONTH
                                 AND prev.product_id = pp.product_id
    LEFT JOIN previous_sales AS ps ON ps.product_id = pp.product_id
    WHERE pp.month = $start
)
SELECT
    CAST($start AS DATE) AS month,
    CAST(product_id AS VARCHAR) AS product_id,
    CAST(product_name AS VARCHAR) AS product_name,
    CAST(list_price AS DECIMAL(18,4)) AS list_price,
    CAST(avg_selling_price AS DOUBLE) AS avg_selling_price,
    CAST(units AS BIGINT) AS units,
    CAST(previous_units AS BIGINT) AS previous_units,
    CAST((list_price - avg_selling_price) / NULLIF(list_price, 0) * 100 AS DOUBLE) AS discount_depth_pct,
    CAST(margin_pct AS DOUBLE) AS margin_pct,
    CAST((list_price - previous_list_price) / NULLIF(previous_list_price, 0) * 100 AS DOUBLE)
        AS price_change_pct,
    CAST(CASE WHEN units > 0 AND previous_units > 0 AND avg_selling_price <> previous_avg_selling_price THEN
         ((units - previous_units) / previous_units * 100)
         / ((avg_selling_price - previous_avg_selling_price) / previous_avg_selling_price * 100)
         END AS DOUBLE)
        AS price_elasticity,
    CAST(CASE WHEN margin_pct < 15 AND units >= previous_units THEN 'raise_price'
              WHEN days_of_inventory > 120 THEN 'discount'
              ELSE 'hold' END AS VARCHAR) AS pricing_action
FROM measures
ORDER BY product_id
"""

_PRICING = "gold.pricing_insights"
asset = period_asset(
    "monthly",
    "pricing_insights",
    PRICING_INSIGHTS_SQL,
    [
        *silver_deps(("fact_sales", "dim_product"), WITH_PREVIOUS_MONTH),
        dg.AssetDep(gold_key("product_performance")),
    ],
    "product",
    {f"{a}_products": f"count(*) FILTER (WHERE pricing_action = '{a}')" for a in PRICING_ACTIONS},
)

asset_checks = claim_checks(
    unique_key(_PRICING, "one_row_per_product", ["month", "product_id"]),
    accepted_values(
        _PRICING, "pricing_action_is_accepted", "pricing_action", PRICING_ACTIONS, keys=["month"]
    ),
)
