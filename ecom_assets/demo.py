"""The main job, end to end: generate a sample shop, materialize every layer, show the results.

``python -m ecom_assets.demo`` writes a few weeks of drops into the landing root
(``ECOM_RAW_DIR``), then loads them with the code location's jobs (``daily_job`` over the
whole range in one run, ``full_job`` for the dimensions, ``weekly_job`` and ``monthly_job`` over
the complete weeks and months, ``publish_snapshot`` for the readers' snapshot) and prints where
the warehouse is and a few numbers. The runs are stored in the instance (``DAGSTER_HOME``) and
use the code location's executor, like runs of ``dagster job execute``; they are started from
this one process with Dagster's ``execute_job``, because every CLI command would load Python,
Dagster and the code location again (about 5 s each).
"""

import argparse
import os
import shutil
import sys
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets import settings
from ecom_assets.generate.late import LateMix
from ecom_assets.partitions import MONTHLY, WEEKLY, range_tags

REPO = Path(__file__).resolve().parent.parent


def dagster_home() -> Path:
    """``DAGSTER_HOME`` (default ``.dagster_home``), holding the repo's ``dagster.yaml``."""
    home = Path(os.environ.get("DAGSTER_HOME", REPO / ".dagster_home")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists() and not target.is_symlink():
        try:
            target.symlink_to(REPO / "dagster.yaml")  # one copy of the settings
        except OSError:
            shutil.copy(REPO / "dagster.yaml", target)
    return home


# The runs' own log (every event) is in the instance and the UI; the console shows warnings only.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def code_location_job(name: str) -> dg.JobDefinition:
    """A job of the code location, with its resources and executor."""
    from ecom_assets.definitions import defs

    return defs.resolve_job_def(name)


def run(job: str, instance: dg.DagsterInstance, days: tuple[str, str] | None = None) -> float:
    """One run of ``job`` (over the partitions ``days``, in one run); returns its wall time in seconds."""
    shown = f"{job}" + (f" over {days[0]}...{days[1]}" if days else "")
    print(f"run {shown}", flush=True)
    started = time.perf_counter()
    recon = dg.build_reconstructable_job(__name__, "code_location_job", reconstructable_args=(job,))
    result = dg.execute_job(recon, instance, run_config=QUIET, tags=range_tags(*days) if days else None)
    if not result.success:
        raise SystemExit(f"failed: {shown} (run {result.run_id}; see it in the UI)")
    seconds = time.perf_counter() - started
    print(f"  succeeded in {seconds:.0f} s", flush=True)
    return seconds


def periods_within(first: date, last: date) -> tuple[list[str], list[str]]:
    """Weekly and monthly partition keys whose whole window lies inside [first, last]."""
    def inside(defn) -> list[str]:
        keys = []
        for key in defn.get_partition_keys():
            tw = defn.time_window_for_partition_key(key)
            if tw.start.date() >= first and tw.end.date() <= last + timedelta(days=1):
                keys.append(key)
        return keys

    return inside(WEEKLY), inside(MONTHLY)


def summary(warehouse: str) -> str:
    """Row counts per layer and the headline numbers of the sample."""
    with duckdb.connect(warehouse, read_only=True) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema IN ('bronze', 'silver', 'gold') ORDER BY 1, 2"
        ).fetchall()
        lines = []
        for schema in ("bronze", "silver", "gold"):
            names = [t for s, t in tables if s == schema]
            counts = [conn.execute(f"SELECT count(*) FROM {schema}.{t}").fetchall()[0][0] for t in names]
            lines.append(f"  {schema:<7}{len(names):>3} tables, {sum(counts):>12,} rows")
        if ("gold", "daily_business_metrics") in tables:
            rev, orders, sessions, conv = conn.execute(
                "SELECT SUM(total_revenue), SUM(total_orders), SUM(total_sessions), "
                "100.0 * SUM(total_orders) / NULLIF(SUM(total_sessions), 0) FROM gold.daily_business_metrics"
            ).fetchall()[0]
            lines.append(
                f"  revenue {float(rev or 0):,.2f} from {orders:,} orders in {sessions:,} sessions "
                f"(conversion {float(conv or 0):.2f} %)"
            )
            lines.append(restatements(conn))
    return "\n".join(lines)


def restatements(conn: duckdb.DuckDBPyConnection) -> str:
    """What the late and corrected feed did: restated rows, corrections, provisional days."""
    provisional = conn.execute(
        "SELECT count(*) FILTER (WHERE is_provisional), count(*) FROM gold.daily_business_metrics"
    ).fetchall()[0]
    absorbed = dict(
        conn.execute("SELECT measure, SUM(rows) FROM meta.day_restatements GROUP BY 1").fetchall()
    )
    refused = dict(conn.execute(
        "SELECT reason, count(*) FROM silver.quarantine WHERE reason = 'late_event' GROUP BY 1"
    ).fetchall())
    return (
        f"  {absorbed.get('late_rows', 0):,} late rows restated into their day, "
        f"{absorbed.get('superseded_rows', 0):,} order states replaced by a correction; "
        f"{refused.get('late_event', 0):,} rows too late to restate (quarantined); "
        f"{provisional[0]} of {provisional[1]} days still provisional"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=date.fromisoformat, default=date.fromisoformat(settings.start_date()))
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--sessions-per-day", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from ecom_assets.generate import generate

    raw, warehouse = settings.raw_dir(), settings.warehouse_path()
    os.environ["DAGSTER_HOME"] = str(dagster_home())
    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # the beta APIs used are chosen, not news
    first, last = args.start, args.start + timedelta(days=args.days - 1)
    zone = settings.shop_timezone()
    print(f"Generating {args.days} days × {args.sessions_per_day} sessions from {first} into {raw} "
          f"(shop time zone {zone}, with late, corrected and re-sent rows)")
    generate(raw, first, args.days, sessions_per_day=args.sessions_per_day, seed=args.seed, progress=True,
             late=LateMix(), timezone=zone)

    started = time.perf_counter()
    with dg.DagsterInstance.get() as instance:
        run("daily_job", instance, (str(first), str(last)))
        run("full_job", instance)
        weeks, months = periods_within(first, last)
        if weeks:
            run("weekly_job", instance, (weeks[0], weeks[-1]))
        if months:
            run("monthly_job", instance, (months[0], months[-1]))
        # the readers' snapshot of every partition, as the publish sensor does after each run
        run("publish_snapshot", instance)
    print(f"\nMaterialized in {time.perf_counter() - started:.0f} s. Warehouse: {Path(warehouse).resolve()}")
    print(summary(warehouse))
    serving = settings.serving_path()
    print(f"\nExplore it: dagster dev (DAGSTER_HOME={os.environ['DAGSTER_HOME']})")
    print(f"Dashboards: {sys.executable} -m ecom_assets.dashboards   (http://127.0.0.1:8501)")
    print(f"SQL, notebooks, BI tools: the read-only snapshot {Path(serving).resolve()}")


if __name__ == "__main__":
    main()
