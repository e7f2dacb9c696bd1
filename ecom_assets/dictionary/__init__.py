"""The data dictionary: every warehouse table's grain and every column's meaning, unit and type.

Written once, per layer (``bronze``, ``silver``, ``gold`` by domain), and read by the asset
descriptions and ``dagster/column_schema`` (set at definition time by :func:`documented`), and by
the generated catalog (``python -m ecom_assets.catalog``). Bronze and silver column types come from
the landing and silver contracts; gold declares its DuckDB types, and a test holds every type and
column to what the warehouse really has.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

import dagster as dg

from ecom_assets.dictionary.model import Column, Table

__all__ = ["Column", "Table", "column_schema", "definition_metadata", "describe", "documented", "table_doc",
           "tables"]

LAYERS = ("bronze", "silver", "gold")


@cache
def _tables() -> dict[tuple[str, str], Table]:
    # Imported on first use: the layer modules read constants of the asset modules.
    from ecom_assets.dictionary import bronze, gold, silver

    found: dict[tuple[str, str], Table] = {}
    for table in [*bronze.TABLES, *silver.TABLES, *gold.TABLES]:
        if (table.layer, table.name) in found:
            raise ValueError(f"dictionary: {table.key} is described twice")
        found[(table.layer, table.name)] = table
    return found


def tables() -> list[Table]:
    """Every described table, by layer (bronze, silver, gold), then name."""
    return sorted(_tables().values(), key=lambda t: (LAYERS.index(t.layer), t.name))


def table_doc(layer: str, name: str) -> Table:
    """The dictionary entry of ``<layer>.<name>``."""
    try:
        return _tables()[(layer, name)]
    except KeyError:
        raise KeyError(f"the data dictionary has no table {layer}.{name}") from None


def column_schema(layer: str, name: str) -> dg.TableSchema:
    """The table's columns (name, DuckDB type, description with unit) as Dagster shows them."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=column, type=doc.type or "", description=doc.text)
            for column, doc in table_doc(layer, name).columns.items()
        ]
    )


def describe(layer: str, name: str) -> str:
    """The table's description: its grain, then what a reader needs to know about it (markdown)."""
    table = table_doc(layer, name)
    grain = table.grain[0].upper() + table.grain[1:]
    return f"**Grain:** {grain}.\n\n{table.summary}".strip()


def definition_metadata(layer: str, name: str) -> dict[str, Any]:
    """Definition metadata for the asset ``[layer, name]``: its column schema."""
    return {"dagster/column_schema": column_schema(layer, name)}


def _document(spec: dg.AssetSpec) -> dg.AssetSpec:
    layer, name = spec.key.path
    return spec.replace_attributes(description=describe(layer, name)).merge_attributes(
        metadata=definition_metadata(layer, name)
    )


def documented(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The assets with the dictionary's description and column schema in their definitions, so the UI
    shows every column before anything is materialized. Fails on an asset the dictionary lacks."""
    return list(dg.map_asset_specs(_document, list(assets)))
