"""Shared pieces of the gold tables: day spines, ratios, asset keys, the first day and all history,
the session grain and the reconciliations with daily_business_metrics and with silver row counts.

Checks are claims of ``ecom_assets.checks``; the valid-order rule is ``ecom_assets.business_rules.VALID``.
"""

import dagster as dg

from ecom_assets.business_rules import VALID
from ecom_assets.checks import Claim, matches_per_day
from ecom_assets.partitions import DAILY

# The first daily partition as a SQL date: look-backs never reach before it.
FIRST_DAY = f"DATE '{DAILY.start.date().isoformat()}'"
# "Every daily partition up to the day": Dagster clamps the start at the first partition.
ALL_HISTORY_DAYS = dg.TimeWindowPartitionMapping(
    start_offset=-20 * 366, allow_nonexistent_upstream_partitions=True
)


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


def gold_key(name: str) -> dg.AssetKey:
    """The asset key of ``gold.<name>``."""
    return dg.AssetKey(["gold", name])


# One row per session: a session's valid orders are those of the same day that carry its session_id.
def session_orders(measures: str) -> str:
    """SQL of ``measures`` of the window's valid orders per (date, session_id)."""
    return f"""SELECT date, session_id, {measures}
    FROM silver.orders
    WHERE date >= $start AND date < $end AND {VALID}
    GROUP BY date, session_id"""


# The first columns of a one-row-per-session table, read from silver.sessions AS s.
SESSION_COLUMNS = """CAST(s.session_id AS VARCHAR) AS session_id,
    CAST(s.user_id AS VARCHAR) AS user_id,
    CAST(s.date AS DATE) AS date,
    CAST(s.time AS TIMESTAMP) AS session_start"""


def matches_daily_business_metrics(
    table: str, name: str, description: str, actual: str, column: str, label: str
) -> Claim:
    """Per day, ``actual`` (SQL of ``date, value``) equals daily_business_metrics.<column>; a day
    missing there fails. The check runs after daily_business_metrics."""
    return matches_per_day(
        table,
        name,
        description,
        actual,
        f"SELECT date, {column} AS value FROM gold.daily_business_metrics",
        (label, column),
        expected_missing_is_zero=False,
        reads=["gold.daily_business_metrics"],
    )


def matches_silver_rows(table: str, column: str, silver_table: str) -> Claim:
    """Per day, the sum of gold.<table>.<column> equals the number of rows of silver.<silver_table>."""
    return matches_per_day(
        f"gold.{table}",
        f"{column}_match_silver_{silver_table}",
        f"Per day, the sum of {column} equals the number of rows of silver.{silver_table}.",
        f"SELECT date, sum({column}) AS value FROM gold.{table} GROUP BY date",
        f"SELECT date, count(*) AS value FROM silver.{silver_table} GROUP BY date",
        (f"gold_{column}", f"silver_{silver_table}"),
    )
