"""Silver dimensions (Kimball): dim_date, dim_product (daily snapshot), dim_customer (SCD type 2).

Each dimension is one DuckDB query built with ``sql_asset``; the claims that guard them sit below.
"""

import dagster as dg

from ecom_assets.checks import Claim, claim_checks, unique_key
from ecom_assets.partitions import DAILY, TIMEZONE
from ecom_assets.sql_asset import sql_asset

SILVER = "silver"
USERS = dg.AssetKey([SILVER, "users"])
PRODUCTS = dg.AssetKey([SILVER, "products"])
DIM_PRODUCT = dg.AssetKey([SILVER, "dim_product"])
DIM_CUSTOMER = dg.AssetKey([SILVER, "dim_customer"])

# --- automation -------------------------------------------------------------------------------------
# Plain eager() waits until *every* upstream daily partition exists (any_deps_missing looks at all of
# them for an unpartitioned child), so one never-loaded day since ECOM_START_DATE would stop the refresh
# forever. The dimensions refresh on any upstream update, without waiting for the history to be complete.
REFRESH_ON_UPSTREAM = dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())
# dim_date has no upstream: build it while missing (eager() would not: it only reacts to becoming missing
# after the condition exists), unless its last run failed, and again each midnight of the shop's time
# zone, when a new day partition appears.
_MISSING = dg.AutomationCondition.missing() & ~dg.AutomationCondition.in_progress()
REFRESH_DAILY = (_MISSING & ~dg.AutomationCondition.execution_failed()).with_label("missing") | (
    dg.AutomationCondition.on_cron("0 0 * * *", TIMEZONE)
)


# --- dim_date ---------------------------------------------------------------------------------------
SHOP_TODAY = f"CAST(timezone('{TIMEZONE}', current_timestamp) AS DATE)"


def dim_date_sql(first: str, end: str) -> str:
    """The dim_date query for days in [first, end) (both DuckDB DATE expressions)."""
    return f"""
WITH days AS (SELECT CAST(range AS DATE) AS date FROM range({first}, {end}, INTERVAL 1 DAY))
SELECT
    date,
    CAST(year(date) AS INTEGER) AS year,
    CAST(quarter(date) AS INTEGER) AS quarter,
    CAST(month(date) AS INTEGER) AS month,
    CAST(monthname(date) AS VARCHAR) AS month_name,
    CAST(week(date) AS INTEGER) AS iso_week,
    CAST(isodow(date) AS INTEGER) AS day_of_week,
    CAST(dayname(date) AS VARCHAR) AS day_name,
    CAST(isodow(date) IN (6, 7) AS BOOLEAN) AS is_weekend
FROM days
ORDER BY date
"""


# DuckDB generates the days at materialization time: the first DAILY partition up to yesterday (shop
# time), which is DAILY's last partition (a day's partition exists once the day has ended).
DIM_DATE_SQL = dim_date_sql(f"DATE '{DAILY.get_first_partition_key()}'", SHOP_TODAY)

dim_date = sql_asset(
    layer=SILVER,
    name="dim_date",
    sql=DIM_DATE_SQL,
    deps=[],
    group=SILVER,
    cadence="full",
    partitions_def=None,
    partition_expr=None,
    automation_condition=REFRESH_DAILY,
)


# --- dim_product ------------------------------------------------------------------------------------
LOW_STOCK_MAX = 10

DIM_PRODUCT_SQL = f"""
SELECT
    CAST(date AS DATE) AS date,
    CAST(product_id AS VARCHAR) AS product_id,
    CAST(product_name AS VARCHAR) AS product_name,
    CAST(category AS VARCHAR) AS category,
    CAST(subcategory AS VARCHAR) AS subcategory,
    CAST(unit_cost AS DECIMAL(18,4)) AS unit_cost,
    CAST(list_price AS DECIMAL(18,4)) AS list_price,
    CAST(stock_qty AS BIGINT) AS stock_qty,
    CAST(CASE
        WHEN stock_qty IS NULL THEN NULL
        WHEN stock_qty = 0 THEN 'out_of_stock'
        WHEN stock_qty <= {LOW_STOCK_MAX} THEN 'low_stock'
        ELSE 'in_stock'
    END AS VARCHAR) AS inventory_status
FROM silver.products
WHERE date >= $start AND date < $end
"""

dim_product = sql_asset(
    layer=SILVER,
    name="dim_product",
    sql=DIM_PRODUCT_SQL,
    deps=[PRODUCTS],
    group=SILVER,
    kpis={
        "products": "count(*)",
        "out_of_stock_products": "count(*) FILTER (WHERE inventory_status = 'out_of_stock')",
        "low_stock_products": "count(*) FILTER (WHERE inventory_status = 'low_stock')",
    },
)


# --- dim_customer -----------------------------------------------------------------------------------
# Optional landing columns (registration_date, email_verified, customer_tier) may be absent from a day's
# file, which silver cannot tell apart from an empty field: NULL there means "not sent", so the last known
# value is carried forward. The required columns are taken as sent.
DIM_CUSTOMER_SQL = """
WITH states AS (
    SELECT
        user_id,
        date AS valid_from,
        has_purchase_last_year,
        has_purchase_last_qtr,
        last_value(registration_date IGNORE NULLS) OVER history AS registration_date,
        last_value(email_verified IGNORE NULLS) OVER history AS email_verified,
        last_value(customer_tier IGNORE NULLS) OVER history AS customer_tier
    FROM silver.users
    WHERE user_id IS NOT NULL
    WINDOW history AS (PARTITION BY user_id ORDER BY date, _row_number
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
changes AS (
    SELECT *,
        (has_purchase_last_year, has_purchase_last_qtr, registration_date, email_verified, customer_tier)
            IS DISTINCT FROM lag((has_purchase_last_year, has_purchase_last_qtr, registration_date,
                                  email_verified, customer_tier)) OVER by_user
            OR row_number() OVER by_user = 1 AS is_new_version
    FROM states
    WINDOW by_user AS (PARTITION BY user_id ORDER BY valid_from)
),
versions AS (SELECT * FROM changes WHERE is_new_version)
SELECT
    CAST(user_id AS VARCHAR) AS user_id,
    CAST(has_purchase_last_year AS BOOLEAN) AS has_purchase_last_year,
    CAST(has_purchase_last_qtr AS BOOLEAN) AS has_purchase_last_qtr,
    CAST(registration_date AS DATE) AS registration_date,
    CAST(email_verified AS BOOLEAN) AS email_verified,
    CAST(customer_tier AS VARCHAR) AS customer_tier,
    CAST(valid_from AS DATE) AS valid_from,
    CAST(lead(valid_from) OVER (PARTITION BY user_id ORDER BY valid_from) AS DATE) AS valid_to,
    CAST(lead(valid_from) OVER (PARTITION BY user_id ORDER BY valid_from) IS NULL AS BOOLEAN) AS is_current
FROM versions
ORDER BY user_id, valid_from
"""

dim_customer = sql_asset(
    layer=SILVER,
    name="dim_customer",
    sql=DIM_CUSTOMER_SQL,
    deps=[USERS],
    group=SILVER,
    cadence="full",
    partitions_def=None,
    partition_expr=None,
    kpis={"customers": "count(*) FILTER (WHERE is_current)", "versions": "count(*)"},
    automation_condition=REFRESH_ON_UPSTREAM,
)


# --- checks -----------------------------------------------------------------------------------------
DIM_PRODUCT_KEY_IS_UNIQUE = unique_key(
    "silver.dim_product",
    "dim_product_key_is_unique",
    ["date", "product_id"],
    not_null=["product_id"],
    description="Every (date, product_id) of dim_product appears once, with a product_id.",
)
ONE_CURRENT_VERSION_PER_USER = Claim(
    "silver.dim_customer",
    "dim_customer_has_one_current_version_per_user",
    "Every user of dim_customer has exactly one version with is_current.",
    """SELECT user_id, count(*) FILTER (WHERE is_current) AS current_versions FROM silver.dim_customer
    GROUP BY user_id HAVING count(*) FILTER (WHERE is_current) <> 1""",
    blocking=True,
)
VERSIONS_DO_NOT_OVERLAP = Claim(
    "silver.dim_customer",
    "dim_customer_versions_do_not_overlap",
    "A user's versions do not overlap: each ends (valid_to) no later than the next one starts, "
    "after it starts itself, and only the last one is open.",
    """SELECT user_id, valid_from, valid_to, next_valid_from FROM (
        SELECT user_id, valid_from, valid_to,
            lead(valid_from) OVER (PARTITION BY user_id ORDER BY valid_from) AS next_valid_from
        FROM silver.dim_customer
    )
    WHERE valid_to <= valid_from
       OR (next_valid_from IS NOT NULL AND (valid_to IS NULL OR valid_to > next_valid_from))""",
    blocking=True,
)

assets: list = [dim_date, dim_product, dim_customer]
asset_checks: list = claim_checks(
    DIM_PRODUCT_KEY_IS_UNIQUE, ONE_CURRENT_VERSION_PER_USER, VERSIONS_DO_NOT_OVERLAP
)
