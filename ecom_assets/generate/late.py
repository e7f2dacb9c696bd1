"""A realistic late and corrected feed: rows that arrive days late, corrections, re-sends.

Off by default. With a :class:`LateMix`, each day some of the day's rows are held back and
written into a later drop (1–3 days: restated into their day; 4–6 days: beyond the window, so
quarantined as ``late_event``), a few are dated a day after their drop (``out_of_range``),
some completed orders are cancelled 1–3 days later by a corrected row (same ``order_id``,
``time`` of the order, ``updated_at`` of the change) and some orders are re-sent as they were
(with their own or a new ``event_id``). An order travels with its line items. Everything is
drawn from the day's own random stream, so a day's drop depends only on the days before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.generate import fmt
from ecom_assets.generate.ids import FAULT_SPACE, row_ids
from ecom_assets.generate.writer import ExtraRow

Tables = dict[str, dict[str, pa.Array]]
WEB_EVENTS = ("sessions", "pageviews", "clicks", "scrolls", "add_to_cart")
# ids of generated corrections and re-sends: above the fault rows' part of a day's id space
_LATE_SPACE = FAULT_SPACE + (1 << 26)


@dataclass(frozen=True)
class LateMix:
    """Shares of a day's rows (web events and orders) that arrive late or get corrected."""

    late: float = 0.03  # 1–3 days late: restated into their event day
    beyond: float = 0.004  # 4–6 days late: beyond the restatement window
    future: float = 0.001  # dated a day after their drop (pageviews)
    cancel: float = 0.02  # completed orders cancelled 1–3 days later by a corrected row
    resend: float = 0.01  # orders re-sent unchanged in the same or the next drop


class LateFeed:
    """Holds back and re-times rows day by day; ``extra_rows(d)`` are what drop ``d`` receives."""

    def __init__(self, mix: LateMix, seed: int) -> None:
        self.mix, self.seed = mix, seed
        self.pending: dict[date, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        self._ids = 0

    def apply(self, d: date, tables: Tables, rng: np.random.Generator) -> dict[str, list[ExtraRow]]:
        """Take the held-back and corrected rows out of (or into) day ``d``'s ``tables``, in place;
        return the rows drop ``d`` receives from earlier days (placed at random lines)."""
        for table in WEB_EVENTS:
            self._move(table, d, tables, self._delays(rng.random(_n(tables[table])), rng))
        self._orders(d, tables, rng)
        arriving = self.pending.pop(d, {})
        for row in self._future(tables, rng):
            arriving.setdefault("pageviews", []).append(row)
        out: dict[str, list[ExtraRow]] = {}
        for table, rows in arriving.items():
            n = _n(tables[table])
            out[table] = [ExtraRow(int(rng.integers(-1, n)), row) for row in rows]
        return out

    def _delays(self, draws: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Days each row is held back (0 = on time) from uniform ``draws``."""
        late = draws < self.mix.late
        beyond = (draws >= self.mix.late) & (draws < self.mix.late + self.mix.beyond)
        within, past = rng.integers(1, 4, len(draws)), rng.integers(4, 7, len(draws))
        return np.where(late, within, np.where(beyond, past, 0))

    def _orders(self, d: date, tables: Tables, rng: np.random.Generator) -> None:
        orders = tables["orders"]
        n = _n(orders)
        if not n:
            return
        completed = pc.equal(orders["order_status"], "completed").to_numpy(zero_copy_only=False)
        cancel = completed & (rng.random(n) < self.mix.cancel)
        resend = rng.random(n) < self.mix.resend
        for row, k in zip(_rows(orders, cancel), rng.integers(1, 4, int(cancel.sum()))):
            changed = _instant(row["time"]) + timedelta(days=int(k), hours=float(rng.uniform(-6, 6)))
            corrected = {**row, "event_id": self._new_id(d), "order_status": "cancelled",
                         "updated_at": fmt.iso_ms(int(changed.timestamp() * 1000))}
            self.pending[d + timedelta(days=int(k))]["orders"].append(corrected)
        for row, k, same_id in zip(_rows(orders, resend), rng.integers(0, 2, int(resend.sum())),
                                   rng.random(int(resend.sum())) < 0.5):
            copy = row if same_id else {**row, "event_id": self._new_id(d)}
            self.pending[d + timedelta(days=int(k))]["orders"].append(copy)
        delay = self._delays(rng.random(n), rng)
        if delay.any():  # an order arrives late with its line items
            lines = tables["order_line_items"]
            at = pc.fill_null(pc.index_in(lines["order_id"], value_set=orders["order_id"]), -1).to_numpy()
            line_delay = np.where(at >= 0, delay[np.maximum(at, 0)], 0)
            self._move("orders", d, tables, delay)
            self._move("order_line_items", d, tables, line_delay)

    def _move(self, table: str, d: date, tables: Tables, delay: np.ndarray) -> None:
        """Rows with a positive ``delay`` leave day ``d``'s table for the drop that many days later."""
        if not delay.any():
            return
        for i, row in zip(np.flatnonzero(delay), _rows(tables[table], delay > 0)):
            self.pending[d + timedelta(days=int(delay[i]))][table].append(row)
        tables[table] = _filter(tables[table], delay == 0)

    def _future(self, tables: Tables, rng: np.random.Generator) -> list[dict]:
        """A few pageviews re-dated a day later than their drop (taken out of the clean rows)."""
        pageviews = tables["pageviews"]
        future = rng.random(_n(pageviews)) < self.mix.future
        rows = _rows(pageviews, future)
        tables["pageviews"] = _filter(pageviews, ~future)
        later = [fmt.iso_ms(int((_instant(r["time"]) + timedelta(days=1)).timestamp() * 1000)) for r in rows]
        return [{**r, "time": t} for r, t in zip(rows, later)]

    def _new_id(self, d: date) -> str:
        self._ids += 1
        return row_ids("orders", d, np.array([_LATE_SPACE + self._ids]), self.seed)[0].as_py()


def _n(columns: dict[str, pa.Array]) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def _filter(columns: dict[str, pa.Array], keep: np.ndarray) -> dict[str, pa.Array]:
    mask = pa.array(keep)
    return {c: v.filter(mask) for c, v in columns.items()}


def _rows(columns: dict[str, pa.Array], mask: np.ndarray) -> list[dict]:
    if not mask.any():
        return []
    return pa.table(_filter(columns, mask)).to_pylist()


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
