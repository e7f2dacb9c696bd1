"""A buyer's customer segment on a day, shared by campaign_customer_segments (marketing) and
customer_product_interactions (product).

The segment of a user on day D is the ``value_segment`` of user_lifetime_metrics (one definition:
``ecom_assets.business_rules.value_segment``) computed from the user's valid orders and refunds
booked before D, or ``New`` without an earlier valid order. :func:`segment_ctes` computes it for a
window of days in one pass: per user and day it sums the history before ``$end``, turns it into
running totals with a window function, and an ASOF join picks, for each (day, user) of the window,
the totals of the user's last day before it. A range run therefore reads the history once per
window (7 days), never once per day.
"""

import dagster as dg

from ecom_assets.business_rules import VALID, VALUE_SEGMENTS, value_segment
from ecom_assets.gold.common import ALL_HISTORY_DAYS

CUSTOMER_SEGMENTS = (*VALUE_SEGMENTS, "New")
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
