"""Orders and their line items (``order_table.csv``, ``order_line_item_table.csv``).

Every order is internally consistent, in integer cents:
``total_price = Σ(product_price × product_qty) − discount + shipping_price``,
``total_items`` = distinct products, ``total_qty`` = Σ qty, and each line's
``product_price`` is the product's list price of the day.
``is_first_purchase`` is 1 exactly for the user's first order ever, of any
status (a cancelled first order still counts as the first).
Orders take stock in session order; a line whose product has run out is
dropped, and an order left without lines is not placed (the session ends at
checkout). Cancelled orders do not consume stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from ecom_assets.generate import fmt, pricing, reference
from ecom_assets.generate.catalog import Catalog
from ecom_assets.generate.funnel import CHECKOUT, ORDER, Plan
from ecom_assets.generate.marketing import CHANNEL_NAMES
from ecom_assets.generate.people import Users, user_ids
from ecom_assets.generate.sessions import Sessions

_EMAIL = CHANNEL_NAMES.index("Email")


@dataclass
class Orders:
    """The day's placed orders (sorted by session start) and their lines."""

    session: np.ndarray
    order_no: np.ndarray
    user: np.ndarray
    number: np.ndarray  # global order number → order_id ``O000000123``
    cancelled: np.ndarray
    payment: np.ndarray
    coupon: np.ndarray  # index into reference.COUPONS, -1 when none
    subtotal: np.ndarray
    discount: np.ndarray
    shipping: np.ndarray
    total: np.ndarray
    n_items: np.ndarray
    qty: np.ndarray
    first: np.ndarray
    line_order: np.ndarray
    line_product: np.ndarray
    line_qty: np.ndarray
    line_price: np.ndarray

    @property
    def n(self) -> int:
        return len(self.session)


def place_orders(
    plan: Plan,
    s: Sessions,
    users: Users,
    catalog: Catalog,
    d: date,
    next_number: int,
    rng: np.random.Generator,
) -> Orders:
    """Turn the ordering sessions' carts into orders, honouring stock; updates ``plan.stage``."""
    key_all = plan.item_session * 2 + plan.item_order_no
    wants = (plan.stage[plan.item_session] == ORDER) & ~plan.item_removed
    cand = np.unique(key_all[wants])  # (session, order_no) keys, in session (= time) order
    c_sess, c_no = cand // 2, (cand % 2).astype(np.int8)
    desktop = s.platform[c_sess] == 0
    payment = np.where(
        desktop,
        rng.choice(5, len(cand), p=reference.PAYMENT_DESKTOP),
        rng.choice(5, len(cand), p=reference.PAYMENT_MOBILE),
    )
    cancelled = rng.random(len(cand)) < np.array(reference.CANCEL_RATE)[payment]
    li = np.flatnonzero(wants)
    li_order = np.searchsorted(cand, key_all[li])
    prod, qty = plan.item_product[li], plan.item_qty[li]
    # valid orders take units first come, first served (first orders before second ones)
    rank = np.argsort(np.lexsort((c_sess, c_no)))[li_order]
    ok = fits_stock(prod, qty, np.where(cancelled[li_order], -1, rank), catalog.stock)
    alive = np.bincount(li_order[ok], minlength=len(cand)) > 0
    first_alive = np.zeros(s.n, dtype=bool)
    first_alive[c_sess[alive & (c_no == 0)]] = True
    alive &= (c_no == 0) | first_alive[c_sess]  # no second order without the first
    plan.stage[(plan.stage == ORDER) & ~first_alive] = CHECKOUT
    keep = ok & alive[li_order]
    line_order = (np.cumsum(alive) - 1)[li_order[keep]]
    sess, product, qty = c_sess[alive], prod[keep], qty[keep]
    n, user, price = len(sess), s.user[sess], catalog.price[product]
    subtotal = np.bincount(line_order, weights=price * qty, minlength=n).round().astype(np.int64)
    first_of_day = np.zeros(n, dtype=bool)
    first_of_day[np.unique(user, return_index=True)[1]] = True
    first = first_of_day & (users.orders_any[user] == 0)
    coupon = pricing.coupons(first, s.channel[sess] == _EMAIL, users.tier(user) == 2, subtotal, d, rng)
    discount, shipping = pricing.discount_and_shipping(coupon, subtotal, rng)
    o = Orders(
        session=sess, order_no=c_no[alive], user=user, number=next_number + np.arange(n),
        cancelled=cancelled[alive], payment=payment[alive], coupon=coupon, subtotal=subtotal,
        discount=discount, shipping=shipping, total=subtotal - discount + shipping,
        n_items=np.bincount(line_order, minlength=n),
        qty=np.bincount(line_order, weights=qty, minlength=n).astype(np.int64), first=first,
        line_order=line_order, line_product=product, line_qty=qty, line_price=price,
    )  # fmt: skip
    users.book_orders(o.user, ~o.cancelled, o.total, d)
    return o


def fits_stock(product: np.ndarray, qty: np.ndarray, rank: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Which lines get their units when lines take stock in ``rank`` order (rank -1: a cancelled
    order's line, which takes nothing but still needs the product in stock)."""
    ok = stock[product] > 0
    takes = np.flatnonzero(rank >= 0)
    order = takes[np.lexsort((rank[takes], product[takes]))]
    cum = np.cumsum(qty[order])
    starts = np.r_[0, np.flatnonzero(np.diff(product[order]) != 0) + 1] if len(order) else np.zeros(0, int)
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    taken_before = cum - qty[order] - np.where(group_start > 0, cum[group_start - 1], 0)
    ok[order] &= taken_before + qty[order] <= stock[product[order]]
    return ok


def order_ids(number: np.ndarray) -> pa.StringArray:
    """``O000000123``-style order ids."""
    return fmt.padded("O", number, 9)


def order_rows(o: Orders, session_ids: pa.Array, times: pa.Array) -> dict[str, pa.Array]:
    """``order_table.csv`` columns but ``event_id`` (given per order: session ids, formatted times)."""
    return {
        "user_id": user_ids(o.user),
        "session_id": session_ids,
        "order_id": order_ids(o.number),
        "time": times,
        "total_price": fmt.money(o.total),
        "shipping_price": fmt.money(o.shipping),
        "discount": fmt.money(o.discount),
        "discount_coupon_code": fmt.pick([c[0] for c in reference.COUPONS], o.coupon),
        "total_items": fmt.ints(o.n_items),
        "total_qty": fmt.ints(o.qty),
        "payment_method": fmt.pick(reference.PAYMENT_METHODS, o.payment),
        "order_status": fmt.pick(["completed", "cancelled"], o.cancelled.astype(np.int64)),
        "is_first_purchase": fmt.ints(o.first),
    }


def line_rows(o: Orders, catalog: Catalog, session_ids: pa.Array, times: pa.Array) -> dict[str, pa.Array]:
    """``order_line_item_table.csv`` columns but ``event_id``; ``session_ids``/``times`` are per order."""
    take = pa.array(o.line_order)
    return {
        "user_id": user_ids(o.user[o.line_order]),
        "session_id": session_ids.take(take),
        "order_id": order_ids(o.number[o.line_order]),
        "time": times.take(take),
        "product_name": fmt.pick(catalog.names, o.line_product),
        "product_price": fmt.money(o.line_price),
        "product_qty": fmt.ints(o.line_qty),
    }
