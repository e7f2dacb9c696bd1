"""What the landing zone holds: day folders, whether a drop is complete, and its fingerprint.

Pure functions over the file system, shared by the landing sensor and the schedules.
"""

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import dagster as dg

from ecom_assets.bronze.ingest import day_folder
from ecom_assets.schema import RESTATEMENT_DAYS, SUCCESS_MARKER

_DAY_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(name: str) -> date | None:
    """The date a landing folder is named after (``YYYY-MM-DD``), else None."""
    if not _DAY_NAME.fullmatch(name):
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


def marker(root: Path, day: date) -> Path:
    """The ``_SUCCESS`` file that marks the drop of ``day`` as complete."""
    return day_folder(root, day) / SUCCESS_MARKER


def incomplete_days(root: Path, start: date, end: date) -> list[date]:
    """Days in ``[start, end)`` whose drop has no ``_SUCCESS`` marker."""
    days = (start + timedelta(days=i) for i in range((end - start).days))
    return [d for d in days if not marker(root, d).is_file()]


def fingerprint(folder: Path) -> str:
    """A hash of the folder's file names, sizes and modification times (changes when any file does)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def last_changed(folder: Path) -> float:
    """When the folder's newest file (``_SUCCESS`` included) was last modified, in epoch seconds."""
    return max((p.stat().st_mtime for p in folder.iterdir() if p.is_file()), default=0.0)


def open_days(partitions_def: dg.TimeWindowPartitionsDefinition, at: datetime) -> tuple[date, date] | None:
    """First and last day whose daily partition exists at time ``at`` (None before the first one)."""
    with dg.partition_loading_context(effective_dt=at):
        first, last = partitions_def.get_first_partition_key(), partitions_def.get_last_partition_key()
    if first is None or last is None:
        return None
    return date.fromisoformat(first), date.fromisoformat(last)


def day_ranges(days: Iterable[date], max_days: int) -> list[list[date]]:
    """Sorted days grouped into runs of consecutive days, each at most ``max_days`` long."""
    ranges: list[list[date]] = []
    for day in sorted(set(days)):
        current = ranges[-1] if ranges else None
        if current and day - current[-1] == timedelta(days=1) and len(current) < max_days:
            current.append(day)
        else:
            ranges.append([day])
    return ranges


def window_start(drop: date, first_day: date, window: int = RESTATEMENT_DAYS) -> date:
    """The first day a run loading ``drop`` rebuilds: ``window`` days earlier, never before ``first_day``."""
    return max(drop - timedelta(days=window), first_day)


def restatement_ranges(
    days: Iterable[date], first_day: date, max_days: int, window: int = RESTATEMENT_DAYS
) -> list[tuple[date, date]]:
    """The runs that load new drops ``days``: each run of consecutive drops D1 … Dn becomes the
    range D1 − ``window`` … Dn (bronze of the drops, silver and gold of their restatement window),
    never before ``first_day``; ranges that touch or overlap are merged, each at most ``max_days``."""
    ranges: list[tuple[date, date]] = []
    for run in day_ranges(days, max_days - window):
        start = window_start(run[0], first_day, window)
        touches = ranges and start <= ranges[-1][1] + timedelta(days=1)
        if touches and (run[-1] - ranges[-1][0]).days < max_days:
            ranges[-1] = (ranges[-1][0], run[-1])
        else:
            ranges.append((start, run[-1]))
    return ranges


def describe_days(days: Sequence[date], limit: int = 5) -> str:
    """``2026-01-02, 2026-01-05 (+3 more)``: a short list of days for messages."""
    shown = ", ".join(d.isoformat() for d in days[:limit])
    return shown + (f" (+{len(days) - limit} more)" if len(days) > limit else "")
