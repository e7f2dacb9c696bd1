"""Multi-touch attribution, shared by channel_attribution and attribution_roas: each valid order's
30-day path of sessions, credited by four models.

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

LOOKBACK_DAYS = 31
LOOKBACK = dg.TimeWindowPartitionMapping(
    start_offset=-LOOKBACK_DAYS, end_offset=0, allow_nonexistent_upstream_partitions=True
)
MODELS = ("first_touch", "last_touch", "linear", "position_based")
MODEL_VALUES = ", ".join(f"('{m}')" for m in MODELS)

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
    FROM path AS p CROSS JOIN (VALUES {MODEL_VALUES}) AS m(model)
)"""

# What both tables read: the sessions of the look-back and the orders of the day.
DEPS = [
    dg.AssetDep(dg.AssetKey(["silver", "sessions"]), partition_mapping=LOOKBACK),
    dg.AssetKey(["silver", "orders"]),
]
