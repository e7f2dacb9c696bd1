"""gold.customer_clv_predictions: predicted customer lifetime value, weekly, from the BG/NBD and
Gamma-Gamma fits of ``ecom_assets.gold.clv``.

Each week the models are fitted (in days) on every customer with a valid order up to the week's
Saturday, so re-running an old week gives the same fit. The asset reads the customers' summary from
DuckDB as Arrow, fits in the step, and writes each week's predictions in its own window. A hard fit
never fails the run: a fit that does not converge (at ``penalizer=0.0``, or the run config's
``penalizer``) is retried with a small penalty; what was used (parameters, log-likelihood,
convergence, penalty) is each week's metadata, and the ``clv_fits_converged`` check warns when a
week's fit did not converge.

The models (and scipy under them) are imported when a week is fitted, not when the code location
loads: every run, sensor tick and webserver start would otherwise pay about a second for scipy.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg
import duckdb
import numpy as np
import pyarrow as pa
from dagster_duckdb import DuckDBResource

from ecom_assets.gold.periodic import ALL_HISTORY_WEEKS, VALID_ORDERS, silver_deps
from ecom_assets.partitions import SINGLE_RUN, WEEKLY
from ecom_assets.sql_asset import OWNER, partition_windows, run_sql
from ecom_assets.warehouse import TableBuild, Window

if TYPE_CHECKING:
    from ecom_assets.gold import clv

HORIZON_DAYS = 90
FALLBACK_PENALIZER = 0.01
KEY = dg.AssetKey(["gold", "customer_clv_predictions"])
CHECK = "clv_fits_converged"

# One row per customer with a valid order before $end, in days, as of $end - 1.
SUMMARY_SQL = f"""
WITH {VALID_ORDERS},
days AS (SELECT user_id, date, sum(total_price) AS revenue FROM valid_orders GROUP BY ALL),
ranked AS (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY date) AS nth FROM days)
SELECT CAST(CAST($end AS DATE) - 1 AS DATE) AS as_of_date,
       CAST(user_id AS VARCHAR) AS user_id,
       CAST(count(*) - 1 AS BIGINT) AS frequency,
       CAST(max(date) - min(date) AS BIGINT) AS recency,
       CAST(CAST($end AS DATE) - 1 - min(date) AS BIGINT) AS t_days,
       CAST(avg(revenue) FILTER (WHERE nth > 1) AS DOUBLE) AS monetary
FROM ranked
GROUP BY user_id
ORDER BY user_id
"""


def customer_summary(conn: duckdb.DuckDBPyConnection, window: Window) -> pa.Table:
    """The week's customers (frequency, recency, t_days, monetary) as Arrow."""
    return run_sql(conn, SUMMARY_SQL, window)


@dataclass(frozen=True)
class WeekFit:
    """The two fits of one week (None: nothing to fit, e.g. no repeat customer yet)."""

    bgnbd: "clv.Fit | None"
    gamma_gamma: "clv.Fit | None"
    errors: tuple[str, ...] = ()
    customers: int = 0

    @property
    def converged(self) -> bool:
        """Both fits converged; a week without customers has nothing to fit and passes."""
        fitted = all(f is not None and f.converged for f in (self.bgnbd, self.gamma_gamma))
        return fitted or self.customers == 0

    def metadata(self) -> dict[str, object]:
        out: dict[str, object] = {"fits_converged": self.converged}
        for prefix, fit in (("bgnbd", self.bgnbd), ("gamma_gamma", self.gamma_gamma)):
            if fit is None:
                out[f"{prefix}_converged"] = False
                continue
            out.update({f"{prefix}_{k}": float(v) for k, v in fit.params.items()})
            out.update({f"{prefix}_log_likelihood": fit.log_likelihood, f"{prefix}_converged": fit.converged,
                        f"{prefix}_penalizer": fit.penalizer, f"{prefix}_customers": fit.customers,
                        f"{prefix}_message": fit.message})
        if self.errors:
            out["fit_errors"] = "; ".join(self.errors)
        return out


class ClvFitConfig(dg.Config):
    """How the week's models are fitted (set it in the launchpad to regularize a hard week)."""

    penalizer: float = 0.0  # L2 penalty on the log-parameters (gold.clv); 0 = plain maximum likelihood


def _fit_or_retry(fit, penalizer: float, errors: list[str], name: str) -> "clv.Fit | None":
    """The fit at ``penalizer``; if it does not converge, the one at FALLBACK_PENALIZER when that
    converges; None when the model cannot be fitted at all (the reason goes to ``errors``)."""
    try:
        first = fit(penalizer)
        if first.converged or penalizer >= FALLBACK_PENALIZER:
            return first
        retry = fit(FALLBACK_PENALIZER)
        return retry if retry.converged else first
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
        errors.append(f"{name}: {exc}")
        return None


def fit_week(summary: pa.Table, penalizer: float = 0.0) -> WeekFit:
    """Fit BG/NBD on every customer, Gamma-Gamma on the repeat customers with a positive monetary."""
    from ecom_assets.gold import clv

    if summary.num_rows == 0:
        return WeekFit(None, None, ("no customers yet",))
    x, t_x, t = (summary[c].to_numpy().astype(float) for c in ("frequency", "recency", "t_days"))
    m = summary["monetary"].to_numpy(zero_copy_only=False).astype(float)
    errors: list[str] = []
    bgnbd = _fit_or_retry(lambda pen: clv.bgnbd_fit(x, t_x, t, pen), penalizer, errors, "bgnbd")
    spend = (x > 0) & (np.nan_to_num(m) > 0)
    gamma_gamma = _fit_or_retry(lambda pen: clv.gamma_gamma_fit(x[spend], m[spend], pen), penalizer,
                                errors, "gamma_gamma")
    return WeekFit(bgnbd, gamma_gamma, tuple(errors), summary.num_rows)


def predictions(summary: pa.Table, fits: WeekFit) -> pa.Table:
    """The week's rows: the summary plus p_alive, expected purchases and value, predicted CLV."""
    from ecom_assets.gold import clv

    n = summary.num_rows
    x, t_x, t = (summary[c].to_numpy().astype(float) for c in ("frequency", "recency", "t_days"))
    m = np.nan_to_num(summary["monetary"].to_numpy(zero_copy_only=False).astype(float))
    nulls = np.full(n, np.nan)
    alive, purchases, value = nulls, nulls, nulls
    if fits.bgnbd is not None and n:
        alive = clv.p_alive(fits.bgnbd.params, x, t_x, t)
        purchases = clv.expected_purchases(fits.bgnbd.params, HORIZON_DAYS, x, t_x, t)
    if fits.gamma_gamma is not None and n:
        value = clv.expected_order_value(fits.gamma_gamma.params, x, m)
    columns = {
        "p_alive": alive,
        "expected_purchases_90d": purchases,
        "expected_avg_order_value": value,
        "predicted_clv_90d": purchases * value,
    }
    out = summary
    for name, values in columns.items():
        out = out.append_column(name, pa.array(values, pa.float64(), mask=~np.isfinite(values)))
    return out


def _state(fit: "clv.Fit | None") -> str:
    return "not fitted" if fit is None else f"{fit.message} (penalizer {fit.penalizer})"


@dg.asset(
    name="customer_clv_predictions",
    key_prefix="gold",
    group_name="customer",
    partitions_def=WEEKLY,
    backfill_policy=SINGLE_RUN,
    deps=silver_deps(("orders",), ALL_HISTORY_WEEKS),
    metadata={"partition_expr": "as_of_date"},
    tags={"layer": "gold", "cadence": "weekly"},
    kinds={"duckdb", "python"},
    owners=[OWNER],
    pool="duckdb",
    check_specs=[dg.AssetCheckSpec(CHECK, asset=KEY, description="Every week's BG/NBD and Gamma-Gamma "
                                   "fit converged (a warning: the predictions are still written).")],
)
def customer_clv_predictions(context: dg.AssetExecutionContext, warehouse: DuckDBResource,
                             config: ClvFitConfig):
    """Fit the week's models, then write each customer's predictions (columns: the data dictionary)."""
    windows = partition_windows(context, WEEKLY)
    with warehouse.get_connection() as conn:
        fits = {window: fit_week(customer_summary(conn, window), config.penalizer) for window in windows}
    for window, fit in fits.items():
        context.add_asset_metadata(fit.metadata(), partition_key=window[0].isoformat())

    def produce(conn, window) -> pa.Table:
        return predictions(customer_summary(conn, window), fits[window])

    kpis = {"customers": "count(*)", "predicted_clv_90d": "sum(predicted_clv_90d)",
            "mean_p_alive": "avg(p_alive)"}
    yield dg.Output(TableBuild(produce, windows, kpis))
    failed = {w[0].isoformat(): f for w, f in fits.items() if not f.converged}
    first = next(iter(failed.items()), None)
    yield dg.AssetCheckResult(
        check_name=CHECK,
        passed=not failed,
        severity=dg.AssetCheckSeverity.WARN,
        description=(f"{len(failed)} week(s) did not converge; first: {first[0]} "
                     f"(bgnbd: {_state(first[1].bgnbd)}; gamma_gamma: {_state(first[1].gamma_gamma)}"
                     f"{'; ' + '; '.join(first[1].errors) if first[1].errors else ''})"
                     if first else f"All {len(fits)} week(s) converged."),
        metadata={"weeks": len(fits), "weeks_not_converged": len(failed),
                  "examples": ", ".join(list(failed)[:5])},
    )


asset = customer_clv_predictions
asset_checks: list = []  # the convergence check is the asset's own (check_specs)
