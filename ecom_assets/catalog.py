"""The data catalog, generated: ``python -m ecom_assets.catalog`` writes ``docs/catalog.md`` and
``docs/catalog.html`` (``--check`` only reports whether they are up to date).

Every table of the code location with its layer, grain, partitioning, the module that defines it,
columns (name, type, description), upstream and downstream tables and asset checks, read from the
loaded definitions (asset specs, check specs; the columns are the definition-time
``dagster/column_schema``) and the data dictionary. Sorted throughout, so the output changes only
when the code does.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from ecom_assets import dictionary
from ecom_assets.partitions import DAILY, MONTHLY, WEEKLY

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
COMMAND = "python -m ecom_assets.catalog"
PARTITIONING = {DAILY: "daily", WEEKLY: "weekly (Sunday to Saturday)", MONTHLY: "monthly", None: "full"}
READING = (
    "How to read the numbers: a day is a calendar day of the shop's time zone and timestamps are UTC; "
    "a valid order is an order whose status is not `cancelled`; a ratio whose denominator is 0 is "
    "NULL, never 0; percentages are on a 0-100 scale (50 means half); money is in the shop's currency "
    "and is not rounded before aggregating. A day's numbers are provisional until the drop three days "
    "later is loaded (`gold.daily_business_metrics.is_provisional`), final after."
)


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    blocking: bool


@dataclass(frozen=True)
class Entry:
    """One table of the catalog."""

    layer: str
    name: str
    group: str
    module: str  # the file that defines the table, from the repository root
    partitioning: str
    grain: str
    summary: str
    columns: tuple[dg.TableColumn, ...]
    upstream: tuple[str, ...]
    downstream: tuple[str, ...]
    checks: tuple[Check, ...]

    @property
    def table(self) -> str:
        return f"{self.layer}.{self.name}"


def _table_name(key: dg.AssetKey) -> str:
    return ".".join(key.path)


def modules() -> dict[dg.AssetKey, str]:
    """Each table's module, as a path from the repository root: the module whose assets define it
    (a gold table's is ``ecom_assets/gold/<group>/<table>.py``)."""
    from ecom_assets.bronze import factory
    from ecom_assets.gold import DOMAINS
    from ecom_assets.silver import dimensions, facts, quarantine, tables

    found = {t.key: factory for t in factory.BRONZE_ASSETS}
    found |= {t.key: module for module in (tables, dimensions, facts) for t in module.assets}
    found |= {m.asset.key: m for m in (quarantine, *(m for ms in DOMAINS.values() for m in ms))}
    return {key: Path(m.__file__).resolve().relative_to(ROOT).as_posix() for key, m in found.items()}


def entries(defs: dg.Definitions) -> list[Entry]:
    """Every asset of ``defs`` as a catalog entry, by layer (bronze, silver, gold), then name."""
    specs = {spec.key: spec for asset in defs.assets for spec in asset.specs}
    downstream: dict[dg.AssetKey, set[str]] = defaultdict(set)
    for spec in specs.values():
        for dep in spec.deps:
            downstream[dep.asset_key].add(_table_name(spec.key))
    checks: dict[dg.AssetKey, list[Check]] = defaultdict(list)
    check_specs = [c for asset in defs.assets for c in asset.check_specs]
    check_specs += [c for checks_def in defs.asset_checks for c in checks_def.check_specs]
    for c in check_specs:
        checks[c.asset_key].append(Check(c.name, c.description or "", c.blocking))
    paths = modules()
    out = []
    for key, spec in specs.items():
        layer, name = key.path
        doc = dictionary.table_doc(layer, name)
        schema = spec.metadata["dagster/column_schema"]
        out.append(
            Entry(
                layer=layer,
                name=name,
                group=spec.group_name or "",
                module=paths.get(key, ""),
                partitioning=PARTITIONING[spec.partitions_def],
                grain=doc.grain,
                summary=doc.summary,
                columns=tuple(schema.columns),
                upstream=tuple(sorted(_table_name(d.asset_key) for d in spec.deps)),
                downstream=tuple(sorted(downstream[key])),
                checks=tuple(sorted(checks[key], key=lambda c: c.name)),
            )
        )
    return sorted(out, key=lambda e: (dictionary.LAYERS.index(e.layer), e.name))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(table: str) -> str:
    return table.replace(".", "")  # GitHub's heading anchor: punctuation other than _ and - dropped


def _links(tables: tuple[str, ...]) -> str:
    return ", ".join(f"[{t}](#{_anchor(t)})" for t in tables) or "none"


def markdown(catalog: list[Entry]) -> str:
    """The catalog as markdown (``docs/catalog.md``)."""
    lines = [
        "# Data catalog",
        "",
        f"Generated by `{COMMAND}` from the code location's definitions and the data dictionary "
        "(`ecom_assets/dictionary/`); do not edit by hand. The same descriptions are in the Dagster UI.",
        "",
        READING,
        "",
        "| table | layer | partitioning | grain |",
        "|---|---|---|---|",
    ]
    lines += [f"| [{e.table}](#{_anchor(e.table)}) | {e.layer} | {e.partitioning} | {_cell(e.grain)} |"
              for e in catalog]
    for layer in dictionary.LAYERS:
        lines += ["", f"## {layer.capitalize()}"]
        for e in (e for e in catalog if e.layer == layer):
            lines += [
                "",
                f"### {e.table}",
                "",
                f"**Layer:** {e.layer} · **Partitioning:** {e.partitioning} · **Group:** {e.group} · "
                f"**Module:** [`{e.module}`](../{e.module})",
                "",
                f"**Grain:** {e.grain}.",
                "",
                *([e.summary, ""] if e.summary else []),
                f"**Upstream:** {_links(e.upstream)}",
                "",
                f"**Downstream:** {_links(e.downstream)}",
                "",
                "| column | type | description |",
                "|---|---|---|",
                *(f"| `{c.name}` | {c.type} | {_cell(c.description or '')} |" for c in e.columns),
                "",
            ]
            if e.checks:
                lines += ["**Checks:**", ""]
                lines += [f"- `{c.name}`{' (blocking)' if c.blocking else ''}: {_cell(c.description)}"
                          for c in e.checks]
            else:
                lines += ["**Checks:** none"]
    return "\n".join(lines) + "\n"


def _inline(text: str) -> str:
    """Escaped text with the markdown the descriptions use: `code` and **bold**."""
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def _html_links(tables: tuple[str, ...]) -> str:
    return ", ".join(f'<a href="#{_anchor(t)}">{t}</a>' for t in tables) or "none"


def html_page(catalog: list[Entry]) -> str:
    """The catalog as one self-contained HTML page (``docs/catalog.html``)."""
    body = [
        "<h1>Data catalog</h1>",
        f"<p>Generated by <code>{COMMAND}</code> from the code location's definitions and the data "
        "dictionary; do not edit by hand.</p>",
        f"<p>{_inline(READING)}</p>",
        "<table><tr><th>table</th><th>layer</th><th>partitioning</th><th>grain</th></tr>",
        *(f'<tr><td><a href="#{_anchor(e.table)}">{e.table}</a></td><td>{e.layer}</td>'
          f"<td>{e.partitioning}</td><td>{_inline(e.grain)}</td></tr>" for e in catalog),
        "</table>",
    ]
    for e in catalog:
        body += [
            f'<h2 id="{_anchor(e.table)}">{e.table}</h2>',
            f"<p><strong>Layer:</strong> {e.layer} · <strong>Partitioning:</strong> {e.partitioning} · "
            f"<strong>Group:</strong> {e.group} · <strong>Module:</strong> "
            f'<a href="../{e.module}"><code>{e.module}</code></a></p>',
            f"<p><strong>Grain:</strong> {_inline(e.grain)}.</p>",
            *([f"<p>{_inline(e.summary)}</p>"] if e.summary else []),
            f"<p><strong>Upstream:</strong> {_html_links(e.upstream)}<br>"
            f"<strong>Downstream:</strong> {_html_links(e.downstream)}</p>",
            "<table><tr><th>column</th><th>type</th><th>description</th></tr>",
            *(f"<tr><td><code>{c.name}</code></td><td>{c.type}</td>"
              f"<td>{_inline(c.description or '')}</td></tr>" for c in e.columns),
            "</table>",
            "<p><strong>Checks:</strong>" + (" none</p>" if not e.checks else "</p><ul>"),
            *(f"<li><code>{c.name}</code>{' (blocking)' if c.blocking else ''}: {_inline(c.description)}</li>"
              for c in e.checks),
            *(["</ul>"] if e.checks else []),
        ]
    style = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}"
             "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
             "vertical-align:top;text-align:left}code{background:#f4f4f4}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Data catalog</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def rendered(defs: dg.Definitions | None = None) -> dict[Path, str]:
    """Each catalog file and its content for ``defs`` (default: the code location)."""
    if defs is None:
        from ecom_assets.definitions import defs
    catalog = entries(defs)
    return {DOCS / "catalog.md": markdown(catalog), DOCS / "catalog.html": html_page(catalog)}


def stale() -> list[Path]:
    """The catalog files whose committed content differs from what the code generates."""
    return [path for path, text in rendered().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed catalog is stale")
    args = parser.parse_args(argv)
    if args.check:
        old = stale()
        for path in old:
            print(f"{path} is stale: run {COMMAND}", file=sys.stderr)
        return 1 if old else 0
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
