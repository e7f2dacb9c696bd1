"""Silver dimensions on tiny hand-written silver inputs, expected values worked out by hand."""

from datetime import date, datetime, timedelta, timezone

import dagster as dg
import pytest

from ecom_assets.checks import failing_rows
from ecom_assets.partitions import DAILY
from ecom_assets.resources import warehouse_resources
from ecom_assets.silver import dimensions as dims
from ecom_assets.silver.contract import DIMS_AND_FACTS
from ecom_assets.sql_asset import run_sql
from ecom_assets.steps import definitions_for
from ecom_assets_tests.helpers import silver_db

D1, D2, D3 = date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)


def build(sql: str, tables: dict, window=None) -> list[dict]:
    return run_sql(silver_db(tables), sql, window).to_pylist()


@pytest.mark.parametrize(
    "name, sql, window",
    [
        ("dim_date", dims.dim_date_sql("DATE '2026-01-01'", "DATE '2026-01-02'"), None),
        ("dim_product", dims.DIM_PRODUCT_SQL, (D1, D2)),
        ("dim_customer", dims.DIM_CUSTOMER_SQL, None),
    ],
)
def test_columns_and_types_are_the_contract(name, sql, window):
    conn = silver_db({})
    got = conn.execute(f"DESCRIBE ({sql})", {"start": D1, "end": D2} if window else {}).fetchall()
    assert [(r[0], r[1]) for r in got] == DIMS_AND_FACTS[name]


def test_dim_date_weekday_weekend_and_iso_weeks_across_year_ends():
    new_year_2026 = build(dims.dim_date_sql("DATE '2026-01-01'", "DATE '2026-01-05'"), {})
    new_year_2027 = build(dims.dim_date_sql("DATE '2026-12-31'", "DATE '2027-01-03'"), {})
    assert [tuple(r.values()) for r in new_year_2026 + new_year_2027] == [  # columns in contract order
        (date(2026, 1, 1), 2026, 1, 1, "January", 1, 4, "Thursday", False),  # ISO week 1 of 2026
        (date(2026, 1, 2), 2026, 1, 1, "January", 1, 5, "Friday", False),
        (date(2026, 1, 3), 2026, 1, 1, "January", 1, 6, "Saturday", True),
        (date(2026, 1, 4), 2026, 1, 1, "January", 1, 7, "Sunday", True),
        (date(2026, 12, 31), 2026, 4, 12, "December", 53, 4, "Thursday", False),
        (date(2027, 1, 1), 2027, 1, 1, "January", 53, 5, "Friday", False),  # still ISO week 53 of 2026
        (date(2027, 1, 2), 2027, 1, 1, "January", 53, 6, "Saturday", True),
    ]


def test_dim_date_asset_spans_the_first_to_the_last_daily_partition():
    conn = silver_db({})
    first, last, days = conn.execute(
        f"SELECT min(date), max(date), count(*) FROM ({dims.DIM_DATE_SQL})"
    ).fetchall()[0]
    assert first == date.fromisoformat(DAILY.get_first_partition_key())
    assert last == date.fromisoformat(DAILY.get_last_partition_key())  # yesterday, UTC
    assert days == (last - first).days + 1 == len(DAILY.get_partition_keys())


def test_dim_product_inventory_status_thresholds_and_window():
    products = [
        {"date": D1, "product_id": "P-0", "product_name": "Mug", "unit_cost": 4, "list_price": 9.5,
         "stock_qty": 0},
        {"date": D1, "product_id": "P-10", "product_name": "Tee", "stock_qty": 10},
        {"date": D1, "product_id": "P-11", "product_name": "Cap", "stock_qty": 11},
        {"date": D1, "product_id": "P-N", "product_name": "Pen", "stock_qty": None},
        {"date": D2, "product_id": "P-0", "product_name": "Mug", "stock_qty": 5},  # next day: not in window
    ]
    got = build(dims.DIM_PRODUCT_SQL, {"products": products}, (D1, D2))
    assert [(r["product_id"], r["stock_qty"], r["inventory_status"]) for r in got] == [
        ("P-0", 0, "out_of_stock"),
        ("P-10", 10, "low_stock"),
        ("P-11", 11, "in_stock"),
        ("P-N", None, None),
    ]
    assert (got[0]["date"], float(got[0]["unit_cost"]), float(got[0]["list_price"])) == (D1, 4.0, 9.5)


def user(day, row, user_id, last_year, last_qtr, registered=None, verified=None, tier=None) -> dict:
    return {
        "date": day, "_row_number": row, "user_id": user_id, "has_purchase_last_year": last_year,
        "has_purchase_last_qtr": last_qtr, "registration_date": registered, "email_verified": verified,
        "customer_tier": tier,
    }


JUNE = date(2025, 6, 1)
USERS_HISTORY = [
    # day 1: two new users
    user(D1, 1, "u1", False, False, D1, False, "new"),
    user(D1, 2, "u2", True, True, JUNE, True, "vip"),
    # day 2: u1 changes (verified, regular); u2 is sent again unchanged: no new version
    user(D2, 1, "u1", False, False, D1, True, "regular"),
    user(D2, 2, "u2", True, True, JUNE, True, "vip"),
    # day 3: the optional columns are absent from the file (NULL): u1 bought, u2 did not change, u3 is new
    user(D3, 1, "u1", True, False),
    user(D3, 2, "u2", True, True),
    user(D3, 3, "u3", False, False),
]


def test_dim_customer_scd2_versions():
    got = build(dims.DIM_CUSTOMER_SQL, {"users": USERS_HISTORY})
    assert [tuple(r.values()) for r in got] == [  # columns in contract order
        ("u1", False, False, D1, False, "new", D1, D2, False),
        ("u1", False, False, D1, True, "regular", D2, D3, False),
        ("u1", True, False, D1, True, "regular", D3, None, True),  # optional columns carried forward
        ("u2", True, True, JUNE, True, "vip", D1, None, True),  # days 2 and 3 changed nothing
        ("u3", False, False, None, None, None, D3, None, True),  # nothing known to carry forward
    ]


def test_dim_customer_checks_pass_on_the_built_dimension():
    conn = silver_db({"users": USERS_HISTORY})
    conn.execute(f"INSERT INTO silver.dim_customer {dims.DIM_CUSTOMER_SQL}")
    assert failing_rows(conn, dims.ONE_CURRENT_VERSION_PER_USER.failing) == (0, [])
    assert failing_rows(conn, dims.VERSIONS_DO_NOT_OVERLAP.failing) == (0, [])


def test_dim_customer_checks_catch_overlaps_and_current_versions():
    def version(user, start, end, current):
        return {"user_id": user, "valid_from": start, "valid_to": end, "is_current": current}

    conn = silver_db({"dim_customer": [
        version("ok", D1, D2, False), version("ok", D2, None, True),
        version("two_current", D1, None, True), version("two_current", D2, None, True),  # also overlap
        version("overlap", D1, D3, False), version("overlap", D2, None, True),
        version("none_current", D1, D2, False),
    ]})
    assert failing_rows(conn, dims.ONE_CURRENT_VERSION_PER_USER.failing) == (2, [
        {"user_id": "none_current", "current_versions": 0},
        {"user_id": "two_current", "current_versions": 2},
    ])
    count, examples = failing_rows(conn, dims.VERSIONS_DO_NOT_OVERLAP.failing)
    assert count == 2
    assert [(e["user_id"], e["valid_from"]) for e in examples] == [
        ("overlap", D1),  # ends on D3, after its next version starts on D2
        ("two_current", D1),  # open-ended while a later version exists
    ]


def test_dim_product_key_check_counts_duplicates_per_day():
    conn = silver_db({"dim_product": [
        {"date": D1, "product_id": "P-1"}, {"date": D1, "product_id": "P-1"},
        {"date": D2, "product_id": "P-1"},  # another day: fine
    ]})
    assert failing_rows(conn, dims.DIM_PRODUCT_KEY_IS_UNIQUE.failing) == (
        1, [{"date": D1, "product_id": "P-1", "row_count": 2}]
    )


WAREHOUSE = warehouse_resources(":memory:")  # the steps need one; nothing is materialized


def test_dim_customer_refreshes_after_any_new_user_day_even_with_history_missing():
    @dg.asset(key=dims.USERS, partitions_def=DAILY)
    def users() -> None:
        return None

    instance = dg.DagsterInstance.ephemeral()
    defs = dg.Definitions(assets=[users, *definitions_for([dims.dim_customer])], resources=WAREHOUSE)
    first = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert first.get_num_requested(dims.DIM_CUSTOMER) == 0  # nothing upstream yet
    # only the last day is materialized: every earlier day since ECOM_START_DATE is missing
    dg.materialize([users], instance=instance, partition_key=DAILY.get_last_partition_key())
    second = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    assert second.get_num_requested(dims.DIM_CUSTOMER) == 1


def test_dim_date_is_built_when_missing_and_again_after_each_midnight_utc():
    instance = dg.DagsterInstance.ephemeral()
    noon = datetime(2026, 3, 15, 12, 0, tzinfo=timezone.utc)

    def requested(at: datetime, cursor=None):
        result = dg.evaluate_automation_conditions(
            defs=dg.Definitions(assets=definitions_for([dims.dim_date]), resources=WAREHOUSE),
            instance=instance, evaluation_time=at, cursor=cursor,
        )
        return result.get_num_requested(dims.dim_date.key), result.cursor

    missing, cursor = requested(noon)
    instance.report_runless_asset_event(dg.AssetMaterialization(dims.dim_date.key))
    later_that_day, cursor = requested(noon + timedelta(hours=6), cursor)
    after_midnight, cursor = requested(noon + timedelta(hours=12, minutes=5), cursor)
    assert (missing, later_that_day, after_midnight) == (1, 0, 1)
