"""gold.regional_sales: the day's valid orders by the country and region of their session."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import bounded, claim_checks
from ecom_assets.gold.common import matches_daily_business_metrics, ratio
from ecom_assets.sql_asset import sql_asset

REGIONAL_SALES = f"""
SELECT o.date, s.country, s.region,
       CAST(COUNT(DISTINCT o.order_id) AS BIGINT) AS orders,
       CAST(SUM(o.total_price) AS DECIMAL(18,4)) AS revenue,
       CAST(COUNT(DISTINCT o.user_id) AS BIGINT) AS customers,
       {ratio("SUM(o.total_price)", "COUNT(DISTINCT o.order_id)")} AS avg_order_value
FROM silver.orders AS o
LEFT JOIN silver.sessions AS s ON s.session_id = o.session_id AND s.date = o.date
WHERE o.date >= $start AND o.date < $end AND o.{VALID}
GROUP BY ALL
ORDER BY ALL
"""

asset = sql_asset(
    layer="gold",
    name="regional_sales",
    sql=REGIONAL_SALES,
    deps=[dg.AssetKey(["silver", "orders"]), dg.AssetKey(["silver", "sessions"])],
    group="sales",
    kpis={"total_revenue": "SUM(revenue)", "regions": "COUNT(*)"},
)

asset_checks = claim_checks(
    matches_daily_business_metrics(
        "gold.regional_sales",
        "revenue_matches_daily_business_metrics",
        "Per day, the regions' revenue sums to daily_business_metrics.total_revenue.",
        "SELECT date, SUM(revenue) AS value FROM gold.regional_sales GROUP BY date",
        "total_revenue",
        "regional_revenue",
    ),
    bounded("gold.regional_sales", "revenue_is_not_negative", ["revenue"], ["date", "country", "region"]),
)
