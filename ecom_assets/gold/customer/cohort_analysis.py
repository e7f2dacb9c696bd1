"""gold.cohort_analysis: each monthly cohort of first-time buyers, month by month since its first
order, as of the week's last day: active customers, retention and revenue."""

from ecom_assets.checks import Claim, bounded, claim_checks, unique_key
from ecom_assets.gold.periodic import ALL_HISTORY_WEEKS, VALID_ORDERS, period_asset, silver_deps

COHORT_SQL = f"""
WITH {VALID_ORDERS},
cohort_of AS (
    SELECT user_id, CAST(date_trunc('month', min(date)) AS DATE) AS cohort_month
    FROM valid_orders GROUP BY user_id
),
cohorts AS (  -- every month from the cohort's first to the as-of month
    SELECT cohort_month, count(*) AS cohort_size,
           unnest(generate_series(0, datediff('month', cohort_month, CAST($end AS DATE) - 1)))
               AS months_since_first
    FROM cohort_of GROUP BY cohort_month
),
activity AS (
    SELECT c.cohort_month, datediff('month', c.cohort_month, o.date) AS months_since_first,
           count(DISTINCT o.user_id) AS active_customers, sum(o.total_price) AS revenue
    FROM valid_orders AS o JOIN cohort_of AS c USING (user_id)
    GROUP BY ALL
)
SELECT
    CAST(CAST($end AS DATE) - 1 AS DATE) AS as_of_date,
    CAST(cohort_month AS DATE) AS cohort_month,
    CAST(months_since_first AS BIGINT) AS months_since_first,
    CAST(cohort_size AS BIGINT) AS cohort_size,
    CAST(coalesce(a.active_customers, 0) AS BIGINT) AS active_customers,
    CAST(coalesce(a.active_customers, 0) / cohort_size * 100 AS DOUBLE) AS retention_rate,
    CAST(coalesce(a.revenue, 0) AS DECIMAL(18,4)) AS revenue
FROM cohorts LEFT JOIN activity AS a USING (cohort_month, months_since_first)
ORDER BY cohort_month, months_since_first
"""

asset = period_asset(
    "weekly",
    "cohort_analysis",
    COHORT_SQL,
    silver_deps(("orders",), ALL_HISTORY_WEEKS),
    "customer",
    {
        "cohorts": "count(DISTINCT cohort_month)",
        "month1_retention": "100.0 * SUM(active_customers) FILTER (WHERE months_since_first = 1) "
        "/ NULLIF(SUM(cohort_size) FILTER (WHERE months_since_first = 1), 0)",
    },
)

_TABLE = "gold.cohort_analysis"
asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_cohort_and_month", ["as_of_date", "cohort_month", "months_since_first"]),
    Claim(
        _TABLE,
        "cohort_size_is_constant_across_months",
        "A cohort's size is the same in every month since its first (cohorts never grow).",
        "SELECT as_of_date, cohort_month, min(cohort_size) AS min_size, max(cohort_size) AS max_size "
        f"FROM {_TABLE} GROUP BY ALL HAVING min(cohort_size) <> max(cohort_size)",
    ),
    bounded(
        _TABLE,
        "retention_rate_is_between_0_and_100",
        ["retention_rate"],
        ["as_of_date", "cohort_month", "months_since_first"],
        0,
        100,
        null_passes=False,
        description="Active customers never exceed the cohort size (retention_rate within 0–100).",
    ),
)
