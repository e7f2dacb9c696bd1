"""Returns (``return_table.csv``): decided when an order is placed, booked 1–30 days later.

Only lines of non-cancelled orders are returned, at most the bought quantity;
the refund is the line's share of what was paid for the goods (price × qty,
less the order's discount pro rata), so never more than price × qty. Returned
units go back to stock unless damaged or defective.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from ecom_assets.generate import fmt, reference
from ecom_assets.generate.catalog import Catalog
from ecom_assets.generate.commerce import Orders, order_ids
from ecom_assets.generate.people import user_ids

_FIELDS = ("user", "number", "product", "qty", "refund", "reason")
_REASON_APPAREL = [0.5, 0.05, 0.15, 0.25, 0.03, 0.02]
_REASON_OTHER = [0.0, 0.2, 0.25, 0.3, 0.2, 0.05]
_NOT_RESTOCKED = [reference.RETURN_REASONS.index(r) for r in ("damaged", "defective")]


class ReturnBook:
    """Returns scheduled for future booking days."""

    def __init__(self) -> None:
        self._due: dict[int, list[dict[str, np.ndarray]]] = {}

    def schedule(self, o: Orders, catalog: Catalog, d: date, rng: np.random.Generator) -> None:
        """Decide which lines of the day's valid orders will come back, and when."""
        line_valid = ~o.cancelled[o.line_order]
        p = catalog.return_rate[o.line_product] * (1.0 + 0.3 * (o.line_qty > 1))
        ret = np.flatnonzero(line_valid & (rng.random(len(p)) < p))
        if not len(ret):
            return
        delay = np.minimum(30, 1 + rng.geometric(0.12, len(ret)))
        order = o.line_order[ret]
        bought = o.line_qty[ret]
        qty = np.where(rng.random(len(ret)) < 0.8, bought, rng.integers(1, bought + 1))
        paid_share = 1.0 - o.discount[order] / np.maximum(o.subtotal[order], 1)
        refund = np.floor(o.line_price[ret] * qty * paid_share).astype(np.int64)
        apparel = catalog.category_names.index("Apparel")
        is_apparel = catalog.category[o.line_product[ret]] == apparel
        reason = np.where(
            is_apparel, rng.choice(6, len(ret), p=_REASON_APPAREL), rng.choice(6, len(ret), p=_REASON_OTHER)
        )
        rows = {
            "user": o.user[order],
            "number": o.number[order],
            "product": o.line_product[ret],
            "qty": qty,
            "refund": refund,
            "reason": reason,
        }
        for day in np.unique(delay):
            pick = delay == day
            self._due.setdefault(d.toordinal() + int(day), []).append({k: v[pick] for k, v in rows.items()})

    def book(self, d: date) -> dict[str, np.ndarray]:
        """Pop the returns booked on ``d`` (arrays named as in ``_FIELDS``)."""
        parts = self._due.pop(d.toordinal(), [])
        return {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, np.int64) for k in _FIELDS}


def restocked_units(booked: dict[str, np.ndarray], n_products: int) -> np.ndarray:
    """Units per product that go back to stock (not damaged or defective)."""
    back = ~np.isin(booked["reason"], _NOT_RESTOCKED)
    return np.bincount(booked["product"][back], weights=booked["qty"][back], minlength=n_products).astype(
        np.int64
    )


def return_rows(
    booked: dict[str, np.ndarray], catalog: Catalog, event_ids: pa.Array, times: pa.Array
) -> dict[str, pa.Array]:
    """``return_table.csv`` columns."""
    return {
        "event_id": event_ids,
        "user_id": user_ids(booked["user"]),
        "order_id": order_ids(booked["number"]),
        "time": times,
        "product_name": fmt.pick(catalog.names, booked["product"]),
        "product_qty": fmt.ints(booked["qty"]),
        "refund_amount": fmt.money(booked["refund"]),
        "reason": fmt.pick(reference.RETURN_REASONS, booked["reason"]),
    }
