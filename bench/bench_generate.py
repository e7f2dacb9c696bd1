"""Benchmark the synthetic data generator at production-like scale.

    .venv/bin/python bench/bench_generate.py                      # 50,000 sessions/day × 30 days
    .venv/bin/python bench/bench_generate.py --days 5 --sessions-per-day 10000 --faults

Writes into a temporary directory (removed afterwards unless ``--out`` is given) and
prints throughput, seconds per day, bytes written and peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

from ecom_assets.generate.__main__ import add_generator_options, generate_from_options


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_generator_options(parser, days=30, sessions_per_day=50_000, start=date(2026, 1, 1))
    parser.add_argument("--out", type=Path, help="keep the output here instead of a temporary directory")
    args = parser.parse_args(argv)
    tmp = None if args.out else tempfile.mkdtemp(prefix="bench_generate_")
    root = args.out or Path(tmp)
    try:
        r = generate_from_options(args, root)
        size = _size(root)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"scale        {args.days} days x {args.sessions_per_day:,} sessions/day (seed {args.seed}, "
        f"faults {'on' if args.faults else 'off'})"
    )
    print(f"written      {r.sessions:,} sessions, {r.total_rows:,} rows, {size / 2**20:,.0f} MiB")
    for name, n in sorted(r.rows.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<18}{n:>14,}")
    print(
        f"time         {r.seconds:,.1f} s total, {statistics.mean(r.day_seconds):.2f} s/day mean, "
        f"{max(r.day_seconds):.2f} s/day max"
    )
    print(
        f"throughput   {r.rows_per_second:,.0f} rows/s, {r.sessions_per_second:,.0f} sessions/s, "
        f"{size / 2**20 / r.seconds:,.0f} MiB/s"
    )
    print(f"peak memory  {peak_mb:,.0f} MiB (ru_maxrss)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
