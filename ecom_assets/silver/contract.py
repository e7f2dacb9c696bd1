"""The columns of every silver table: what silver writes and what gold reads.

The typed tables derive from the landing schema (``ecom_assets.schema``); the
quarantine, dimensions and facts are listed here. Every daily silver table has a
``date`` column (the partition: the drop date, which is also the event day since
late events are quarantined).
"""

from __future__ import annotations

import duckdb

from ecom_assets.schema import DUCKDB_TYPES, QUARANTINE_REASONS, TABLES, Table  # noqa: F401 (re-exported)

LINEAGE = (("_drop_date", "DATE"), ("_source_file", "VARCHAR"), ("_row_number", "BIGINT"))


def typed_columns(table: Table) -> list[tuple[str, str]]:
    """Columns of ``silver.<table>``: date, the contract columns typed, derived columns, lineage."""
    columns: list[tuple[str, str]] = [("date", "DATE")]
    for col in table.columns:
        if col.name == "date":
            continue  # campaign_spend/weather: their own date is the partition (must equal the drop date)
        if table.name == "sessions" and col.name == "ip":
            columns.append(("ip_prefix", "VARCHAR"))  # privacy: the full IP never reaches silver
        else:
            columns.append((col.name, DUCKDB_TYPES[col.type]))
    if table.name == "sessions":
        columns.append(("channel", "VARCHAR"))
    return columns + list(LINEAGE)


QUARANTINE = [
    ("date", "DATE"),
    ("source_table", "VARCHAR"),
    ("_drop_date", "DATE"),
    ("_row_number", "BIGINT"),
    ("reason", "VARCHAR"),
    ("detail", "VARCHAR"),
    ("raw", "VARCHAR"),
]
MONEY = DUCKDB_TYPES["decimal"]
DIMS_AND_FACTS: dict[str, list[tuple[str, str]]] = {
    "dim_date": [
        ("date", "DATE"),
        ("year", "INTEGER"),
        ("quarter", "INTEGER"),
        ("month", "INTEGER"),
        ("month_name", "VARCHAR"),
        ("iso_week", "INTEGER"),
        ("day_of_week", "INTEGER"),  # ISO: 1 = Monday … 7 = Sunday
        ("day_name", "VARCHAR"),
        ("is_weekend", "BOOLEAN"),
    ],
    "dim_product": [
        ("date", "DATE"),
        ("product_id", "VARCHAR"),
        ("product_name", "VARCHAR"),
        ("category", "VARCHAR"),
        ("subcategory", "VARCHAR"),
        ("unit_cost", MONEY),
        ("list_price", MONEY),
        ("stock_qty", "BIGINT"),
        ("inventory_status", "VARCHAR"),
    ],
    "dim_customer": [
        ("user_id", "VARCHAR"),
        ("has_purchase_last_year", "BOOLEAN"),
        ("has_purchase_last_qtr", "BOOLEAN"),
        ("registration_date", "DATE"),
        ("email_verified", "BOOLEAN"),
        ("customer_tier", "VARCHAR"),
        ("valid_from", "DATE"),
        ("valid_to", "DATE"),
        ("is_current", "BOOLEAN"),
    ],
    "fact_sales": [
        ("date", "DATE"),
        ("sale_id", "VARCHAR"),  # the line item's or the return's event_id
        ("order_id", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("session_id", "VARCHAR"),
        ("product_id", "VARCHAR"),
        ("product_name", "VARCHAR"),
        ("quantity", "BIGINT"),  # negative for returns
        ("unit_price", MONEY),
        ("total_amount", MONEY),  # quantity × unit_price; a return's is −refund_amount
        ("unit_cost", MONEY),
        ("line_type", "VARCHAR"),  # sale | return
        ("channel", "VARCHAR"),
        ("payment_method", "VARCHAR"),
    ],
    "fact_user_activity": [
        ("date", "DATE"),
        ("event_id", "VARCHAR"),
        ("event_type", "VARCHAR"),  # pageview | click | scroll | add_to_cart
        ("user_id", "VARCHAR"),
        ("session_id", "VARCHAR"),
        ("product_id", "VARCHAR"),
        ("page_url", "VARCHAR"),
        ("device_type", "VARCHAR"),
        ("event_time", "TIMESTAMP"),
        ("time_spent_seconds", "DOUBLE"),
    ],
}


def silver_columns() -> dict[str, list[tuple[str, str]]]:
    """Every silver table name → its (column, DuckDB type) list."""
    tables = {t.name: typed_columns(t) for t in TABLES}
    return {**tables, "quarantine": QUARANTINE, **DIMS_AND_FACTS}


def create_silver_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create every silver table empty (for tests and tools that need the shape)."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS silver").fetchall()
    for name, columns in silver_columns().items():
        cols = ", ".join(f'"{c}" {t}' for c, t in columns)
        conn.execute(f"CREATE TABLE IF NOT EXISTS silver.{name} ({cols})").fetchall()
