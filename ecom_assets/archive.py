"""The archive of the landing zone from the command line.

    python -m ecom_assets.archive list
    python -m ecom_assets.archive restore 2025-01      # the month back into the landing zone, byte for byte
    python -m ecom_assets.archive archive --as-of 2025-06-01   # what the monthly archive job does

``archive`` asks the Dagster instance of ``DAGSTER_HOME`` whether each day's bronze partitions are loaded.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets import settings
from ecom_assets.upkeep.archive import ArchiveError, archive_month, read_manifest, restore_month
from ecom_assets.upkeep.jobs import bronze_loaded
from ecom_assets.upkeep.retention import months_to_archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecom_assets.archive", description=__doc__.split("\n")[0])
    parser.add_argument("--raw-dir", type=Path, default=settings.raw_dir())
    parser.add_argument("--archive-dir", type=Path, default=settings.archive_dir())
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the archived months and their files")
    restore = sub.add_parser("restore", help="restore an archived month (YYYY-MM) into the landing zone")
    restore.add_argument("month")
    archive = sub.add_parser("archive", help="archive the months older than the retention")
    archive.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    archive.add_argument("--retention-days", type=int, default=settings.raw_retention_days())
    archive.add_argument("--warehouse", default=settings.warehouse_path())
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            for path in sorted(args.archive_dir.glob("raw-*.tar.gz")):
                members = read_manifest(path)
                print(
                    f"{path.name[4:11]}  {len(members)} files, {sum(m.size for m in members):,} bytes  {path}"
                )
        elif args.command == "restore":
            members = restore_month(args.archive_dir, args.raw_dir, args.month)
            print(f"Restored {len(members)} files of {args.month} into {args.raw_dir} (sha256 verified).")
        else:
            loaded = bronze_loaded(dg.DagsterInstance.get())
            with duckdb.connect(args.warehouse) as conn:
                for month in months_to_archive(args.raw_dir, args.as_of, args.retention_days):
                    members = archive_month(args.raw_dir, args.archive_dir, month, conn, loaded)
                    print(f"Archived {month}: {len(members)} files, removed from {args.raw_dir}.")
    except ArchiveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
