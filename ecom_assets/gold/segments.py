"""A buyer's customer segment on a day, and campaign_customer_segments (campaigns by that segment).

The segment of a user on day D is the ``value_segment`` of user_lifetime_metrics (one definition:
``ecom_assets.gold.customer.value_segment``) computed from the user's valid orders and refunds
booked before D, or ``New`` without an earlier valid order. :func:`segment_ctes` computes it for a
window of days in one pass: per user and day it sums the history before ``$end``, turns it into
running totals with a window function, and an ASOF join picks, for each (day, user) of the window,
the totals of the user's last day before it. A range run therefore reads the history once per
window (7 days), never once per day.
"""

import dagster as dg

from ecom_assets.business_rules import VALID, VALUE_SEGMENTS, value_segment
from ecom_assets.checks import accepted_values, claim_checks, matches_per_day, unique_key
from ecom_assets.gold.common import gold_key, pct
from ecom_assets.sql_asset import sql_asset

CUSTOMER_SEGMENTS = (*VALUE_SEGMENTS, "New")
# "Every daily partition up to the day": Dagster clamps the start at the first partition.
ALL_HISTORY_DAYS = dg.TimeWindowPartitionMapping(
    start_offset=-20 * 366, allow_nonexistent_upstream_partitions=True
)
HISTORY_DEPS = [
    dg.AssetDep(dg.AssetKey(["silver", name]), partition_mapping=ALL_HISTORY_DAYS)
    for name in ("orders", "returns")
]


def segment_ctes(users: str) -> str:
    """CTEs (no ``WITH``) ending in ``segments(date, user_id, customer_segment)`` for the rows of the
    CTE ``users(date, user_id)``; a NULL user has no history and is ``New``."""
    return f"""_history AS (  -- per user and day before $end: valid-order revenue and orders, refunds
    SELECT user_id, date, sum(revenue) AS revenue, sum(refunded) AS refunded, sum(orders) AS orders
    FROM (
        SELECT user_id, date, total_price AS revenue, 0 AS refunded, 1 AS orders
        FROM silver.orders WHERE date < $end AND {VALID} AND user_id IN (SELECT user_id FROM {users})
        UNION ALL
        SELECT user_id, date, 0 AS revenue, refund_amount AS refunded, 0 AS orders
        FROM silver.returns WHERE date < $end AND user_id IN (SELECT user_id FROM {users})
    )
    GROUP BY user_id, date
), _running AS (  -- totals up to and including each day
    SELECT user_id, date,
           sum(orders) OVER upto AS orders,
           sum(revenue) OVER upto - sum(refunded) OVER upto AS clv
    FROM _history
    WINDOW upto AS (PARTITION BY user_id ORDER BY date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), segments AS (  -- the totals of the user's last day strictly before each day
    SELECT u.date, u.user_id,
           CASE WHEN coalesce(r.orders, 0) = 0 THEN 'New' ELSE {value_segment("r.clv")} END
               AS customer_segment
    FROM (SELECT DISTINCT date, user_id FROM {users}) AS u
    ASOF LEFT JOIN _running AS r ON r.user_id = u.user_id AND u.date > r.date
)"""


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
assets = [
    sql_asset(
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
    ),
]

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
