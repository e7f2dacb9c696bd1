"""Dashboard helpers on tiny snapshots: provisional days (with and without the column), the launcher."""

from datetime import date

import duckdb
import pytest

from ecom_assets.dashboards.__main__ import parse_args, streamlit_command
from ecom_assets.dashboards.common import Snapshot, heat_map, provisional_days, ratio


def snapshot_with(columns: str, rows: str) -> Snapshot:
    conn = duckdb.connect()
    conn.execute(f"CREATE SCHEMA gold; CREATE TABLE gold.daily_business_metrics ({columns})")
    conn.execute(f"INSERT INTO gold.daily_business_metrics VALUES {rows}")
    return Snapshot(conn)


def test_provisional_days_come_from_is_provisional():
    rows = "('2025-01-01', 1, false), ('2025-01-02', 2, true), ('2025-01-03', 3, true)"
    snap = snapshot_with("date DATE, total_revenue DECIMAL(18,4), is_provisional BOOLEAN", rows)
    assert provisional_days(snap, date(2025, 1, 1), date(2025, 1, 2)) == (date(2025, 1, 2),)
    assert provisional_days(snap, date(2025, 1, 1), date(2025, 1, 3)) == (date(2025, 1, 2), date(2025, 1, 3))


def test_without_the_column_every_day_is_final():
    snap = snapshot_with("date DATE, total_revenue DECIMAL(18,4)", "('2025-01-01', 1), ('2025-01-02', 2)")
    assert provisional_days(snap, date(2025, 1, 1), date(2025, 1, 2)) == ()


def test_ratios_of_sums_and_a_zero_denominator():
    assert ratio(3, 200, 100) == 1.5  # 3 orders / 200 sessions × 100
    assert ratio(5, 0) is None and ratio(None, 4) == 0.0


def test_heat_map_shades_by_value():
    import pandas as pd

    styled = heat_map(pd.DataFrame({"0": [100.0, 50.0], "1": [0.0, None]})).to_html()
    assert "rgba(214, 39, 40, 0.90)" in styled  # the maximum (100): 0.1 + 0.8 × 1
    assert "rgba(214, 39, 40, 0.50)" in styled  # 50: 0.1 + 0.8 × 0.5
    assert "rgba(214, 39, 40, 0.10)" in styled  # the minimum (0)


def test_the_app_listens_on_loopback_unless_told_otherwise():
    assert parse_args([]).host == "127.0.0.1" and parse_args([]).port == 8501
    assert parse_args(["--host", "0.0.0.0", "--port", "9000"]).port == 9000
    command = streamlit_command(9000, "127.0.0.1")
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert command[command.index("--server.port") + 1] == "9000"


def test_pages_read_the_snapshot_read_only(tmp_path, monkeypatch):
    from ecom_assets.dashboards.common import snapshot

    path = tmp_path / "serving.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA gold; CREATE VIEW gold.v AS SELECT 1 AS one")
    monkeypatch.setenv("ECOM_SERVING", str(path))
    with snapshot() as snap:
        assert snap.frame("FROM gold.v").one.tolist() == [1]
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            snap.conn.execute("CREATE TABLE gold.t (i INT)")
