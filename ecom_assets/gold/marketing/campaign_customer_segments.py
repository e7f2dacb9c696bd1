"""gold.campaign_customer_segments: each campaign's day of sessions, conversions and revenue by the
customer segment of the session's user on that day (``ecom_assets.gold.segments``)."""

from ecom_assets.checks import accepted_values, claim_checks, matches_per_day, unique_key
from ecom_assets.gold.common import gold_key, pct
from ecom_assets.gold.segments import CUSTOMER_SEGMENTS, HISTORY_DEPS, segment_ctes
from ecom_assets.sql_asset import sql_asset

CAMPAIGN_CUSTOMER_SEGMENTS_SQL = f"""
WITH visits AS (
    SELECT date, user_id, utm_source, utm_medium, utm_campaign, converted, revenue
    FROM gold.session_attribution
    WHERE date >= $start AND date < $end AND utm_campaign IS NOT NULL
), {segment_ctes("visits")}
SELECT
    CAST(v.date AS DATE) AS date,
    CAST(v.utm_source AS VARCHAR) AS utm_source,
    CAST(v.utm_medium AS VARCHAR) AS utm_medium,
    CAST(v.utm_campaign AS VARCHAR) AS utm_campaign,
    CAST(g.customer_segment AS VARCHAR) AS customer_segment,
    CAST(count(*) AS BIGINT) AS sessions,
    CAST(count(*) FILTER (WHERE v.converted) AS BIGINT) AS conversions,
    CAST(sum(v.revenue) AS DECIMAL(18,4)) AS revenue,
    {pct("count(*) FILTER (WHERE v.converted)", "count(*)")} AS conversion_rate
FROM visits AS v
JOIN segments AS g ON g.date = v.date AND g.user_id IS NOT DISTINCT FROM v.user_id
GROUP BY ALL
ORDER BY ALL
"""

_TABLE = "gold.campaign_customer_segments"
asset = sql_asset(
    layer="gold",
    name="campaign_customer_segments",
    sql=CAMPAIGN_CUSTOMER_SEGMENTS_SQL,
    deps=[gold_key("session_attribution"), *HISTORY_DEPS],
    group="marketing",
    kpis={
        "sessions": "SUM(sessions)",
        "revenue": "SUM(revenue)",
        **{
            f"{s.split()[0].lower()}_sessions": f"SUM(sessions) FILTER (WHERE customer_segment = '{s}')"
            for s in CUSTOMER_SEGMENTS
        },
    },
)

asset_checks = claim_checks(
    unique_key(
        _TABLE,
        "one_row_per_campaign_and_segment",
        ["date", "utm_source", "utm_medium", "utm_campaign", "customer_segment"],
    ),
    accepted_values(
        _TABLE, "customer_segment_is_accepted", "customer_segment", CUSTOMER_SEGMENTS, keys=["date"]
    ),
    matches_per_day(
        _TABLE,
        "sessions_match_campaign_effectiveness",
        "Per day, the segments' sessions add up to campaign_effectiveness' sessions.",
        f"SELECT date, SUM(sessions) AS value FROM {_TABLE} GROUP BY date",
        "SELECT date, SUM(sessions) AS value FROM gold.campaign_effectiveness GROUP BY date",
        ("segment_sessions", "campaign_sessions"),
        reads=["gold.campaign_effectiveness"],
    ),
)
