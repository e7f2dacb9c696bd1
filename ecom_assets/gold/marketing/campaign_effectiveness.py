"""gold.campaign_effectiveness: each campaign's day of spend, sessions, conversions, revenue and returns
(ROI, ROAS, cost per acquisition)."""

import dagster as dg

from ecom_assets.business_rules import channel
from ecom_assets.checks import claim_checks, matches_per_day
from ecom_assets.gold.common import gold_key, pct, ratio
from ecom_assets.sql_asset import sql_asset

# Spend rows have no referrer: a spend-only campaign gets the channel a session with its UTM values
# and no referrer would get (rules 1-5, else `Direct`), from the one implementation of the rules.
SPEND_CHANNEL = channel("p.utm_medium", "p.utm_source", "CAST(NULL AS VARCHAR)")

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

asset = sql_asset(
    layer="gold",
    name="campaign_effectiveness",
    sql=CAMPAIGN_EFFECTIVENESS_SQL,
    deps=[gold_key("session_attribution"), dg.AssetKey(["silver", "campaign_spend"])],
    group="marketing",
    kpis={"spend": "SUM(spend)", "revenue": "SUM(revenue)",
          # Return on the campaigns that were paid for: unpaid campaigns' revenue would inflate it.
          "roas": ratio("SUM(revenue) FILTER (WHERE spend > 0)", "SUM(spend)")},
)

asset_checks = claim_checks(
    matches_per_day(
        "gold.campaign_effectiveness",
        "spend_matches_silver_campaign_spend",
        "Per day, campaign spend equals the spend of silver.campaign_spend.",
        "SELECT date, sum(spend) AS value FROM gold.campaign_effectiveness GROUP BY date",
        "SELECT date, sum(spend) AS value FROM silver.campaign_spend GROUP BY date",
        ("campaign_spend", "silver_spend"),
    ),
)
