"""Gold tables of multi-touch attribution: each valid order's 30-day path of sessions, credited by
four models, by channel and campaign (``channel_attribution``) and against spend (``attribution_roas``).

A valid order's path is its user's sessions that started at most 30 × 24 hours before the order's
time, up to the order's session, which is always its last touch; ties in start time go by
session_id. Sessions are those of silver.sessions of the order's day and the 31 days before (the
look-back); an order whose own session is not among them is not attributed: its session is unknown.
The look-back is 31 days because 30 × 24 hours before an order can fall on the 31st shop day before
it across a daylight-saving change. The sessions come through a ``TimeWindowPartitionMapping``, so
a range run asks for the look-back of the whole range once, and each window of the run (a week of
days) reads its days plus 31.
"""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import Claim, claim_checks
from ecom_assets.gold.common import ratio
from ecom_assets.sql_asset import sql_asset

GROUP = "marketing"
LOOKBACK_DAYS = 31
LOOKBACK = dg.TimeWindowPartitionMapping(
    start_offset=-LOOKBACK_DAYS, end_offset=0, allow_nonexistent_upstream_partitions=True
)
MODELS = ("first_touch", "last_touch", "linear", "position_based")
_MODEL_VALUES = ", ".join(f"('{m}')" for m in MODELS)

# One row per (order, model, touch) with the touch's share of the order (> 0).
CREDITS = f"""
orders AS (
    SELECT date, order_id, event_id, user_id, session_id, time, total_price
    FROM silver.orders
    WHERE date >= $start AND date < $end AND {VALID}
), sessions AS (
    SELECT date, session_id, user_id, time, channel, utm_source, utm_medium, utm_campaign
    FROM silver.sessions
    WHERE date >= CAST($start AS DATE) - {LOOKBACK_DAYS} AND date < $end
    QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY date, time) = 1
), known AS (  -- orders whose session is known, with its start and user (the order's, else the session's)
    SELECT o.*, s.time AS session_time, coalesce(o.user_id, s.user_id) AS path_user
    FROM orders AS o
    JOIN sessions AS s ON s.session_id = o.session_id
     AND s.date >= o.date - {LOOKBACK_DAYS} AND s.date <= o.date
), touches AS (
    SELECT k.*, k.session_id AS touch_id, true AS is_order_session FROM known AS k
    UNION ALL
    SELECT k.*, s.session_id, false
    FROM known AS k
    JOIN sessions AS s ON s.user_id = k.path_user AND s.session_id <> k.session_id
     AND s.date >= k.date - {LOOKBACK_DAYS} AND s.date <= k.date
     AND s.time >= k.time - INTERVAL 30 DAY AND s.time <= k.session_time
), path AS (
    SELECT t.date, t.order_id, t.event_id, t.total_price, s.channel, s.utm_source, s.utm_medium,
           s.utm_campaign,
           row_number() OVER (PARTITION BY t.date, t.order_id, t.event_id
                              ORDER BY t.is_order_session, s.time, s.session_id) AS position,
           count(*) OVER (PARTITION BY t.date, t.order_id, t.event_id) AS touches
    FROM touches AS t
    JOIN sessions AS s ON s.session_id = t.touch_id
), credits AS (
    SELECT p.*, m.model,
           CASE m.model
               WHEN 'first_touch' THEN CAST(position = 1 AS DOUBLE)
               WHEN 'last_touch' THEN CAST(position = touches AS DOUBLE)
               WHEN 'linear' THEN 1.0 / touches
               ELSE CASE WHEN touches = 1 THEN 1.0
                         WHEN touches = 2 THEN 0.5
                         WHEN position = 1 OR position = touches THEN 0.4
                         ELSE 0.2 / (touches - 2) END
           END AS share
    FROM path AS p CROSS JOIN (VALUES {_MODEL_VALUES}) AS m(model)
)"""

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
    FROM silver.campaign_spend AS s CROSS JOIN (VALUES {_MODEL_VALUES}) AS m(model)
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

_DEPS = [
    dg.AssetDep(dg.AssetKey(["silver", "sessions"]), partition_mapping=LOOKBACK),
    dg.AssetKey(["silver", "orders"]),
]
_PATH = ("the order's 30-day path of its user's sessions, up to its own session (see the module); "
         "models first_touch, last_touch, linear, position_based (40/20/40; 1 session 100 %, 2: 50/50)")

channel_attribution = sql_asset(
    layer="gold",
    name="channel_attribution",
    sql=CHANNEL_ATTRIBUTION_SQL,
    deps=_DEPS,
    group=GROUP,
    kpis={**{f"{m}_revenue": f"SUM(revenue) FILTER (WHERE model = '{m}')" for m in ("first_touch", "linear")},
          "conversions": "SUM(conversions) FILTER (WHERE model = 'last_touch')"},
)

attribution_roas = sql_asset(
    layer="gold",
    name="attribution_roas",
    sql=ATTRIBUTION_ROAS_SQL,
    deps=[*_DEPS, dg.AssetKey(["silver", "campaign_spend"])],
    group=GROUP,
    kpis={"spend": "SUM(spend) FILTER (WHERE model = 'linear')",
          "linear_roas": ratio("SUM(attributed_revenue) FILTER (WHERE model = 'linear' AND spend > 0)",
                               "SUM(spend) FILTER (WHERE model = 'linear')")},
)

assets = [channel_attribution, attribution_roas]

# The day's valid orders whose session is known: the revenue every model must credit in full.
KNOWN_SESSION_REVENUE = f"""
    SELECT o.date, count(*) AS orders, sum(o.total_price) AS revenue
    FROM silver.orders AS o
    WHERE o.{VALID} AND EXISTS (
        SELECT 1 FROM silver.sessions AS s WHERE s.session_id = o.session_id
           AND s.date >= o.date - {LOOKBACK_DAYS} AND s.date <= o.date)
    GROUP BY o.date"""

CLAIMS = (
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
                     FROM days AS d CROSS JOIN (VALUES {_MODEL_VALUES}) AS m(model)
                     LEFT JOIN ({KNOWN_SESSION_REVENUE}) AS k USING (date))
        SELECT e.date, e.model, c.revenue AS credited_revenue, e.revenue AS known_session_revenue,
               c.conversions, e.orders AS known_session_orders
        FROM expected AS e LEFT JOIN credited AS c USING (date, model)
        WHERE abs(coalesce(c.revenue, 0) - e.revenue) >= 0.005
           OR abs(coalesce(c.conversions, 0) - e.orders) > 1e-9""",
        reads=["silver.orders", "silver.sessions"],
    ),
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
asset_checks = claim_checks(*CLAIMS)
