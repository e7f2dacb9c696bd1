"""End to end: generated raw drops → Dagster runs → every gold table, checked against the spec.

One small shop (with injected faults) is generated, then materialized as a user would: the daily
range in one run, the ``cadence=full`` dimensions, the weekly partition of 2025-01-05..11. Every
metric is then recomputed independently from the raw files by ``reference.py`` and compared per
day: money to the cent, ratios within 1e-9, NULL when the denominator is 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from ecom_assets.definitions import defs
from ecom_assets.generate import generate
from ecom_assets.partitions import DAILY
from ecom_assets_tests import reference as ref
from ecom_assets_tests import reference_beyond as beyond
from ecom_assets_tests import reference_seeds as seeds
from ecom_assets_tests.helpers import materialize_range, resources_for

START, DAYS, SESSIONS_PER_DAY, SEED = date(2025, 1, 1), 12, 300, 11
WEEK, WEEK_END = "2025-01-05", date(2025, 1, 11)
MONTH = date(2025, 1, 1)  # its first 12 days
LAST = START + timedelta(days=DAYS - 1)
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """Generate, materialize; returns the generator result, the run results and the warehouse."""
    assert DAILY.get_first_partition_key() == START.isoformat(), "run with ECOM_START_DATE=2025-01-01"
    root = tmp_path_factory.mktemp("end_to_end")
    generated = generate(root / "raw", START, days=DAYS, sessions_per_day=SESSIONS_PER_DAY, seed=SEED,
                         faults=True, progress=False)
    warehouse = root / "warehouse.duckdb"
    resources = resources_for(root / "raw", warehouse)
    everything = [*defs.assets, *defs.asset_checks]
    instance = dg.DagsterInstance.ephemeral()

    def run(cadence: str, **kwargs) -> dg.ExecuteInProcessResult:
        return dg.materialize(everything, resources=resources, instance=instance, raise_on_error=False,
                              selection=dg.AssetSelection.tag("cadence", cadence), **kwargs)

    daily = materialize_range(everything, START.isoformat(), LAST.isoformat(), resources, instance=instance,
                              selection=dg.AssetSelection.tag("cadence", "daily"), raise_on_error=False)
    runs = {"daily": daily, "full": run("full"), "weekly": run("weekly", partition_key=WEEK),
            "monthly": run("monthly", partition_key=MONTH.isoformat())}
    return generated, runs, warehouse


@pytest.fixture(scope="module")
def expected(shop):
    generated, _, _ = shop
    return ref.load(generated.out_dir)


@pytest.fixture(scope="module")
def conn(shop):
    with duckdb.connect(str(shop[2]), read_only=True) as c:
        yield c


def fetch(conn, sql: str, keys: int) -> dict[tuple, dict]:
    """Rows of ``sql`` keyed by their first ``keys`` columns."""
    cur = conn.execute(sql)
    names = [d[0] for d in cur.description]
    return {tuple(r[:keys]): dict(zip(names[keys:], r[keys:])) for r in cur.fetchall()}


def same(want, got) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, Decimal):  # money: exact in the reference, compared to the cent
        return Decimal(str(got)).quantize(CENT) == want.quantize(CENT)
    if isinstance(want, float):  # ratios
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    return want == got


def differences(want: dict[tuple, dict], got: dict[tuple, dict], columns=None) -> list[str]:
    """Every missing or extra row and every cell that differs, as readable lines."""
    out = [f"missing row {k}" for k in want.keys() - got.keys()]
    out += [f"unexpected row {k}: {got[k]}" for k in got.keys() - want.keys()]
    for k in sorted(want.keys() & got.keys(), key=str):
        for col in columns or want[k]:
            if not same(want[k][col], got[k][col]):
                out.append(f"{k} {col}: expected {want[k][col]!r}, got {got[k][col]!r}")
    return out


def gold(conn, table: str, keys: list[str], columns) -> dict[tuple, dict]:
    return fetch(conn, f"SELECT {', '.join(keys + list(columns))} FROM gold.{table}", len(keys))


def test_every_run_succeeds_and_every_check_passes(shop):
    _, runs, _ = shop
    assert {name: r.success for name, r in runs.items()} == dict.fromkeys(runs, True)
    evaluations = [e for r in runs.values() for e in r.get_asset_check_evaluations()]
    assert len(evaluations) > 50
    assert [(e.asset_key.to_user_string(), e.check_name) for e in evaluations if not e.passed] == []
    materialized = {e.materialization.asset_key for e in runs["daily"].get_asset_materialization_events()}
    daily = dg.AssetSelection.tag("cadence", "daily").resolve(defs.resolve_asset_graph())
    assert daily and materialized == daily


def counts(conn, layer: str, tables: list[str]) -> dict[tuple[str, date], int]:
    """Rows per (table, drop date) of ``layer.<table>``."""
    per_table = "SELECT '{t}', _drop_date, count(*) FROM {layer}.{t} GROUP BY ALL"
    sql = " UNION ALL ".join(per_table.format(t=t, layer=layer) for t in tables)
    return {(t, d): n for t, d, n in conn.execute(sql).fetchall()}


def test_rows_are_conserved_and_every_fault_is_quarantined(shop, expected, conn):
    generated, _, _ = shop
    tables = sorted(ref.CONTRACT)
    bronze, silver = counts(conn, "bronze", tables), counts(conn, "silver", tables)
    quarantine = {(t, d): n for t, d, n in conn.execute(
        "SELECT source_table, _drop_date, count(*) FROM silver.quarantine GROUP BY ALL"
    ).fetchall()}
    # bronze = silver + quarantine, for every table and day
    assert bronze == {k: silver.get(k, 0) + quarantine.get(k, 0) for k in bronze.keys() | quarantine.keys()}
    # ...and each count is the reference's reading of the raw files
    assert bronze == {k: n for k, n in expected.bronze_rows.items() if n}
    clean = {(t, d): n for t, df in expected.tables.items()
             for d, n in df.groupby("_drop_date").size().items()}
    assert silver == clean
    quarantined = set(conn.execute(
        "SELECT source_table, _drop_date, _row_number, reason FROM silver.quarantine"
    ).fetchall())
    assert quarantined == expected.quarantined  # exactly the rows the contract rejects, for its reason
    injected = {(f.table, date.fromisoformat(f.drop_date), f.line, f.reason) for f in generated.faults}
    assert len(injected) > 8 * DAYS and injected <= quarantined  # every injected fault, with its reason


def test_daily_business_metrics(expected, conn):
    want = ref.daily_business_metrics(expected)
    assert len(want) == DAYS and sum(m["total_orders"] for m in want.values()) > 50
    assert differences(want, gold(conn, "daily_business_metrics", ["date"], want[(START,)])) == []


def test_daily_revenue(expected, conn):
    want = ref.daily_revenue(expected)
    assert differences(want, gold(conn, "daily_revenue", ["date"], want[(START,)])) == []


def test_daily_funnel_summary(expected, conn):
    want = ref.daily_funnel_summary(expected)
    assert all(m["cart_sessions"] > m["order_sessions"] > 0 for m in want.values())
    assert differences(want, gold(conn, "daily_funnel_summary", ["date"], want[(START,)])) == []


def test_daily_channel_performance(expected, conn):
    want = ref.daily_channel_performance(expected)
    assert {c for _, c in want} == {"Paid Social", "Paid Search", "Email", "Affiliates", "Organic Social",
                                    "Organic Search", "Referral", "Direct"}
    columns = next(iter(want.values()))
    assert differences(want, gold(conn, "daily_channel_performance", ["date", "channel"], columns)) == []


def test_payment_method_performance(expected, conn):
    want = ref.payment_method_performance(expected)
    assert any(m["cancelled_orders"] for m in want.values())
    columns = next(iter(want.values()))
    got = gold(conn, "payment_method_performance", ["date", "payment_method"], columns)
    assert differences(want, got) == []


def test_sales_summary(expected, conn):
    want = ref.sales_summary(expected)
    assert any(m["units_returned"] for m in want.values())
    assert differences(want, gold(conn, "sales_summary", ["date"], want[(START,)])) == []


def test_product_performance_daily(expected, conn):
    want = ref.product_performance_daily(expected)
    assert sum(m["times_purchased"] for m in want.values()) > 50
    columns = next(iter(want.values()))
    got = gold(conn, "product_performance_daily", ["date", "product_name"], columns)
    assert differences(want, got) == []


def test_regional_sales(expected, conn):
    want = ref.regional_sales(expected)
    got = gold(conn, "regional_sales", ["date", "country", "region"], ["orders", "revenue", "customers",
                                                                       "avg_order_value"])

    def totals(rows):
        days = {}
        for (d, *_), m in rows.items():
            t = days.setdefault((d,), {"orders": 0, "revenue": Decimal(0)})
            t["orders"] += m["orders"]
            t["revenue"] += Decimal(str(m["revenue"]))
        return days

    business = ref.daily_business_metrics(expected)
    assert totals(want) == {k: {"orders": m["total_orders"], "revenue": m["total_revenue"]}
                            for k, m in business.items() if m["total_orders"]}
    assert differences(totals(want), totals(got)) == []
    assert differences(want, got) == []


def test_user_lifetime_metrics_of_the_week(expected, conn):
    want = ref.user_lifetime_metrics(expected, WEEK_END)
    assert len(want) > 50 and {m["rfm_frequency_score"] for m in want.values()} >= {1, 2}
    columns = next(iter(want.values()))
    got = fetch(conn, f"SELECT as_of_date, user_id, {', '.join(columns)} FROM gold.user_lifetime_metrics "
                      f"WHERE as_of_date = '{WEEK_END}'", 2)
    assert differences(want, got) == []


# -- beyond the seeds: attribution, affinity, the CLV inputs (reference_beyond.py) ----------------
def test_channel_attribution(expected, conn):
    want = beyond.channel_attribution(expected)
    assert {m for _, m, _, _ in want} == set(beyond.MODELS) and len(want) > 100
    assert any(len(p) >= 3 for _, _, p in beyond.paths(expected))  # multi-session paths occur
    got = gold(conn, "channel_attribution", ["date", "model", "channel", "utm_campaign"],
               ["conversions", "revenue"])
    assert differences(want, got) == []


def test_attribution_roas(expected, conn):
    want = beyond.attribution_roas(expected)
    assert any(m["spend"] and m["conversions"] for m in want.values())
    columns = ["spend", "conversions", "attributed_revenue", "roas", "cpa"]
    keys = ["date", "model", "utm_source", "utm_medium", "utm_campaign"]
    got = gold(conn, "attribution_roas", keys, columns)
    assert differences(want, got) == []


def test_product_affinity_of_the_week(expected, conn):
    want = beyond.product_affinity(expected, WEEK_END)
    assert len(want) >= 2
    columns = next(iter(want.values()))
    got = fetch(conn, f"SELECT as_of_date, antecedent, consequent, {', '.join(columns)} "
                      f"FROM gold.product_affinity WHERE as_of_date = '{WEEK_END}'", 3)
    assert differences(want, got) == []


def test_customer_clv_inputs_of_the_week(expected, conn):
    want = beyond.clv_summary(expected, WEEK_END)
    assert any(m["frequency"] for m in want.values())
    columns = next(iter(want.values()))
    got = fetch(conn, f"SELECT as_of_date, user_id, {', '.join(columns)} FROM gold.customer_clv_predictions "
                      f"WHERE as_of_date = '{WEEK_END}'", 2)
    assert differences(want, got) == []
    # every customer has a prediction, and the prediction is its product
    assert conn.execute(
        "SELECT count(*) FILTER (WHERE predicted_clv_90d IS NULL "
        "OR abs(predicted_clv_90d - expected_purchases_90d * expected_avg_order_value) > 1e-9) "
        f"FROM gold.customer_clv_predictions WHERE as_of_date = '{WEEK_END}'").fetchall() == [(0,)]
# --- the seed documents' remaining tables ----------------------------------------------------------
def columns_of(want: dict[tuple, dict]) -> list[str]:
    return list(next(iter(want.values())))


def test_sales_performance_metrics(expected, conn):
    want = seeds.sales_performance_metrics(expected)
    assert len({c for _, c in want} - {None}) == 8  # (None: orders without a session of their day)
    got = gold(conn, "sales_performance_metrics", ["date", "channel"], columns_of(want))
    assert differences(want, got) == []


def test_storefront_performance(expected, conn):
    want = seeds.storefront_performance(expected)
    assert {d for _, d in want} >= {"www.lumenmart.shop", "m.lumenmart.shop", "lumenmart.de"}
    got = gold(conn, "storefront_performance", ["date", "domain"], columns_of(want))
    assert differences(want, got) == []


def test_weather_sales_daily_and_weather_impact(expected, conn):
    want = seeds.weather_sales_daily(expected)
    assert len(want) > 10 * DAYS and sum(m["revenue"] for m in want.values()) > 0
    got = gold(conn, "weather_sales_daily", ["date", "country", "region"], columns_of(want))
    assert differences(want, got) == []
    impact = seeds.weather_impact(expected, MONTH)
    assert any(m["revenue_temperature_corr"] is not None for m in impact.values())
    got = gold(conn, "weather_impact", ["month", "country", "region"], columns_of(impact))
    assert differences(impact, got) == []


def test_subscription_performance(expected, conn):
    want = seeds.subscription_performance(expected)
    assert sum(m["cancelled_subscriptions"] for m in want.values()) > 0
    assert sum(m["new_subscriptions"] for m in want.values()) > 0
    got = gold(conn, "subscription_performance", ["date", "plan"], columns_of(want))
    assert differences(want, got) == []


def test_customer_product_interactions(expected, conn):
    want = seeds.customer_product_interactions(expected)
    segments = {m["top_customer_segment"] for m in want.values()}
    assert {"New", "Low Value"} <= segments and any(m["inventory_turnover"] for m in want.values())
    got = gold(conn, "customer_product_interactions", ["date", "product_id"], columns_of(want))
    assert differences(want, got) == []


def test_campaign_customer_segments(expected, conn):
    want = seeds.campaign_customer_segments(expected)
    assert {k[4] for k in want} >= {"New", "Low Value"}
    keys = ["date", "utm_source", "utm_medium", "utm_campaign", "customer_segment"]
    assert differences(want, gold(conn, "campaign_customer_segments", keys, columns_of(want))) == []


def test_customer_segmentation_of_the_week(expected, conn):
    lifetime = ref.user_lifetime_metrics(expected, WEEK_END)
    categories = seeds.purchase_diversity(expected, WEEK_END)
    want = {(as_of, user): {
        "value_segment": m["value_segment"], "activity_status": m["activity_status"],
        "distinct_categories": categories.get(user, 0),
        "purchase_diversity": seeds.diversity_label(categories.get(user, 0)),
        "total_spend": m["total_revenue"], "total_transactions": m["total_orders"],
        "last_purchase_date": m["last_order_date"], "days_since_last_purchase": m["days_since_last_order"],
    } for (as_of, user), m in lifetime.items()}
    assert {m["purchase_diversity"] for m in want.values()} >= {"Single Category", "Few Categories"}
    got = fetch(conn, f"SELECT as_of_date, customer_id, {', '.join(columns_of(want))} "
                      f"FROM gold.customer_segmentation WHERE as_of_date = '{WEEK_END}'", 2)
    assert differences(want, got) == []


def test_raw_validation_of_the_month(conn):
    got = conn.execute("SELECT count(*), count(*) FILTER (WHERE matches) FROM gold.raw_validation").fetchone()
    assert got == (DAYS, DAYS)  # every loaded day of January: gold = the recomputation from bronze


def test_product_revenue_payment_analysis_of_the_month(expected, conn):
    want = seeds.product_revenue_payment_analysis(expected, MONTH)
    assert len({k[2] for k in want}) == 5  # every payment method
    keys = ["month", "category", "payment_method"]
    got = gold(conn, "product_revenue_payment_analysis", keys, columns_of(want))
    assert differences(want, got) == []


def test_pricing_insights_of_the_first_month(expected, conn):
    want = seeds.pricing_insights(expected, MONTH)
    assert {m["pricing_action"] for m in want.values()} >= {"hold"}
    got = gold(conn, "pricing_insights", ["month", "product_id"], columns_of(want))
    assert differences(want, got) == []


def test_every_asset_declares_exactly_the_columns_the_warehouse_has(conn):
    """The definition-time column schema (from the data dictionary) names every column of every table,
    in the warehouse's order and with its DuckDB type, with a description each; nothing more."""
    found = defaultdict(list)
    for schema, table, column, type_ in conn.execute(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema IN ('bronze', 'silver', 'gold') "
        "ORDER BY table_schema, table_name, ordinal_position"
    ).fetchall():
        found[f"{schema}.{table}"].append((column, type_))
    declared = {}
    for asset in defs.assets:
        for spec in asset.specs:
            columns = spec.metadata["dagster/column_schema"].columns
            declared[".".join(spec.key.path)] = [(c.name, c.type) for c in columns]
            assert all(c.description and c.description.strip() for c in columns), spec.key
    assert len(declared) > 60 and sorted(declared) == sorted(found)  # every table is an asset and vice versa
    differences = {t: {"declared only": [c for c in declared[t] if c not in found[t]],
                       "warehouse only": [c for c in found[t] if c not in declared[t]]}
                   for t in declared if declared[t] != found[t]}
    assert differences == {}
