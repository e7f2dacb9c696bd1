"""gold.attribution_roas: each campaign's day of spend against the revenue the four attribution models
credit to it (the paths: ``ecom_assets.gold.attribution``)."""

import dagster as dg

from ecom_assets.checks import Claim, claim_checks
from ecom_assets.gold.attribution import CREDITS, DEPS, MODEL_VALUES
from ecom_assets.gold.common import ratio
from ecom_assets.sql_asset import sql_asset

ATTRIBUTION_ROAS_SQL = f"""
WITH {CREDITS},
attributed AS (
    SELECT date, model, utm_source, utm_medium, utm_campaign,
           sum(share) AS conversions, sum(share * total_price) AS revenue
    FROM credits
    WHERE share > 0 AND utm_campaign IS NOT NULL
    GROUP BY ALL
), spend AS (
    SELECT s.date, m.model, s.utm_source, s.utm_medium, s.utm_campaign, sum(s.spend) AS spend
    FROM silver.campaign_spend AS s CROSS JOIN (VALUES {MODEL_VALUES}) AS m(model)
    WHERE s.date >= $start AND s.date < $end
    GROUP BY ALL
), campaigns AS (
    SELECT coalesce(a.date, p.date) AS date, coalesce(a.model, p.model) AS model,
           coalesce(a.utm_source, p.utm_source) AS utm_source,
           coalesce(a.utm_medium, p.utm_medium) AS utm_medium,
           coalesce(a.utm_campaign, p.utm_campaign) AS utm_campaign,
           coalesce(p.spend, 0) AS spend,
           coalesce(a.conversions, 0) AS conversions,
           coalesce(a.revenue, 0) AS attributed_revenue
    FROM attributed AS a
    FULL OUTER JOIN spend AS p
      ON a.date = p.date AND a.model = p.model AND a.utm_campaign = p.utm_campaign
     AND a.utm_source IS NOT DISTINCT FROM p.utm_source AND a.utm_medium IS NOT DISTINCT FROM p.utm_medium
)
SELECT
    CAST(date AS DATE) AS date,
    CAST(model AS VARCHAR) AS model,
    CAST(utm_source AS VARCHAR) AS utm_source,
    CAST(utm_medium AS VARCHAR) AS utm_medium,
    CAST(utm_campaign AS VARCHAR) AS utm_campaign,
    CAST(spend AS DECIMAL(18,4)) AS spend,
    CAST(conversions AS DOUBLE) AS conversions,
    CAST(attributed_revenue AS DOUBLE) AS attributed_revenue,
    {ratio("attributed_revenue", "spend")} AS roas,
    {ratio("spend", "conversions")} AS cpa
FROM campaigns
"""

asset = sql_asset(
    layer="gold",
    name="attribution_roas",
    sql=ATTRIBUTION_ROAS_SQL,
    deps=[*DEPS, dg.AssetKey(["silver", "campaign_spend"])],
    group="marketing",
    kpis={"spend": "SUM(spend) FILTER (WHERE model = 'linear')",
          "linear_roas": ratio("SUM(attributed_revenue) FILTER (WHERE model = 'linear' AND spend > 0)",
                               "SUM(spend) FILTER (WHERE model = 'linear')")},
)

asset_checks = claim_checks(
    Claim(
        "gold.attribution_roas",
        "spend_matches_silver_campaign_spend",
        "For each day and model, spend equals the day's silver.campaign_spend.",
        """
        WITH got AS (SELECT date, model, sum(spend) AS spend FROM gold.attribution_roas GROUP BY ALL),
        want AS (SELECT date, sum(spend) AS spend FROM silver.campaign_spend GROUP BY date)
        SELECT g.date, g.model, g.spend, coalesce(w.spend, 0) AS silver_spend
        FROM got AS g LEFT JOIN want AS w USING (date)
        WHERE g.spend IS DISTINCT FROM coalesce(w.spend, 0)""",
        reads=["silver.campaign_spend"],
    ),
)
