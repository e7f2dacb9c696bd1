"""The CLV models as their authors would test them: simulate from known parameters, fit, recover them
within sampling error; check the closed-form expectations against Monte Carlo and the likelihoods
against a direct numerical integration; reproduce the published estimates on the public CDNOW sample
and the paper's worked example."""

from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

from ecom_assets.gold import clv

# Fader, Hardie & Lee (2005), CDNOW sample, time in weeks; Gamma-Gamma: Fader & Hardie (2013) note.
CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CDNOW_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}


def simulate_bgnbd(params, T, horizon, rng):
    """The BG/NBD story per customer: λ ~ Gamma(r, alpha), p ~ Beta(a, b); Poisson purchases while
    alive; after each repeat purchase it drops out with probability p. Returns x, t_x (up to T), the
    purchases in (T, T + horizon] and whether it was alive at T."""
    n = len(T)
    lam = rng.gamma(params["r"], 1 / params["alpha"], n)
    p = rng.beta(params["a"], params["b"], n)
    t, x, t_x, future = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    alive_at_T, running = np.ones(n, bool), np.ones(n, bool)
    while running.any():
        idx = np.flatnonzero(running)
        t[idx] += rng.exponential(1 / lam[idx])
        beyond = t[idx] > T[idx] + horizon
        running[idx[beyond]] = False
        idx = idx[~beyond]
        before = t[idx] <= T[idx]
        x[idx[before]] += 1
        t_x[idx[before]] = t[idx[before]]
        future[idx[~before]] += 1
        dead = idx[rng.random(len(idx)) < p[idx]]
        running[dead] = False
        alive_at_T[dead[t[dead] <= T[dead]]] = False
    return x, t_x, future, alive_at_T


def simulate_gamma_gamma(params, frequency, rng):
    """ν ~ Gamma(q, v) per customer, each order value ~ Gamma(p, ν): mean of x orders, and one more."""
    nu = rng.gamma(params["q"], 1 / params["v"], len(frequency))
    means = rng.gamma(params["p"] * frequency, 1 / (frequency * nu))  # the mean of x Gamma(p, ν) values
    return means, rng.gamma(params["p"], 1 / nu)


def log_param_standard_errors(log_likelihood, params):
    """Standard errors of the log-parameters from the observed information (numerical Hessian)."""
    names, theta = list(params), np.log(list(params.values()))

    def f(v):
        return float(log_likelihood(dict(zip(names, np.exp(v)))).sum())

    h, k = 1e-4, len(theta)
    hessian = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            hessian[i, j] = (f(theta + e_i + e_j) - f(theta + e_i - e_j) - f(theta - e_i + e_j)
                             + f(theta - e_i - e_j)) / (4 * h * h)
    return dict(zip(names, np.sqrt(np.diag(np.linalg.inv(-hessian)))))


def assert_recovered(fit, truth, log_likelihood):
    """|log estimate − log truth| < 3.5 standard errors, and the errors are small enough to mean it."""
    se = log_param_standard_errors(log_likelihood, fit.params)
    for k, true in truth.items():
        z = (np.log(fit.params[k]) - np.log(true)) / se[k]
        assert abs(z) < 3.5, (k, fit.params[k], true, se[k])
        assert se[k] < 0.2, (k, se[k])  # within ±20 % (1 SE): an informative test


@pytest.fixture(scope="module")
def cohort():
    rng = np.random.default_rng(20050101)
    T = rng.uniform(27, 39, 30_000)  # weeks, a CDNOW-like cohort of first purchases
    x, t_x, future, alive = simulate_bgnbd(CDNOW_BGNBD, T, 39, rng)
    return x, t_x, T, future, alive


def test_bgnbd_fit_recovers_the_parameters_it_was_simulated_from(cohort):
    x, t_x, T, _, _ = cohort
    fit = clv.bgnbd_fit(x, t_x, T)
    assert fit.converged and fit.penalizer == 0.0 and fit.customers == len(x)
    assert fit.params == clv.fit_bgnbd(x, t_x, T)
    assert set(fit.params) == {"r", "alpha", "a", "b"}
    assert fit.log_likelihood == pytest.approx(clv.bgnbd_log_likelihood(fit.params, x, t_x, T).sum())
    # the maximum: the true parameters fit these data less well than the estimate
    assert fit.log_likelihood > clv.bgnbd_log_likelihood(CDNOW_BGNBD, x, t_x, T).sum()
    assert_recovered(fit, CDNOW_BGNBD, lambda p: clv.bgnbd_log_likelihood(p, x, t_x, T))


def test_bgnbd_fit_is_unit_free():
    """Days instead of weeks: r, a, b stay, alpha scales by 7 (penalized or not)."""
    rng = np.random.default_rng(7)
    T = rng.uniform(27, 39, 5_000)
    x, t_x, _, _ = simulate_bgnbd(CDNOW_BGNBD, T, 0, rng)
    for penalizer in (0.0, 0.05):
        weeks, days = clv.fit_bgnbd(x, t_x, T, penalizer), clv.fit_bgnbd(x, 7 * t_x, 7 * T, penalizer)
        assert days["alpha"] == pytest.approx(7 * weeks["alpha"], rel=1e-3)
        for k in ("r", "a", "b"):
            assert days[k] == pytest.approx(weeks[k], rel=1e-3)


def test_p_alive_and_expected_purchases_match_monte_carlo(cohort):
    """At the true parameters, the mean closed-form P(alive) and E[Y(39) | history] of each group of
    customers equal the simulated share alive at T and mean purchases in the next 39 weeks, within
    4 Monte Carlo standard errors."""
    x, t_x, T, future, alive = cohort
    p_alive = clv.p_alive(CDNOW_BGNBD, x, t_x, T)
    expected = clv.expected_purchases(CDNOW_BGNBD, 39, x, t_x, T)
    for group in (x == 0, x == 1, (x >= 2) & (x <= 4), x >= 5):
        n = group.sum()
        assert n > 1000
        assert abs(expected[group].mean() - future[group].mean()) < 4 * future[group].std() / np.sqrt(n)
        assert abs(p_alive[group].mean() - alive[group].mean()) < 4 * alive[group].std() / np.sqrt(n) + 1e-12
    assert p_alive[x == 0].min() == 1.0  # no repeat purchase, no chance to have dropped out yet
    # a new customer's first 39 weeks: E[X(39)] vs the simulated repeat purchases in [0, 39]
    rng = np.random.default_rng(3)
    new_x, _, _, _ = simulate_bgnbd(CDNOW_BGNBD, np.full(50_000, 39.0), 0, rng)
    want = clv.expected_purchases_new_customer(CDNOW_BGNBD, 39.0)
    assert abs(new_x.mean() - want) < 4 * new_x.std() / np.sqrt(len(new_x))


def cdnow_sample() -> tuple[np.ndarray, ...]:
    """x, t_x, T (weeks) and zbar of the 2,357 CDNOW customers (``data/cdnow_sample.csv``)."""
    first_of_T, repeat = [], {}
    for line in (Path(__file__).parent / "data" / "cdnow_sample.csv").read_text().splitlines():
        if line.startswith("#"):
            continue
        fields = line.split(",")
        if fields[0] == "T":
            first_of_T.append((int(fields[1]), float(fields[2])))
        else:
            repeat[int(fields[0])] = tuple(float(v) for v in fields[1:])
    ends = [start for start, _ in first_of_T[1:]] + [2358]
    T = np.concatenate([np.full(end - start, t) for (start, t), end in zip(first_of_T, ends)])
    x, t_x, zbar = (np.zeros(len(T)) for _ in range(3))
    for i, (xi, ti, zi) in repeat.items():
        x[i - 1], t_x[i - 1], zbar[i - 1] = xi, ti, zi
    return x, t_x, T, zbar


def test_fits_reproduce_the_published_cdnow_estimates():
    """The published results on the public CDNOW sample: BG/NBD (Fader, Hardie & Lee 2005, table 1)
    r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 with log-likelihood -9582.4; Gamma-Gamma (Fader &
    Hardie 2013 note, on the 946 repeat customers) p = 6.25, q = 3.74, v = 15.44."""
    x, t_x, T, zbar = cdnow_sample()
    # the sample as described in the paper: 2,357 customers, 1,411 without a repeat purchase, 2,457
    # repeat purchases in the 39 weeks
    assert (len(x), int((x == 0).sum()), int(x.sum())) == (2357, 1411, 2457)
    fit = clv.bgnbd_fit(x, t_x, T)
    assert fit.converged
    assert {k: round(v, 3) for k, v in fit.params.items() if k != "alpha"} == {"r": 0.243, "a": 0.793,
                                                                                 "b": 2.426}
    assert fit.params["alpha"] == pytest.approx(4.414, abs=2e-3)
    assert round(fit.log_likelihood, 1) == -9582.4
    spend = clv.gamma_gamma_fit(x, zbar)
    assert spend.converged and spend.customers == 946
    assert spend.params == pytest.approx(CDNOW_GAMMA_GAMMA, abs=0.01)


def test_published_worked_example():
    """FHL (2005): at the CDNOW estimates, a customer with x = 2, t_x = 30.43, T = 38.86 weeks is
    expected to make 1.226 purchases in the next 39 weeks (the paper's example, to its 3 decimals)."""
    assert clv.expected_purchases(CDNOW_BGNBD, 39, [2], [30.43], [38.86])[0] == pytest.approx(1.226, abs=5e-4)


def test_bgnbd_log_likelihood_matches_direct_integration():
    """At the published CDNOW parameters the closed-form log-likelihood equals an independent direct
    computation: the individual-level likelihood integrated numerically over λ ~ Gamma(r, alpha) and
    p ~ Beta(a, b), for CDNOW-like customers."""
    r, alpha, a, b = CDNOW_BGNBD.values()
    customers = [(0, 0.0, 38.86), (1, 1.71, 38.86), (2, 30.43, 38.86), (7, 29.43, 38.86), (5, 36.0, 37.0)]

    def over_p(f):  # ∫ f(p) Beta(p; a, b) dp, the endpoint singularities handled by quad's 'alg' weight
        return integrate.quad(f, 0, 1, weight="alg", wvar=(a - 1, b - 1))[0]

    def over_lam(f):  # ∫ f(λ) Gamma(λ; r, alpha) dλ (alpha λ > 100 contributes nothing)
        return integrate.quad(lambda lam: f(lam) * np.exp(-alpha * lam), 0, 100 / alpha, weight="alg",
                              wvar=(r - 1, 0), epsabs=0, epsrel=1e-11, limit=200)[0]

    beta_norm, gamma_norm = over_p(lambda p: 1.0), over_lam(lambda lam: 1.0)
    for x, t_x, T in customers:
        # L(λ, p) = (1-p)^x λ^x e^(-λT) + [x > 0] p (1-p)^(x-1) λ^x e^(-λ t_x); each term factorizes
        alive = over_p(lambda p: (1 - p) ** x) * over_lam(lambda lam: lam**x * np.exp(-lam * T))  # noqa: B023
        dropped = 0.0
        if x > 0:
            dropped = (over_p(lambda p: p * (1 - p) ** (x - 1))  # noqa: B023
                       * over_lam(lambda lam: lam**x * np.exp(-lam * t_x)))  # noqa: B023
        direct = (alive + dropped) / (beta_norm * gamma_norm)
        closed = clv.bgnbd_log_likelihood(CDNOW_BGNBD, [x], [t_x], [T])[0]
        assert closed == pytest.approx(np.log(direct), abs=1e-6), (x, t_x, T)


def test_gamma_gamma_log_likelihood_matches_direct_integration():
    """The mean of x Gamma(p, ν) order values is Gamma(p x, x ν); integrated over ν ~ Gamma(q, v)."""
    p, q, v = CDNOW_GAMMA_GAMMA.values()
    for x, m in [(1, 22.35), (2, 25.55), (7, 73.74), (13, 29.34)]:
        direct, _ = integrate.quad(
            lambda nu: stats.gamma.pdf(m, p * x, scale=1 / (x * nu)) * stats.gamma.pdf(nu, q, scale=1 / v),  # noqa: B023
            0, np.inf, epsabs=1e-14,
        )
        closed = clv.gamma_gamma_log_likelihood(CDNOW_GAMMA_GAMMA, [x], [m])[0]
        assert closed == pytest.approx(np.log(direct), abs=1e-6), (x, m)


def test_gamma_gamma_fit_recovers_the_parameters_and_the_conditional_value():
    rng = np.random.default_rng(2013)
    frequency = rng.integers(0, 8, 20_000).astype(float)
    means, next_value = simulate_gamma_gamma(CDNOW_GAMMA_GAMMA, np.maximum(frequency, 1), rng)
    monetary = np.where(frequency > 0, means, 0.0)
    fit = clv.gamma_gamma_fit(frequency, monetary)
    assert fit.converged and fit.customers == int((frequency > 0).sum())  # frequency 0 left out
    assert fit.params == clv.fit_gamma_gamma(frequency, monetary)
    repeat = frequency > 0
    assert_recovered(fit, CDNOW_GAMMA_GAMMA,
                     lambda p: clv.gamma_gamma_log_likelihood(p, frequency[repeat], monetary[repeat]))
    # E[value | x, m_x] vs each customer's next order value, on average per frequency
    expected = clv.expected_order_value(CDNOW_GAMMA_GAMMA, frequency, monetary)
    for x in (0, 1, 3, 7):
        group = frequency == x
        se = next_value[group].std() / np.sqrt(group.sum())
        assert abs(expected[group].mean() - next_value[group].mean()) < 4 * se
    # x = 0: the population mean p v / (q - 1) = 6.25 × 15.44 / 2.74 = 35.22
    assert expected[frequency == 0][0] == pytest.approx(6.25 * 15.44 / 2.74)


def test_a_hard_fit_stays_finite_and_the_penalty_keeps_it_well_posed():
    """Nobody drops out (p = 0, pure Poisson buyers): the unpenalized maximum runs off towards
    a/b → 0. The fit must not raise or overflow; it reports the runaway, and a small L2 penalty gives
    a finite, converged fit with the penalty in the result."""
    rng = np.random.default_rng(11)
    T = rng.uniform(30, 60, 3_000)
    lam = rng.gamma(2.0, 1 / 10.0, len(T))
    arrivals = [np.cumsum(rng.exponential(1 / lr, 200)) for lr in lam]
    x = np.array([(a <= t).sum() for a, t in zip(arrivals, T)], dtype=float)
    t_x = np.array([a[int(k) - 1] if k else 0.0 for a, k in zip(arrivals, x)])
    plain = clv.bgnbd_fit(x, t_x, T)
    assert all(np.isfinite(list(plain.params.values()))) and np.isfinite(plain.log_likelihood)
    dropout = plain.params["a"] / (plain.params["a"] + plain.params["b"])
    assert dropout < 1e-3 or not plain.converged
    penalized = clv.bgnbd_fit(x, t_x, T, penalizer=0.01)
    assert penalized.converged and penalized.penalizer == 0.01
    assert all(0.01 < penalized.params[k] < 100 for k in ("r", "a", "b"))
    # the penalty shrinks the parameters, and costs likelihood
    assert penalized.log_likelihood <= plain.log_likelihood + 1e-6


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="recency must be"):
        clv.fit_bgnbd([1, 0], [5, 0], [4, 3])  # recency after T
    with pytest.raises(ValueError, match="recency must be"):
        clv.fit_bgnbd([0], [2], [3])  # no repeat purchase but a recency
    with pytest.raises(ValueError, match="whole number"):
        clv.fit_bgnbd([1.5], [2], [3])
    with pytest.raises(ValueError, match="equal length"):
        clv.fit_bgnbd([1, 2], [1], [3])
    with pytest.raises(ValueError, match="monetary must be > 0"):
        clv.fit_gamma_gamma([1, 2], [10, 0])
    with pytest.raises(ValueError, match="no customers"):
        clv.fit_gamma_gamma([0, 0], [0, 0])
