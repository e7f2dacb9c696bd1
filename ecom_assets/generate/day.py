"""One day of the shop: the state carried across days and the day's formatted tables.

Each day draws from its own random streams, seeded by (seed, day, stream), and
only reads state left by earlier days, so day D's files are the same however
many days follow it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.generate import catalog, fmt, funnel, interactions, marketing, seasonality
from ecom_assets.generate.commerce import Orders, line_rows, order_rows, place_orders
from ecom_assets.generate.external import Subscriptions, weather_rows
from ecom_assets.generate.ids import row_ids
from ecom_assets.generate.pages import Pages
from ecom_assets.generate.pageviews import PageRows, build_pageviews
from ecom_assets.generate.people import Users, user_ids, user_rows
from ecom_assets.generate.returns import ReturnBook, restocked_units, return_rows
from ecom_assets.generate.sessions import Sessions, make_sessions

Tables = dict[str, dict[str, pa.Array]]
RETURNING_SHARE = 0.42  # of sessions, once the shop has a user base
# independent random streams of a day: adding draws to one never shifts the others
STREAMS = (
    "catalog",
    "count",
    "sessions",
    "funnel",
    "orders",
    "returns",
    "pages",
    "events",
    "stock",
    "users",
    "subscriptions",
    "weather",
    "spend",
    "return_times",
    "faults",
    "late",
)


def day_rng(seed: int, d: date | None, stream: str) -> np.random.Generator:
    """The random stream ``stream`` (one of :data:`STREAMS`) of day ``d`` (``None``: before day one)."""
    return np.random.default_rng([seed, d.toordinal() if d else 0, STREAMS.index(stream) + 1])


@dataclass
class World:
    """Everything carried from one day to the next."""

    seed: int
    sessions_per_day: int
    start: date
    catalog: catalog.Catalog
    pages: Pages
    users: Users = field(default_factory=Users)
    returns: ReturnBook = field(default_factory=ReturnBook)
    subscriptions: Subscriptions = field(default_factory=Subscriptions)
    next_order: int = 1
    recent: deque = field(default_factory=lambda: deque(maxlen=3))  # (day, tables) of the last days

    @classmethod
    def create(cls, seed: int, sessions_per_day: int, start: date) -> World:
        cat = catalog.build_catalog(day_rng(seed, None, "catalog"), sessions_per_day)
        return cls(seed, sessions_per_day, start, cat, Pages(cat))


def simulate_day(w: World, d: date) -> Tables:
    """Advance the world by day ``d`` and return its tables as formatted columns."""
    seed, cat, users = w.seed, w.catalog, w.users
    day_ms = fmt.day_start_ms(d)
    catalog.start_day(cat, d, day_rng(seed, d, "catalog"))
    n = seasonality.session_count(d, w.start, w.sessions_per_day, day_rng(seed, d, "count"))
    rng = day_rng(seed, d, "sessions")
    share = RETURNING_SHARE * (1 - np.exp(-(d - w.start).days / 10.0))
    returning = users.returning(int(rng.binomial(n, share)) if users.n else 0, d, rng)
    new = users.register(n - len(returning), d, rng)
    camps = marketing.campaigns(d)
    s = make_sessions(
        users, new, returning, seasonality.start_times(n, rng), camps, cat, w.pages, d, seed, rng
    )
    plan = funnel.plan_sessions(s, users, cat, seasonality.conversion_factor(d), day_rng(seed, d, "funnel"))
    o = place_orders(plan, s, users, cat, d, w.next_order, day_rng(seed, d, "orders"))
    p = build_pageviews(s, plan, o, w.pages, cat, day_rng(seed, d, "pages"))
    order_ms = p.times(s, o.session, p.order_offset, day_ms)
    by_time = np.argsort(order_ms, kind="stable")
    o.number[by_time] = w.next_order + np.arange(o.n)  # order ids follow the order time
    w.next_order += o.n
    w.returns.schedule(o, cat, d, day_rng(seed, d, "returns"))
    tables: Tables = {"sessions": s.columns}
    tables.update(_web_tables(d, s, p, plan, cat, w.pages, seed, day_rng(seed, d, "events")))
    tables.update(_order_tables(d, s, o, order_ms, by_time, cat, seed))
    booked = w.returns.book(d)
    rt_ms = np.sort(day_ms + day_rng(seed, d, "return_times").integers(0, 86_400_000, len(booked["qty"])))
    tables["returns"] = return_rows(
        booked, cat, row_ids("returns", d, np.arange(len(rt_ms)), seed), fmt.timestamps(rt_ms)
    )
    valid = ~o.cancelled[o.line_order]
    sold = np.bincount(o.line_product[valid], weights=o.line_qty[valid], minlength=cat.size).astype(np.int64)
    catalog.end_day(cat, d, sold, restocked_units(booked, cat.size), day_rng(seed, d, "stock"))
    tables["products"] = catalog.product_rows(cat)
    tables["users"] = user_rows(users, users.end_day(d, day_rng(seed, d, "users")))
    subs = w.subscriptions
    changed = subs.day(d, o.user[~o.cancelled], day_rng(seed, d, "subscriptions"), users.n)
    tables["subscriptions"] = subs.rows(changed, user_ids(subs.user[changed]))
    tables["weather"] = weather_rows(d, day_rng(seed, d, "weather"))
    per_camp = np.bincount(s.campaign[s.campaign >= 0], minlength=len(camps))
    paid_for = (s.campaign[o.session] >= 0) & ~o.cancelled
    revenue = np.bincount(s.campaign[o.session][paid_for], weights=o.total[paid_for], minlength=len(camps))
    tables["campaign_spend"] = marketing.spend_rows(d, camps, per_camp, revenue, day_rng(seed, d, "spend"))
    return tables


def _web_events(
    table: str,
    d: date,
    s: Sessions,
    p: PageRows,
    pages: Pages,
    session: np.ndarray,
    pv: np.ndarray,
    ms: np.ndarray,
    seed: int,
) -> tuple[dict[str, pa.Array], np.ndarray]:
    """Common columns of a web event table, rows sorted by time; returns (columns, sort order)."""
    order = np.argsort(ms, kind="stable")
    session, pv, ms = session[order], pv[order], ms[order]
    on_page = pv >= 0
    page = np.where(on_page, pv, 0)
    at = pa.array(page)
    # a click without a tracked pageview happened on the session's landing page
    path = np.where(on_page, p.path[page], pages.index(s.landing_kind[session], s.landing_target[session]))
    none = pa.nulls(len(pv), pa.string())
    ts = pa.array(session)
    return {
        "event_id": row_ids(table, d, np.arange(len(pv)), seed),
        "user_id": s.columns["user_id"].take(ts),
        "session_id": s.columns["session_id"].take(ts),
        "time": fmt.timestamps(ms, s.offset_min[session]),
        "domain": s.domains(session),
        "path": pages.paths.take(pa.array(path)),
        "hash": pc.if_else(pa.array(on_page), p.hash.take(at), none) if len(p.hash) else none,
        "query": pc.if_else(pa.array(on_page), p.query.take(at), none) if len(p.query) else none,
        "previous_page": fmt.pick(pages.paths, np.where(on_page, p.prev_path[page], -1)),
    }, order


def _web_tables(
    d: date,
    s: Sessions,
    p: PageRows,
    plan: funnel.Plan,
    cat: catalog.Catalog,
    pages: Pages,
    seed: int,
    rng: np.random.Generator,
) -> Tables:
    day_ms = fmt.day_start_ms(d)
    rows = np.arange(len(p.session))
    pv_cols, _ = _web_events(
        "pageviews", d, s, p, pages, p.session, rows, p.times(s, p.session, p.offset, day_ms), seed
    )
    sc = interactions.scrolls(p, rng)
    atc = interactions.add_to_cart(p, rng)
    ck = interactions.clicks(p, atc, s, pages, rng)
    out = {"pageviews": pv_cols}
    for name, ev in (("scrolls", sc), ("add_to_cart", atc), ("clicks", ck)):
        cols, order = _web_events(
            name, d, s, p, pages, ev.session, ev.pv, p.times(s, ev.session, ev.raw, day_ms), seed
        )
        if name == "scrolls":
            cols["scroll_percent"] = fmt.ints(ev.extra["scroll_percent"][order])
        elif name == "add_to_cart":
            item = ev.extra["item"][order]
            cols["product_name"] = fmt.pick(cat.names, plan.item_product[item])
            cols["product_price"] = fmt.money(cat.price[plan.item_product[item]])
            cols["product_qty"] = fmt.ints(plan.item_qty[item])
        else:
            targets = interactions.click_targets(ev, pages)
            cols.update({k: v.take(pa.array(order)) for k, v in targets.items()})
        out[name] = cols
    return out


def _order_tables(
    d: date,
    s: Sessions,
    o: Orders,
    order_ms: np.ndarray,
    by_time: np.ndarray,
    cat: catalog.Catalog,
    seed: int,
) -> Tables:
    times = fmt.timestamps(order_ms, s.offset_min[o.session])
    sess_ids = s.columns["session_id"].take(pa.array(o.session))
    orders = {k: v.take(pa.array(by_time)) for k, v in order_rows(o, sess_ids, times).items()}
    orders["event_id"] = row_ids("orders", d, np.arange(o.n), seed)
    rank = np.empty(o.n, dtype=np.int64)
    rank[by_time] = np.arange(o.n)
    line_order = np.lexsort((np.arange(len(o.line_order)), rank[o.line_order]))
    lines = {k: v.take(pa.array(line_order)) for k, v in line_rows(o, cat, sess_ids, times).items()}
    lines["event_id"] = row_ids("order_line_items", d, np.arange(len(line_order)), seed)
    return {"orders": orders, "order_line_items": lines}
