"""checks.censored: Tobit fits of right-censored training times, on synthetic data whose slope is known.

- without censoring the fits are least squares: the slope, its Student-t interval and the power-offset
  F-interval agree with an independent computation;
- the censored likelihood's maximum is found (its gradient vanishes; a numerical check of the score);
- where the slow end of a grid is censored, dropping the censored runs flattens the fitted slope, and the
  censored fit recovers the true one (its interval covers it in most of repeated draws);
- a group whose every run is censored is absorbed by its own intercept; data that cannot identify the fit
  raise NotIdentified; bad input raises one ValueError naming the parameter.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from checks.censored import (
    NotIdentified,
    censored_power_offset,
    censored_regression,
    profile_interval,
    tobit,
)


def _ols_slope_interval(x: np.ndarray, y: np.ndarray, groups: np.ndarray, level: float) -> tuple[float, float, float]:
    """Least squares with one intercept per group, computed from the normal equations (an independent path)."""
    labels = sorted(set(groups.tolist()))
    X = np.column_stack([x, *((groups == g).astype(float) for g in labels)])
    XtX = X.T @ X
    beta = np.linalg.solve(XtX, X.T @ y)
    r = y - X @ beta
    dof = len(y) - X.shape[1]
    se = math.sqrt(float(r @ r) / dof * np.linalg.inv(XtX)[0, 0])
    t = float(sps.t.ppf(0.5 + level / 2, dof))
    return float(beta[0]), float(beta[0] - t * se), float(beta[0] + t * se)


def test_without_censoring_the_fit_is_least_squares_with_its_t_interval() -> None:
    rng = np.random.default_rng(1)
    x = np.tile(np.log([0.01, 0.02, 0.04, 0.08]), 3)
    g = np.repeat([0, 1, 2], 4)
    y = np.array([4.0, 4.2, 3.9])[g] - 1.0 * x + rng.normal(0, 0.05, len(x))
    fit = censored_regression([x.tolist()], y.tolist(), [False] * len(y), g.tolist(), 0.95)
    slope, lo, hi = _ols_slope_interval(x, y, g, 0.95)
    assert fit.slopes[0] == pytest.approx(slope, abs=1e-7)
    assert fit.intervals[0] == pytest.approx((lo, hi), abs=1e-6)
    assert fit.n_censored == 0 and fit.dof == len(y) - 4


def test_the_maximum_is_a_stationary_point_of_the_censored_likelihood() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 2, 40)
    ystar = 1.0 + 2.0 * x + rng.normal(0, 0.5, 40)
    bound = 3.5
    cens = ystar > bound
    y = np.where(cens, bound, ystar)
    X = np.column_stack([np.ones(40), x])
    fit = tobit(X, y.tolist(), cens.tolist())

    def loglik(b0: float, b1: float, s: float) -> float:
        mu = b0 + b1 * x
        return float(sps.norm.logpdf(y[~cens], mu[~cens], s).sum() + sps.norm.logsf(bound, mu[cens], s).sum())

    base = loglik(fit.coef[0], fit.coef[1], fit.sigma)
    assert base == pytest.approx(fit.loglik, rel=1e-9)
    for k in range(3):
        for h in (1e-4, -1e-4):
            p = [*fit.coef, fit.sigma]
            p[k] += h
            assert loglik(p[0], p[1], p[2]) <= base + 1e-9  # no nearby point is better
    assert 0 < cens.sum() < 40


def _censored_grid(seed: int, sigma: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """log T = a_g − 1·log η + noise over 6 η and 8 groups, censored at log T_max (the slow end, small η)."""
    rng = np.random.default_rng(seed)
    etas = np.geomspace(0.01, 0.32, 6)
    groups = np.repeat(np.arange(8), len(etas))
    x = np.tile(np.log(etas), 8)
    logT = 2.0 + rng.normal(0, 0.2, 8)[groups] - 1.0 * x + rng.normal(0, sigma, len(x))
    cap = 2.0 - math.log(0.08)  # T_max: the expected time at η = 0.08
    cens = logT > cap
    return x, np.where(cens, cap, logT), cens, groups


def test_dropping_censored_runs_flattens_the_slope_and_the_censored_fit_does_not() -> None:
    dropped, kept, covered = [], [], 0
    draws = 40
    for seed in range(draws):
        x, y, cens, g = _censored_grid(seed)
        assert 0 < cens.sum() < len(y)
        fit = censored_regression([x.tolist()], y.tolist(), cens.tolist(), g.tolist(), 0.95)
        kept.append(fit.slopes[0])
        covered += fit.intervals[0][0] <= -1.0 <= fit.intervals[0][1]
        obs = ~cens
        slope, *_ = _ols_slope_interval(x[obs], y[obs], g[obs], 0.95)
        dropped.append(slope)
    # the true slope is −1: the runs left after dropping are the lucky fast ones at small η
    assert np.mean(dropped) > -0.8
    assert abs(np.mean(kept) + 1.0) < 0.06
    assert covered >= 0.85 * draws


def test_a_group_with_every_run_censored_is_absorbed_by_its_intercept() -> None:
    x, y, cens, g = _censored_grid(3, sigma=0.1)
    fit = censored_regression([x.tolist()], y.tolist(), cens.tolist(), g.tolist(), 0.95)
    x2 = np.concatenate([x, np.log([0.01, 0.02])])
    y2 = np.concatenate([y, [9.0, 9.0]])
    fit2 = censored_regression([x2.tolist()], y2.tolist(), [*cens.tolist(), True, True], [*g.tolist(), 99, 99], 0.95)
    assert fit2.absorbed == (99,) and fit2.absorbed_rows == 2
    assert fit2.slopes == pytest.approx(fit.slopes)
    assert fit2.intervals[0] == pytest.approx(fit.intervals[0])


def test_two_regressors_recover_their_exponents_with_censoring() -> None:
    rng = np.random.default_rng(5)
    mu = np.tile(np.log([1.0, 1.41, 2.0]), 9)
    w = np.tile(np.repeat(np.log([1.0, 1.41, 2.0]), 3), 3)
    g = np.repeat([0, 1, 2], 9)
    logT = 6.0 + np.array([0.0, 0.1, -0.1])[g] - 2.0 * mu - 2.0 * w + rng.normal(0, 0.03, 27)
    cap = 5.4  # the runs at ‖µ‖ = ‖w_O‖ = 1 are censored, and some beside them
    cens = logT > cap
    fit = censored_regression([mu.tolist(), w.tolist()], np.minimum(logT, cap).tolist(), cens.tolist(),
                              g.tolist(), 0.95)
    assert cens.sum() >= 3
    for b, (lo, hi) in zip(fit.slopes, fit.intervals, strict=True):
        assert lo <= -2.0 <= hi and hi - lo < 0.5 and b == pytest.approx(-2.0, abs=0.1)


def test_power_offset_without_censoring_is_the_f_interval_of_least_squares() -> None:
    rng = np.random.default_rng(7)
    eps = np.tile([0.005, 0.01, 0.02, 0.04, 0.08], 2)
    g = np.repeat([0, 1], 5)
    y = np.array([30.0, 36.0])[g] + np.array([1.0, 1.2])[g] * eps**-1.0 + rng.normal(0, 1.0, 10)
    grid = np.linspace(-2.0, 0.0, 401)
    fit = censored_power_offset(eps.tolist(), y.tolist(), [False] * 10, g.tolist(), 0.95, grid.tolist())

    def ssr(s: float) -> float:
        X = np.column_stack([(g == 0), (g == 1), (g == 0) * eps**s, (g == 1) * eps**s]).astype(float)
        r = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
        return float(r @ r)

    values = np.array([ssr(s) for s in grid])
    dof = 10 - 5
    inside = grid[values <= values.min() * (1 + sps.f.ppf(0.95, 1, dof) / dof)]
    assert fit.s == pytest.approx(grid[int(np.argmin(values))])
    assert fit.interval == pytest.approx((inside.min(), inside.max()))
    assert fit.interval[0] <= -1.0 <= fit.interval[1]


def test_power_offset_keeps_a_censored_slow_run() -> None:
    eps = np.tile([0.005, 0.01, 0.02, 0.04, 0.08], 3)
    g = np.repeat([0, 1, 2], 5)
    rng = np.random.default_rng(8)
    ystar = np.array([30.0, 36.0, 33.0])[g] + eps**-1.0 + rng.normal(0, 1.0, 15)
    cap = 220.0  # ε = 0.005 needs about 230: censored in every group
    cens = ystar > cap
    fit = censored_power_offset(eps.tolist(), np.minimum(ystar, cap).tolist(), cens.tolist(), g.tolist(), 0.95,
                                np.linspace(-2.0, 0.0, 201).tolist())
    assert fit.n_censored == int(cens.sum()) >= 2
    assert fit.interval[0] <= -1.0 <= fit.interval[1]


def test_data_that_cannot_identify_the_fit_raise_not_identified() -> None:
    with pytest.raises(NotIdentified, match="observed rows"):
        tobit([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [0.0, 1.0, 2.0], [False, True, True])
    with pytest.raises(NotIdentified, match="full column rank"):
        tobit([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 2.0]], [0.0, 0.1, 0.2, 2.0], [False, False, False, True])
    with pytest.raises(NotIdentified, match="all 2 rows censored"):
        censored_regression([[0.0, 1.0]], [1.0, 2.0], [True, True], [0, 0], 0.95)
    assert issubclass(NotIdentified, ValueError)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: tobit([1.0, 2.0], [1.0, 2.0], [False, False]), "X must be a 2-D array"),  # type: ignore[list-item]
    (lambda: tobit([[1.0], [2.0]], [1.0], [False, False]), "y must have 2 values"),
    (lambda: tobit([[1.0], [2.0]], [1.0, float("nan")], [False, False]), r"y\[1\] must be finite"),
    (lambda: tobit([[1.0], [2.0]], [1.0, 2.0], [False, 1]), r"censored\[1\] must be a boolean"),  # type: ignore[list-item]
    (lambda: profile_interval([[1.0], [2.0], [3.0]], [1.0, 2.1, 2.9], [False] * 3, 1, 0.95), "column must be"),
    (lambda: profile_interval([[1.0], [2.0], [3.0]], [1.0, 2.1, 2.9], [False] * 3, 0, 1.5), "level must be"),
    (lambda: censored_regression([], [1.0], [False], [0], 0.95), "xs must hold"),
    (lambda: censored_regression([[1.0, 2.0]], [1.0], [False], [0], 0.95), r"xs\[0\] must have"),
    (lambda: censored_regression([[1.0]], [1.0], [False], [[0]], 0.95), r"groups\[0\] must be hashable"),
    (lambda: censored_power_offset([1.0, -1.0], [1.0, 2.0], [False] * 2, [0, 0], 0.95, [-1.0, 0.0]),
     r"xs\[1\] must be > 0"),
    (lambda: censored_power_offset([1.0, 2.0], [1.0, 2.0], [False] * 2, [0, 0], 0.95, [0.0, -1.0]),
     "grid must be"),
])
def test_bad_input_raises_one_line_naming_the_parameter(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        call()  # type: ignore[operator]
    assert "\n" not in str(info.value)
