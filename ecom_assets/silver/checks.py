"""Blocking checks on the typed silver tables, generated per table from the landing schema.

Each claim (``ecom_assets.checks.Claim``) is a SQL query returning one row per failure, an
``example`` text naming the key or day. Per table, one multi-check step runs its claims: keys
unique and not null per event day, an order's state unique per day, accepted values, ranges,
references, and row conservation per drop (a drop's bronze rows = its rows in silver, whatever
their event day, + its quarantined rows), evaluated for the drops of the run.
"""


import dagster as dg

from ecom_assets.checks import ERROR, WARN, Claim
from ecom_assets.schema import RESTATEMENT_DAYS, TABLES, Table
from ecom_assets.silver.rules import ident, in_list, literal

QUARANTINE_KEY = dg.AssetKey(["silver", "quarantine"])
# (table, column, referenced table, blocking): every value exists in the referenced table the same day.
REFERENCES = (
    ("order_line_items", "order_id", "orders", True),
    # Warn only: an order placed just after midnight may belong to a session of the day before.
    ("orders", "session_id", "sessions", False),
)


def _shown(columns: list[str]) -> str:
    """``date=2026-01-02, event_id='e1'`` for a failure example."""
    parts = [f"'{c}=' || coalesce('''' || CAST({ident(c)} AS VARCHAR) || '''', 'NULL')" for c in columns]
    return " || ', ' || ".join(parts)


def _key_columns(table: Table) -> list[str]:
    return ["date", *[k for k in table.key if k != "date"]]


def _claim(table: str, name: str, description: str, failing: str, blocking: bool = True, **options) -> Claim:
    """A silver claim: blocking with ERROR severity, or (not blocking) a warning."""
    return Claim(
        table, name, description, failing, blocking=blocking, severity=ERROR if blocking else WARN, **options
    )


def claims(table: Table) -> list[Claim]:
    """Every claim about ``silver.<table>``; ``$days`` in a query means the days evaluated."""
    name, keys, target = table.name, _key_columns(table), f"silver.{table.name}"
    found = [
        _claim(
            target,
            f"{name}_key_is_unique_and_not_null",
            f"({', '.join(table.key)}) is never NULL and appears once per day.",
            f"SELECT {_shown(keys)} || ' (' || count(*) || ' rows)' AS example FROM {target} "
            f"GROUP BY {', '.join(ident(k) for k in keys)} "
            f"HAVING count(*) > 1 OR {' OR '.join(f'{ident(k)} IS NULL' for k in keys)}",
            unit="key",
        )
    ]
    if table.state_key:
        state = ident(table.state_key)
        found.append(_claim(
            target,
            f"{name}_{table.state_key}_is_unique_per_day",
            f"Each {table.state_key} has one row (its current state) per day.",
            f"SELECT {_shown(['date', table.state_key])} || ' (' || count(*) || ' rows)' AS example "
            f"FROM {target} GROUP BY date, {state} HAVING count(*) > 1",
            unit="key",
        ))
    for c in table.columns:
        if c.accepted:
            found.append(_claim(
                target,
                f"{name}_{c.name}_is_an_accepted_value",
                f"{c.name} is NULL or one of: {', '.join(c.accepted)}.",
                f"SELECT {_shown([*keys, c.name])} AS example FROM {target} "
                f"WHERE {ident(c.name)} NOT IN ({in_list(c.accepted)})",
            ))
        if c.min is not None or c.max is not None:
            limits = [(op, v) for op, v in ((">=", c.min), ("<=", c.max)) if v is not None]
            outside = " OR ".join(f"NOT {ident(c.name)} {op} {v:g}" for op, v in limits)
            says = "is_not_negative" if (c.min, c.max) == (0, None) else f"is_between_{c.min:g}_and_{c.max:g}"
            found.append(_claim(
                target,
                f"{name}_{c.name}_{says}",
                f"{c.name} is NULL or {' and '.join(f'{op} {v:g}' for op, v in limits)}.",
                f"SELECT {_shown([*keys, c.name])} AS example FROM {target} WHERE {outside}",
            ))
    for child, column, parent, blocking in REFERENCES:
        if child == name:
            found.append(_claim(
                target,
                f"{name}_reference_existing_{parent}",
                f"Every {column} of the day is in silver.{parent} of the same day, or its {parent} row was "
                f"quarantined that day or from the same drop (then its {name} are accounted for there and "
                "are not used).",
                f"SELECT {_shown([*keys, column])} AS example FROM {target} AS c WHERE NOT EXISTS "
                f"(SELECT 1 FROM silver.{parent} AS p WHERE p.date = c.date AND p.{column} = c.{column}) "
                f"AND NOT EXISTS (SELECT 1 FROM silver.quarantine AS q "
                f"WHERE (q.date = c.date OR q._drop_date = c._drop_date) "
                f"AND q.source_table = {literal(parent)} "
                f"AND trim(json_extract_string(q.raw, {literal('$.' + column)})) = c.{column})",
                blocking=blocking,
                reads=(f"silver.{parent}", "silver.quarantine"),
            ))
    found += _volume_claims(table)
    found.append(_claim(
        target,
        f"{name}_bronze_rows_are_accounted_for",
        "Per drop of the run: the drop's bronze rows = its rows in silver (any event day, by "
        "`_drop_date`) + its quarantined rows of this table.",
        _conservation_sql(table),
        unit="day",
        reads=(f"bronze.{name}", "silver.quarantine"),
    ))
    return found


# Tables a trading day always has rows of: a day without any fails (the feed broke).
CORE_DAILY_TABLES = ("sessions", "pageviews", "orders", "order_line_items", "products")
VOLUME_DAYS = 7  # a day's rows are compared with the mean of the 7 days before it
QUARANTINE_RATE_LIMIT = 5.0  # % of a drop's rows a table may quarantine (superseded states aside)
# Below these sizes one row is several percent: a drop (rate) or a trailing week (volume) that small
# is not judged.
MIN_ROWS_JUDGED = 100


def _volume_claims(table: Table) -> list[Claim]:
    """Volume versus the trailing week (warn), rows on every day for core tables (fail), and the
    share of a drop's rows quarantined (fail, blocking). Days are the run's (``$days``)."""
    name, target = table.name, f"silver.{table.name}"
    counts = f"""WITH days AS (SELECT unnest($days::DATE[]) AS date),
    counts AS (SELECT date, count(*) AS n FROM {target}
               WHERE date BETWEEN (SELECT min(date) - {VOLUME_DAYS} FROM days)
                              AND (SELECT max(date) FROM days)
               GROUP BY date)"""
    found = [_claim(
        target,
        f"{name}_volume_is_usual",
        f"A day's rows are between 50 % and 200 % of the mean of the {VOLUME_DAYS} days before it "
        f"(days without rows do not count; a mean under {MIN_ROWS_JUDGED} rows is not judged); a warning.",
        f"""{counts}
        SELECT 'date=' || d.date || ': ' || coalesce(c.n, 0) || ' rows vs ' || round(avg(p.n), 1)
               || ' a day over the previous week' AS example
        FROM days AS d LEFT JOIN counts AS c USING (date)
        JOIN counts AS p ON p.date BETWEEN d.date - {VOLUME_DAYS} AND d.date - 1
        GROUP BY d.date, c.n
        HAVING avg(p.n) >= {MIN_ROWS_JUDGED}
           AND (coalesce(c.n, 0) < 0.5 * avg(p.n) OR coalesce(c.n, 0) > 2 * avg(p.n))""",
        blocking=False,
        unit="day",
    )]
    if name in CORE_DAILY_TABLES:
        found.append(Claim(
            target,
            f"{name}_has_rows_every_day",
            "Every day of the run has rows (a trading day without any means the feed broke).",
            f"""{counts}
            SELECT 'date=' || d.date || ': no rows' AS example
            FROM days AS d LEFT JOIN counts AS c USING (date) WHERE c.n IS NULL""",
            unit="day",
        ))
    found.append(_claim(
        target,
        f"{name}_quarantine_rate_is_low",
        f"Per drop of the run, at most {QUARANTINE_RATE_LIMIT:g} % of its bronze rows are quarantined "
        "(superseded order states, which are corrections, not faults, do not count; a drop of fewer "
        f"than {MIN_ROWS_JUDGED} rows is not judged).",
        f"""WITH drops AS (SELECT unnest($days::DATE[]) AS drop_date),
        b AS (SELECT _drop_date AS drop_date, count(*) AS n FROM bronze.{name}
              WHERE _drop_date IN (SELECT drop_date FROM drops) GROUP BY ALL),
        q AS (SELECT _drop_date AS drop_date, count(*) AS n FROM silver.quarantine
              WHERE source_table = {literal(name)} AND reason <> 'superseded'
                AND date BETWEEN (SELECT min(drop_date) - {RESTATEMENT_DAYS} FROM drops)
                             AND (SELECT max(drop_date) FROM drops)
                AND _drop_date IN (SELECT drop_date FROM drops) GROUP BY ALL)
        SELECT 'drop ' || b.drop_date || ': ' || q.n || ' of ' || b.n || ' rows quarantined ('
               || round(100.0 * q.n / b.n, 1) || ' %)' AS example
        FROM b JOIN q USING (drop_date)
        WHERE b.n >= {MIN_ROWS_JUDGED} AND 100.0 * q.n / b.n > {QUARANTINE_RATE_LIMIT}""",
        unit="day",
        reads=(f"bronze.{name}", "silver.quarantine"),
    ))
    return found


def _conservation_sql(table: Table) -> str:
    # A drop's rows sit on its own day or up to RESTATEMENT_DAYS before it: only those days are read.
    lag = RESTATEMENT_DAYS
    return f"""WITH drops AS (SELECT unnest($days::DATE[]) AS drop_date),
    b AS (SELECT _drop_date AS drop_date, count(*) AS n FROM bronze.{table.name}
          WHERE _drop_date IN (SELECT drop_date FROM drops) GROUP BY ALL),
    s AS (SELECT _drop_date AS drop_date, count(*) AS n FROM silver.{table.name}
          WHERE date BETWEEN (SELECT min(drop_date) - {lag} FROM drops) AND (SELECT max(drop_date) FROM drops)
            AND _drop_date IN (SELECT drop_date FROM drops) GROUP BY ALL),
    q AS (SELECT _drop_date AS drop_date, count(*) AS n FROM silver.quarantine
          WHERE source_table = {literal(table.name)}
            AND date BETWEEN (SELECT min(drop_date) - {lag} FROM drops) AND (SELECT max(drop_date) FROM drops)
            AND _drop_date IN (SELECT drop_date FROM drops) GROUP BY ALL)
SELECT 'drop ' || strftime(drop_date, '%Y-%m-%d') || ': bronze=' || coalesce(b.n, 0) || ', silver='
       || coalesce(s.n, 0) || ', quarantine=' || coalesce(q.n, 0) AS example
FROM drops LEFT JOIN b USING (drop_date) LEFT JOIN s USING (drop_date) LEFT JOIN q USING (drop_date)
WHERE coalesce(b.n, 0) <> coalesce(s.n, 0) + coalesce(q.n, 0)"""


asset_checks = [c for t in TABLES for c in claims(t)]
