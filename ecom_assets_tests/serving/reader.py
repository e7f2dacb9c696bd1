"""A reader process: holds the snapshot open read-only and queries every view in a loop.

``python -m ecom_assets_tests.serving.reader SNAPSHOT STOP_FILE`` runs until ``STOP_FILE`` exists,
then prints a JSON report: queries run, errors seen, and the last day each connection saw in
``gold.daily_business_metrics`` (the held connection and a fresh one per round).
"""

import json
import sys
import time
import traceback
from pathlib import Path

import duckdb


def one_round(conn: duckdb.DuckDBPyConnection, views: list[str]) -> int:
    for view in views:
        conn.execute(f"SELECT count(*) FROM {view}").fetchall()
    return len(views)


def main(snapshot: str, stop_file: str) -> None:
    held = duckdb.connect(snapshot, read_only=True)
    tables = "SELECT table_schema || '.' || table_name FROM information_schema.tables ORDER BY ALL"
    views = [name for (name,) in held.execute(tables).fetchall()]
    Path(stop_file + ".ready").touch()
    queries, errors, rounds = 0, [], 0
    last = "SELECT max(date)::VARCHAR FROM gold.daily_business_metrics"
    held_last = fresh_last = None
    while not Path(stop_file).exists() or rounds == 0:
        try:
            queries += one_round(held, views)
            held_last = held.execute(last).fetchone()[0]
            with duckdb.connect(snapshot, read_only=True) as fresh:
                fresh_last = fresh.execute(last).fetchone()[0]
            queries += 2
        except Exception:  # the claim under test: this never happens
            errors.append(traceback.format_exc(limit=2))
        rounds += 1
        time.sleep(0.02)
    held.close()
    print(json.dumps({"queries": queries, "rounds": rounds, "errors": errors[:5],
                      "held_last_day": held_last, "fresh_last_day": fresh_last}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
