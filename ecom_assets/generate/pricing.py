"""What an order costs: coupons (first matching offer wins), discount and shipping, in cents.

A few coupons take more than 30 % off (``FLASH35``, ``BLACKFRIDAY40``, sometimes
``VIP25`` on top of nothing else), so the ``high_discount`` review rule has work.
Shipping is free from $50 after discount (standard) or costs 4.99; express
costs 12.99 (9.99 from $50), so small orders often pay > 20 % in shipping.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ecom_assets.generate import reference
from ecom_assets.generate.seasonality import black_friday

COUPON = {c[0]: i for i, c in enumerate(reference.COUPONS)}
FREE_SHIPPING_FROM = 5000
EXPRESS_SHARE = 0.12


def coupons(
    first: np.ndarray,
    email: np.ndarray,
    vip: np.ndarray,
    subtotal: np.ndarray,
    d: date,
    rng: np.random.Generator,
) -> np.ndarray:
    """Coupon per order (index into ``reference.COUPONS``, -1 = none)."""
    n = len(first)
    r = rng.random((6, n))
    black_friday_window = -1 <= (d - black_friday(d.year)).days <= 3
    generic = np.array([COUPON["SAVE15"], COUPON["TAKE5"], COUPON["FREESHIP"]])[rng.integers(0, 3, n)]
    min_subtotal = np.array([c[3] for c in reference.COUPONS])[generic]
    offers = [
        (black_friday_window & (r[0] < 0.3), COUPON["BLACKFRIDAY40"]),
        (first & (r[1] < 0.22), COUPON["WELCOME10"]),
        (vip & (r[2] < 0.3), COUPON["VIP25"]),
        (email & (r[3] < 0.3), COUPON["EMAIL10"]),
        (r[4] < 0.006, COUPON["FLASH35"]),
        ((r[5] < 0.08) & (subtotal >= min_subtotal), generic),
    ]
    coupon = np.full(n, -1, dtype=np.int64)
    for cond, code in reversed(offers):
        coupon = np.where(cond, code, coupon)
    return coupon


def discount_and_shipping(
    coupon: np.ndarray, subtotal: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(discount, shipping_price) in cents of orders with the given coupons and item subtotals."""
    kind = np.array([c[1] for c in reference.COUPONS] + ["none"])[coupon]
    value = np.array([c[2] for c in reference.COUPONS] + [0])[coupon]
    pct = np.round(subtotal * value / 100.0).astype(np.int64)
    discount = np.select([kind == "pct", kind == "fixed"], [pct, np.minimum(value, subtotal)], 0)
    big = subtotal - discount >= FREE_SHIPPING_FROM
    express = rng.random(len(coupon)) < EXPRESS_SHARE
    shipping = np.where(express, np.where(big, 999, 1299), np.where(big, 0, 499))
    return discount.astype(np.int64), np.where(kind == "ship", 0, shipping).astype(np.int64)
