"""Users: registration, who comes back, and the daily user delta (``user_table.csv``).

Every visitor gets an account on the first visit (so every ``user_id`` in the
events is in the user table). A user row is written on the registration day
and again on each day its state changes: email verified, tier upgraded
(``new`` → ``regular`` after the first valid order → ``vip`` at 5 valid orders
or $1,000 spent), or a purchase flag flipping (``has_purchase_last_qtr`` is a
valid order in the last 90 days, ``has_purchase_last_year`` in the last 365).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from ecom_assets.generate import fmt, reference

_FIELDS = {
    "reg_day": np.int64,
    "city": np.int16,
    "platform": np.int8,
    "propensity": np.float32,
    "affinity": np.float32,
    "verified": np.bool_,
    "orders_any": np.int32,
    "orders_valid": np.int32,
    "spent": np.int64,
    "last_order_day": np.int64,
    "last_visit_day": np.int64,
    "state": np.int16,
}
TIERS = ["new", "regular", "vip"]
VIP_ORDERS, VIP_SPEND_CENTS = 5, 100_000


class Users:
    """Columnar user state; index ``i`` is user ``U{i+1:08d}``."""

    def __init__(self) -> None:
        self.n = 0
        self._cap = 0
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.zeros(0, dtype=dtype))

    def _grow(self, need: int) -> None:
        if need <= self._cap:
            return
        self._cap = max(need, 2 * self._cap, 1024)
        for name in _FIELDS:
            old = getattr(self, name)
            new = np.zeros(self._cap, dtype=old.dtype)
            new[: self.n] = old[: self.n]
            setattr(self, name, new)

    def register(self, count: int, d: date, rng: np.random.Generator) -> np.ndarray:
        """Create ``count`` users registered on ``d``; returns their indices."""
        lo, hi = self.n, self.n + count
        self._grow(hi)
        self.n = hi
        self.reg_day[lo:hi] = d.toordinal()
        self.city[lo:hi] = rng.choice(len(reference.CITY_NAMES), size=count, p=reference.geo_weights())
        self.platform[lo:hi] = rng.choice(3, size=count, p=reference.PLATFORM_WEIGHTS)
        self.propensity[lo:hi] = rng.lognormal(0.0, 1.1, count)
        self.affinity[lo:hi] = rng.lognormal(0.0, 0.5, count)
        self.verified[lo:hi] = rng.random(count) < 0.45
        self.last_order_day[lo:hi] = -(10**6)
        self.last_visit_day[lo:hi] = d.toordinal()
        self.state[lo:hi] = -1  # never written yet
        return np.arange(lo, hi)

    def returning(self, count: int, d: date, rng: np.random.Generator) -> np.ndarray:
        """Pick ``count`` sessions of earlier-registered users (with replacement), favouring
        frequent visitors, buyers and users seen recently."""
        old = self.reg_day[: self.n] < d.toordinal()
        if count <= 0 or not old.any():
            return np.zeros(0, dtype=np.int64)
        idle = d.toordinal() - self.last_visit_day[: self.n]
        w = self.propensity[: self.n] * (1 + 1.5 * (self.orders_valid[: self.n] > 0)) / (1 + idle / 10.0)
        w = np.where(old, w, 0.0)
        picked = rng.choice(self.n, size=count, p=w / w.sum())
        self.last_visit_day[picked] = d.toordinal()
        return picked

    def book_orders(self, user: np.ndarray, valid: np.ndarray, total_cents: np.ndarray, d: date) -> None:
        """Record the day's orders (any status) and valid spend."""
        np.add.at(self.orders_any, user, 1)
        np.add.at(self.orders_valid, user[valid], 1)
        np.add.at(self.spent, user[valid], total_cents[valid])
        self.last_order_day[user[valid]] = d.toordinal()

    def end_day(self, d: date, rng: np.random.Generator) -> np.ndarray:
        """Apply the day's email verifications; return the users to write (new or changed)."""
        n, today = self.n, d.toordinal()
        age = today - self.reg_day[:n]
        p_verify = np.where(age <= 10, 0.25, 0.01)
        self.verified[:n] |= (rng.random(n) < p_verify) & (age > 0)
        state = self._state_code(today)
        changed = np.flatnonzero(state != self.state[:n])
        self.state[:n] = state
        return changed

    def tier(self, idx: np.ndarray) -> np.ndarray:
        vip = (self.orders_valid[idx] >= VIP_ORDERS) | (self.spent[idx] >= VIP_SPEND_CENTS)
        return np.where(vip, 2, np.where(self.orders_valid[idx] > 0, 1, 0))

    def _state_code(self, today: int) -> np.ndarray:
        idx = np.arange(self.n)
        since = today - self.last_order_day[: self.n]
        return (self.tier(idx) * 8 + self.verified[: self.n] * 4 + (since <= 365) * 2 + (since <= 90)).astype(
            np.int16
        )


def user_rows(users: Users, idx: np.ndarray) -> dict[str, pa.Array]:
    """``user_table.csv`` columns for the given users' current state."""
    state = users.state[idx]
    days, day_of_row = np.unique(users.reg_day[idx], return_inverse=True)
    reg_text = fmt.pick([date.fromordinal(int(o)).isoformat() for o in days], day_of_row)
    return {
        "user_id": user_ids(idx),
        "has_purchase_last_year": fmt.ints((state >> 1) & 1),
        "has_purchase_last_qtr": fmt.ints(state & 1),
        "registration_date": reg_text,
        "email_verified": fmt.ints((state >> 2) & 1),
        "customer_tier": fmt.pick(TIERS, state >> 3),
    }


def user_ids(idx: np.ndarray) -> pa.StringArray:
    """``U00000001``-style ids of user indices."""
    return fmt.padded("U", np.asarray(idx) + 1, 8)
