"""Schema evolution: a column new in an asset's output is added to its existing table."""

import duckdb


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def add_new_columns(conn: duckdb.DuckDBPyConnection, target: str, columns: list[tuple]) -> None:
    """Schema evolution: a column new in the output is added to the table (existing rows get NULL)."""
    have = {r[0] for r in conn.execute(f"DESCRIBE {target}").fetchall()}
    for name, type_ in ((r[0], r[1]) for r in columns):
        if name not in have:
            conn.execute(f"ALTER TABLE {target} ADD COLUMN {quote(name)} {type_}").fetchall()
