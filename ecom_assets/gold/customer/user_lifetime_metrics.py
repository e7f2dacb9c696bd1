"""gold.user_lifetime_metrics: each customer's lifetime as of the week's last day: orders, revenue,
refunds, historic CLV, favorite category, value segment, activity and RFM scores."""

from ecom_assets.business_rules import ACTIVITY_STATUSES, RFM_SEGMENTS, VALID, VALUE_SEGMENTS, value_segment
from ecom_assets.checks import Claim, accepted_values, bounded, claim_checks, unique_key
from ecom_assets.gold.periodic import ALL_HISTORY_WEEKS, VALID_ORDERS, period_asset, silver_deps

USER_LIFETIME_SQL = f"""
WITH {VALID_ORDERS},
per_user AS (
    SELECT user_id, min(date) AS first_order_date, max(date) AS last_order_date,
           count(DISTINCT order_id) AS total_orders, sum(total_price) AS total_revenue
    FROM valid_orders GROUP BY user_id
),
valid_items AS (
    SELECT o.user_id, li.date, li.product_name, li.product_qty, li.product_price * li.product_qty AS revenue
    FROM silver.order_line_items AS li
    JOIN (SELECT DISTINCT order_id, user_id FROM valid_orders) AS o USING (order_id)
    WHERE li.date < $end
),
category_of AS (  -- the order day's catalogue, one category per product name
    SELECT date, product_name, arg_min(category, product_id) AS category
    FROM silver.dim_product WHERE date < $end AND category IS NOT NULL GROUP BY date, product_name
),
favorite AS (
    SELECT i.user_id, c.category AS favorite_category
    FROM valid_items AS i JOIN category_of AS c USING (date, product_name)
    GROUP BY i.user_id, c.category
    QUALIFY row_number() OVER (PARTITION BY i.user_id ORDER BY sum(i.revenue) DESC, c.category) = 1
),
bought AS (SELECT user_id, sum(product_qty) AS units_bought FROM valid_items GROUP BY user_id),
refunds AS (
    SELECT user_id, sum(refund_amount) AS total_refunded, sum(product_qty) AS units_returned
    FROM silver.returns WHERE date < $end GROUP BY user_id
),
metrics AS (
    SELECT u.*, f.favorite_category,
           CAST($end AS DATE) - 1 - u.last_order_date AS days_since_last_order,
           coalesce(r.total_refunded, 0) AS total_refunded,
           coalesce(r.units_returned, 0) / NULLIF(b.units_bought, 0) * 100 AS return_rate,
           u.total_revenue - coalesce(r.total_refunded, 0) AS clv
    FROM per_user AS u
    LEFT JOIN refunds AS r USING (user_id)
    LEFT JOIN bought AS b USING (user_id)
    LEFT JOIN favorite AS f USING (user_id)
),
scored AS (
    SELECT *,
        CASE WHEN days_since_last_order <= 30 THEN 5 WHEN days_since_last_order <= 90 THEN 4
             WHEN days_since_last_order <= 180 THEN 3 WHEN days_since_last_order <= 365 THEN 2
             ELSE 1 END AS r,
        CASE WHEN total_orders >= 10 THEN 5 WHEN total_orders >= 5 THEN 4 WHEN total_orders >= 3 THEN 3
             WHEN total_orders = 2 THEN 2 ELSE 1 END AS f,
        CASE WHEN total_revenue >= 1000 THEN 5 WHEN total_revenue >= 500 THEN 4
             WHEN total_revenue >= 200 THEN 3 WHEN total_revenue >= 50 THEN 2 ELSE 1 END AS m
    FROM metrics
)
SELECT
    CAST(CAST($end AS DATE) - 1 AS DATE) AS as_of_date,
    CAST(user_id AS VARCHAR) AS user_id,
    CAST(first_order_date AS DATE) AS first_order_date,
    CAST(last_order_date AS DATE) AS last_order_date,
    CAST(total_orders AS BIGINT) AS total_orders,
    CAST(total_revenue AS DECIMAL(18,4)) AS total_revenue,
    CAST(total_revenue / NULLIF(total_orders, 0) AS DOUBLE) AS avg_order_value,
    CAST(days_since_last_order AS BIGINT) AS days_since_last_order,
    CAST(total_refunded AS DECIMAL(18,4)) AS total_refunded,
    CAST(return_rate AS DOUBLE) AS return_rate,
    CAST(last_order_date - first_order_date AS BIGINT) AS lifespan_days,
    CAST(clv AS DECIMAL(18,4)) AS historic_clv,
    CAST(favorite_category AS VARCHAR) AS favorite_category,
    CAST({value_segment("clv")} AS VARCHAR) AS value_segment,
    CAST(CASE WHEN days_since_last_order <= 30 THEN 'Active' WHEN days_since_last_order <= 90 THEN 'Lapsing'
              WHEN days_since_last_order <= 365 THEN 'Dormant' ELSE 'Inactive' END
         AS VARCHAR) AS activity_status,
    CAST(r AS INTEGER) AS rfm_recency_score,
    CAST(f AS INTEGER) AS rfm_frequency_score,
    CAST(m AS INTEGER) AS rfm_monetary_score,
    CAST(CASE WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'Champion' WHEN r >= 3 AND f >= 3 THEN 'Loyal'
              WHEN r >= 4 AND f = 1 THEN 'New' WHEN r >= 3 THEN 'Promising' WHEN m >= 4 THEN 'Big Spender'
              WHEN f >= 3 THEN 'At Risk' WHEN r = 1 AND f = 1 THEN 'Lost' ELSE 'Hibernating' END
         AS VARCHAR) AS rfm_segment
FROM scored
ORDER BY user_id
"""

asset = period_asset(
    "weekly",
    "user_lifetime_metrics",
    USER_LIFETIME_SQL,
    silver_deps(("orders", "order_line_items", "returns", "dim_product"), ALL_HISTORY_WEEKS),
    "customer",
    {
        "customers": "count(*)",
        "historic_clv": "SUM(historic_clv)",
        **{key: f"count(*) FILTER (WHERE rfm_segment = '{seg}')" for seg, key in RFM_SEGMENTS.items()},
    },
)

_TABLE, _AS_OF = "gold.user_lifetime_metrics", ["as_of_date"]
asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_user", ["as_of_date", "user_id"]),
    bounded(
        _TABLE,
        "rfm_scores_are_between_1_and_5",
        ["rfm_recency_score", "rfm_frequency_score", "rfm_monetary_score"],
        ["as_of_date", "user_id"],
        1,
        5,
        null_passes=False,
        description="Every RFM score is 1, 2, 3, 4 or 5.",
    ),
    accepted_values(_TABLE, "rfm_segment_is_accepted", "rfm_segment", list(RFM_SEGMENTS), keys=_AS_OF),
    accepted_values(_TABLE, "value_segment_is_accepted", "value_segment", VALUE_SEGMENTS, keys=_AS_OF),
    accepted_values(
        _TABLE, "activity_status_is_accepted", "activity_status", ACTIVITY_STATUSES, keys=_AS_OF
    ),
    Claim(
        _TABLE,
        "lifetime_revenue_matches_silver_orders",
        "For every as_of_date, the users' total_revenue adds up to the revenue of all valid silver "
        "orders up to that day.",
        f"""
            WITH gold AS (SELECT as_of_date, sum(total_revenue) AS gold_revenue
                          FROM {_TABLE} GROUP BY as_of_date)
            SELECT as_of_date, gold_revenue,
                   (SELECT coalesce(sum(total_price), 0) FROM silver.orders
                    WHERE date <= as_of_date AND {VALID} AND user_id IS NOT NULL) AS silver_revenue
            FROM gold WHERE gold_revenue IS DISTINCT FROM silver_revenue
            """,
    ),
)
