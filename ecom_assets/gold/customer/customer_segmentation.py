"""gold.customer_segmentation: the ER seed's weekly customer view of user_lifetime_metrics (segments,
activity, purchase diversity)."""

import dagster as dg

from ecom_assets.business_rules import ACTIVITY_STATUSES, VALUE_SEGMENTS
from ecom_assets.checks import Claim, accepted_values, claim_checks, unique_key
from ecom_assets.gold.common import gold_key
from ecom_assets.gold.periodic import ALL_HISTORY_WEEKS, period_asset, silver_deps

DIVERSITY = ("Single Category", "Few Categories", "Diverse")

CUSTOMER_SEGMENTATION_SQL = """
WITH categories AS (  -- distinct known categories of each user's sale lines up to the week's end
    SELECT f.user_id, count(DISTINCT p.category) AS categories
    FROM silver.fact_sales AS f
    JOIN silver.dim_product AS p ON p.date = f.date AND p.product_id = f.product_id
    WHERE f.date < $end AND f.line_type = 'sale' AND p.category IS NOT NULL
    GROUP BY f.user_id
)
SELECT
    CAST(u.as_of_date AS DATE) AS as_of_date,
    CAST(u.user_id AS VARCHAR) AS customer_id,
    CAST(u.value_segment AS VARCHAR) AS value_segment,
    CAST(u.activity_status AS VARCHAR) AS activity_status,
    CAST(coalesce(c.categories, 0) AS BIGINT) AS distinct_categories,
    CAST(CASE WHEN c.categories >= 4 THEN 'Diverse' WHEN c.categories >= 2 THEN 'Few Categories'
              WHEN c.categories = 1 THEN 'Single Category' END AS VARCHAR) AS purchase_diversity,
    CAST(u.total_revenue AS DECIMAL(18,4)) AS total_spend,
    CAST(u.total_orders AS BIGINT) AS total_transactions,
    CAST(u.avg_order_value AS DOUBLE) AS avg_transaction_value,
    CAST(u.last_order_date AS DATE) AS last_purchase_date,
    CAST(u.days_since_last_order AS BIGINT) AS days_since_last_purchase,
    CAST(u.as_of_date AS DATE) AS segment_date
FROM gold.user_lifetime_metrics AS u
LEFT JOIN categories AS c ON c.user_id = u.user_id
WHERE u.as_of_date = CAST($end AS DATE) - 1
ORDER BY customer_id
"""

_TABLE = "gold.customer_segmentation"
asset = period_asset(
    "weekly",
    "customer_segmentation",
    CUSTOMER_SEGMENTATION_SQL,
    [
        dg.AssetDep(gold_key("user_lifetime_metrics")),
        *silver_deps(("fact_sales", "dim_product"), ALL_HISTORY_WEEKS),
    ],
    "customer",
    {
        "customers": "count(*)",
        **{
            f"{d.split()[0].lower()}_customers": f"count(*) FILTER (WHERE purchase_diversity = '{d}')"
            for d in DIVERSITY
        },
    },
)

asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_customer", ["as_of_date", "customer_id"]),
    accepted_values(
        _TABLE, "value_segment_is_accepted", "value_segment", VALUE_SEGMENTS, keys=["as_of_date"]
    ),
    accepted_values(
        _TABLE, "activity_status_is_accepted", "activity_status", ACTIVITY_STATUSES, keys=["as_of_date"]
    ),
    Claim(
        _TABLE,
        "customers_match_user_lifetime_metrics",
        "For every week, the customers are exactly user_lifetime_metrics' users of that week.",
        f"""WITH seg AS (SELECT as_of_date, customer_id AS user_id FROM {_TABLE}),
        ulm AS (SELECT as_of_date, user_id FROM gold.user_lifetime_metrics
                WHERE as_of_date IN (SELECT as_of_date FROM seg))
        SELECT *, 'missing' AS problem FROM (SELECT * FROM ulm EXCEPT SELECT * FROM seg)
        UNION ALL
        SELECT *, 'extra' AS problem FROM (SELECT * FROM seg EXCEPT SELECT * FROM ulm)""",
        reads=["gold.user_lifetime_metrics"],
    ),
)
