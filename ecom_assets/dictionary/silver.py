"""Silver: the typed tables (one per landing file), the quarantine, the dimensions and the facts.

Column types come from the silver contract (``ecom_assets.silver.contract``); the typed tables'
column meanings are the landing files' (``dictionary.bronze.landing_column``), written once there.
"""

from __future__ import annotations

from ecom_assets import schema
from ecom_assets.business_rules import PAID_SOCIAL_SOURCES, SEARCH_ENGINES, SOCIAL_HOSTS, SOCIAL_SITES
from ecom_assets.dictionary.bronze import landing_column
from ecom_assets.dictionary.model import MONEY, SECONDS, UTC, Column, Table, typed_table
from ecom_assets.schema import QUARANTINE_REASONS, RESTATEMENT_DAYS
from ecom_assets.silver.contract import DIMS_AND_FACTS, QUARANTINE, typed_columns
from ecom_assets.silver.dimensions import LOW_STOCK_MAX
from ecom_assets.silver.facts import LOOKBACK_DAYS as RETURN_LOOKBACK_DAYS

C = Column

CHANNEL_RULES = (
    "The first rule that matches wins: (1) utm_medium paid_social or paidsocial, or cpc/ppc from "
    f"{', '.join(PAID_SOCIAL_SOURCES)} → Paid Social; (2) utm_medium cpc, ppc or paidsearch → Paid Search; "
    "(3) email → Email; (4) affiliate → Affiliates; (5) social or social-network → Organic Social; (6) a "
    f"referrer on a search engine ({', '.join(SEARCH_ENGINES)}) → Organic Search; (7) a referrer on a social "
    f"site ({', '.join(SOCIAL_SITES + SOCIAL_HOSTS)}) → Organic Social; (8) any other referrer → Referral; "
    "(9) else Direct. A referrer host matches a site by its registrable name (news.google.co.uk is google); "
    "sites not listed (t.co, …) are Referral."
)

_LINEAGE = {
    "_drop_date": C("The drop the row came in (a late row's drop is after its `date`)."),
    "_source_file": C("The landing file the row came from, relative to the landing root."),
    "_row_number": C("Line of the row in that file: with `_drop_date`, the row's bronze origin."),
}

_DERIVED = {
    "sessions": {
        "ip_prefix": C("The visitor's IP with its host part zeroed, for privacy: IPv4 with the last octet 0 "
                       "(203.0.113.0), IPv6 with the last 80 bits 0, in RFC 5952 form (2001:db8:85a3::); "
                       "NULL when the IP is not valid. The full IP never reaches silver."),
        "channel": C(f"Marketing channel of the visit. {CHANNEL_RULES}"),
    },
}


def _date(table: schema.Table) -> Column:
    if table.event_time == "time":
        return C("Event day: the shop-time calendar day of `time` (the partition). A late row sits on its "
                 "event day, whatever drop brought it.")
    if table.event_time:
        own = landing_column(table.name, table.event_time).description
        return C(f"{own} The partition: a row belongs to its own {table.event_time}.")
    return C("The drop day (the partition): the file has no event time, so a row belongs to its drop.")


def _typed(table: schema.Table) -> Table:
    meanings = {c.name: landing_column(table.name, c.name) for c in table.columns}
    columns = {**meanings, "date": _date(table), **_DERIVED.get(table.name, {}), **_LINEAGE}
    columns.pop("ip", None)  # replaced by ip_prefix
    key = ", ".join(table.key)
    if table.event_time:
        placed = (
            f"Day D holds the rows of the drops D … D+{RESTATEMENT_DAYS} whose `{table.event_time}` falls on "
            f"D in the shop's time zone, so late rows reach their day; a row more than {RESTATEMENT_DAYS} "
            "days late is quarantined as late_event, one dated after its drop as out_of_range."
        )
    else:
        placed = "Day D holds the drop of D (the file has no event time)."
    state = (
        f" Only each {table.state_key}'s current state is kept: the row with the latest "
        f"`{table.version_time}` (a row without it counts as `{table.event_time}`), then the later drop, "
        "then the later line; the replaced states are quarantined as superseded. So a cancellation arriving "
        "days later takes the order's revenue off its day, and a re-sent order counts once."
        if table.state_key else ""
    )
    return typed_table(
        "silver",
        table.name,
        f"one row per {table.state_key} (its current state) and day" if table.state_key
        else f"one row per ({key}) and day",
        columns,
        typed_columns(table),
        summary=(
            f"{table.description} bronze.{table.name} typed, trimmed (empty text is NULL), lower-cased where "
            "the contract says, and de-duplicated: of the rows with the same key on one day, the first by "
            f"drop then line is kept, the others are quarantined as duplicate_key. {placed}{state} "
            "Timestamps are UTC; every rejected row is in silver.quarantine, so per drop bronze rows = "
            "silver rows + quarantined rows."
        ),
    )


_QUARANTINE = typed_table(
    "silver",
    "quarantine",
    "one row per bronze row that did not make it into its silver table",
    {
        "date": C("The day the verdict belongs to (the partition): the drop day for a row rejected on its "
                  "own (malformed, bad value, late, dated after its drop), the event day for a duplicate or "
                  "a superseded order state (decided among the drops of that day)."),
        "source_table": C("The landing table the row came from (e.g. `pageviews`)."),
        "_drop_date": C("The drop the row came in."),
        "_row_number": C("Line of the row in its file: with `source_table` and `_drop_date`, the bronze "
                         "row."),
        "reason": C(f"The first rule the row broke, tried in this order: {', '.join(QUARANTINE_REASONS)}."),
        "detail": C("Which column and value failed and why, or for a duplicate or superseded row the drop "
                    "and line of the row kept instead."),
        "raw": C("The bronze row as a JSON object (sessions' IP reduced to its prefix, as in silver)."),
    },
    QUARANTINE,
    summary=(
        "Reasons: malformed_row (bronze could not split the line), missing_key (a key column is empty), "
        "bad_timestamp (not ISO-8601 with a zone, or not a real date), bad_number (a decimal, integer or "
        "boolean that does not parse), out_of_range (a negative price, quantity or discount, a scroll "
        "outside 0-100, an event after its drop day or before the first partition), unknown_value (outside "
        f"an accepted set), late_event (more than {RESTATEMENT_DAYS} days late), duplicate_key, superseded "
        "(an order state replaced by a later one). Per table and drop: bronze rows = silver rows + "
        "quarantined rows."
    ),
)

_DIMS_AND_FACTS: dict[str, tuple[str, dict[str, Column], str]] = {
    "dim_date": (
        "one row per calendar day of the shop's time zone, from the first daily partition to yesterday",
        {
            "date": C("The day."),
            "year": C("Calendar year."),
            "quarter": C("Calendar quarter, 1-4."),
            "month": C("Month number, 1-12."),
            "month_name": C("Month name in English (January …)."),
            "iso_week": C("ISO-8601 week number, 1-53 (2027-01-01 is in week 53 of 2026, yet its year is "
                          "2027)."),
            "day_of_week": C("ISO day of the week: 1 = Monday … 7 = Sunday."),
            "day_name": C("Day name in English (Monday …)."),
            "is_weekend": C("Whether the day is a Saturday or a Sunday."),
        },
        "Rebuilt in full (unpartitioned); it grows by a day each midnight of the shop's time zone.",
    ),
    "dim_product": (
        "one row per (product_id, day): the catalogue as of the end of the day",
        {
            "date": C("The catalogue's day (the partition)."),
            "product_id": landing_column("products", "product_id"),
            "product_name": landing_column("products", "product_name"),
            "category": landing_column("products", "category"),
            "subcategory": landing_column("products", "subcategory"),
            "unit_cost": landing_column("products", "unit_cost"),
            "list_price": landing_column("products", "list_price"),
            "stock_qty": landing_column("products", "stock_qty"),
            "inventory_status": C(f"`out_of_stock` at 0 units, `low_stock` at 1-{LOW_STOCK_MAX}, else "
                                  "`in_stock`; NULL when the stock is unknown."),
        },
        "A daily snapshot of silver.products with its stock status.",
    ),
    "dim_customer": (
        "one row per version of a user (slowly changing dimension, type 2)",
        {
            "user_id": landing_column("users", "user_id"),
            "has_purchase_last_year": landing_column("users", "has_purchase_last_year"),
            "has_purchase_last_qtr": landing_column("users", "has_purchase_last_qtr"),
            "registration_date": C("Day the user registered (the last value sent, when a later delta left "
                                   "it empty)."),
            "email_verified": C("Whether the e-mail address is confirmed (the last value sent)."),
            "customer_tier": C("`vip`, `regular` or `new` (the last value sent)."),
            "valid_from": C("The drop day this version starts on."),
            "valid_to": C("The day the next version starts (this one is valid before it); NULL for the "
                          "current version."),
            "is_current": C("Whether this is the user's current version (valid_to is NULL)."),
        },
        "Built in full (unpartitioned) from the daily user deltas. A delta equal to the current version "
        "starts no new one; an optional column left empty or absent keeps its last known value.",
    ),
    "fact_sales": (
        "one row per sold line item of a valid order of the day, and one per returned item booked on the "
        "day",
        {
            "date": C("The day of the sale (the order's day) or of the return's booking (the partition)."),
            "sale_id": C("The line item's or the return's event_id."),
            "order_id": C("The order sold or returned from."),
            "user_id": C("The buyer."),
            "session_id": C("The visit the order was placed in (for a return: its original order's)."),
            "product_id": C("The product of that name in dim_product of the day; NULL when the name is not "
                            "in the catalogue."),
            "product_name": C("The product as the line item or return names it."),
            "quantity": C("Units: positive for a sale, negative for a return."),
            "unit_price": C("Price of one unit; for a return refund_amount / product_qty (rounded to 4 "
                            "decimals).", MONEY),
            "total_amount": C("quantity × unit_price, the line-item revenue; for a return exactly "
                              "−refund_amount.",
                              MONEY),
            "unit_cost": C("The product's unit cost in dim_product of the day.", MONEY),
            "line_type": C("`sale` or `return`."),
            "channel": C("Channel of the order's session (see silver.sessions.channel)."),
            "payment_method": C("The order's payment method."),
        },
        "A valid order is one whose status is not `cancelled` (a NULL status counts as valid); a line item "
        "of a cancelled order is no sale, and one whose order is not in silver.orders of its day is left "
        "out. A return takes its session, channel and payment method from its order, placed up to "
        f"{RETURN_LOOKBACK_DAYS} days before (NULL when not found; the row is kept).",
    ),
    "fact_user_activity": (
        "one row per pageview, click, scroll and add-to-cart event of the day",
        {
            "date": C("Event day (the partition)."),
            "event_id": C("The event's identifier."),
            "event_type": C("`pageview`, `click`, `scroll` or `add_to_cart`."),
            "user_id": C("The visitor."),
            "session_id": C("The visit."),
            "product_id": C("The product the event is about: for an add-to-cart its product_name's id in "
                            "dim_product of the day, else the `<id>` of a `/product/<id>` path; NULL "
                            "otherwise."),
            "page_url": C("Path of the page the event happened on."),
            "device_type": C("The device of the event's session."),
            "event_time": C("When the event happened.", UTC),
            "time_spent_seconds": C("Time to the session's next event of these four kinds on the same day "
                                    "(ties ordered by event_id, then event_type); NULL for its last event "
                                    "and without a session.", SECONDS),
        },
        "The four kinds of web events in one table, with the session's device and the product each is "
        "about.",
    ),
}

TABLES: list[Table] = [
    *(_typed(t) for t in schema.TABLES),
    _QUARANTINE,
    *(typed_table("silver", name, grain, columns, DIMS_AND_FACTS[name], summary)
      for name, (grain, columns, summary) in _DIMS_AND_FACTS.items()),
]
