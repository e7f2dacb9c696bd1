"""The landing contract: one source of truth for every raw table.

Bronze ingestion, silver typing, the quarantine rules, the data generator and
the tests all read these definitions. Adding a column to a landing file is a
one-line change to its ``Table`` below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Logical column types of the landing contract and their DuckDB types in silver.
STRING, TIMESTAMP, DATE, BOOL, DECIMAL, INT = (
    "string",
    "timestamp",
    "date",
    "bool",
    "decimal",
    "int",
)
DUCKDB_TYPES = {
    STRING: "VARCHAR",
    TIMESTAMP: "TIMESTAMP",  # always UTC, stored without a zone
    DATE: "DATE",
    BOOL: "BOOLEAN",
    DECIMAL: "DECIMAL(18,4)",  # money keeps 4 decimals so nothing is rounded before aggregating
    INT: "BIGINT",
}

PLATFORMS = ("desktop", "mobile", "tablet")
PAYMENT_METHODS = ("credit_card", "paypal", "apple_pay", "gift_card", "bank_transfer")
ORDER_STATUSES = ("completed", "cancelled")
CUSTOMER_TIERS = ("vip", "regular", "new")
SUBSCRIPTION_STATUSES = ("active", "cancelled", "paused")

# Every reason silver quarantines a row for, in the order the rules try them (the first that applies
# wins). The contract's list plus ``malformed_row``: a line the CSV reader could not split.
QUARANTINE_REASONS = (
    "malformed_row",
    "missing_key",
    "bad_timestamp",
    "bad_number",
    "out_of_range",
    "unknown_value",
    "late_event",
    "duplicate_key",
    "superseded",
)

# Restatement window: a drop for day D may carry events of D-1 .. D-3 (shop time zone), which
# belong to their event day; an event more than this many days late is a ``late_event``.
RESTATEMENT_DAYS = 3

# Bronze lineage columns, appended after the contract columns of every bronze table.
LINEAGE_COLUMNS = ("_extra_columns", "_raw_line", "_drop_date", "_source_file", "_row_number", "_ingested_at")


@dataclass(frozen=True)
class Column:
    """One column of a landing file.

    ``lower`` lower-cases the value in silver; ``accepted`` is the closed set of
    values allowed after normalisation; ``min``/``max`` bound numbers (a value
    outside them is ``out_of_range``); ``required=False`` means the column may be
    absent from the file header.
    """

    name: str
    type: str = STRING
    required: bool = True
    lower: bool = False
    accepted: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Table:
    """One landing file: ``data/raw/<day>/<file_stem>_table.csv`` → ``bronze.<name>``."""

    name: str
    file_stem: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required_file: bool = True
    event_time: str | None = "time"  # column that places a row on its event day (None: the drop day)
    # A business key whose rows are successive states (corrections): silver keeps the latest by
    # ``version_time`` (NULL counts as ``event_time``), then drop, then line; the rest are superseded.
    state_key: str | None = None
    version_time: str | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return f"{self.file_stem}_table.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: str = STRING, **kwargs) -> Column:
    return Column(name, type_, **kwargs)


_NON_NEG = {"min": 0}
_WEB_EVENT = (
    _c("event_id"),
    _c("user_id"),
    _c("session_id"),
    _c("time", TIMESTAMP),
    _c("domain"),
    _c("path"),
    _c("hash"),
    _c("query"),
)

TABLES: tuple[Table, ...] = (
    Table(
        "users",
        "user",
        (
            _c("user_id"),
            _c("has_purchase_last_year", BOOL),
            _c("has_purchase_last_qtr", BOOL),
            _c("registration_date", DATE, required=False),
            _c("email_verified", BOOL, required=False),
            _c("customer_tier", required=False, lower=True, accepted=CUSTOMER_TIERS),
        ),
        key=("user_id",),
        event_time=None,
        description="Users created or changed on the drop day (a delta; SCD2 input).",
    ),
    Table(
        "sessions",
        "session",
        (
            _c("user_id"),
            _c("session_id"),
            _c("time", TIMESTAMP),
            _c("platform", lower=True, accepted=PLATFORMS),
            _c("device_type"),
            _c("country"),
            _c("region"),
            _c("city"),
            _c("ip"),
            _c("referrer"),
            _c("landing_page"),
            _c("landing_page_query"),
            _c("landing_page_hash"),
            _c("browser"),
            _c("utm_source", lower=True),
            _c("utm_medium", lower=True),
            _c("utm_campaign"),
        ),
        key=("session_id",),
        description="Every visit started on the day.",
    ),
    Table(
        "orders",
        "order",
        (
            _c("event_id"),
            _c("user_id"),
            _c("session_id"),
            _c("order_id"),
            _c("time", TIMESTAMP),
            _c("total_price", DECIMAL, **_NON_NEG),
            _c("shipping_price", DECIMAL, **_NON_NEG),
            _c("discount", DECIMAL, **_NON_NEG),
            _c("discount_coupon_code"),
            _c("total_items", INT, **_NON_NEG),
            _c("total_qty", INT, **_NON_NEG),
            _c("payment_method", lower=True, accepted=PAYMENT_METHODS),
            _c("order_status", lower=True, accepted=ORDER_STATUSES),
            _c("is_first_purchase", BOOL),
            _c("updated_at", TIMESTAMP, required=False),
        ),
        key=("event_id",),
        state_key="order_id",
        version_time="updated_at",
        description="One row per order state: an order as placed, and again each time it is corrected.",
    ),
    Table(
        "order_line_items",
        "order_line_item",
        (
            _c("event_id"),
            _c("user_id"),
            _c("session_id"),
            _c("order_id"),
            _c("time", TIMESTAMP),
            _c("product_name"),
            _c("product_price", DECIMAL, **_NON_NEG),
            _c("product_qty", INT, **_NON_NEG),
        ),
        key=("event_id",),
        description="One row per product in an order placed on the day.",
    ),
    Table(
        "add_to_cart",
        "add_to_cart",
        (
            *_WEB_EVENT,
            _c("previous_page"),
            _c("product_name"),
            _c("product_price", DECIMAL, **_NON_NEG),
            _c("product_qty", INT, **_NON_NEG),
        ),
        key=("event_id",),
        description="Add-to-cart events of the day.",
    ),
    Table(
        "pageviews",
        "pageview",
        (*_WEB_EVENT, _c("previous_page")),
        key=("event_id",),
        description="Pageview events of the day.",
    ),
    Table(
        "scrolls",
        "scroll",
        (
            *_WEB_EVENT[:4],
            _c("scroll_percent", INT, min=0, max=100),
            *_WEB_EVENT[4:],
            _c("previous_page"),
        ),
        key=("event_id",),
        description="Scroll events of the day.",
    ),
    Table(
        "clicks",
        "click",
        (
            *_WEB_EVENT,
            _c("href"),
            _c("target_id"),
            _c("target_tag"),
            _c("target_text"),
            _c("previous_page"),
        ),
        key=("event_id",),
        description="Click events of the day.",
    ),
    Table(
        "products",
        "product",
        (
            _c("product_id"),
            _c("product_name"),
            _c("category"),
            _c("subcategory"),
            _c("unit_cost", DECIMAL, **_NON_NEG),
            _c("list_price", DECIMAL, **_NON_NEG),
            _c("stock_qty", INT, **_NON_NEG),
        ),
        key=("product_id",),
        event_time=None,
        description="The whole product catalogue as of the end of the drop day.",
    ),
    Table(
        "returns",
        "return",
        (
            _c("event_id"),
            _c("user_id"),
            _c("order_id"),
            _c("time", TIMESTAMP),
            _c("product_name"),
            _c("product_qty", INT, **_NON_NEG),
            _c("refund_amount", DECIMAL, **_NON_NEG),
            _c("reason"),
        ),
        key=("event_id",),
        description="Returned items booked on the day.",
    ),
    Table(
        "campaign_spend",
        "campaign_spend",
        (
            _c("date", DATE),
            _c("utm_source", lower=True),
            _c("utm_medium", lower=True),
            _c("utm_campaign"),
            _c("spend", DECIMAL, **_NON_NEG),
            _c("impressions", INT, **_NON_NEG),
            _c("clicks", INT, **_NON_NEG),
        ),
        key=("date", "utm_source", "utm_medium", "utm_campaign"),
        event_time="date",
        description="Marketing spend per campaign and day.",
    ),
    Table(
        "weather",
        "weather",
        (
            _c("date", DATE),
            _c("country"),
            _c("region"),
            _c("temperature_c", DECIMAL),
            _c("precipitation_mm", DECIMAL, **_NON_NEG),
            _c("condition"),
        ),
        key=("date", "country", "region"),
        required_file=False,
        event_time="date",
        description="Weather per region and day (optional external file).",
    ),
    Table(
        "subscriptions",
        "subscription",
        (
            _c("subscription_id"),
            _c("user_id"),
            _c("plan"),
            _c("status", lower=True, accepted=SUBSCRIPTION_STATUSES),
            _c("monthly_fee", DECIMAL, **_NON_NEG),
            _c("started_at", TIMESTAMP),
            _c("cancelled_at", TIMESTAMP),
        ),
        key=("subscription_id",),
        required_file=False,
        event_time=None,
        description="Subscriptions created or changed on the drop day (optional external file).",
    ),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
SUCCESS_MARKER = "_SUCCESS"
