"""Vectorized text formatting: numpy arrays in, Arrow string arrays out.

Fixed-width values (ids, timestamps) are written into a ``uint8`` matrix and
wrapped as an Arrow ``StringArray`` without a per-row Python loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MS_PER_DAY = 86_400_000
_EPOCH = date(1970, 1, 1).toordinal()
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DIGIT0 = ord("0")
_TWO = pa.array([f"{i:02d}" for i in range(100)], pa.string())
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


# The shop's time zone while generating (None = UTC). The simulation counts milliseconds on the
# shop's wall clock (``day_start_ms`` is local midnight); :func:`timestamps` turns them into instants.
_zone: ZoneInfo | None = None


@contextmanager
def shop_zone(name: str) -> Iterator[None]:
    """Generate in the time zone ``name`` (an IANA name) inside the block."""
    global _zone
    previous, _zone = _zone, (None if name == "UTC" else ZoneInfo(name))
    try:
        yield
    finally:
        _zone = previous


def day_start_ms(d: date) -> int:
    """Milliseconds of ``d`` 00:00 on the shop's wall clock (UTC when no zone is set)."""
    return (d.toordinal() - _EPOCH) * MS_PER_DAY


def _offsets_at_min(utc_ms: np.ndarray) -> np.ndarray:
    """The shop zone's UTC offset (minutes) at each instant (changes fall on whole UTC hours)."""
    hours = utc_ms // 3_600_000
    uniq, inv = np.unique(hours, return_inverse=True)
    offsets = [datetime.fromtimestamp(int(h) * 3600, _zone).utcoffset().total_seconds() // 60 for h in uniq]
    return np.array(offsets, dtype=np.int64)[inv]


def _zone_offsets_min(wall_ms: np.ndarray) -> np.ndarray:
    """The shop zone's UTC offset (minutes) at each wall-clock time, hour by hour; a time in the
    hour skipped by a daylight-saving change takes the offset before it (so it lands just after)."""
    days, tod = np.divmod(wall_ms, MS_PER_DAY)
    uniq, inv = np.unique(days, return_inverse=True)
    table = np.array([
        [_zone.utcoffset(datetime.combine(date.fromordinal(int(d) + _EPOCH), time(h))).total_seconds() // 60
         for h in range(24)]
        for d in uniq
    ], dtype=np.int64).reshape(len(uniq), 24)
    return table[inv, tod // 3_600_000]


def from_matrix(m: np.ndarray) -> pa.StringArray:
    """Rows of an ``(n, width)`` ASCII byte matrix as a string array (no copy per row)."""
    n, width = m.shape
    if n * width >= 2**31:
        raise ValueError("column too large for 32-bit offsets")
    data = np.ascontiguousarray(m, dtype=np.uint8)
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32) if width else np.zeros(n + 1, np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def _put_digits(m: np.ndarray, col: int, values: np.ndarray, width: int) -> None:
    v = values.astype(np.int64, copy=True)
    for j in range(width - 1, -1, -1):
        m[:, col + j] = _DIGIT0 + v % 10
        v //= 10


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finalizer: a bijection on uint64, so distinct inputs give distinct outputs."""
    x = np.asarray(x, dtype=np.uint64).copy()
    x ^= x >> np.uint64(30)
    x *= _M1
    x ^= x >> np.uint64(27)
    x *= _M2
    x ^= x >> np.uint64(31)
    return x


def hex_text(values: np.ndarray, width: int, prefix: str = "") -> pa.StringArray:
    """``<prefix>`` + the low ``width`` hex digits of each unsigned value (zero-padded)."""
    x = np.asarray(values, dtype=np.uint64)
    p = prefix.encode()
    m = np.empty((len(x), len(p) + width), dtype=np.uint8)
    m[:, : len(p)] = np.frombuffer(p, dtype=np.uint8)
    for j in range(width):
        m[:, len(p) + j] = _HEX[((x >> np.uint64(4 * (width - 1 - j))) & np.uint64(15)).astype(np.intp)]
    return from_matrix(m)


def hex_ids(prefix: str, counters: np.ndarray, salt: int) -> pa.StringArray:
    """Unique random-looking ids ``<prefix><16 hex>``; unique as long as the counters are."""
    salt_key = mix64(np.array([salt], dtype=np.uint64))[0]
    return hex_text(mix64(np.asarray(counters, dtype=np.uint64) ^ salt_key), 16, prefix)


def padded(prefix: str, values: np.ndarray, width: int) -> pa.StringArray:
    """``<prefix><zero-padded decimal>``, e.g. ``U00000042``."""
    p = prefix.encode()
    m = np.empty((len(values), len(p) + width), dtype=np.uint8)
    m[:, : len(p)] = np.frombuffer(p, dtype=np.uint8)
    _put_digits(m, len(p), np.asarray(values), width)
    return from_matrix(m)


def timestamps(ms: np.ndarray, offset_min: np.ndarray | None = None) -> pa.StringArray:
    """ISO-8601 strings ``2026-01-15T08:12:33.123Z``; rows with a non-zero ``offset_min``
    are written in local time with their offset (``…T10:12:33.123+02:00``), same instant.

    In a shop time zone (:func:`shop_zone`) ``ms`` are wall-clock times of that zone: rows without
    an ``offset_min`` of their own are written with the zone's offset."""
    ms = np.asarray(ms, dtype=np.int64)
    off = np.zeros(len(ms), np.int64) if offset_min is None else np.asarray(offset_min, np.int64)
    if _zone is not None and len(ms):
        ms = ms - _zone_offsets_min(ms) * 60_000  # the instant, in UTC
        off = np.where(off != 0, off, _offsets_at_min(ms))
        offset_min = off
    local = ms + off * 60_000
    days, tod = np.divmod(local, MS_PER_DAY)
    m = np.empty((len(ms), 23), dtype=np.uint8)
    uniq, inv = np.unique(days, return_inverse=True)
    table = np.frombuffer(
        "".join(date.fromordinal(int(d) + _EPOCH).isoformat() for d in uniq).encode(), dtype=np.uint8
    ).reshape(len(uniq), 10)
    m[:, :10] = table[inv]
    m[:, 10] = ord("T")
    m[:, 13] = m[:, 16] = ord(":")
    m[:, 19] = ord(".")
    _put_digits(m, 11, tod // 3_600_000, 2)
    _put_digits(m, 14, tod // 60_000 % 60, 2)
    _put_digits(m, 17, tod // 1000 % 60, 2)
    _put_digits(m, 20, tod % 1000, 3)
    base = from_matrix(m)
    if offset_min is None or not off.any():
        return pc.binary_join_element_wise(base, "Z", "")
    uoff, oinv = np.unique(off, return_inverse=True)
    suffix = pa.array([_offset_text(int(o)) for o in uoff], pa.string()).take(oinv)
    return pc.binary_join_element_wise(base, suffix, "")


def _offset_text(minutes: int) -> str:
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def iso_ms(ms: int) -> str:
    """One timestamp as ``…Z`` text (scalar helper for fault rows)."""
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def money(cents: np.ndarray) -> pa.StringArray:
    """Non-negative integer cents as ``12.34``."""
    cents = np.asarray(cents, dtype=np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    return pc.binary_join_element_wise(whole, _TWO.take(pa.array(cents % 100)), ".")


def ints(values: np.ndarray) -> pa.StringArray:
    """Integers (or booleans, as ``0``/``1``) as text."""
    return pc.cast(pa.array(np.asarray(values).astype(np.int64)), pa.string())


def pick(vocab: list[str] | pa.Array, idx: np.ndarray) -> pa.StringArray:
    """``vocab[idx]`` as a string array; an index of -1 gives an empty field."""
    arr = vocab if isinstance(vocab, pa.Array) else pa.array(list(vocab), pa.string())
    idx = np.asarray(idx, dtype=np.int64)
    if (idx < 0).any():
        arr = pa.concat_arrays([arr, pa.array([None], pa.string())])
        idx = np.where(idx < 0, len(arr) - 1, idx)
    return arr.take(pa.array(idx))


def const(value: str | None, n: int) -> pa.StringArray:
    """A column holding one value ``n`` times."""
    return pa.repeat(pa.scalar(value, pa.string()), n)


def join(*parts: pa.Array | str, sep: str = "") -> pa.StringArray:
    """Element-wise concatenation of string arrays and literals (nulls become empty)."""
    return pc.binary_join_element_wise(*parts, sep, null_handling="replace", null_replacement="")
