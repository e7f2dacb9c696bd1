"""gold.daily_funnel_summary: the day's sessions at each funnel step, step rates and cart abandonment,
from session_funnel."""

from ecom_assets.checks import Claim, bounded, claim_checks
from ecom_assets.gold.common import days, gold_key, pct
from ecom_assets.sql_asset import sql_asset

DAILY_FUNNEL_SUMMARY_SQL = f"""
WITH steps AS (
    SELECT date,
           count(*) AS sessions,
           count(*) FILTER (WHERE had_product_view) AS product_view_sessions,
           count(*) FILTER (WHERE had_add_to_cart) AS cart_sessions,
           count(*) FILTER (WHERE had_checkout_view) AS checkout_sessions,
           count(*) FILTER (WHERE had_order) AS order_sessions,
           count(*) FILTER (WHERE had_add_to_cart AND NOT had_order) AS abandoned_cart_sessions
    FROM gold.session_funnel
    WHERE date >= $start AND date < $end
    GROUP BY date
), day AS ({days()})
SELECT
    CAST(day.date AS DATE) AS date,
    CAST(coalesce(s.sessions, 0) AS BIGINT) AS sessions,
    CAST(coalesce(s.product_view_sessions, 0) AS BIGINT) AS product_view_sessions,
    CAST(coalesce(s.cart_sessions, 0) AS BIGINT) AS cart_sessions,
    CAST(coalesce(s.checkout_sessions, 0) AS BIGINT) AS checkout_sessions,
    CAST(coalesce(s.order_sessions, 0) AS BIGINT) AS order_sessions,
    CAST(coalesce(s.abandoned_cart_sessions, 0) AS BIGINT) AS abandoned_cart_sessions,
    {pct("s.product_view_sessions", "s.sessions")} AS product_view_rate,
    {pct("s.cart_sessions", "s.sessions")} AS cart_rate,
    {pct("s.checkout_sessions", "s.sessions")} AS checkout_rate,
    {pct("s.order_sessions", "s.sessions")} AS order_rate,
    {pct("s.abandoned_cart_sessions", "s.cart_sessions")} AS cart_abandonment_rate
FROM day LEFT JOIN steps AS s ON s.date = day.date
"""

asset = sql_asset(
    layer="gold",
    name="daily_funnel_summary",
    sql=DAILY_FUNNEL_SUMMARY_SQL,
    deps=[gold_key("session_funnel")],
    group="engagement",
    kpis={"sessions": "SUM(sessions)",
          "order_rate": pct("SUM(order_sessions)", "SUM(sessions)"),
          "cart_abandonment_rate": pct("SUM(abandoned_cart_sessions)", "SUM(cart_sessions)")},
)

FUNNEL_STEPS = ("product_view_sessions", "cart_sessions", "checkout_sessions", "order_sessions")

asset_checks = claim_checks(
    Claim(
        "gold.daily_funnel_summary",
        "funnel_steps_do_not_exceed_sessions",
        "Per day, every funnel step counts at most all sessions, and abandoned carts at most cart sessions "
        "(steps are not nested, so they need not decrease from one to the next).",
        f"SELECT date, sessions, {', '.join(FUNNEL_STEPS)}, abandoned_cart_sessions "
        "FROM gold.daily_funnel_summary "
        f"WHERE greatest({', '.join(FUNNEL_STEPS)}) > sessions OR abandoned_cart_sessions > cart_sessions",
    ),
    bounded(
        "gold.daily_funnel_summary",
        "rates_are_percentages",
        ["product_view_rate", "cart_rate", "checkout_rate", "order_rate", "cart_abandonment_rate"],
        ["date"],
        low=0,
        high=100,
    ),
)
