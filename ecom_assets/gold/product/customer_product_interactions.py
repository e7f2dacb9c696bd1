"""gold.customer_product_interactions: each product's day of views, purchases, turnover and top segment."""

import dagster as dg

from ecom_assets.checks import Claim, bounded, claim_checks, matches_per_day, unique_key
from ecom_assets.gold.common import days, pct, ratio
from ecom_assets.gold.segments import CUSTOMER_SEGMENTS, HISTORY_DEPS, segment_ctes
from ecom_assets.silver.facts import VALID_LINE_ITEM_REVENUE
from ecom_assets.sql_asset import sql_asset

TURNOVER_DAYS = 30  # inventory_turnover looks at the 30 days ending on the day

CUSTOMER_PRODUCT_INTERACTIONS_SQL = f"""
WITH sold AS (  -- the window's sale lines of valid orders, with the buyer
    SELECT date, product_id, order_id, user_id, quantity, total_amount
    FROM silver.fact_sales
    WHERE date >= $start AND date < $end AND line_type = 'sale'
), {segment_ctes("sold")},
sales AS (
    SELECT date, product_id, count(DISTINCT order_id) AS purchases, sum(quantity) AS units,
           sum(total_amount) AS revenue
    FROM sold GROUP BY ALL
), top_segment AS (  -- the segment whose buyers brought the product most revenue; ties by name
    SELECT s.date, s.product_id, g.customer_segment
    FROM sold AS s JOIN segments AS g ON g.date = s.date AND g.user_id IS NOT DISTINCT FROM s.user_id
    GROUP BY s.date, s.product_id, g.customer_segment
    QUALIFY row_number() OVER (PARTITION BY s.date, s.product_id
                               ORDER BY sum(s.total_amount) DESC, g.customer_segment) = 1
), catalogue AS (
    SELECT date, product_id, any_value(product_name) AS product_name
    FROM silver.dim_product WHERE date >= $start AND date < $end GROUP BY ALL
), views AS (  -- pageviews of /product/<product_id> (trailing slash ignored) of a catalogue product
    SELECT v.date, c.product_id, count(*) AS views
    FROM silver.pageviews AS v
    JOIN catalogue AS c ON c.date = v.date AND rtrim(v.path, '/') = '/product/' || c.product_id
    WHERE v.date >= $start AND v.date < $end AND v.path LIKE '/product/%'
    GROUP BY ALL
), products AS (
    SELECT date, product_id FROM sales UNION SELECT date, product_id FROM views
), last_30_days AS (  -- units sold and mean end-of-day stock over the 30 days ending on each day
    SELECT d.date, p.product_id,
           (SELECT sum(f.quantity) FROM silver.fact_sales AS f
            WHERE f.product_id = p.product_id AND f.line_type = 'sale'
              AND f.date > d.date - {TURNOVER_DAYS} AND f.date <= d.date) AS units_30d,
           (SELECT avg(c.stock_qty) FROM silver.dim_product AS c
            WHERE c.product_id = p.product_id
              AND c.date > d.date - {TURNOVER_DAYS} AND c.date <= d.date) AS mean_stock_30d
    FROM ({days()}) AS d JOIN products AS p ON p.date = d.date
    WHERE p.product_id IS NOT NULL
)
SELECT
    CAST(k.date AS DATE) AS date,
    CAST(k.product_id AS VARCHAR) AS product_id,
    CAST(c.product_name AS VARCHAR) AS product_name,
    CAST(coalesce(v.views, 0) AS BIGINT) AS total_views,
    CAST(coalesce(s.purchases, 0) AS BIGINT) AS total_purchases,
    {pct("coalesce(s.purchases, 0)", "v.views")} AS conversion_rate,
    CAST(coalesce(s.revenue, 0) AS DECIMAL(18,4)) AS total_revenue,
    CAST(coalesce(s.units, 0) AS BIGINT) AS units_sold,
    {ratio("s.revenue", "s.units")} AS avg_selling_price,
    CAST(coalesce(t.units_30d, 0) AS BIGINT) AS units_sold_30d,
    CAST(t.mean_stock_30d AS DOUBLE) AS mean_stock_30d,
    {ratio("coalesce(t.units_30d, 0)", "t.mean_stock_30d")} AS inventory_turnover,
    CAST(g.customer_segment AS VARCHAR) AS top_customer_segment
FROM products AS k
LEFT JOIN sales AS s ON s.date = k.date AND s.product_id IS NOT DISTINCT FROM k.product_id
LEFT JOIN views AS v ON v.date = k.date AND v.product_id IS NOT DISTINCT FROM k.product_id
LEFT JOIN catalogue AS c ON c.date = k.date AND c.product_id = k.product_id
LEFT JOIN last_30_days AS t ON t.date = k.date AND t.product_id = k.product_id
LEFT JOIN top_segment AS g ON g.date = k.date AND g.product_id IS NOT DISTINCT FROM k.product_id
ORDER BY ALL
"""

_TABLE = "gold.customer_product_interactions"
_SEGMENT_LIST = ", ".join(f"'{s}'" for s in CUSTOMER_SEGMENTS)
_LOOK_BACK = dg.TimeWindowPartitionMapping(start_offset=-(TURNOVER_DAYS - 1))
asset = sql_asset(
    layer="gold",
    name="customer_product_interactions",
    sql=CUSTOMER_PRODUCT_INTERACTIONS_SQL,
    deps=[
        dg.AssetDep(dg.AssetKey(["silver", "fact_sales"]), partition_mapping=_LOOK_BACK),
        dg.AssetDep(dg.AssetKey(["silver", "dim_product"]), partition_mapping=_LOOK_BACK),
        dg.AssetKey(["silver", "pageviews"]),
        *HISTORY_DEPS,
    ],
    group="product",
    kpis={
        "products": "COUNT(*)",
        "total_revenue": "SUM(total_revenue)",
        "total_views": "SUM(total_views)",
        "median_inventory_turnover": "median(inventory_turnover)",
    },
)

asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_product", ["date", "product_id"]),
    matches_per_day(
        _TABLE,
        "revenue_matches_valid_line_items",
        "Per day, total_revenue sums to SUM(product_price × product_qty) of the valid orders' line items.",
        f"SELECT date, SUM(total_revenue) AS value FROM {_TABLE} GROUP BY date",
        VALID_LINE_ITEM_REVENUE,
        ("product_revenue", "line_item_revenue"),
    ),
    bounded(
        _TABLE,
        "measures_are_not_negative",
        ["total_views", "total_purchases", "total_revenue", "inventory_turnover"],
        ["date", "product_id"],
    ),
    Claim(
        _TABLE,
        "top_customer_segment_is_accepted",
        f"top_customer_segment is one of {', '.join(CUSTOMER_SEGMENTS)} when the product sold, else NULL.",
        f"""SELECT date, product_id, total_purchases, top_customer_segment FROM {_TABLE}
        WHERE (total_purchases > 0) IS DISTINCT FROM (top_customer_segment IS NOT NULL)
           OR top_customer_segment NOT IN ({_SEGMENT_LIST})""",
    ),
)
