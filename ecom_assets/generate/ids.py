"""Unique ids of rows: ``<prefix><16 hex>`` from (table, day, row number).

The counter of row ``i`` of a day is ``ordinal << 28 | i``; injected fault rows
use the upper half of a day's range (``i >= 2**27``), so they never collide
with clean rows and never shift them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from ecom_assets.generate import fmt

PREFIXES = {
    "sessions": ("s_", 1),
    "pageviews": ("pv_", 2),
    "scrolls": ("sc_", 3),
    "clicks": ("ck_", 4),
    "add_to_cart": ("ac_", 5),
    "orders": ("po_", 6),
    "order_line_items": ("li_", 7),
    "returns": ("rt_", 8),
}
FAULT_SPACE = 1 << 27


def row_ids(table: str, d: date, index: np.ndarray, seed: int) -> pa.StringArray:
    """Ids of rows ``index`` of ``table`` on day ``d``."""
    prefix, stream = PREFIXES[table]
    counters = (np.uint64(d.toordinal()) << np.uint64(28)) + np.asarray(index, dtype=np.uint64)
    return fmt.hex_ids(prefix, counters, seed * 16 + stream)


def fault_id(table: str, d: date, k: int, seed: int) -> str:
    """Id of the ``k``-th injected row of ``table`` on ``d`` (same format, disjoint from clean ids)."""
    return row_ids(table, d, np.array([FAULT_SPACE + k]), seed)[0].as_py()
