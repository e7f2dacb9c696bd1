"""Gold tables of the marketing domain: last-touch session attribution, channels and campaigns.

``session_attribution`` is the one place that ties a session to its valid orders; the channel and
campaign tables aggregate it, so their sessions, conversions and revenue agree by construction.
"""

import dagster as dg
import duckdb

from ecom_assets.business_rules import VALID, channel
from ecom_assets.checks import bounded, claim_checks, matches_per_day
from ecom_assets.gold.common import SESSION_COLUMNS, gold_key, pct, ratio, session_orders
from ecom_assets.sql_asset import sql_asset
from ecom_assets.steps import CustomCheck
from ecom_assets.warehouse import Window, table_exists, window_params

GROUP = "marketing"
SILVER_SESSIONS = dg.AssetKey(["silver", "sessions"])
SILVER_ORDERS = dg.AssetKey(["silver", "orders"])
SILVER_CAMPAIGN_SPEND = dg.AssetKey(["silver", "campaign_spend"])

# Spend rows have no referrer: a spend-only campaign gets the channel a session with its UTM values
# and no referrer would get (rules 1-5, else `Direct`), from the one implementation of the rules.
SPEND_CHANNEL = channel("p.utm_medium", "p.utm_source", "CAST(NULL AS VARCHAR)")

_ORDER_MEASURES = """count(DISTINCT order_id) AS orders,
           sum(total_price) AS revenue,
           first(order_id ORDER BY time, order_id) AS first_order_id,
           min(time) AS first_order_time"""

SESSION_ATTRIBUTION_SQL = f"""
WITH valid_orders AS (
    {session_orders(_ORDER_MEASURES)}
)
SELECT
    {SESSION_COLUMNS},
    CAST(s.utm_source AS VARCHAR) AS utm_source,
    CAST(s.utm_medium AS VARCHAR) AS utm_medium,
    CAST(s.utm_campaign AS VARCHAR) AS utm_campaign,
    CAST(s.channel AS VARCHAR) AS channel,
    CAST(s.country AS VARCHAR) AS country,
    CAST(s.device_type AS VARCHAR) AS device_type,
    CAST(s.platform AS VARCHAR) AS platform,
    CAST(coalesce(o.orders, 0) > 0 AS BOOLEAN) AS converted,
    CAST(coalesce(o.orders, 0) AS BIGINT) AS orders,
    CAST(coalesce(o.revenue, 0) AS DECIMAL(18,4)) AS revenue,
    CAST(o.first_order_id AS VARCHAR) AS order_id,
    CAST(date_diff('millisecond', s.time, o.first_order_time) / 60000 AS DOUBLE) AS time_to_conversion_minutes
FROM silver.sessions AS s
LEFT JOIN valid_orders AS o ON o.date = s.date AND o.session_id = s.session_id
WHERE s.date >= $start AND s.date < $end
"""

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

CAMPAIGN_EFFECTIVENESS_SQL = f"""
WITH by_channel AS (
    SELECT date, utm_source, utm_medium, utm_campaign, channel,
           count(*) AS sessions,
           count(*) FILTER (WHERE converted) AS conversions,
           sum(revenue) AS revenue
    FROM gold.session_attribution
    WHERE date >= $start AND date < $end AND utm_campaign IS NOT NULL
    GROUP BY date, utm_source, utm_medium, utm_campaign, channel
), visits AS (
    SELECT date, utm_source, utm_medium, utm_campaign,
           sum(sessions) AS sessions, sum(conversions) AS conversions, sum(revenue) AS revenue,
           first(channel ORDER BY sessions DESC, channel) AS channel
    FROM by_channel
    GROUP BY date, utm_source, utm_medium, utm_campaign
), spend AS (
    SELECT date, utm_source, utm_medium, utm_campaign,
           sum(spend) AS spend, sum(impressions) AS impressions, sum(clicks) AS ad_clicks
    FROM silver.campaign_spend
    WHERE date >= $start AND date < $end
    GROUP BY date, utm_source, utm_medium, utm_campaign
), campaigns AS (
    SELECT
        coalesce(v.date, p.date) AS date,
        coalesce(v.utm_source, p.utm_source) AS utm_source,
        coalesce(v.utm_medium, p.utm_medium) AS utm_medium,
        coalesce(v.utm_campaign, p.utm_campaign) AS utm_campaign,
        coalesce(v.channel, {SPEND_CHANNEL}) AS channel,
        coalesce(p.spend, 0) AS spend,
        coalesce(p.impressions, 0) AS impressions,
        coalesce(p.ad_clicks, 0) AS ad_clicks,
        coalesce(v.sessions, 0) AS sessions,
        coalesce(v.conversions, 0) AS conversions,
        coalesce(v.revenue, 0) AS revenue
    FROM visits AS v
    FULL OUTER JOIN spend AS p
      ON v.date = p.date AND v.utm_source IS NOT DISTINCT FROM p.utm_source
     AND v.utm_medium IS NOT DISTINCT FROM p.utm_medium AND v.utm_campaign = p.utm_campaign
)
SELECT
    CAST(date AS DATE) AS date,
    CAST(utm_source AS VARCHAR) AS utm_source,
    CAST(utm_medium AS VARCHAR) AS utm_medium,
    CAST(utm_campaign AS VARCHAR) AS utm_campaign,
    CAST(channel AS VARCHAR) AS channel,
    CAST(spend AS DECIMAL(18,4)) AS spend,
    CAST(impressions AS BIGINT) AS impressions,
    CAST(ad_clicks AS BIGINT) AS ad_clicks,
    CAST(sessions AS BIGINT) AS sessions,
    CAST(conversions AS BIGINT) AS conversions,
    CAST(revenue AS DECIMAL(18,4)) AS revenue,
    {pct("revenue - spend", "spend")} AS roi,
    {ratio("revenue", "spend")} AS roas,
    {ratio("spend", "conversions")} AS cost_per_acquisition
FROM campaigns
"""

session_attribution = sql_asset(
    layer="gold",
    name="session_attribution",
    sql=SESSION_ATTRIBUTION_SQL,
    deps=[SILVER_SESSIONS, SILVER_ORDERS],
    group=GROUP,
    kpis={"sessions": "COUNT(*)", "converted_sessions": "COUNT(*) FILTER (WHERE converted)",
          "revenue": "SUM(revenue)",
          "conversion_rate": pct("COUNT(*) FILTER (WHERE converted)", "COUNT(*)")},
)

daily_channel_performance = sql_asset(
    layer="gold",
    name="daily_channel_performance",
    sql=DAILY_CHANNEL_PERFORMANCE_SQL,
    deps=[gold_key("session_attribution")],
    group=GROUP,
    kpis={"sessions": "SUM(sessions)", "converted_sessions": "SUM(converted_sessions)",
          "revenue": "SUM(revenue)", "conversion_rate": pct("SUM(converted_sessions)", "SUM(sessions)")},
)

campaign_effectiveness = sql_asset(
    layer="gold",
    name="campaign_effectiveness",
    sql=CAMPAIGN_EFFECTIVENESS_SQL,
    deps=[gold_key("session_attribution"), SILVER_CAMPAIGN_SPEND],
    group=GROUP,
    kpis={"spend": "SUM(spend)", "revenue": "SUM(revenue)",
          # Return on the campaigns that were paid for: unpaid campaigns' revenue would inflate it.
          "roas": ratio("SUM(revenue) FILTER (WHERE spend > 0)", "SUM(spend)")},
)

assets = [session_attribution, daily_channel_performance, campaign_effectiveness]


# -- checks -------------------------------------------------------------------------------------

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
        matches_per_day(
            "gold.session_attribution",
            "sessions_match_silver_sessions",
            "Per day, one row per distinct session of silver.sessions.",
            "SELECT date, count(*) AS value FROM gold.session_attribution GROUP BY date",
            "SELECT date, count(DISTINCT session_id) AS value FROM silver.sessions GROUP BY date",
            ("attribution_rows", "silver_sessions"),
        ),
        matches_per_day(
            "gold.session_attribution",
            "revenue_matches_silver_orders",
            "Per day, attributed revenue equals the valid orders' total_price whose session started "
            "that day.",
            "SELECT date, sum(revenue) AS value FROM gold.session_attribution GROUP BY date",
            f"""SELECT o.date, sum(o.total_price) AS value FROM silver.orders AS o
                WHERE o.{VALID} AND EXISTS (SELECT 1 FROM silver.sessions AS s
                                             WHERE s.date = o.date AND s.session_id = o.session_id)
                GROUP BY o.date""",
            ("attributed_revenue", "silver_revenue"),
        ),
        bounded(
            "gold.daily_channel_performance",
            "conversion_rate_is_a_percentage",
            ["conversion_rate"],
            ["date", "channel"],
            low=0,
            high=100,
        ),
        matches_per_day(
            "gold.campaign_effectiveness",
            "spend_matches_silver_campaign_spend",
            "Per day, campaign spend equals the spend of silver.campaign_spend.",
            "SELECT date, sum(spend) AS value FROM gold.campaign_effectiveness GROUP BY date",
            "SELECT date, sum(spend) AS value FROM silver.campaign_spend GROUP BY date",
            ("campaign_spend", "silver_spend"),
        ),
    ),
    revenue_matches_daily_business_metrics,
]
