"""Optional external files: weather per region and day, subscriptions created or changed."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.generate import fmt, reference

PLANS = [("basic", 499), ("plus", 999), ("premium", 1999)]
STATUSES = ["active", "paused", "cancelled"]
ACTIVE, PAUSED, CANCELLED = range(3)
BOOK_SHARE = 0.25  # of the users known on day one, subscribed before it
CHURN_PER_DAY, PAUSE_PER_DAY, SWITCH_PER_DAY = 0.003, 0.003, 0.01  # shares of active subscriptions
_CONDITIONS = ["sunny", "cloudy", "rain", "snow", "storm"]


def weather_rows(d: date, rng: np.random.Generator) -> dict[str, pa.Array]:
    """``weather_table.csv``: one row per (country, region) of the shop's markets."""
    n = len(reference.REGIONS)
    country = reference.REGION_COUNTRY
    south = np.array([reference.COUNTRY_CODES[c] in reference.SOUTHERN for c in country])
    season = np.cos(2 * np.pi * (d.timetuple().tm_yday - 200) / 365.0)  # +1 in mid-July
    mean = np.array([r[3] for r in reference.REGIONS])
    temp = mean + np.where(south, -9.0, 9.0) * season + rng.normal(0, 3, n)
    wet = rng.random(n) < 0.35
    precip = np.where(wet, rng.gamma(1.2, 4.0, n), 0.0)
    cond = np.where(
        ~wet, np.where(rng.random(n) < 0.55, 0, 1), np.where(temp < 0.5, 3, np.where(precip > 12, 4, 2))
    )
    return {
        "date": fmt.const(d.isoformat(), n),
        "country": fmt.pick(reference.COUNTRY_CODES, country),
        "region": pa.array(reference.REGION_NAMES),
        "temperature_c": pa.array([f"{t:.1f}" for t in temp]),
        "precipitation_mm": pa.array([f"{p:.1f}" for p in precip]),
        "condition": fmt.pick(_CONDITIONS, cond),
    }


class Subscriptions:
    """Subscription state: some buyers subscribe; active ones pause, resume or cancel."""

    def __init__(self) -> None:
        self.user = np.zeros(0, np.int64)
        self.plan = np.zeros(0, np.int64)
        self.status = np.zeros(0, np.int64)
        self.started = np.zeros(0, np.int64)  # ms since epoch
        self.cancelled = np.full(0, -1, np.int64)
        self.seeded = False  # the first day writes the existing book

    def day(self, d: date, buyers: np.ndarray, rng: np.random.Generator, known_users: int = 0) -> np.ndarray:
        """Apply the day's changes and sign-ups; return indices of rows to write.

        The first day also writes the book the shop already had: a share of the ``known_users``
        (users registered so far) subscribed during the year before, most of them active.
        """
        day_ms = fmt.day_start_ms(d)
        if not self.seeded:
            self.seeded = True
            book = np.sort(rng.choice(known_users, int(known_users * BOOK_SHARE), replace=False))
            self._add(book, rng, day_ms - rng.integers(1, 365 * 86_400_000, len(book)))
            self.status[rng.random(len(book)) < 0.08] = PAUSED
            return np.arange(len(book))
        u = rng.random(len(self.status))
        old, old_plan = self.status.copy(), self.plan.copy()
        active, paused = old == ACTIVE, old == PAUSED
        # per day: about 9 % of active subscriptions cancel in a month, 9 % pause, a quarter change plan
        cancel = CHURN_PER_DAY
        pause = cancel + PAUSE_PER_DAY
        switch = pause + SWITCH_PER_DAY
        self.status[active & (u < cancel)] = CANCELLED
        self.status[active & (u >= cancel) & (u < pause)] = PAUSED
        switching = np.flatnonzero(active & (u >= pause) & (u < switch))
        # an upgrade twice as often as a downgrade; the lowest plan can only go up, the highest down
        up = rng.random(len(switching)) < 2 / 3
        plan = self.plan[switching]
        up = (plan == 0) | (up & (plan < len(PLANS) - 1))
        self.plan[switching] = np.where(up, plan + 1, plan - 1)
        self.status[paused & (u < 0.05)] = ACTIVE
        self.status[paused & (u >= 0.05) & (u < 0.06)] = CANCELLED
        ended = (self.status == CANCELLED) & (old != CANCELLED)
        self.cancelled[ended] = day_ms + rng.integers(0, 86_400_000, int(ended.sum()))
        changed = np.flatnonzero((self.status != old) | (self.plan != old_plan))
        new_users = np.unique(buyers[rng.random(len(buyers)) < 0.04])
        new_users = new_users[~np.isin(new_users, self.user)]
        first = len(self.user)
        self._add(new_users, rng, day_ms + rng.integers(0, 86_400_000, len(new_users)))
        return np.r_[changed, np.arange(first, len(self.user))]

    def _add(self, users: np.ndarray, rng: np.random.Generator, started_ms: np.ndarray) -> None:
        """New active subscriptions of ``users``, started at ``started_ms``."""
        k = len(users)
        self.user = np.r_[self.user, users]
        self.plan = np.r_[self.plan, rng.choice(3, k, p=[0.5, 0.35, 0.15])]
        self.status = np.r_[self.status, np.zeros(k, np.int64)]
        self.started = np.r_[self.started, started_ms]
        self.cancelled = np.r_[self.cancelled, np.full(k, -1, np.int64)]

    def rows(self, idx: np.ndarray, user_ids: pa.Array) -> dict[str, pa.Array]:
        """``subscription_table.csv`` columns of the given subscriptions (user ids formatted)."""
        cancelled = self.cancelled[idx]
        cancelled_text = fmt.timestamps(np.maximum(cancelled, 0))
        return {
            "subscription_id": fmt.padded("SUB", idx + 1, 7),
            "user_id": user_ids,
            "plan": fmt.pick([p for p, _ in PLANS], self.plan[idx]),
            "status": fmt.pick(STATUSES, self.status[idx]),
            "monthly_fee": fmt.money(np.array([f for _, f in PLANS])[self.plan[idx]]),
            "started_at": fmt.timestamps(self.started[idx]),
            "cancelled_at": pc.if_else(
                pa.array(cancelled >= 0), cancelled_text, pa.nulls(len(idx), pa.string())
            ),
        }
