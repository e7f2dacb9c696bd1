"""Benchmark: the daily pipeline against plain DuckDB doing the same tables from the same files.

    .venv/bin/python bench/bench_vs_duckdb.py                 # every case below
    .venv/bin/python bench/bench_vs_duckdb.py --case week     # one case

Cases (drops generated once, cached under --work):

- ``week``: a range run of 7 days at 50,000 sessions/day (goal: at most 1.5x plain DuckDB);
- ``drop``: one new drop at 50,000 sessions/day with its restatement window D-3 ... D, after the
  days before it are loaded (goal: at most 2x plain DuckDB over the window's four drops);
- ``quarter``: a range run of 90 days at 5,000 sessions/day (goal: at most 2x plain DuckDB).

**ecom_assets** is ``dagster asset materialize --select tag:cadence=daily --partition-range ...``
in a fresh process on a fresh SQLite instance (the repository's ``dagster.yaml``), every daily
table and check, as a user runs it. **Plain DuckDB** is one process and one connection: each
landing file read with ``read_csv`` into its bronze table (the same lineage columns), then every
daily silver and gold table created from the project's own SQL over the whole range, in
dependency order: the same tables, no Dagster, no checks, no incremental bookkeeping, no
per-day windows. Both print wall seconds and peak memory (ru_maxrss of the process).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CASES = {  # name: (sessions per day, days generated, first and last day of the timed run, goal)
    "week": (50_000, 8, 0, 6, 1.5),
    "drop": (50_000, 8, 4, 7, 2.0),  # drop 8 with its window; days 1-7 are loaded before
    "quarter": (5_000, 90, 0, 89, 2.0),
}
START = date(2025, 3, 1)


def plain_duckdb(raw: Path, warehouse: Path, first: date, last: date) -> None:
    """Bronze from the CSV files of drops first..last, then every daily silver and gold table."""
    from graphlib import TopologicalSorter

    import duckdb

    from ecom_assets import gold, silver
    from ecom_assets.meta import create_meta_tables
    from ecom_assets.resources import duckdb_config
    from ecom_assets.schema import TABLES

    conn = duckdb.connect(str(warehouse), config=duckdb_config())
    for schema in ("bronze", "silver", "gold"):
        conn.execute(f"CREATE SCHEMA {schema}")
    create_meta_tables(conn)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for table in TABLES:
        files = [str(p) for d in days if (p := raw / d.isoformat() / table.file_name).exists()]
        lineage = (
            "NULL::VARCHAR AS _extra_columns, NULL::VARCHAR AS _raw_line, "
            "CAST(regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2})', 1) AS DATE) AS _drop_date, "
            "filename AS _source_file, row_number() OVER (PARTITION BY filename) + 1 AS _row_number, "
            "CAST(now() AS TIMESTAMP) AS _ingested_at"
        )
        if not files:
            columns = ", ".join(f"NULL::VARCHAR AS {c}" for c in table.column_names)
            conn.execute(f"CREATE TABLE bronze.{table.name} AS SELECT {columns}, "
                         f"{lineage.replace('filename', 'NULL::VARCHAR')} LIMIT 0")
            continue
        source = f"read_csv({files!r}, all_varchar=true, header=true, filename=true, union_by_name=true)"
        present = {r[0].lower() for r in conn.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        columns = ", ".join(c if c in present else f"NULL::VARCHAR AS {c}" for c in table.column_names)
        conn.execute(f"CREATE TABLE bronze.{table.name} AS SELECT {columns}, {lineage} FROM {source}")
    tables = [t for t in (*silver.table_assets, *gold.table_assets)
              if getattr(t, "sql", None) and t.spec.tags["cadence"] == "daily"]
    by_key = {t.key: t for t in tables}
    graph = {t.key: {d.asset_key for d in t.spec.deps if d.asset_key in by_key} for t in tables}
    params = {"start": first, "end": last + timedelta(days=1)}
    for key in TopologicalSorter(graph).static_order():
        sql = by_key[key].sql
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        conn.execute(f"CREATE TABLE {'.'.join(key.path)} AS {sql}", used)
    conn.close()


def pipeline(raw: Path, work: Path, first: date, last: date, start: date) -> None:
    """``dagster asset materialize`` of every daily table over first...last (its own instance)."""
    env = {**os.environ, "DAGSTER_HOME": str(work / "dagster_home"), "ECOM_RAW_DIR": str(raw),
           "ECOM_WAREHOUSE": str(work / "warehouse.duckdb"), "ECOM_SERVING": str(work / "serving.duckdb"),
           "ECOM_START_DATE": str(start)}  # fmt: skip
    (work / "dagster_home").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", work / "dagster_home" / "dagster.yaml")
    cmd = [sys.executable, "-m", "dagster", "asset", "materialize", "-m", "ecom_assets.definitions",
           "--select", "tag:cadence=daily", "--partition-range", f"{first}...{last}"]
    proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])


def timed(args: list[str]) -> tuple[float, float]:
    """Run this script with ``args`` in a fresh process: (wall seconds, its peak memory in MB)."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise SystemExit(out.stderr[-4000:])
    return seconds, json.loads(out.stdout.strip().splitlines()[-1])["peak_mb"]


def generated(work: Path, sessions: int, days: int) -> Path:
    raw = work / f"raw_{sessions}_{days}"
    if not (raw / str(START + timedelta(days=days - 1)) / "_SUCCESS").exists():
        from ecom_assets.generate import generate
        from ecom_assets.generate.late import LateMix

        generate(raw, START, days, sessions_per_day=sessions, seed=7, progress=True, late=LateMix())
    return raw


def case(name: str, work: Path) -> dict:
    sessions, days, first_offset, last_offset, goal = CASES[name]
    raw = generated(work, sessions, days)
    first, last = START + timedelta(days=first_offset), START + timedelta(days=last_offset)
    scratch = Path(tempfile.mkdtemp(dir=work))
    try:
        if name == "drop":  # the days before the new drop are loaded already (not timed)
            subprocess.run([sys.executable, __file__, "--child", "pipeline", str(raw), str(scratch),
                            str(START), str(last - timedelta(days=1))], check=True, capture_output=True)
        ours, ours_mb = timed(["--child", "pipeline", str(raw), str(scratch), str(first), str(last)])
        plain, plain_mb = timed(["--child", "plain", str(raw), str(scratch / "plain.duckdb"),
                                 str(first), str(last)])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"case": name, "sessions": sessions, "days": (last - first).days + 1, "ours": ours,
            "ours_mb": ours_mb, "plain": plain, "plain_mb": plain_mb, "goal": goal}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    parser.add_argument("--work", type=Path, default=REPO / "data" / "bench")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, raw, target, first, last = args.child
        first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
        if what == "plain":
            plain_duckdb(Path(raw), Path(target), first_day, last_day)
        else:
            pipeline(Path(raw), Path(target), first_day, last_day, START)
        usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        print(json.dumps({"peak_mb": usage / 1024}))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{'case':<8} {'days':>4} {'sessions/day':>12} {'ecom_assets s':>13} {'plain s':>8} "
          f"{'ratio':>6} {'goal':>5} {'peak MB ours/plain':>19}")
    for name in args.case or list(CASES):
        r = case(name, args.work)
        print(f"{r['case']:<8} {r['days']:>4} {r['sessions']:>12,} {r['ours']:>13.1f} {r['plain']:>8.1f} "
              f"{r['ours'] / r['plain']:>6.2f} {r['goal']:>5.1f} {r['ours_mb']:>9,.0f}/{r['plain_mb']:,.0f}",
              flush=True)


if __name__ == "__main__":
    main()
