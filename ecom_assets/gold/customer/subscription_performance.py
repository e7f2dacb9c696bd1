"""gold.subscription_performance: each plan's day of active, new, paused and cancelled subscriptions and
MRR.

``subscription_table.csv`` is a delta, so a subscription's state on day D is its latest
silver row with ``_drop_date`` <= D (ASOF join). The previous day's state is computed the
same way, for the net MRR change and the churn rate; before the first partition it is
unknown (NULL). started_at/cancelled_at fall on D in the shop's time zone.
"""

import dagster as dg

from ecom_assets.checks import Claim, bounded, claim_checks, unique_key
from ecom_assets.gold.common import ALL_HISTORY_DAYS, FIRST_DAY, days, pct
from ecom_assets.silver.rules import local_day as shop_day
from ecom_assets.sql_asset import sql_asset

SUBSCRIPTION_PERFORMANCE_SQL = f"""
WITH subscriptions AS (
    SELECT subscription_id, _drop_date, plan, status, monthly_fee,
           {shop_day("started_at")} AS started_on, {shop_day("cancelled_at")} AS cancelled_on
    FROM silver.subscriptions
    WHERE date < $end AND _drop_date < $end AND subscription_id IS NOT NULL
), spine AS (  -- the window's days and the day before, from the first partition on
    SELECT d.date, i.subscription_id
    FROM ({days(f"greatest(CAST($start AS DATE) - 1, {FIRST_DAY})")}) AS d
    CROSS JOIN (SELECT DISTINCT subscription_id FROM subscriptions) AS i
), state AS (  -- each subscription's latest row with drop date <= the day
    SELECT k.date, s.*
    FROM spine AS k
    ASOF JOIN subscriptions AS s ON s.subscription_id = k.subscription_id AND k.date >= s._drop_date
), plans AS (  -- every plan a known state carried on or before the day
    SELECT DISTINCT k.date, s.plan
    FROM (SELECT DISTINCT date FROM spine) AS k JOIN subscriptions AS s ON s._drop_date <= k.date
), per_plan AS (
    SELECT p.date, p.plan,
           count(s.subscription_id) FILTER (WHERE s.status = 'active') AS active,
           count(s.subscription_id) FILTER (WHERE s.status = 'paused') AS paused,
           count(s.subscription_id) FILTER (WHERE s.started_on = p.date) AS started,
           count(s.subscription_id) FILTER (WHERE s.cancelled_on = p.date) AS cancelled,
           coalesce(sum(s.monthly_fee) FILTER (WHERE s.status = 'active'), 0) AS mrr
    FROM plans AS p LEFT JOIN state AS s ON s.date = p.date AND s.plan IS NOT DISTINCT FROM p.plan
    GROUP BY ALL
)
SELECT
    CAST(c.date AS DATE) AS date,
    CAST(c.plan AS VARCHAR) AS plan,
    CAST(c.active AS BIGINT) AS active_subscriptions,
    CAST(c.started AS BIGINT) AS new_subscriptions,
    CAST(c.cancelled AS BIGINT) AS cancelled_subscriptions,
    CAST(c.paused AS BIGINT) AS paused_subscriptions,
    CAST(c.mrr AS DECIMAL(18,4)) AS mrr,
    CAST(CASE WHEN c.date > {FIRST_DAY} THEN c.mrr - coalesce(p.mrr, 0) END AS DECIMAL(18,4))
        AS net_mrr_change,
    CASE WHEN c.date > {FIRST_DAY} THEN {pct("c.cancelled", "coalesce(p.active, 0)")} END AS churn_rate
FROM per_plan AS c
LEFT JOIN per_plan AS p ON p.date = c.date - 1 AND p.plan IS NOT DISTINCT FROM c.plan
WHERE c.date >= $start
ORDER BY ALL
"""

_TABLE = "gold.subscription_performance"
asset = sql_asset(
    layer="gold",
    name="subscription_performance",
    sql=SUBSCRIPTION_PERFORMANCE_SQL,
    deps=[dg.AssetDep(dg.AssetKey(["silver", "subscriptions"]), partition_mapping=ALL_HISTORY_DAYS)],
    group="customer",
    kpis={
        "active_subscriptions": "SUM(active_subscriptions)",
        "mrr": "SUM(mrr)",
        "net_mrr_change": "SUM(net_mrr_change)",
        "cancelled_subscriptions": "SUM(cancelled_subscriptions)",
    },
)

asset_checks = claim_checks(
    unique_key(_TABLE, "one_row_per_plan", ["date", "plan"]),
    bounded(
        _TABLE,
        "counts_are_not_negative",
        [
            "active_subscriptions",
            "new_subscriptions",
            "cancelled_subscriptions",
            "paused_subscriptions",
            "mrr",
        ],
        ["date", "plan"],
    ),
    Claim(
        _TABLE,
        "mrr_change_adds_up",
        "Per plan, net_mrr_change is mrr minus the previous day's mrr (0 when the plan had no row then).",
        f"""SELECT c.date, c.plan, c.mrr, p.mrr AS previous_mrr, c.net_mrr_change
        FROM {_TABLE} AS c LEFT JOIN {_TABLE} AS p ON p.date = c.date - 1 AND p.plan = c.plan
        WHERE c.date - 1 IN (SELECT date FROM {_TABLE})
          AND c.net_mrr_change IS DISTINCT FROM c.mrr - coalesce(p.mrr, 0)""",
    ),
)
