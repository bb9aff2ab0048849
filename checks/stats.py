"""The statistics behind bovit's verdicts: exact binomial intervals, bound verdicts, multiplicity
control, implied constants of exp(−C·g) bounds and their trend, slopes and crossings.

The protocol is DESIGN.md "Verdicts: the statistical protocol". Every error rate is k errors in n
test points with an exact Clopper–Pearson interval; a verdict is one of

- ``"confirmed"``: the data put the claim on the right side of the bound with confidence;
- ``"refuted"``: the data put it on the wrong side with confidence;
- ``"inconclusive"``: neither (including "too little data": small n never *confirms*);
- ``"out-of-scope"``: the simulated point does not satisfy the theorem's hypotheses, so a
  violation there is reported but is no refutation.

Only numpy and scipy are used. Every public function validates its input through
:mod:`bounds.validate` and raises one ``ValueError`` naming the parameter and its value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
from scipy import stats as sps

from bounds import validate as v

# The confidence level of every interval and verdict family (before multiplicity correction), stated once.
LEVEL = 0.95
CHANCE = 0.5  # the error of a guess between two balanced classes (a fact of the data, not a tolerance)

__all__ = [
    "DEFAULT_S_MIN",
    "LEVEL",
    "VERDICTS",
    "BoundCheck",
    "ImpliedConstant",
    "SlopeFit",
    "TrendResult",
    "Verdict",
    "bonferroni_level",
    "bound_verdict",
    "clopper_pearson",
    "constant_trend",
    "crossing_point",
    "fit_boundary_slope",
    "holm",
    "implied_constant",
    "lower_bound_verdict",
    "lower_limit",
    "upper_limit",
]

Verdict = Literal["confirmed", "refuted", "inconclusive", "out-of-scope"]
VERDICTS: tuple[Verdict, ...] = ("confirmed", "refuted", "inconclusive", "out-of-scope")

# Default decay rate for constant_trend: the claim "one absolute C > 0" is refuted only when
# Ĉ demonstrably falls at least like g^{-1/2}.
DEFAULT_S_MIN = 0.5


# -- validation helpers -----------------------------------------------------------------------------


def _level(level: object, name: str = "level") -> float:
    return v.open_unit(name, level)


def _count(name: str, k: object, n: int) -> int:
    """``k`` as an integer in [0, n]."""
    out = v.as_int(name, k)
    if not 0 <= out <= n:
        raise ValueError(f"{name} must be an integer in [0, n={n}], got {k}")
    return out


def _sequence(name: str, values: object) -> list[object]:
    """``values`` as a list; a string or a non-iterable is rejected."""
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a sequence, got {values!r}")
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {values.shape}")
    return list(cast("Iterable[object]", values))  # iterable: checked above


def _floats(name: str, values: object) -> np.ndarray:
    items = _sequence(name, values)
    return np.array([v.as_float(f"{name}[{i}]", x) for i, x in enumerate(items)], dtype=float)


def _same_length(name_a: str, a: Sequence[object], name_b: str, b: Sequence[object]) -> None:
    if len(a) != len(b):
        raise ValueError(f"{name_b} must have the same length as {name_a} ({len(a)}), got length {len(b)}")


def _neg_log(x: float) -> float:
    """−log x, with −log 0 = +inf and −log 1 = +0.0 (never −0.0)."""
    return math.inf if x <= 0.0 else 0.0 - math.log(x)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


# -- Clopper–Pearson ----------------------------------------------------------------------------------


def clopper_pearson(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Exact two-sided Clopper–Pearson interval for a binomial proportion from k successes in n.

    With α = 1 − level: lo = Beta⁻¹(α/2; k, n−k+1) (lo = 0 when k = 0) and
    hi = Beta⁻¹(1−α/2; k+1, n−k) (hi = 1 when k = n). Equivalently hi solves
    P(Bin(n, hi) ≤ k) = α/2 and lo solves P(Bin(n, lo) ≥ k) = α/2 (Clopper & Pearson, 1934).
    Coverage is ≥ level for every true p.
    """
    n = v.positive_int("n", n)
    k = _count("k", k, n)
    alpha = 1.0 - _level(level)
    lo = 0.0 if k == 0 else float(sps.beta.ppf(alpha / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(sps.beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lo, hi


def upper_limit(k: int, n: int, level: float = LEVEL) -> float:
    """One-sided exact upper confidence limit: P(p ≤ hi) ≥ level.

    hi = Beta⁻¹(level; k+1, n−k), and hi = 1 when k = n (Clopper–Pearson, one-sided).
    """
    n = v.positive_int("n", n)
    k = _count("k", k, n)
    level = _level(level)
    return 1.0 if k == n else float(sps.beta.ppf(level, k + 1, n - k))


def lower_limit(k: int, n: int, level: float = LEVEL) -> float:
    """One-sided exact lower confidence limit: P(p ≥ lo) ≥ level.

    lo = Beta⁻¹(1 − level; k, n−k+1), and lo = 0 when k = 0 (Clopper–Pearson, one-sided).
    """
    n = v.positive_int("n", n)
    k = _count("k", k, n)
    level = _level(level)
    return 0.0 if k == 0 else float(sps.beta.ppf(1.0 - level, k, n - k + 1))


# -- bound verdicts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoundCheck:
    """The verdict on one bound at one point, with the intervals it was read from.

    ``lower_interval`` is the CP interval of the lower estimate (k_lower errors, e.g. an attack),
    ``upper_interval`` that of the upper estimate (k_upper errors, e.g. a certificate).
    """

    verdict: Verdict
    kind: Literal["upper", "lower"]
    bound: float
    n: int
    k_lower: int
    k_upper: int
    level: float
    lower_interval: tuple[float, float]
    upper_interval: tuple[float, float]
    reason: str


def _bracket(
    k_lower: object, k_upper: object, n: object, bound: object, level: object
) -> tuple[int, int, int, float, float]:
    n_ = v.positive_int("n", n)
    kl = _count("k_lower", k_lower, n_)
    ku = _count("k_upper", k_upper, n_)
    if kl > ku:
        raise ValueError(f"k_lower must be <= k_upper={ku}, got {k_lower}")
    b = v.nonnegative("bound", bound)
    return kl, ku, n_, b, _level(level)


def _between(b: float, kl: int, ku: int, n: int, lo_iv: tuple[float, float], up_iv: tuple[float, float],
             pct: str) -> str:
    return (f"bound {_fmt(b)} lies between the lower limit {_fmt(lo_iv[0])} ({kl}/{n}) and "
            f"the upper limit {_fmt(up_iv[1])} ({ku}/{n}) at {pct}")


def bound_verdict(
    k_lower: int,
    k_upper: int,
    n: int,
    bound: float,
    level: float = LEVEL,
) -> BoundCheck:
    """Verdict on an upper bound ``err ≤ B`` from a bracketed error count k_lower ≤ k_upper of n.

    With [lo⁻, hi⁻] the two-sided CP interval (at ``level``) of k_lower/n and [lo⁺, hi⁺] that of
    k_upper/n: *refuted* when lo⁻ > B (even the lower estimate is surely above B), *confirmed*
    when hi⁺ ≤ B (even the upper estimate is surely at most B), *inconclusive* otherwise. The two
    cannot both hold since lo⁻ ≤ lo⁺ < hi⁺. For clean error pass k_lower = k_upper. Whether the
    point meets the theorem's hypotheses is the claim's business (:func:`checks.claim.scoped`).
    """
    kl, ku, n_, b, lev = _bracket(k_lower, k_upper, n, bound, level)
    lo_iv = clopper_pearson(kl, n_, lev)
    up_iv = clopper_pearson(ku, n_, lev)
    pct = f"{100 * lev:g}%"
    verdict: Verdict
    if lo_iv[0] > b:
        verdict = "refuted"
        reason = (
            f"lower {pct} limit {_fmt(lo_iv[0])} of the lower estimate ({kl}/{n_}) exceeds the bound {_fmt(b)}"
        )
    elif up_iv[1] <= b:
        verdict = "confirmed"
        reason = f"upper {pct} limit {_fmt(up_iv[1])} of the upper estimate ({ku}/{n_}) is <= the bound {_fmt(b)}"
    else:
        verdict, reason = "inconclusive", _between(b, kl, ku, n_, lo_iv, up_iv, pct)
    return BoundCheck(verdict, "upper", b, n_, kl, ku, lev, lo_iv, up_iv, reason)


def lower_bound_verdict(
    k_lower: int,
    k_upper: int,
    n: int,
    bound: float,
    level: float = LEVEL,
) -> BoundCheck:
    """Verdict on a lower bound ``err ≥ L`` (e.g. Theorem 4.3: robust error ≥ 1/4 or 1/2).

    With the intervals as in :func:`bound_verdict`: *refuted* when hi⁺ < L (even the upper
    estimate, e.g. a certificate, is surely below L), *confirmed* when lo⁻ ≥ L (even the lower
    estimate, e.g. an attack, is surely at least L), *inconclusive* otherwise.
    """
    kl, ku, n_, b, lev = _bracket(k_lower, k_upper, n, bound, level)
    lo_iv = clopper_pearson(kl, n_, lev)
    up_iv = clopper_pearson(ku, n_, lev)
    pct = f"{100 * lev:g}%"
    verdict: Verdict
    if up_iv[1] < b:
        verdict = "refuted"
        reason = f"upper {pct} limit {_fmt(up_iv[1])} of the upper estimate ({ku}/{n_}) is below the bound {_fmt(b)}"
    elif lo_iv[0] >= b:
        verdict = "confirmed"
        reason = f"lower {pct} limit {_fmt(lo_iv[0])} of the lower estimate ({kl}/{n_}) is >= the bound {_fmt(b)}"
    else:
        verdict, reason = "inconclusive", _between(b, kl, ku, n_, lo_iv, up_iv, pct)
    return BoundCheck(verdict, "lower", b, n_, kl, ku, lev, lo_iv, up_iv, reason)


# -- multiplicity -------------------------------------------------------------------------------------


def holm(p_values: Sequence[float], alpha: float = 0.05) -> list[bool]:
    """Holm–Bonferroni step-down rejections at family-wise error rate ``alpha``, in input order.

    Sort p ascending as p₍₁₎ ≤ … ≤ p₍ₘ₎; reject H₍₁₎ … H₍ⱼ₋₁₎ where j is the first index with
    p₍ⱼ₎ > α/(m − j + 1) (Holm, 1979). It equals closed testing with Bonferroni local tests.
    """
    p = _floats("p_values", p_values)
    for i, x in enumerate(p):
        if not 0.0 <= x <= 1.0:
            raise ValueError(f"p_values[{i}] must be in [0, 1], got {x:g}")
    alpha = _level(alpha, "alpha")
    m = len(p)
    order = np.argsort(p, kind="stable")
    out = [False] * m
    for rank, idx in enumerate(order):
        if p[idx] <= alpha / (m - rank):
            out[int(idx)] = True
        else:
            break
    return out


def bonferroni_level(level: float, m: int) -> float:
    """Per-test confidence level giving family-wise confidence ``level`` over m tests.

    Bonferroni: 1 − (1 − level)/m, since P(any of m fails) ≤ Σ (1 − level)/m = 1 − level.
    """
    level = _level(level)
    m = v.positive_int("m", m)
    return 1.0 - (1.0 - level) / m


# -- implied constants --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpliedConstant:
    """The constant C implied by err = exp(−C·g) at one point, with its interval.

    ``c_hat`` = −log(k/n)/g is +inf when k = 0 (C is then only bounded below: ``c_hi`` = +inf) and
    0 when k = n. ``(c_lo, c_hi)`` = (−log err_hi / g, −log err_lo / g) from the CP interval of err.
    """

    k: int
    n: int
    g: float
    level: float
    err: float
    err_interval: tuple[float, float]
    c_hat: float
    c_lo: float
    c_hi: float

    @property
    def bounded_above(self) -> bool:
        """True when some error was seen (k > 0), so that C has a finite upper limit."""
        return self.k > 0

    @property
    def usable(self) -> bool:
        """True when Ĉ is finite and positive (0 < k < n): the point can enter a log-log fit."""
        return 0 < self.k < self.n


def implied_constant(k: int, n: int, g: float, level: float = LEVEL) -> ImpliedConstant:
    """Ĉ = −log(err̂)/g for a bound err ≤ exp(−C·g), with the interval mapped from CP.

    g = d·SNR² for clean error, d·SNR²(1 − τ/‖µ‖)² for robust error (DESIGN.md). Since C ↦
    exp(−C·g) is decreasing, [err_lo, err_hi] at ``level`` maps to [−log(err_hi)/g, −log(err_lo)/g];
    err_lo = 0 (k = 0) gives c_hi = +inf, err_hi = 1 (k = n) gives c_lo = 0.
    """
    n_ = v.positive_int("n", n)
    k_ = _count("k", k, n_)
    g_ = v.positive("g", g)
    lev = _level(level)
    lo, hi = clopper_pearson(k_, n_, lev)
    err = k_ / n_
    return ImpliedConstant(
        k=k_,
        n=n_,
        g=g_,
        level=lev,
        err=err,
        err_interval=(lo, hi),
        c_hat=_neg_log(err) / g_,
        c_lo=_neg_log(hi) / g_,
        c_hi=_neg_log(lo) / g_,
    )


# -- regression ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlopeFit:
    """An ordinary-least-squares line y = intercept + slope·x with a t-interval for the slope."""

    slope: float
    intercept: float
    slope_interval: tuple[float, float]
    slope_se: float
    r2: float
    n: int
    level: float

    def covers(self, value: float) -> bool:
        """True when ``value`` lies in the slope's confidence interval."""
        value = v.as_float("value", value)
        return self.slope_interval[0] <= value <= self.slope_interval[1]


def _ols(x: np.ndarray, y: np.ndarray, level: float) -> SlopeFit:
    """OLS slope with a Student-t interval on n − 2 degrees of freedom (inputs already checked)."""
    n = len(x)
    xm, ym = float(x.mean()), float(y.mean())
    sxx = float(((x - xm) ** 2).sum())
    slope = float(((x - xm) * (y - ym)).sum()) / sxx
    intercept = ym - slope * xm
    resid = y - (intercept + slope * x)
    ss_res = float((resid**2).sum())
    ss_tot = float(((y - ym) ** 2).sum())
    se = math.sqrt(ss_res / (n - 2) / sxx)
    t = float(sps.t.ppf(0.5 + level / 2, n - 2))
    r2 = 1.0 if ss_tot == 0.0 else max(0.0, 1.0 - ss_res / ss_tot)
    return SlopeFit(slope, intercept, (slope - t * se, slope + t * se), se, r2, n, level)


def fit_boundary_slope(
    xs: Sequence[float], ys: Sequence[float], level: float = LEVEL, *, loglog: bool = False
) -> SlopeFit:
    """OLS slope of ys on xs with a two-sided t-interval at ``level`` and R².

    slope = Sxy/Sxx, se = √(SSres/(n−2)/Sxx), interval slope ± t_{n−2, (1+level)/2}·se;
    R² = 1 − SSres/SStot (1 when ys are constant). With ``loglog=True`` both are logged first
    (they must then be > 0), e.g. log SNR*(N) against log N, where the prediction is −1/2.
    Needs ≥ 3 points (one residual degree of freedom) and at least two distinct xs.
    """
    x = _floats("xs", xs)
    y = _floats("ys", ys)
    _same_length("xs", list(x), "ys", list(y))
    lev = _level(level)
    if len(x) < 3:
        raise ValueError(f"xs must have at least 3 points, got {len(x)}")
    if loglog:
        for name, arr in (("xs", x), ("ys", y)):
            bad = np.flatnonzero(arr <= 0)
            if bad.size:
                i = int(bad[0])
                raise ValueError(f"{name}[{i}] must be > 0 for loglog=True, got {arr[i]:g}")
        x, y = np.log(x), np.log(y)
    if float(np.ptp(x)) == 0.0:
        raise ValueError(f"xs must contain at least two distinct values, got all {float(x[0]):g}")
    return _ols(x, y, lev)


# -- trend of the implied constant --------------------------------------------------------------------


@dataclass(frozen=True)
class TrendResult:
    """Does the implied constant Ĉ trend to 0 as g grows? (see :func:`constant_trend`)

    Fit fields are None when fewer than 3 usable points (0 < k < n) or one distinct g remain.
    """

    verdict: Verdict
    reason: str
    slope: float | None
    slope_interval: tuple[float, float] | None
    rho: float | None
    rho_p: float | None
    min_c_lo: float
    c_hi_at_max_g: float
    small_g_min_c_lo: float
    max_g: float
    n_points: int
    n_usable: int
    level: float
    s_min: float


def constant_trend(
    points: Sequence[ImpliedConstant], level: float = LEVEL, *, s_min: float = DEFAULT_S_MIN
) -> TrendResult:
    """Test the claim "one absolute C > 0 gives err ≤ exp(−C·g)" from implied constants over g.

    Every point's C interval is recomputed at ``level`` from its (k, n, g). The fit uses the
    *usable* points (0 < k < n, Ĉ finite and positive): OLS of log Ĉ on log g with a two-sided
    t-interval [s_lo, s_hi] at ``level`` for the slope s, plus Spearman's ρ (with its p-value) as
    a robust companion that does not enter the verdict. Define

    - min C_lo: the smallest lower limit over *all* points (k = 0 points included, k = n gives 0);
    - C_hi(g_max): the largest upper limit among the points at the largest g (+inf if any has k = 0);
    - C_lo(small g): the smallest lower limit over the points whose g is in the lower half of the
      distinct g values (the ⌈D/2⌉ smallest of D).

    Verdict:

    - fewer than 3 usable points or fewer than 2 distinct g among them → *inconclusive*;
    - *refuted* when s_hi < −s_min (Ĉ decays at least like g^(−s_min); default s_min = 1/2) AND
      C_hi(g_max) < C_lo(small g) (the constant at the largest g is surely below every constant
      at small g; a zero-error point at g_max, C_hi = +inf, blocks this, which guards against the
      fit having dropped the k = 0 points);
    - *confirmed* when min C_lo > 0 AND s_hi ≥ 0 (the slope's interval contains 0 or is positive)
      AND s_lo > −s_min (a decay as fast as g^(−s_min) is ruled out, so a wide interval from few
      or noisy points does not confirm);
    - *inconclusive* otherwise.

    Each condition is a ``level`` statement; for a family of trends use :func:`bonferroni_level`.
    """
    items: list[ImpliedConstant] = []
    for i, p in enumerate(_sequence("points", points)):
        if not isinstance(p, ImpliedConstant):
            raise ValueError(f"points[{i}] must be an ImpliedConstant, got {p!r}")
        items.append(p)
    if not items:
        raise ValueError("points must contain at least one ImpliedConstant, got []")
    lev = _level(level)
    s_min_ = v.positive("s_min", s_min)
    pts = [implied_constant(p.k, p.n, p.g, lev) for p in items]

    min_c_lo = min(p.c_lo for p in pts)
    max_g = max(p.g for p in pts)
    c_hi_at_max_g = max(p.c_hi for p in pts if p.g == max_g)
    distinct = sorted({p.g for p in pts})
    small_cut = distinct[max(0, math.ceil(len(distinct) / 2) - 1)]
    small = [p for p in pts if p.g <= small_cut and p.g < max_g]
    small_g_min_c_lo = min((p.c_lo for p in small), default=0.0)

    usable = [p for p in pts if p.usable]
    def result(verdict: Verdict, reason: str, slope: float | None, interval: tuple[float, float] | None,
               rho: float | None, rho_p: float | None) -> TrendResult:
        return TrendResult(verdict, reason, slope, interval, rho, rho_p, min_c_lo, c_hi_at_max_g, small_g_min_c_lo,
                           max_g, len(pts), len(usable), lev, s_min_)

    if len(usable) < 3 or len({p.g for p in usable}) < 2:
        reason = (
            f"only {len(usable)} usable point(s) (0 < k < n) at {len({p.g for p in usable})} distinct g; "
            "need >= 3 points at >= 2 distinct g to fit a trend"
        )
        return result("inconclusive", reason, None, None, None, None)

    lg = np.log([p.g for p in usable])
    lc = np.log([p.c_hat for p in usable])
    fit = _ols(lg, lc, lev)
    s_lo, s_hi = fit.slope_interval
    if float(np.ptp(lc)) == 0.0:
        rho, rho_p = 0.0, 1.0  # Ĉ identical everywhere: no monotone trend at all
    else:
        res = sps.spearmanr(lg, lc)
        rho, rho_p = float(res.statistic), float(res.pvalue)

    pct = f"{100 * lev:g}%"
    slope_txt = f"slope of log Ĉ on log g {_fmt(fit.slope)} [{_fmt(s_lo)}, {_fmt(s_hi)}] ({pct}, {len(usable)} pts)"
    verdict: Verdict
    if s_hi < -s_min_ and c_hi_at_max_g < small_g_min_c_lo:
        verdict = "refuted"
        reason = (
            f"Ĉ decays: {slope_txt} is below -{_fmt(s_min_)}, and C_hi {_fmt(c_hi_at_max_g)} at g={_fmt(max_g)} "
            f"is below every small-g C_lo (min {_fmt(small_g_min_c_lo)})"
        )
    elif min_c_lo > 0 and s_hi >= 0 and s_lo > -s_min_:
        verdict = "confirmed"
        reason = (
            f"min C_lo {_fmt(min_c_lo)} > 0 and {slope_txt} contains 0 or is positive "
            f"and excludes decay faster than g^-{_fmt(s_min_)}"
        )
    else:
        why = []
        if s_hi < -s_min_:
            why.append(
                f"slope below -{_fmt(s_min_)} but C_hi {_fmt(c_hi_at_max_g)} at g={_fmt(max_g)} "
                f"is not below the small-g C_lo {_fmt(small_g_min_c_lo)}"
            )
        if min_c_lo <= 0:
            why.append("min C_lo is 0 (a point with k = n)")
        if s_hi < 0 and not s_hi < -s_min_:
            why.append("slope interval is entirely negative")
        if s_lo <= -s_min_ and not s_hi < -s_min_:
            why.append(f"slope interval reaches -{_fmt(s_min_)} or below")
        verdict = "inconclusive"
        reason = f"{slope_txt}; " + "; ".join(why)
    return result(verdict, reason, fit.slope, (s_lo, s_hi), rho, rho_p)


# -- crossing point -----------------------------------------------------------------------------------


def crossing_point(
    xs: Sequence[float],
    ys: Sequence[float],
    threshold: float,
    *,
    direction: Literal["either", "up", "down"] = "either",
) -> float | None:
    """Smallest x where the curve (xs, ys) reaches ``threshold``, interpolated linearly in log x.

    Points are sorted by x (xs must be > 0 and distinct). On the first segment [x_i, x_{i+1}]
    where y − t changes sign (or hits 0), x* = exp(log x_i + (t − y_i)/(y_{i+1} − y_i)·
    (log x_{i+1} − log x_i)). ``direction="up"`` only counts y_i < t ≤ y_{i+1}, ``"down"`` only
    y_i > t ≥ y_{i+1}; ``"either"`` also counts a first point exactly at t. None if never reached.
    """
    x = _floats("xs", xs)
    y = _floats("ys", ys)
    _same_length("xs", list(x), "ys", list(y))
    t = v.as_float("threshold", threshold)
    v.choice("direction", direction, ("either", "up", "down"))
    if len(x) < 2:
        raise ValueError(f"xs must have at least 2 points, got {len(x)}")
    bad = np.flatnonzero(x <= 0)
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"xs[{i}] must be > 0, got {x[i]:g}")
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if np.any(np.diff(x) == 0):
        i = int(np.flatnonzero(np.diff(x) == 0)[0])
        raise ValueError(f"xs must be distinct, got {x[i]:g} twice")
    if direction == "either" and y[0] == t:
        return float(x[0])
    for i in range(len(x) - 1):
        a, b = y[i] - t, y[i + 1] - t
        up = a < 0 <= b
        down = a > 0 >= b
        if (direction == "up" and up) or (direction == "down" and down) or (direction == "either" and (up or down)):
            frac = (t - y[i]) / (y[i + 1] - y[i])
            lx = math.log(x[i]) + frac * (math.log(x[i + 1]) - math.log(x[i]))
            return float(min(max(math.exp(lx), x[i]), x[i + 1]))
    return None



# -- equivalence ------------------------------------------------------------------------------------------


def equivalence_verdict(estimate: float, interval: tuple[float, float], predicted: float,
                        margin: float) -> tuple[Verdict, str]:
    """Verdict on an equality claim "the quantity equals ``predicted``" from an estimate and its interval.

    *refuted* when the interval [lo, hi] excludes ``predicted``; *confirmed* only by an equivalence test,
    when the whole interval lies within predicted ± ``margin`` (so a wide interval that merely contains the
    prediction does not confirm); *inconclusive* otherwise. An interval may be open (±inf) on a side,
    which then never confirms. The text states the estimate, the interval, the prediction and the margin.
    """
    est = v.as_float("estimate", estimate)
    pred = v.as_float("predicted", predicted)
    m = v.positive("margin", margin)
    if isinstance(interval, str | bytes) or not hasattr(interval, "__len__") or len(interval) != 2:
        raise ValueError(f"interval must be a pair (lo, hi), got {interval!r}")
    ends = []
    for name, x in zip(("interval[0]", "interval[1]"), interval, strict=True):
        if isinstance(x, bool) or not isinstance(x, int | float | np.floating | np.integer) or math.isnan(x):
            raise ValueError(f"{name} must be a number (±inf for an open end), got {x!r}")
        ends.append(float(x))
    lo, hi = ends
    if lo == math.inf or hi == -math.inf:
        raise ValueError(f"interval must not start at +inf or end at -inf, got {interval!r}")
    if not lo <= est <= hi:
        raise ValueError(f"estimate must lie in its interval [{_fmt(lo)}, {_fmt(hi)}], got {estimate!r}")
    band = (pred - m, pred + m)
    shown = f"{_fmt(est)} [{_fmt(lo)}, {_fmt(hi)}] against {_fmt(pred)} ± {_fmt(m)}"
    verdict: Verdict
    if not lo <= pred <= hi:
        verdict, text = "refuted", f"{shown}: the interval excludes {_fmt(pred)}"
    elif band[0] <= lo and hi <= band[1]:
        verdict, text = "confirmed", (f"{shown}: the whole interval lies within [{_fmt(band[0])}, "
                                      f"{_fmt(band[1])}]")
    else:
        verdict, text = "inconclusive", (f"{shown}: the interval contains {_fmt(pred)} but reaches outside "
                                         f"[{_fmt(band[0])}, {_fmt(band[1])}]")
    return verdict, text


__all__ += ["equivalence_verdict"]
