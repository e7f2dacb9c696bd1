"""Bronze ingestion: good files, malformed files, missing files, and range runs through Dagster."""

import json
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ecom_assets.bronze.factory import BRONZE_ASSETS
from ecom_assets.bronze.ingest import LandingError, read_landing_file
from ecom_assets.schema import TABLES_BY_NAME
from ecom_assets.steps import definitions_for
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, write_drop

SESSIONS = TABLES_BY_NAME["sessions"]
PAGEVIEWS = TABLES_BY_NAME["pageviews"]
USERS = TABLES_BY_NAME["users"]
DAY = date(2025, 1, 1)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def test_header_is_matched_case_insensitively_in_any_order_with_bom_and_extra_columns(tmp_path):
    header = " Event_ID ,PATH,user_id,session_id,time,domain,hash,query,previous_page,Campaign_X"
    body = 'e1,/p,u1,s1,2025-01-01T00:00:00Z,shop.com,,"a=1,b=2",/,x1\ne2,/q,u2,s2,,shop.com,,,,\n'
    path = _write(tmp_path / "2025-01-01" / "pageview_table.csv", "\ufeff" + header + "\n" + body)
    table = read_landing_file(path, PAGEVIEWS, DAY, tmp_path).to_pylist()
    assert [r["event_id"] for r in table] == ["e1", "e2"]
    assert table[0]["path"] == "/p" and table[0]["query"] == "a=1,b=2"
    assert table[1]["time"] is None and table[1]["hash"] is None  # empty field = null
    assert json.loads(table[0]["_extra_columns"]) == {"campaign_x": "x1"}
    assert json.loads(table[1]["_extra_columns"]) == {"campaign_x": None}
    assert [r["_row_number"] for r in table] == [2, 3]
    assert {r["_source_file"] for r in table} == {"2025-01-01/pageview_table.csv"}
    assert {r["_drop_date"] for r in table} == {DAY}
    assert table[0]["_raw_line"] is None


def test_optional_column_absent_is_null(tmp_path):
    path = _write(
        tmp_path / "d" / "user_table.csv", "user_id,has_purchase_last_year,has_purchase_last_qtr\nu1,1,0\n"
    )
    (row,) = read_landing_file(path, USERS, DAY, tmp_path).to_pylist()
    assert row["user_id"] == "u1" and row["customer_tier"] is None and row["registration_date"] is None


def test_unparseable_line_is_kept_with_its_raw_text_and_physical_line(tmp_path):
    header = ",".join(PAGEVIEWS.column_names)
    text = (
        f"{header}\n"
        "e1,u1,s1,2025-01-01T00:00:00Z,shop.com,/a,,,\n"
        "this line,has,too few fields\n"
        "\n"
        'e2,u1,s1,2025-01-01T00:00:01Z,shop.com,/b,,"multi\nline query",/a\n'
        "e3,u1,s1,2025-01-01T00:00:02Z,shop.com,/c,,,/b\n"
    )
    path = _write(tmp_path / "pageview_table.csv", text)
    result = read_landing_file(path, PAGEVIEWS, DAY, tmp_path).to_pylist()
    assert [(r["event_id"], r["_row_number"]) for r in result] == [("e1", 2), (None, 3), ("e2", 5), ("e3", 7)]
    assert result[1]["_raw_line"] == "this line,has,too few fields"
    assert result[2]["query"] == "multi\nline query"


def test_missing_required_column_names_file_and_column(tmp_path):
    path = _write(tmp_path / "2025-01-01" / "session_table.csv", "user_id,time\nu1,2025-01-01T00:00:00Z\n")
    with pytest.raises(LandingError, match=r"2025-01-01/session_table.csv: line 1: .*session_id"):
        read_landing_file(path, SESSIONS, DAY, tmp_path)


def test_invalid_utf8_names_file_and_line(tmp_path):
    header = ",".join(PAGEVIEWS.column_names)
    data = f"{header}\ne1,u1,s1,,,/a,,,\n".encode() + b"e2,u1,s1,,,/\xff,,,\n"
    path = tmp_path / "2025-01-01" / "pageview_table.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    with pytest.raises(LandingError, match=r"pageview_table.csv: line 3: not valid UTF-8"):
        read_landing_file(path, PAGEVIEWS, DAY, tmp_path)


def _session(i: int, day: str) -> dict[str, str]:
    return {"user_id": f"u{i}", "session_id": f"{day}-s{i}", "time": f"{day}T10:00:00Z", "platform": "Mobile"}


def _counts(warehouse: Path, table: str) -> dict[str, int]:
    with duckdb.connect(str(warehouse)) as conn:
        return {
            str(r["d"]): r["n"]
            for r in rows(conn, f"SELECT _drop_date AS d, count(*) AS n FROM bronze.{table} GROUP BY 1")
        }


def _row_counts(result: dg.ExecuteInProcessResult, table: str) -> dict[str, int]:
    return {
        e.materialization.partition: e.materialization.metadata["dagster/row_count"].value
        for e in result.get_asset_materialization_events()
        if e.materialization.asset_key == dg.AssetKey(["bronze", table])
    }


def test_range_run_loads_each_day_with_correct_per_partition_counts_and_is_idempotent(tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    for n, day in enumerate(["2025-01-01", "2025-01-02", "2025-01-03"], start=1):
        write_drop(raw, day, {"sessions": [_session(i, day) for i in range(n)]})
    resources = resources_for(raw, warehouse)
    for _ in range(2):  # the second run replaces the range: no duplicates
        result = materialize_range(BRONZE_ASSETS, "2025-01-01", "2025-01-03", resources)
        assert _row_counts(result, "sessions") == {"2025-01-01": 1, "2025-01-02": 2, "2025-01-03": 3}
        assert _counts(warehouse, "sessions") == {"2025-01-01": 1, "2025-01-02": 2, "2025-01-03": 3}
    assert _counts(warehouse, "weather") == {}  # optional file absent: empty partitions, not an error
    assert _row_counts(result, "weather") == {"2025-01-01": 0, "2025-01-02": 0, "2025-01-03": 0}


def test_a_failing_day_leaves_the_previous_load_intact(tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    for day in ["2025-01-01", "2025-01-02"]:
        write_drop(raw, day, {"sessions": [_session(1, day), _session(2, day)]})
    resources = resources_for(raw, warehouse)
    sessions_only = [a for a in BRONZE_ASSETS if a.key.path[-1] == "sessions"]
    materialize_range(sessions_only, "2025-01-01", "2025-01-02", resources)
    # day 1 now has 3 rows, day 2 lost a required column: day 1 loads, day 2 keeps its last load,
    # and the run fails naming day 2's file and column
    write_drop(raw, "2025-01-01", {"sessions": [_session(i, "2025-01-01") for i in range(3)]})
    _write(raw / "2025-01-02" / "session_table.csv", "user_id,time\nu1,2025-01-02T00:00:00Z\n")
    result = materialize_range(sessions_only, "2025-01-01", "2025-01-02", resources, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "2025-01-02/session_table.csv" in failure.step_failure_data.error.to_string()
    assert "session_id" in failure.step_failure_data.error.to_string()
    assert _counts(warehouse, "sessions") == {"2025-01-01": 3, "2025-01-02": 2}


def test_incomplete_drop_and_missing_required_file_are_refused(tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    write_drop(raw, "2025-01-01", success=False)
    write_drop(raw, "2025-01-02")
    (raw / "2025-01-02" / "order_table.csv").unlink()
    resources = resources_for(raw, warehouse)
    orders = [a for a in BRONZE_ASSETS if a.key.path[-1] == "orders"]
    result = materialize_range(orders, "2025-01-01", "2025-01-02", resources, raise_on_error=False)
    message = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error.to_string()
    assert "order_table.csv: required file missing from the complete drop 2025-01-02" in message
    # a run whose only drop is incomplete loads nothing: it fails, naming the missing marker
    result = materialize_range(orders, "2025-01-01", "2025-01-01", resources, raise_on_error=False)
    message = next(e for e in result.all_events if e.is_step_failure).step_failure_data.error.to_string()
    assert "drop 2025-01-01 is not complete" in message and "_SUCCESS" in message


def test_a_restatement_run_rereads_only_changed_drops_and_skips_missing_ones(tmp_path):
    """Days of the window without a drop keep what bronze holds; unchanged drops are not re-read."""
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    write_drop(raw, "2025-01-02", {"sessions": [_session(1, "2025-01-02")]})
    resources = resources_for(raw, warehouse)
    sessions_only = [a for a in BRONZE_ASSETS if a.key.path[-1] == "sessions"]
    materialize_range(sessions_only, "2025-01-02", "2025-01-02", resources)
    first_load = _ingested(warehouse, "2025-01-02")
    write_drop(raw, "2025-01-04", {"sessions": [_session(1, "2025-01-04"), _session(2, "2025-01-04")]})
    # the run of drop Jan 4 spans Jan 1..4: Jan 1 and 3 have no drop, Jan 2 is unchanged
    result = materialize_range(sessions_only, "2025-01-01", "2025-01-04", resources)
    assert _counts(warehouse, "sessions") == {"2025-01-02": 1, "2025-01-04": 2}
    assert _row_counts(result, "sessions") == {"2025-01-01": 0, "2025-01-02": 1, "2025-01-03": 0,
                                               "2025-01-04": 2}
    assert _ingested(warehouse, "2025-01-02") == first_load
    with duckdb.connect(str(warehouse)) as conn:
        loads = conn.execute("SELECT strftime(drop_date, '%d'), rows FROM meta.drop_loads ORDER BY 1")
        assert loads.fetchall() == [("02", 1), ("04", 2)]  # days without a drop are not recorded
    # a re-delivered drop (new bytes) is read again; the reload tag forces every drop
    write_drop(raw, "2025-01-02", {"sessions": [_session(i, "2025-01-02") for i in range(3)]})
    fourth = _ingested(warehouse, "2025-01-04")
    materialize_range(sessions_only, "2025-01-01", "2025-01-04", resources)
    assert _counts(warehouse, "sessions") == {"2025-01-02": 3, "2025-01-04": 2}
    assert _ingested(warehouse, "2025-01-04") == fourth  # unchanged: not re-read
    dg.materialize(definitions_for(sessions_only), resources=resources, partition_key="2025-01-04",
                   tags={"ecom/reload_bronze": "true"})
    assert _ingested(warehouse, "2025-01-04") != fourth


def _ingested(warehouse: Path, day: str) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as conn:
        sql = "SELECT DISTINCT _ingested_at FROM bronze.sessions WHERE _drop_date = ?"
        return conn.execute(sql, [day]).fetchall()


def test_a_new_column_in_the_contract_is_added_to_an_existing_table(tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "w.duckdb"
    write_drop(raw, "2025-01-01", {"sessions": [_session(1, "2025-01-01")]})
    resources = resources_for(raw, warehouse)
    sessions_only = [a for a in BRONZE_ASSETS if a.key.path[-1] == "sessions"]
    materialize_range(sessions_only, "2025-01-01", "2025-01-01", resources)
    with duckdb.connect(str(warehouse)) as conn:  # an older table without one column
        conn.execute("ALTER TABLE bronze.sessions DROP COLUMN browser")
    materialize_range(sessions_only, "2025-01-01", "2025-01-01", resources)
    with duckdb.connect(str(warehouse)) as conn:
        columns = [r[0] for r in conn.execute("DESCRIBE bronze.sessions").fetchall()]
    assert "browser" in columns and _counts(warehouse, "sessions") == {"2025-01-01": 1}
