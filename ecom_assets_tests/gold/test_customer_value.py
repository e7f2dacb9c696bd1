"""gold.customer_clv_predictions: the customer summary by hand, predictions from the fits, the weekly
run through Dagster on a simulated shop, and a hard fit that warns instead of failing."""

import itertools
from datetime import date, timedelta

import dagster as dg
import duckdb
import numpy as np
import pyarrow as pa
import pytest

from ecom_assets.gold import clv
from ecom_assets.gold.customer import customer_clv_predictions
from ecom_assets.gold.customer.customer_clv_predictions import (
    WeekFit,
    customer_summary,
    fit_week,
    predictions,
)
from ecom_assets_tests.gold.test_clv import simulate_gamma_gamma
from ecom_assets_tests.helpers import materialize_range, resources_for, rows, silver_db

WEEK = (date(2026, 3, 29), date(2026, 4, 5))  # Sunday .. the next Sunday
AS_OF = date(2026, 4, 4)


_IDS = itertools.count()


def _order(user, days_before, price, status="completed"):
    n = next(_IDS)
    return {"date": AS_OF - timedelta(days=days_before), "event_id": f"e{n}", "order_id": f"o{n}",
            "user_id": user, "total_price": price, "order_status": status}


HAND = {"orders": [
    _order("u1", 20, "50.00"), _order("u1", 20, "30.00"),  # first day: 80.00 (not a repeat purchase)
    _order("u1", 10, "40.00"), _order("u1", 2, "60.00"), _order("u1", 2, "99.00", "cancelled"),
    _order("u2", 5, "25.00"),  # a one-time buyer
    _order("u3", 30, "10.00"), _order("u3", -1, "70.00"),  # its second order is after as_of
    _order("u4", 3, "15.00", "cancelled"),  # only cancelled orders: not a customer
    _order(None, 3, "15.00"),  # no user
]}


def test_customer_summary_by_hand():
    got = {r["user_id"]: r for r in customer_summary(silver_db(HAND), WEEK).to_pylist()}
    pick = ("as_of_date", "frequency", "recency", "t_days", "monetary")
    assert {u: tuple(r[c] for c in pick) for u, r in got.items()} == {
        # days 20, 10, 2 before as_of: 3 days - 1 = 2 repeats; recency 20 - 2 = 18; T = 20;
        # monetary = mean(40.00, 60.00) = 50 (the cancelled 99.00 and the first day are out)
        "u1": (AS_OF, 2, 18, 20, 50.0),
        "u2": (AS_OF, 0, 0, 5, None),
        "u3": (AS_OF, 0, 0, 30, None),
    }


def test_predictions_from_the_fits():
    bgnbd = clv.Fit({"r": 1.0, "alpha": 10.0, "a": 2.0, "b": 3.0}, -1.0, True, "", 0.0, 3)
    gamma_gamma = clv.Fit({"p": 2.0, "q": 3.0, "v": 10.0}, -1.0, True, "", 0.0, 1)
    got = {r["user_id"]: r for r in predictions(customer_summary(silver_db(HAND), WEEK),
                                                 WeekFit(bgnbd, gamma_gamma, (), 3)).to_pylist()}
    # u1: odds of having dropped out = a / (b + x - 1) × ((alpha + T) / (alpha + t_x))^(r + x)
    #     = 2 / 4 × (30 / 28)^3 = 0.614977…; p_alive = 1 / 1.614977… = 0.619204…
    assert got["u1"]["p_alive"] == pytest.approx(1 / (1 + 0.5 * (30 / 28) ** 3), rel=1e-12)
    # E[value] = p (v + x m) / (p x + q - 1) = 2 × (10 + 2 × 50) / (4 + 3 - 1) = 220 / 6
    assert got["u1"]["expected_avg_order_value"] == pytest.approx(220 / 6, rel=1e-12)
    # one-time buyers: alive for sure, the population mean value p v / (q - 1) = 2 × 10 / 2 = 10
    assert (got["u2"]["p_alive"], got["u2"]["expected_avg_order_value"]) == (1.0, pytest.approx(10.0))
    for user, r in got.items():
        want = clv.expected_purchases(bgnbd.params, 90, [r["frequency"]], [r["recency"]], [r["t_days"]])[0]
        assert r["expected_purchases_90d"] == pytest.approx(want, rel=1e-12), user
        assert r["predicted_clv_90d"] == pytest.approx(want * r["expected_avg_order_value"], rel=1e-12)
    # a model that could not be fitted leaves its columns NULL, not 0
    none = predictions(customer_summary(silver_db(HAND), WEEK), WeekFit(bgnbd, None, ("x",), 3)).to_pylist()
    assert {(r["expected_avg_order_value"], r["predicted_clv_90d"]) for r in none} == {(None, None)}


def simulated_orders(customers: int, seed: int) -> pa.Table:
    """A shop whose customers follow BG/NBD in days (first orders over the 300 days before as_of) with
    Gamma-Gamma order values: one silver.orders row per purchase day."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(0, 300, customers)
    lam, p = rng.gamma(0.6, 1 / 25.0, customers), rng.beta(0.9, 5.0, customers)  # r, alpha; a, b
    out = {"date": [], "event_id": [], "order_id": [], "user_id": [], "total_price": [], "order_status": []}
    for i in range(customers):
        days = [0.0]  # the first order, then Poisson purchases until T or dropout after one
        while (t := days[-1] + rng.exponential(1 / lam[i])) <= T[i]:
            days.append(t)
            if rng.random() < p[i]:
                break
        values, _ = simulate_gamma_gamma({"p": 5.0, "q": 4.0, "v": 100.0}, np.ones(len(days)), rng)
        for k, age in enumerate(days):
            day = AS_OF - timedelta(days=int(T[i] - age))
            out["date"].append(day)
            out["event_id"].append(f"e{i}-{k}")
            out["order_id"].append(f"o{i}-{k}")
            out["user_id"].append(f"u{i}")
            out["total_price"].append(round(float(values[k]), 2))
            out["order_status"].append("completed")
    return pa.table(out)


def _warehouse(tmp_path, orders: pa.Table) -> str:
    """A DuckDB file with the silver tables and ``orders`` in silver.orders."""
    warehouse = str(tmp_path / "w.duckdb")
    with duckdb.connect(warehouse) as db:
        silver_db({}, db)
        db.register("_orders", orders)
        db.execute("INSERT INTO silver.orders BY NAME SELECT * FROM _orders")
    return warehouse


def _materialize(tmp_path, orders: pa.Table, **run_config) -> tuple[dg.ExecuteInProcessResult, str]:
    warehouse = _warehouse(tmp_path, orders)
    config = {"ops": {"gold__customer_clv_predictions": {"config": run_config}}} if run_config else None
    result = dg.materialize([customer_clv_predictions.asset], partition_key=WEEK[0].isoformat(),
                            resources=resources_for(tmp_path, warehouse), run_config=config)
    return result, warehouse


def test_weekly_run_fits_and_reports(tmp_path):
    result, warehouse = _materialize(tmp_path, simulated_orders(1500, seed=5))
    (check,) = result.get_asset_check_evaluations()
    assert (check.check_name, check.passed) == ("clv_fits_converged", True)
    (event,) = result.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.materialization.metadata.items()}
    assert event.materialization.partition == "2026-03-29"
    with duckdb.connect(warehouse) as db:
        summary = customer_summary(db, WEEK)
        got = rows(db, "SELECT * FROM gold.customer_clv_predictions ORDER BY user_id")
    # the metadata is the fit of the week's customers, exactly
    direct = fit_week(summary)
    assert direct.converged and meta["fits_converged"] is True
    for prefix, fit in (("bgnbd", direct.bgnbd), ("gamma_gamma", direct.gamma_gamma)):
        assert {k: meta[f"{prefix}_{k}"] for k in fit.params} == pytest.approx(fit.params, rel=1e-9)
        assert meta[f"{prefix}_log_likelihood"] == pytest.approx(fit.log_likelihood)
        assert (meta[f"{prefix}_converged"], meta[f"{prefix}_penalizer"]) == (True, 0.0)
    # ... near the simulated truth (1,500 customers: loose), in days
    assert meta["bgnbd_r"] == pytest.approx(0.6, rel=0.35)
    assert meta["bgnbd_alpha"] == pytest.approx(25, rel=0.5)
    assert meta["gamma_gamma_p"] * meta["gamma_gamma_v"] / (meta["gamma_gamma_q"] - 1) == pytest.approx(
        5 * 100 / 3, rel=0.15)  # the population mean order value
    assert len(got) == meta["customers"] == meta["dagster/row_count"] == 1500
    assert meta["predicted_clv_90d"] == pytest.approx(sum(r["predicted_clv_90d"] for r in got))
    assert all(0 < r["p_alive"] <= 1 and r["expected_purchases_90d"] >= 0 for r in got)


def test_the_penalizer_comes_from_the_run_config(tmp_path):
    orders = simulated_orders(400, seed=9)
    result, warehouse = _materialize(tmp_path, orders, penalizer=0.05)
    (event,) = result.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.materialization.metadata.items()}
    assert (meta["bgnbd_penalizer"], meta["gamma_gamma_penalizer"]) == (0.05, 0.05)
    with duckdb.connect(warehouse) as db:
        summary = customer_summary(db, WEEK)
    penalized, plain = fit_week(summary, penalizer=0.05), fit_week(summary)
    assert meta["bgnbd_a"] == pytest.approx(penalized.bgnbd.params["a"], rel=1e-9)
    assert penalized.bgnbd.params["a"] != pytest.approx(plain.bgnbd.params["a"])  # it made a difference


def test_a_range_of_weeks_fits_each_week_as_of_its_saturday(tmp_path):
    warehouse = _warehouse(tmp_path, simulated_orders(600, seed=8))
    result = materialize_range([customer_clv_predictions.asset], "2026-03-22", "2026-03-29",
                               resources_for(tmp_path, warehouse))
    (check,) = result.get_asset_check_evaluations()
    assert check.metadata["weeks"].value == 2
    meta = {e.materialization.partition: {k: v.value for k, v in e.materialization.metadata.items()}
            for e in result.get_asset_materialization_events()}
    with duckdb.connect(warehouse) as db:
        for week, as_of in (("2026-03-22", "2026-03-28"), ("2026-03-29", "2026-04-04")):
            start = date.fromisoformat(week)
            direct = fit_week(customer_summary(db, (start, start + timedelta(days=7))))
            assert meta[week]["bgnbd_r"] == pytest.approx(direct.bgnbd.params["r"], rel=1e-9)
            n = rows(db, "SELECT count(*) AS n FROM gold.customer_clv_predictions WHERE as_of_date = ?",
                     [as_of])
            assert n == [{"n": meta[week]["customers"]}] and n[0]["n"] > 0
    assert meta["2026-03-22"]["bgnbd_r"] != meta["2026-03-29"]["bgnbd_r"]  # each week its own fit


def test_a_hard_fit_warns_and_the_run_succeeds(tmp_path):
    """Only one-time buyers: nothing identifies dropout or spend; the week is still written."""
    orders = pa.Table.from_pylist([_order(f"u{i}", i % 50, "20.00") for i in range(200)])
    result, warehouse = _materialize(tmp_path, orders)
    assert result.success
    (check,) = result.get_asset_check_evaluations()
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert "2026-03-29" in check.description and "gamma_gamma" in check.description
    (event,) = result.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.materialization.metadata.items()}
    assert meta["fits_converged"] is False and "no customers to fit" in meta["fit_errors"]
    with duckdb.connect(warehouse) as db:
        got = rows(db, "SELECT count(*) AS n, min(p_alive) AS alive, count(expected_avg_order_value) AS v "
                       "FROM gold.customer_clv_predictions")
    assert got == [{"n": 200, "alive": 1.0, "v": 0}]  # alive for sure, value unknown (NULL)
