"""The command line as users run it: `dagster asset materialize` for one partition and for a range."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from ecom_assets_tests.helpers import write_drop

REPO = Path(__file__).resolve().parent.parent


def _materialize(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ECOM_RAW_DIR": str(tmp_path / "raw"),
        "ECOM_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "ECOM_START_DATE": "2025-01-01",
    }
    cmd = [sys.executable, "-m", "dagster", "asset", "materialize", "-m", "ecom_assets.definitions", *args]
    return subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


def _sessions(day: str, n: int) -> list[dict[str, str]]:
    return [{"user_id": f"u{i}", "session_id": f"{day}-{i}", "time": f"{day}T08:00:00Z"} for i in range(n)]


def test_cli_materializes_one_partition_then_a_range_in_one_run(tmp_path):
    for n, day in enumerate(["2025-01-01", "2025-01-02", "2025-01-03"], start=1):
        write_drop(tmp_path / "raw", day, {"sessions": _sessions(day, n)})
    single = _materialize(tmp_path, "--select", "tag:layer=bronze", "--partition", "2025-01-02")
    assert single.returncode == 0, single.stderr[-3000:]
    days = "2025-01-01...2025-01-03"
    ranged = _materialize(tmp_path, "--select", "tag:layer=bronze", "--partition-range", days)
    assert ranged.returncode == 0, ranged.stderr[-3000:]
    assert ranged.stderr.count("RUN_SUCCESS") == 1  # the whole range is one run
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as conn:
        counts = conn.execute(
            "SELECT CAST(_drop_date AS VARCHAR), count(*) FROM bronze.sessions GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert counts == [("2025-01-01", 1), ("2025-01-02", 2), ("2025-01-03", 3)]
