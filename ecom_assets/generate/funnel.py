"""How far each session goes: browse → product view → cart → checkout → order.

Every session draws one uniform number against nested thresholds, so the
funnel is monotone by construction (an order implies a checkout view, a cart
and a product view). Conversion depends on the channel, the platform, the
user's affinity, whether the user bought before and the day (weekend,
holidays). Cart items are drawn from in-stock products by popularity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecom_assets.generate import pages as pg
from ecom_assets.generate.catalog import Catalog
from ecom_assets.generate.marketing import CHANNELS
from ecom_assets.generate.people import Users
from ecom_assets.generate.sessions import Sessions

BROWSE, VIEW, CART, CHECKOUT, ORDER = range(5)
PLATFORM_CONVERSION = np.array([1.3, 0.8, 1.0])  # desktop, mobile, tablet
TWO_ORDER_SHARE = 0.04
NO_PAGEVIEW_SHARE = 0.02  # browsing sessions whose pageviews were not tracked


@dataclass
class Plan:
    """Per session: final stage and whether pageviews were tracked; per cart item: its session,
    product, quantity, order (0 = first, 1 = a second order in the same session), rank in the
    cart and whether it was removed before checkout."""

    stage: np.ndarray
    has_pv: np.ndarray
    item_session: np.ndarray
    item_product: np.ndarray
    item_qty: np.ndarray
    item_order_no: np.ndarray
    item_rank: np.ndarray
    item_removed: np.ndarray


def plan_sessions(
    s: Sessions, users: Users, catalog: Catalog, day_conversion: float, rng: np.random.Generator
) -> Plan:
    """Draw each session's stage and cart contents."""
    n = s.n
    base = np.array([v[2] for v in CHANNELS.values()])[s.channel]
    buyer = users.orders_valid[s.user] > 0
    p_order = np.clip(
        base
        * users.affinity[s.user]
        * np.where(buyer, 1.6, 1.0)
        * PLATFORM_CONVERSION[s.platform]
        * day_conversion,
        0.0,
        0.4,
    )
    p_checkout = np.maximum(np.minimum(0.6, p_order * 1.7), p_order)
    p_cart = np.maximum(np.minimum(0.75, p_order * 3.6), p_checkout)
    p_view = np.maximum(np.where(s.is_new, 0.58, 0.66), p_cart)
    u = rng.random(n)
    stage = ((u < p_view).astype(np.int8) + (u < p_cart) + (u < p_checkout) + (u < p_order)).astype(np.int8)
    has_pv = ~((stage == BROWSE) & (rng.random(n) < NO_PAGEVIEW_SHARE))
    in_stock = catalog.popularity * (catalog.stock > 0)
    if in_stock.sum() == 0:
        stage = np.minimum(stage, VIEW).astype(np.int8)
    carting = np.flatnonzero(stage >= CART)
    k = rng.choice([1, 2, 3, 4], len(carting), p=[0.55, 0.27, 0.12, 0.06])
    sess = np.repeat(carting, k)
    rank = np.arange(len(sess)) - np.repeat(np.cumsum(k) - k, k)
    w = in_stock / max(in_stock.sum(), 1e-12)
    product = rng.choice(catalog.size, len(sess), p=w) if len(sess) else np.zeros(0, np.int64)
    landing = s.landing_target[sess]
    from_landing = (
        (rank == 0)
        & (s.landing_kind[sess] == pg.PRODUCT)
        & (rng.random(len(sess)) < 0.6)
        & (catalog.stock[landing] > 0)
    )
    product = np.where(from_landing, landing, product)
    qty = rng.choice([1, 2, 3, 4, 5], len(sess), p=[0.8, 0.13, 0.04, 0.02, 0.01])
    bulk = rng.random(len(sess)) < 0.004  # a business buyer: an outlier order
    qty[bulk] = rng.integers(10, 25, int(bulk.sum()))
    second = carting[(stage[carting] == ORDER) & (rng.random(len(carting)) < TWO_ORDER_SHARE)]
    sess = np.concatenate([sess, second])
    product = np.concatenate([product, rng.choice(catalog.size, len(second), p=w) if len(second) else second])
    qty = np.concatenate([qty, np.ones(len(second), np.int64)])
    rank = np.concatenate([rank, np.full(len(second), 10)])
    order_no = np.concatenate([np.zeros(len(sess) - len(second), np.int8), np.ones(len(second), np.int8)])
    # one cart line per product and session: keep the first draw
    keep = np.zeros(len(sess), dtype=bool)
    keep[np.unique(sess * catalog.size + product, return_index=True)[1]] = True
    sess, product, qty, rank, order_no = sess[keep], product[keep], qty[keep], rank[keep], order_no[keep]
    removed = (stage[sess] >= CHECKOUT) & (rank > 0) & (order_no == 0) & (rng.random(len(sess)) < 0.1)
    return Plan(stage, has_pv, sess, product, qty.astype(np.int64), order_no, rank, removed)
