"""gold.seasonal_sales_analysis: each month's revenue and orders with month-on-month and year-on-year
growth and daily volatility.

Partition column ``month`` (the month's first day). It looks back 12 months for its growth rates;
months that start before the first daily partition are unknown (NULL), never 0.
"""

from datetime import date

from ecom_assets.business_rules import VALID
from ecom_assets.checks import Claim, claim_checks, unique_key
from ecom_assets.gold.periodic import TWELVE_MONTHS_BACK, period_asset, silver_deps
from ecom_assets.partitions import DAILY


def seasonal_sql(first_day: date) -> str:
    """The query of seasonal_sales_analysis, for daily partitions starting on ``first_day``."""
    return f"""
WITH months AS (  -- the month and the 12 before it, if fully covered by daily partitions
    SELECT CAST(range AS DATE) AS month
    FROM range(CAST($start AS DATE) - INTERVAL 12 MONTH, CAST($end AS TIMESTAMP), INTERVAL 1 MONTH)
    WHERE range >= DATE '{first_day.isoformat()}'
),
month_orders AS (
    SELECT CAST(date_trunc('month', date) AS DATE) AS month,
           sum(total_price) AS revenue, count(DISTINCT order_id) AS orders
    FROM silver.orders
    WHERE date >= CAST($start AS DATE) - INTERVAL 12 MONTH AND date < $end AND {VALID}
    GROUP BY 1
),
revenue AS (
    SELECT m.month, coalesce(o.revenue, 0) AS revenue, coalesce(o.orders, 0) AS orders
    FROM months AS m LEFT JOIN month_orders AS o USING (month)
),
daily AS (  -- the month's days, a day without orders counting as 0
    SELECT d.range, coalesce(sum(o.total_price), 0) AS revenue
    FROM range(CAST($start AS TIMESTAMP), CAST($end AS TIMESTAMP), INTERVAL 1 DAY) AS d
    LEFT JOIN silver.orders AS o ON o.date = CAST(d.range AS DATE) AND o.{VALID}
    GROUP BY d.range
)
SELECT
    CAST(cur.month AS DATE) AS month,
    CAST(year(cur.month) AS INTEGER) AS year,
    CAST(quarter(cur.month) AS INTEGER) AS quarter,
    CAST(cur.revenue AS DECIMAL(18,4)) AS revenue,
    CAST(cur.orders AS BIGINT) AS orders,
    CAST(prev.revenue AS DECIMAL(18,4)) AS previous_month_revenue,
    CAST(last_year.revenue AS DECIMAL(18,4)) AS same_month_last_year_revenue,
    CAST((cur.revenue - prev.revenue) / NULLIF(prev.revenue, 0) * 100 AS DOUBLE) AS mom_growth_pct,
    CAST((cur.revenue - last_year.revenue) / NULLIF(last_year.revenue, 0) * 100 AS DOUBLE) AS yoy_growth_pct,
    CAST((SELECT stddev_samp(revenue) / NULLIF(avg(revenue), 0) * 100 FROM daily) AS DOUBLE)
        AS daily_revenue_volatility
FROM revenue AS cur
LEFT JOIN revenue AS prev ON prev.month = cur.month - INTERVAL 1 MONTH
LEFT JOIN revenue AS last_year ON last_year.month = cur.month - INTERVAL 12 MONTH
WHERE cur.month = $start
"""


asset = period_asset(
    "monthly",
    "seasonal_sales_analysis",
    seasonal_sql(DAILY.start.date()),
    silver_deps(("orders",), TWELVE_MONTHS_BACK),
    "sales",
    {
        "revenue": "SUM(revenue)",
        "orders": "SUM(orders)",
        # one row per month: the month's own figures (over several months, their mean)
        "mom_growth_pct": "AVG(mom_growth_pct)",
        "yoy_growth_pct": "AVG(yoy_growth_pct)",
        "daily_revenue_volatility": "AVG(daily_revenue_volatility)",
    },
)

asset_checks = claim_checks(
    unique_key("gold.seasonal_sales_analysis", "one_row_per_month", ["month"]),
    Claim(
        "gold.seasonal_sales_analysis",
        "revenue_matches_silver_orders",
        "For every month, revenue equals the valid silver orders' total_price of that month.",
        f"""
            SELECT month, revenue AS gold_revenue,
                   (SELECT coalesce(sum(total_price), 0) FROM silver.orders
                    WHERE {VALID} AND date >= month AND date < month + INTERVAL 1 MONTH) AS silver_revenue
            FROM gold.seasonal_sales_analysis WHERE revenue IS DISTINCT FROM silver_revenue
            """,
    ),
)
