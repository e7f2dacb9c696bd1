"""The code location loads, and its shape (assets, checks, schedules, sensors) changes only on purpose.

To accept a deliberate change:
``UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest ecom_assets_tests/test_definitions.py``.
"""

import os
from pathlib import Path

import dagster as dg

from ecom_assets.definitions import defs
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


def test_shape_matches_snapshot():
    shape = _shape()
    if os.environ.get("UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(shape)
    assert shape == SNAPSHOT.read_text(), "definitions changed: review, then UPDATE_SNAPSHOT=1"
