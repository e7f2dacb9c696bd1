"""CSV writing per landing.md: UTF-8, comma, RFC 4180 quoting only where needed, empty = null.

Columns and their order come from ``schema.TABLES``; a schema column the
generator does not fill is written empty, so a new column flows through.
Extra rows (injected faults) are placed among the clean rows at a chosen
position and their 1-based physical line numbers (header = line 1) are
reported back.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ecom_assets.schema import SUCCESS_MARKER, Table

_NEEDS_QUOTES = '[",\r\n]'


@dataclass
class ExtraRow:
    """A row added after clean row ``after`` (-1 = before all): values by column, or a raw line."""

    after: int
    values: dict[str, str | None] | None = None
    raw: str | None = None


def quote(col: pa.Array) -> pa.Array:
    """RFC 4180: wrap a value in quotes (doubling inner quotes) only when it needs it."""
    col = col.cast(pa.string()) if col.type != pa.string() else col
    data = col.buffers()[2]
    if data is None or not any(ch in data.to_pybytes() for ch in (b",", b'"', b"\n", b"\r")):
        return col  # fast path: nothing in the column's bytes needs quoting
    needs = pc.fill_null(pc.match_substring_regex(col, _NEEDS_QUOTES), False)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(col, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, col)


def _quote_text(value: str | None) -> str:
    if value is None:
        return ""
    if any(ch in value for ch in '",\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def format_row(columns: list[str], values: dict[str, str | None]) -> str:
    """One CSV line (no newline): ``values`` of ``columns``, in that order (absent = empty)."""
    return ",".join(_quote_text(values.get(c)) for c in columns)


def _lines(table: Table, columns: dict[str, pa.Array], n: int) -> pa.Array:
    unknown = set(columns) - set(table.column_names)
    if unknown:
        raise KeyError(f"{table.file_name}: columns not in the schema: {sorted(unknown)}")
    missing = [c for c in table.column_names if c not in columns]
    if missing:
        warnings.warn(f"{table.file_name}: generator writes no values for {missing}", stacklevel=3)
    parts = [quote(columns[c]) if c in columns else pa.nulls(n, pa.string()) for c in table.column_names]
    if len(parts) == 1:
        return pc.fill_null(parts[0], "")
    return pc.binary_join_element_wise(*parts, ",", null_handling="replace", null_replacement="")


def _row_count(columns: dict[str, pa.Array]) -> int:
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of unequal length: {lengths}")
    return lengths.pop() if lengths else 0


def write_table(
    day_dir: Path, table: Table, columns: dict[str, pa.Array], extra: list[ExtraRow] | None = None
) -> tuple[int, list[int]]:
    """Write one landing file; returns (rows written, physical line of each extra row)."""
    n = _row_count(columns)
    lines = _lines(table, columns, n)
    extra = extra or []
    line_numbers: list[int] = []
    if extra:
        made = [e.raw if e.raw is not None else format_row(table.column_names, e.values or {}) for e in extra]
        after = np.array([e.after for e in extra])
        keys = np.r_[np.arange(n) * 2 + 1, after * 2 + 2]  # extra rows go right after their clean row
        order = np.argsort(keys, kind="stable")
        lines = pa.concat_arrays([lines, pa.array(made, pa.string())]).take(pa.array(order))
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        line_numbers = [int(x) + 2 for x in position[n:]]
    header = ",".join(table.column_names)
    with open(day_dir / table.file_name, "wb") as f:
        f.write(header.encode() + b"\n")
        if len(lines):
            body = pc.binary_join_element_wise(lines, "", "\n")
            offsets = np.frombuffer(
                body.buffers()[1], dtype=np.int32, count=len(body) + 1, offset=body.offset * 4
            )
            f.write(memoryview(body.buffers()[2])[offsets[0] : offsets[-1]])
    return n + len(extra), line_numbers


def mark_complete(day_dir: Path) -> None:
    """Write the empty ``_SUCCESS`` marker: the day's drop is complete."""
    (day_dir / SUCCESS_MARKER).write_bytes(b"")
