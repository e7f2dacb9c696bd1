"""gold.daily_channel_performance: each marketing channel's day of sessions, conversions and revenue,
aggregated from session_attribution."""

import dagster as dg
import duckdb

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks
from ecom_assets.gold.common import gold_key, pct, ratio
from ecom_assets.sql_asset import sql_asset
from ecom_assets.steps import CustomCheck
from ecom_assets.warehouse import Window, table_exists, window_params

DAILY_CHANNEL_PERFORMANCE_SQL = f"""
SELECT
    CAST(date AS DATE) AS date,
    CAST(channel AS VARCHAR) AS channel,
    CAST(count(*) AS BIGINT) AS sessions,
    CAST(count(DISTINCT user_id) AS BIGINT) AS users,
    CAST(count(*) FILTER (WHERE converted) AS BIGINT) AS converted_sessions,
    CAST(sum(orders) AS BIGINT) AS orders,
    CAST(sum(revenue) AS DECIMAL(18,4)) AS revenue,
    {pct("count(*) FILTER (WHERE converted)", "count(*)")} AS conversion_rate,
    {ratio("sum(revenue)", "count(*)")} AS revenue_per_session
FROM gold.session_attribution
WHERE date >= $start AND date < $end
GROUP BY date, channel
"""

asset = sql_asset(
    layer="gold",
    name="daily_channel_performance",
    sql=DAILY_CHANNEL_PERFORMANCE_SQL,
    deps=[gold_key("session_attribution")],
    group="marketing",
    kpis={"sessions": "SUM(sessions)", "converted_sessions": "SUM(converted_sessions)",
          "revenue": "SUM(revenue)", "conversion_rate": pct("SUM(converted_sessions)", "SUM(sessions)")},
)

# Stands in for gold.daily_business_metrics before it exists: every day is then reported missing.
_NO_DAILY_BUSINESS_METRICS = (
    "(SELECT CAST(NULL AS DATE) AS date, CAST(NULL AS DOUBLE) AS total_revenue LIMIT 0)"
)

REVENUE_RECONCILIATION_SQL = f"""
WITH channels AS (
    SELECT date, sum(revenue) AS channel_revenue FROM gold.daily_channel_performance
    WHERE {{days}} GROUP BY date
), unattributed AS (
    SELECT o.date, sum(o.total_price) AS revenue
    FROM silver.orders AS o
    WHERE o.{VALID} AND o.date IN (SELECT date FROM channels)
      AND NOT EXISTS (SELECT 1 FROM silver.sessions AS s
                      WHERE s.date = o.date AND s.session_id = o.session_id)
    GROUP BY o.date
)
SELECT c.date, c.channel_revenue, coalesce(u.revenue, 0) AS unattributed_revenue,
       d.total_revenue AS business_revenue, d.date IS NULL AS missing
FROM channels AS c
LEFT JOIN unattributed AS u ON u.date = c.date
LEFT JOIN {{business}} AS d ON d.date = c.date
ORDER BY c.date
"""


def revenue_reconciliation(conn: duckdb.DuckDBPyConnection, window: Window = None) -> dg.AssetCheckResult:
    """Per day of ``window`` (None: every day): channel revenue + unattributed valid-order revenue
    = daily_business_metrics.total_revenue."""
    business = (
        "gold.daily_business_metrics"
        if table_exists(conn, "gold", "daily_business_metrics")
        else _NO_DAILY_BUSINESS_METRICS
    )
    in_window = "true" if window is None else "date >= $start AND date < $end"
    sql = REVENUE_RECONCILIATION_SQL.format(business=business, days=in_window)
    days = conn.execute(sql, window_params(window)).fetchall()
    missing = [str(day) for day, _, _, _, is_missing in days if is_missing]
    problems = [
        f"{day}: channel revenue {channel} + unattributed {unattributed} = {channel + unattributed} "
        f"but daily_business_metrics.total_revenue = {total}"
        for day, channel, unattributed, total, is_missing in days
        if not is_missing and abs(float(channel + unattributed) - float(total or 0)) > 0.005
    ]
    if problems:
        description = f"{len(problems)} day(s) disagree; first: {problems[0]}"
    elif missing:
        description = f"{len(missing)} day(s) missing in daily_business_metrics: {', '.join(missing[:5])}"
    else:
        description = f"All {len(days)} day(s) reconcile."
    return dg.AssetCheckResult(
        passed=not problems and not missing,
        severity=dg.AssetCheckSeverity.ERROR if problems else dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "days_checked": len(days),
            "failing_count": len(problems),
            "examples": "; ".join(problems[:5]),
            "days_missing_in_daily_business_metrics": ", ".join(missing),
            "unattributed_revenue": float(sum(u for _, _, u, _, _ in days)),
        },
    )


revenue_matches_daily_business_metrics = CustomCheck(
    dg.AssetCheckSpec(
        "revenue_matches_daily_business_metrics",
        asset=gold_key("daily_channel_performance"),
        description=(
            "Per day, channel revenue plus the revenue of valid orders whose session did not start that "
            "day (unattributed, reported in metadata) equals daily_business_metrics.total_revenue; a day "
            "missing there is reported as a warning."
        ),
        additional_deps=[gold_key("daily_business_metrics")],
    ),
    lambda conn, window: revenue_reconciliation(conn, window),
)


asset_checks = [
    *claim_checks(
        bounded(
            "gold.daily_channel_performance",
            "conversion_rate_is_a_percentage",
            ["conversion_rate"],
            ["date", "channel"],
            low=0,
            high=100,
        ),
    ),
    revenue_matches_daily_business_metrics,
]
