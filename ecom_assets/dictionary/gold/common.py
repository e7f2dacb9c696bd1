"""Shorthands for the gold dictionary: a column's DuckDB type and unit by what it holds, the words
for the two kinds of revenue and of conversion rate, and the columns many gold tables share."""

from __future__ import annotations

from ecom_assets.dictionary.model import DAYS, MINUTES, MONEY, PCT, RATIO, UTC, Column, Table
from ecom_assets.schema import DUCKDB_TYPES

DECIMAL = DUCKDB_TYPES["decimal"]  # money summed from silver keeps silver's exact type


def text(description: str) -> Column:
    return Column(description, None, "VARCHAR")


def count(description: str) -> Column:
    return Column(description, None, "BIGINT")


def score(description: str) -> Column:
    return Column(description, None, "INTEGER")


def flag(description: str) -> Column:
    return Column(description, None, "BOOLEAN")


def day(description: str) -> Column:
    return Column(description, None, "DATE")


def money(description: str, type_: str = DECIMAL) -> Column:
    """An amount of money: exact DECIMAL when summed, DOUBLE when it is a mean or a share."""
    return Column(description, MONEY, type_)


def rate(description: str) -> Column:
    """A percentage, 0-100 (some can exceed 100; their description says so)."""
    return Column(description, PCT, "DOUBLE")


def ratio(description: str) -> Column:
    return Column(description, RATIO, "DOUBLE")


def number(description: str, unit: str | None = None) -> Column:
    return Column(description, unit, "DOUBLE")


def minutes(description: str) -> Column:
    return Column(description, MINUTES, "DOUBLE")


def days(description: str) -> Column:
    return Column(description, DAYS, "BIGINT")


def gold(name: str, grain: str, columns: dict[str, Column], summary: str = "") -> Table:
    return Table("gold", name, grain, columns, summary)


# The words every gold description uses for what it counts.
VALID = "valid orders (order_status is not `cancelled`; a NULL status counts as valid)"
ORDER_REVENUE = "order revenue: SUM(total_price) of valid orders, i.e. items − discount + shipping"
LINE_REVENUE = ("line-item revenue: SUM(product_price × product_qty) of the line items of valid orders, "
                "before order discounts and without shipping")
ORDERS_PER_SESSION = "orders per 100 sessions: valid orders / sessions × 100 (can exceed 100)"
CONVERTED_SHARE = "share of sessions that converted: sessions with a valid order / sessions × 100"

DATE = day("The day (shop time zone); the partition.")
AS_OF_DATE = day("The week's last day, a Saturday (the partition): everything is as of the end of it.")
MONTH = day("The month's first day (the partition).")
SESSION_ID = text("The session.")
USER_ID = text("The visitor or customer.")
SESSION_START = Column("When the session started.", UTC, "TIMESTAMP")
CHANNEL = text("Marketing channel of the session (silver.sessions.channel: paid social, paid search, email, "
               "affiliates, organic social, organic search, referral or direct; first rule that matches).")
UTM_SOURCE = text("Campaign source (utm_source, lower-case).")
UTM_MEDIUM = text("Campaign medium (utm_medium, lower-case).")
UTM_CAMPAIGN = text("Campaign name (utm_campaign).")
COUNTRY = text("Country of the session, ISO 3166-1 alpha-2.")
REGION = text("Region of the session within the country.")
PRODUCT_ID = text("The product's catalogue id.")
PRODUCT_NAME = text("The product's name.")
CATEGORY = text("Product category (dim_product of the sale day); NULL when the product is unknown.")
SUBCATEGORY = text("Product subcategory (dim_product of the sale day); NULL when the product is unknown.")
