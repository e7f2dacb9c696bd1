"""The warehouse IO manager: every asset output is written to its DuckDB table through it.

A table's key is ``[schema, name]`` (``silver.orders``); a partitioned asset names its partition
column in its ``partition_expr`` metadata. Writing is ``warehouse.write_build`` (atomic per
window), reporting is ``reporting.report``, and the connection is the step's held one
(``connection.held_connection``). Built on Dagster's public ``ConfigurableIOManager``.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pyarrow as pa
from pydantic import Field

from ecom_assets.connection import held_connection
from ecom_assets.meta import create_meta_tables
from ecom_assets.reporting import report
from ecom_assets.warehouse import as_build, table_exists, write_build


class WarehouseIOManager(dg.ConfigurableIOManager):
    """Writes table builds, Arrow tables and pandas frames to ``database``, partition by partition."""

    database: str = Field(description="Path to the DuckDB warehouse file.")
    connection_config: dict[str, Any] = Field(default_factory=dict, description="DuckDB settings.")

    def _connection(self):
        return held_connection(self.database, {"custom_user_agent": "dagster", **self.connection_config})

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        if obj is None:
            return
        schema, name = context.asset_key.path[0], context.asset_key.path[-1]
        target = f"{schema}.{name}"
        expr = context.definition_metadata.get("partition_expr") if context.has_asset_partitions else None
        build = as_build(obj)
        with self._connection() as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}").fetchall()
            create_meta_tables(conn)  # the bookkeeping the builds read and write
            write_build(conn, target, expr, build)
            report(context, conn, target, expr, build.kpis, build.facts)

    def load_input(self, context: dg.InputContext) -> pa.Table:
        schema, name = context.asset_key.path[0], context.asset_key.path[-1]
        upstream = context.upstream_output
        expr = upstream.definition_metadata.get("partition_expr") if upstream else None
        with self._connection() as conn:
            if not table_exists(conn, schema, name):
                return pa.table({})
            if expr and context.has_asset_partitions:
                tw = context.asset_partitions_time_window
                sql = f"SELECT * FROM {schema}.{name} WHERE {expr} >= $start AND {expr} < $end"
                return conn.execute(sql, {"start": tw.start.date(), "end": tw.end.date()}).to_arrow_table()
            return conn.execute(f"SELECT * FROM {schema}.{name}").to_arrow_table()
