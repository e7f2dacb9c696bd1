"""Publishing a tiny warehouse: files per partition, atomic switch, incremental cost, schema changes.

The warehouse holds ``gold.t`` (daily) with 1.50 + 2.50 on 2025-01-01 and 4.00 on 2025-01-02, and
the unpartitioned ``silver.dim_x`` with two rows.
"""

import os
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from ecom_assets.partitions import DAILY
from ecom_assets.serving import ServedTable, publish, snapshot_root

T, DIM = ServedTable("gold", "t", DAILY, "date"), ServedTable("silver", "dim_x")


@pytest.fixture
def paths(tmp_path: Path):
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("CREATE SCHEMA gold; CREATE SCHEMA silver")
        conn.execute("CREATE TABLE gold.t (date DATE, amount DECIMAL(18,4))")
        conn.execute(
            "INSERT INTO gold.t VALUES ('2025-01-01', 1.50), ('2025-01-01', 2.50), ('2025-01-02', 4.00)"
        )
        conn.execute("CREATE TABLE silver.dim_x AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(id, name)")
    return warehouse, serving


def run(warehouse: Path, serving: Path, changed=None, tables=(T, DIM), write: str | None = None) -> dict:
    if write:
        with duckdb.connect(str(warehouse)) as conn:
            conn.execute(write)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return publish(conn, serving, list(tables), changed)


def total(serving: Path) -> float:
    with duckdb.connect(str(serving), read_only=True) as conn:
        return float(conn.execute("SELECT sum(amount) FROM gold.t").fetchone()[0])


def day_file(serving: Path, day: str) -> Path:
    return snapshot_root(serving) / "gold" / "t" / f"{day}.parquet"


def test_first_publication_writes_one_parquet_file_per_partition(paths):
    warehouse, serving = paths
    assert run(warehouse, serving) == {"gold.t": 2, "silver.dim_x": 1}
    assert total(serving) == 8.0  # 1.50 + 2.50 + 4.00
    assert pq.read_table(day_file(serving, "2025-01-01")).num_rows == 2  # any Parquet reader
    assert pq.read_table(snapshot_root(serving) / "silver" / "dim_x" / "all.parquet").num_rows == 2
    assert pd.read_parquet(snapshot_root(serving) / "gold" / "t").amount.sum() == 8  # a folder = a table
    assert not list(snapshot_root(serving).rglob("*.tmp")) and not list(serving.parent.glob(".*.tmp"))


def test_a_run_republishes_only_its_partitions_and_keeps_the_view_file(paths):
    warehouse, serving = paths
    run(warehouse, serving)
    day1, view = day_file(serving, "2025-01-01").stat(), serving.stat()
    written = run(warehouse, serving, {"gold.t": ["2025-01-02"]},
                  write="UPDATE gold.t SET amount = 5 WHERE date = '2025-01-02'; "
                        "INSERT INTO gold.t VALUES ('2025-01-03', 100)")  # fmt: skip
    assert written == {"gold.t": 1}
    assert total(serving) == 9.0  # 1.50 + 2.50 + 5.00: the 3rd is not published until its run is
    again = day_file(serving, "2025-01-01").stat()
    assert (again.st_ino, again.st_mtime_ns) == (day1.st_ino, day1.st_mtime_ns)  # day 1 untouched
    assert serving.stat().st_ino == view.st_ino  # same tables and columns: the view file stays


def test_a_new_column_rebuilds_the_views_and_an_open_reader_keeps_working(paths):
    warehouse, serving = paths
    run(warehouse, serving)
    before = serving.stat().st_ino
    with duckdb.connect(str(serving), read_only=True) as old_reader:
        run(warehouse, serving, {"gold.t": ["2025-01-02"]},
            write="ALTER TABLE gold.t ADD COLUMN note VARCHAR; UPDATE gold.t SET note = 'x', amount = 6 "
                  "WHERE date = '2025-01-02'")  # fmt: skip
        # the old view names only its columns, and reads the new files: 1.50 + 2.50 + 6.00
        assert old_reader.execute("SELECT sum(amount), count(*) FROM gold.t").fetchone() == (10, 3)
        assert [d[0] for d in old_reader.execute("FROM gold.t").description] == ["date", "amount"]
    assert serving.stat().st_ino != before
    with duckdb.connect(str(serving), read_only=True) as reader:
        notes = reader.execute("SELECT date::VARCHAR, note FROM gold.t ORDER BY date, amount").fetchall()
    assert notes == [("2025-01-01", None), ("2025-01-01", None), ("2025-01-02", "x")]


def test_an_emptied_partition_is_published_empty(paths):
    warehouse, serving = paths
    run(warehouse, serving)
    run(warehouse, serving, {"gold.t": ["2025-01-01"]}, write="DELETE FROM gold.t WHERE date = '2025-01-01'")
    assert total(serving) == 4.0
    assert pq.read_table(day_file(serving, "2025-01-01")).num_rows == 0


def test_a_failed_publication_changes_nothing(paths):
    warehouse, serving = paths
    run(warehouse, serving)
    broken = ServedTable("silver", "dim_x", DAILY, "no_such_column")
    with pytest.raises(duckdb.BinderException):
        changed = {"gold.t": ["2025-01-02"], "silver.dim_x": ["2025-01-02"]}
        run(warehouse, serving, changed, tables=(T, broken), write="UPDATE gold.t SET amount = 7 WHERE true")
    assert total(serving) == 8.0  # the staged file of gold.t was never renamed into place
    assert not list(snapshot_root(serving).rglob("*.tmp"))


def test_tables_not_in_the_warehouse_yet_are_not_served(paths):
    warehouse, serving = paths
    assert run(warehouse, serving, tables=(T, ServedTable("gold", "later", DAILY, "date"))) == {"gold.t": 2}
    with duckdb.connect(str(serving), read_only=True) as reader:
        views = reader.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    assert views == [("gold", "t")]
    assert os.path.exists(snapshot_root(serving) / "_schema.json")
