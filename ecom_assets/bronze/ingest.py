"""Reading one landing file into a bronze Arrow table: values as text, plus lineage.

Fast path: pyarrow's multi-threaded CSV reader. A file with anything irregular (a
line with the wrong number of fields, blank lines, values spanning lines) is read
again with Python's csv module, which knows each record's physical line, so
``_row_number`` stays exact and an unparseable line is kept with its raw text.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ecom_assets.schema import SUCCESS_MARKER, Table


class LandingError(Exception):
    """A landing file or drop that breaks the contract (names the file, line and column)."""


def bronze_arrow_schema(table: Table) -> pa.Schema:
    return pa.schema(
        [pa.field(name, pa.string()) for name in table.column_names]
        + [
            pa.field("_extra_columns", pa.string()),
            pa.field("_raw_line", pa.string()),
            pa.field("_drop_date", pa.date32()),
            pa.field("_source_file", pa.string()),
            pa.field("_row_number", pa.int64()),
            pa.field("_ingested_at", pa.timestamp("us")),
        ]
    )


def day_folder(raw_root: Path, day: date) -> Path:
    return raw_root / day.isoformat()


def check_drop_complete(raw_root: Path, day: date) -> None:
    """Refuse a drop whose ``_SUCCESS`` marker is missing."""
    marker = day_folder(raw_root, day) / SUCCESS_MARKER
    if not marker.exists():
        raise LandingError(
            f"drop {day} is not complete: {marker} does not exist (write {SUCCESS_MARKER} last, "
            "after every file of the day)"
        )


def _header(path: Path, rel: str) -> list[str]:
    with path.open("rb") as f:
        line = f.readline()
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LandingError(f"{rel}: line 1: not valid UTF-8 ({exc.reason})") from exc
    first = next(csv.reader([text]), None)
    if not first:
        raise LandingError(f"{rel}: line 1: the header is missing (the file is empty)")
    names = [n.strip().lower() for n in first]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise LandingError(f"{rel}: line 1: duplicate column(s) in header: {', '.join(dupes)}")
    return names


def check_decodable(path: Path, raw_root: Path) -> None:
    """Refuse a file that is not UTF-8, naming the line and column of the first bad byte."""
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line, column = data.count(b"\n", 0, exc.start) + 1, exc.start - line_start + 1
        rel = path.relative_to(raw_root) if path.is_relative_to(raw_root) else path
        raise LandingError(
            f"{rel}: line {line}, column {column}: not valid UTF-8 (byte 0x{data[exc.start]:02x})"
        ) from exc


def _fast_columns(path: Path, names: list[str]) -> dict[str, pa.Array] | None:
    """Parse with pyarrow; None if the file needs the exact (slow) path."""

    irregular: list[int] = []

    def on_invalid(_row) -> str:
        irregular.append(1)
        return "skip"

    data = path.read_bytes()  # read once: parsed by pyarrow, and its lines counted
    try:
        parsed = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, encoding="utf8"),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if irregular:
        return None  # a line of the wrong width: keep it with its raw text on the exact path
    physical_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if parsed.num_rows + 1 != physical_lines:
        return None  # a value spans lines: physical line numbers need the exact path
    return {n: parsed.column(n) for n in names}


def _exact_rows(
    path: Path, rel: str, width: int
) -> tuple[list[list[str | None]], list[int], list[str | None]]:
    """Records with their first physical line; a record of the wrong width keeps its raw text."""
    rows: list[list[str | None]] = []
    line_numbers: list[int] = []
    raw_lines: list[str | None] = []
    with path.open("rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LandingError(f"{rel}: line {line}: not valid UTF-8 ({exc.reason})") from exc
    lines = io.StringIO(text, newline="").readlines()
    consumed: list[str] = []

    def feed():
        for ln in lines[1:]:
            consumed.append(ln)
            yield ln

    reader = csv.reader(feed())
    line_no = 1
    while True:
        start = line_no + 1
        consumed.clear()
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            record = None
        line_no += len(consumed)
        raw = "".join(consumed).rstrip("\r\n")
        if record == [] or (record is None and raw == ""):
            continue  # a blank line is not a row
        if record is None or len(record) != width:
            rows.append([None] * width)
            raw_lines.append(raw)
        else:
            rows.append([v if v != "" else None for v in record])
            raw_lines.append(None)
        line_numbers.append(start)
    return rows, line_numbers, raw_lines


def relative_name(path: Path, raw_root: Path) -> str:
    """The file's path relative to the landing root (what errors and ``_source_file`` show)."""
    return path.relative_to(raw_root).as_posix() if path.is_relative_to(raw_root) else str(path)


def check_header(path: Path, table: Table, raw_root: Path) -> list[str]:
    """The file's normalised header; a missing required column is an error naming file and column."""
    rel = relative_name(path, raw_root)
    names = _header(path, rel)
    missing = [c for c in table.required_columns if c not in names]
    if missing:
        raise LandingError(
            f"{rel}: line 1: required column(s) missing from header: {', '.join(missing)} "
            f"(header has: {', '.join(names)})"
        )
    return names


def read_landing_file(
    path: Path, table: Table, drop_date: date, raw_root: Path, ingested_at: datetime | None = None
) -> pa.Table:
    """One landing file as bronze rows (all contract columns as text, plus lineage)."""
    rel = relative_name(path, raw_root)
    names = check_header(path, table, raw_root)
    columns = _fast_columns(path, names)
    if columns is not None:
        n = len(columns[names[0]]) if names else 0
        row_numbers = pa.array(np.arange(2, n + 2, dtype=np.int64))
        raw_lines = pa.nulls(n, pa.string())
    else:
        rows, line_numbers, raws = _exact_rows(path, rel, len(names))
        n = len(rows)
        columns = {name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(names)}
        row_numbers = pa.array(line_numbers, pa.int64())
        raw_lines = pa.array(raws, pa.string())
    extras = [name for name in names if name not in table.column_names]
    schema = bronze_arrow_schema(table)
    ingested = ingested_at or datetime.now(timezone.utc).replace(tzinfo=None)
    arrays = [columns.get(c, pa.nulls(n, pa.string())) for c in table.column_names]
    arrays += [
        _extra_json(columns, extras, n),
        raw_lines,
        pa.repeat(pa.scalar(drop_date, pa.date32()), n),
        pa.repeat(pa.scalar(rel, pa.string()), n),
        row_numbers,
        pa.repeat(pa.scalar(ingested, pa.timestamp("us")), n),
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _extra_json(columns: dict[str, pa.Array], extras: list[str], n: int) -> pa.Array:
    """Unknown columns are kept, as one JSON object per row."""
    if not extras:
        return pa.nulls(n, pa.string())
    values = [columns[e].to_pylist() for e in extras]
    return pa.array([json.dumps(dict(zip(extras, row))) for row in zip(*values)], pa.string())


def empty_bronze(table: Table) -> pa.Table:
    return bronze_arrow_schema(table).empty_table()
