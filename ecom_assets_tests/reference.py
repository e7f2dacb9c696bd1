"""An independent reference implementation of the spec, computed straight from the raw CSV drops.

It shares no code with ``ecom_assets``: the landing contract (files, columns, keys, the
restatement window, corrected orders) and the metric definitions are written out again here
from the product specification, in plain Python. Files are read with
Python's csv module (every value as text, empty = empty string), because a malformed line must be
kept, and counted, at its physical line number, which ``pandas.read_csv`` cannot do; the clean rows
then become pandas frames. Money stays ``Decimal`` (exact); ratios are floats, ``None`` when the
denominator is 0.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pandas as pd

# ---------------------------------------------------------------------------------------------
# The landing contract (landing.md), one entry per file
# ---------------------------------------------------------------------------------------------
TS, DAY, BOOL, DEC, INT = "timestamp", "date", "bool", "decimal", "int"
NON_NEGATIVE = (0, None)


@dataclass(frozen=True)
class File:
    stem: str  # <stem>_table.csv
    columns: dict[str, str | None]  # column -> type (None: text)
    key: tuple[str, ...]
    event_time: str | None = "time"  # places the row on its day (late events)
    bounds: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # out_of_range
    accepted: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unknown_value

    @property
    def lowered(self) -> set[str]:
        return {c for c in ("utm_source", "utm_medium", *self.accepted) if c in self.columns}


def _cols(*names: str, **types: str) -> dict[str, str | None]:
    return {**dict.fromkeys(names), **types}


_WEB = ("event_id", "user_id", "session_id", "domain", "path", "hash", "query", "previous_page")
_PRICE_QTY = {"product_price": NON_NEGATIVE, "product_qty": NON_NEGATIVE}
CONTRACT: dict[str, File] = {
    "users": File(
        "user",
        _cols("user_id", "customer_tier", has_purchase_last_year=BOOL, has_purchase_last_qtr=BOOL,
              registration_date=DAY, email_verified=BOOL),
        ("user_id",), None, accepted={"customer_tier": ("vip", "regular", "new")},
    ),
    "sessions": File(
        "session",
        _cols("user_id", "session_id", "platform", "device_type", "country", "region", "city", "ip",
              "referrer", "landing_page", "landing_page_query", "landing_page_hash", "browser",
              "utm_source", "utm_medium", "utm_campaign", time=TS),
        ("session_id",), accepted={"platform": ("desktop", "mobile", "tablet")},
    ),
    "orders": File(
        "order",
        _cols("event_id", "user_id", "session_id", "order_id", "discount_coupon_code", "payment_method",
              "order_status", time=TS, total_price=DEC, shipping_price=DEC, discount=DEC, total_items=INT,
              total_qty=INT, is_first_purchase=BOOL, updated_at=TS),
        ("event_id",),
        bounds=dict.fromkeys(("total_price", "shipping_price", "discount", "total_qty"), NON_NEGATIVE),
        accepted={
            "payment_method": ("credit_card", "paypal", "apple_pay", "gift_card", "bank_transfer"),
            "order_status": ("completed", "cancelled"),
        },
    ),
    "order_line_items": File(
        "order_line_item",
        _cols("event_id", "user_id", "session_id", "order_id", "product_name", time=TS, product_price=DEC,
              product_qty=INT),
        ("event_id",), bounds=_PRICE_QTY,
    ),
    "add_to_cart": File(
        "add_to_cart", _cols(*_WEB, "product_name", time=TS, product_price=DEC, product_qty=INT),
        ("event_id",), bounds=_PRICE_QTY,
    ),
    "pageviews": File("pageview", _cols(*_WEB, time=TS), ("event_id",)),
    "scrolls": File(
        "scroll", _cols(*_WEB, time=TS, scroll_percent=INT), ("event_id",),
        bounds={"scroll_percent": (0, 100)},
    ),
    "clicks": File(
        "click", _cols(*_WEB, "href", "target_id", "target_tag", "target_text", time=TS), ("event_id",)
    ),
    "products": File(
        "product",
        _cols("product_id", "product_name", "category", "subcategory", unit_cost=DEC, list_price=DEC,
              stock_qty=INT),
        ("product_id",), None, bounds={"list_price": NON_NEGATIVE, "stock_qty": NON_NEGATIVE},
    ),
    "returns": File(
        "return",
        _cols("event_id", "user_id", "order_id", "product_name", "reason", time=TS, product_qty=INT,
              refund_amount=DEC),
        ("event_id",), bounds={"product_qty": NON_NEGATIVE, "refund_amount": NON_NEGATIVE},
    ),
    "campaign_spend": File(
        "campaign_spend", _cols("utm_source", "utm_medium", "utm_campaign", date=DAY, spend=DEC,
                                impressions=INT, clicks=INT),
        ("date", "utm_source", "utm_medium", "utm_campaign"), "date",
    ),
    "weather": File(
        "weather", _cols("country", "region", "condition", date=DAY, temperature_c=DEC, precipitation_mm=DEC),
        ("date", "country", "region"), "date",
    ),
    "subscriptions": File(
        "subscription", _cols("subscription_id", "user_id", "plan", "status", monthly_fee=DEC,
                              started_at=TS, cancelled_at=TS),
        ("subscription_id",), None, accepted={"status": ("active", "cancelled", "paused")},
    ),
}

# ---------------------------------------------------------------------------------------------
# Parsing one value (None = does not parse)
# ---------------------------------------------------------------------------------------------
_TS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.I)
_DEC = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_INT = re.compile(r"[+-]?\d+")


def _timestamp(text: str) -> datetime | None:
    """ISO-8601 with ``Z`` or an offset → naive UTC; a timestamp without a zone does not parse."""
    if not _TS.fullmatch(text):
        return None
    try:
        t = datetime.fromisoformat(text.upper())
    except ValueError:
        return None
    return t.astimezone(timezone.utc).replace(tzinfo=None)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _number(text: str, kind: str) -> Decimal | int | bool | None:
    if kind == BOOL:
        return {"1": True, "true": True, "0": False, "false": False}.get(text.lower())
    if kind == INT:
        return int(text) if _INT.fullmatch(text) else None
    return Decimal(text) if _DEC.fullmatch(text) else None


# ---------------------------------------------------------------------------------------------
# Reading the drops and applying the contract
# ---------------------------------------------------------------------------------------------
def read_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header (trimmed, lower-cased) and every non-blank record with its first physical line."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader)]
        records, line = [], reader.line_num
        for fields in reader:
            if fields:
                records.append((line + 1, fields))
            line = reader.line_num
    return header, records


WINDOW_DAYS = 3  # landing.md "Late and corrected data": the restatement window


def event_day(spec: File, typed: dict, drop: date, zone: ZoneInfo) -> date:
    """The shop-time day of a row's event (its date column as it is; the drop day without one)."""
    event = typed[spec.event_time] if spec.event_time else None
    if event is None:
        return drop
    if isinstance(event, datetime):
        return event.replace(tzinfo=timezone.utc).astimezone(zone).date()
    return event


def classify(
    spec: File, values: dict[str, str | None], drop: date, zone: ZoneInfo = ZoneInfo("UTC"),
    first_day: date = date(2025, 1, 1),
) -> tuple[str | None, dict]:
    """The quarantine reason of one row (None when clean) and its typed values; duplicates and
    superseded order states aside (they need the other rows)."""
    if any(values[k] is None for k in spec.key):
        return "missing_key", values
    typed = dict(values)
    for col, kind in spec.columns.items():
        if kind in (TS, DAY) and values[col] is not None:
            typed[col] = (_timestamp if kind == TS else _date)(values[col])
            if typed[col] is None:
                return "bad_timestamp", values
    for col, kind in spec.columns.items():
        if kind in (BOOL, INT, DEC) and values[col] is not None:
            typed[col] = _number(values[col], kind)
            if typed[col] is None:
                return "bad_number", values
    for col, (low, high) in spec.bounds.items():
        v = typed[col]
        if v is not None and (v < low or (high is not None and v > high)):
            return "out_of_range", values
    day = event_day(spec, typed, drop, zone)
    if day > drop or day < first_day:
        return "out_of_range", values
    for col in spec.lowered:
        typed[col] = values[col].lower() if values[col] is not None else None
    for col, accepted in spec.accepted.items():
        if typed[col] is not None and typed[col] not in accepted:
            return "unknown_value", values
    if (drop - day).days > WINDOW_DAYS:
        return "late_event", values
    return None, typed


@dataclass
class Shop:
    """The clean rows of every table (typed, plus ``day`` = the event day, ``_drop_date`` and
    ``_row_number``)."""

    days: list[date]
    tables: dict[str, pd.DataFrame]
    quarantined: set[tuple[str, date, int, str]]  # (table, drop date, line, reason)
    bronze_rows: dict[tuple[str, date], int]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def on(self, name: str, d: date) -> pd.DataFrame:
        df = self.tables[name]
        return df[df["day"] == d]


def load(raw: Path, zone: str = "UTC", first_day: date = date(2025, 1, 1)) -> Shop:
    """Every drop under ``raw`` read as the contract says, in the shop time zone ``zone``."""
    tz = ZoneInfo(zone)
    days = sorted(date.fromisoformat(p.name) for p in raw.iterdir() if (p / "_SUCCESS").exists())
    clean: dict[str, list[dict]] = {name: [] for name in CONTRACT}
    quarantined, bronze_rows = set(), {}
    seen: dict[str, set] = {name: set() for name in CONTRACT}  # (event day, key) kept so far
    for d in days:  # drops in order, lines in order: the first row of a key wins
        for name, spec in CONTRACT.items():
            path = raw / d.isoformat() / f"{spec.stem}_table.csv"
            if not path.exists():
                continue
            header, records = read_records(path)
            bronze_rows[name, d] = len(records)
            for line, fields in records:
                if len(fields) != len(header):
                    quarantined.add((name, d, line, "malformed_row"))
                    continue
                text = dict(zip(header, fields))
                values = {c: (text.get(c) or "").strip() or None for c in spec.columns}
                reason, row = classify(spec, values, d, tz, first_day)
                if reason is None:
                    day = event_day(spec, row, d, tz)
                    key = (day, *(row[k] for k in spec.key))
                    if key in seen[name]:
                        reason = "duplicate_key"
                if reason:
                    quarantined.add((name, d, line, reason))
                    continue
                seen[name].add(key)
                clean[name].append({**row, "day": day, "_drop_date": d, "_row_number": line})
    clean["orders"] = _current_states(clean["orders"], quarantined)
    lineage = ["day", "_drop_date", "_row_number"]
    tables = {n: pd.DataFrame(rows, columns=[*CONTRACT[n].columns, *lineage]).astype(object)
              for n, rows in clean.items()}
    return Shop(days, tables, quarantined, bronze_rows)


def _current_states(orders: list[dict], quarantined: set) -> list[dict]:
    """Each (day, order_id)'s latest state: latest updated_at (else time), then drop, then line."""
    latest: dict[tuple, dict] = {}
    for row in orders:
        key = (row["day"], row["order_id"])
        version = (row["updated_at"] or row["time"], row["_drop_date"], row["_row_number"])
        kept = latest.get(key)
        if kept is None or version > kept["_version"]:
            if kept is not None:
                quarantined.add(("orders", kept["_drop_date"], kept["_row_number"], "superseded"))
            latest[key] = {**row, "_version": version}
        else:
            quarantined.add(("orders", row["_drop_date"], row["_row_number"], "superseded"))
    return [{k: v for k, v in row.items() if k != "_version"} for row in latest.values()]


# ---------------------------------------------------------------------------------------------
# Helpers for the metrics
# ---------------------------------------------------------------------------------------------
def total(values: Iterable) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def ratio(num, den) -> float | None:
    return None if not den else float(Decimal(num) / Decimal(den))


def pct(num, den) -> float | None:
    return None if not den else float(Decimal(num) * 100 / Decimal(den))


def valid(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders whose status is not ``cancelled``."""
    return orders[orders["order_status"] != "cancelled"]


def sold_lines(shop: Shop, d: date) -> pd.DataFrame:
    """Line items of the day that belong to a valid order of the day, with ``amount`` = price × qty."""
    lines = shop.on("order_line_items", d)
    lines = lines[lines["order_id"].isin(set(valid(shop.on("orders", d))["order_id"]))]
    return lines.assign(amount=[p * q for p, q in zip(lines["product_price"], lines["product_qty"])])


# ---------------------------------------------------------------------------------------------
# Channel (metrics.md, "Channel")
# ---------------------------------------------------------------------------------------------
PAID_SOCIAL_SOURCES = {"facebook", "instagram", "tiktok", "twitter", "linkedin", "pinterest"}
SEARCH_ENGINES = {"google", "bing", "duckduckgo", "yahoo", "baidu", "yandex"}
SOCIAL_SITES = {"facebook", "instagram", "tiktok", "twitter", "linkedin", "pinterest", "reddit", "youtube"}


def referrer_host(referrer: str | None) -> str:
    if not referrer:
        return ""
    return (urlsplit(referrer if "//" in referrer else "//" + referrer).hostname or "").lower()


def channel(source: str | None, medium: str | None, referrer: str | None) -> str:
    host = referrer_host(referrer)
    labels = set(host.split("."))
    paid = medium in ("cpc", "ppc")
    if medium in ("paid_social", "paidsocial") or (paid and source in PAID_SOCIAL_SOURCES):
        return "Paid Social"
    if medium in ("cpc", "ppc", "paidsearch"):
        return "Paid Search"
    if medium == "email":
        return "Email"
    if medium == "affiliate":
        return "Affiliates"
    if medium in ("social", "social-network"):
        return "Organic Social"
    if labels & SEARCH_ENGINES:
        return "Organic Search"
    if labels & SOCIAL_SITES or host == "x.com" or host.endswith(".x.com"):
        return "Organic Social"
    return "Referral" if referrer else "Direct"


# ---------------------------------------------------------------------------------------------
# Gold, daily
# ---------------------------------------------------------------------------------------------
def daily_business_metrics(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        sessions, orders = shop.on("sessions", d), valid(shop.on("orders", d))
        revenue, n_orders = total(orders["total_price"]), orders["order_id"].nunique()
        new = orders[orders["is_first_purchase"].eq(True)]["user_id"].nunique()
        out[(d,)] = {
            "total_revenue": revenue,
            "total_orders": n_orders,
            "total_sessions": sessions["session_id"].nunique(),
            "total_users": sessions["user_id"].nunique(),
            "conversion_rate": pct(n_orders, sessions["session_id"].nunique()),
            "avg_order_value": ratio(revenue, n_orders),
            "new_customers": new,
            "repeat_customers": orders["user_id"].nunique() - new,
            "total_discount": total(orders["discount"]),
            "total_shipping": total(orders["shipping_price"]),
            # the day can still be restated until the drop WINDOW_DAYS later is loaded
            "is_provisional": d + timedelta(days=WINDOW_DAYS) not in shop.days,
        }
    return out


def daily_funnel_summary(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        sessions = set(shop.on("sessions", d)["session_id"])
        views = shop.on("pageviews", d)
        paths = views["path"].fillna("")

        def reached(frame: pd.DataFrame) -> set:
            return set(frame["session_id"]) & sessions  # noqa: B023

        steps = {
            "product_view": reached(views[paths.str.startswith("/product/")]),
            "cart": reached(shop.on("add_to_cart", d)),
            "checkout": reached(views[paths.str.startswith("/checkout")]),
            "order": reached(valid(shop.on("orders", d))),
        }
        abandoned = len(steps["cart"] - steps["order"])
        out[(d,)] = {
            "sessions": len(sessions),
            **{f"{step}_sessions": len(s) for step, s in steps.items()},
            **{f"{step}_rate": pct(len(s), len(sessions)) for step, s in steps.items()},
            "abandoned_cart_sessions": abandoned,
            "cart_abandonment_rate": pct(abandoned, len(steps["cart"])),
        }
    return out


def session_attribution(shop: Shop, d: date) -> pd.DataFrame:
    """Sessions started on D with their channel and their valid orders of D."""
    sessions = shop.on("sessions", d)
    orders = valid(shop.on("orders", d))
    by_session = orders.groupby("session_id").agg(
        orders=("order_id", "nunique"), revenue=("total_price", total)
    )
    sources = zip(sessions["utm_source"], sessions["utm_medium"], sessions["referrer"])
    out = sessions.assign(channel=[channel(*v) for v in sources]).join(by_session, on="session_id")
    return out.assign(orders=out["orders"].fillna(0).astype(int), revenue=out["revenue"].fillna(Decimal(0)))


def daily_channel_performance(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        for name, s in session_attribution(shop, d).groupby("channel"):
            converted, revenue = int((s["orders"] > 0).sum()), total(s["revenue"])
            out[(d, name)] = {
                "sessions": len(s),
                "users": s["user_id"].nunique(),
                "converted_sessions": converted,
                "orders": int(s["orders"].sum()),
                "revenue": revenue,
                "conversion_rate": pct(converted, len(s)),
                "revenue_per_session": ratio(revenue, len(s)),
            }
    return out


def payment_method_performance(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        orders = shop.on("orders", d)
        day_orders = valid(orders)["order_id"].nunique()
        for method, o in orders.groupby("payment_method"):
            ok, cancelled = valid(o), o[o["order_status"] == "cancelled"]
            revenue, n = total(ok["total_price"]), ok["order_id"].nunique()
            out[(d, method)] = {
                "orders": n,
                "revenue": revenue,
                "avg_order_value": ratio(revenue, n),
                "share_of_orders": pct(n, day_orders),
                "cancelled_orders": cancelled["order_id"].nunique(),
                "cancellation_rate": pct(cancelled["order_id"].nunique(), o["order_id"].nunique()),
            }
    return out


def sales_summary(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        lines, returns = sold_lines(shop, d), shop.on("returns", d)
        gross, refunds = total(lines["amount"]), total(returns["refund_amount"])
        sold, returned = int(lines["product_qty"].sum()), int(returns["product_qty"].sum())
        out[(d,)] = {
            "gross_revenue": gross,
            "returns_amount": refunds,
            "net_revenue": gross - refunds,
            "units_sold": sold,
            "units_returned": returned,
            "return_rate": pct(returned, sold),
        }
    return out


def product_performance_daily(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        lines, carts = sold_lines(shop, d), shop.on("add_to_cart", d)
        ids = dict(zip(shop.on("products", d)["product_name"], shop.on("products", d)["product_id"]))
        views = shop.on("pageviews", d)["path"].value_counts()
        for name in sorted(set(lines["product_name"]) | set(carts["product_name"])):
            mine = lines[lines["product_name"] == name]
            purchased, added = mine["event_id"].nunique(), int((carts["product_name"] == name).sum())
            seen = int(views.get(f"/product/{ids.get(name)}", 0))
            out[(d, name)] = {
                "product_id": ids.get(name),
                "times_purchased": purchased,
                "total_quantity_sold": int(mine["product_qty"].sum()),
                "total_revenue": total(mine["amount"]),
                "times_added_to_cart": added,
                "cart_to_purchase_rate": pct(purchased, added),
                "product_views": seen,
                "view_to_purchase_rate": pct(purchased, seen),
            }
    return out


def regional_sales(shop: Shop) -> dict[tuple, dict]:
    """Valid orders of D by the country and region of the order's session (a session of D)."""
    out = {}
    for d in shop.days:
        sessions = shop.on("sessions", d).set_index("session_id")[["country", "region"]]
        orders = valid(shop.on("orders", d)).join(sessions, on="session_id")
        for (country, region), o in orders.groupby(["country", "region"], dropna=False):
            revenue, n = total(o["total_price"]), o["order_id"].nunique()
            out[(d, _na(country), _na(region))] = {
                "orders": n, "revenue": revenue, "customers": o["user_id"].nunique(),
                "avg_order_value": ratio(revenue, n),
            }
    return out


def _na(value):
    return None if pd.isna(value) else value


def daily_revenue(shop: Shop) -> dict[tuple, dict]:
    business = daily_business_metrics(shop)
    revenue = {d: m["total_revenue"] for (d,), m in business.items()}
    orders = {d: m["total_orders"] for (d,), m in business.items()}
    first = shop.days[0]

    def trailing(d: date, n: int) -> float:
        window = [d - timedelta(days=i) for i in range(n) if d - timedelta(days=i) >= first]
        return ratio(total(revenue.get(x, Decimal(0)) for x in window), len(window))

    return {
        (d,): {"revenue": revenue[d], "orders": orders[d], "revenue_7d_avg": trailing(d, 7),
               "revenue_30d_avg": trailing(d, 30)}
        for d in shop.days
    }


# ---------------------------------------------------------------------------------------------
# Gold, weekly: user_lifetime_metrics as of the week's last day
# ---------------------------------------------------------------------------------------------
def _score(value, steps: tuple[tuple[float, int], ...], otherwise: int, at_most: bool = False) -> int:
    for bound, score in steps:
        if (value <= bound) if at_most else (value >= bound):
            return score
    return otherwise


def rfm_segment(r: int, f: int, m: int) -> str:
    if r >= 4 and f >= 4 and m >= 4:
        return "Champion"
    if r >= 3 and f >= 3:
        return "Loyal"
    if r >= 4 and f == 1:
        return "New"
    if r >= 3:
        return "Promising"
    if m >= 4:
        return "Big Spender"
    if f >= 3:
        return "At Risk"
    if r == 1 and f == 1:
        return "Lost"
    return "Hibernating"


def user_lifetime_metrics(shop: Shop, as_of: date) -> dict[tuple, dict]:
    days = [d for d in shop.days if d <= as_of]
    orders = valid(pd.concat([shop.on("orders", d) for d in days]))
    lines = pd.concat([sold_lines(shop, d) for d in days])
    categories = {}  # product name -> category, from each day's catalogue
    for d in days:
        categories.update(zip(shop.on("products", d)["product_name"], shop.on("products", d)["category"]))
    lines = lines.assign(category=lines["product_name"].map(categories))
    returns = shop["returns"][shop["returns"]["day"] <= as_of]
    out = {}
    for user, o in orders.groupby("user_id"):
        first, last = min(o["day"]), max(o["day"])
        n, revenue = o["order_id"].nunique(), total(o["total_price"])
        mine, back = lines[lines["user_id"] == user], returns[returns["user_id"] == user]
        refunded, since = total(back["refund_amount"]), (as_of - last).days
        by_category = sorted((-total(c["amount"]), name) for name, c in mine.groupby("category"))
        clv = revenue - refunded
        r = _score(since, ((30, 5), (90, 4), (180, 3), (365, 2)), 1, at_most=True)
        f = _score(n, ((10, 5), (5, 4), (3, 3), (2, 2)), 1)
        m = _score(revenue, ((1000, 5), (500, 4), (200, 3), (50, 2)), 1)
        out[(as_of, user)] = {
            "first_order_date": first,
            "last_order_date": last,
            "total_orders": n,
            "total_revenue": revenue,
            "avg_order_value": ratio(revenue, n),
            "days_since_last_order": since,
            "total_refunded": refunded,
            "return_rate": pct(int(back["product_qty"].sum()), int(mine["product_qty"].sum())),
            "lifespan_days": (last - first).days,
            "historic_clv": clv,
            "favorite_category": by_category[0][1] if by_category else None,
            "value_segment": "High Value" if clv >= 1000 else "Medium Value" if clv >= 200 else "Low Value",
            "activity_status": _score(since, ((30, "Active"), (90, "Lapsing"), (365, "Dormant")), "Inactive",
                                      at_most=True),
            "rfm_recency_score": r,
            "rfm_frequency_score": f,
            "rfm_monetary_score": m,
            "rfm_segment": rfm_segment(r, f, m),
        }
    return out
