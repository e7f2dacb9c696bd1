"""gold.click_heatmap: the day's clicks on each page element (path, target id, tag and text)."""

import dagster as dg

from ecom_assets.checks import claim_checks
from ecom_assets.gold.common import matches_silver_rows
from ecom_assets.sql_asset import sql_asset

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

asset = sql_asset(
    layer="gold",
    name="click_heatmap",
    sql=CLICK_HEATMAP_SQL,
    deps=[dg.AssetKey(["silver", "clicks"])],
    group="engagement",
    kpis={"clicks": "SUM(clicks)"},
)

asset_checks = claim_checks(matches_silver_rows("click_heatmap", "clicks", "clicks"))
