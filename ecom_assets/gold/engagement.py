"""Gold tables of the engagement domain: the session funnel, its daily summary and page behaviour.

Paths are the silver `path` values as they are; events without a path are grouped under a NULL
path, so page and click totals reconcile with silver.
"""

import dagster as dg

from ecom_assets.checks import Claim, bounded, claim_checks, matches_per_day
from ecom_assets.gold.common import SESSION_COLUMNS, days, gold_key, pct, session_orders
from ecom_assets.sql_asset import sql_asset

GROUP = "engagement"
SILVER = {name: dg.AssetKey(["silver", name])
          for name in ("sessions", "pageviews", "add_to_cart", "orders", "scrolls", "clicks")}

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

PAGE_ENGAGEMENT_METRICS_SQL = f"""
WITH pageviews AS (
    SELECT date, event_id, user_id, session_id, time, path
    FROM silver.pageviews
    WHERE date >= $start AND date < $end
), views AS (
    SELECT date, path,
           count(*) AS pageviews,
           count(DISTINCT user_id) AS unique_users,
           count(DISTINCT session_id) AS sessions_with_this_page
    FROM pageviews
    GROUP BY date, path
), visits AS (  -- each session's first pageview of the day (by time, ties by event_id)
    SELECT date, session_id, first(path ORDER BY time, event_id) AS entry_path, count(*) AS session_pageviews
    FROM pageviews
    WHERE session_id IS NOT NULL
    GROUP BY date, session_id
), entries AS (
    SELECT date, entry_path AS path,
           count(*) AS entrances,
           count(*) FILTER (WHERE session_pageviews = 1) AS bounces
    FROM visits
    GROUP BY date, entry_path
), scrolls AS (
    SELECT date, path, avg(scroll_percent) AS avg_scroll_depth
    FROM silver.scrolls
    WHERE date >= $start AND date < $end
    GROUP BY date, path
), clicks AS (
    SELECT date, path, count(*) AS total_clicks
    FROM silver.clicks
    WHERE date >= $start AND date < $end
    GROUP BY date, path
), pages AS (
    SELECT date, path FROM views UNION SELECT date, path FROM scrolls UNION SELECT date, path FROM clicks
)
SELECT
    CAST(p.date AS DATE) AS date,
    CAST(p.path AS VARCHAR) AS page_path,
    CAST(coalesce(v.pageviews, 0) AS BIGINT) AS pageviews,
    CAST(coalesce(v.unique_users, 0) AS BIGINT) AS unique_users,
    CAST(coalesce(v.sessions_with_this_page, 0) AS BIGINT) AS sessions_with_this_page,
    CAST(sc.avg_scroll_depth AS DOUBLE) AS avg_scroll_depth,
    CAST(coalesce(c.total_clicks, 0) AS BIGINT) AS total_clicks,
    CAST(coalesce(e.entrances, 0) AS BIGINT) AS entrances,
    CAST(coalesce(e.bounces, 0) AS BIGINT) AS bounces,
    {pct("e.bounces", "e.entrances")} AS bounce_rate
FROM pages AS p
LEFT JOIN views AS v ON v.date = p.date AND v.path IS NOT DISTINCT FROM p.path
LEFT JOIN entries AS e ON e.date = p.date AND e.path IS NOT DISTINCT FROM p.path
LEFT JOIN scrolls AS sc ON sc.date = p.date AND sc.path IS NOT DISTINCT FROM p.path
LEFT JOIN clicks AS c ON c.date = p.date AND c.path IS NOT DISTINCT FROM p.path
"""

CLICK_HEATMAP_SQL = """
SELECT
    CAST(date AS DATE) AS date,
    CAST(path AS VARCHAR) AS path,
    CAST(target_id AS VARCHAR) AS target_id,
    CAST(target_tag AS VARCHAR) AS target_tag,
    CAST(target_text AS VARCHAR) AS target_text,
    CAST(count(*) AS BIGINT) AS clicks,
    CAST(count(DISTINCT user_id) AS BIGINT) AS unique_users,
    CAST(count(DISTINCT session_id) AS BIGINT) AS sessions
FROM silver.clicks
WHERE date >= $start AND date < $end
GROUP BY date, path, target_id, target_tag, target_text
"""

session_funnel = sql_asset(
    layer="gold",
    name="session_funnel",
    sql=SESSION_FUNNEL_SQL,
    deps=[SILVER[n] for n in ("sessions", "pageviews", "add_to_cart", "orders")],
    group=GROUP,
    kpis={"sessions": "COUNT(*)", "converted_sessions": "COUNT(*) FILTER (WHERE had_order)"},
)

daily_funnel_summary = sql_asset(
    layer="gold",
    name="daily_funnel_summary",
    sql=DAILY_FUNNEL_SUMMARY_SQL,
    deps=[gold_key("session_funnel")],
    group=GROUP,
    kpis={"sessions": "SUM(sessions)",
          "order_rate": pct("SUM(order_sessions)", "SUM(sessions)"),
          "cart_abandonment_rate": pct("SUM(abandoned_cart_sessions)", "SUM(cart_sessions)")},
)

page_engagement_metrics = sql_asset(
    layer="gold",
    name="page_engagement_metrics",
    sql=PAGE_ENGAGEMENT_METRICS_SQL,
    deps=[SILVER[n] for n in ("pageviews", "scrolls", "clicks")],
    group=GROUP,
    kpis={"pageviews": "SUM(pageviews)", "bounce_rate": pct("SUM(bounces)", "SUM(entrances)")},
)

click_heatmap = sql_asset(
    layer="gold",
    name="click_heatmap",
    sql=CLICK_HEATMAP_SQL,
    deps=[SILVER["clicks"]],
    group=GROUP,
    kpis={"clicks": "SUM(clicks)"},
)

assets = [session_funnel, daily_funnel_summary, page_engagement_metrics, click_heatmap]

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

FUNNEL_STEPS = ("product_view_sessions", "cart_sessions", "checkout_sessions", "order_sessions")

asset_checks = claim_checks(
    Claim(
        "gold.session_funnel",
        "session_counts_agree_across_gold",
        "Per day, session_funnel, silver.sessions, session_attribution and "
        "daily_business_metrics.total_sessions count the same sessions (a day missing in one shows NULL).",
        SESSION_COUNTS_SQL,
        reads=["gold.session_attribution", "gold.daily_business_metrics"],
    ),
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
    bounded(
        "gold.page_engagement_metrics",
        "rates_are_percentages",
        ["bounce_rate", "avg_scroll_depth"],
        ["date", "page_path"],
        low=0,
        high=100,
    ),
    *(
        matches_per_day(
            f"gold.{asset}",
            f"{column}_match_silver_{table}",
            f"Per day, the sum of {column} equals the number of rows of silver.{table}.",
            f"SELECT date, sum({column}) AS value FROM gold.{asset} GROUP BY date",
            f"SELECT date, count(*) AS value FROM silver.{table} GROUP BY date",
            (f"gold_{column}", f"silver_{table}"),
        )
        for asset, column, table in (
            ("page_engagement_metrics", "pageviews", "pageviews"),
            ("page_engagement_metrics", "total_clicks", "clicks"),
            ("click_heatmap", "clicks", "clicks"),
        )
    ),
)
