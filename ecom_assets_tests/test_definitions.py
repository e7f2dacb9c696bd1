"""The code location loads, and its shape (assets, checks, schedules, sensors) changes only on purpose.

To accept a deliberate change:
``UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest ecom_assets_tests/test_definitions.py``.
"""

import importlib
import inspect
import os
from pathlib import Path

import dagster as dg

from ecom_assets import gold
from ecom_assets.definitions import defs
from ecom_assets.dictionary import gold as gold_dictionary
from ecom_assets.partitions import DAILY, MONTHLY, WEEKLY

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.txt"
PARTITIONS = {None: "full", DAILY: "daily", WEEKLY: "weekly", MONTHLY: "monthly"}


def _specs() -> list[tuple[dg.AssetsDefinition, dg.AssetSpec]]:
    return [(step, spec) for step in defs.assets for spec in step.specs]


def _shape() -> str:
    lines = []
    for step, spec in _specs():
        lines.append(
            f"asset {spec.key.to_user_string()} layer={spec.tags['layer']} cadence={spec.tags['cadence']} "
            f"partitions={PARTITIONS[step.partitions_def]} group={spec.group_name} step={step.node_def.name}"
        )
    steps = [*defs.assets, *defs.asset_checks]
    checks = sorted(k.to_user_string() for c in steps for k in c.check_keys)
    lines += [f"check {c}" for c in checks]
    lines += [f"schedule {s.name} {s.cron_schedule} {s.default_status.value}" for s in defs.schedules]
    lines += [f"sensor {s.name} {s.default_status.value}" for s in defs.sensors]
    return "\n".join(sorted(lines)) + "\n"


def test_definitions_load_and_validate():
    repo = defs.get_repository_def()
    assert len(repo.asset_graph.get_all_asset_keys()) == len(_specs())
    dg.Definitions.validate_loadable(defs)


def test_every_asset_is_described_tagged_and_single_run_for_ranges():
    for step, spec in _specs():
        assert spec.description and spec.description.strip(), spec.key
        assert spec.tags["layer"] == spec.key.path[0], spec.key
        assert spec.tags["cadence"] == PARTITIONS[step.partitions_def], spec.key
        assert "duckdb" in spec.kinds and spec.owners, spec.key
        if step.partitions_def is not None:
            assert step.backfill_policy == dg.BackfillPolicy.single_run(), spec.key
            assert spec.metadata.get("partition_expr"), spec.key


def test_a_range_run_of_every_daily_table_is_three_steps():
    daily = [s for s in defs.assets if s.partitions_def == DAILY]
    assert sorted(s.node_def.name for s in daily) == ["bronze_daily", "gold_daily", "silver_daily"]
    assert all(s.can_subset for s in daily)
    assert sum(len(s.keys) for s in daily) == 53


def test_each_gold_table_lives_in_the_module_named_after_it_in_its_group():
    """gold.<table> of asset group <group> is made, with its checks, in
    ecom_assets/gold/<group>/<table>.py and described in ecom_assets/dictionary/gold/<group>.py: the
    table's name finds its file."""
    tables = {spec.key: spec.group_name for _, spec in _specs() if spec.key.path[0] == "gold"}
    checks = {k for step in [*defs.assets, *defs.asset_checks] for k in step.check_keys}
    described = {t.name: d.__name__.rsplit(".", 1)[-1] for d in gold_dictionary.DOMAINS for t in d.TABLES}
    for key, group in tables.items():
        name = key.path[1]
        try:
            module = importlib.import_module(f"ecom_assets.gold.{group}.{name}")
        except ModuleNotFoundError:
            raise AssertionError(f"gold.{name} (group {group}) is not in gold/{group}/{name}.py") from None
        assert module.asset.key == key, f"{module.__name__} defines {module.asset.key}, not {key}"
        assert f'"{name}"' in inspect.getsource(module), f"{key} is not made in {module.__name__}"
        assert module in gold.DOMAINS[group], f"ecom_assets.gold.DOMAINS[{group!r}] lacks {module.__name__}"
        own = {c.spec.key for c in module.asset_checks} | set(getattr(module.asset, "check_keys", ()))
        assert own == {c for c in checks if c.asset_key == key}, f"{key}: checks made outside its module"
        assert described.get(name) == group, f"{key}: described in dictionary/gold/{described.get(name)}.py"
    # Each domain package holds its tables' modules and nothing else, and every one is an asset.
    for group, modules in gold.DOMAINS.items():
        files = {p.stem for p in (Path(gold.__file__).parent / group).glob("*.py")} - {"__init__"}
        assert files == {m.__name__.rsplit(".", 1)[-1] for m in modules}, group
        assert all(tables.get(m.asset.key) == group for m in modules), group


def test_shape_matches_snapshot():
    shape = _shape()
    if os.environ.get("UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(shape)
    assert shape == SNAPSHOT.read_text(), "definitions changed: review, then UPDATE_SNAPSHOT=1"
