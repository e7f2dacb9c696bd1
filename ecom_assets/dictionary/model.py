"""The shape of the data dictionary: a table's grain, what it is for, and its columns.

Plain data, no Dagster: ``Table`` and ``Column`` are what the layer modules declare and what
the asset descriptions, the column schemas and the generated catalog read.
"""

from __future__ import annotations

from dataclasses import dataclass

# Units, as a reader sees them next to a number.
MONEY = "shop currency"
PCT = "%"  # on a 0-100 scale: 50 means half
DAYS = "days"
MINUTES = "minutes"
SECONDS = "seconds"
UTC = "UTC"
CELSIUS = "°C"
MILLIMETRES = "mm"
RATIO = "ratio"


@dataclass(frozen=True)
class Column:
    """One column: what it means, its unit (None for counts, names and flags) and its DuckDB type.

    Gold columns declare ``type``; bronze and silver take it from the landing contract and the
    silver contract (``ecom_assets.schema``, ``ecom_assets.silver.contract``), never retyped here.
    """

    description: str
    unit: str | None = None
    type: str | None = None

    def typed(self, type_: str) -> Column:
        return Column(self.description, self.unit, type_)

    @property
    def text(self) -> str:
        """The description with its unit, as the UI and the catalog show it."""
        return f"{self.description} Unit: {self.unit}." if self.unit else self.description


@dataclass(frozen=True)
class Table:
    """One warehouse table ``<layer>.<name>``: its grain (what one row is), a summary of the rules a
    reader needs, and its columns in the warehouse's order."""

    layer: str
    name: str
    grain: str
    columns: dict[str, Column]
    summary: str = ""

    @property
    def key(self) -> str:
        return f"{self.layer}.{self.name}"


def typed_table(
    layer: str,
    name: str,
    grain: str,
    columns: dict[str, Column],
    types: list[tuple[str, str]],
    summary: str = "",
) -> Table:
    """A table whose column types come from a contract (``types``: (column, DuckDB type) in order).

    Every contract column needs a description and every description a contract column: a
    mismatch fails at import, naming the table and the columns.
    """
    names = [c for c, _ in types]
    missing, extra = [c for c in names if c not in columns], [c for c in columns if c not in names]
    if missing or extra:
        raise ValueError(f"dictionary {layer}.{name}: undescribed columns {missing}, unknown columns {extra}")
    return Table(layer, name, grain, {c: columns[c].typed(t) for c, t in types}, summary)
