"""gold.page_engagement_metrics: each page path's day of views, scroll depth, clicks, entrances and
bounces."""

import dagster as dg

from ecom_assets.checks import bounded, claim_checks
from ecom_assets.gold.common import matches_silver_rows, pct
from ecom_assets.sql_asset import sql_asset

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

asset = sql_asset(
    layer="gold",
    name="page_engagement_metrics",
    sql=PAGE_ENGAGEMENT_METRICS_SQL,
    deps=[dg.AssetKey(["silver", n]) for n in ("pageviews", "scrolls", "clicks")],
    group="engagement",
    kpis={"pageviews": "SUM(pageviews)", "bounce_rate": pct("SUM(bounces)", "SUM(entrances)")},
)

asset_checks = claim_checks(
    bounded(
        "gold.page_engagement_metrics",
        "rates_are_percentages",
        ["bounce_rate", "avg_scroll_depth"],
        ["date", "page_path"],
        low=0,
        high=100,
    ),
    matches_silver_rows("page_engagement_metrics", "pageviews", "pageviews"),
    matches_silver_rows("page_engagement_metrics", "total_clicks", "clicks"),
)
