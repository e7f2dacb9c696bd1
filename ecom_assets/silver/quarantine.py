"""``silver.quarantine``: every bronze row that did not make it into its silver table, and why."""


from ecom_assets.meta import record_restatements
from ecom_assets.schema import LINEAGE_COLUMNS, RESTATEMENT_DAYS, TABLES, Table
from ecom_assets.silver.contract import QUARANTINE, QUARANTINE_REASONS
from ecom_assets.silver.rules import ident, ip_prefix, literal, mask_ips
from ecom_assets.silver.tables import classify_sql, restatement_deps
from ecom_assets.sql_asset import sql_asset


def raw_json(table: Table) -> str:
    """The bronze row as a JSON object (every bronze column, in order).

    Privacy: silver never holds a full IP, so for sessions ``ip`` is replaced by ``ip_prefix``
    and IP addresses in an unsplittable ``_raw_line`` are masked; bronze keeps the original.
    ``_ingested_at`` is left out: it says when bronze read the file, not what the row is, and a
    rebuild must give the same quarantine as the loads it replaces.
    """
    fields = []
    for name in [*table.column_names, *(c for c in LINEAGE_COLUMNS if c != "_ingested_at")]:
        value = ident(name)
        if table.name == "sessions" and name == "ip":
            name, value = "ip_prefix", ip_prefix('"_t_ip"')
        elif table.name == "sessions" and name == "_raw_line":
            value = mask_ips(value)
        fields.append(f"{ident(name)} := {value}")
    return f"to_json(struct_pack({', '.join(fields)}))"


def quarantine_select(table: Table) -> str:
    """The quarantined rows of one bronze table, in the columns of ``contract.QUARANTINE``."""
    values = {
        "date": "_day",
        "source_table": literal(table.name),
        "_drop_date": "_drop_date",
        "_row_number": "_row_number",
        "reason": "_reason",
        "detail": "_detail",
        "raw": raw_json(table),
    }
    selects = ", ".join(f"CAST({values[name]} AS {type_}) AS {ident(name)}" for name, type_ in QUARANTINE)
    return f"SELECT {selects}\nFROM (\n{classify_sql(table)}\n) WHERE _reason IS NOT NULL"


QUARANTINE_SQL = "\nUNION ALL\n".join(f"({quarantine_select(t)})" for t in TABLES)

asset = sql_asset(
    layer="silver",
    name="quarantine",
    sql=QUARANTINE_SQL,
    deps=[d for t in TABLES for d in restatement_deps([t.name], RESTATEMENT_DAYS if t.event_time else 0)],
    group="silver",
    partition_expr="date",
    kpis={reason: f"count(*) FILTER (WHERE reason = '{reason}')" for reason in QUARANTINE_REASONS},
    after=lambda conn, window: record_restatements(
        conn, window, "superseded_rows", [t.name for t in TABLES],
        "SELECT date, source_table, count(*) AS rows FROM silver.quarantine "
        "WHERE date >= $start AND date < $end AND reason = 'superseded' GROUP BY ALL",
    ),
)
