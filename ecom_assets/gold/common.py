"""Shared pieces of the gold modules: the valid-order rule, day spines and check factories.

Every check is a SQL query returning the rows that break its claim (first column: the day),
evaluated over all days present in the gold table; it fails with the count of such rows
and reports the first few (day and the numbers compared) in its description and metadata.
"""

from collections.abc import Sequence

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

EXAMPLES = 5

# Valid orders: order_status is not `cancelled` (a NULL status is not cancelled, so it counts).
VALID = "order_status IS DISTINCT FROM 'cancelled'"


def days(start: str = "$start", end: str = "$end") -> str:
    """SQL of every day in [start, end), for tables with a row per day even when nothing happened."""
    return (
        "SELECT CAST(range AS DATE) AS date "
        f"FROM range(CAST({start} AS TIMESTAMP), CAST({end} AS TIMESTAMP), INTERVAL 1 DAY)"
    )


def ratio(numerator: str, denominator: str) -> str:
    """SQL of numerator / denominator as DOUBLE, NULL when the denominator is 0."""
    return f"CAST({numerator} AS DOUBLE) / NULLIF({denominator}, 0)"


def pct(numerator: str, denominator: str) -> str:
    """SQL of numerator / denominator × 100 as DOUBLE, NULL when the denominator is 0."""
    return f"100 * {ratio(numerator, denominator)}"


# Revenue of the valid orders' line items (price × qty) per day: what sales must reconcile to.
VALID_LINE_ITEM_REVENUE = f"""
    SELECT li.date, SUM(li.product_price * li.product_qty) AS value
    FROM silver.order_line_items AS li
    WHERE EXISTS (SELECT 1 FROM silver.orders AS o
                  WHERE o.order_id = li.order_id AND o.date = li.date AND o.{VALID})
    GROUP BY li.date"""


def gold_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["gold", name])


def _markdown(names: Sequence[str], rows: Sequence[tuple]) -> str:
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def violations_check(
    asset: str,
    name: str,
    description: str,
    violations: str,
    *,
    blocking: bool = False,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
    reads: Sequence[str] = (),
) -> dg.AssetChecksDefinition:
    """A check on ``gold.<asset>`` that passes when the ``violations`` query returns no row.

    ``reads`` names other gold tables the query reads, so the check runs after them in a run.
    """

    @dg.asset_check(
        asset=gold_key(asset),
        name=name,
        description=description,
        blocking=blocking,
        additional_deps=[gold_key(r) for r in reads],
    )
    def _check(warehouse: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as conn:
            try:
                cur = conn.execute(
                    f"SELECT *, count(*) OVER () AS _failing FROM ({violations}) "
                    f"ORDER BY ALL LIMIT {EXAMPLES}"
                )
            except duckdb.CatalogException as exc:  # a table it reads is not materialized yet
                return dg.AssetCheckResult(
                    passed=False, severity=severity, description=f"Cannot check: {exc}"
                )
            names = [d[0] for d in cur.description][:-1]
            found = cur.fetchall()
        failing = int(found[0][-1]) if found else 0
        examples = [row[:-1] for row in found]
        first = ", ".join(f"{n}={v}" for n, v in zip(names, examples[0])) if examples else ""
        return dg.AssetCheckResult(
            passed=failing == 0,
            severity=severity,
            description=f"{failing} failing row(s); first: {first}" if failing else "No failing rows.",
            metadata={
                "failing_rows": failing,
                "example_days": ", ".join(sorted({str(row[0]) for row in examples})),
                "examples": dg.MetadataValue.md(_markdown(names, examples)),
            },
        )

    return _check


def matches_per_day(
    asset: str,
    name: str,
    description: str,
    actual: str,
    expected: str,
    labels: tuple[str, str],
    *,
    expected_missing_is_zero: bool = True,
    reads: Sequence[str] = (),
) -> dg.AssetChecksDefinition:
    """A reconciliation: per day of ``actual`` (SQL of ``date, value``), it equals ``expected``'s value.

    A day absent from ``expected`` counts as 0 (a day with nothing to sum), or as a failure when
    ``expected_missing_is_zero`` is false (the other table lacks the day).
    """
    fallback = "coalesce(e.value, 0)" if expected_missing_is_zero else "e.value"
    violations = f"""
        SELECT a.date, a.value AS {labels[0]}, {fallback} AS {labels[1]}
        FROM ({actual}) AS a LEFT JOIN ({expected}) AS e USING (date)
        WHERE a.value IS DISTINCT FROM {fallback}"""
    return violations_check(asset, name, description, violations, reads=reads)


def bounded(
    asset: str,
    name: str,
    columns: Sequence[str],
    keys: Sequence[str],
    low: float = 0,
    high: float | None = None,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> dg.AssetChecksDefinition:
    """Every non-NULL value of ``columns`` lies within [low, high] (no upper bound when ``high`` is None)."""
    inside = " AND ".join(
        f"{c} >= {low}" + (f" AND {c} <= {high}" if high is not None else "") for c in columns
    )
    shown = ", ".join(["date", *keys, *columns])
    bounds = f"[{low}, {high}]" if high is not None else f">= {low}"
    return violations_check(
        asset,
        name,
        f"Every value of {', '.join(columns)} is {bounds} (NULL, a zero denominator, is allowed).",
        f"SELECT {shown} FROM gold.{asset} WHERE NOT ({inside})",
        severity=severity,
    )
