"""The independent reference, continued: metrics.md "Gold: beyond the seeds" from the raw drops.

Built on ``reference.py``'s reading of the drops (``Shop``: the clean rows, ``day`` = the partition day)
and its Channel rules; like it, it shares no code with ``ecom_assets``. Paths are walked order by
order in plain Python; money is credited as float shares (compared within 1e-9).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import permutations

import pandas as pd

from ecom_assets_tests.reference import Shop, channel, valid

LOOKBACK_DAYS = 31  # sessions of the order's day and the 31 days before
MODELS = ("first_touch", "last_touch", "linear", "position_based")


def _sessions(shop: Shop) -> pd.DataFrame:
    s = shop["sessions"]
    sources = zip(s["utm_source"], s["utm_medium"], s["referrer"])
    s = s.assign(channel=[channel(*v) for v in sources])
    return s.sort_values(["day", "time"]).drop_duplicates("session_id")  # one row per session


def shares(model: str, n: int) -> list[float]:
    """Each position's share of an order with an n-session path."""
    if model == "first_touch":
        return [1.0] + [0.0] * (n - 1)
    if model == "last_touch":
        return [0.0] * (n - 1) + [1.0]
    if model == "linear":
        return [1 / n] * n
    if n <= 2:
        return [1 / n] * n
    return [0.4] + [0.2 / (n - 2)] * (n - 2) + [0.4]


def paths(shop: Shop) -> list[tuple[date, float, list[dict]]]:
    """(day, revenue, sessions in time order) of every valid order whose session is known."""
    sessions = _sessions(shop)
    by_id = {r["session_id"]: r for r in sessions.to_dict("records")}
    by_user = defaultdict(list)
    for r in by_id.values():
        if r["user_id"] is not None:
            by_user[r["user_id"]].append(r)
    out = []
    for o in valid(shop["orders"]).to_dict("records"):
        d, own = o["day"], by_id.get(o["session_id"])
        if own is None or not d - timedelta(days=LOOKBACK_DAYS) <= own["day"] <= d:
            continue  # its session is unknown
        user = o["user_id"] if o["user_id"] is not None else own["user_id"]
        earlier = [
            s for s in by_user.get(user, [])
            if s["session_id"] != own["session_id"] and d - timedelta(days=LOOKBACK_DAYS) <= s["day"] <= d
            and o["time"] - timedelta(days=30) <= s["time"] <= own["time"]
        ]
        earlier.sort(key=lambda s: (s["time"], s["session_id"]))
        out.append((d, float(o["total_price"]), [*earlier, own]))
    return out


def _credit(shop: Shop, key) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for d, revenue, path in paths(shop):
        for model in MODELS:
            for session, share in zip(path, shares(model, len(path))):
                if share > 0 and key(session) is not None:
                    row = out.setdefault((d, model, *key(session)), {"conversions": 0.0, "revenue": 0.0})
                    row["conversions"] += share
                    row["revenue"] += share * revenue
    return out


def channel_attribution(shop: Shop) -> dict[tuple, dict]:
    """(day, model, channel, utm_campaign) → conversions, revenue."""
    return _credit(shop, lambda s: (s["channel"], s["utm_campaign"]))


def attribution_roas(shop: Shop) -> dict[tuple, dict]:
    """(day, model, utm_source, utm_medium, utm_campaign) → spend, conversions, attributed_revenue,
    roas, cpa: campaigns with spend on the day, in every model, or with credit."""
    credited = _credit(shop, lambda s: None if s["utm_campaign"] is None
                       else (s["utm_source"], s["utm_medium"], s["utm_campaign"]))
    spend = shop["campaign_spend"].groupby(["day", "utm_source", "utm_medium", "utm_campaign"],
                                           dropna=False)["spend"].sum()
    out = {}
    for key in {*credited, *((d, m, *k) for (d, *k) in spend.index for m in MODELS)}:
        d, _, *campaign = key
        paid = float(spend.get((d, *campaign), 0))
        got = credited.get(key, {"conversions": 0.0, "revenue": 0.0})
        out[key] = {"spend": paid, "conversions": got["conversions"], "attributed_revenue": got["revenue"],
                    "roas": got["revenue"] / paid if paid else None,
                    "cpa": paid / got["conversions"] if got["conversions"] else None}
    return out


def product_affinity(shop: Shop, as_of: date) -> dict[tuple, dict]:
    """(as_of, antecedent, consequent) → the pair's counts, support, confidence, lift (90 days)."""
    first = as_of - timedelta(days=89)
    orders = valid(shop["orders"])
    orders = set(orders[(orders["day"] >= first) & (orders["day"] <= as_of)]["order_id"])
    items = shop["order_line_items"]
    items = items[(items["day"] >= first) & (items["day"] <= as_of) & items["order_id"].isin(orders)]
    baskets = items.dropna(subset=["product_name"]).groupby("order_id")["product_name"].agg(set)
    having = defaultdict(int)
    both = defaultdict(int)
    for basket in baskets:
        for p in basket:
            having[p] += 1
        for pair in permutations(sorted(basket), 2):
            both[pair] += 1
    n = len(orders)
    out = {}
    for (a, c), k in both.items():
        if k >= 3:
            confidence = 100 * k / having[a]
            out[(as_of, a, c)] = {"orders_with_both": k, "antecedent_orders": having[a],
                                  "consequent_orders": having[c], "total_orders": n,
                                  "support": 100 * k / n, "confidence": confidence,
                                  "lift": confidence / (100 * having[c] / n)}
    return out


def clv_summary(shop: Shop, as_of: date) -> dict[tuple, dict]:
    """(as_of, user_id) → frequency, recency, t_days, monetary in days (the BG/NBD inputs)."""
    orders = valid(shop["orders"])
    orders = orders[(orders["day"] <= as_of) & orders["user_id"].notna()]
    out = {}
    for user, o in orders.groupby("user_id"):
        days = o.groupby("day")["total_price"].sum().sort_index()
        repeat = days.iloc[1:]
        out[(as_of, user)] = {
            "frequency": len(days) - 1,
            "recency": (days.index[-1] - days.index[0]).days,
            "t_days": (as_of - days.index[0]).days,
            "monetary": float(sum(repeat) / len(repeat)) if len(repeat) else None,
        }
    return out
