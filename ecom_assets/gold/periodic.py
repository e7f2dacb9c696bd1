"""Shared pieces of the weekly and monthly gold tables: partition mappings, the asset factory and
the monthly reconciliation of revenue with silver.fact_sales.

Weekly/monthly tables read daily silver partitions through Dagster partition
mappings (the period's days, a look-back, or all history up to the period's end)
and never read a day after the period's end.
"""

from collections.abc import Mapping, Sequence

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import Claim
from ecom_assets.partitions import MONTHLY, WEEKLY
from ecom_assets.sql_asset import sql_asset
from ecom_assets.steps import TableAsset

# "Every daily partition up to the period's end". For a weekly/monthly → daily mapping the
# offset counts downstream periods; Dagster clamps the start to the first daily partition
# and, with allow_nonexistent_upstream_partitions, does not ask for days before it. 20
# years covers any history this shop will have (the SQL itself reads every day < $end).
ALL_HISTORY_WEEKS = dg.TimeWindowPartitionMapping(-20 * 53, 0, allow_nonexistent_upstream_partitions=True)
# The month and the 12 before it (same month last year), for growth rates.
TWELVE_MONTHS_BACK = dg.TimeWindowPartitionMapping(-12, 0, allow_nonexistent_upstream_partitions=True)

_PERIODS = {"weekly": (WEEKLY, "as_of_date"), "monthly": (MONTHLY, "month")}

# Valid orders (a NULL status is not cancelled) of the days before the period's end.
VALID_ORDERS = f"""valid_orders AS (
    SELECT user_id, order_id, date, total_price
    FROM silver.orders
    WHERE date < $end AND {VALID} AND user_id IS NOT NULL
)"""


def silver_deps(tables: Sequence[str], mapping: dg.PartitionMapping | None = None) -> list[dg.AssetDep]:
    """Dependencies on daily silver tables (default mapping: the period's own days)."""
    return [dg.AssetDep(dg.AssetKey(["silver", t]), partition_mapping=mapping) for t in tables]


def period_asset(
    cadence: str,
    name: str,
    sql: str,
    deps: Sequence[dg.AssetDep],
    group: str,
    kpis: Mapping[str, str],
) -> TableAsset:
    """A weekly (partition column ``as_of_date``) or monthly (``month``) gold table.

    Freshness policies come from ``ecom_assets.automation.freshness`` (by the cadence tag).
    """
    partitions_def, partition_expr = _PERIODS[cadence]
    return sql_asset(
        layer="gold",
        name=name,
        sql=sql,
        deps=deps,
        group=group,
        cadence=cadence,
        partitions_def=partitions_def,
        partition_expr=partition_expr,
        kpis=kpis,
    )


def revenue_matches_fact_sales(table: str) -> Claim:
    """For every month, the table's revenue adds up to the month's fact_sales sale rows."""
    return Claim(
        table,
        "revenue_matches_silver_fact_sales",
        "For every month, revenue adds up to the month's silver.fact_sales sale rows.",
        f"""
        WITH gold AS (SELECT month, sum(revenue) AS gold_revenue FROM {table} GROUP BY month)
        SELECT month, gold_revenue,
               (SELECT coalesce(sum(total_amount), 0) FROM silver.fact_sales
                WHERE line_type = 'sale' AND date >= month AND date < month + INTERVAL 1 MONTH)
               AS silver_revenue
        FROM gold WHERE gold_revenue IS DISTINCT FROM silver_revenue
        """,
    )
