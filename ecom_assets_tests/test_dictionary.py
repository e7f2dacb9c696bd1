"""The data dictionary: every asset carries it at definition time, and it says what each number is.

That the declared columns and types are exactly the warehouse's is proven on a real run in
``test_end_to_end.py`` (``test_every_asset_declares_exactly_the_columns_the_warehouse_has``).
"""

import dagster as dg
import pytest

from ecom_assets import dictionary
from ecom_assets.definitions import defs
from ecom_assets.dictionary.model import MONEY, PCT, Column, typed_table
from ecom_assets.silver.contract import silver_columns

SPECS = {spec.key: spec for asset in defs.assets for spec in asset.specs}


def test_every_asset_has_its_columns_and_grain_in_its_definition():
    assert len(SPECS) == len(dictionary.tables()) > 60
    for key, spec in SPECS.items():
        layer, name = key.path
        doc = dictionary.table_doc(layer, name)
        schema = spec.metadata["dagster/column_schema"]
        assert schema == dictionary.column_schema(layer, name), key
        assert [c.name for c in schema.columns] == list(doc.columns), key
        assert all(c.type and c.description for c in schema.columns), key
        assert spec.description.startswith(f"**Grain:** {doc.grain[0].upper()}{doc.grain[1:]}."), key
        assert len(spec.description) > len(doc.grain) + 40, key  # a summary follows the grain


def test_every_dictionary_table_is_an_asset():
    described = {dg.AssetKey([t.layer, t.name]) for t in dictionary.tables()}
    assert described == set(SPECS)


def test_silver_types_are_the_silver_contract():
    contract = silver_columns()
    for table in (t for t in dictionary.tables() if t.layer == "silver"):
        assert [(c, col.type) for c, col in table.columns.items()] == contract[table.name], table.name


def test_bronze_keeps_contract_columns_as_text_and_types_its_lineage():
    sessions = dictionary.table_doc("bronze", "sessions").columns
    assert sessions["ip"].type == "VARCHAR" and sessions["time"].type == "VARCHAR"
    assert {c: sessions[c].type for c in ("_drop_date", "_row_number", "_ingested_at")} == {
        "_drop_date": "DATE", "_row_number": "BIGINT", "_ingested_at": "TIMESTAMP"
    }
    assert "ip" not in dictionary.table_doc("silver", "sessions").columns  # only its prefix reaches silver


def test_a_contract_column_without_a_description_fails_naming_it():
    with pytest.raises(ValueError, match=r"silver\.t: undescribed columns \['b'\], unknown columns \['c'\]"):
        typed_table("silver", "t", "one row", {"a": Column("A."), "c": Column("C.")},
                    [("a", "DATE"), ("b", "BIGINT")])


def test_unknown_table_is_a_clear_error():
    with pytest.raises(KeyError, match="no table gold.nope"):
        dictionary.describe("gold", "nope")
    with pytest.raises(KeyError, match="no table gold.nope"):
        dictionary.documented([dg.AssetSpec(["gold", "nope"])])


def _gold_columns(name: str) -> list[tuple[str, Column]]:
    return [(t.name, t.columns[name]) for t in dictionary.tables() if t.layer == "gold" and name in t.columns]


def test_the_two_revenues_say_which_they_are():
    kinds = {table: "order" if "SUM(total_price)" in col.description
             else "line-item" if "SUM(product_price × product_qty)" in col.description else "unsaid"
             for table, col in _gold_columns("total_revenue")}
    assert kinds == {
        "daily_business_metrics": "order",
        "coupon_performance": "order",
        "sales_performance_metrics": "order",
        "user_lifetime_metrics": "order",
        "product_performance_daily": "line-item",
        "customer_product_interactions": "line-item",
    }
    assert "items − discount + shipping" in dictionary.table_doc("gold", "daily_business_metrics").columns[
        "total_revenue"].description


def test_the_conversion_rates_say_which_they_are():
    kinds = {}
    for table, col in _gold_columns("conversion_rate"):
        text = col.description
        kinds[table] = ("orders/sessions" if "orders per 100 sessions" in text
                        else "converted/sessions" if "share of sessions that converted" in text
                        else "purchases/views" if "Product page conversion" in text else "unsaid")
    assert kinds == {
        "daily_business_metrics": "orders/sessions",
        "sales_performance_metrics": "orders/sessions",
        "daily_channel_performance": "converted/sessions",
        "campaign_customer_segments": "converted/sessions",
        "storefront_performance": "converted/sessions",
        "customer_product_interactions": "purchases/views",
    }


def test_units_match_types_and_ratios_say_when_they_are_null():
    for table in dictionary.tables():
        for name, col in table.columns.items():
            if col.unit == PCT and table.layer != "bronze":  # scroll_percent is a whole number
                assert col.type in ("DOUBLE", "BIGINT") if table.layer == "silver" else col.type == "DOUBLE"
            if col.unit == MONEY and table.layer != "bronze":
                assert col.type in ("DECIMAL(18,4)", "DOUBLE"), (table.key, name)
    rates = [(t.key, n, c) for t in dictionary.tables() if t.layer == "gold"
             for n, c in t.columns.items() if c.unit == PCT and " / " in c.description]
    assert len(rates) > 30
    # a ratio's description says what happens on a zero denominator, unless that cannot happen
    never_zero = {
        ("gold.cohort_analysis", "retention_rate"),
        ("gold.product_affinity", "support"),
        ("gold.product_affinity", "confidence"),
        ("gold.payment_method_performance", "cancellation_rate"),
        ("gold.campaign_customer_segments", "conversion_rate"),
        ("gold.daily_channel_performance", "conversion_rate"),
        ("gold.product_revenue_payment_analysis", "revenue_share_pct"),
        ("gold.weather_impact", "rainy_day_revenue_index"),
        ("gold.pricing_insights", "margin_pct"),
        ("gold.pricing_insights", "discount_depth_pct"),
        ("gold.pricing_insights", "price_change_pct"),
        ("gold.user_lifetime_metrics", "return_rate"),
    }
    silent = [(k, n) for k, n, c in rates if "NULL" not in c.description and (k, n) not in never_zero]
    assert silent == []


def test_exact_definitions_are_stated_where_a_reader_needs_them():
    gold = {t.name: t for t in dictionary.tables() if t.layer == "gold"}
    metrics = gold["daily_business_metrics"]
    assert "drop of the day + 3" in metrics.columns["is_provisional"].description
    assert "not `cancelled`" in metrics.summary
    rfm = gold["user_lifetime_metrics"].columns
    assert "≤ 30 → 5, ≤ 90 → 4, ≤ 180 → 3, ≤ 365 → 2, else 1" in rfm["rfm_recency_score"].description
    assert "R ≥ 4 and F ≥ 4 and M ≥ 4 → Champion" in rfm["rfm_segment"].description
    assert "High Value ≥ 1000, Medium Value ≥ 200" in rfm["value_segment"].description
    channel = dictionary.table_doc("silver", "sessions").columns["channel"].description
    assert "(2) utm_medium cpc, ppc or paidsearch → Paid Search" in channel and "(9) else Direct" in channel
    assert "D … D+3" in dictionary.describe("silver", "orders")
    assert "superseded" in dictionary.describe("silver", "orders")
