"""The independent reference for customer_clv_predictions: the BG/NBD and Gamma-Gamma models written
out again from the papers (Fader, Hardie & Lee 2005, "Counting your customers the easy way", eqs. 6
and 10 and P(alive) of its technical note; Fader & Hardie's Gamma-Gamma spend model), with numpy and
scipy's special functions; it shares no code with ``ecom_assets``.

The inputs per customer come from ``reference_beyond.clv_summary`` (in days). Fitted parameters are an
optimizer's output, and on a flat likelihood two optimizers stop at different digits, so the test
does not expect the reference's own parameters: it checks that the run's parameters are as likely as
the best the reference's own fit finds (``best_log_likelihood``), then computes every prediction from
the run's parameters with the formulas below.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

HORIZON_DAYS = 90
BGNBD, GAMMA_GAMMA = ("r", "alpha", "a", "b"), ("p", "q", "v")  # the parameters, in the formulas' order


def _lbeta(a, b):
    return gammaln(a) + gammaln(b) - gammaln(a + b)


def bgnbd_log_likelihood(r: float, alpha: float, a: float, b: float, x, t_x, t) -> np.ndarray:
    """Each customer's log L(r, alpha, a, b | x, t_x, T) (FHL 2005, eq. 6): A1 + A2 + log(e^A3 + e^A4),
    the A4 term only for a customer with a repeat purchase."""
    x, t_x, t = (np.asarray(v, dtype=float) for v in (x, t_x, t))
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = _lbeta(a, b + x) - _lbeta(a, b)
    a3 = -(r + x) * np.log(alpha + t)
    repeat = x > 0
    a4 = np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x)
    return a1 + a2 + np.where(repeat, np.logaddexp(a3, a4), a3)


def gamma_gamma_log_likelihood(p: float, q: float, v: float, x, m) -> np.ndarray:
    """Each repeat customer's log-likelihood of its mean order value m over x purchases."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    return (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v)
            + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(v + m * x))


def bgnbd_total(customers: Sequence[dict]) -> Callable[[Sequence[float]], float]:
    """The BG/NBD log-likelihood of all customers, as a function of (r, alpha, a, b)."""
    x, t_x, t = ([c[k] for c in customers] for k in ("frequency", "recency", "t_days"))
    return lambda params: float(bgnbd_log_likelihood(*params, x, t_x, t).sum())


def gamma_gamma_total(customers: Sequence[dict]) -> Callable[[Sequence[float]], float]:
    """The Gamma-Gamma log-likelihood of the repeat customers, as a function of (p, q, v)."""
    repeat = [c for c in customers if c["frequency"] > 0 and c["monetary"]]
    x, m = [c["frequency"] for c in repeat], [c["monetary"] for c in repeat]
    return lambda params: float(gamma_gamma_log_likelihood(*params, x, m).sum())


LOG_BOUND = math.log(1e6)  # parameters within 1e-6 … 1e6, where double precision still holds


def best_log_likelihood(total: Callable[[Sequence[float]], float],
                        starts: Sequence[Sequence[float]]) -> float:
    """The highest log-likelihood Nelder-Mead finds from each start (on the log scale, within bounds)."""
    def negative(log_params):
        value = -total(np.exp(log_params))
        return value if math.isfinite(value) else math.inf

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(starts[0])
    found = [minimize(negative, np.log(start), method="Nelder-Mead", bounds=bounds) for start in starts]
    return max(-f.fun for f in found)


def p_alive(r: float, alpha: float, a: float, b: float, x: int, t_x: float, t: float) -> float:
    """P(the customer is still alive at T | x, t_x, T); 1 without a repeat purchase."""
    if x == 0:
        return 1.0
    return 1 / (1 + a / (b + x - 1) * ((alpha + t) / (alpha + t_x)) ** (r + x))


def expected_purchases(r: float, alpha: float, a: float, b: float, x: int, t_x: float, t: float,
                       horizon: float = HORIZON_DAYS) -> float:
    """E[purchases in (T, T + horizon] | x, t_x, T] (FHL 2005, eq. 10)."""
    z = horizon / (alpha + t + horizon)
    bracket = 1 - ((alpha + t) / (alpha + t + horizon)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    dropped = a / (b + x - 1) * ((alpha + t) / (alpha + t_x)) ** (r + x) if x > 0 else 0.0
    return (a + b + x - 1) / (a - 1) * bracket / (1 + dropped)


def expected_order_value(p: float, q: float, v: float, x: int, m: float | None) -> float:
    """E[order value | x, m]: a weighted mean of the population mean p v / (q - 1) and m."""
    population = p * v / (q - 1)
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * population + weight * (m or 0.0)


def predictions(summary: dict[tuple, dict], bgnbd: Sequence[float], gamma_gamma: Sequence[float]) -> dict:
    """(as_of, user_id) → the customer's inputs and predictions at the given (r, alpha, a, b) and
    (p, q, v); predicted_clv_90d = expected purchases × expected order value (undiscounted)."""
    out = {}
    for key, c in summary.items():
        history = (c["frequency"], c["recency"], c["t_days"])
        purchases = expected_purchases(*bgnbd, *history)
        value = expected_order_value(*gamma_gamma, c["frequency"], c["monetary"])
        out[key] = {**c, "p_alive": p_alive(*bgnbd, *history), "expected_purchases_90d": purchases,
                    "expected_avg_order_value": value, "predicted_clv_90d": purchases * value}
    return out
