"""Theorem 4.2 (error bounds, iteration counts), Theorem 4.3 (lower bounds, the midpoint), the
Section 5 lemmas and the convergence-time remark."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st
from strategies import log_uniform

from bounds.lemmas import (
    attention_window,
    convergence_time_minimum,
    convergence_time_paper,
    convergence_times,
    frozen_attention_drop,
    lemma55_drop,
    lemma56_bound,
    max_logit_shift_for,
    softmax_ratio_bound,
)
from bounds.params import Constants, Params
from bounds.query import answer, predictions
from bounds.symbolic import SNR, S, c
from bounds.theorem42 import (
    CLEAN_ERROR,
    LOG_CLEAN_ERROR,
    LOG_ROBUST_ERROR,
    ROBUST_ERROR,
    T_CASE1,
    T_CASE2,
    T_G8,
    clean_error_bound,
    robust_error_bound,
)
from bounds.theorem43 import midpoint_distance

D = st.integers(2, 10**6)
SNR_S = log_uniform(1e-3, 10.0)
C_S = log_uniform(0.1, 10.0)


# -- Theorem 4.2, conclusions 2 and 3 (numeric) -----------------------------------------------

@given(d=D, snr=SNR_S, r=st.floats(0.0, 3.0), C=C_S)
def test_robust_bound_formula_and_vacuity(d: int, snr: float, r: float, C: float) -> None:
    robust = robust_error_bound(d, snr, r, C)
    expected = math.exp(-C * d * snr**2 * (1 - r) ** 2) if r <= 1 else 1.0
    assert robust == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert 0.0 <= robust <= 1.0


@given(d=D, snr=SNR_S, C=C_S)
def test_clean_bound_formula(d: int, snr: float, C: float) -> None:
    assert clean_error_bound(d, snr, C) == pytest.approx(math.exp(-C * d * snr**2), rel=1e-12, abs=1e-300)


@given(d=D, snr=SNR_S, r=st.floats(0.0, 3.0), C=C_S)
def test_robust_bound_at_least_clean(d: int, snr: float, r: float, C: float) -> None:
    assert robust_error_bound(d, snr, r, C) >= clean_error_bound(d, snr, C) * (1 - 1e-12)


@given(d=D, snr=SNR_S, C=C_S)
def test_robust_equals_clean_at_zero_radius(d: int, snr: float, C: float) -> None:
    assert robust_error_bound(d, snr, 0.0, C) == pytest.approx(clean_error_bound(d, snr, C), rel=1e-12, abs=0.0)


@given(d=D, snr=SNR_S, r=st.floats(1.0, 1e6), C=C_S)
def test_robust_is_vacuous_from_radius_one(d: int, snr: float, r: float, C: float) -> None:
    assert robust_error_bound(d, snr, r, C) == 1.0


@given(d=D, snr=SNR_S, r1=st.floats(0.0, 2.0), r2=st.floats(0.0, 2.0), C=C_S)
def test_robust_non_decreasing_in_radius(d: int, snr: float, r1: float, r2: float, C: float) -> None:
    lo, hi = sorted((r1, r2))
    assert robust_error_bound(d, snr, lo, C) <= robust_error_bound(d, snr, hi, C)


@given(d=D, s1=SNR_S, s2=SNR_S, r=st.floats(0.0, 2.0), C=C_S)
def test_robust_non_increasing_in_snr(d: int, s1: float, s2: float, r: float, C: float) -> None:
    lo, hi = sorted((s1, s2))
    assert robust_error_bound(d, hi, r, C) <= robust_error_bound(d, lo, r, C)
    assert clean_error_bound(d, hi, C) <= clean_error_bound(d, lo, C)


@pytest.mark.parametrize(("args", "name"), [((0, 1.0, 0.1), "d"), ((10, -1.0, 0.1), "snr"),
                                            ((10, 1.0, -0.1), "tau_rel"), ((10, 1.0, 0.1, 0.0), "C")])
def test_bounds_reject_bad_input(args: tuple[float, ...], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        robust_error_bound(*args)


# -- Theorem 4.2, symbolic ---------------------------------------------------------------------

def test_case2_time_is_m_times_case1() -> None:
    assert sp.simplify(T_CASE2 / T_CASE1 - S.M) == 0


def test_lemma_g8_time_vs_theorem_time() -> None:
    ratio = (T_G8 / T_CASE1).subs(c("c_G8"), c("c_T"))
    assert sp.simplify(ratio - S.m**2 / (S.m + S.tau) ** 2) == 0


def test_t_case1_form() -> None:
    expected = c("c_T") / (S.eta * S.eps * S.m**2 * S.w**2)
    assert sp.simplify(T_CASE1 - expected) == 0


def test_clean_error_is_exp_minus_c_m2_over_s2() -> None:
    """d·SNR² = ‖µ‖²/σ_p² (S3.SNR)."""
    assert sp.simplify(CLEAN_ERROR - sp.exp(-c("C_err") * S.m**2 / S.s**2)) == 0
    assert sp.simplify(LOG_CLEAN_ERROR + c("C_err") * S.m**2 / S.s**2) == 0


def test_symbolic_robust_error_edges() -> None:
    assert sp.simplify(ROBUST_ERROR.subs(S.tau, 0) - CLEAN_ERROR) == 0
    assert ROBUST_ERROR.subs(S.tau, S.m) == 1
    assert ROBUST_ERROR.subs(S.tau, 2 * S.m) == 1
    assert LOG_ROBUST_ERROR.subs(S.tau, 3 * S.m) == 0
    half = ROBUST_ERROR.subs(S.tau, S.m / 2)
    assert sp.simplify(half - sp.exp(-c("C_err") * S.m**2 / (4 * S.s**2))) == 0


@given(d=st.integers(2, 10**4), m=log_uniform(0.01, 10.0), s=log_uniform(0.01, 10.0),
       r=st.floats(0.0, 2.0), C=C_S)
def test_symbolic_robust_error_matches_numeric(d: int, m: float, s: float, r: float, C: float) -> None:
    values = {S.d: d, S.m: m, S.s: s, S.tau: r * m, c("C_err"): C}
    sym = float(ROBUST_ERROR.subs(values))
    assert sym == pytest.approx(robust_error_bound(d, m / (s * math.sqrt(d)), r, C), rel=1e-9, abs=1e-300)
    log_sym = float(LOG_ROBUST_ERROR.subs(values))
    expected_log = -C * m**2 / s**2 * (1 - r) ** 2 if r <= 1 else 0.0
    assert log_sym == pytest.approx(expected_log, rel=1e-9, abs=1e-12)


def test_snr_expression() -> None:
    assert sp.simplify(SNR - S.m / (S.s * sp.sqrt(S.d))) == 0


# -- Theorem 4.2 through predictions() ----------------------------------------------------------

def _point(**kw: object) -> Params:
    base: dict[str, object] = dict(d=400, dh=64, M=4, N=20, mu=3.0, sigma_p=0.5, tau=0.6, eta=1e-3,
                                   eps=0.05, delta=0.01, w_O=1.5)
    base.update(kw)
    return Params(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("p", ["1", "2", "inf"])
@pytest.mark.parametrize("tau", [0.0, 0.02, 0.6, 2.9, 3.0, 4.5])
def test_predicted_error_bounds_use_outer_radius(p: str, tau: float) -> None:
    params = _point(p=p, tau=tau)
    pred = predictions(params)
    snr = 3.0 / (0.5 * 20.0)
    outer = tau * 20.0 if p == "inf" else tau  # √d = 20: the ℓ_∞ ball sits in the ℓ₂ ball of radius τ√d
    assert pred["clean_error"] == pytest.approx(math.exp(-400 * snr**2), rel=1e-12)
    assert pred["robust_error"] == pytest.approx(robust_error_bound(400, snr, outer / 3.0), rel=1e-12)
    expected_log = -400 * snr**2 * (1 - outer / 3.0) ** 2 if outer <= 3.0 else 0.0
    assert pred["log_robust_error"] == pytest.approx(expected_log, rel=1e-12, abs=1e-12)
    assert pred["probability"] == pytest.approx(1 - 1 / 400)


def test_predicted_constants_are_used() -> None:
    params = _point(tau=1.0)
    pred = predictions(params, Constants(C_err=0.25, c_T=3.0, c_G8=5.0))
    snr = 0.3
    assert pred["clean_error"] == pytest.approx(math.exp(-0.25 * 400 * snr**2), rel=1e-12)
    assert pred["robust_error"] == pytest.approx(math.exp(-0.25 * 400 * snr**2 * (1 - 1 / 3) ** 2), rel=1e-12)
    t1 = 3.0 / (1e-3 * 0.05 * 9.0 * 1.5**2)
    assert pred["T_case1"] == pytest.approx(t1, rel=1e-12)
    assert pred["T_case2"] == pytest.approx(4 * t1, rel=1e-12)
    assert pred["T_G8"] == pytest.approx(5.0 / (1e-3 * 0.05 * (3.0 + 1.0) ** 2 * 1.5**2), rel=1e-12)


def test_predicted_lemma_times() -> None:
    params = _point()
    pred = predictions(params)
    l_delta = math.log(6 * 20**2 * 4**2 / 0.01)
    assert pred["lemma53_time"] == pytest.approx(1 / (1e-3 * 9.0 * 1.5**2 * l_delta), rel=1e-12)
    assert pred["lemma55_time"] == pytest.approx(1 / (1e-3 * 0.05 * 9.0 * 1.5**2 * l_delta), rel=1e-12)


def test_predicted_t_follows_nominal_case() -> None:
    # N·SNR² = 20·0.09 = 1.8 ≥ 1; τ/‖µ‖ = 0.02 ≤ 1/ln 64 = 0.24: nominally Case 1
    pred = predictions(_point(tau=0.06))
    assert pred["T"] == pred["T_case1"]
    # N·SNR² = 1.8 < 1/ε = 20: Case 2 never holds, so a Case-2 radius gets no T
    assert predictions(_point(tau=1.5))["T"] is None
    pred2 = predictions(_point(tau=1.5, N=400))  # N·SNR² = 36 ≥ 20
    assert pred2["T"] == pred2["T_case2"]


def test_predictions_unknown_where_inputs_missing() -> None:
    pred = predictions(Params(d=100, mu=1.0, tau=0.1))
    assert pred["clean_error"] is None and pred["robust_error"] is None and pred["T_case1"] is None
    assert pred["robust_error_lower"] is None


# -- Theorem 4.3: the three lower bounds, just below and just above their thresholds ------------

BELOW, ABOVE = 1 - 1e-6, 1 + 1e-6


@pytest.mark.parametrize("p", ["2", "inf"])
def test_lower_bounds_thresholds_l2_and_linf(p: str) -> None:
    """For ℓ₂ and ℓ_∞ the ℓ₂ ball of radius τ sits inside the attack ball: τ itself decides."""
    mu = 3.0

    def low(tau: float) -> tuple[object, object, object]:
        pred = predictions(_point(p=p, tau=tau, mu=mu))
        return (pred["robust_error_lower"], pred["robust_error_lower_construction"],
                pred["robust_error_lower_sharp"])

    assert low(0.0) == (None, None, None)
    assert low(mu / math.sqrt(2) * BELOW) == (None, None, None)
    assert low(mu / math.sqrt(2) * ABOVE) == (None, None, 0.5)
    assert low(mu * BELOW) == (None, None, 0.5)
    assert low(mu) == (0.25, 0.5, 0.5)
    assert low(mu * ABOVE) == (0.25, 0.5, 0.5)
    assert low(10 * mu) == (0.25, 0.5, 0.5)


def test_lower_bounds_l1_use_inner_radius() -> None:
    """An ℓ₁ ball of radius τ in ℝ^400 only contains the ℓ₂ ball of radius τ/20."""
    mu, root_d = 3.0, 20.0

    def low(tau: float) -> tuple[object, object, object]:
        pred = predictions(_point(p="1", tau=tau, mu=mu))
        return (pred["robust_error_lower"], pred["robust_error_lower_construction"],
                pred["robust_error_lower_sharp"])

    assert low(mu) == (None, None, None)  # τ = ‖µ‖ as an ℓ₁ radius is not enough
    assert low(5 * mu) == (None, None, None)
    assert low(root_d * mu / math.sqrt(2) * BELOW) == (None, None, None)
    assert low(root_d * mu / math.sqrt(2) * ABOVE) == (None, None, 0.5)
    assert low(root_d * mu * BELOW) == (None, None, 0.5)
    assert low(root_d * mu * ABOVE) == (0.25, 0.5, 0.5)


@pytest.mark.parametrize("M", [2, 4, 16])
def test_uniform_attention_threshold(M: int) -> None:
    mu = 3.0
    threshold = mu / (math.sqrt(2) * M)
    below = predictions(_point(M=M, tau=threshold * BELOW))
    above = predictions(_point(M=M, tau=threshold * ABOVE))
    assert below["uniform_attention_fails"] is False
    assert above["uniform_attention_fails"] is True
    assert above["uniform_attention_threshold_rel"] == pytest.approx(1 / (math.sqrt(2) * M), rel=1e-12)


def test_guideline_radius() -> None:
    pred = predictions(_point(tau=0.6))
    assert pred["guideline_tau_max"] == pytest.approx(3.0 / math.log(64), rel=1e-12)  # 0.721
    assert pred["guideline_holds"] is True


def test_guideline_holds_iff_tau_below_mu_over_log_dh() -> None:
    limit = 3.0 / math.log(64)
    assert predictions(_point(tau=limit * BELOW))["guideline_holds"] is True
    assert predictions(_point(tau=limit * ABOVE))["guideline_holds"] is False


def test_midpoint_distance_is_m_over_root_two() -> None:
    assert sp.simplify(midpoint_distance() - S.m / sp.sqrt(2)) == 0


@given(d=st.integers(2, 50), m=log_uniform(0.1, 10.0), seed=st.integers(0, 2**32 - 1))
def test_midpoint_distance_numeric(d: int, m: float, seed: int) -> None:
    """Any orthogonal µ± of norm m: the midpoint is m/√2 from both (the T4.3.sharp geometry)."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((d, 2)))
    mu_plus, mu_minus = m * q[:, 0], m * q[:, 1]
    mid = (mu_plus + mu_minus) / 2
    assert np.linalg.norm(mu_plus - mid) == pytest.approx(m / math.sqrt(2), rel=1e-9)
    assert np.linalg.norm(mu_minus - mid) == pytest.approx(m / math.sqrt(2), rel=1e-9)


def test_answer_payload_is_consistent() -> None:
    params = _point(tau=0.06)
    out = answer(params)
    assert out["snr"] == pytest.approx(0.3)
    assert out["N_snr2"] == pytest.approx(20 * 0.09)
    assert out["regime"] in ("case1", "case2", "thm4.3", "gap", "unmet")
    assert out["bounds"]["clean_error"] == pytest.approx(math.exp(-36.0))


# -- Lemma 5.3: softmax ratio and the e/2 constant ----------------------------------------------

def test_max_logit_shift_for_e_over_2() -> None:
    sigma = max_logit_shift_for(math.e / 2)
    assert sigma == pytest.approx((1 - math.log(2)) / 4, rel=1e-12)
    assert sigma == pytest.approx(0.0767, abs=1e-4)  # CLAIMS L5.3 (iii): "σ ≤ 0.077"
    assert softmax_ratio_bound(sigma) == pytest.approx(math.e / 2, rel=1e-12)


@pytest.mark.parametrize("ratio", [1.0, 1.0001, 1.25, math.e / 2, 2.0, math.pi, 17.3, 1e6])
def test_logit_shift_inverts_ratio_bound(ratio: float) -> None:
    assert softmax_ratio_bound(max_logit_shift_for(ratio)) == pytest.approx(ratio, rel=1e-9)


def test_logit_shift_edges() -> None:
    assert max_logit_shift_for(1.0) == 0.0
    assert softmax_ratio_bound(0.0) == 1.0
    with pytest.raises(ValueError, match="ratio"):
        max_logit_shift_for(0.5)
    with pytest.raises(ValueError, match="sigma"):
        softmax_ratio_bound(-0.1)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@given(M=st.integers(2, 20), sigma=st.floats(0.0, 2.0), seed=st.integers(0, 2**32 - 1))
def test_softmax_ratio_bound_by_brute_force(M: int, sigma: float, seed: int) -> None:
    """Logits moved by at most σ each: every softmax entry's max/min over the moves ≤ e^{4σ}."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 3, size=M)
    shifts = rng.uniform(-sigma, sigma, size=(200, M))
    shifts[0] = -sigma
    shifts[0, 0] = sigma  # the extreme moves for entry 0
    shifts[1] = sigma
    shifts[1, 0] = -sigma
    probs = _softmax(z + shifts)
    ratios = probs.max(axis=0) / probs.min(axis=0)
    assert np.all(ratios <= softmax_ratio_bound(sigma) * (1 + 1e-9))


def test_attention_window_at_zero_and_widening() -> None:
    for M in (2, 3, 16):
        lo, hi = attention_window(M, 0.0)
        assert lo == pytest.approx(1 / M) and hi == pytest.approx(1 / M)
    prev = attention_window(8, 0.0)
    for v in (0.01, 0.1, 0.5, 1.0, 3.0):
        lo, hi = attention_window(8, v)
        assert lo < 1 / 8 < hi
        assert lo < prev[0] and hi > prev[1]
        prev = (lo, hi)


@given(M=st.integers(2, 20), v=st.floats(0.0, 3.0), seed=st.integers(0, 2**32 - 1))
def test_attention_window_by_brute_force(M: int, v: float, seed: int) -> None:
    lo, hi = attention_window(M, v)
    rng = np.random.default_rng(seed)
    z = rng.uniform(-v, v, size=(300, M))
    probs = _softmax(z)
    assert np.all(probs >= lo * (1 - 1e-12)) and np.all(probs <= hi * (1 + 1e-12))
    # the window is exact: one logit at +v (resp. −v) and the rest at −v (resp. +v) reach its ends
    top = _softmax(np.array([v] + [-v] * (M - 1)))[0]
    bottom = _softmax(np.array([-v] + [v] * (M - 1)))[0]
    assert top == pytest.approx(hi, rel=1e-12)
    assert bottom == pytest.approx(lo, rel=1e-12)


def test_attention_window_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="M"):
        attention_window(1, 0.1)
    with pytest.raises(ValueError, match="v"):
        attention_window(4, -0.1)


# -- Lemmas 5.5 and 5.6 -----------------------------------------------------------------------

def test_lemma55_drop_and_frozen_drop() -> None:
    assert lemma55_drop(4, 2.0, 0.5) == pytest.approx(4.0)
    assert lemma55_drop(4, 2.0, 0.5, C=0.5) == pytest.approx(2.0)
    assert frozen_attention_drop(2.0, 0.5) == pytest.approx(1.0)  # IC-12: no factor M


@given(vp=st.floats(-5, 5), vm=st.floats(-5, 5), u=log_uniform(0.1, 10.0), s=log_uniform(0.1, 10.0),
       tau=st.floats(0.0, 2.0), c=st.floats(0.1, 2.0))
def test_lemma56_paper_variant_formula(vp: float, vm: float, u: float, s: float, tau: float, c: float) -> None:
    gap = (vp - vm) - u * tau
    expected = math.exp(-c * (gap / (s * u)) ** 2) if gap > 0 else 1.0
    assert lemma56_bound(vp, vm, u, s, tau, c=c) == pytest.approx(expected, rel=1e-12, abs=1e-300)


@given(vp=st.floats(-5, 5), vm=st.floats(-5, 5), u=log_uniform(0.1, 10.0), s=log_uniform(0.1, 10.0),
       tau=st.floats(0.0, 2.0), M=st.integers(2, 16))
def test_lemma56_variants_ordering(vp: float, vm: float, u: float, s: float, tau: float, M: int) -> None:
    """Per-class margin min(V₊, −V₋) ≤ V₊ − V₋ whenever the bound is not vacuous, and k = M ≥ 1:
    both variants are at least as large (weaker) as the paper's."""
    paper = lemma56_bound(vp, vm, u, s, tau)
    assert lemma56_bound(vp, vm, u, s, tau, variant="per_class") >= paper
    assert lemma56_bound(vp, vm, u, s, tau, variant="with_M", M=M) >= paper
    per_class_gap = min(vp, -vm) - u * tau
    expected = math.exp(-0.5 * (per_class_gap / (s * u)) ** 2) if per_class_gap > 0 else 1.0
    assert lemma56_bound(vp, vm, u, s, tau, variant="per_class") == pytest.approx(expected, rel=1e-12, abs=1e-300)


@given(u=log_uniform(0.1, 10.0), s=log_uniform(0.1, 10.0), tau=st.floats(0.0, 2.0),
       m1=st.floats(-5, 20), m2=st.floats(-5, 20))
def test_lemma56_non_increasing_in_margin(u: float, s: float, tau: float, m1: float, m2: float) -> None:
    lo, hi = sorted((m1, m2))
    assert lemma56_bound(hi, 0.0, u, s, tau) <= lemma56_bound(lo, 0.0, u, s, tau)


@given(u=log_uniform(0.1, 10.0), s=log_uniform(0.1, 10.0), tau=st.floats(0.0, 2.0),
       frac=st.floats(0.0, 1.0), M=st.integers(2, 8))
def test_lemma56_vacuous_when_margin_within_drop(u: float, s: float, tau: float, frac: float, M: int) -> None:
    margin = frac * u * tau
    assert lemma56_bound(margin, 0.0, u, s, tau) == 1.0
    assert lemma56_bound(frac * M * u * tau, 0.0, u, s, tau, variant="with_M", M=M) == 1.0
    # any margin strictly above ‖u‖τ gives a non-vacuous bound
    assert lemma56_bound(u * tau * 1.001 + 1e-3, 0.0, u, s, tau) < 1.0


def test_lemma56_bad_variant_raises() -> None:
    with pytest.raises(ValueError, match="variant"):
        lemma56_bound(1.0, -1.0, 1.0, 1.0, 0.1, variant="nope")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="M"):
        lemma56_bound(1.0, -1.0, 1.0, 1.0, 0.1, variant="with_M")
    with pytest.raises(ValueError, match="u_norm"):
        lemma56_bound(1.0, -1.0, 0.0, 1.0, 0.1)


# -- convergence-time remark (R4.2.d, IC-11) ------------------------------------------------------

SNR_SYM = sp.Symbol("SNR", positive=True)


@pytest.mark.parametrize("snr", [0.05, 0.3, 0.9, 1.0, 1.1, 2.0, 16.0])
@pytest.mark.parametrize(("N", "eps"), [(22, 0.01), (50, 0.2)])
def test_convergence_time_minimum_values(snr: float, N: int, eps: float) -> None:
    expr = convergence_time_minimum()
    assert SNR_SYM in expr.free_symbols
    # d and σ_p may appear but must cancel: evaluate at two different (d, σ_p)
    vals = []
    for d, s in ((1024, math.sqrt(0.4)), (10**7, 3.0)):
        vals.append(float(expr.subs({SNR_SYM: snr, S.N: N, S.eps: eps, S.d: d, S.s: s})))
    expected = N * eps**-2 * max(snr**2, snr**-4)
    assert vals[0] == pytest.approx(expected, rel=1e-9)
    assert vals[1] == pytest.approx(expected, rel=1e-9)
    paper = float(convergence_time_paper().subs({SNR_SYM: snr, S.N: N}))
    assert paper == pytest.approx(N * max(snr**2, snr**-4), rel=1e-12)
    assert vals[0] / paper == pytest.approx(eps**-2, rel=1e-9)  # the dropped ε⁻²


def test_convergence_times_at_a_point() -> None:
    params = Params.from_inputs(d=1024, sigma_p=math.sqrt(0.4), snr=0.5, N=22, eps=0.01, eta=0.1, w_O=1.0)
    times = convergence_times(params)
    mu = 0.5 * math.sqrt(0.4) * 32
    assert times["derived_minimum"] == pytest.approx(22 * 0.01**-2 * 0.5**-4, rel=1e-9)
    assert times["paper_statement"] == pytest.approx(22 * 0.5**-4, rel=1e-9)
    assert times["wang_et_al"] == pytest.approx(1024**2 / (mu**2 * 0.01**2), rel=1e-9)
    assert times["theorem_T_case1"] == pytest.approx(1 / (0.1 * 0.01 * mu**2), rel=1e-9)
    unknown = convergence_times(replace(params, eps=None))
    assert unknown["derived_minimum"] is None and unknown["paper_statement"] is not None
