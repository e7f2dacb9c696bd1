"""A factory for assets that are one DuckDB SQL query over their upstream tables.

The query reads upstream tables by their warehouse names (``silver.orders``) and
binds ``$start``/``$end`` (DATE, end exclusive) to the window being built. The
IO manager runs it window by window inside one transaction, so a range run is
one run with bounded memory, and a re-run replaces exactly its partitions.
"""

from collections.abc import Callable, Mapping, Sequence

import dagster as dg
import duckdb
import pyarrow as pa

from ecom_assets.incremental import REBUILD_TAG, plan
from ecom_assets.meta import ABSORBED
from ecom_assets.partitions import DAILY
from ecom_assets.steps import TableAsset
from ecom_assets.warehouse import TableBuild, Window, bind_window, day_windows

OWNER = "team:analytics-engineering"
CADENCES = ("daily", "weekly", "monthly", "full")


def partition_windows(
    context: dg.AssetExecutionContext, partitions_def: dg.PartitionsDefinition | None
) -> list[Window]:
    """Daily assets: chunks of days. Weekly/monthly: one window per partition. Else: whole table."""
    if not partitions_def:
        return [None]
    if partitions_def == DAILY:
        return day_windows(context)
    windows: list[Window] = []
    for key in context.partition_keys:
        tw = partitions_def.time_window_for_partition_key(key)
        windows.append((tw.start.date(), tw.end.date()))
    return windows


def sql_asset(
    *,
    layer: str,
    name: str,
    sql: str,
    deps: Sequence[dg.AssetDep | dg.AssetKey | TableAsset | str],
    group: str,
    cadence: str = "daily",
    partitions_def: dg.PartitionsDefinition | None = DAILY,
    partition_expr: str | None = "date",
    kpis: Mapping[str, str] | None = None,
    automation_condition: dg.AutomationCondition | None = None,
    freshness_policy: object | None = None,
    after: Callable[[duckdb.DuckDBPyConnection, Window], None] | None = None,
    produce: Callable[[duckdb.DuckDBPyConnection, Window], str] | None = None,
    builds_after: Sequence[dg.AssetKey] = (),
) -> TableAsset:
    """The table ``[layer, name]`` whose rows are ``sql`` (see the module docstring).

    Its description and column schema come from the data dictionary (``dictionary.documented``, applied
    in ``ecom_assets.definitions``).

    ``after`` runs in each window's transaction after its rows are written (see ``TableBuild``).
    ``produce`` (optional) gives a window's query a faster way to exactly the rows of ``sql``, for
    example from work a table built earlier in the step left on the connection; ``sql`` stays the
    table's definition (shown in the UI, read for its inputs, run by tests and tools).
    ``builds_after`` orders the build within a step (see ``TableAsset.builds_after``).
    Every daily gold partition also reports the late and corrected rows its day absorbed.
    """
    assert cadence in CADENCES, cadence
    deps = [d.spec if isinstance(d, TableAsset) else d for d in deps]
    metadata = {"partition_expr": partition_expr} if partitions_def and partition_expr else {}
    extra = {"freshness_policy": freshness_policy} if freshness_policy is not None else {}

    inputs = plan(f"{layer}.{name}", sql, deps) if partitions_def == DAILY else None
    facts = ABSORBED if layer == "gold" and partitions_def == DAILY else None

    def build(context: dg.AssetExecutionContext, _resources: object) -> TableBuild:
        rebuild = context.run.tags.get(REBUILD_TAG) == "true"
        return TableBuild(
            produce or (lambda _conn, _window: sql), partition_windows(context, partitions_def), kpis or {},
            facts, after,
            incremental=None if rebuild else inputs,
        )

    spec = dg.AssetSpec(
        key=dg.AssetKey([layer, name]),
        deps=deps,
        metadata={**metadata, "sql": dg.MetadataValue.md(f"```sql\n{sql.strip()}\n```")},
        group_name=group,
        tags={"layer": layer, "cadence": cadence},
        kinds={"duckdb", "sql"},
        owners=[OWNER],
        automation_condition=automation_condition,
        **extra,
    )
    return TableAsset(spec, build, partitions_def, sql, frozenset(builds_after))


def run_sql(conn: duckdb.DuckDBPyConnection, sql: str, window: Window = None) -> pa.Table:
    """Run an asset's query for a window (what the IO manager does; used by tests and tools)."""
    return conn.sql(sql, params=bind_window(sql, window)).to_arrow_table()
