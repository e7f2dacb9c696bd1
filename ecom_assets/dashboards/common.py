"""What every page shares: the read-only snapshot, the chosen days, provisional days, a heat map."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from ecom_assets import settings

DEFAULT_DAYS = 30


class Snapshot:
    """A read-only connection to the published snapshot; queries come back as pandas frames."""

    def __init__(self, conn: duckdb.DuckDBPyConnection):
        self.conn = conn
        found = conn.execute(
            "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns"
        ).fetchall()
        self.columns: dict[str, set[str]] = {}
        for table, column in found:
            self.columns.setdefault(table, set()).add(column)

    def has(self, *tables: str) -> bool:
        """True if every table is published; otherwise says which one is missing."""
        missing = [t for t in tables if t not in self.columns]
        if missing:
            st.info(f"Not published yet: {', '.join(missing)}. It appears after the next run that builds it.")
        return not missing

    def frame(self, sql: str, days: Days | None = None, **extra: object) -> pd.DataFrame:
        """Rows of ``sql`` (``$start``/``$end`` = the chosen days, inclusive; ``extra`` = more parameters)."""
        given = {**(days.params() if days else {}), **extra}
        return self.conn.execute(sql, {k: v for k, v in given.items() if f"${k}" in sql}).df()


@contextmanager
def snapshot() -> Iterator[Snapshot]:
    """The snapshot, opened read-only for this page view (a new publication shows on the next one)."""
    path = Path(settings.serving_path())
    if not path.exists():
        st.error(f"No published snapshot at {path}. Run `python -m ecom_assets.demo`, or publish it with "
                 "`dagster job execute -m ecom_assets.definitions -j publish_snapshot`.")  # fmt: skip
        st.stop()
    conn = duckdb.connect(str(path), read_only=True)
    try:
        yield Snapshot(conn)
    finally:
        conn.close()


@dataclass(frozen=True)
class Days:
    """The chosen days [start, end] (inclusive) and the provisional ones among them."""

    start: date
    end: date
    provisional: Sequence[date] = field(default_factory=tuple)

    def params(self) -> dict[str, date]:
        return {"start": self.start, "end": self.end}

    def mark(self) -> None:
        """Say which of the chosen days are provisional (they can still be restated)."""
        if self.provisional:
            shown = ", ".join(d.isoformat() for d in self.provisional)
            st.warning(f"Provisional (late data can still change them): {shown}", icon="⏳")


def _param(name: str, fallback: date) -> date:
    try:
        return date.fromisoformat(st.query_params.get(name, ""))
    except ValueError:
        return fallback


def choose_days(snap: Snapshot) -> Days | None:
    """The sidebar's date-range filter (default: the last 30 days; ``?start=&end=`` in the URL)."""
    if "gold.daily_business_metrics" not in snap.columns:
        return None
    first, last = snap.conn.execute("SELECT min(date), max(date) FROM gold.daily_business_metrics").fetchone()
    if first is None:
        return None
    start = min(max(_param("start", last - timedelta(days=DEFAULT_DAYS - 1)), first), last)
    end = max(min(_param("end", last), last), start)
    picked = st.sidebar.date_input("Days", value=(start, end), min_value=first, max_value=last)
    if isinstance(picked, Sequence) and len(picked) == 2:
        start, end = picked
    st.query_params.update(start=start.isoformat(), end=end.isoformat())
    st.sidebar.caption(f"Published days: {first} … {last}")
    return Days(start, end, provisional_days(snap, start, end))


def provisional_days(snap: Snapshot, start: date, end: date) -> tuple[date, ...]:
    """Days flagged ``is_provisional`` (a snapshot without the column: every day is final)."""
    if "is_provisional" not in snap.columns["gold.daily_business_metrics"]:
        return ()
    found = snap.conn.execute(
        "SELECT date FROM gold.daily_business_metrics "
        "WHERE is_provisional AND date BETWEEN ? AND ? ORDER BY 1",
        [start, end],
    ).fetchall()
    return tuple(d for (d,) in found)


def heat_map(frame: pd.DataFrame, fmt: str = "{:.1f}"):
    """A pivot shown as a heat map: each cell shaded by its value (darker = higher)."""
    values = frame.to_numpy(dtype=float, na_value=float("nan"))
    low, high = (float(pd.Series(values.ravel()).min()), float(pd.Series(values.ravel()).max()))
    span = (high - low) or 1.0

    def shade(v: object) -> str:
        if v is None or pd.isna(v):
            return ""
        alpha = 0.1 + 0.8 * (float(v) - low) / span
        return f"background-color: rgba(214, 39, 40, {alpha:.2f})"

    return frame.style.map(shade).format(fmt, na_rep="")


def table(frame: pd.DataFrame) -> None:
    """A frame as an interactive table, days shown as ``YYYY-MM-DD``."""
    days = frame.select_dtypes(include="datetime").columns
    config = {c: st.column_config.DateColumn(format="YYYY-MM-DD") for c in days}
    st.dataframe(frame, hide_index=True, column_config=config)


def tiles(values: dict[str, str]) -> None:
    """A row of KPI tiles, label → shown value."""
    for column, (label, value) in zip(st.columns(len(values)), values.items()):
        column.metric(label, value)


def percent(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f} %"


def money(value: object) -> str:
    return f"{float(value or 0):,.2f}"


def ratio(numerator: object, denominator: object, scale: float = 1.0) -> float | None:
    """``numerator / denominator × scale``, None when the denominator is 0 (as the gold tables do)."""
    return None if not denominator else float(numerator or 0) / float(denominator) * scale
