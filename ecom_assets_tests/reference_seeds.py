"""The independent reference (see ``reference.py``) for the seed documents' remaining tables.

Straight from the table dictionary's "Gold: the seeds' remaining tables", over the clean rows
``reference.load`` returns; it shares no code with ``ecom_assets``. Money stays Decimal, ratios are
floats (None when the denominator is 0).
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pandas as pd

from ecom_assets_tests.reference import (
    Shop,
    _na,
    pct,
    ratio,
    session_attribution,
    sold_lines,
    total,
    user_lifetime_metrics,
    valid,
)

# Stands for NULL in a pandas group key (not a NUL character: pandas' fillna turns "\0" into "").
NULL_KEY = "<NULL>"


def value_segment(clv: Decimal) -> str:
    return "High Value" if clv >= 1000 else "Medium Value" if clv >= 200 else "Low Value"


def _local_day(t: datetime | None) -> date | None:
    zone = ZoneInfo(os.environ.get("ECOM_TIMEZONE", "UTC"))
    return None if t is None or pd.isna(t) else t.replace(tzinfo=timezone.utc).astimezone(zone).date()


def sales_performance_metrics(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        sessions = session_attribution(shop, d)
        channel_of = dict(zip(sessions["session_id"], sessions["channel"]))
        orders = valid(shop.on("orders", d))
        orders = orders.assign(channel=[channel_of.get(s) for s in orders["session_id"]])
        per_channel = sessions.groupby("channel").size()
        for name in set(per_channel.index) | set(orders["channel"]):
            mine = orders[orders["channel"].isna()] if name is None else orders[orders["channel"] == name]
            n, revenue = mine["order_id"].nunique(), total(mine["total_price"])
            visits = int(per_channel.get(name, 0)) if name is not None else 0
            out[(d, name)] = {
                "total_revenue": revenue,
                "total_transactions": n,
                "unique_customers": mine["user_id"].nunique(),
                "avg_transaction_value": ratio(revenue, n),
                "sessions": visits,
                "conversion_rate": pct(n, visits),
            }
    return out


def storefront_performance(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        views = shop.on("pageviews", d)
        first = (
            views[views["session_id"].notna()].sort_values(["time", "event_id"]).drop_duplicates("session_id")
        )
        storefront = dict(zip(first["session_id"], first["domain"]))
        sessions = session_attribution(shop, d)
        sessions = sessions.assign(domain=[storefront.get(s) for s in sessions["session_id"]])
        per_domain = views.groupby(views["domain"].fillna(NULL_KEY), dropna=False).size()
        domains = {_na(x) for x in sessions["domain"]}
        domains |= {None if x == NULL_KEY else x for x in per_domain.index}
        for domain in domains:
            mine = (
                sessions[sessions["domain"].isna()]
                if domain is None
                else sessions[sessions["domain"] == domain]
            )
            converted = int((mine["orders"] > 0).sum())
            out[(d, domain)] = {
                "sessions": len(mine),
                "pageviews": int(per_domain.get(domain if domain is not None else NULL_KEY, 0)),
                "converted_sessions": converted,
                "orders": int(mine["orders"].sum()),
                "revenue": total(mine["revenue"]),
                "conversion_rate": pct(converted, len(mine)),
            }
    return out


def weather_sales_daily(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        sessions = shop.on("sessions", d)
        geo = sessions.set_index("session_id")[["country", "region"]]
        orders = valid(shop.on("orders", d)).join(geo, on="session_id")
        for w in shop.on("weather", d).itertuples():
            o = orders[(orders["country"] == w.country) & (orders["region"] == w.region)]
            s = sessions[(sessions["country"] == w.country) & (sessions["region"] == w.region)]
            out[(d, w.country, w.region)] = {
                "revenue": total(o["total_price"]),
                "orders": o["order_id"].nunique(),
                "sessions": s["session_id"].nunique(),
                "temperature_c": None if w.temperature_c is None else float(w.temperature_c),
                "precipitation_mm": None if w.precipitation_mm is None else float(w.precipitation_mm),
                "condition": w.condition,
            }
    return out


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


def weather_impact(shop: Shop, month: date) -> dict[tuple, dict]:
    by_region = defaultdict(list)
    for (d, country, region), m in weather_sales_daily(shop).items():
        if (d.year, d.month) == (month.year, month.month):
            by_region[(country, region)].append(m)
    out = {}
    for (country, region), days in by_region.items():
        revenue = [float(m["revenue"]) for m in days]
        rainy = [float(m["revenue"]) for m in days if (m["precipitation_mm"] or 0) > 1]
        mean = sum(revenue) / len(revenue)
        out[(month, country, region)] = {
            "days": len(days),
            "rainy_days": len(rainy),
            "revenue": total(m["revenue"] for m in days),
            "revenue_temperature_corr": _pearson(revenue, [m["temperature_c"] for m in days]),
            "revenue_precipitation_corr": _pearson(revenue, [m["precipitation_mm"] for m in days]),
            "rainy_day_revenue_index": (sum(rainy) / len(rainy)) / mean * 100 if rainy and mean else None,
        }
    return out


def _states(shop: Shop, d: date) -> tuple[dict[str, dict], set[str]]:
    """Each subscription's latest row with drop day <= d, and every plan such a row carried."""
    subs = shop["subscriptions"]
    upto = subs[subs["day"] <= d].sort_values(["day", "_row_number"])
    return {r["subscription_id"]: r for r in upto.to_dict("records")}, set(upto["plan"])


def subscription_performance(shop: Shop) -> dict[tuple, dict]:
    out, first = {}, shop.days[0]
    for d in shop.days:
        (today, plans), (yesterday, _) = _states(shop, d), _states(shop, d - timedelta(days=1))
        for plan in plans:
            mine = [s for s in today.values() if s["plan"] == plan]
            before = [s for s in yesterday.values() if s["plan"] == plan]
            mrr = total(s["monthly_fee"] for s in mine if s["status"] == "active")
            cancelled = sum(_local_day(s["cancelled_at"]) == d for s in mine)
            known = d > first  # the first day's previous day is unknown
            out[(d, plan)] = {
                "active_subscriptions": sum(s["status"] == "active" for s in mine),
                "new_subscriptions": sum(_local_day(s["started_at"]) == d for s in mine),
                "cancelled_subscriptions": cancelled,
                "paused_subscriptions": sum(s["status"] == "paused" for s in mine),
                "mrr": mrr,
                "net_mrr_change": mrr - total(s["monthly_fee"] for s in before if s["status"] == "active")
                if known
                else None,
                "churn_rate": pct(cancelled, sum(s["status"] == "active" for s in before)) if known else None,
            }
    return out


def customer_segments(shop: Shop, d: date) -> dict[str, str]:
    """The customer segment on d of every user with a valid order before d: value_segment of its valid
    orders and refunds before d (a user without an earlier order, not listed, is New)."""
    orders = valid(shop["orders"])
    spent = orders[(orders["day"] < d) & orders["user_id"].notna()].groupby("user_id")["total_price"]
    returns = shop["returns"]
    refunded = returns[returns["day"] < d].groupby("user_id")["refund_amount"].agg(total)
    return {user: value_segment(total(prices) - refunded.get(user, Decimal(0))) for user, prices in spent}


def _product_ids(shop: Shop, d: date) -> dict[str, str]:
    products = shop.on("products", d)
    return dict(zip(products["product_name"], products["product_id"]))


def customer_product_interactions(shop: Shop) -> dict[tuple, dict]:
    units_on, stock_on = {}, {}  # per day: units sold and end-of-day stock per product_id
    for x in shop.days:
        ids, sold = _product_ids(shop, x), sold_lines(shop, x)
        units_on[x] = defaultdict(int)
        for name, qty in zip(sold["product_name"], sold["product_qty"]):
            units_on[x][ids.get(name)] += qty
        products = shop.on("products", x)
        stock_on[x] = dict(zip(products["product_id"], products["stock_qty"]))
    out = {}
    for d in shop.days:
        ids, segments = _product_ids(shop, d), customer_segments(shop, d)
        names = {pid: name for name, pid in ids.items()}
        lines = sold_lines(shop, d)
        lines = lines.assign(
            product_id=[ids.get(n) for n in lines["product_name"]],
            segment=[segments.get(u, "New") for u in lines["user_id"]],
        )
        paths = shop.on("pageviews", d)["path"].dropna().str.rstrip("/").value_counts()
        views = {p: int(paths.get(f"/product/{p}", 0)) for p in ids.values() if paths.get(f"/product/{p}", 0)}
        window = [
            x for x in shop.days if d - timedelta(days=29) <= x <= d
        ]  # days before the first don't count
        by_product = {_na(pid): g for pid, g in lines.groupby("product_id", dropna=False)}
        for pid in by_product.keys() | views.keys():
            mine = by_product.get(pid, lines.iloc[:0])
            units, revenue = int(mine["product_qty"].sum()), total(mine["amount"])
            units_30d = sum(units_on[x][pid] for x in window) if pid is not None else 0
            stock = [stock_on[x][pid] for x in window if pid in stock_on[x]]
            mean_stock = sum(stock) / len(stock) if stock and pid is not None else None
            by_segment = sorted((-total(g["amount"]), s) for s, g in mine.groupby("segment"))
            out[(d, pid)] = {
                "product_name": names.get(pid),
                "total_views": views.get(pid, 0),
                "total_purchases": mine["order_id"].nunique(),
                "conversion_rate": pct(mine["order_id"].nunique(), views.get(pid, 0)),
                "total_revenue": revenue,
                "units_sold": units,
                "avg_selling_price": ratio(revenue, units),
                "units_sold_30d": units_30d,
                "mean_stock_30d": mean_stock,
                "inventory_turnover": ratio(units_30d, Decimal(str(mean_stock))) if mean_stock else None,
                "top_customer_segment": by_segment[0][1] if by_segment else None,
            }
    return out


def campaign_customer_segments(shop: Shop) -> dict[tuple, dict]:
    out = {}
    for d in shop.days:
        sessions = session_attribution(shop, d)
        sessions = sessions[sessions["utm_campaign"].notna()]
        segments = customer_segments(shop, d)
        sessions = sessions.assign(segment=[segments.get(u, "New") for u in sessions["user_id"]])
        keys = ["utm_source", "utm_medium", "utm_campaign", "segment"]
        for key, g in sessions.groupby([sessions[k].fillna(NULL_KEY) for k in keys]):
            converted = int((g["orders"] > 0).sum())
            out[(d, *(None if k == NULL_KEY else k for k in key))] = {
                "sessions": len(g),
                "conversions": converted,
                "revenue": total(g["revenue"]),
                "conversion_rate": pct(converted, len(g)),
            }
    return out


def purchase_diversity(shop: Shop, as_of: date) -> dict[str, int]:
    """Distinct categories (the sale day's catalogue) of each user's sold lines up to as_of."""
    seen = defaultdict(set)
    for d in (x for x in shop.days if x <= as_of):
        products = shop.on("products", d)
        category = dict(zip(products["product_name"], products["category"]))
        for user, name in zip(sold_lines(shop, d)["user_id"], sold_lines(shop, d)["product_name"]):
            if category.get(name) is not None:
                seen[user].add(category[name])
    return {u: len(c) for u, c in seen.items()}


def diversity_label(n: int) -> str | None:
    return "Diverse" if n >= 4 else "Few Categories" if n >= 2 else "Single Category" if n == 1 else None


def customer_segmentation(shop: Shop, as_of: date) -> dict[tuple, dict]:
    """(as_of, customer_id) → the customer's view of user_lifetime_metrics and its purchase diversity."""
    categories = purchase_diversity(shop, as_of)
    return {(day, user): {
        "value_segment": m["value_segment"], "activity_status": m["activity_status"],
        "distinct_categories": categories.get(user, 0),
        "purchase_diversity": diversity_label(categories.get(user, 0)),
        "total_spend": m["total_revenue"], "total_transactions": m["total_orders"],
        "avg_transaction_value": m["avg_order_value"], "last_purchase_date": m["last_order_date"],
        "days_since_last_purchase": m["days_since_last_order"], "segment_date": day,
    } for (day, user), m in user_lifetime_metrics(shop, as_of).items()}


def _month_sales(shop: Shop, month: date) -> pd.DataFrame:
    """The month's sold lines with the sale day's product_id, category, subcategory and unit_cost, and
    the order's payment method."""
    frames = []
    for d in (x for x in shop.days if (x.year, x.month) == (month.year, month.month)):
        products = shop.on("products", d).set_index("product_name")
        orders = valid(shop.on("orders", d))
        methods = dict(zip(orders["order_id"], orders["payment_method"]))
        lines = sold_lines(shop, d)
        frames.append(lines.assign(
            product_id=[products["product_id"].get(n) for n in lines["product_name"]],
            category=[products["category"].get(n) for n in lines["product_name"]],
            subcategory=[products["subcategory"].get(n) for n in lines["product_name"]],
            unit_cost=[products["unit_cost"].get(n) for n in lines["product_name"]],
            payment_method=[methods.get(o) for o in lines["order_id"]],
        ))
    return pd.concat(frames, ignore_index=True)


def product_revenue_payment_analysis(shop: Shop, month: date) -> dict[tuple, dict]:
    sales, out = _month_sales(shop, month), {}
    category_revenue = {c: total(g["amount"]) for c, g in sales.groupby(sales["category"].fillna(NULL_KEY))}
    keys = [sales["category"].fillna(NULL_KEY), sales["payment_method"].fillna(NULL_KEY)]
    for (category, method), g in sales.groupby(keys):
        revenue = total(g["amount"])
        out[(month, None if category == NULL_KEY else category, None if method == NULL_KEY else method)] = {
            "revenue": revenue, "orders": g["order_id"].nunique(), "units": int(g["product_qty"].sum()),
            "revenue_share_pct": pct(revenue, category_revenue[category]),
        }
    return out


def pricing_insights(shop: Shop, month: date) -> dict[tuple, dict]:
    """For a month whose previous month has no data (no price change, no elasticity)."""
    sales = _month_sales(shop, month)
    days = [x for x in shop.days if (x.year, x.month) == (month.year, month.month)]
    last = shop.on("products", days[-1]).set_index("product_id")
    list_price = {}  # each product's last snapshot of the month
    for d in days:
        list_price.update(zip(shop.on("products", d)["product_id"], shop.on("products", d)["list_price"]))
    days_in_month = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - month).days
    out = {}
    for pid in set(sales["product_id"].dropna()) | set(last.index):
        mine = sales[sales["product_id"] == pid]
        units, revenue = int(mine["product_qty"].sum()), total(mine["amount"])
        cost = total(q * c for q, c in zip(mine["product_qty"], mine["unit_cost"]) if c is not None)
        margin = pct(revenue - cost, revenue)
        stock = last["stock_qty"].get(pid)
        doi = None if not units or stock is None else float(Decimal(stock) / (Decimal(units) / days_in_month))
        asp, price = ratio(revenue, units), list_price.get(pid)
        out[(month, pid)] = {
            "product_name": last["product_name"].get(pid, next(iter(mine["product_name"]), None)),
            "list_price": price, "avg_selling_price": asp, "units": units, "previous_units": 0,
            "discount_depth_pct": float((price - Decimal(str(asp))) / price * 100) if price and asp else None,
            "margin_pct": margin, "price_change_pct": None, "price_elasticity": None,
            "pricing_action": "raise_price" if margin is not None and margin < 15
            else "discount" if doi is not None and doi > 120 else "hold",
        }
    return out
