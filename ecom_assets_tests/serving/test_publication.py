"""The Dagster side of publishing: what is served, the pool, the sensor's decisions."""

from pathlib import Path

import dagster as dg
import duckdb

from ecom_assets.definitions import assets, defs, publish_sensor
from ecom_assets.serving import served_tables
from ecom_assets_tests.helpers import resources_for
from ecom_assets_tests.serving import publish_everything


def test_served_tables_are_every_gold_table_and_the_silver_dimensions_and_facts():
    served = {t.target: t for t in served_tables(assets)}
    gold = {".".join(k.path) for a in assets for k in a.keys if k.path[0] == "gold"}
    assert gold <= set(served)
    silver = {t for t in served if t.startswith("silver.")}
    assert silver == {"silver.dim_customer", "silver.dim_date", "silver.dim_product", "silver.fact_sales",
                      "silver.fact_user_activity"}  # fmt: skip
    assert not any(t.startswith("bronze.") for t in served)
    assert served["gold.daily_business_metrics"].partition_expr == "date"
    assert served["gold.cohort_analysis"].partition_expr == "as_of_date"
    assert served["gold.product_performance"].partition_expr == "month"
    assert served["silver.dim_customer"].partition_expr is None


def test_every_step_that_opens_the_warehouse_is_in_the_duckdb_pool():
    repo = defs.get_repository_def()
    nodes = {(job.name, node.name): node.pool for job in repo.get_all_jobs() for node in job.all_node_defs}
    assert ("publish_snapshot", "publish_snapshot_op") in nodes
    steps = {"bronze_daily", "silver_daily", "silver_full", "gold_daily", "gold_weekly", "gold_monthly"}
    assert steps <= {name for _, name in nodes}  # every engine step, in every job that has it
    assert {name: pool for name, pool in nodes.items() if pool != "duckdb"} == {}


def test_the_sensor_does_not_publish_a_publication(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    instance = dg.DagsterInstance.ephemeral()
    result = publish_everything(instance, resources_for(tmp_path, warehouse), tmp_path / "serving.duckdb")
    assert result.success
    context = dg.build_run_status_sensor_context(
        sensor_name=publish_sensor.name, dagster_event=result.get_run_success_event(),
        dagster_instance=instance, dagster_run=result.dagster_run,
    )  # fmt: skip
    assert isinstance(publish_sensor(context), dg.SkipReason)


def test_the_sensor_runs_by_default_and_its_job_is_in_the_definitions():
    assert publish_sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.get_job_def("publish_snapshot").name == "publish_snapshot"


def test_no_connection_outlives_its_step(shop):  # a held connection would fail: "Conflicting lock"
    """After the shop's runs and publication, another process can take the warehouse's write lock."""
    import subprocess
    import sys

    code = f"import duckdb; duckdb.connect({str(shop.warehouse)!r}).close()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
