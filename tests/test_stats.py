"""Tests for :mod:`checks.stats`: exact intervals, verdict rules, multiplicity, implied constants,
trends, slopes, crossings, pooling, and bad input.

Expected values are computed here independently of the implementation: Clopper–Pearson limits by
root-finding on the binomial tail (not the beta quantile the module uses), Holm by brute-force
closed testing, coverage by exact summation over the binomial law.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import combinations, pairwise
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, stats

from checks.stats import (
    DEFAULT_S_MIN,
    VERDICTS,
    ImpliedConstant,
    bonferroni_level,
    bound_verdict,
    clopper_pearson,
    constant_trend,
    crossing_point,
    fit_boundary_slope,
    holm,
    implied_constant,
    lower_bound_verdict,
    lower_limit,
    upper_limit,
)

# -- independent references -------------------------------------------------------------------------


def cp_by_root(k: int, n: int, level: float) -> tuple[float, float]:
    """CP limits from their defining tail equations P(X ≥ k | lo) = α/2, P(X ≤ k | hi) = α/2."""
    a = (1 - level) / 2
    lo = 0.0 if k == 0 else optimize.brentq(lambda p: stats.binom.sf(k - 1, n, p) - a, 1e-15, 1 - 1e-15, xtol=1e-14)
    hi = 1.0 if k == n else optimize.brentq(lambda p: stats.binom.cdf(k, n, p) - a, 1e-15, 1 - 1e-15, xtol=1e-14)
    return lo, hi


def holm_closed_testing(p: list[float], alpha: float) -> list[bool]:
    """Closed testing with Bonferroni local tests: reject H_i iff every subset S ∋ i has min p ≤ α/|S|."""
    m = len(p)
    out = []
    for i in range(m):
        others = [j for j in range(m) if j != i]
        ok = True
        for r in range(m):
            for rest in combinations(others, r):
                s = (i, *rest)
                if not min(p[j] for j in s) <= alpha / len(s):
                    ok = False
                    break
            if not ok:
                break
        out.append(ok)
    return out


RANK = {"confirmed": 0, "inconclusive": 1, "refuted": 2}

# -- Clopper–Pearson ----------------------------------------------------------------------------------


def test_cp_known_values() -> None:
    # k = 0: hi = 1 − (α/2)^{1/n}; 0/10 at 95% is the textbook 0.3085.
    assert clopper_pearson(0, 10) == (0.0, pytest.approx(0.3085, abs=5e-5))
    assert clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-12)
    assert clopper_pearson(10, 10) == (pytest.approx(0.025 ** (1 / 10), rel=1e-12), 1.0)
    # Published table values (Clopper–Pearson 95%): 5/10 → (0.1871, 0.8129), 1/10 → (0.0025, 0.4450).
    lo, hi = clopper_pearson(5, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.1871, 0.8129)
    lo, hi = clopper_pearson(1, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.0025, 0.4450)


@given(
    n=st.integers(1, 300),
    data=st.data(),
    level=st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99, 0.999]),
)
def test_cp_matches_tail_definition(n: int, data: st.DataObject, level: float) -> None:
    k = data.draw(st.integers(0, n))
    got = clopper_pearson(k, n, level)
    want = cp_by_root(k, n, level)
    assert got[0] == pytest.approx(want[0], abs=1e-9)
    assert got[1] == pytest.approx(want[1], abs=1e-9)


@pytest.mark.parametrize("n", [5, 10, 37, 100])
@pytest.mark.parametrize("p", [0.001, 0.02, 0.1, 0.3, 0.5, 0.77, 0.99])
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_cp_coverage_exact(n: int, p: float, level: float) -> None:
    ks = np.arange(n + 1)
    pmf = stats.binom.pmf(ks, n, p)
    two = [clopper_pearson(int(k), n, level) for k in ks]
    cover = sum(w for w, (lo, hi) in zip(pmf, two, strict=True) if lo <= p <= hi)
    assert cover >= level - 1e-12
    up = sum(w for w, k in zip(pmf, ks, strict=True) if p <= upper_limit(int(k), n, level))
    down = sum(w for w, k in zip(pmf, ks, strict=True) if p >= lower_limit(int(k), n, level))
    assert up >= level - 1e-12
    assert down >= level - 1e-12


@given(n=st.integers(1, 500), level=st.floats(0.5, 0.999))
def test_cp_contains_estimate_and_monotone(n: int, level: float) -> None:
    ivs = [clopper_pearson(k, n, level) for k in range(n + 1)]
    for k, (lo, hi) in enumerate(ivs):
        assert 0.0 <= lo <= k / n <= hi <= 1.0
        assert lo < hi
    los = [lo for lo, _ in ivs]
    his = [hi for _, hi in ivs]
    assert all(a < b for a, b in pairwise(los))  # strictly increasing in k
    assert all(a < b for a, b in pairwise(his))


@given(n=st.integers(1, 200), data=st.data(), level=st.floats(0.55, 0.995))
def test_one_sided_equals_two_sided_at_doubled_alpha(n: int, data: st.DataObject, level: float) -> None:
    k = data.draw(st.integers(0, n))
    lo2, hi2 = clopper_pearson(k, n, 2 * level - 1)
    assert upper_limit(k, n, level) == pytest.approx(hi2, abs=1e-12)
    assert lower_limit(k, n, level) == pytest.approx(lo2, abs=1e-12)


# -- bound verdicts -----------------------------------------------------------------------------------


def test_bound_verdict_constructed_cases() -> None:
    # 300/1000 errors against B = 0.2: even the lower estimate is far above → refuted.
    r = bound_verdict(300, 300, 1000, 0.2)
    assert r.verdict == "refuted"
    assert "0.2" in r.reason and "300/1000" in r.reason
    # 100/1000 against B = 0.2: upper limit ≈ 0.12 → confirmed.
    c = bound_verdict(100, 100, 1000, 0.2)
    assert c.verdict == "confirmed"
    assert c.upper_interval[1] <= 0.2 and c.kind == "upper"
    # 195/1000 against 0.2 → inconclusive.
    assert bound_verdict(195, 195, 1000, 0.2).verdict == "inconclusive"
    # Bracketed: the attack says 100/1000 but the certificate says 300/1000 → cannot confirm.
    b = bound_verdict(100, 300, 1000, 0.2)
    assert b.verdict == "inconclusive"
    assert b.lower_interval == clopper_pearson(100, 1000) and b.upper_interval == clopper_pearson(300, 1000)
    # Refutation reads the lower estimate: attack 300/1000 refutes however loose the certificate.
    assert bound_verdict(300, 1000, 1000, 0.2).verdict == "refuted"


def test_lower_bound_verdict_constructed_cases() -> None:
    # Theorem 4.3 style: robust error ≥ 1/4.
    assert lower_bound_verdict(100, 120, 1000, 0.25).verdict == "refuted"  # certificate says ≤ ~0.14
    assert lower_bound_verdict(400, 500, 1000, 0.25).verdict == "confirmed"  # attack already ≥ ~0.37
    assert lower_bound_verdict(240, 260, 1000, 0.25).verdict == "inconclusive"
    assert lower_bound_verdict(100, 400, 1000, 0.25).verdict == "inconclusive"  # bracket straddles
    assert lower_bound_verdict(0, 0, 1, 0.0).verdict == "confirmed"  # err ≥ 0 is trivially true
    assert set(VERDICTS) == {"confirmed", "refuted", "inconclusive", "out-of-scope"}


def test_point_estimate_beyond_the_bound_is_not_enough() -> None:
    # 21/100 is above 0.2 and 19/100 below it, but neither is significant at n = 100
    assert bound_verdict(21, 21, 100, 0.2).verdict == "inconclusive"
    assert bound_verdict(19, 19, 100, 0.2).verdict == "inconclusive"
    assert lower_bound_verdict(24, 24, 100, 0.25).verdict == "inconclusive"
    assert lower_bound_verdict(26, 26, 100, 0.25).verdict == "inconclusive"


@pytest.mark.parametrize("n", [10, 50, 200])
@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
@pytest.mark.parametrize("level", [0.9, 0.95])
def test_wrong_verdict_rates_exact(n: int, p: float, level: float) -> None:
    """True error exactly at the bound: P(refuted) and P(confirmed) are each ≤ (1 − level)/2, summed exactly."""
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    a = (1 - level) / 2
    for check in (bound_verdict, lower_bound_verdict):
        verdicts = [check(k, k, n, p, level).verdict for k in range(n + 1)]
        assert sum(w for w, vd in zip(pmf, verdicts, strict=True) if vd == "refuted") <= a + 1e-12
        assert sum(w for w, vd in zip(pmf, verdicts, strict=True) if vd == "confirmed") <= a + 1e-12


@given(n=st.integers(1, 5), data=st.data(), bound=st.floats(0.0, 0.5))
def test_small_n_never_confirms_a_nontrivial_bound(n: int, data: st.DataObject, bound: float) -> None:
    # With n ≤ 5 the 95% upper limit at k = 0 is 1 − 0.025^{1/5} ≈ 0.52 > 0.5.
    ku = data.draw(st.integers(0, n))
    kl = data.draw(st.integers(0, ku))
    assert bound_verdict(kl, ku, n, bound).verdict != "confirmed"
    assert bound_verdict(kl, ku, n, bound).verdict in {"inconclusive", "refuted"}


@given(n=st.integers(1, 400), data=st.data(), bound=st.floats(0.0, 1.0), level=st.floats(0.5, 0.999))
def test_bound_verdicts_monotone_in_errors(n: int, data: st.DataObject, bound: float, level: float) -> None:
    ku = data.draw(st.integers(0, n))
    kl = data.draw(st.integers(0, ku))
    up = bound_verdict(kl, ku, n, bound, level).verdict
    low = lower_bound_verdict(kl, ku, n, bound, level).verdict
    # one more error in either estimate never moves an upper-bound verdict towards "confirmed" ...
    if ku < n:
        assert RANK[bound_verdict(kl, ku + 1, n, bound, level).verdict] >= RANK[up]
        assert RANK[lower_bound_verdict(kl, ku + 1, n, bound, level).verdict] <= RANK[low]
    if kl < ku:
        assert RANK[bound_verdict(kl + 1, ku, n, bound, level).verdict] >= RANK[up]
        assert RANK[lower_bound_verdict(kl + 1, ku, n, bound, level).verdict] <= RANK[low]
    # ... and never turns a lower-bound verdict from refuted to confirmed in the other direction.
    if kl > 0:
        assert RANK[lower_bound_verdict(kl - 1, ku, n, bound, level).verdict] >= RANK[low]


# -- multiplicity -------------------------------------------------------------------------------------


@given(
    p=st.lists(st.floats(0.0, 1.0) | st.sampled_from([0.0, 0.01, 0.0125, 0.025, 0.05, 1.0]), max_size=7),
    alpha=st.sampled_from([0.01, 0.05, 0.1, 0.2]),
)
def test_holm_matches_closed_testing(p: list[float], alpha: float) -> None:
    assert holm(p, alpha) == holm_closed_testing(p, alpha)


def test_holm_known_example() -> None:
    # m = 4, α = 0.05: thresholds 0.0125, 0.01667, 0.025, 0.05 → the first two rejected.
    assert holm([0.04, 0.01, 0.015, 0.03], 0.05) == [False, True, True, False]
    assert holm([], 0.05) == []


def test_bonferroni_level() -> None:
    assert bonferroni_level(0.95, 1) == pytest.approx(0.95)
    assert bonferroni_level(0.95, 10) == pytest.approx(0.995)
    # family of m independent exact intervals at the per-test level covers jointly with prob ≥ level
    m = 20
    assert bonferroni_level(0.9, m) ** m >= 0.9


# -- implied constants --------------------------------------------------------------------------------


def test_implied_constant_exact_and_interval() -> None:
    ic = implied_constant(25, 100, 2.0)
    assert ic.c_hat == pytest.approx(math.log(4) / 2, rel=1e-15)
    lo, hi = cp_by_root(25, 100, 0.95)
    assert ic.c_lo == pytest.approx(-math.log(hi) / 2, rel=1e-9)
    assert ic.c_hi == pytest.approx(-math.log(lo) / 2, rel=1e-9)
    assert ic.c_lo < ic.c_hat < ic.c_hi
    assert ic.usable and ic.bounded_above


@given(c=st.floats(0.01, 5.0), g=st.floats(0.1, 50.0))
def test_implied_constant_recovers_c_when_counts_are_exact(c: float, g: float) -> None:
    # choose n so that k/n is exactly exp(-C g) to float precision: pick k = 1 and n = 1/err when integral
    err = math.exp(-c * g)
    n = 10**9
    k = max(1, min(n - 1, round(err * n)))
    ic = implied_constant(k, n, g)
    assert ic.c_hat == pytest.approx(-math.log(k / n) / g, rel=1e-12)
    if 1e-6 < err < 1 - 1e-6:
        assert ic.c_hat == pytest.approx(c, rel=1e-3)
    assert ic.c_lo <= ic.c_hat <= ic.c_hi


def test_implied_constant_edges() -> None:
    zero = implied_constant(0, 50, 4.0)
    assert zero.c_hi == math.inf and zero.c_hat == math.inf
    assert not zero.bounded_above and not zero.usable
    assert zero.c_lo == pytest.approx(-math.log(1 - 0.025 ** (1 / 50)) / 4.0, rel=1e-12)
    assert zero.c_lo > 0
    full = implied_constant(50, 50, 4.0)
    assert full.c_hat == 0.0 and full.c_lo == 0.0
    assert math.copysign(1.0, full.c_lo) == 1.0  # +0.0, not -0.0
    assert full.c_hi == pytest.approx(-math.log(0.025 ** (1 / 50)) / 4.0, rel=1e-12)
    assert not full.usable


# -- constant trend -----------------------------------------------------------------------------------


def _points(errs: np.ndarray, gs: np.ndarray, n: int, seed: int) -> list[ImpliedConstant]:
    rng = np.random.default_rng(seed)
    return [implied_constant(int(rng.binomial(n, e)), n, float(g)) for e, g in zip(errs, gs, strict=True)]


@pytest.mark.parametrize("seed", range(5))
def test_constant_trend_confirms_constant_c(seed: int) -> None:
    gs = np.geomspace(1.0, 8.0, 8)
    pts = _points(np.exp(-0.5 * gs), gs, 20_000, seed)
    r = constant_trend(pts)
    assert r.verdict == "confirmed", r.reason
    assert r.slope_interval is not None and r.slope_interval[0] > -DEFAULT_S_MIN
    assert r.min_c_lo > 0 and r.n_usable == 8


@pytest.mark.parametrize("seed", range(5))
def test_constant_trend_refutes_decaying_c(seed: int) -> None:
    gs = np.geomspace(1.0, 100.0, 8)
    # C(g) = c0/g, so err = exp(-c0) is constant and Ĉ ∝ 1/g
    pts = _points(np.full(8, math.exp(-1.6)), gs, 5_000, seed)
    r = constant_trend(pts)
    assert r.verdict == "refuted", r.reason
    assert r.slope is not None and r.slope == pytest.approx(-1.0, abs=0.05)
    assert r.rho is not None and r.rho < 0


def test_constant_trend_inconclusive_cases() -> None:
    gs = np.geomspace(1.0, 100.0, 8)
    pts = _points(np.full(8, math.exp(-1.6)), gs, 5_000, 0)
    two = constant_trend(pts[:2])
    assert two.verdict == "inconclusive" and two.slope is None and "2 usable" in two.reason
    # a zero-error point at the largest g (C_hi = inf) blocks the refutation
    blocked = constant_trend([*pts, implied_constant(0, 5_000, 200.0)])
    assert blocked.verdict == "inconclusive" and blocked.c_hi_at_max_g == math.inf
    # a point with k = n gives min C_lo = 0, so a flat trend is not confirmed
    flat_gs = np.geomspace(1.0, 8.0, 8)
    flat = _points(np.exp(-0.5 * flat_gs), flat_gs, 20_000, 0)
    assert constant_trend(flat).verdict == "confirmed"
    with_full = constant_trend([*flat, implied_constant(10, 10, 0.5)])
    assert with_full.verdict == "inconclusive" and with_full.min_c_lo == 0.0
    assert with_full.n_usable == 8 and with_full.slope is not None and math.isfinite(with_full.slope)
    # three noisy points with a wide interval do not confirm
    few = _points(np.exp(-0.5 * flat_gs[:3]), flat_gs[:3], 50, 1)
    assert constant_trend(few).verdict != "confirmed"


# -- slopes and crossings -----------------------------------------------------------------------------


def test_fit_boundary_slope_noiseless() -> None:
    ns = np.geomspace(100, 1e5, 8)
    snr = 3.0 * ns**-0.5
    fit = fit_boundary_slope(ns, snr, loglog=True)
    assert fit.slope == pytest.approx(-0.5, abs=1e-12)
    assert fit.slope_interval[1] - fit.slope_interval[0] < 1e-9
    assert fit.r2 == pytest.approx(1.0)
    assert fit.intercept == pytest.approx(math.log(3.0), abs=1e-10)
    assert fit.covers(-0.5)


def test_fit_boundary_slope_coverage_under_noise() -> None:
    ns = np.geomspace(100, 1e5, 8)
    hits = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        snr = 3.0 * ns**-0.5 * np.exp(rng.normal(0.0, 0.2, ns.size))
        hits += fit_boundary_slope(ns, snr, 0.95, loglog=True).covers(-0.5)
    assert hits >= 90
    # and a wrong slope is not covered in most seeds
    rng = np.random.default_rng(0)
    snr = 3.0 * ns**-0.5 * np.exp(rng.normal(0.0, 0.02, ns.size))
    assert not fit_boundary_slope(ns, snr, loglog=True).covers(-0.25)


def test_fit_boundary_slope_matches_linregress() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=12)
    y = 1.5 - 0.7 * x + rng.normal(size=12)
    fit = fit_boundary_slope(x, y, 0.9)
    ref = stats.linregress(x, y)
    t = stats.t.ppf(0.95, 10)
    assert fit.slope == pytest.approx(ref.slope)
    assert fit.slope_se == pytest.approx(ref.stderr)
    assert fit.slope_interval[0] == pytest.approx(ref.slope - t * ref.stderr)
    assert fit.r2 == pytest.approx(ref.rvalue**2)


def test_crossing_point_simple() -> None:
    # y linear in log10 x: y = log10 x crosses 0.5 at √10
    assert crossing_point([1, 10, 100], [0, 1, 2], 0.5) == pytest.approx(math.sqrt(10))
    assert crossing_point([1, 10, 100], [0, 1, 2], 1.0) == pytest.approx(10.0)
    assert crossing_point([1, 10, 100], [0, 1, 2], 5.0) is None
    # unsorted input is sorted first; a decreasing curve crosses downwards
    assert crossing_point([100, 1, 10], [0.1, 0.9, 0.6], 0.3) == pytest.approx(10**1.6)
    assert crossing_point([1, 10, 100], [0.9, 0.5, 0.1], 0.3, direction="up") is None
    assert crossing_point([1, 2], [0.5, 0.9], 0.5) == 1.0
    # first crossing of a non-monotone curve
    assert crossing_point([1, 10, 100, 1000], [0, 1, 0, 1], 0.5) == pytest.approx(math.sqrt(10))
    assert crossing_point([1, 10, 100, 1000], [0, 1, 0, 1], 0.5, direction="down") == pytest.approx(10**1.5)


@given(a=st.floats(-2, 2), b=st.floats(0.1, 3), t=st.floats(-1, 1))
def test_crossing_point_exact_on_log_linear_curves(a: float, b: float, t: float) -> None:
    xs = np.geomspace(0.01, 100, 9)
    ys = a + b * np.log(xs)
    x_star = math.exp((t - a) / b)
    got = crossing_point(xs, ys, t)
    if 0.01 < x_star < 100:
        assert got == pytest.approx(x_star, rel=1e-9)
    elif x_star < 0.01 * (1 - 1e-9) or x_star > 100 * (1 + 1e-9):
        assert got is None


# -- bad input ----------------------------------------------------------------------------------------

_PT = implied_constant(5, 100, 1.0)

BAD: list[Any] = [
    pytest.param(clopper_pearson, (11, 10), "k", "11", id="cp-k>n"),
    pytest.param(clopper_pearson, (-1, 10), "k", "-1", id="cp-k-negative"),
    pytest.param(clopper_pearson, (2.5, 10), "k", "2.5", id="cp-k-non-integer"),
    pytest.param(clopper_pearson, (0, 0), "n", "0", id="cp-n-zero"),
    pytest.param(clopper_pearson, (1, 10, 1.0), "level", "1.0", id="cp-level-1"),
    pytest.param(clopper_pearson, (1, 10, 0.0), "level", "0.0", id="cp-level-0"),
    pytest.param(clopper_pearson, (1, 10, 95), "level", "95", id="cp-level-percent"),
    pytest.param(clopper_pearson, (1, 10, float("nan")), "level", "nan", id="cp-level-nan"),
    pytest.param(upper_limit, (3, 2), "k", "3", id="upper-k>n"),
    pytest.param(lower_limit, (1, 2, -0.5), "level", "-0.5", id="lower-level-negative"),
    pytest.param(bound_verdict, (5, 3, 10, 0.2), "k_lower", "5", id="bv-k_lower>k_upper"),
    pytest.param(bound_verdict, (1, 12, 10, 0.2), "k_upper", "12", id="bv-k_upper>n"),
    pytest.param(bound_verdict, (1, 2, 10, -0.2), "bound", "-0.2", id="bv-bound-negative"),
    pytest.param(bound_verdict, (1, 2, 10, float("inf")), "bound", "inf", id="bv-bound-inf"),
    pytest.param(lower_bound_verdict, (1, 2, 0, 0.25), "n", "0", id="lbv-n-zero"),
    pytest.param(lower_bound_verdict, (1, 2, 10, 0.25, 1.5), "level", "1.5", id="lbv-level"),
    pytest.param(holm, ([0.1, 1.2],), "p_values[1]", "1.2", id="holm-p>1"),
    pytest.param(holm, ([0.1, -0.1],), "p_values[1]", "-0.1", id="holm-p<0"),
    pytest.param(holm, ([0.1], 0.0), "alpha", "0.0", id="holm-alpha-0"),
    pytest.param(holm, ("0.1",), "p_values", "'0.1'", id="holm-string"),
    pytest.param(bonferroni_level, (0.95, 0), "m", "0", id="bonf-m-zero"),
    pytest.param(bonferroni_level, (2.0, 3), "level", "2.0", id="bonf-level"),
    pytest.param(implied_constant, (1, 10, -1.0), "g", "-1.0", id="ic-g-negative"),
    pytest.param(implied_constant, (1, 10, 0.0), "g", "0.0", id="ic-g-zero"),
    pytest.param(implied_constant, (11, 10, 1.0), "k", "11", id="ic-k>n"),
    pytest.param(constant_trend, ([],), "points", "[]", id="trend-empty"),
    pytest.param(constant_trend, ([_PT, 3.0],), "points[1]", "3.0", id="trend-not-a-point"),
    pytest.param(constant_trend, ([_PT], 1.0), "level", "1.0", id="trend-level"),
    pytest.param(fit_boundary_slope, ([1, 2, 3], [1, 2]), "ys", "2", id="fit-mismatched"),
    pytest.param(fit_boundary_slope, ([1, 2], [1, 2]), "xs", "2", id="fit-too-few"),
    pytest.param(fit_boundary_slope, ([1, 1, 1], [1, 2, 3]), "xs", "1", id="fit-constant-x"),
    pytest.param(fit_boundary_slope, ([1, 2, 3], [1, float("nan"), 3]), "ys[1]", "nan", id="fit-nan"),
    pytest.param(fit_boundary_slope, ([1, 2, 3], [1, 2, 3], 0.0), "level", "0.0", id="fit-level"),
    pytest.param(crossing_point, ([1, 2, 3], [1, 2], 0.5), "ys", "2", id="cross-mismatched"),
    pytest.param(crossing_point, ([1, -2, 3], [1, 2, 3], 0.5), "xs[1]", "-2", id="cross-x-negative"),
    pytest.param(crossing_point, ([1, 2, 2], [1, 2, 3], 0.5), "xs", "2", id="cross-x-duplicate"),
    pytest.param(crossing_point, ([1, 2], [1, 2], "abc"), "threshold", "'abc'", id="cross-threshold"),
]


@pytest.mark.parametrize(("func", "args", "name", "shown"), BAD)
def test_bad_input_names_parameter(func: Callable[..., Any], args: tuple[Any, ...], name: str, shown: str) -> None:
    with pytest.raises(ValueError) as info:
        func(*args)
    msg = str(info.value)
    assert msg.startswith(name + " "), msg
    assert shown in msg, msg


def test_bad_keyword_inputs() -> None:
    with pytest.raises(ValueError, match=r"^s_min must be > 0, got -0.5"):
        constant_trend([_PT], s_min=-0.5)
    with pytest.raises(ValueError, match=r"^direction must be one of"):
        crossing_point([1, 2], [1, 2], 1.5, direction="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^xs\[0\] must be > 0 for loglog=True, got 0"):
        fit_boundary_slope([0, 1, 2], [1, 2, 3], loglog=True)
