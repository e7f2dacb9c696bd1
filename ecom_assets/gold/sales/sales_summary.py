"""gold.sales_summary: the day's line-item sales net of the returns booked on it."""

import dagster as dg

from ecom_assets.checks import bounded, claim_checks, matches_per_day
from ecom_assets.gold.common import days, pct
from ecom_assets.silver.facts import VALID_LINE_ITEM_REVENUE
from ecom_assets.sql_asset import sql_asset

SALES_SUMMARY = f"""
WITH sales AS (
    SELECT date, SUM(total_amount) AS gross, SUM(quantity) AS units
    FROM silver.fact_sales
    WHERE date >= $start AND date < $end AND line_type = 'sale'
    GROUP BY date
), returns AS (
    SELECT date, SUM(refund_amount) AS refunded, SUM(product_qty) AS units
    FROM silver.returns
    WHERE date >= $start AND date < $end
    GROUP BY date
)
SELECT d.date,
       CAST(coalesce(s.gross, 0) AS DECIMAL(18,4)) AS gross_revenue,
       CAST(coalesce(r.refunded, 0) AS DECIMAL(18,4)) AS returns_amount,
       CAST(coalesce(s.gross, 0) - coalesce(r.refunded, 0) AS DECIMAL(18,4)) AS net_revenue,
       CAST(coalesce(s.units, 0) AS BIGINT) AS units_sold,
       CAST(coalesce(r.units, 0) AS BIGINT) AS units_returned,
       {pct("coalesce(r.units, 0)", "s.units")} AS return_rate
FROM ({days()}) AS d LEFT JOIN sales AS s USING (date) LEFT JOIN returns AS r USING (date)
ORDER BY d.date
"""

asset = sql_asset(
    layer="gold",
    name="sales_summary",
    sql=SALES_SUMMARY,
    deps=[dg.AssetKey(["silver", "fact_sales"]), dg.AssetKey(["silver", "returns"])],
    group="sales",
    kpis={
        "net_revenue": "SUM(net_revenue)",
        "return_rate": "100.0 * SUM(units_returned) / NULLIF(SUM(units_sold), 0)",
    },
)

asset_checks = claim_checks(
    matches_per_day(
        "gold.sales_summary",
        "gross_revenue_matches_valid_line_items",
        "Per day, gross_revenue equals SUM(product_price × product_qty) of the valid orders' line items.",
        "SELECT date, gross_revenue AS value FROM gold.sales_summary",
        VALID_LINE_ITEM_REVENUE,
        ("gross_revenue", "line_item_revenue"),
    ),
    bounded(
        "gold.sales_summary",
        "amounts_are_not_negative",
        ["gross_revenue", "returns_amount", "units_sold", "units_returned"],
        ["date"],
    ),
)
