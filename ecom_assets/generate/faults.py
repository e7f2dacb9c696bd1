"""Fault injection: extra bad rows per day, each recorded with its expected quarantine reason.

Faulty rows are always additional rows (copies of clean rows with a new key and
one defect, or rows built from earlier days), so the clean rows of a day are
byte-for-byte those written without faults, and no clean row depends on a
faulty one. A fault RNG stream of its own keeps the clean streams untouched.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.generate import fmt
from ecom_assets.generate.ids import fault_id
from ecom_assets.generate.writer import ExtraRow, format_row
from ecom_assets.schema import QUARANTINE_REASONS, RESTATEMENT_DAYS, TABLES_BY_NAME
from ecom_assets.settings import start_date

REASONS = QUARANTINE_REASONS  # every reason silver quarantines a row for: the faults below inject each
Tables = dict[str, dict[str, pa.Array]]


@dataclass(frozen=True)
class Fault:
    """One injected faulty row: where it is and why silver must quarantine it."""

    table: str
    drop_date: str
    file: str
    line: int  # 1-based physical line in the file (header = 1)
    key: str | None
    reason: str
    column: str | None = None
    value: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Planned:
    row: ExtraRow
    reason: str
    key: str | None
    column: str | None = None
    value: str | None = None


class _Injector:
    def __init__(self, d: date, tables: Tables, seed: int, rng: np.random.Generator) -> None:
        self.d, self.tables, self.seed, self.rng = d, tables, seed, rng
        self.out: dict[str, list[Planned]] = {}
        self._k: dict[str, int] = {}

    def n(self, table: str) -> int:
        cols = self.tables[table]
        return len(next(iter(cols.values()))) if cols else 0

    def copy(self, table: str, i: int) -> dict[str, str | None]:
        return {c: v[i].as_py() for c, v in self.tables[table].items()}

    def new_id(self, table: str) -> str:
        self._k[table] = self._k.get(table, -1) + 1
        return fault_id(table, self.d, self._k[table], self.seed)

    def add(
        self,
        table: str,
        reason: str,
        *,
        column: str | None = None,
        value: str | None = None,
        key_col: str = "event_id",
        after: int | None = None,
        row: dict | None = None,
        raw: str | None = None,
        keep_key: bool = False,
    ) -> None:
        """Add ``row`` (default: a copy of a random clean row of ``table``) under a new key, with
        ``column`` set to ``value``, at a random place (or after clean row ``after``); or a raw line."""
        n = self.n(table)
        if row is None and raw is None:
            if n == 0:
                return
            row = self.copy(table, int(self.rng.integers(0, n)))
        values = dict(row or {})
        if not keep_key and raw is None:
            values[key_col] = self.new_id(table)
        if column is not None:
            values[column] = value
        where = int(self.rng.integers(-1, n)) if after is None else after
        key = None if raw is not None else values.get(key_col) or None
        extra = ExtraRow(where, None if raw is not None else values, raw)
        self.out.setdefault(table, []).append(Planned(extra, reason, key, column, value))


def plan_faults(d: date, tables: Tables, seed: int, rng: np.random.Generator) -> dict[str, list[Planned]]:
    """The day's faulty rows, by table."""
    f = _Injector(d, tables, seed, rng)
    for table in ("pageviews", "pageviews", "clicks"):  # a copied row, later in the file
        n = f.n(table)
        if n:
            i = int(rng.integers(0, n))
            row = f.copy(table, i)
            f.add(
                table, "duplicate_key", row=row, keep_key=True, after=min(n - 1, i + int(rng.integers(0, 40)))
            )
    for table in ("pageviews", "clicks", "scrolls"):
        f.add(table, "missing_key", column="event_id", value=None)
    day = d.isoformat()
    bad_times = ["not-a-timestamp", f"{day}T25:61:00Z", f"{d.year}-13-45T08:00:00Z"]
    for table, bad in zip(("pageviews", "clicks", "add_to_cart"), bad_times):
        f.add(table, "bad_timestamp", column="time", value=bad)
    f.add("add_to_cart", "bad_number", column="product_price", value="12,99")
    f.add("add_to_cart", "bad_number", column="product_qty", value="two")
    f.add("scrolls", "bad_number", column="scroll_percent", value="eighty")
    f.add("scrolls", "out_of_range", column="scroll_percent", value="150")
    f.add("add_to_cart", "out_of_range", column="product_qty", value="-1")
    f.add("add_to_cart", "out_of_range", column="product_price", value="-4.99")
    f.add("sessions", "unknown_value", column="platform", value="smartwatch", key_col="session_id")
    _barter_order(f)
    _late_events(f)
    _stale_state(f)
    _malformed(f)
    return f.out


def _valid_order(tables: Tables, rng: np.random.Generator) -> int | None:
    orders = tables["orders"]
    ok = np.flatnonzero(pc.equal(orders["order_status"], "completed").to_numpy(zero_copy_only=False))
    return int(rng.choice(ok)) if len(ok) else None


def _fault_order_id(d: date, k: int) -> str:
    return f"O{800_000_000 + d.toordinal() % 100_000 * 100 + k:09d}"


def _barter_order(f: _Injector) -> None:
    i = _valid_order(f.tables, f.rng)
    if i is None:
        return
    row = f.copy("orders", i)
    row.update(order_id=_fault_order_id(f.d, 0), is_first_purchase="0")
    f.add("orders", "unknown_value", column="payment_method", value="barter", row=row)


def _late_events(f: _Injector) -> None:
    """Two pageviews and a whole order (with its lines) dated more than the restatement window ago:
    copies of today's rows under new keys, moved back RESTATEMENT_DAYS + 1 days and 2 hours (so the
    event day is 4 or 5 days before the drop in any time zone). Near the first daily partition
    (``ECOM_START_DATE``) such a day has no partition: the rows are then ``out_of_range``, and on
    the one drop where the day could fall either side of it none are injected."""
    back = timedelta(days=RESTATEMENT_DAYS + 1, hours=2)
    first_day = date.fromisoformat(start_date())
    if f.d - timedelta(days=RESTATEMENT_DAYS + 2) >= first_day:
        reason = "late_event"
    elif f.d - timedelta(days=RESTATEMENT_DAYS + 1) < first_day:
        reason = "out_of_range"
    else:
        return
    for _ in range(2):
        if not f.n("pageviews"):
            break
        row = f.copy("pageviews", int(f.rng.integers(0, f.n("pageviews"))))
        t = _moved(row["time"], back)
        f.add("pageviews", reason, row=row, column="time", value=t)
    i = _valid_order(f.tables, f.rng)
    if i is None:
        return
    order = f.copy("orders", i)
    t = _moved(order["time"], back)
    lines = f.tables["order_line_items"]
    for j in np.flatnonzero(
        pc.equal(lines["order_id"], f.tables["orders"]["order_id"][i]).to_numpy(zero_copy_only=False)
    ):
        line = f.copy("order_line_items", int(j))
        line.update(order_id=_fault_order_id(f.d, 1), time=t)
        f.add("order_line_items", reason, row=line, column="time", value=t)
    order.update(order_id=_fault_order_id(f.d, 1), time=t, is_first_purchase="0")
    f.add("orders", reason, row=order, column="time", value=t)


def _stale_state(f: _Injector) -> None:
    """An older state of a clean order (``updated_at`` before its time) arriving after it: the
    clean row stays the order's current state and the stale copy is superseded."""
    i = _valid_order(f.tables, f.rng)
    if i is None:
        return
    order = f.copy("orders", i)
    stale = _moved(order["time"], timedelta(hours=1))
    f.add("orders", "superseded", row=order, column="updated_at", value=stale)


def _moved(text: str, back: timedelta) -> str:
    """The instant ``text`` moved ``back`` earlier, as a ``Z`` timestamp."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return fmt.iso_ms(int((t - back).timestamp() * 1000))


def _malformed(f: _Injector) -> None:
    """A truncated pageview line (3 fields) and a click line with two fields too many."""
    for table, cut in (("pageviews", 3), ("clicks", None)):
        if not f.n(table):
            continue
        row = f.copy(table, int(f.rng.integers(0, f.n(table))))
        row["event_id"] = f.new_id(table)
        columns = TABLES_BY_NAME[table].column_names
        raw = format_row(columns[:cut], row) if cut else format_row(columns, row) + ",unexpected,1"
        f.add(table, "malformed_row", raw=raw)
