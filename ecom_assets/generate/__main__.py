"""CLI: ``python -m ecom_assets.generate --start 2026-01-01 --days 90 --out data/raw [--faults]``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ecom_assets.generate.core import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecom_assets.generate", description=__doc__)
    parser.add_argument("--start", type=date.fromisoformat, required=True, help="first drop date, YYYY-MM-DD")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--sessions-per-day", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="landing root")
    parser.add_argument("--faults", action="store_true", help="inject faulty rows (see faults.py)")
    parser.add_argument("--faults-manifest", type=Path, help="write the injected faults as JSON here")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    args = parser.parse_args(argv)
    if args.days < 1 or args.sessions_per_day < 1:
        parser.error("--days and --sessions-per-day must be positive")
    result = generate(
        args.out,
        args.start,
        args.days,
        args.sessions_per_day,
        args.seed,
        args.faults,
        progress=not args.no_progress,
    )
    if args.faults_manifest:
        result.write_faults_manifest(args.faults_manifest)
    print(result.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
