"""Page sequences of the sessions and their timing.

A session's pages are: its landing page, some browsing, the product page of
each cart item, then ``/cart``, ``/checkout`` and ``/checkout/confirmation``
as far as its stage goes (twice for a session with a second order). Each page
has a dwell time; the interactions on a page (scrolls, clicks, add-to-cart,
the order) happen within that dwell. When a late session would run past
midnight, its whole timeline is compressed so every event stays on the drop
day, in order, after the session start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.generate import fmt, reference
from ecom_assets.generate import pages as pg
from ecom_assets.generate.catalog import Catalog
from ecom_assets.generate.commerce import Orders
from ecom_assets.generate.funnel import BROWSE, CART, CHECKOUT, ORDER, VIEW, Plan
from ecom_assets.generate.sessions import Sessions

_BROWSE_KINDS = [pg.HOME, pg.CATEGORY, pg.PRODUCT, pg.SEARCH, pg.CONTENT, pg.ACCOUNT]
_BROWSE_ONLY = [0.25, 0.35, 0.0, 0.15, 0.15, 0.10]
_BROWSE_SHOPPING = [0.1, 0.25, 0.45, 0.12, 0.04, 0.04]
_EXTRA_QUERIES = ["sort=price_asc", "sort=newest", "page=2"]
DAY_END_MARGIN_MS = 1001


@dataclass
class PageRows:
    """Pageviews sorted by session then sequence, with raw (unscaled) offsets in ms."""

    session: np.ndarray
    kind: np.ndarray
    path: np.ndarray  # index into Pages.paths
    prev_path: np.ndarray  # -1 for a session's first page
    next_path: np.ndarray  # -1 for its last page
    next_kind: np.ndarray
    item: np.ndarray  # plan item whose add-to-cart happens on this page, else -1
    offset: np.ndarray
    dwell: np.ndarray
    query: pa.Array
    hash: pa.Array
    scale: np.ndarray  # per session: timeline compression (1 = none)
    order_pv: np.ndarray  # per order, its checkout page row
    order_offset: np.ndarray  # per order, raw offset of the purchase
    place_click: np.ndarray  # per order, raw offset of the "place order" click

    def times(self, s: Sessions, session: np.ndarray, raw: np.ndarray, day_ms: int) -> np.ndarray:
        """Absolute ms of raw offsets within their sessions (compressed, strictly after the start)."""
        return day_ms + s.start[session] + 1 + np.floor(raw * self.scale[session]).astype(np.int64)


def build_pageviews(
    s: Sessions, plan: Plan, orders: Orders, pages: pg.Pages, catalog: Catalog, rng: np.random.Generator
) -> PageRows:
    """Lay out every session's pages in order and time them."""
    n = s.n
    blocks: list[tuple] = []

    def add(sess, pos, kind, target, item=-1) -> None:
        blocks.append((sess, *(np.broadcast_to(x, len(sess)) for x in (pos, kind, target, item))))

    land = np.flatnonzero(plan.has_pv)
    add(land, 0, s.landing_kind[land], s.landing_target[land])
    browse = np.where(
        plan.stage == BROWSE,
        np.where(rng.random(n) < 0.55, 0, rng.geometric(0.45, n)),
        rng.geometric(0.35, n) - 1,
    )
    browse = np.minimum(browse, 25) * plan.has_pv
    bs = np.repeat(np.arange(n), browse)
    bpos = np.arange(len(bs)) - np.repeat(np.cumsum(browse) - browse, browse) + 1
    probs = np.where((plan.stage[bs] == BROWSE)[:, None], _BROWSE_ONLY, _BROWSE_SHOPPING)
    bkind = np.array(_BROWSE_KINDS)[(probs.cumsum(axis=1) < rng.random((len(bs), 1))).sum(axis=1).clip(0, 5)]
    add(bs, bpos, bkind, _targets(bkind, catalog, pages, rng))
    viewed = np.zeros(n, dtype=bool)
    viewed[land[s.landing_kind[land] == pg.PRODUCT]] = True
    viewed[bs[bkind == pg.PRODUCT]] = True
    need = np.flatnonzero((plan.stage == VIEW) & ~viewed)
    add(need, 500, pg.PRODUCT, rng.choice(catalog.size, len(need), p=catalog.popularity))
    second = np.zeros(n, dtype=bool)
    second[orders.session[orders.order_no == 1]] = True
    items = np.flatnonzero((plan.item_order_no == 0) | second[plan.item_session])
    isess = plan.item_session[items]
    add(
        isess,
        np.where(plan.item_order_no[items] == 0, 1000 + plan.item_rank[items], 2003),
        pg.PRODUCT,
        plan.item_product[items],
        items,
    )
    for stage, kind, pos in ((CART, pg.CART, 2000), (CHECKOUT, pg.CHECKOUT, 2001), (ORDER, pg.CONFIRM, 2002)):
        add(np.flatnonzero(plan.stage >= stage), pos, kind, 0)
    for kind, pos in ((pg.CART, 2004), (pg.CHECKOUT, 2005), (pg.CONFIRM, 2006)):
        add(np.flatnonzero(second), pos, kind, 0)
    sess, pos, kind, target, item = (np.concatenate([b[i] for b in blocks]) for i in range(5))
    order = np.lexsort((pos, sess))
    sess, pos, kind, target, item = sess[order], pos[order], kind[order], target[order], item[order]
    path = pages.index(kind, target)
    m = len(sess)
    first = np.r_[True, sess[1:] != sess[:-1]] if m else np.zeros(0, bool)
    last = np.r_[sess[1:] != sess[:-1], True] if m else np.zeros(0, bool)
    prev_path = np.where(first, -1, np.r_[-1, path[:-1]])
    next_path = np.where(last, -1, np.r_[path[1:], -1])
    next_kind = np.where(last, -1, np.r_[kind[1:], -1])
    dwell = np.clip(np.exp(rng.normal(np.log(28_000), 0.9, m)), 2_000, 900_000)
    dwell = np.where(kind == pg.CHECKOUT, rng.uniform(40_000, 200_000, m), dwell)
    dwell = np.where(kind == pg.CONFIRM, rng.uniform(8_000, 60_000, m), dwell)
    before = np.cumsum(dwell) - dwell
    offset = (
        before
        - np.maximum.accumulate(np.where(first, before, 0))
        + np.repeat(rng.uniform(50, 1500, int(first.sum())), np.diff(np.r_[np.flatnonzero(first), m]))
    )
    span = np.full(n, 30_000.0)
    span[sess[last]] = offset[last] + dwell[last]
    scale = np.minimum(1.0, (86_400_000 - DAY_END_MARGIN_MS - s.start) / span)
    co = np.flatnonzero(kind == pg.CHECKOUT)
    co_key = sess[co] * 2 + (pos[co] == 2005)
    at = co[np.searchsorted(co_key, orders.session * 2 + orders.order_no)]
    order_offset = offset[at] + dwell[at] * rng.uniform(0.92, 0.98, orders.n)
    place_click = offset[at] + dwell[at] * rng.uniform(0.85, 0.9, orders.n)
    query, hash_ = _query_hash(s, sess, kind, first, rng)
    return PageRows(
        sess,
        kind,
        path,
        prev_path,
        next_path,
        next_kind,
        item,
        offset,
        dwell,
        query,
        hash_,
        scale,
        at,
        order_offset,
        place_click,
    )


def _targets(kind: np.ndarray, catalog: Catalog, pages: pg.Pages, rng: np.random.Generator) -> np.ndarray:
    product = rng.choice(catalog.size, len(kind), p=catalog.popularity)
    return np.select(
        [kind == pg.PRODUCT, kind == pg.CATEGORY, kind == pg.CONTENT],
        [product, catalog.category[product], rng.integers(0, pages.n_content, len(kind))],
        0,
    )


def _query_hash(
    s: Sessions, sess: np.ndarray, kind: np.ndarray, first: np.ndarray, rng: np.random.Generator
) -> tuple[pa.Array, pa.Array]:
    m = len(sess)
    terms = [f"q={t}" for t in reference.SEARCH_TERMS]
    q = np.where(
        kind == pg.SEARCH,
        3 + rng.integers(0, len(terms), m),
        np.where((kind == pg.CATEGORY) & (rng.random(m) < 0.15), rng.integers(0, 3, m), -1),
    )
    taken = pa.array(sess)
    query = pc.if_else(
        pa.array(first), s.columns["landing_page_query"].take(taken), fmt.pick(_EXTRA_QUERIES + terms, q)
    )
    h = np.where((kind == pg.PRODUCT) & (rng.random(m) < 0.05), 0, -1)
    hash_ = pc.if_else(pa.array(first), s.columns["landing_page_hash"].take(taken), fmt.pick(["#reviews"], h))
    return query, hash_
