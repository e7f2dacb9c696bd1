"""One daily bronze asset per landing file, all built by one factory from the schema."""

import hashlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa

from ecom_assets.bronze.ingest import (
    LandingError,
    bronze_arrow_schema,
    check_decodable,
    check_drop_complete,
    check_header,
    day_folder,
    empty_bronze,
    read_landing_file,
)
from ecom_assets.meta import loaded_unchanged, record_drop_days, record_loads
from ecom_assets.partitions import DAILY
from ecom_assets.resources import LandingZone
from ecom_assets.schema import TABLES, Table
from ecom_assets.silver.rules import event_day
from ecom_assets.steps import StepResources, TableAsset, report_unreadable
from ecom_assets.warehouse import Produce, TableBuild, Window, day_windows

OWNER = "team:analytics-engineering"
# Run tag that makes bronze re-read every drop of the run, changed or not.
RELOAD_TAG = "ecom/reload_bronze"


def bronze_asset(table: Table) -> TableAsset:
    """The bronze table of one landing file: its rows as text plus lineage, per drop date."""
    spec = dg.AssetSpec(
        key=dg.AssetKey(["bronze", table.name]),
        group_name="bronze",
        metadata={"partition_expr": "_drop_date", "landing_file": table.file_name},
        tags={"layer": "bronze", "cadence": "daily"},
        kinds={"duckdb", "csv"},
        owners=[OWNER],
    )

    def build(context: dg.AssetExecutionContext, resources: StepResources) -> TableBuild:
        landing = resources.landing
        windows = day_windows(context)
        days = [w[0] + timedelta(days=i) for w in windows if w for i in range((w[1] - w[0]).days)]
        incomplete, unreadable = check_drops(landing, table, days)
        for day, reason in incomplete.items():
            context.log.info(f"Skipping the drop of {day}: {reason}; bronze keeps what it holds for it.")
        for day, reason in unreadable.items():
            context.log.error(f"Not loading the drop of {day}: {reason}; the other days load, the run fails.")
            context.add_asset_metadata({"unreadable_drop": reason}, asset_key=spec.key,
                                       partition_key=day.isoformat())
        report_unreadable(context, unreadable)
        incomplete = {**incomplete, **unreadable}  # kept as bronze holds them
        complete = [d for d in days if d not in incomplete]
        digests = {d: file_digest(day_folder(landing.path, d) / table.file_name) for d in complete}
        reload = context.run.tags.get(RELOAD_TAG) == "true"
        ingested_at = datetime.now(timezone.utc).replace(tzinfo=None)
        kept: dict[Window, set[date]] = {}

        def unchanged(conn: duckdb.DuckDBPyConnection, window: Window) -> set[date]:
            """Days of the window left as they are: incomplete drops, and drops loaded before with
            the same file contents (a restatement run re-reads only what changed)."""
            in_window = {d for d in days if window[0] <= d < window[1]}
            candidates = {d: digests[d] for d in in_window - set(incomplete)}
            same = set() if reload else loaded_unchanged(conn, table, candidates)
            kept[window] = (in_window & set(incomplete)) | same
            return kept[window]

        def read_day(day: date) -> pa.Table:
            path = day_folder(landing.path, day) / table.file_name
            if not path.exists():
                context.log.info(f"{table.file_name} absent from optional drop {day}: empty partition")
                return empty_bronze(table)
            return read_landing_file(path, table, day, landing.path, ingested_at)

        def to_read(window: Window) -> list[date]:
            return [d for d in days if window[0] <= d < window[1] and d not in kept[window]]

        def record(conn: duckdb.DuckDBPyConnection, window: Window) -> None:
            loaded = {d: digests[d] for d in to_read(window)}
            record_loads(conn, table, loaded, ingested_at)
            record_drop_days(conn, table, sorted(loaded), event_day(table, raw=True), ingested_at)

        kpis = {"unknown_column_rows": "count(_extra_columns)", "unparseable_lines": "count(_raw_line)"}
        produce = streaming(read_day, to_read, bronze_arrow_schema(table))
        return TableBuild(produce, windows, kpis, after=record, unchanged=unchanged)

    return TableAsset(spec, build, DAILY)


def streaming(
    read_day: Callable[[date], pa.Table], days_of: Callable[[Window], list[date]], schema: pa.Schema
) -> Produce:
    """``produce`` streaming a window's days (``days_of(window)``) into one insert, reading the
    next file ahead.

    pyarrow and DuckDB both release the GIL, so parsing the next day's file overlaps with
    DuckDB writing this one; at most two days of one table are in memory.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bronze-read")
    pending: dict[date, Future] = {}

    def produce(_conn: duckdb.DuckDBPyConnection, window: Window) -> pa.RecordBatchReader:
        in_window = days_of(window)

        def fetch(day: date) -> pa.Table:
            future = pending.pop(day, None) or pool.submit(read_day, day)
            for following in [d for d in in_window if d > day][:1]:
                pending[following] = pool.submit(read_day, following)
            return future.result()

        batches = (batch for day in in_window for batch in fetch(day).to_batches())
        return pa.RecordBatchReader.from_batches(schema, batches)

    return produce


def check_drops(
    landing: LandingZone, table: Table, days: list[date]
) -> tuple[dict[date, str], dict[date, str]]:
    """The drops of ``days`` not to load, and why: incomplete ones (no ``_SUCCESS`` yet, skipped)
    and unreadable ones (a required file missing, a bad header, bytes that are not UTF-8: an
    error of that day only). Raises when no drop of the run can be loaded."""
    incomplete, unreadable = {}, {}
    for day in days:
        try:
            check_drop_complete(landing.path, day)
        except LandingError as exc:
            incomplete[day] = str(exc)
            continue
        path = day_folder(landing.path, day) / table.file_name
        try:
            if path.exists():
                check_header(path, table, landing.path)
                check_decodable(path, landing.path)
            elif table.required_file:
                raise LandingError(f"{path}: required file missing from the complete drop {day}")
        except LandingError as exc:
            unreadable[day] = str(exc)
    if days and len(incomplete) + len(unreadable) == len(days):
        problems = [*unreadable.values(), *incomplete.values()]
        more = f" (+{len(problems) - 10} more)" if len(problems) > 10 else ""
        raise LandingError("; ".join(problems[:10]) + more)
    return incomplete, unreadable


def file_digest(path: Path) -> str:
    """A digest of the file's bytes (``absent`` for an optional file the drop does not have)."""
    if not path.exists():
        return "absent"
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


BRONZE_ASSETS = [bronze_asset(t) for t in TABLES]
