"""gold.channel_attribution: the day's valid orders credited to channels and campaigns by four
attribution models (the paths: ``ecom_assets.gold.attribution``)."""

from ecom_assets.business_rules import VALID
from ecom_assets.checks import Claim, claim_checks
from ecom_assets.gold.attribution import CREDITS, DEPS, LOOKBACK_DAYS, MODEL_VALUES
from ecom_assets.sql_asset import sql_asset

CHANNEL_ATTRIBUTION_SQL = f"""
WITH {CREDITS}
SELECT
    CAST(date AS DATE) AS date,
    CAST(model AS VARCHAR) AS model,
    CAST(channel AS VARCHAR) AS channel,
    CAST(utm_campaign AS VARCHAR) AS utm_campaign,
    CAST(sum(share) AS DOUBLE) AS conversions,
    CAST(sum(share * total_price) AS DOUBLE) AS revenue
FROM credits
WHERE share > 0
GROUP BY ALL
"""

asset = sql_asset(
    layer="gold",
    name="channel_attribution",
    sql=CHANNEL_ATTRIBUTION_SQL,
    deps=DEPS,
    group="marketing",
    kpis={**{f"{m}_revenue": f"SUM(revenue) FILTER (WHERE model = '{m}')" for m in ("first_touch", "linear")},
          "conversions": "SUM(conversions) FILTER (WHERE model = 'last_touch')"},
)

# The day's valid orders whose session is known: the revenue every model must credit in full.
KNOWN_SESSION_REVENUE = f"""
    SELECT o.date, count(*) AS orders, sum(o.total_price) AS revenue
    FROM silver.orders AS o
    WHERE o.{VALID} AND EXISTS (
        SELECT 1 FROM silver.sessions AS s WHERE s.session_id = o.session_id
           AND s.date >= o.date - {LOOKBACK_DAYS} AND s.date <= o.date)
    GROUP BY o.date"""

asset_checks = claim_checks(
    Claim(
        "gold.channel_attribution",
        "credited_revenue_matches_orders_with_known_session",
        "For each day and model, credited revenue (to the cent) and conversions equal the revenue and count "
        "of the day's valid orders whose session is known.",
        f"""
        WITH days AS (SELECT DISTINCT date FROM gold.channel_attribution),
        credited AS (SELECT date, model, sum(revenue) AS revenue, sum(conversions) AS conversions
                     FROM gold.channel_attribution GROUP BY ALL),
        expected AS (SELECT d.date, m.model, coalesce(k.revenue, 0) AS revenue,
                            coalesce(k.orders, 0) AS orders
                     FROM days AS d CROSS JOIN (VALUES {MODEL_VALUES}) AS m(model)
                     LEFT JOIN ({KNOWN_SESSION_REVENUE}) AS k USING (date))
        SELECT e.date, e.model, c.revenue AS credited_revenue, e.revenue AS known_session_revenue,
               c.conversions, e.orders AS known_session_orders
        FROM expected AS e LEFT JOIN credited AS c USING (date, model)
        WHERE abs(coalesce(c.revenue, 0) - e.revenue) >= 0.005
           OR abs(coalesce(c.conversions, 0) - e.orders) > 1e-9""",
        reads=["silver.orders", "silver.sessions"],
    ),
)
