"""The monthly archive of the landing zone: pack a month of raw day folders into one ``.tar.gz``, verify it
by re-reading it, only then remove the folders; and restore a month byte for byte.

A month is archived when every day folder it has is older than the retention, complete (``_SUCCESS``),
and every file of a landing table is loaded in bronze with as many rows as the file has records. The
archive carries ``manifest.json`` (size, sha256 and modification time of every file). Removal deletes a
day's ``_SUCCESS`` first, so a half-removed folder is an incomplete drop to the landing sensor, never a
changed one; a restore writes it last and puts back the modification times, so a restored day has its
old fingerprint and the sensor does not load it again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb

from ecom_assets.schema import SUCCESS_MARKER
from ecom_assets.upkeep.retention import month_days, problems

MANIFEST = "manifest.json"
_CHUNK = 1 << 20


class ArchiveError(Exception):
    """An archive that cannot be written, verified or restored; nothing was removed or overwritten."""


@dataclass(frozen=True)
class Member:
    path: str  # relative to the landing root, e.g. 2025-01-03/order_table.csv
    size: int
    sha256: str
    mtime_ns: int


def archive_path(archive_dir: Path, month: str) -> Path:
    return archive_dir / f"raw-{month}.tar.gz"


def sha256(data: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in data:
        digest.update(chunk)
    return digest.hexdigest()


def _chunks(f: io.BufferedIOBase) -> Iterable[bytes]:
    while chunk := f.read(_CHUNK):
        yield chunk


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return sha256(_chunks(f))


def _members(root: Path, days: list[date]) -> list[tuple[Path, Member]]:
    """Every file of the days, each day's ``_SUCCESS`` last."""
    out = []
    for day in days:
        files = sorted(
            (p for p in (root / day.isoformat()).iterdir() if p.is_file()),
            key=lambda p: (p.name == SUCCESS_MARKER, p.name),
        )
        for p in files:
            stat = p.stat()
            out.append(
                (p, Member(p.relative_to(root).as_posix(), stat.st_size, file_sha256(p), stat.st_mtime_ns))
            )
    return out


def read_manifest(archive: Path) -> list[Member]:
    with tarfile.open(archive, "r:gz") as tar:
        f = tar.extractfile(MANIFEST)
        if f is None:
            raise ArchiveError(f"{archive}: no {MANIFEST}")
        return [Member(**m) for m in json.load(f)["files"]]


def verify(archive: Path, expected: list[Member]) -> None:
    """Re-read every member of ``archive``: its manifest and its bytes must be ``expected``."""
    if read_manifest(archive) != expected:
        raise ArchiveError(f"{archive}: the manifest does not list the files being archived")
    with tarfile.open(archive, "r:gz") as tar:
        for m in expected:
            f = tar.extractfile(m.path)
            if f is None or sha256(_chunks(f)) != m.sha256:
                raise ArchiveError(f"{archive}: {m.path} does not read back with sha256 {m.sha256}")


def pack(root: Path, days: list[date], target: Path) -> list[Member]:
    """Write the days' files and their manifest to ``target`` (atomically), verified by re-reading it."""
    members = _members(root, days)
    manifest = json.dumps({"files": [asdict(m) for _, m in members]}, indent=1).encode()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        for path, m in members:
            tar.add(path, arcname=m.path, recursive=False)
    expected = [m for _, m in members]
    verify(partial, expected)
    os.replace(partial, target)
    return expected


def remove_days(root: Path, days: list[date]) -> None:
    """Delete the day folders, each ``_SUCCESS`` first (a half-removed day is an incomplete drop)."""
    for day in days:
        folder = root / day.isoformat()
        (folder / SUCCESS_MARKER).unlink(missing_ok=True)
        shutil.rmtree(folder)


def archive_month(
    root: Path,
    archive_dir: Path,
    month: str,
    conn: duckdb.DuckDBPyConnection,
    loaded: Callable[[str, date], bool],
) -> list[Member]:
    """Archive and remove ``month``'s day folders; raises :class:`ArchiveError` (removing nothing) when a day
    is not verified, or when an archive of the month already exists with other files."""
    days = month_days(root, month)
    if not days:
        return []
    found = problems(root, days, conn, loaded)
    if found:
        raise ArchiveError(f"{month} not archived, nothing removed: " + "; ".join(found))
    target = archive_path(archive_dir, month)
    if target.exists():  # archived before, then restored: the same files may be removed again
        members = [m for _, m in _members(root, days)]
        if read_manifest(target) != members:
            raise ArchiveError(f"{month} not archived, nothing removed: {target} exists with other files")
        verify(target, members)
    else:
        members = pack(root, days, target)
    if [m for _, m in _members(root, days)] != members:  # a file changed while it was being archived
        raise ArchiveError(f"{month} not removed: its files changed while being archived; run again")
    remove_days(root, days)
    return members


def restore_month(archive_dir: Path, root: Path, month: str) -> list[Member]:
    """Write ``month``'s archived files back into the landing zone, byte for byte and with their modification
    times; a file that exists already must be identical (it is left alone), else nothing more is written."""
    archive = archive_path(archive_dir, month)
    if not archive.exists():
        raise ArchiveError(f"no archive of {month}: {archive} does not exist")
    members = read_manifest(archive)
    for m in members:
        if Path(m.path).is_absolute() or ".." in Path(m.path).parts:
            raise ArchiveError(f"{archive}: unsafe path {m.path}")
        target = root / m.path
        if target.exists() and file_sha256(target) != m.sha256:
            raise ArchiveError(f"{target} exists and differs from the archived file: restore refused")
    with tarfile.open(archive, "r:gz") as tar:
        for m in members:
            target = root / m.path
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            f = tar.extractfile(m.path)
            assert f is not None
            with partial.open("wb") as out:
                shutil.copyfileobj(f, out, _CHUNK)
            if file_sha256(partial) != m.sha256:
                partial.unlink()
                raise ArchiveError(f"{archive}: {m.path} does not restore with sha256 {m.sha256}")
            os.utime(partial, ns=(m.mtime_ns, m.mtime_ns))
            os.replace(partial, target)
    return members
