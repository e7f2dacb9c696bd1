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


def _shape() -> str:
    lines = []
    for asset in sorted(defs.assets, key=lambda a: a.key.to_user_string()):
        tags = asset.tags_by_key[asset.key]
        lines.append(
            f"asset {asset.key.to_user_string()} layer={tags['layer']} cadence={tags['cadence']} "
            f"partitions={PARTITIONS[asset.partitions_def]} group={asset.group_names_by_key[asset.key]}"
        )
    checks = sorted(k.to_user_string() for c in defs.asset_checks for k in c.check_keys)
    lines += [f"check {c}" for c in checks]
    lines += [f"schedule {s.name} {s.cron_schedule} {s.default_status.value}" for s in defs.schedules]
    lines += [f"sensor {s.name} {s.default_status.value}" for s in defs.sensors]
    return "\n".join(sorted(lines)) + "\n"


def test_definitions_load_and_validate():
    repo = defs.get_repository_def()
    assert len(repo.asset_graph.get_all_asset_keys()) == len(list(defs.assets))
    dg.Definitions.validate_loadable(defs)


def test_every_asset_is_described_tagged_and_single_run_for_ranges():
    for asset in defs.assets:
        spec = next(iter(asset.specs))
        assert spec.description and spec.description.strip(), asset.key
        assert spec.tags["layer"] == asset.key.path[0], asset.key
        assert spec.tags["cadence"] == PARTITIONS[asset.partitions_def], asset.key
        assert "duckdb" in spec.kinds and spec.owners, asset.key
        if asset.partitions_def is not None:
            assert asset.backfill_policy == dg.BackfillPolicy.single_run(), asset.key
            assert spec.metadata.get("partition_expr"), asset.key


def test_shape_matches_snapshot():
    shape = _shape()
    if os.environ.get("UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(shape)
    assert shape == SNAPSHOT.read_text(), "definitions changed: review, then UPDATE_SNAPSHOT=1"
