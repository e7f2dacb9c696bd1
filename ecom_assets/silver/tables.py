"""The typed silver tables: one daily asset per landing table, all from one factory.

Each is one DuckDB query over ``bronze.<table>``: :func:`classify_sql` types every row and
gives it a quarantine verdict (rules in :mod:`ecom_assets.silver.rules`); the rows without
one are the silver table, the others are ``silver.quarantine`` (same function, so the two
always add up to bronze).
"""

import dagster as dg

from ecom_assets.schema import TABLES, Table
from ecom_assets.silver.contract import LINEAGE, typed_columns
from ecom_assets.silver.rules import clean, derived, ident, quarantine_rules, typed
from ecom_assets.sql_asset import sql_asset

_LINEAGE_NAMES = {name for name, _ in LINEAGE}


def classify_sql(table: Table) -> str:
    """Every bronze row of the window ``[$start, $end)`` with its typed values and its verdict.

    Columns: the bronze columns unchanged; ``_t_<col>`` for every contract and derived column
    (trimmed, empty → NULL, lower-cased where the schema says, typed); ``_reason`` and
    ``_detail``, NULL for a row that belongs in silver.
    """
    cols = table.columns
    cleaned = ", ".join(f"{clean(ident(c.name))} AS {ident('_c_' + c.name)}" for c in cols)
    typed_cols = ", ".join(f"{typed(c, ident('_c_' + c.name))} AS {ident('_t_' + c.name)}" for c in cols)
    extra = "".join(f", {sql} AS {ident('_t_' + name)}" for name, sql in derived(table).items())
    verdict = "\n        ".join(
        f"WHEN {cond} THEN {{'reason': '{reason}', 'detail': {detail}}}"
        for reason, cond, detail in quarantine_rules(table)
    )
    cleaned_names = ", ".join(ident("_c_" + c.name) for c in cols)  # not needed past the verdict
    keys = ", ".join(ident("_t_" + k) for k in table.key)
    key_values = " || ', ' || ".join(f"'{k}=''' || {ident('_t_' + k)} || ''''" for k in table.key)
    return f"""WITH _cleaned AS (
    SELECT *, {cleaned}
    FROM bronze.{table.name} WHERE _drop_date >= $start AND _drop_date < $end
), _typed AS (
    SELECT *, {typed_cols} FROM _cleaned
), _checked AS (
    SELECT * EXCLUDE ({cleaned_names}){extra}, CASE
        {verdict}
    END AS _verdict FROM _typed
), _ranked AS (
    SELECT *, row_number() OVER same_key AS _key_rank, min(_row_number) OVER same_key AS _key_first_row
    FROM _checked
    WINDOW same_key AS (PARTITION BY _verdict IS NULL, _drop_date, {keys} ORDER BY _row_number)
)
SELECT * EXCLUDE (_verdict, _key_rank, _key_first_row),
    CASE WHEN _verdict IS NOT NULL THEN _verdict.reason
         WHEN _key_rank > 1 THEN 'duplicate_key' END AS _reason,
    CASE WHEN _verdict IS NOT NULL THEN _verdict.detail
         WHEN _key_rank > 1 THEN {key_values} || ' (duplicate of row ' || _key_first_row || ')' END AS _detail
FROM _ranked"""


def silver_sql(table: Table) -> str:
    """The rows of ``silver.<table>``: exactly ``contract.typed_columns(table)``, explicitly cast."""
    selects = []
    for name, sql_type in typed_columns(table):
        source = "_drop_date" if name == "date" else name if name in _LINEAGE_NAMES else "_t_" + name
        selects.append(f"CAST({ident(source)} AS {sql_type}) AS {ident(name)}")
    return f"SELECT {', '.join(selects)}\nFROM (\n{classify_sql(table)}\n) WHERE _reason IS NULL"


_NOTES = {
    "sessions": (
        " `ip_prefix` replaces the IP: IPv4 with the last octet zeroed (`203.0.113.0`), IPv6 with the "
        "last 80 bits zeroed in RFC 5952 form (`2001:db8:85a3::`), NULL when the IP is not valid. "
        "`channel` follows the metrics.md rules; a referrer host matches a site by its registrable "
        "name (`news.google.co.uk` is google), and `t.co` etc., not listed, are Referral."
    ),
}


def silver_table(table: Table) -> dg.AssetsDefinition:
    """``silver.<table>``: bronze typed, trimmed and de-duplicated, per drop date."""
    key = ", ".join(table.key)
    return sql_asset(
        layer="silver",
        name=table.name,
        sql=silver_sql(table),
        description=(
            f"One row per ({key}) and drop date: bronze.{table.name} typed, trimmed, lower-cased where "
            "the contract says and de-duplicated (first by `_row_number`); timestamps are UTC and every "
            f"rejected row is in silver.quarantine. {table.description}{_NOTES.get(table.name, '')}"
        ),
        deps=[dg.AssetKey(["bronze", table.name])],
        group="silver",
        partition_expr="date",
    )


assets = [silver_table(t) for t in TABLES]
