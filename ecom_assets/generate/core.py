"""``generate()``: write ``out/<YYYY-MM-DD>/<name>_table.csv`` day by day, then ``_SUCCESS``."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter

from ecom_assets.generate import fmt
from ecom_assets.generate.day import World, day_rng, simulate_day
from ecom_assets.generate.faults import Fault, plan_faults
from ecom_assets.generate.late import LateFeed, LateMix
from ecom_assets.generate.progress import ProgressBar
from ecom_assets.generate.writer import mark_complete, write_table
from ecom_assets.schema import SUCCESS_MARKER, TABLES


@dataclass
class GenerateResult:
    """What a run wrote: rows per bronze table name, timing, and the injected faults."""

    out_dir: Path
    start: date
    days: int
    sessions: int
    rows: dict[str, int]
    seconds: float
    faults: list[Fault] = field(default_factory=list)
    day_seconds: list[float] = field(default_factory=list)  # wall time of each day, in order

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds > 0 else 0.0

    @property
    def sessions_per_second(self) -> float:
        return self.sessions / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"{self.days} days, {self.sessions:,} sessions, {self.total_rows:,} rows "
            f"in {self.seconds:.1f} s: "
            f"{self.rows_per_second:,.0f} rows/s, {self.sessions_per_second:,.0f} sessions/s, "
            f"{len(self.faults)} faults"
        )

    def write_faults_manifest(self, path: Path) -> None:
        """The injected faults as a JSON list."""
        Path(path).write_text(json.dumps([f.to_dict() for f in self.faults], indent=1) + "\n")


def generate(
    out_dir: Path,
    start: date,
    days: int,
    sessions_per_day: int = 2000,
    seed: int = 7,
    faults: bool = False,
    progress: bool = True,
    late: LateMix | None = None,
    timezone: str = "UTC",
) -> GenerateResult:
    """Generate ``days`` daily drops starting at ``start`` into ``out_dir``.

    Deterministic for a seed; day D's files do not depend on how many days follow.
    With ``faults`` extra faulty rows are added (see :mod:`faults`) and listed in the result;
    with ``late`` rows arrive late and orders get corrected (see :mod:`late`). Days are those
    of ``timezone`` (an IANA name): a drop holds local midnight to midnight, and timestamps
    are written with the zone's offset.
    """
    with fmt.shop_zone(timezone):
        return _generate(Path(out_dir), start, days, sessions_per_day, seed, faults, progress, late)


def _generate(
    out_dir: Path,
    start: date,
    days: int,
    sessions_per_day: int,
    seed: int,
    faults: bool,
    progress: bool,
    late: LateMix | None,
) -> GenerateResult:
    t0 = perf_counter()
    feed = LateFeed(late, seed) if late else None
    world = World.create(seed, sessions_per_day, start)
    rows = dict.fromkeys((t.name for t in TABLES), 0)
    found: list[Fault] = []
    sessions = 0
    day_seconds: list[float] = []
    bar = ProgressBar(days, enabled=progress)
    for i in range(days):
        t_day = perf_counter()
        d = start + timedelta(days=i)
        tables = simulate_day(world, d)
        arriving = feed.apply(d, tables, day_rng(seed, d, "late")) if feed else {}
        planned = (
            plan_faults(d, tables, seed, day_rng(seed, d, "faults")) if faults else {}
        )
        world.recent.append((d, {k: tables[k] for k in ("sessions", "orders", "order_line_items")}))
        day_dir = out_dir / d.isoformat()
        day_dir.mkdir(parents=True, exist_ok=True)
        (day_dir / SUCCESS_MARKER).unlink(missing_ok=True)  # a rewritten day is incomplete until the end
        for table in TABLES:
            if table.name not in tables:  # a table new to the schema: a valid, empty file
                warnings.warn(
                    f"generator has no rows for {table.name}; writing its header only", stacklevel=2
                )
            extra = planned.get(table.name, [])
            extra_rows = [p.row for p in extra] + arriving.get(table.name, [])
            count, lines = write_table(day_dir, table, tables.get(table.name, {}), extra_rows)
            rows[table.name] += count
            found += [
                Fault(
                    table.name,
                    d.isoformat(),
                    f"{d.isoformat()}/{table.file_name}",
                    line,
                    p.key,
                    p.reason,
                    p.column,
                    p.value,
                )
                for p, line in zip(extra, lines[: len(extra)])
            ]
        mark_complete(day_dir)
        sessions += len(tables["sessions"]["session_id"])
        day_seconds.append(perf_counter() - t_day)
        bar.update(i + 1, d.isoformat(), sum(rows.values()), perf_counter() - t0)
    bar.close()
    return GenerateResult(out_dir, start, days, sessions, rows, perf_counter() - t0, found, day_seconds)
