"""Silver facts (Kimball): fact_sales and fact_user_activity, daily, with the checks that guard them."""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import WARN, Claim, claim_checks, matches_per_day, unique_key
from ecom_assets.silver.dimensions import DIM_PRODUCT, SILVER
from ecom_assets.sql_asset import sql_asset

LOOKBACK_DAYS = 60  # a return refers to an order placed at most 60 days before it (landing contract)
# Valid orders: order_status is not `cancelled` (a NULL status is not cancelled, so it counts).


def silver_key(name: str) -> dg.AssetKey:
    return dg.AssetKey([SILVER, name])


def look_back(name: str, days: int) -> dg.AssetDep:
    """A dependency on the day's partition of ``silver.<name>`` and the ``days`` before it."""
    mapping = dg.TimeWindowPartitionMapping(start_offset=-days, end_offset=0)
    return dg.AssetDep(silver_key(name), partition_mapping=mapping)


FACT_SALES = silver_key("fact_sales")
FACT_USER_ACTIVITY = silver_key("fact_user_activity")


# --- fact_sales -------------------------------------------------------------------------------------
FACT_SALES_SQL = f"""
WITH orders AS (  -- one row per (day, order_id); days back to the oldest order a return may refer to
    SELECT date, order_id, session_id, payment_method, order_status
    FROM silver.orders
    WHERE date >= $start - INTERVAL {LOOKBACK_DAYS} DAY AND date < $end
    QUALIFY row_number() OVER (PARTITION BY date, order_id ORDER BY time, _row_number) = 1
),
products AS (
    SELECT date, product_name, product_id, unit_cost
    FROM silver.dim_product
    WHERE date >= $start AND date < $end
    QUALIFY row_number() OVER (PARTITION BY date, product_name ORDER BY product_id) = 1
),
sales AS (
    SELECT li.date, li.event_id AS sale_id, li.order_id, li.user_id, o.session_id, li.product_name,
        li.product_qty AS quantity, li.product_price AS unit_price,
        li.product_price * li.product_qty AS total_amount, 'sale' AS line_type, o.payment_method
    FROM silver.order_line_items AS li
    JOIN orders AS o ON o.order_id = li.order_id AND o.date = li.date
    WHERE li.date >= $start AND li.date < $end AND o.{VALID}
),
returns AS (
    SELECT r.date, r.event_id AS sale_id, r.order_id, r.user_id, o.session_id, r.product_name,
        -r.product_qty AS quantity, r.refund_amount / nullif(r.product_qty, 0) AS unit_price,
        -r.refund_amount AS total_amount, 'return' AS line_type, o.payment_method
    FROM silver.returns AS r
    LEFT JOIN orders AS o
        ON o.order_id = r.order_id AND o.date BETWEEN r.date - INTERVAL {LOOKBACK_DAYS} DAY AND r.date
    WHERE r.date >= $start AND r.date < $end
    QUALIFY row_number() OVER (PARTITION BY r.date, r.event_id ORDER BY o.date DESC NULLS LAST) = 1
),
lines AS (SELECT * FROM sales UNION ALL BY NAME SELECT * FROM returns),
sessions AS (  -- one day more: an order's session may have started before midnight
    SELECT session_id, channel
    FROM silver.sessions
    WHERE date >= $start - INTERVAL {LOOKBACK_DAYS + 1} DAY AND date < $end
        AND session_id IN (SELECT session_id FROM lines)
    QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY date DESC, _row_number) = 1
)
SELECT
    CAST(l.date AS DATE) AS date,
    CAST(l.sale_id AS VARCHAR) AS sale_id,
    CAST(l.order_id AS VARCHAR) AS order_id,
    CAST(l.user_id AS VARCHAR) AS user_id,
    CAST(l.session_id AS VARCHAR) AS session_id,
    CAST(p.product_id AS VARCHAR) AS product_id,
    CAST(l.product_name AS VARCHAR) AS product_name,
    CAST(l.quantity AS BIGINT) AS quantity,
    CAST(l.unit_price AS DECIMAL(18,4)) AS unit_price,
    CAST(l.total_amount AS DECIMAL(18,4)) AS total_amount,
    CAST(p.unit_cost AS DECIMAL(18,4)) AS unit_cost,
    CAST(l.line_type AS VARCHAR) AS line_type,
    CAST(s.channel AS VARCHAR) AS channel,
    CAST(l.payment_method AS VARCHAR) AS payment_method
FROM lines AS l
LEFT JOIN sessions AS s ON s.session_id = l.session_id
LEFT JOIN products AS p ON p.date = l.date AND p.product_name = l.product_name
ORDER BY date, line_type DESC, sale_id
"""

fact_sales = sql_asset(
    layer=SILVER,
    name="fact_sales",
    sql=FACT_SALES_SQL,
    deps=[
        silver_key("order_line_items"),
        silver_key("returns"),
        look_back("orders", LOOKBACK_DAYS),
        look_back("sessions", LOOKBACK_DAYS + 1),
        DIM_PRODUCT,
    ],
    group=SILVER,
    kpis={  # 0 on a day without sales or returns, so the plots have no gaps
        "gross_sales": "coalesce(SUM(total_amount) FILTER (WHERE line_type = 'sale'), 0)",
        "returns_amount": "coalesce(-SUM(total_amount) FILTER (WHERE line_type = 'return'), 0)",
        "units_sold": "coalesce(SUM(quantity) FILTER (WHERE line_type = 'sale'), 0)",
        "units_returned": "coalesce(-SUM(quantity) FILTER (WHERE line_type = 'return'), 0)",
    },
)


# --- fact_user_activity -----------------------------------------------------------------------------
EVENT_TABLES = {"pageview": "pageviews", "click": "clicks", "scroll": "scrolls", "add_to_cart": "add_to_cart"}
SESSION_LOOKBACK_DAYS = 1  # an event just after midnight may belong to a session started the day before

_EVENTS = "\n    UNION ALL\n".join(
    f"    SELECT date, event_id, '{event_type}' AS event_type, user_id, session_id, path, time, "
    f"{'product_name' if table == 'add_to_cart' else 'NULL AS product_name'}\n"
    f"    FROM silver.{table} WHERE date >= $start AND date < $end"
    for event_type, table in EVENT_TABLES.items()
)

FACT_USER_ACTIVITY_SQL = f"""
WITH events AS (
{_EVENTS}
),
sessions AS (
    SELECT session_id, device_type
    FROM silver.sessions
    WHERE date >= $start - INTERVAL {SESSION_LOOKBACK_DAYS} DAY AND date < $end
    QUALIFY row_number() OVER (PARTITION BY session_id ORDER BY date DESC, _row_number) = 1
),
products AS (
    SELECT date, product_name, product_id
    FROM silver.dim_product
    WHERE date >= $start AND date < $end
    QUALIFY row_number() OVER (PARTITION BY date, product_name ORDER BY product_id) = 1
)
SELECT
    CAST(e.date AS DATE) AS date,
    CAST(e.event_id AS VARCHAR) AS event_id,
    CAST(e.event_type AS VARCHAR) AS event_type,
    CAST(e.user_id AS VARCHAR) AS user_id,
    CAST(e.session_id AS VARCHAR) AS session_id,
    CAST(coalesce(p.product_id, nullif(regexp_extract(e.path, '^/product/([^/?#]+)', 1), ''))
        AS VARCHAR) AS product_id,
    CAST(e.path AS VARCHAR) AS page_url,
    CAST(s.device_type AS VARCHAR) AS device_type,
    CAST(e.time AS TIMESTAMP) AS event_time,
    CAST(CASE WHEN e.session_id IS NOT NULL
        THEN date_diff('microsecond', e.time, lead(e.time) OVER next_event) / 1e6
    END AS DOUBLE) AS time_spent_seconds
FROM events AS e
LEFT JOIN sessions AS s ON s.session_id = e.session_id
LEFT JOIN products AS p ON p.date = e.date AND p.product_name = e.product_name
WINDOW next_event AS (PARTITION BY e.date, e.session_id ORDER BY e.time, e.event_id, e.event_type)
ORDER BY date, session_id, event_time, event_id, event_type
"""

fact_user_activity = sql_asset(
    layer=SILVER,
    name="fact_user_activity",
    sql=FACT_USER_ACTIVITY_SQL,
    deps=[
        *(silver_key(table) for table in EVENT_TABLES.values()),
        look_back("sessions", SESSION_LOOKBACK_DAYS),
        DIM_PRODUCT,
    ],
    group=SILVER,
    kpis={
        "events": "count(*)",
        "sessions": "count(DISTINCT session_id)",
        "product_events": "count(product_id)",
    },
)


# --- checks -----------------------------------------------------------------------------------------
# Revenue of the valid orders' line items (price × qty) per day: what the sale rows reconcile to.
VALID_LINE_ITEM_REVENUE = f"""
    SELECT li.date, SUM(li.product_price * li.product_qty) AS value
    FROM silver.order_line_items AS li
    WHERE EXISTS (SELECT 1 FROM silver.orders AS o
                  WHERE o.order_id = li.order_id AND o.date = li.date AND o.{VALID})
    GROUP BY li.date"""

SALE_ID_IS_UNIQUE = unique_key(
    "silver.fact_sales",
    "fact_sales_sale_id_is_unique",
    ["sale_id"],
    not_null=["sale_id"],
    description="Every sale_id of fact_sales (all days) appears once and is not NULL.",
)
REVENUE_MATCHES_VALID_LINE_ITEMS = matches_per_day(
    "silver.fact_sales",
    "fact_sales_revenue_matches_valid_line_items",
    "For every day in fact_sales, SUM(total_amount) of its sale rows equals SUM(product_price × "
    "product_qty) of the day's line items of valid (not cancelled) orders.",
    "SELECT date, coalesce(SUM(total_amount) FILTER (WHERE line_type = 'sale'), 0) AS value "
    "FROM silver.fact_sales GROUP BY date",
    VALID_LINE_ITEM_REVENUE,
    ("fact_sales", "line_items"),
    blocking=True,
)
RETURNS_FIND_THEIR_ORDER = Claim(
    "silver.fact_sales",
    "fact_sales_returns_find_their_order",
    f"Every return row finds its order in silver.orders of the {LOOKBACK_DAYS} days before it "
    "(warns; such rows are kept with NULL session, channel and payment method).",
    f"""SELECT f.date, f.sale_id, f.order_id FROM silver.fact_sales AS f
    WHERE f.line_type = 'return' AND NOT EXISTS (
        SELECT 1 FROM silver.orders AS o
        WHERE o.order_id = f.order_id AND o.date BETWEEN f.date - INTERVAL {LOOKBACK_DAYS} DAY AND f.date
    )""",
    severity=WARN,
)
EVENT_ID_IS_UNIQUE = unique_key(
    "silver.fact_user_activity",
    "fact_user_activity_event_id_is_unique",
    ["event_id"],
    not_null=["event_id"],
    description="Every event_id of fact_user_activity (all days) appears once and is not NULL.",
)

assets: list = [fact_sales, fact_user_activity]
asset_checks: list = claim_checks(
    SALE_ID_IS_UNIQUE, REVENUE_MATCHES_VALID_LINE_ITEMS, RETURNS_FIND_THEIR_ORDER, EVENT_ID_IS_UNIQUE
)
