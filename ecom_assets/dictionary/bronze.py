"""Bronze: one table per landing file, every value as the text that came, plus lineage.

The column meanings of the landing files are written here once (:func:`landing_column`); silver's
typed tables reuse them. The tables and types come from the landing contract (``ecom_assets.schema``)
and bronze's Arrow schema (``bronze.ingest.bronze_arrow_schema``), read at import.
"""

from __future__ import annotations

import duckdb

from ecom_assets import schema
from ecom_assets.bronze.ingest import bronze_arrow_schema
from ecom_assets.dictionary.model import CELSIUS, MILLIMETRES, MONEY, PCT, UTC, Column, Table, typed_table
from ecom_assets.schema import RESTATEMENT_DAYS
from ecom_assets.schema import Table as LandingTable

C = Column

# Columns several landing files share, by name.
_SHARED = {
    "event_id": C("Identifier of the tracked event; the row's key."),
    "user_id": C("The visitor's or customer's identifier."),
    "session_id": C("The visit the event belongs to (see sessions)."),
    "order_id": C("The order's business key: the same across all states of one order."),
    "time": C("When the event happened (ISO-8601 with a zone in the file, UTC once typed).", UTC),
    "domain": C("Host name of the storefront the page was on."),
    "path": C("URL path of the page (`/product/<product_id>` is a product page, `/checkout…` the "
              "checkout)."),
    "hash": C("URL fragment of the page (after `#`)."),
    "query": C("URL query string of the page (after `?`)."),
    "previous_page": C("Path of the page viewed before this one in the visit."),
    "product_name": C("Name of the product (unique in the catalogue; how line items, carts and returns name "
                      "a product)."),
    "product_price": C("Price of one unit of the product.", MONEY),
    "product_qty": C("Number of units."),
    "country": C("Country, ISO 3166-1 alpha-2 code."),
    "region": C("Region (state, province) within the country."),
    "utm_source": C("Campaign source from the landing URL's `utm_source` (e.g. google, newsletter); "
                    "lower-cased in silver."),
    "utm_medium": C("Campaign medium from `utm_medium` (e.g. cpc, email, social); lower-cased in silver."),
    "utm_campaign": C("Campaign name from `utm_campaign`; empty when the visit came from no campaign."),
}

# Columns particular to one landing file: {table: {column: Column}}.
_OWN: dict[str, dict[str, Column]] = {
    "users": {
        "has_purchase_last_year": C("Whether the user bought anything in the 12 months before the drop "
                                    "day."),
        "has_purchase_last_qtr": C("Whether the user bought anything in the 3 months before the drop day."),
        "registration_date": C("Day the user registered (optional column)."),
        "email_verified": C("Whether the user confirmed the e-mail address (optional column)."),
        "customer_tier": C("Loyalty tier: `vip`, `regular` or `new` (optional column; lower-cased in "
                           "silver)."),
    },
    "sessions": {
        "session_id": C("Identifier of the visit; the row's key."),
        "time": C("When the visit started.", UTC),
        "platform": C("`desktop`, `mobile` or `tablet` (any case in the file, lower-cased in silver)."),
        "device_type": C("Device model or class the visitor used."),
        "city": C("City the visit came from."),
        "ip": C("The visitor's IP address (IPv4 or IPv6). Bronze only: silver keeps just a prefix."),
        "referrer": C("URL of the page that linked to the shop; empty for a typed-in or bookmarked visit."),
        "landing_page": C("Path of the visit's first page."),
        "landing_page_query": C("Query string of the first page."),
        "landing_page_hash": C("Fragment of the first page."),
        "browser": C("Browser name."),
    },
    "orders": {
        "event_id": C("Identifier of this state of the order (a correction has its own); the row's key."),
        "session_id": C("The visit the order was placed in."),
        "time": C("When the order was placed (a correction repeats the original time).", UTC),
        "total_price": C("What the customer pays for the order: items − discount + shipping.", MONEY),
        "shipping_price": C("Shipping charged on the order.", MONEY),
        "discount": C("Discount granted on the order (≥ 0).", MONEY),
        "discount_coupon_code": C("Coupon code used, empty when none."),
        "total_items": C("Number of distinct products in the order."),
        "total_qty": C("Number of units in the order."),
        "payment_method": C("`credit_card`, `paypal`, `apple_pay`, `gift_card` or `bank_transfer`."),
        "order_status": C("`completed` or `cancelled`. A valid order is one that is not cancelled."),
        "is_first_purchase": C("Whether this is the user's first order ever."),
        "updated_at": C("When this state of the order was recorded (optional column; empty on the order as "
                        "first placed). The latest state is the order's current one.", UTC),
    },
    "order_line_items": {
        "time": C("When the order was placed.", UTC),
        "product_qty": C("Units of the product in the order."),
    },
    "add_to_cart": {
        "product_qty": C("Units added to the cart."),
    },
    "scrolls": {
        "scroll_percent": C("How far down the page the visitor scrolled, 0-100.", PCT),
    },
    "clicks": {
        "href": C("Link target of the clicked element, empty when it is not a link."),
        "target_id": C("HTML id of the clicked element."),
        "target_tag": C("HTML tag of the clicked element (a, button, …)."),
        "target_text": C("Visible text of the clicked element."),
    },
    "products": {
        "product_id": C("Identifier of the product; the row's key (its page is `/product/<product_id>`)."),
        "category": C("Product category."),
        "subcategory": C("Product subcategory within the category."),
        "unit_cost": C("What the shop pays its supplier for one unit.", MONEY),
        "list_price": C("The product's catalogue price for one unit.", MONEY),
        "stock_qty": C("Units in stock at the end of the drop day."),
    },
    "returns": {
        "event_id": C("Identifier of the return; the row's key."),
        "order_id": C("The order the items came from (placed at most 60 days before the return)."),
        "time": C("When the return was booked.", UTC),
        "product_qty": C("Units returned."),
        "refund_amount": C("Money paid back for the returned units (≥ 0).", MONEY),
        "reason": C("Why the customer returned the items, as the shop recorded it."),
    },
    "campaign_spend": {
        "date": C("Day the money was spent."),
        "spend": C("Money spent on the campaign that day.", MONEY),
        "impressions": C("Times the campaign's ads were shown."),
        "clicks": C("Clicks on the campaign's ads (on the ad platform, not the shop's clicks)."),
    },
    "weather": {
        "date": C("Day of the observation."),
        "temperature_c": C("Mean air temperature of the day.", CELSIUS),
        "precipitation_mm": C("Rain and snow of the day.", MILLIMETRES),
        "condition": C("Weather summary (sunny, rain, …)."),
    },
    "subscriptions": {
        "subscription_id": C("Identifier of the subscription; the row's key."),
        "plan": C("Name of the subscription plan."),
        "status": C("`active`, `cancelled` or `paused` (lower-cased in silver)."),
        "monthly_fee": C("What the subscriber pays per month.", MONEY),
        "started_at": C("When the subscription started.", UTC),
        "cancelled_at": C("When it was cancelled, empty while it is not.", UTC),
    },
}

LINEAGE = {
    "_extra_columns": C("Columns of the file that the contract does not know, as a JSON object; NULL when "
                        "there are none."),
    "_raw_line": C("The line as it was, when the CSV reader could not split it into the header's fields "
                   "(its other columns are then NULL); NULL otherwise."),
    "_drop_date": C("The drop (landing folder day) the row came in; the bronze partition."),
    "_source_file": C("The file the row came from, relative to the landing root."),
    "_row_number": C("Physical line of the row in its file (the header is line 1)."),
    "_ingested_at": C("When bronze read the file.", UTC),
}


def landing_column(table: str, column: str) -> Column:
    """What a landing file's column means (its own entry, else the shared one)."""
    try:
        return _OWN.get(table, {}).get(column) or _SHARED[column]
    except KeyError:
        raise KeyError(f"dictionary: no meaning for landing column {table}.{column}") from None


def _types(table: LandingTable, scratch: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """bronze.<table>'s (column, DuckDB type) as the warehouse stores bronze's Arrow schema."""
    rel = scratch.from_arrow(bronze_arrow_schema(table).empty_table())
    return [(name, str(type_)) for name, type_ in zip(rel.columns, rel.types)]


def _table(table: LandingTable, scratch: duckdb.DuckDBPyConnection) -> Table:
    keys = ", ".join(table.key)
    meanings = {c: landing_column(table.name, c) for c in table.column_names}
    raw = {c: C(f"Text as sent. {m.description}", m.unit) for c, m in meanings.items()}
    placed = (
        f"The drop of day D holds the events of D and may carry late ones of the {RESTATEMENT_DAYS} days "
        "before (silver puts each on its event day)."
        if table.event_time else "The drop of day D holds the file's state as of D."
    )
    optional = "" if table.required_file else " The file is optional: a drop without it is empty."
    return typed_table(
        "bronze",
        table.name,
        f"one row per record of `{table.file_name}` in each drop, identified by (_drop_date, _row_number)",
        {**raw, **LINEAGE},
        _types(table, scratch),
        summary=(
            f"{table.description} The contract's key is ({keys}). The landing file as it came: every value "
            "is text, nothing is trimmed, typed or removed (a line the CSV reader cannot split is kept "
            "whole in `_raw_line`, unknown columns in `_extra_columns`), so silver can always be rebuilt "
            f"from it. {placed}{optional}"
        ),
    )


with duckdb.connect() as _scratch:  # one in-memory connection for all (each costs ~40 ms)
    TABLES: list[Table] = [_table(t, _scratch) for t in schema.TABLES]
