"""gold.session_funnel: each session's steps (pageview, product view, cart, checkout, order) and the
minutes to its first cart and order."""

import dagster as dg

from ecom_assets.checks import Claim, claim_checks
from ecom_assets.gold.common import SESSION_COLUMNS, session_orders
from ecom_assets.sql_asset import sql_asset

SESSION_FUNNEL_SQL = f"""
WITH views AS (
    SELECT date, session_id,
           coalesce(bool_or(starts_with(path, '/product/')), false) AS had_product_view,
           coalesce(bool_or(starts_with(path, '/checkout')), false) AS had_checkout_view
    FROM silver.pageviews
    WHERE date >= $start AND date < $end
    GROUP BY date, session_id
), carts AS (
    SELECT date, session_id, min(time) AS first_cart_time
    FROM silver.add_to_cart
    WHERE date >= $start AND date < $end
    GROUP BY date, session_id
), orders AS (
    {session_orders("min(time) AS first_order_time")}
)
SELECT
    {SESSION_COLUMNS},
    CAST(v.session_id IS NOT NULL AS BOOLEAN) AS had_pageview,
    CAST(coalesce(v.had_product_view, false) AS BOOLEAN) AS had_product_view,
    CAST(c.session_id IS NOT NULL AS BOOLEAN) AS had_add_to_cart,
    CAST(coalesce(v.had_checkout_view, false) AS BOOLEAN) AS had_checkout_view,
    CAST(o.session_id IS NOT NULL AS BOOLEAN) AS had_order,
    CAST(date_diff('millisecond', s.time, c.first_cart_time) / 60000 AS DOUBLE) AS time_to_cart_minutes,
    CAST(date_diff('millisecond', s.time, o.first_order_time) / 60000 AS DOUBLE) AS time_to_order_minutes
FROM silver.sessions AS s
LEFT JOIN views AS v ON v.date = s.date AND v.session_id = s.session_id
LEFT JOIN carts AS c ON c.date = s.date AND c.session_id = s.session_id
LEFT JOIN orders AS o ON o.date = s.date AND o.session_id = s.session_id
WHERE s.date >= $start AND s.date < $end
"""

asset = sql_asset(
    layer="gold",
    name="session_funnel",
    sql=SESSION_FUNNEL_SQL,
    deps=[dg.AssetKey(["silver", n]) for n in ("sessions", "pageviews", "add_to_cart", "orders")],
    group="engagement",
    kpis={"sessions": "COUNT(*)", "converted_sessions": "COUNT(*) FILTER (WHERE had_order)"},
)

SESSION_COUNTS_SQL = """
WITH funnel AS (SELECT date, count(*) AS funnel_sessions FROM gold.session_funnel GROUP BY date),
silver_days AS (SELECT date, count(DISTINCT session_id) AS n FROM silver.sessions GROUP BY date),
attribution AS (SELECT date, count(*) AS n FROM gold.session_attribution GROUP BY date)
SELECT f.date, f.funnel_sessions, coalesce(s.n, 0) AS silver_sessions,
       a.n AS attribution_sessions, b.total_sessions AS business_total_sessions
FROM funnel AS f
LEFT JOIN silver_days AS s ON s.date = f.date
LEFT JOIN attribution AS a ON a.date = f.date
LEFT JOIN gold.daily_business_metrics AS b ON b.date = f.date
WHERE f.funnel_sessions IS DISTINCT FROM coalesce(s.n, 0)
   OR f.funnel_sessions IS DISTINCT FROM a.n
   OR f.funnel_sessions IS DISTINCT FROM b.total_sessions
"""

asset_checks = claim_checks(
    Claim(
        "gold.session_funnel",
        "session_counts_agree_across_gold",
        "Per day, session_funnel, silver.sessions, session_attribution and "
        "daily_business_metrics.total_sessions count the same sessions (a day missing in one shows NULL).",
        SESSION_COUNTS_SQL,
        reads=["gold.session_attribution", "gold.daily_business_metrics"],
    ),
)
