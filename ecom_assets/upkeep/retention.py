"""Which raw day folders may leave the landing zone: months past the retention, and the proof that each
day is loaded in bronze with as many rows as its files have records."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb

from ecom_assets.automation.drops import parse_day
from ecom_assets.schema import SUCCESS_MARKER, TABLES


def month_days(root: Path, month: str) -> list[date]:
    """The day folders of ``month`` (``YYYY-MM``) in the landing zone."""
    found = (parse_day(p.name) for p in root.iterdir() if p.is_dir()) if root.is_dir() else ()
    return sorted(d for d in found if d is not None and d.strftime("%Y-%m") == month)


def months_to_archive(root: Path, today: date, retention_days: int) -> list[str]:
    """Months whose last day is older than ``retention_days`` before ``today`` and that still have folders."""
    cutoff = today - timedelta(days=retention_days)
    found = (parse_day(p.name) for p in root.iterdir() if p.is_dir()) if root.is_dir() else ()
    months = {d.strftime("%Y-%m") for d in found if d is not None}
    return sorted(m for m in months if _month_end(m) < cutoff)


def _month_end(month: str) -> date:
    first = date.fromisoformat(month + "-01")
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def csv_records(path: Path) -> int:
    """The records of a landing file after its header, as bronze counts them (blank lines are none)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        return sum(1 for fields in reader if fields)


def bronze_rows(conn: duckdb.DuckDBPyConnection, table: str, day: date) -> int:
    try:
        found = conn.execute(f"SELECT count(*) FROM bronze.{table} WHERE _drop_date = ?", [day]).fetchone()
    except duckdb.CatalogException:
        return 0
    return int(found[0])


def problems(
    root: Path, days: list[date], conn: duckdb.DuckDBPyConnection, loaded: Callable[[str, date], bool]
) -> list[str]:
    """Why the days cannot be removed from the landing zone yet (empty when they can)."""
    found = []
    for day in days:
        folder = root / day.isoformat()
        if not (folder / SUCCESS_MARKER).is_file():
            found.append(f"{day}: incomplete drop ({SUCCESS_MARKER} missing)")
            continue
        for table in TABLES:
            path = folder / table.file_name
            if not path.is_file():
                continue
            if not loaded(table.name, day):
                found.append(f"{day}: bronze.{table.name} is not loaded for this day")
                continue
            records, rows = csv_records(path), bronze_rows(conn, table.name, day)
            if records != rows:
                found.append(
                    f"{day}: {table.file_name} has {records} records but bronze.{table.name} {rows} rows"
                )
    return found
