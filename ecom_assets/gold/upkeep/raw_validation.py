"""gold.raw_validation: aggregated validated against raw. Each month, revenue, orders and sessions
recomputed per day from bronze (the raw text, typed on the fly) beside gold.daily_business_metrics,
and a check that fails with the days that differ and both numbers.

The recomputation shares no SQL with silver or gold: it reads bronze's text columns, trims, lower-cases
and casts them itself, places each row on its event day in the shop's time zone, and leaves out only the
rows that silver.quarantine lists (with their reason) for the same bronze line. A row of a drop up to 3
days after the month whose event falls in the month counts in the month (late and corrected data).
"""

import dagster as dg

from ecom_assets.checks import Claim, claim_checks
from ecom_assets.gold.periodic import period_asset
from ecom_assets.settings import shop_timezone

RESTATEMENT_DAYS = 3
TABLE = "gold.raw_validation"


def _raw(table: str, columns: str) -> str:
    """SQL of bronze.<table>'s rows of the month's drops (and the 3 after) that silver did not quarantine,
    with ``date`` = the event day of ``time`` in the shop's time zone and ``columns`` typed from text."""
    return f"""SELECT
           CAST(timezone('{shop_timezone()}', TRY_CAST(trim(b.time) AS TIMESTAMPTZ)) AS DATE) AS date,
           {columns}
    FROM bronze.{table} AS b
    WHERE b._drop_date >= $start AND b._drop_date < CAST($end AS DATE) + {RESTATEMENT_DAYS + 1}
      AND NOT EXISTS (SELECT 1 FROM silver.quarantine AS q
                      WHERE q.source_table = '{table}' AND q._drop_date = b._drop_date
                        AND q._row_number = b._row_number)"""


RAW_VALIDATION_SQL = f"""
WITH raw_orders AS (
    {
    _raw(
        "orders",
        "trim(b.order_id) AS order_id, TRY_CAST(trim(b.total_price) AS DECIMAL(18,4)) AS total_price, "
        "lower(trim(b.order_status)) AS order_status",
    )
}
), raw_sessions AS (
    {_raw("sessions", "trim(b.session_id) AS session_id")}
), orders AS (
    SELECT date, sum(total_price) AS revenue, count(DISTINCT order_id) AS orders
    FROM raw_orders WHERE order_status IS DISTINCT FROM 'cancelled' GROUP BY date
), sessions AS (
    SELECT date, count(DISTINCT session_id) AS sessions FROM raw_sessions GROUP BY date
), compared AS (
    SELECT d.date,
           coalesce(o.revenue, 0) AS raw_revenue, g.total_revenue AS gold_revenue,
           coalesce(o.orders, 0) AS raw_orders, g.total_orders AS gold_orders,
           coalesce(s.sessions, 0) AS raw_sessions, g.total_sessions AS gold_sessions
    FROM (  -- the month's days with a gold row or raw rows
        SELECT date FROM gold.daily_business_metrics WHERE date >= $start AND date < $end
        UNION SELECT date FROM orders WHERE date >= $start AND date < $end
        UNION SELECT date FROM sessions WHERE date >= $start AND date < $end
    ) AS d
    LEFT JOIN orders AS o USING (date)
    LEFT JOIN sessions AS s USING (date)
    LEFT JOIN gold.daily_business_metrics AS g USING (date)
)
SELECT
    CAST($start AS DATE) AS month,
    CAST(date AS DATE) AS date,
    CAST(raw_revenue AS DECIMAL(18,4)) AS raw_revenue,
    CAST(gold_revenue AS DECIMAL(18,4)) AS gold_revenue,
    CAST(raw_orders AS BIGINT) AS raw_orders,
    CAST(gold_orders AS BIGINT) AS gold_orders,
    CAST(raw_sessions AS BIGINT) AS raw_sessions,
    CAST(gold_sessions AS BIGINT) AS gold_sessions,
    CAST(raw_revenue = gold_revenue AND raw_orders = gold_orders AND raw_sessions = gold_sessions
         IS TRUE AS BOOLEAN) AS matches
FROM compared
ORDER BY date
"""

asset = period_asset(
    "monthly",
    "raw_validation",
    RAW_VALIDATION_SQL,
    [dg.AssetDep(dg.AssetKey(["bronze", t])) for t in ("orders", "sessions")]
    + [
        dg.AssetDep(dg.AssetKey(["silver", "quarantine"])),
        dg.AssetDep(dg.AssetKey(["gold", "daily_business_metrics"])),
    ],
    "upkeep",
    {
        "days_checked": "count(*)",
        "days_differing": "count(*) FILTER (WHERE NOT matches)",
        "raw_revenue": "SUM(raw_revenue)",
    },
)

asset_checks = claim_checks(
    Claim(
        TABLE,
        "gold_matches_raw",
        "Every day of every validated month: gold.daily_business_metrics' revenue, orders and sessions equal "
        "those recomputed from bronze. A failure lists the days with both numbers.",
        f"""SELECT date, raw_revenue, gold_revenue, raw_orders, gold_orders, raw_sessions, gold_sessions
        FROM {TABLE} WHERE NOT matches""",
        unit="day",
    ),
)
