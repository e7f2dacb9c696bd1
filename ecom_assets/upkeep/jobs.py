"""The monthly archive job and its schedule (the maintenance guide's landing-zone upkeep)."""

from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from ecom_assets import settings
from ecom_assets.partitions import TIMEZONE
from ecom_assets.resources import LandingZone
from ecom_assets.upkeep.archive import ArchiveError, archive_month, archive_path
from ecom_assets.upkeep.retention import months_to_archive

ARCHIVE_CRON = "0 4 1 * *"  # the 1st, after the monthly schedule (03:00) has run the month just ended


class ArchiveConfig(dg.Config):
    archive_dir: str = str(settings.archive_dir())
    retention_days: int = settings.raw_retention_days()
    as_of: str = ""  # YYYY-MM-DD; empty: today (UTC)


def bronze_loaded(instance: dg.DagsterInstance) -> Callable[[str, date], bool]:
    """Whether the instance has a materialization of ``bronze.<table>`` for the day's partition."""

    def loaded(table: str, day: date) -> bool:
        records = dg.AssetRecordsFilter(
            asset_key=dg.AssetKey(["bronze", table]), asset_partitions=[day.isoformat()]
        )
        return bool(instance.fetch_materializations(records, limit=1).records)

    return loaded


@dg.op(
    description="Archive every month of raw drops older than the retention, verified, then remove it.",
    pool="duckdb",  # it reads the warehouse: one process at a time on the DuckDB file
)
def archive_raw_months(
    context: dg.OpExecutionContext, config: ArchiveConfig, landing: LandingZone, warehouse: DuckDBResource
) -> None:
    today = date.fromisoformat(config.as_of) if config.as_of else datetime.now(timezone.utc).date()
    archive_dir, archived, refused = Path(config.archive_dir), [], []
    with warehouse.get_connection() as conn:
        for month in months_to_archive(landing.path, today, config.retention_days):
            try:
                members = archive_month(
                    landing.path, archive_dir, month, conn, bronze_loaded(context.instance)
                )
            except ArchiveError as exc:
                context.log.error(str(exc))
                refused.append(str(exc))
                continue
            context.log.info(f"Archived {month}: {len(members)} files in {archive_path(archive_dir, month)}")
            archived.append(month)
    if refused:
        raise dg.Failure("\n".join(refused), metadata={"archived": ", ".join(archived) or "none"})
    context.log.info(f"Archived month(s): {', '.join(archived) or 'none'}.")


@dg.job(
    description="Packs raw day folders older than ECOM_RAW_RETENTION_DAYS into one verified archive per "
    "month (data/archive/raw-YYYY-MM.tar.gz) and removes them from the landing zone."
)
def archive_job() -> None:
    archive_raw_months()


@dg.schedule(
    job=archive_job,
    cron_schedule=ARCHIVE_CRON,
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=f"At `{ARCHIVE_CRON}` ({TIMEZONE}): archive the months older than the raw retention.",
)
def archive_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    tick = context.scheduled_execution_time or datetime.now(timezone.utc)
    as_of = tick.date().isoformat()
    return dg.RunRequest(
        run_key=f"archive:{as_of}", run_config={"ops": {"archive_raw_months": {"config": {"as_of": as_of}}}}
    )
