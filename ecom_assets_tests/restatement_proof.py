"""The restatement proof's worker, run in a process of its own by ``test_restatement.py``.

The shop's time zone is read once, when ``ecom_assets`` is imported, so this runs with
``ECOM_TIMEZONE`` and ``ECOM_START_DATE`` set for a shop in Berlin. It generates a late and
corrected feed across the March daylight-saving change and loads it twice:

- ``incremental.duckdb``: drop by drop, as the landing sensor would (one restatement run per
  drop: bronze of the drop, silver and gold of the drop and the three days before it);
- ``rebuild.duckdb``: every day in one range run, after all drops arrived.

Then both build the weekly partition the days cover. Usage:
``python -m ecom_assets_tests.restatement_proof OUT_DIR START DAYS WEEK``.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import dagster as dg

from ecom_assets.definitions import defs
from ecom_assets.generate import generate
from ecom_assets.generate.late import LateMix
from ecom_assets.partitions import TIMEZONE
from ecom_assets.schema import RESTATEMENT_DAYS
from ecom_assets_tests.helpers import materialize_range, resources_for

# Far more late and corrected rows than a real feed, so every rule fires on every day.
MIX = LateMix(late=0.08, beyond=0.02, future=0.01, cancel=0.4, resend=0.2)
EVERYTHING = [*defs.assets, *defs.asset_checks]


def _run(
    cadence: str, first: str | None, last: str | None, resources: dict, instance: dg.DagsterInstance
) -> list[str]:
    """One run of the cadence's assets over ``first...last`` (unpartitioned: None); what failed."""
    selection = dg.AssetSelection.tag("cadence", cadence)
    if first is None:
        result = dg.materialize(EVERYTHING, resources=resources, instance=instance, selection=selection,
                                raise_on_error=False)
    else:
        result = materialize_range(EVERYTHING, first, last, resources, instance=instance,
                                   raise_on_error=False, selection=selection)
    failed = [f"{e.asset_key.to_user_string()}:{e.check_name}" for e in result.get_asset_check_evaluations()
              if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    if not result.success:
        failed.append(f"{cadence} run {first}...{last} failed")
    return failed


def main(out: Path, start: date, days: int, week: str) -> dict:
    raw = out / "raw"
    generated = generate(raw, start, days, sessions_per_day=100, seed=5, faults=True, progress=False,
                         late=MIX, timezone=TIMEZONE)
    problems: list[str] = []
    for name, drops in (("incremental", "one by one"), ("rebuild", "all at once")):
        resources, instance = resources_for(raw, out / f"{name}.duckdb"), dg.DagsterInstance.ephemeral()
        if drops == "one by one":
            for i in range(days):
                drop = start + timedelta(days=i)
                first = max(drop - timedelta(days=RESTATEMENT_DAYS), start)
                problems += _run("daily", first.isoformat(), drop.isoformat(), resources, instance)
        else:
            last = start + timedelta(days=days - 1)
            problems += _run("daily", start.isoformat(), last.isoformat(), resources, instance)
        problems += _run("full", None, None, resources, instance)
        problems += _run("weekly", week, week, resources, instance)
    summary = {"problems": problems, "faults": len(generated.faults), "timezone": TIMEZONE}
    (out / "proof.json").write_text(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
