"""Benchmark: the cost of loading one drop with its restatement window, at 50,000 sessions/day.

    .venv/bin/python bench/bench_restatement.py              # realistic late and corrected feed
    .venv/bin/python bench/bench_restatement.py --on-time    # a feed that is never late

Generates ``--days`` drops (cached under --work), loads all but the last in one range run, copies
that warehouse, then loads the last drop D in fresh processes, each on its own copy:

- **restatement run**: D−3 … D, as the landing sensor requests it (bronze re-reads only drop D;
  silver and gold rebuild the days whose inputs changed), with every daily asset and check;
- the same without the checks;
- **without restatement**: D alone (what a pipeline that ignores late data would do), without the
  checks, since its late rows never reach their days and the conservation checks rightly fail.

It prints the seconds and peak memory of each, the ratio of the two check-less runs, and how
many (table, day) builds each did.
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def run(raw: Path, warehouse: Path, first: date, last: date, checks: bool) -> dict:
    """Every daily asset (and check) over ``first...last`` in one run (in this process)."""
    import dagster as dg
    import duckdb

    from ecom_assets.definitions import defs
    from ecom_assets_tests.helpers import materialize_range, resources_for

    before = time.time()
    started = time.perf_counter()
    result = materialize_range(
        [*defs.assets, *(defs.asset_checks if checks else [])], str(first), str(last),
        resources_for(raw, warehouse),
        dg.DagsterInstance.ephemeral(), selection=dg.AssetSelection.tag("cadence", "daily"),
    )
    seconds = time.perf_counter() - started
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rebuilt = conn.execute(
            "SELECT count(*) FROM meta.builds WHERE epoch(built_at) >= ?", [before]).fetchall()[0][0]
        tables = conn.execute("SELECT count(DISTINCT table_name) FROM meta.builds").fetchall()[0][0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "day_builds": rebuilt, "tables": tables}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=5, help="drops generated; the last is the one measured")
    parser.add_argument("--sessions-per-day", type=int, default=50_000)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 3, 1))
    parser.add_argument("--work", type=Path, default=REPO / "data" / "bench")
    parser.add_argument("--on-time", action="store_true", help="a feed without late or corrected rows")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        raw, warehouse, span = Path(args.child[0]), Path(args.child[1]), args.child[2].split("...")
        first, last = date.fromisoformat(span[0]), date.fromisoformat(span[1])
        print(json.dumps(run(raw, warehouse, first, last, args.child[3] == "checks")))
        return

    feed = "on_time" if args.on_time else "late"
    raw = args.work / f"raw_restatement_{feed}_{args.sessions_per_day}"
    drop = args.start + timedelta(days=args.days - 1)
    if not (raw / str(drop) / "_SUCCESS").exists():
        from ecom_assets.generate import generate
        from ecom_assets.generate.late import LateMix

        generate(raw, args.start, args.days, sessions_per_day=args.sessions_per_day, seed=7, progress=True,
                 late=None if args.on_time else LateMix())
    base = args.work / f"restatement_base_{feed}.duckdb"
    if not base.exists():
        print(f"loading {args.start}...{drop - timedelta(days=1)} once (the history before the drop)")
        child(raw, base, args.start, drop - timedelta(days=1), checks=True)
    window = max(drop - timedelta(days=3), args.start)
    print(f"one drop ({drop}), {args.sessions_per_day:,} sessions/day, {feed.replace('_', '-')} feed, "
          "every daily asset:")
    print(f"{'run':<34} {'range':<24} {'seconds':>8} {'day builds':>11} {'peak MB':>8}")
    results = {}
    runs = (("restatement run, with checks", window, True), ("restatement run", window, False),
            ("without restatement", drop, False))
    for name, first, checks in runs:
        warehouse = args.work / "restatement_run.duckdb"
        shutil.copy(base, warehouse)
        r = results[name] = child(raw, warehouse, first, drop, checks)
        print(f"{name:<34} {f'{first}...{drop}':<24} {r['seconds']:>8.1f} {r['day_builds']:>11} "
              f"{r['peak_mb']:>8,.0f}")
    ratio = results["restatement run"]["seconds"] / results["without restatement"]["seconds"]
    full = 4 * results["restatement run"]["tables"]
    print(f"restatement costs {ratio:.2f}x the drop alone (rebuilding the whole window would be {full} "
          "day builds)")


def child(raw: Path, warehouse: Path, first: date, last: date, checks: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-W", "ignore", __file__, "--child", str(raw), str(warehouse), f"{first}...{last}",
         "checks" if checks else "assets"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
