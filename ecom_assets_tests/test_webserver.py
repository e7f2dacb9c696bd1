"""What a user sees in the Dagster UI: the real webserver on workspace.yaml, read through its GraphQL API.

One webserver serves the whole module: it loads the code location as `dagster dev` does, on a fresh
DAGSTER_HOME (with the repo's dagster.yaml) and an empty warehouse and landing zone in a temp folder.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WEBSERVER = REPO / ".venv" / "bin" / "dagster-webserver"
LOCATION = "ecom_assets"
STARTUP_SECONDS = 90

# Field names from dagster_graphql/schema (asset_graph.py, asset_checks.py, schedules/, sensors.py).
QUERY = """
{
  workspaceOrError {
    __typename
    ... on PythonError { message }
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on PythonError { message stack }
          ... on RepositoryLocation {
            repositories {
              name
              schedules { name cronSchedule executionTimezone pipelineName }
              sensors { name sensorType defaultStatus }
              assetNodes {
                assetKey { path }
                description
                groupName
                kinds
                tags { key value }
                partitionDefinition { type description }
                partitionKeyConnection(limit: 3, ascending: true) { results }
                assetChecksOrError { __typename ... on AssetChecks { checks { name } } }
                metadataEntries {
                  label
                  ... on TableSchemaMetadataEntry { schema { columns { name type description } } }
                }
              }
            }
          }
        }
      }
    }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, query: str) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body["errors"]
    return body["data"]


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory) -> Iterator[str]:
    """The GraphQL URL of a webserver started from the repo root, stopped (and its code server) after."""
    tmp = tmp_path_factory.mktemp("webserver")
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "ECOM_WAREHOUSE": str(tmp / "warehouse.duckdb"),
        "ECOM_RAW_DIR": str(tmp / "raw"),
        "ECOM_START_DATE": "2025-01-01",
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "webserver.log"
    cmd = [str(WEBSERVER), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    with log.open("wb") as out:
        # Own process group: on a hung shutdown we can kill the webserver and its code server together.
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dagster-webserver exited with {proc.returncode}:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"dagster-webserver did not answer in {STARTUP_SECONDS} s:\n{_log_tail(log)}")
                time.sleep(0.25)
        yield f"{base}/graphql"
    finally:
        proc.terminate()  # SIGTERM: the webserver shuts its code server down, then exits
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def workspace(webserver: str) -> dict[str, dict]:
    """Location entries by name, once every location has finished loading."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        data = _post(webserver, QUERY)["workspaceOrError"]
        assert data["__typename"] == "Workspace", data
        entries = {entry["name"]: entry for entry in data["locationEntries"]}
        if all(entry["loadStatus"] == "LOADED" for entry in entries.values()) or time.monotonic() > deadline:
            return entries
        time.sleep(0.5)


@pytest.fixture(scope="module")
def repository(workspace: dict[str, dict]) -> dict:
    """The one repository of the code location (whatever the location is called)."""
    locations = [e["locationOrLoadError"] for e in workspace.values()]
    loaded = [loc for loc in locations if loc and loc["__typename"] == "RepositoryLocation"]
    assert len(loaded) == 1, locations
    (repo,) = loaded[0]["repositories"]
    return repo


@pytest.fixture(scope="module")
def assets(repository: dict) -> dict[str, dict]:
    return {"/".join(node["assetKey"]["path"]): node for node in repository["assetNodes"]}


def test_code_location_ecom_assets_loads_without_error(workspace):
    # workspace.yaml names it with `location_name`; without it the UI shows the module path instead.
    assert list(workspace) == [LOCATION], f"the UI lists locations {list(workspace)}, not {LOCATION!r}"
    entry = workspace[LOCATION]
    assert entry["loadStatus"] == "LOADED"
    location = entry["locationOrLoadError"]
    assert location["__typename"] == "RepositoryLocation", location.get("message")


def test_every_asset_shows_description_group_kinds_and_tags(assets):
    assert len(assets) >= 40
    assert {key.split("/")[0] for key in assets} == {"bronze", "silver", "gold"}
    for key, node in assets.items():
        tags = {tag["key"]: tag["value"] for tag in node["tags"]}
        assert (node["description"] or "").strip(), f"{key} has no description"
        group = node["groupName"]
        assert group and group != "default", f"{key} is in group {group!r}"
        assert "duckdb" in node["kinds"], f"{key} kinds {node['kinds']}"
        assert tags.get("layer") == key.split("/")[0], f"{key} tags {tags}"
        assert tags.get("cadence") in {"daily", "weekly", "monthly", "full"}, f"{key} tags {tags}"


def test_every_column_is_described_before_anything_is_materialized(assets):
    """The warehouse is empty: the columns come from the definitions (the data dictionary)."""
    def columns(key: str) -> list[dict]:
        entries = assets[key]["metadataEntries"]
        (schema,) = [e["schema"] for e in entries if e["label"] == "dagster/column_schema"]
        return schema["columns"]

    for key, node in assets.items():
        assert columns(key), key
        assert all(c["type"] and (c["description"] or "").strip() for c in columns(key)), key
        assert node["description"].startswith("**Grain:** "), key
    revenue = {c["name"]: c for c in columns("gold/daily_business_metrics")}
    assert revenue["total_revenue"]["type"] == "DECIMAL(18,4)"
    assert "SUM(total_price) of valid orders" in revenue["total_revenue"]["description"]


def _step(cadence: str, first: date) -> date:
    if cadence == "daily":
        return first + timedelta(days=1)
    if cadence == "weekly":
        return first + timedelta(days=7)
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)  # next month


def test_partitions_follow_the_cadence_tag(assets):
    cadences = set()
    for key, node in assets.items():
        cadence = next(tag["value"] for tag in node["tags"] if tag["key"] == "cadence")
        cadences.add(cadence)
        partitions = node["partitionDefinition"]
        if cadence == "full":
            assert partitions is None, f"{key} (cadence=full) is partitioned: {partitions}"
            continue
        assert partitions and partitions["type"] == "TIME_WINDOW", f"{key}: {partitions}"
        assert partitions["description"].lower().startswith(cadence), f"{key}: {partitions['description']}"
        keys = [date.fromisoformat(k) for k in node["partitionKeyConnection"]["results"]]
        assert len(keys) == 3, f"{key} partition keys {keys}"
        assert keys[1] == _step(cadence, keys[0]) and keys[2] == _step(cadence, keys[1]), f"{key}: {keys}"
        if cadence == "weekly":
            assert keys[0].isoweekday() == 7, f"{key}: weeks start on Sunday, not {keys[0]:%A}"
        if cadence == "monthly":
            assert keys[0].day == 1, f"{key}: {keys[0]}"
    assert cadences == {"daily", "weekly", "monthly", "full"}


def test_asset_checks_are_attached(assets):
    def checks(key: str) -> set[str]:
        result = assets[key]["assetChecksOrError"]
        assert result["__typename"] == "AssetChecks", result
        return {check["name"] for check in result["checks"]}

    assert "orders_key_is_unique_and_not_null" in checks("silver/orders")
    assert "orders_bronze_rows_are_accounted_for" in checks("silver/orders")
    assert "revenue_matches_silver_orders" in checks("gold/daily_business_metrics")
    assert all(checks(key) for key in assets if key.startswith("gold/")), "a gold table without checks"


def test_sensors_and_schedules(repository):
    sensors = {sensor["name"]: sensor for sensor in repository["sensors"]}
    assert {"landing_sensor", "automation_sensor"} <= set(sensors)
    assert sensors["automation_sensor"]["sensorType"] == "AUTO_MATERIALIZE"
    assert sensors["automation_sensor"]["defaultStatus"] == "RUNNING"
    schedules = {s["name"]: (s["cronSchedule"], s["executionTimezone"]) for s in repository["schedules"]}
    assert schedules == {
        "daily_schedule": ("0 1 * * *", "UTC"),
        "weekly_schedule": ("0 2 * * 0", "UTC"),
        "monthly_schedule": ("0 3 1 * *", "UTC"),
        "archive_schedule": ("0 4 1 * *", "UTC"),
    }
