"""Silver tests; ``bronze_db`` builds hand-written bronze tables for them."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import duckdb
import pyarrow as pa

from ecom_assets.bronze.ingest import bronze_arrow_schema
from ecom_assets.schema import TABLES, TABLES_BY_NAME

DAY = date(2026, 1, 2)


def bronze_db(
    tables: Mapping[str, Iterable[Mapping]], conn: duckdb.DuckDBPyConnection | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every ``bronze.<table>`` (empty unless given rows).

    Rows are dicts of bronze text values; absent columns are NULL, ``_drop_date`` defaults to
    :data:`DAY` and ``_row_number`` to the row's position + 1 (line 1 is the header).
    """
    conn = conn or duckdb.connect()
    conn.execute("CREATE SCHEMA IF NOT EXISTS bronze").fetchall()
    for table in TABLES:
        schema = bronze_arrow_schema(TABLES_BY_NAME[table.name])
        given = list(tables.get(table.name, []))
        unknown = {k for row in given for k in row} - set(schema.names)
        assert not unknown, f"bronze.{table.name} has no column(s) {unknown}"
        defaults = {"_drop_date": DAY, "_source_file": f"{DAY}/{table.file_name}",
                    "_ingested_at": datetime(2026, 1, 3, 1, 0)}
        full = [{**defaults, "_row_number": i + 2, **row} for i, row in enumerate(given)]
        arrow = pa.Table.from_pylist([{n: r.get(n) for n in schema.names} for r in full], schema=schema)
        conn.register("_rows", arrow)
        conn.execute(f"CREATE OR REPLACE TABLE bronze.{table.name} AS SELECT * FROM _rows").fetchall()
        conn.unregister("_rows")
    return conn
