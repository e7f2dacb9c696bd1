"""CLI: ``python -m ecom_assets.generate --start 2026-01-01 --days 90 --out data/raw [--faults]``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecom_assets.generate.core import GenerateResult, generate
from ecom_assets.generate.late import LateMix


def add_generator_options(
    parser: argparse.ArgumentParser, *, days: int, sessions_per_day: int, start: date | None = None
) -> None:
    """The generator's options (also the benchmark's); ``--start`` is required when ``start`` is None."""
    parser.add_argument(
        "--start",
        type=date.fromisoformat,
        required=start is None,
        default=start,
        help="first drop date, YYYY-MM-DD",
    )
    parser.add_argument("--days", type=int, default=days)
    parser.add_argument("--sessions-per-day", type=int, default=sessions_per_day)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", action="store_true", help="inject faulty rows (see faults.py)")
    parser.add_argument(
        "--late",
        action="store_true",
        help="a realistic late and corrected feed: rows 1-6 days late, a few future-dated, "
        "cancellations arriving 1-3 days after the order, re-sent orders (see late.py)",
    )
    parser.add_argument(
        "--timezone",
        default="UTC",
        type=_zone_name,
        help="the shop's IANA time zone: drops are cut at its midnight, times carry its offsets",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def generate_from_options(args: argparse.Namespace, out: Path) -> GenerateResult:
    """Generate into ``out`` as the parsed generator options say."""
    return generate(
        out,
        args.start,
        args.days,
        args.sessions_per_day,
        args.seed,
        args.faults,
        progress=not args.no_progress,
        late=LateMix() if args.late else None,
        timezone=args.timezone,
    )


def _zone_name(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"not an IANA time zone: {name!r}") from exc
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecom_assets.generate", description=__doc__)
    add_generator_options(parser, days=90, sessions_per_day=2000)
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="landing root")
    parser.add_argument("--faults-manifest", type=Path, help="write the injected faults as JSON here")
    args = parser.parse_args(argv)
    if args.days < 1 or args.sessions_per_day < 1:
        parser.error("--days and --sessions-per-day must be positive")
    result = generate_from_options(args, args.out)
    if args.faults_manifest:
        result.write_faults_manifest(args.faults_manifest)
    print(result.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
