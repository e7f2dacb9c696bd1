"""Environment-driven settings, each with a default that works on a fresh checkout."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_RAW_DIR = "data/raw"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
DEFAULT_START_DATE = "2025-01-01"
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"


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


DEFAULT_SERVING = "data/serving.duckdb"


def serving_path() -> str:
    """The published read-only snapshot for readers (``ECOM_SERVING``); its Parquet folder sits next to it."""
    return os.environ.get("ECOM_SERVING", DEFAULT_SERVING)
