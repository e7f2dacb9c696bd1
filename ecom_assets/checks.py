"""Asset checks as claims: a SQL query returns the rows that break the claim, and none may come back.

Every check of the warehouse is a :class:`Claim` about one table, named as the claim
(``one_row_per_user``). ``claim_check`` makes a claim a check of its own; a layer that runs
several claims in one step builds its results with :func:`evaluate`. A result reports
``failing_<unit>s`` and up to 5 failing rows (the first also in its description); a table
the query reads that does not exist yet fails the claim. The helpers at the end write the
common claims: a unique key, accepted values, a per-day reconciliation and bounds.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from ecom_assets.reporting import markdown_table

if TYPE_CHECKING:
    from ecom_assets.steps import Scope

EXAMPLES = 5
_TABLE = re.compile(r"\b(?:bronze|silver|gold)\.[a-z_][a-z0-9_]*\b")
_LOOK_BACK = re.compile(r"INTERVAL\s+(\d+)\s+DAY", re.IGNORECASE)
ERROR, WARN = dg.AssetCheckSeverity.ERROR, dg.AssetCheckSeverity.WARN

Row = dict[str, Any]


def table_key(table: str) -> dg.AssetKey:
    """The asset key of a warehouse table: ``gold.sales_summary`` → ``gold/sales_summary``."""
    return dg.AssetKey(table.split("."))


@dataclass(frozen=True)
class Claim:
    """A named claim about ``table`` (``schema.name``) and the SQL of the rows that break it.

    A query that words its own examples returns them as one text column ``example``.
    """

    table: str
    name: str
    description: str
    failing: str
    blocking: bool = False
    severity: dg.AssetCheckSeverity = ERROR
    reads: Sequence[str] = ()  # other tables the query reads: the check runs after them
    unit: str = "row"  # what one failing row stands for
    look_back_days: int = 0  # days before the run's window the query reads of other tables

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", tuple(self.reads))

    @property
    def spec(self) -> dg.AssetCheckSpec:
        return dg.AssetCheckSpec(
            self.name,
            asset=table_key(self.table),
            description=self.description,
            blocking=self.blocking,
            additional_deps=[table_key(t) for t in self.reads],
        )

    def scoped(self, scope: Scope) -> tuple[str, dict[str, Any]]:
        """The claim's query over the partitions the run wrote, and its parameters.

        Each partitioned table the query names becomes its rows of the run's window; in a daily
        step the other tables it reads are widened by the query's look-back (``INTERVAL n DAY``).
        A query with ``$days`` picks its own rows: it gets the window's days.
        """
        if "$days" in self.failing:
            return self.failing, {"days": scope.days}
        if scope.window is None:
            return self.failing, {}
        back = max([int(n) for n in _LOOK_BACK.findall(self.failing)] + [self.look_back_days])

        def window_of(match: re.Match) -> str:
            name = match.group(0)
            expr = scope.partition_exprs.get(name)
            if expr is None or (name != self.table and not scope.daily):
                return name
            low = "$start" if name == self.table or not back else f"$start - INTERVAL {back} DAY"
            return f"(SELECT * FROM {name} WHERE {expr} >= {low} AND {expr} < $end)"

        sql = _TABLE.sub(window_of, self.failing)
        params = {"start": scope.window[0], "end": scope.window[1]}
        return sql, {k: v for k, v in params.items() if f"${k}" in sql}

    def run(self, conn: duckdb.DuckDBPyConnection, scope: Scope) -> dg.AssetCheckResult:
        """The claim evaluated on the partitions the run wrote (see :meth:`scoped`)."""
        if scope.window is None and "$days" in self.failing:  # not a run's days: every day held
            expr = scope.partition_exprs.get(self.table, "date")
            try:
                found = conn.execute(f"SELECT DISTINCT {expr} FROM {self.table}").fetchall()
                held = sorted(r[0] for r in found)
            except duckdb.CatalogException:
                held = []
            if not held:
                return claim_result(self, 0, [], days_evaluated=0)
            scope = dataclasses.replace(scope, window=(held[0], held[-1] + timedelta(days=1)))
        sql, params = self.scoped(scope)
        extra = {"days_evaluated": len(scope.days)} if scope.window is not None else {}
        return evaluate(conn, dataclasses.replace(self, failing=sql), params, **extra)


def _failures(
    conn: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None
) -> tuple[int, list[str], list[Row]]:
    cur = conn.execute(
        f"SELECT *, count(*) OVER () AS _failing FROM ({sql}) ORDER BY ALL LIMIT {EXAMPLES}", params
    )
    columns = [d[0] for d in cur.description][:-1]
    found = cur.fetchall()
    return (int(found[0][-1]) if found else 0), columns, [dict(zip(columns, row[:-1])) for row in found]


def failing_rows(
    conn: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | None = None
) -> tuple[int, list[Row]]:
    """How many rows ``sql`` returns, and the first few of them (``ORDER BY ALL``)."""
    count, _, rows = _failures(conn, sql, params)
    return count, rows


def _text(row: Row) -> str:
    return str(row["example"]) if list(row) == ["example"] else ", ".join(f"{k}={v}" for k, v in row.items())


def _examples(columns: Sequence[str], rows: Sequence[Row]) -> dg.MetadataValue:
    """The claim's own example texts, one a line, or the failing rows as a markdown table."""
    if list(columns) in ([], ["example"]):
        return dg.MetadataValue.text("\n".join(_text(row) for row in rows) or "none")
    return dg.MetadataValue.md(markdown_table(columns, [list(row.values()) for row in rows]))


def claim_result(
    claim: Claim, count: int, rows: Sequence[Row], columns: Sequence[str] = (), **metadata: Any
) -> dg.AssetCheckResult:
    """The result of ``claim`` given its ``count`` failing rows and the first of them."""
    first = f"; first: {_text(rows[0])}" if rows else ""
    return dg.AssetCheckResult(
        asset_key=table_key(claim.table),
        check_name=claim.name,
        passed=count == 0,
        severity=claim.severity,
        description=f"{count} failing {claim.unit}(s){first}" if count else f"No failing {claim.unit}s.",
        metadata={f"failing_{claim.unit}s": count, "examples": _examples(columns, rows), **metadata},
    )


def evaluate(
    conn: duckdb.DuckDBPyConnection, claim: Claim, params: Mapping[str, Any] | None = None, **metadata: Any
) -> dg.AssetCheckResult:
    """Run the claim's query (with ``params``) and report it; extra ``metadata`` is added as is."""
    try:
        count, columns, rows = _failures(conn, claim.failing, params)
    except duckdb.CatalogException as exc:  # a table it reads is not materialized yet
        return dg.AssetCheckResult(
            asset_key=table_key(claim.table),
            check_name=claim.name,
            passed=False,
            severity=claim.severity,
            description=f"Cannot check: {exc}",
        )
    return claim_result(claim, count, rows, columns, **metadata)


def claim_check(claim: Claim) -> dg.AssetChecksDefinition:
    """The claim as a check of its own, over the whole table (every partition present): for a
    table that no engine step builds."""

    @dg.asset_check(
        asset=table_key(claim.table),
        name=claim.name,
        description=claim.description,
        blocking=claim.blocking,
        additional_deps=[table_key(t) for t in claim.reads],
        pool="duckdb",  # it opens the warehouse: one writer at a time
    )
    def _check(warehouse: DuckDBResource) -> dg.AssetCheckResult:
        from ecom_assets.steps import PARTITION_EXPRS, Scope

        with warehouse.get_connection() as conn:
            return claim.run(conn, Scope(None, PARTITION_EXPRS, False))

    return _check


def claim_checks(*claims: Claim) -> list[Claim]:
    """The claims a module makes; each runs in the step that builds its table
    (``ecom_assets.steps.engine_steps``), or as a check of its own for a table no step builds."""
    return list(claims)


# --- the common claims ---------------------------------------------------------------------------
def unique_key(
    table: str,
    name: str,
    key: Sequence[str],
    *,
    not_null: Sequence[str] = (),
    description: str | None = None,
    blocking: bool = True,
) -> Claim:
    """At most one row per ``key`` (NULLs compare equal), and no NULL in the ``not_null`` columns."""
    columns = ", ".join(key)
    nulls = "".join(f" OR {c} IS NULL" for c in not_null)
    return Claim(
        table,
        name,
        description or f"One row per ({columns}).",
        f"SELECT {columns}, count(*) AS row_count FROM {table} GROUP BY ALL HAVING count(*) > 1{nulls}",
        blocking=blocking,
    )


def accepted_values(
    table: str, name: str, column: str, accepted: Sequence[str], *, keys: Sequence[str] = ()
) -> Claim:
    """Every value of ``column`` is one of ``accepted`` (never NULL); failures are counted per ``keys``."""
    values = ", ".join("'" + v.replace("'", "''") + "'" for v in accepted)
    shown = ", ".join([*keys, column])
    return Claim(
        table,
        name,
        f"{column} is one of {', '.join(accepted)}.",
        f"SELECT {shown}, count(*) AS row_count FROM {table} "
        f"WHERE {column} IS NULL OR {column} NOT IN ({values}) GROUP BY ALL",
    )


def matches_per_day(
    table: str,
    name: str,
    description: str,
    actual: str,
    expected: str,
    labels: tuple[str, str],
    *,
    expected_missing_is_zero: bool = True,
    reads: Sequence[str] = (),
    blocking: bool = False,
) -> Claim:
    """A reconciliation: per day of ``actual`` (SQL of ``date, value``), it equals ``expected``'s value.

    A day absent from ``expected`` counts as 0 (a day with nothing to sum), or as a failure when
    ``expected_missing_is_zero`` is false (the other table lacks the day).
    """
    fallback = "coalesce(e.value, 0)" if expected_missing_is_zero else "e.value"
    failing = f"""
        SELECT a.date, a.value AS {labels[0]}, {fallback} AS {labels[1]}
        FROM ({actual}) AS a LEFT JOIN ({expected}) AS e USING (date)
        WHERE a.value IS DISTINCT FROM {fallback}"""
    return Claim(table, name, description, failing, blocking=blocking, reads=reads)


def bounded(
    table: str,
    name: str,
    columns: Sequence[str],
    keys: Sequence[str],
    low: float = 0,
    high: float | None = None,
    *,
    null_passes: bool = True,
    description: str | None = None,
    severity: dg.AssetCheckSeverity = ERROR,
) -> Claim:
    """Every value of ``columns`` lies within [low, high] (no upper bound when ``high`` is None).

    A NULL passes (a ratio with a zero denominator) unless ``null_passes`` is false. Failing
    rows show ``keys`` and ``columns``.
    """
    inside = " AND ".join(
        f"{c} >= {low}" + (f" AND {c} <= {high}" if high is not None else "") for c in columns
    )
    bounds = f"[{low}, {high}]" if high is not None else f">= {low}"
    allowed = " (NULL, a zero denominator, is allowed)" if null_passes else ""
    return Claim(
        table,
        name,
        description or f"Every value of {', '.join(columns)} is {bounds}{allowed}.",
        f"SELECT {', '.join([*keys, *columns])} FROM {table} "
        f"WHERE NOT {f'({inside})' if null_passes else f'coalesce({inside}, false)'}",
        severity=severity,
    )
