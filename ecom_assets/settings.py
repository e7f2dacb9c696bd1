"""Environment-driven settings, each with a default that works on a fresh checkout."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_START_DATE = "2025-01-01"
DEFAULT_DUCKDB_MEMORY_LIMIT = "1536MB"  # with Python and Dagster, a run stays under 2 GiB
DEFAULT_TIMEZONE = "UTC"


def raw_dir() -> Path:
    """Landing root (``ECOM_RAW_DIR``)."""
    return Path(os.environ.get("ECOM_RAW_DIR", DEFAULT_RAW_DIR))


def warehouse_path() -> str:
    """DuckDB warehouse file (``ECOM_WAREHOUSE``)."""
    return os.environ.get("ECOM_WAREHOUSE", DEFAULT_WAREHOUSE)


def start_date() -> str:
    """First daily partition, ``YYYY-MM-DD`` (``ECOM_START_DATE``)."""
    return os.environ.get("ECOM_START_DATE", DEFAULT_START_DATE)


def duckdb_memory_limit() -> str:
    """DuckDB's memory limit for pipeline connections (``ECOM_DUCKDB_MEMORY_LIMIT``)."""
    return os.environ.get("ECOM_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT)


def shop_timezone() -> str:
    """The shop's IANA time zone (``ECOM_TIMEZONE``): its calendar days are the partitions."""
    name = os.environ.get("ECOM_TIMEZONE", DEFAULT_TIMEZONE).strip() or DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"ECOM_TIMEZONE={name!r} is not an IANA time zone (e.g. Europe/Berlin)") from exc
    return name


DEFAULT_RAW_RETENTION_DAYS = 90
DEFAULT_ARCHIVE_DIR = "data/archive"


def raw_retention_days() -> int:
    """Days a raw drop stays in the landing zone before the monthly archive may pack it
    (``ECOM_RAW_RETENTION_DAYS``)."""
    return int(os.environ.get("ECOM_RAW_RETENTION_DAYS", str(DEFAULT_RAW_RETENTION_DAYS)))


def archive_dir() -> Path:
    """Where archived months of raw drops go (``ECOM_ARCHIVE_DIR``)."""
    return Path(os.environ.get("ECOM_ARCHIVE_DIR", DEFAULT_ARCHIVE_DIR))


DEFAULT_SERVING = "data/serving.duckdb"


def serving_path() -> str:
    """The published read-only snapshot for readers (``ECOM_SERVING``); its Parquet folder sits next to it."""
    return os.environ.get("ECOM_SERVING", DEFAULT_SERVING)
