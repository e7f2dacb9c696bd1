"""The landing sensor: a complete day folder in the landing zone becomes a run of the daily job.

Cursor = JSON ``{day: fingerprint}`` of the drops already requested. A day is requested once, and
again when its files change. A day the sensor has not seen before is not requested when bronze
already holds it (``automation.loaded``: every bronze partition of the day materialized by a run
that started after the drop's files last changed, e.g. by ``dagster asset materialize`` or the
demo), so the first ``dagster dev`` after a load from the command line launches nothing. A day it
requested before whose files changed is requested again whatever their times say (a copy may
keep old modification times). Folders that are not (yet) loadable are skipped with a logged
reason and kept out of the cursor, so they trigger as soon as they become loadable. Loading drop
D is a restatement run over D−3 … D: bronze of the drop (bronze re-reads only drops whose files
changed) and silver and gold of the days its late and corrected rows may belong to. New drops
that follow each other become one such range run (at most ``MAX_DAYS_PER_RUN`` days), so a
back-load of a year is a handful of runs, not hundreds.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime, timezone
from pathlib import Path

import dagster as dg

from ecom_assets.automation.drops import (
    describe_days,
    fingerprint,
    last_changed,
    marker,
    open_days,
    parse_day,
    restatement_ranges,
)
from ecom_assets.automation.jobs import JOBS, span_request
from ecom_assets.automation.loaded import loaded_days
from ecom_assets.partitions import DAILY
from ecom_assets.resources import LandingZone
from ecom_assets.schema import RESTATEMENT_DAYS, SUCCESS_MARKER

MAX_DAYS_PER_RUN = 92  # a quarter: bounds the work a failed run repeats
MINIMUM_INTERVAL_SECONDS = 30


def read_cursor(cursor: str | None) -> dict[str, str]:
    """The ``{day: fingerprint}`` map of drops already requested (empty for no or unreadable cursor)."""
    try:
        loaded = json.loads(cursor) if cursor else {}
    except json.JSONDecodeError:
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def skip_reason(folder: Path, day: date | None, open_range: tuple[date, date] | None) -> str | None:
    """Why a landing folder cannot be loaded now, or None when it can."""
    if not folder.is_dir():
        return "not a folder"
    if day is None:
        return "not a day folder (expected YYYY-MM-DD)"
    if open_range is None:
        return f"no daily partition exists yet (partitions start {DAILY.start:%Y-%m-%d})"
    if day < open_range[0]:
        return f"before the first daily partition {open_range[0]}"
    if day > open_range[1]:
        return f"the day has not ended yet (last daily partition is {open_range[1]})"
    if not marker(folder.parent, day).is_file():
        return f"incomplete drop: {SUCCESS_MARKER} missing"
    return None


def scan(root: Path, open_range: tuple[date, date] | None) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """``{day: fingerprint}`` of the loadable drops under ``root``, and ``(name, reason)`` of the rest."""
    loadable: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    for folder in sorted(root.iterdir()):
        reason = skip_reason(folder, parse_day(folder.name), open_range)
        if reason is None:
            try:
                loadable[folder.name] = fingerprint(folder)
                continue
            except OSError as exc:  # the folder changed while being read: the next tick sees it
                reason = f"could not be read ({exc})"
        skipped.append((folder.name, reason))
    return loadable, skipped


def already_loaded(instance: dg.DagsterInstance, root: Path, days: list[str]) -> set[str]:
    """The ``days`` whose drop bronze already holds as it is now (see ``automation.loaded``)."""
    changed_at = {}
    for day in days:
        try:
            changed_at[day] = last_changed(root / day)
        except OSError:  # changing right now: not loaded as it is
            continue
    return loaded_days(instance, changed_at) if changed_at else set()


def run_request(span: tuple[date, date], fingerprints: Mapping[str, str]) -> dg.RunRequest:
    """One run of the daily job over the days ``span`` (first, last): the new drops in it and their
    restatement window; the run key changes when a drop's files do."""
    first, last = span[0].isoformat(), span[1].isoformat()
    drops = sorted(d for d in fingerprints if first <= d <= last)
    digest = hashlib.sha256("".join(fingerprints[d] for d in drops).encode()).hexdigest()[:16]
    return span_request(span[0], span[1], run_key=f"{first}...{last}@{digest}")


@dg.sensor(
    name="landing_sensor",
    job=JOBS["daily"],
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        f"Requests the daily job for every landing day folder with `{SUCCESS_MARKER}` that is new or "
        f"whose files changed, over the drop and the {RESTATEMENT_DAYS} days before it (its restatement "
        f"window); consecutive drops become one range run of at most {MAX_DAYS_PER_RUN} days. A new "
        "day that bronze already holds (loaded by another run after its files last changed) is not "
        "requested."
    ),
)
def landing_sensor(
    context: dg.SensorEvaluationContext, landing: LandingZone
) -> dg.SensorResult | dg.SkipReason:
    root = landing.path
    if not root.is_dir():
        return dg.SkipReason(f"The landing root {root} does not exist yet.")
    requested = read_cursor(context.cursor)
    loadable, skipped = scan(root, open_days(DAILY, datetime.now(timezone.utc)))
    for name, reason in skipped:
        context.log.info(f"Skipping {name}: {reason}.")
    changed = {day: fp for day, fp in loadable.items() if requested.get(day) != fp}
    if not changed:
        return dg.SkipReason(
            f"No new or changed complete drops in {root} ({len(requested)} day(s) already requested)."
        )
    # Days never requested here may have been loaded by other runs: the command line, a backfill.
    unseen = sorted(d for d in changed if d not in requested)
    loaded = already_loaded(context.instance, root, unseen) if unseen else set()
    cursor = json.dumps({**requested, **changed}, sort_keys=True)
    shown = describe_days(sorted(date.fromisoformat(d) for d in loaded))
    if loaded:
        context.log.info(
            f"Not requesting {shown}: already loaded (every bronze partition "
            "materialized by a run that started after the drop's files last changed)."
        )
    changed = {day: fp for day, fp in changed.items() if day not in loaded}
    if not changed:
        return dg.SensorResult(
            skip_reason=f"{len(loaded)} new drop(s) already loaded by other runs: {shown}.",
            cursor=cursor,
        )
    days = sorted(date.fromisoformat(d) for d in changed)
    ranges = restatement_ranges(days, DAILY.start.date(), MAX_DAYS_PER_RUN)
    context.log.info(
        f"Requesting {len(ranges)} run(s) for new or changed drop(s) {describe_days(days)}, each with its "
        f"{RESTATEMENT_DAYS}-day restatement window."
    )
    return dg.SensorResult(run_requests=[run_request(r, changed) for r in ranges], cursor=cursor)
