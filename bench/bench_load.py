"""Benchmark: loading a range of days in one run, at the 50,000-sessions-a-day scale.

    .venv/bin/python bench/bench_load.py --days 14                  # bronze only
    .venv/bin/python bench/bench_load.py --days 7 --layer daily     # every daily asset and check

Generates the drops once (cached under --work), then loads ranges of increasing length in
fresh processes (ephemeral Dagster instance, in-process executor) and prints raw rows/s,
seconds per day of data and peak memory per range, so you can see that memory stays flat as
the range grows. Rows/s counts raw (bronze) rows.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def load(raw: Path, warehouse: Path, first: date, days: int, layer: str) -> dict:
    """Materialize one layer for ``days`` days in one run (in this process)."""
    import dagster as dg
    import duckdb

    from ecom_assets.definitions import defs
    from ecom_assets_tests.helpers import materialize_range, resources_for

    warehouse.unlink(missing_ok=True)
    if layer == "bronze":
        assets, selection = [a for a in defs.assets if a.key.path[0] == "bronze"], None
    else:
        assets, selection = [*defs.assets, *defs.asset_checks], dg.AssetSelection.tag("cadence", "daily")
    last = first + timedelta(days=days - 1)
    started = time.perf_counter()
    resources = resources_for(raw, warehouse)
    result = materialize_range(
        assets, str(first), str(last), resources, dg.DagsterInstance.ephemeral(), selection=selection
    )
    seconds = time.perf_counter() - started
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'bronze'").fetchall()]
        rows = sum(conn.execute(f"SELECT count(*) FROM bronze.{n}").fetchall()[0][0] for n in names)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"days": days, "rows": rows, "seconds": seconds, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=7, help="longest range to load")
    parser.add_argument("--sessions-per-day", type=int, default=50_000)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 3, 1))
    parser.add_argument("--work", type=Path, default=REPO / "data" / "bench")
    parser.add_argument("--layer", default="bronze", choices=["bronze", "daily"])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    raw = args.work / f"raw_{args.sessions_per_day}"
    warehouse = args.work / "bench.duckdb"
    if args.child:
        print(json.dumps(load(raw, warehouse, args.start, args.child, args.layer)))
        return

    last = args.start + timedelta(days=args.days - 1)
    if not (raw / str(last) / "_SUCCESS").exists():
        from ecom_assets.generate import generate

        generate(raw, args.start, args.days, sessions_per_day=args.sessions_per_day, seed=7, progress=True)
    print(f"{args.layer} load, {args.sessions_per_day:,} sessions/day, one range run per line:")
    print(f"{'days':>5} {'raw rows':>12} {'seconds':>8} {'rows/s':>10} {'s/day':>7} {'peak MB':>8}")
    for days in sorted({1, max(1, args.days // 2), args.days}):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(days), "--work", str(args.work),
             "--sessions-per-day", str(args.sessions_per_day), "--start", str(args.start),
             "--layer", args.layer],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['days']:>5} {r['rows']:>12,} {r['seconds']:>8.1f} {r['rows'] / r['seconds']:>10,.0f} "
            f"{r['seconds'] / r['days']:>7.2f} {r['peak_mb']:>8,.0f}"
        )


if __name__ == "__main__":
    main()
