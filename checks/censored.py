"""Regression with right-censored responses: training times of runs that stop at T_max above ε.

A run that does not reach ε by T_max has no observed time, only the bound T > T_max. Dropping it biases a
fit of the time toward the faster runs (the slow end of a grid is cut off first), so the fits here keep it:
the response is modelled as y = X·β + σ·e with e ~ N(0, 1) (a Tobit model, Tobin 1958), an observed run
contributing the density of its y and a censored one the probability P(y > bound) = Φ((X·β − bound)/σ).

The likelihood is maximised by Newton's method in Olsen's (1978) parametrisation γ = β/σ, θ = 1/σ, in which
it is concave, so the maximum is unique when it exists. It exists when the observed rows alone identify β
(their design has full column rank) and leave a residual (more observed rows than coefficients, not fitted
exactly); otherwise the fit raises :class:`NotIdentified`.

Intervals are profile-likelihood intervals {b : 2·(ℓ̂ − ℓ_p(b)) ≤ n·log(1 + F₁,ν(level)/ν)}, ν the observed
rows less the coefficients. Without censoring 2·(ℓ̂ − ℓ_p(b)) = n·log(SSR(b)/SSR(b̂)), so the interval is
then exactly the Student-t interval of least squares; with censoring it is calibrated by the observed rows'
degrees of freedom only.

Every public function validates its input and raises one ``ValueError`` naming the parameter and its value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special
from scipy import stats as sps

from bounds import validate as v

__all__ = [
    "CensoredRegression",
    "NotIdentified",
    "PowerOffsetFit",
    "TobitFit",
    "censored_power_offset",
    "censored_regression",
    "profile_interval",
    "tobit",
]


class NotIdentified(ValueError):
    """The censored likelihood has no maximum at these data (the observed rows do not pin β down)."""


@dataclass(frozen=True)
class TobitFit:
    """The maximum-likelihood fit of y = X·β + σ·e with right-censored rows."""

    coef: tuple[float, ...]
    sigma: float
    loglik: float
    se: tuple[float, ...]  # Wald standard errors of coef (observed information, delta method)
    n: int
    n_censored: int


# -- validation -------------------------------------------------------------------------------------


def _matrix(name: str, X: object) -> np.ndarray:
    try:
        arr = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 2-D array of numbers, got {X!r}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)][0]!r}")
    return arr


def _vector(name: str, values: object, n: int | None = None) -> np.ndarray:
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a sequence of numbers, got {values!r}")
    items = list(values)
    out = np.array([v.as_float(f"{name}[{i}]", x) for i, x in enumerate(items)], dtype=float)
    if n is not None and len(out) != n:
        raise ValueError(f"{name} must have {n} values, got {len(out)}")
    return out


def _flags(name: str, values: object, n: int) -> np.ndarray:
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a sequence of booleans, got {values!r}")
    items = list(values)
    for i, x in enumerate(items):
        if not isinstance(x, bool | np.bool_):
            raise ValueError(f"{name}[{i}] must be a boolean, got {x!r}")
    if len(items) != n:
        raise ValueError(f"{name} must have {n} values, got {len(items)}")
    return np.array(items, dtype=bool)


def _inputs(X: object, y: object, censored: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Xa = _matrix("X", X)
    ya = _vector("y", y, Xa.shape[0])
    ca = _flags("censored", censored, Xa.shape[0])
    return Xa, ya, ca


def _basis(X: np.ndarray) -> np.ndarray:
    """An orthonormal basis of X's column space (the likelihood depends on X through it only; at s = 0 the
    power-offset design repeats its intercepts)."""
    U, sv, _ = np.linalg.svd(X, full_matrices=False)
    return U[:, sv > sv[0] * 1e-10] if len(sv) else U


def _check_identified(X: np.ndarray, y: np.ndarray, cens: np.ndarray) -> None:
    Xu, yu = X[~cens], y[~cens]
    p = X.shape[1]
    if len(yu) <= p:
        raise NotIdentified(f"censored must leave more observed rows than coefficients ({p}), got {len(yu)} "
                            f"observed of {len(y)}")
    if p and np.linalg.matrix_rank(Xu) < p:
        raise NotIdentified(f"X's observed rows must have full column rank {p}, got rank "
                            f"{np.linalg.matrix_rank(Xu)} ({int(cens.sum())} of {len(y)} rows censored)")
    resid = yu - Xu @ np.linalg.lstsq(Xu, yu, rcond=None)[0] if p else yu - 0.0
    if float(resid @ resid) <= 1e-24 * max(1.0, float(yu @ yu)):
        raise NotIdentified(f"y's observed rows must not be fitted exactly by X, got residual sum of squares "
                            f"{float(resid @ resid):.3g}")


# -- the likelihood ---------------------------------------------------------------------------------


def _mills(z: np.ndarray) -> np.ndarray:
    """φ(z)/Φ(z), computed in the log domain (stable for z ≪ 0, where it is ≈ −z)."""
    return np.exp(sps.norm.logpdf(z) - special.log_ndtr(z))


def _loglik(X: np.ndarray, y: np.ndarray, cens: np.ndarray, gamma: np.ndarray, theta: float) -> float:
    obs = ~cens
    r = theta * y[obs] - X[obs] @ gamma
    z = X[cens] @ gamma - theta * y[cens]
    return float(obs.sum() * (math.log(theta) - 0.5 * math.log(2 * math.pi)) - 0.5 * (r @ r)
                 + special.log_ndtr(z).sum())


def _grad_hess(X: np.ndarray, y: np.ndarray, cens: np.ndarray, gamma: np.ndarray,
               theta: float) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and Hessian of the log-likelihood in (γ, θ)."""
    p = X.shape[1]
    obs = ~cens
    Xo, yo, Xc, yc = X[obs], y[obs], X[cens], y[cens]
    r = theta * yo - Xo @ gamma
    z = Xc @ gamma - theta * yc
    lam = _mills(z)
    h = -lam * (z + lam)  # d² log Φ(z) / dz² ≤ 0
    g = np.empty(p + 1)
    g[:p] = Xo.T @ r + Xc.T @ lam
    g[p] = obs.sum() / theta - r @ yo - lam @ yc
    H = np.empty((p + 1, p + 1))
    H[:p, :p] = -Xo.T @ Xo + (Xc * h[:, None]).T @ Xc
    H[:p, p] = Xo.T @ yo - (Xc * h[:, None]).T @ yc
    H[p, :p] = H[:p, p]
    H[p, p] = -obs.sum() / theta**2 - yo @ yo + h @ (yc * yc)
    return g, H


def _maximise(X: np.ndarray, y: np.ndarray, cens: np.ndarray) -> tuple[np.ndarray, float, float, np.ndarray]:
    """(γ̂, θ̂, ℓ̂, Hessian) by damped Newton steps from least squares on every row at its value or bound."""
    p = X.shape[1]
    beta = np.linalg.lstsq(X, y, rcond=None)[0] if p else np.zeros(0)
    resid = y - X @ beta if p else y.copy()
    sigma = max(math.sqrt(float(resid @ resid) / len(y)), 1e-3 * (float(np.std(y)) + 1e-12), 1e-12)
    gamma, theta = beta / sigma, 1.0 / sigma
    ll = _loglik(X, y, cens, gamma, theta)
    for _ in range(500):
        g, H = _grad_hess(X, y, cens, gamma, theta)
        try:
            step = np.linalg.solve(H, -g)
        except np.linalg.LinAlgError:
            step = g / max(1.0, float(np.abs(np.diag(H)).max()))
        if float(step @ g) <= 0:  # not an ascent direction: fall back to the gradient
            step = g / max(1.0, float(np.abs(np.diag(H)).max()))
        t = 1.0
        while True:
            ng, nt = gamma + t * step[:p], float(theta + t * step[p])
            if nt > 0:
                nll = _loglik(X, y, cens, ng, nt)
                if nll >= ll - 1e-12 * max(1.0, abs(ll)):
                    break
            t /= 2
            if t < 1e-12:
                ng, nt, nll = gamma, theta, ll
                break
        done = abs(nll - ll) <= 1e-12 * max(1.0, abs(ll)) and float(np.abs(t * step).max()) <= 1e-9 * (
            1.0 + float(np.abs(np.append(gamma, theta)).max()))
        gamma, theta, ll = ng, nt, nll
        if done or t < 1e-12:
            break
    _, H = _grad_hess(X, y, cens, gamma, theta)
    return gamma, theta, ll, H


def _fit(X: np.ndarray, y: np.ndarray, cens: np.ndarray) -> TobitFit:
    _check_identified(X, y, cens)
    gamma, theta, ll, H = _maximise(X, y, cens)
    p = X.shape[1]
    beta = gamma / theta
    try:
        cov = np.linalg.inv(-H)
    except np.linalg.LinAlgError:
        cov = np.full((p + 1, p + 1), np.nan)
    se = []
    for j in range(p):
        jac = np.zeros(p + 1)
        jac[j], jac[p] = 1 / theta, -gamma[j] / theta**2
        var = float(jac @ cov @ jac)
        se.append(math.sqrt(var) if var > 0 else math.nan)
    return TobitFit(tuple(float(b) for b in beta), float(1 / theta), ll, tuple(se), len(y), int(cens.sum()))


def tobit(X: Sequence[Sequence[float]] | np.ndarray, y: Sequence[float], censored: Sequence[bool]) -> TobitFit:
    """Maximum-likelihood fit of y = X·β + σ·e, e ~ N(0, 1), where ``censored[i]`` means only y_i* > y[i] is
    known (y[i] is the bound). Raises :class:`NotIdentified` when the maximum does not exist (see the module)."""
    return _fit(*_inputs(X, y, censored))


# -- profile intervals ------------------------------------------------------------------------------


def _cut(n: int, dof: int, level: float) -> float:
    """The profile-likelihood cut n·log(1 + F₁,ν(level)/ν): the exact t-interval without censoring."""
    return n * math.log1p(float(sps.f.ppf(level, 1, dof)) / dof)


def _profile(X: np.ndarray, y: np.ndarray, cens: np.ndarray, j: int, b: float) -> float:
    """ℓ maximised with coefficient j held at b."""
    rest = np.delete(X, j, axis=1)
    shifted = y - b * X[:, j]
    return _maximise(rest, shifted, cens)[2]


def _interval(X: np.ndarray, y: np.ndarray, cens: np.ndarray, j: int, level: float,
              fit: TobitFit) -> tuple[float, float]:
    dof = int((~cens).sum()) - X.shape[1]
    cut = _cut(len(y), dof, level)
    est = fit.coef[j]

    def excess(b: float) -> float:
        return 2 * (fit.loglik - _profile(X, y, cens, j, b)) - cut

    scale = fit.se[j] if math.isfinite(fit.se[j]) and fit.se[j] > 0 else max(1.0, abs(est))
    # once the observed rows identify β the Gaussian part closes both ends; the open end is a guard only
    ends = []
    for sign in (-1.0, 1.0):
        step, inner = scale, est
        end = math.inf * sign
        for _ in range(60):
            outer = est + sign * step
            if excess(outer) > 0:
                end = optimize.brentq(excess, min(inner, outer), max(inner, outer), xtol=1e-10 * (1 + abs(est)))
                break
            inner, step = outer, step * 2
        ends.append(float(end))
    return ends[0], ends[1]


def profile_interval(X: Sequence[Sequence[float]] | np.ndarray, y: Sequence[float], censored: Sequence[bool],
                     column: int, level: float) -> tuple[float, float, float]:
    """(β̂_j, lo, hi): the estimate of coefficient ``column`` and its profile-likelihood interval at ``level``
    (see the module for the cut). An end the likelihood does not close (a coefficient that censoring bounds on
    one side only) is ±inf."""
    Xa, ya, ca = _inputs(X, y, censored)
    j = v.as_int("column", column)
    if not 0 <= j < Xa.shape[1]:
        raise ValueError(f"column must be an integer in [0, {Xa.shape[1] - 1}], got {column!r}")
    lev = v.open_unit("level", level)
    fit = _fit(Xa, ya, ca)
    lo, hi = _interval(Xa, ya, ca, j, lev, fit)
    return fit.coef[j], lo, hi


# -- regressions with one intercept per group -------------------------------------------------------


@dataclass(frozen=True)
class CensoredRegression:
    """y = a_group + Σ_k b_k·x_k + σ·e with right-censored rows; each b_k with its profile interval."""

    slopes: tuple[float, ...]
    intervals: tuple[tuple[float, float], ...]
    sigma: float
    n: int  # rows fitted
    n_censored: int  # of them censored
    absorbed: tuple[object, ...]  # groups left out: every row censored, so their own intercept absorbs them
    absorbed_rows: int
    dof: int  # observed rows fitted less the coefficients
    level: float


def _groups(name: str, groups: object, n: int) -> list[object]:
    if isinstance(groups, str | bytes) or not hasattr(groups, "__iter__"):
        raise ValueError(f"{name} must be a sequence of group labels, got {groups!r}")
    items = list(groups)
    if len(items) != n:
        raise ValueError(f"{name} must have {n} values, got {len(items)}")
    for i, g in enumerate(items):
        try:
            hash(g)
        except TypeError:
            raise ValueError(f"{name}[{i}] must be hashable, got {g!r}") from None
    return items


def censored_regression(xs: Sequence[Sequence[float]], ys: Sequence[float], censored: Sequence[bool],
                        groups: Sequence[object], level: float) -> CensoredRegression:
    """The censored fit of y = a_g + Σ_k b_k·x_k (``xs[k]`` the k-th regressor's values, one intercept per
    group g) with a profile interval for every b_k at ``level`` (no multiplicity correction).

    A group whose every row is censored is left out: its own intercept can rise without limit, which makes
    those rows' probabilities 1 and leaves the rest of the likelihood as it is, so the maximum over the other
    parameters is the fit without them (``absorbed`` names them). Raises :class:`NotIdentified` when the
    remaining observed rows do not identify the coefficients."""
    if isinstance(xs, str | bytes) or not hasattr(xs, "__iter__"):
        raise ValueError(f"xs must be a sequence of regressors, got {xs!r}")
    cols = [_vector(f"xs[{k}]", col) for k, col in enumerate(xs)]
    if not cols:
        raise ValueError("xs must hold at least one regressor, got none")
    y = _vector("ys", ys)
    for k, col in enumerate(cols):
        if len(col) != len(y):
            raise ValueError(f"xs[{k}] must have len(ys) = {len(y)} values, got {len(col)}")
    cens = _flags("censored", censored, len(y))
    labels = _groups("groups", groups, len(y))
    lev = v.open_unit("level", level)
    seen = list(dict.fromkeys(labels))
    absorbed = tuple(g for g in seen if all(c for c, lab in zip(cens, labels, strict=True) if lab == g))
    keep = np.array([lab not in absorbed for lab in labels])
    kept = [g for g in seen if g not in absorbed]
    if not kept:
        raise NotIdentified(f"censored must leave some observed row, got all {len(y)} rows censored")
    k = len(cols)
    X = np.column_stack([*(col[keep] for col in cols),
                         *(np.array([lab == g for lab, m in zip(labels, keep, strict=True) if m], float)
                           for g in kept)])
    yk, ck = y[keep], cens[keep]
    fit = _fit(X, yk, ck)
    intervals = tuple(_interval(X, yk, ck, j, lev, fit) for j in range(k))
    dof = int((~ck).sum()) - X.shape[1]
    return CensoredRegression(fit.coef[:k], intervals, fit.sigma, len(yk), int(ck.sum()), absorbed,
                              int((~keep).sum()), dof, lev)


# -- y = A_g + B_g·x^s: the exponent by profiling over a grid ---------------------------------------


@dataclass(frozen=True)
class PowerOffsetFit:
    """y = A_g + B_g·x^s (per group g) with right-censored rows: ŝ and its profile interval over ``grid``."""

    s: float
    interval: tuple[float, float]
    n: int
    n_censored: int
    dof: int


def censored_power_offset(xs: Sequence[float], ys: Sequence[float], censored: Sequence[bool],
                          groups: Sequence[object], level: float, grid: Sequence[float]) -> PowerOffsetFit:
    """For each s of ``grid`` the censored fit of y = A_g + B_g·x^s (x > 0); ŝ maximises the likelihood and
    the interval is {s : 2·(ℓ(ŝ) − ℓ(s)) ≤ n·log(1 + F₁,ν(level)/ν)}, ν = observed rows − 2·groups − 1.
    Without censoring this is least squares' F-test of s fixed. An interval reaching an end of the grid is
    open on that side. Raises :class:`NotIdentified` when at some s the observed rows do not identify the
    A_g, B_g (e.g. a group with fewer than two observed x)."""
    x = _vector("xs", xs)
    y = _vector("ys", ys, len(x))
    cens = _flags("censored", censored, len(x))
    labels = _groups("groups", groups, len(x))
    lev = v.open_unit("level", level)
    s_grid = _vector("grid", grid)
    if len(s_grid) < 2 or np.any(np.diff(s_grid) <= 0):
        raise ValueError(f"grid must be at least 2 increasing values, got {list(s_grid)[:4]}")
    bad = np.flatnonzero(x <= 0)
    if bad.size:
        raise ValueError(f"xs[{int(bad[0])}] must be > 0, got {x[int(bad[0])]:g}")
    kinds = list(dict.fromkeys(labels))
    dof = int((~cens).sum()) - 2 * len(kinds) - 1
    if dof < 1:
        raise NotIdentified(f"censored must leave more observed rows than 2·groups + 1 = {2 * len(kinds) + 1}, "
                            f"got {int((~cens).sum())}")
    ind = [np.array([lab == g for lab in labels], float) for g in kinds]

    def design(s: float) -> np.ndarray:
        return np.column_stack([*ind, *(c * x**s for c in ind)])

    fits: Callable[[float], float]
    if not cens.any():
        def fits(s: float) -> float:
            X = design(s)
            r = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
            ssr = max(float(r @ r), 1e-300)
            return -len(y) * (math.log(2 * math.pi * ssr / len(y)) + 1) / 2
    else:
        def fits(s: float) -> float:
            X = _basis(design(s))
            _check_identified(X, y, cens)
            return _maximise(X, y, cens)[2]
    ll = np.array([fits(float(s)) for s in s_grid])
    best = int(np.argmax(ll))
    inside = s_grid[2 * (ll[best] - ll) <= _cut(len(y), dof, lev)]
    return PowerOffsetFit(float(s_grid[best]), (float(inside.min()), float(inside.max())), len(y),
                          int(cens.sum()), dof)
