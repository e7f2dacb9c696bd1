"""A drop whose file cannot be read fails its own day only: the other days of the range load."""

from datetime import date, timedelta

import dagster as dg
import duckdb

from ecom_assets.definitions import defs
from ecom_assets.generate import generate
from ecom_assets_tests.helpers import materialize_range, resources_for

FIRST, DAYS = date(2025, 1, 1), 30
BAD = FIRST + timedelta(days=9)


def test_a_bad_byte_in_one_drop_of_a_30_day_range_leaves_29_days_loaded(tmp_path):
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse.duckdb"
    generate(raw, FIRST, DAYS, sessions_per_day=25, seed=3, progress=False)
    path = raw / BAD.isoformat() / "pageview_table.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2][:5] + b"\xff" + lines[2][5:]  # line 3, column 6: not UTF-8
    path.write_bytes(b"\n".join(lines))

    last = FIRST + timedelta(days=DAYS - 1)
    # every bronze table, and silver and gold through daily_business_metrics (a short chain keeps
    # the test quick; the selection is a subset of each step, as in the UI)
    selection = dg.AssetSelection.tag("layer", "bronze") | dg.AssetSelection.assets(
        *(dg.AssetKey(["silver", t]) for t in ("sessions", "pageviews", "orders")),
        dg.AssetKey(["gold", "daily_business_metrics"]),
    )
    result = materialize_range(
        [*defs.assets, *defs.asset_checks], str(FIRST), str(last), resources_for(raw, warehouse),
        selection=selection, raise_on_error=False,
    )

    assert not result.success
    [failure] = result.get_step_failure_events()
    assert failure.step_key == "gold_daily"  # the last layer, once its days are built
    assert BAD.isoformat() in failure.step_failure_data.user_failure_data.description
    pageviews = {e.materialization.partition: e.materialization.metadata
                 for e in result.get_asset_materialization_events()
                 if e.asset_key == dg.AssetKey(["bronze", "pageviews"])}
    assert pageviews[BAD.isoformat()]["unreadable_drop"].value == (
        f"{BAD}/pageview_table.csv: line 3, column 6: not valid UTF-8 (byte 0xff)"
    )
    assert "unreadable_drop" not in pageviews[(BAD + timedelta(days=1)).isoformat()]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        def drops(table: str) -> int:
            return conn.execute(f"SELECT count(DISTINCT _drop_date) FROM bronze.{table}").fetchall()[0][0]

        assert drops("pageviews") == DAYS - 1 and drops("sessions") == DAYS
        gold_days = conn.execute("SELECT count(*) FROM gold.daily_business_metrics").fetchall()[0][0]
        assert gold_days == DAYS
        no_pageviews = conn.execute(
            "SELECT list(DISTINCT date) FROM silver.pageviews RIGHT JOIN "
            "(SELECT DISTINCT date FROM silver.sessions) USING (date) WHERE event_id IS NULL"
        ).fetchall()[0][0]
    assert no_pageviews == [BAD]  # the unread drop's day has no pageviews; every other day has
