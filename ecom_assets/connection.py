"""Connections to the warehouse file: opened with retries, and shared while a step holds one.

One DuckDB file has one writer process. Inside a step, the asset code, its checks and the IO
manager's writes all use the connection the step holds (``held_connection``), so the file is
opened once per step, temp tables are visible to all of them, and nothing is checkpointed
between tables. Outside a held connection each use opens and closes its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb

_HELD: dict[str, duckdb.DuckDBPyConnection] = {}
RETRIES = 10


def open_connection(database: str, config: Mapping[str, Any]) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, retrying for about a minute while another process holds its lock."""
    delay = 0.5
    for attempt in range(RETRIES + 1):
        try:
            return duckdb.connect(database, read_only=False, config=dict(config))
        except (duckdb.IOException, RuntimeError):
            if attempt == RETRIES:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 10.0)
    raise AssertionError("unreachable")


@contextmanager
def held_connection(database: str, config: Mapping[str, Any]) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection held for ``database`` in this process, or a new one held until the block
    ends (then closed, even when the block raises)."""
    held = _HELD.get(database)
    if held is not None:
        yield held
        return
    conn = open_connection(database, config)
    _HELD[database] = conn
    try:
        yield conn
    finally:
        _HELD.pop(database, None)
        conn.close()
