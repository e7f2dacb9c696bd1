"""Fixtures of the automation tests that run a real Dagster instance."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from ecom_assets_tests.automation import scratch_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch(tmp_path: Path):
    with scratch_dir(tmp_path) as path:
        yield path


@pytest.fixture
def instance(scratch: Path):
    """A Dagster instance in a temp DAGSTER_HOME holding a copy of the repo's dagster.yaml."""
    home = scratch / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    # Creating the instance once creates its storage; two processes creating it at once would race.
    with dg.DagsterInstance.from_config(str(home)) as inst:
        yield inst
