"""End to end: generated raw drops → Dagster runs → every gold table, checked against the spec.

One small shop (with injected faults) is generated, then materialized as a user would: the daily
range in one run, the ``cadence=full`` dimensions, the weekly partition of 2025-01-05..11 and the
monthly partition of January. Every gold table then has exactly the columns of the tests' own
contract (``gold_contract.py``), and every one of its cells is recomputed independently from the raw
files (``reference_gold.py``) and compared row by row: the same rows, money to the cent, ratios
within 1e-9, NULL exactly where the reference has NULL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import dagster as dg
import duckdb
import pytest

from ecom_assets.definitions import defs
from ecom_assets.generate import generate
from ecom_assets.partitions import DAILY
from ecom_assets_tests import reference as ref
from ecom_assets_tests import reference_beyond as beyond
from ecom_assets_tests import reference_clv as clv
from ecom_assets_tests.gold_contract import COLUMNS, GRAIN, measures
from ecom_assets_tests.helpers import materialize_range, resources_for
from ecom_assets_tests.reference_gold import references

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
def clv_fit(shop) -> dict[str, object]:
    """The metadata of the week's customer_clv_predictions: the fitted parameters and diagnostics."""
    _, runs, _ = shop
    (event,) = [e for e in runs["weekly"].get_asset_materialization_events()
                if e.materialization.asset_key == dg.AssetKey(["gold", "customer_clv_predictions"])]
    return {k: v.value for k, v in event.materialization.metadata.items()}


@pytest.fixture(scope="module")
def reference(expected, clv_fit):
    """Each gold table's reference rows by table name, computed once."""
    tables = references(expected, WEEK_END, MONTH, [clv_fit[f"bgnbd_{k}"] for k in clv.BGNBD],
                        [clv_fit[f"gamma_gamma_{k}"] for k in clv.GAMMA_GAMMA])
    return cache(lambda table: tables[table]())


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


# --- every gold table: the contract and the reference -------------------------------------------------
def test_every_gold_asset_has_a_contract_and_a_reference(conn):
    assets = {k.path[1] for k in defs.resolve_asset_graph().get_all_asset_keys() if k.path[0] == "gold"}
    tables = {t for (t,) in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'gold'").fetchall()}
    assert len(assets) == 35 and tables == assets
    assert set(COLUMNS) == assets
    assert set(references(None, WEEK_END, MONTH, (), ())) == assets


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_gold_columns_are_exactly_the_contract_and_the_grain_is_unique(conn, table):
    described = [(name, kind) for name, kind, *_ in conn.execute(f"DESCRIBE gold.{table}").fetchall()]
    assert described == COLUMNS[table]  # names, types and order
    grain = ", ".join(GRAIN[table])
    rows, distinct = conn.execute(
        f"SELECT (SELECT count(*) FROM gold.{table}), (SELECT count(*) FROM (SELECT DISTINCT {grain} "
        f"FROM gold.{table}))").fetchone()
    assert rows == distinct > 0


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_gold_table_equals_the_reference(conn, reference, table):
    want = reference(table)
    assert want, f"the reference has no row of gold.{table}: nothing would be compared"
    assert sorted(columns_of(want)) == sorted(measures(table))  # the reference covers every column
    assert differences(want, gold(conn, table, list(GRAIN[table]), measures(table))) == []


def columns_of(want: dict[tuple, dict]) -> list[str]:
    return list(next(iter(want.values())))


# --- the shop exercises what the comparisons are meant to catch ------------------------------------
def test_daily_business_metrics_have_orders_every_day(reference):
    want = reference("daily_business_metrics")
    assert len(want) == DAYS and sum(m["total_orders"] for m in want.values()) > 50
    assert all(m["total_orders"] for m in want.values())


def test_funnels_have_carts_abandoned_and_converted(reference):
    summary = reference("daily_funnel_summary").values()
    assert all(m["cart_sessions"] > m["order_sessions"] > 0 for m in summary)
    sessions = reference("session_funnel").values()
    assert any(s["had_add_to_cart"] and not s["had_order"] for s in sessions)
    assert sum(s["time_to_order_minutes"] is not None for s in sessions) > 50
    assert sum(s["order_id"] is not None for s in reference("session_attribution").values()) > 50


def test_every_channel_occurs(reference):
    assert {c for _, c in reference("daily_channel_performance")} == {
        "Paid Social", "Paid Search", "Email", "Affiliates", "Organic Social", "Organic Search", "Referral",
        "Direct"}
    assert len({c for _, c in reference("sales_performance_metrics")} - {None}) == 8  # None: no session


def test_orders_are_cancelled_discounted_and_returned(reference):
    assert any(m["cancelled_orders"] for m in reference("payment_method_performance").values())
    assert any(m["units_returned"] for m in reference("sales_summary").values())
    assert sum(m["times_purchased"] for m in reference("product_performance_daily").values()) > 50
    assert sum(m["usage_count"] for m in reference("coupon_performance").values()) > 10


def test_orders_for_review_fire_several_rules(reference):
    rules = {r for m in reference("orders_for_review").values() for r in m["rules"].split(",")}
    assert len(rules) >= 2, rules


def test_regional_sales_add_up_to_the_days_revenue(reference, conn):
    want = reference("regional_sales")

    def totals(rows):
        days = {}
        for (d, *_), m in rows.items():
            t = days.setdefault((d,), {"orders": 0, "revenue": Decimal(0)})
            t["orders"] += m["orders"]
            t["revenue"] += Decimal(str(m["revenue"]))
        return days

    business = reference("daily_business_metrics")
    assert totals(want) == {k: {"orders": m["total_orders"], "revenue": m["total_revenue"]}
                            for k, m in business.items() if m["total_orders"]}


def test_pages_bounce_and_scroll(reference):
    pages = reference("page_engagement_metrics").values()
    assert any(m["entrances"] > m["bounces"] > 0 for m in pages)
    assert any(m["avg_scroll_depth"] is None for m in pages) and any(m["avg_scroll_depth"] for m in pages)


def test_campaigns_with_and_without_spend(reference):
    campaigns = reference("campaign_effectiveness").values()
    assert any(m["spend"] and m["sessions"] for m in campaigns)
    assert any(m["spend"] and not m["sessions"] for m in campaigns)
    assert any(not m["spend"] and m["sessions"] for m in campaigns)


def test_user_lifetime_metrics_of_the_week(reference):
    want = reference("user_lifetime_metrics")
    assert len(want) > 50 and {m["rfm_frequency_score"] for m in want.values()} >= {1, 2}
    assert {m["purchase_diversity"] for m in reference("customer_segmentation").values()} >= {
        "Single Category", "Few Categories"}


# -- beyond the seeds: attribution, affinity, CLV (reference_beyond.py, reference_clv.py) ------------
def test_attribution_has_every_model_and_multi_session_paths(expected, reference):
    want = reference("channel_attribution")
    assert {m for _, m, _, _ in want} == set(beyond.MODELS) and len(want) > 100
    assert any(len(p) >= 3 for _, _, p in beyond.paths(expected))  # multi-session paths occur
    assert any(m["spend"] and m["conversions"] for m in reference("attribution_roas").values())


def test_product_affinity_of_the_week(reference):
    assert len(reference("product_affinity")) >= 2


def test_customer_clv_fits_are_the_maximum_of_the_likelihood(expected, clv_fit):
    """The week's fits are plain maximum likelihood: nothing the reference's own fit of the models as
    written in ``reference_clv`` finds is more likely (beyond 0.01 in log-likelihood: on this shop's
    flat likelihood two optimizers stop at slightly different points), and the log-likelihood the run
    reports is the reference's at the reported parameters."""
    customers = list(beyond.clv_summary(expected, WEEK_END).values())
    assert sum(c["frequency"] > 0 for c in customers) >= 3  # repeat customers for Gamma-Gamma
    for model, names, total in (("bgnbd", clv.BGNBD, clv.bgnbd_total(customers)),
                                ("gamma_gamma", clv.GAMMA_GAMMA, clv.gamma_gamma_total(customers))):
        params = [clv_fit[f"{model}_{k}"] for k in names]
        assert (clv_fit[f"{model}_converged"], clv_fit[f"{model}_penalizer"]) == (True, 0.0)
        assert math.isclose(clv_fit[f"{model}_log_likelihood"], total(params), rel_tol=1e-9)
        generic = (1.0, 10.0, 1.0, 1.0) if model == "bgnbd" else (1.0, 2.0, 100.0)
        assert total(params) >= clv.best_log_likelihood(total, [params, generic]) - 0.01


# --- the seed documents' remaining tables ----------------------------------------------------------
def test_storefronts_and_weather(reference):
    assert {d for _, d in reference("storefront_performance")} >= {
        "www.lumenmart.shop", "m.lumenmart.shop", "lumenmart.de"}
    weather = reference("weather_sales_daily")
    assert len(weather) > 10 * DAYS and sum(m["revenue"] for m in weather.values()) > 0
    assert any(m["revenue_temperature_corr"] is not None for m in reference("weather_impact").values())


def test_subscriptions_start_and_cancel(reference):
    want = reference("subscription_performance").values()
    assert sum(m["cancelled_subscriptions"] for m in want) > 0
    assert sum(m["new_subscriptions"] for m in want) > 0


def test_customer_segments_of_buyers(reference):
    segments = {m["top_customer_segment"] for m in reference("customer_product_interactions").values()}
    assert {"New", "Low Value"} <= segments
    assert any(m["inventory_turnover"] for m in reference("customer_product_interactions").values())
    assert {k[4] for k in reference("campaign_customer_segments")} >= {"New", "Low Value"}


def test_monthly_products_and_pricing(reference):
    assert len({k[2] for k in reference("product_revenue_payment_analysis")}) == 5  # every payment method
    assert {m["pricing_action"] for m in reference("pricing_insights").values()} >= {"hold"}
    assert len({m["recommendation"] for m in reference("product_performance").values()}) >= 2
    assert all(m["matches"] for m in reference("raw_validation").values())


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
