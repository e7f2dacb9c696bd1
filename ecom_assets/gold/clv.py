"""Predictive customer lifetime value: the BG/NBD and Gamma-Gamma models, fitted by maximum likelihood.

Plain functions over array-likes (numpy, pandas, lists), in any time unit, so notebooks and
other tools call them directly. BG/NBD (Fader, Hardie & Lee, "Counting your customers the easy
way", 2005): per customer ``frequency`` = repeat purchases x, ``recency`` = time of the last
one t_x (0 without one), ``T`` = age; Poisson purchases at rate λ ~ Gamma(r, alpha) while alive,
dropout with probability p ~ Beta(a, b) after each repeat purchase. Gamma-Gamma (Fader & Hardie):
a customer's order values are Gamma(p, ν) with ν ~ Gamma(q, v); ``monetary`` = the mean value of
the repeat purchases. Likelihoods are written in log space with ``gammaln``/``betaln``.

Fits optimize the log-parameters with L-BFGS-B inside wide bounds (1e-6 … 1e6), so they never
overflow. With ``penalizer > 0`` the objective is the mean negative log-likelihood plus
``penalizer * sum(log(θ)**2)`` over the unit-free parameters (r, a, b; p, q): an L2 penalty on the
log scale, which pulls a runaway a, b (→ ∞ or → 0 when few customers seem to drop out) back
towards 1 and, unlike a penalty on θ itself, gives the same fit in days or in weeks (alpha and v
carry the time and money units and are left free). At ``penalizer=0.0`` the result is the plain
maximum-likelihood estimate; a fit that stops on a bound or without the optimizer's convergence
says so in ``Fit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

ArrayLike = Sequence[float] | np.ndarray
BGNBD = ("r", "alpha", "a", "b")
GAMMA_GAMMA = ("p", "q", "v")
LOG_BOUNDS = (np.log(1e-6), np.log(1e6))


@dataclass(frozen=True)
class Fit:
    """A fitted model: its parameters, the log-likelihood there (sum over customers), convergence."""

    params: dict[str, float]
    log_likelihood: float
    converged: bool
    message: str
    penalizer: float
    customers: int


def _arrays(*columns: ArrayLike) -> list[np.ndarray]:
    arrays = [np.asarray(c, dtype=float) for c in columns]
    if len({a.shape for a in arrays}) != 1 or arrays[0].ndim != 1:
        raise ValueError(f"expected 1-d arrays of equal length, got shapes {[a.shape for a in arrays]}")
    if any(np.isnan(a).any() for a in arrays):
        raise ValueError("missing values (NaN) in the input")
    return arrays


def _bgnbd_input(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> list[np.ndarray]:
    x, t_x, t = _arrays(frequency, recency, T)
    if (x < 0).any() or (x != np.round(x)).any():
        raise ValueError("frequency must be a whole number >= 0")
    if (t_x < 0).any() or (t_x > t).any() or ((x == 0) & (t_x != 0)).any():
        raise ValueError("recency must be in [0, T], and 0 when frequency is 0")
    return [x, t_x, t]


def bgnbd_log_likelihood(params: dict[str, float], frequency: ArrayLike, recency: ArrayLike,
                         T: ArrayLike) -> np.ndarray:
    """Each customer's BG/NBD log-likelihood (FHL 2005, eq. 6) at ``params``."""
    r, alpha, a, b = (params[k] for k in BGNBD)
    x, t_x, t = _bgnbd_input(frequency, recency, T)
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x) - (r + x) * np.log(alpha + t)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x)
    dropped = np.where(x > 0, dropped, -np.inf)
    return common + np.logaddexp(alive, dropped)


def gamma_gamma_log_likelihood(params: dict[str, float], frequency: ArrayLike,
                               monetary: ArrayLike) -> np.ndarray:
    """Each repeat customer's Gamma-Gamma log-likelihood of its mean order value at ``params``."""
    p, q, v = (params[k] for k in GAMMA_GAMMA)
    x, m = _gamma_gamma_input(frequency, monetary)
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * np.log(m)
            + px * np.log(x) - (px + q) * np.log(x * m + v))


def _gamma_gamma_input(frequency: ArrayLike, monetary: ArrayLike) -> list[np.ndarray]:
    x, m = _arrays(frequency, monetary)
    repeat = x > 0
    x, m = x[repeat], m[repeat]
    if (m <= 0).any():
        raise ValueError("monetary must be > 0 for every customer with frequency > 0")
    return [x, m]


def _fit(names: Sequence[str], log_likelihood: Callable[[dict[str, float]], np.ndarray], start: np.ndarray,
         penalizer: float, customers: int, unit_free: Sequence[str]) -> Fit:
    if customers == 0:
        raise ValueError("no customers to fit")
    if penalizer < 0:
        raise ValueError("penalizer must be >= 0")

    def params_of(log_params: np.ndarray) -> dict[str, float]:
        return {k: float(v) for k, v in zip(names, np.exp(log_params))}

    penalized = np.array([k in unit_free for k in names])

    def objective(log_params: np.ndarray) -> float:
        ll = log_likelihood(params_of(log_params))
        value = -ll.sum() / customers + penalizer * float(np.sum(log_params[penalized] ** 2))
        return float(value) if np.isfinite(value) else 1e300

    bounds = [LOG_BOUNDS] * len(names)
    result = minimize(objective, start, method="L-BFGS-B", bounds=bounds)
    if not result.success:  # polish from where it stopped with a derivative-free method
        polished = minimize(objective, result.x, method="Nelder-Mead", bounds=bounds,
                            options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-12})
        result = polished if polished.fun <= result.fun else result
    params = params_of(result.x)
    at_bound = [k for k, v in zip(names, result.x) if min(abs(v - b) for b in LOG_BOUNDS) < 1e-3]
    converged = bool(result.success) and not at_bound
    message = str(result.message) + (f"; stopped on a bound: {', '.join(at_bound)}" if at_bound else "")
    ll = float(log_likelihood(params).sum())
    return Fit(params, ll, converged, message, float(penalizer), customers)


def bgnbd_fit(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, penalizer: float = 0.0) -> Fit:
    """Fit BG/NBD by maximum likelihood (penalized when ``penalizer > 0``), with diagnostics."""
    x, t_x, t = _bgnbd_input(frequency, recency, T)
    start = np.log([1.0, max(float(t.mean()) / (float(x.mean()) + 1.0), 1e-3), 1.0, 1.0])
    return _fit(BGNBD, lambda params: bgnbd_log_likelihood(params, x, t_x, t), start, penalizer, len(x),
                ("r", "a", "b"))


def gamma_gamma_fit(frequency: ArrayLike, monetary: ArrayLike, penalizer: float = 0.0) -> Fit:
    """Fit Gamma-Gamma on the customers with frequency > 0, with diagnostics."""
    x, m = _gamma_gamma_input(frequency, monetary)
    mean = float(m.mean()) if len(m) else 1.0
    start = np.log([1.0, 2.0, mean])  # population mean p v / (q - 1) starts at the sample mean
    return _fit(GAMMA_GAMMA, lambda params: gamma_gamma_log_likelihood(params, x, m), start, penalizer,
                len(x), ("p", "q"))


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike,
              penalizer: float = 0.0) -> dict[str, float]:
    """BG/NBD parameters ``{"r", "alpha", "a", "b"}`` fitted to the customers (any time unit)."""
    return bgnbd_fit(frequency, recency, T, penalizer).params


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike, penalizer: float = 0.0) -> dict[str, float]:
    """Gamma-Gamma parameters ``{"p", "q", "v"}``; customers with frequency 0 are left out."""
    return gamma_gamma_fit(frequency, monetary, penalizer).params


# -- closed-form expectations -----------------------------------------------------------------
def _odds_dropped(params: dict[str, float], x: np.ndarray, t_x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """P(dropped out) / P(alive) given the history: a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x), 0 if x=0."""
    r, alpha, a, b = (params[k] for k in BGNBD)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))
    return np.where(x > 0, np.exp(np.minimum(log_odds, 700)), 0.0)


def p_alive(params: dict[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
    """P(still alive at T | x, t_x, T) (FHL 2005, eq. 11 of the technical note); 1 with no repeat."""
    x, t_x, t = _bgnbd_input(frequency, recency, T)
    return 1.0 / (1.0 + _odds_dropped(params, x, t_x, t))


def expected_purchases(params: dict[str, float], t: float, frequency: ArrayLike, recency: ArrayLike,
                       T: ArrayLike) -> np.ndarray:
    """Expected purchases in (T, T + t] given the history (FHL 2005, eq. 10)."""
    r, alpha, a, b = (params[k] for k in BGNBD)
    x, t_x, age = _bgnbd_input(frequency, recency, T)
    z = t / (alpha + age + t)
    tail = np.exp((r + x) * (np.log(alpha + age) - np.log(alpha + age + t)))
    bracket = 1.0 - tail * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * bracket / (1.0 + _odds_dropped(params, x, t_x, age))


def expected_purchases_new_customer(params: dict[str, float], t: ArrayLike) -> np.ndarray:
    """E[X(t)]: expected repeat purchases of a new customer in its first t (FHL 2005, eq. 9)."""
    r, alpha, a, b = (params[k] for k in BGNBD)
    t = np.asarray(t, dtype=float)
    tail = (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t))
    return (a + b - 1) / (a - 1) * (1.0 - tail)


def expected_order_value(params: dict[str, float], frequency: ArrayLike, monetary: ArrayLike) -> np.ndarray:
    """E[order value | x, m_x] = p (v + x m_x) / (p x + q - 1); the population mean p v / (q - 1) at x=0.

    Needs q > 1 (a finite population mean); NaN otherwise.
    """
    p, q, v = (params[k] for k in GAMMA_GAMMA)
    x, m = _arrays(frequency, monetary)
    m = np.where(x > 0, m, 0.0)
    if q <= 1:
        return np.full(x.shape, np.nan)
    return p * (v + x * m) / (p * x + q - 1)
