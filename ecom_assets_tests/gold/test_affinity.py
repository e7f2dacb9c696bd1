"""Product affinity on a hand-written basket set, support, confidence and lift worked out by hand."""

from datetime import date, timedelta

import duckdb
import pytest

from ecom_assets.checks import evaluate
from ecom_assets.gold.product import product_affinity
from ecom_assets.partitions import DAILY, WEEKLY
from ecom_assets.sql_asset import run_sql
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db, table_defs

# The week Sunday 2026-03-29 .. Saturday 2026-04-04; its 90 days: 2026-01-05 .. 2026-04-04.
WEEK = (date(2026, 3, 29), date(2026, 4, 5))
AS_OF = date(2026, 4, 4)

BASKETS = {  # order: (days before as_of, status, products)
    "o1": (0, "completed", ["A", "B", "C"]),
    "o2": (3, "completed", ["A", "A", "B"]),  # A on two lines: counted once
    "o3": (10, "completed", ["A", "B", "D"]),
    "o4": (40, "completed", ["A", "C"]),
    "o5": (60, "completed", ["B", "C"]),
    "o6": (89, "completed", ["A", "B", "C"]),  # the 90th day back: inside
    "o7": (1, "completed", ["D"]),
    "o8": (2, "completed", ["C", "D"]),
    "o10": (5, "completed", ["B", "C"]),
    "o9": (1, "cancelled", ["A", "B"]),  # not a sale
    "o11": (90, "completed", ["A", "B"]),  # the 91st day back: outside
    "o12": (-1, "completed", ["A", "B"]),  # after as_of: outside
}


def _silver() -> dict:
    orders, items = [], []
    for oid, (back, status, products) in BASKETS.items():
        day = AS_OF - timedelta(days=back)
        orders.append({"date": day, "event_id": f"e-{oid}", "order_id": oid, "user_id": "u",
                       "total_price": "10", "order_status": status})
        items += [{"date": day, "event_id": f"e-{oid}-{i}", "order_id": oid, "product_name": p,
                   "product_price": "5", "product_qty": 1} for i, p in enumerate(products)]
    return {"orders": orders, "order_line_items": items}


# 9 valid orders in the 90 days (o1-o8, o10). Orders with A: o1 o2 o3 o4 o6 = 5; B: o1 o2 o3 o5 o6 o10
# = 6; C: o1 o4 o5 o6 o8 o10 = 6; D: o3 o7 o8 = 3. Together: AB o1 o2 o3 o6 = 4; AC o1 o4 o6 = 3;
# BC o1 o5 o6 o10 = 4; AD, BD, CD 1 each (< 3: left out).
EXPECTED = {
    # (antecedent, consequent): (both, support = both/9, confidence = both/antecedent, lift)
    ("A", "B"): (4, 400 / 9, 80.0, 1.2),  # lift = (4/5) / (6/9) = 1.2
    ("B", "A"): (4, 400 / 9, 400 / 6, 1.2),  # (4/6) / (5/9) = 1.2
    ("A", "C"): (3, 300 / 9, 60.0, 0.9),  # (3/5) / (6/9) = 0.9
    ("C", "A"): (3, 300 / 9, 50.0, 0.9),  # (3/6) / (5/9) = 0.9
    ("B", "C"): (4, 400 / 9, 400 / 6, 1.0),  # (4/6) / (6/9) = 1
    ("C", "B"): (4, 400 / 9, 400 / 6, 1.0),
}


def test_product_affinity():
    got = run_sql(silver_db(_silver()), product_affinity.PRODUCT_AFFINITY_SQL, WEEK).to_pylist()
    assert {r["as_of_date"] for r in got} == {AS_OF}
    assert {r["total_orders"] for r in got} == {9}
    table = {(r["antecedent"], r["consequent"]): (r["orders_with_both"], r["support"], r["confidence"],
                                                  r["lift"]) for r in got}
    assert table.keys() == EXPECTED.keys()
    for pair, want in EXPECTED.items():
        assert table[pair] == pytest.approx(want, rel=1e-12), pair
    ab = next(r for r in got if (r["antecedent"], r["consequent"]) == ("A", "B"))
    assert (ab["antecedent_orders"], ab["consequent_orders"]) == (5, 6)


def test_through_dagster_and_the_checks(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as db:
        silver_db(_silver(), db)
    result = materialize_range(table_defs(product_affinity), "2026-03-29", "2026-03-29",
                               resources_for(tmp_path, warehouse))
    assert {e.check_name: e.passed for e in result.get_asset_check_evaluations()} == {
        "one_row_per_ordered_pair": True, "confidence_is_at_most_100": True, "lift_is_symmetric": True}
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert (event.materialization.partition, metadata["pairs"].value) == ("2026-03-29", 6)
    assert event.materialization.metadata["max_lift"].value == pytest.approx(1.2)
    with duckdb.connect(str(warehouse)) as db:
        assert rows(db, "SELECT count(*) AS n FROM gold.product_affinity WHERE as_of_date = ?", [AS_OF]) == [
            {"n": 6}]
        # the checks catch a broken table
        db.execute("UPDATE gold.product_affinity SET lift = 1.3, confidence = 101 "
                   "WHERE antecedent = 'A' AND consequent = 'B'")
        claims = {c.name: c for c in product_affinity.asset_checks}
        assert not evaluate(db, claims["lift_is_symmetric"]).passed
        assert not evaluate(db, claims["confidence_is_at_most_100"]).passed


def test_the_90_days_come_through_the_partition_mapping():
    """The week of 2026-03-29 asks silver for 98 days, 2025-12-28 .. 2026-04-04 ⊇ its 90 days."""
    asked = product_affinity.NINETY_DAYS_BACK.get_upstream_mapped_partitions_result_for_partitions(
        WEEKLY.subset_with_partition_keys(["2026-03-29"]), WEEKLY, DAILY
    ).partitions_subset.get_partition_keys()
    assert (min(asked), max(asked), len(asked)) == ("2025-12-28", "2026-04-04", 98)
    assert min(asked) <= (AS_OF - timedelta(days=89)).isoformat()
