"""The independent reference (see ``reference.py``) for the weekly and monthly gold tables it leaves out.

cohort_analysis, product_category_revenue_monthly, seasonal_sales_analysis, product_performance and
the raw validation, straight from metrics.md over the clean rows ``reference.load`` returns; it shares
no code with ``ecom_assets``. A month's days, for daily means and spreads, are its calendar days from
the first loaded day on, a day without sales counting as 0. Money stays Decimal, ratios are floats.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd

from ecom_assets_tests.reference import Shop, _na, daily_business_metrics, pct, total, valid
from ecom_assets_tests.reference_seeds import _month_sales


def month_of(d: date) -> date:
    return d.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def cohort_analysis(shop: Shop, as_of: date) -> dict[tuple, dict]:
    """(as_of, cohort_month, months_since_first) → the cohort's size, its active customers and revenue,
    for every month from the cohort's first to as_of's month, over valid orders up to as_of."""
    orders = valid(shop["orders"])
    orders = orders[(orders["day"] <= as_of) & orders["user_id"].notna()]
    cohort = {user: month_of(min(o["day"])) for user, o in orders.groupby("user_id")}
    size = defaultdict(int)
    for first in cohort.values():
        size[first] += 1
    active, revenue = defaultdict(set), defaultdict(list)
    for o in orders.to_dict("records"):
        key = (cohort[o["user_id"]], _months_between(cohort[o["user_id"]], o["day"]))
        active[key].add(o["user_id"])
        revenue[key].append(o["total_price"])
    out = {}
    for first, n in size.items():
        for since in range(_months_between(first, as_of) + 1):
            users = len(active[(first, since)])
            out[(as_of, first, since)] = {"cohort_size": n, "active_customers": users,
                                          "retention_rate": pct(users, n),
                                          "revenue": total(revenue[(first, since)])}
    return out


def _cost(sales: pd.DataFrame) -> Decimal:
    """Units × the sale day's unit cost; a line without a known cost adds none."""
    return total(q * c for q, c in zip(sales["product_qty"], sales["unit_cost"]) if _na(c) is not None)


def product_category_revenue_monthly(shop: Shop, month: date) -> dict[tuple, dict]:
    """(month, category, subcategory) → gross sales of the month's sold lines (the sale day's catalogue)."""
    sales, out = _month_sales(shop, month), {}
    for (category, subcategory), g in sales.groupby(["category", "subcategory"], dropna=False):
        revenue, cost = total(g["amount"]), _cost(g)
        out[(month, _na(category), _na(subcategory))] = {
            "revenue": revenue, "units": int(g["product_qty"].sum()), "orders": g["order_id"].nunique(),
            "cost": cost, "gross_profit": revenue - cost, "margin_pct": pct(revenue - cost, revenue),
        }
    return out


def _month_days(shop: Shop, month: date) -> list[date]:
    """The month's calendar days from the first loaded day on (days before it do not exist for the
    shop; a day not loaded yet counts as a day without sales)."""
    first, end = max(month, shop.days[0]), next_month(month)
    return [first + timedelta(days=i) for i in range((end - first).days)]


def _month_revenue(shop: Shop, month: date):
    """(revenue, orders) of the month's valid orders; None for a month before the first loaded day."""
    if month < shop.days[0]:
        return None, None
    orders = valid(shop["orders"])
    orders = orders[(orders["day"] >= month) & (orders["day"] < next_month(month))]
    return total(orders["total_price"]), orders["order_id"].nunique()


def seasonal_sales_analysis(shop: Shop, month: date) -> dict[tuple, dict]:
    """(month,) → revenue and orders, growth vs the previous month and the same month a year before
    (NULL when that month is not covered by the loaded days or had no revenue), and the volatility of
    the month's daily revenue (sample standard deviation / mean × 100)."""
    revenue, orders = _month_revenue(shop, month)
    previous, _ = _month_revenue(shop, month_of(month - timedelta(days=1)))
    last_year, _ = _month_revenue(shop, month.replace(year=month.year - 1))
    business = daily_business_metrics(shop)
    daily = [float(business[(d,)]["total_revenue"]) if (d,) in business else 0.0
             for d in _month_days(shop, month)]
    mean = statistics.fmean(daily)
    return {(month,): {
        "year": month.year, "quarter": (month.month - 1) // 3 + 1, "revenue": revenue, "orders": orders,
        "previous_month_revenue": previous, "same_month_last_year_revenue": last_year,
        "mom_growth_pct": None if previous is None else pct(revenue - previous, previous),
        "yoy_growth_pct": None if last_year is None else pct(revenue - last_year, last_year),
        "daily_revenue_volatility": statistics.stdev(daily) / mean * 100 if len(daily) > 1 and mean else None,
    }}


def _month_returns(shop: Shop, month: date) -> tuple[dict, dict]:
    """Units returned and the names returned, per product_id (the return day's catalogue; None when
    unknown), of the returns booked in the month."""
    units, names = defaultdict(int), defaultdict(set)
    for d in (x for x in shop.days if month_of(x) == month):
        ids = dict(zip(shop.on("products", d)["product_name"], shop.on("products", d)["product_id"]))
        for name, qty in zip(shop.on("returns", d)["product_name"], shop.on("returns", d)["product_qty"]):
            units[ids.get(name)] += qty or 0
            names[ids.get(name)].add(name)
    return units, names


def recommendation(units: int, stock: int | None, days_of_inventory: float | None,
                   margin: float | None) -> str:
    """metrics.md's rules, first match wins; with no sales, days of inventory are infinite when in stock
    (overstocked) and the product needs restocking when it is out of stock."""
    if (days_of_inventory is not None and days_of_inventory < 14) or (units == 0 and stock == 0):
        return "restock"
    if (days_of_inventory is not None and days_of_inventory > 120) or (units == 0 and (stock or 0) > 0):
        return "overstocked"
    if margin is not None and margin < 15:
        return "review_pricing"
    return "healthy"


def _one(names: set[str]) -> str | None:
    """The one name a product's sales and returns carry (a product not in the catalogue has no other)."""
    return names.pop() if len(names) == 1 else f"one of {sorted(names)}" if names else None


def product_performance(shop: Shop, month: date) -> dict[tuple, dict]:
    """(month, product_id) → the product's sales and returns of the month and its month-end catalogue
    row (the month's last day with a catalogue), for every product sold, returned or in that catalogue."""
    sales = _month_sales(shop, month)
    returned, returned_names = _month_returns(shop, month)
    last = max(d for d in shop.days if month_of(d) == month and not shop.on("products", d).empty)
    catalogue = {r["product_id"]: r for r in shop.on("products", last).to_dict("records")}
    sold = {_na(pid): g for pid, g in sales.groupby("product_id", dropna=False)}
    days = len(_month_days(shop, month))
    out = {}
    for pid in sold.keys() | returned.keys() | catalogue.keys():
        g, end = sold.get(pid), catalogue.get(pid, {})
        revenue = Decimal(0) if g is None else total(g["amount"])
        units = 0 if g is None else int(g["product_qty"].sum())
        profit = revenue - (Decimal(0) if g is None else _cost(g))
        names = {*(() if g is None else g["product_name"]), *returned_names.get(pid, ())}
        stock = end.get("stock_qty")
        doi = float(stock) / (units / days) if units and stock is not None else None
        margin = pct(profit, revenue)
        out[(month, pid)] = {
            "product_name": end.get("product_name") or _one(names),
            "category": end.get("category"), "subcategory": end.get("subcategory"),
            "revenue": revenue, "units": units, "gross_profit": profit, "margin_pct": margin,
            "units_returned": returned.get(pid, 0), "return_rate": pct(returned.get(pid, 0), units),
            "stock_qty": stock, "days_of_inventory": doi,
            "recommendation": recommendation(units, stock, doi, margin),
        }
    return out


def raw_validation(shop: Shop, month: date) -> dict[tuple, dict]:
    """(month, date) → each loaded day's revenue, valid orders and sessions from the raw files, twice
    (raw and gold): the reference has one reading of the raw files, so both sides must equal it."""
    out = {}
    for (d,), m in daily_business_metrics(shop).items():
        if month_of(d) == month:
            out[(month, d)] = {
                "raw_revenue": m["total_revenue"], "gold_revenue": m["total_revenue"],
                "raw_orders": m["total_orders"], "gold_orders": m["total_orders"],
                "raw_sessions": m["total_sessions"], "gold_sessions": m["total_sessions"], "matches": True,
            }
    return out
