"""gold.daily_revenue: daily_business_metrics' revenue with trailing 7- and 30-day means."""

import dagster as dg

from ecom_assets.checks import Claim, claim_checks
from ecom_assets.gold.common import FIRST_DAY, days, gold_key, matches_daily_business_metrics, ratio
from ecom_assets.sql_asset import sql_asset

LOOK_BACK_DAYS = 29

# The trailing windows need the 29 days before $start, but never days before the first partition.
DAILY_REVENUE = f"""
WITH daily AS (
    SELECT d.date,
           coalesce(m.total_revenue, 0) AS revenue,
           coalesce(m.total_orders, 0) AS orders
    FROM ({days(f"greatest($start - {LOOK_BACK_DAYS}, {FIRST_DAY})")}) AS d
    LEFT JOIN gold.daily_business_metrics AS m USING (date)
), windowed AS (
    SELECT date, revenue, orders,
           SUM(revenue) OVER last_7 AS revenue_7d, COUNT(*) OVER last_7 AS days_7d,
           SUM(revenue) OVER last_30 AS revenue_30d, COUNT(*) OVER last_30 AS days_30d
    FROM daily
    WINDOW last_7 AS (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW),
           last_30 AS (ORDER BY date ROWS BETWEEN {LOOK_BACK_DAYS} PRECEDING AND CURRENT ROW)
)
SELECT date,
       CAST(revenue AS DECIMAL(18,4)) AS revenue,
       CAST(orders AS BIGINT) AS orders,
       {ratio("revenue_7d", "days_7d")} AS revenue_7d_avg,
       {ratio("revenue_30d", "days_30d")} AS revenue_30d_avg
FROM windowed
WHERE date >= $start AND date < $end
ORDER BY date
"""

asset = sql_asset(
    layer="gold",
    name="daily_revenue",
    sql=DAILY_REVENUE,
    deps=[
        dg.AssetDep(
            gold_key("daily_business_metrics"),
            # Dagster clamps the offset at the first partition: no nonexistent upstream days.
            partition_mapping=dg.TimeWindowPartitionMapping(start_offset=-LOOK_BACK_DAYS),
        )
    ],
    group="sales",
    # one row per day: a day's own trailing means (over several days, their mean)
    kpis={"revenue_7d_avg": "AVG(revenue_7d_avg)", "revenue_30d_avg": "AVG(revenue_30d_avg)"},
)

asset_checks = claim_checks(
    matches_daily_business_metrics(
        "gold.daily_revenue",
        "revenue_matches_daily_business_metrics",
        "Per day, revenue equals daily_business_metrics.total_revenue (a day missing there fails).",
        "SELECT date, revenue AS value FROM gold.daily_revenue",
        "total_revenue",
        "revenue",
    ),
    Claim(
        "gold.daily_revenue",
        "trailing_days_are_in_daily_business_metrics",
        "Every day of each trailing 30-day window (from the first partition on) has a "
        "daily_business_metrics row, so no average counts an unmaterialized day as 0.",
        f"""
        SELECT r.date, date_diff('day', greatest(r.date - {LOOK_BACK_DAYS}, {FIRST_DAY}), r.date) + 1
                   AS days_expected,
               (SELECT count(*) FROM gold.daily_business_metrics AS m
                WHERE m.date BETWEEN greatest(r.date - {LOOK_BACK_DAYS}, {FIRST_DAY}) AND r.date)
                   AS days_found
        FROM gold.daily_revenue AS r
        WHERE days_expected <> days_found""",
        reads=["gold.daily_business_metrics"],
        look_back_days=LOOK_BACK_DAYS,
    ),
)
