"""Appendix G's explicit quantities: the Lemma G.5 identity (IC-14), r_max, stage times, G.4.2's bound."""

from __future__ import annotations

import math

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from bounds.stages import (
    A_TAU_PRIME,
    D_PAPER,
    claim1_r_max,
    claim1_snr_requirement,
    lg5_dominance_gap,
    robust_bound_g42,
    stage_ordering,
    stage_times,
)
from bounds.symbolic import S


def test_lemma_g5_dominance_gap_is_the_ic14_identity() -> None:
    want = -30 * S.M**2 * (3 * S.M + 1) * (S.N - 1) * A_TAU_PRIME
    assert sp.simplify(lg5_dominance_gap() - want) == 0
    assert sp.simplify(lg5_dominance_gap(repaired=True)) == 0
    # at τ = 0 the printed version holds with equality; for τ > 0 and N ≥ 2 it fails
    assert sp.simplify(lg5_dominance_gap().subs(S.tau, 0)) == 0
    point = {S.M: 2, S.N: 5, S.tau: 0.1, S.m: 1, S.s: 1, S.delta: 0.01}
    assert float(lg5_dominance_gap().subs(point)) < 0


def test_d_positive_at_tau_zero_is_n_snr2_above_60_m2() -> None:
    # D(τ=0) = N m² − 60 M² s² d > 0  ⇔  N·SNR² > 60 M²
    d0 = sp.simplify(D_PAPER.subs(S.tau, 0))
    snr2 = S.m**2 / (S.s**2 * S.d)
    assert sp.simplify(d0 - S.s**2 * S.d * (S.N * snr2 - 60 * S.M**2)) == 0


@given(st.integers(2, 64), st.floats(0.1, 10))
def test_r_max_is_where_claim1_condition_b_stops_holding(M: int, C: float) -> None:
    r = claim1_r_max(M, C)
    assert 0 < r < 1

    def holds(x: float) -> bool:
        return (1 - x) ** 2 >= 30 * M**2 * C * (x + x * x)

    assert holds(r * (1 - 1e-9)) and not holds(r * (1 + 1e-6))


def test_r_max_matches_the_catalogue_values() -> None:
    assert claim1_r_max(2) == pytest.approx(8.1e-3, rel=0.01)
    assert claim1_r_max(16) == pytest.approx(1.3e-4, rel=0.01)
    assert claim1_snr_requirement(16, 0.0) == 60 * 256
    assert claim1_snr_requirement(2, 0.5) == pytest.approx(60 * 4 * 4)


def test_stage_times_at_section_6_and_where_t1_does_not_exist() -> None:
    # Section 6: N·SNR² = 88 < 60·M² = 15360, so D < 0 and Lemma G.5 gives no T₁
    t = stage_times(N=22, M=16, d=1024, dh=128, mu=40.5, sigma_p=math.sqrt(0.4), tau=2.02, eta=0.1, eps=0.01)
    assert t["T1"] == math.inf
    assert t["T3_case2"] == pytest.approx(16 * t["T3_case1"])
    assert t["T_G8"] == t["T3_case1"]
    order = dict(((a, b), ok) for a, b, ok in stage_ordering(t))
    assert order[("T1", "T0")] is False  # flagged, not hidden
    # a point with N·SNR² far above 60 M² has a finite T₁
    t2 = stage_times(N=1000, M=2, d=100, dh=10**4, mu=100.0, sigma_p=0.1, tau=0.0, eta=0.1, eps=0.01)
    assert math.isfinite(t2["T1"]) and t2["T1"] > 0


def test_g42_bound_with_uniform_attention_carries_m_tau() -> None:
    M, s, un = 4, 0.5, 1.0
    vp, vm = 2.0, -2.0
    # uniform attention: the bracket vanishes at τ = (V₊ − V₋)/(M‖u‖), i.e. the factor (1 − M·τ/m)
    tau_star = (vp - vm) / (M * un)
    assert robust_bound_g42([1.0] * M, vp, vm, un, s, tau_star * 0.999, M) < 1
    assert robust_bound_g42([1.0] * M, vp, vm, un, s, tau_star * 1.001, M) == 1.0
    # concentrated on the signal token, the same τ is far from vacuous
    assert robust_bound_g42([M - 0.3] + [0.1] * (M - 1), vp, vm, un, s, tau_star, M) < 1e-6


@given(st.floats(0, 3), st.floats(0, 3))
def test_g42_bound_is_monotone_in_tau(t1: float, t2: float) -> None:
    a = [2.0, 0.5, 0.5, 1.0]
    lo, hi = sorted((t1, t2))
    assert robust_bound_g42(a, 3.0, -1.0, 1.0, 0.7, lo, 4) <= robust_bound_g42(a, 3.0, -1.0, 1.0, 0.7, hi, 4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: claim1_r_max(0), "M must be > 0"),
        (lambda: claim1_snr_requirement(4, 1.5), "r must be < 1"),
        (lambda: robust_bound_g42([1.0] * 3, 1, 0, 1, 1, 0.1, 4), "alpha must have M = 4"),
        (lambda: robust_bound_g42([1.0, 0, 0, 0], 1, 0, 1, 1, 0.1, 4), "noise tokens some attention"),
        (lambda: robust_bound_g42([1.0] * 4, 1, 0, 1, 1, -0.1, 4), "tau must be >= 0"),
        (lambda: stage_times(N=2, M=2, d=8, dh=4, mu=1, sigma_p=1, tau=0, eta=0.1, eps=0.01, delta=2),
         "delta must be in"),
    ],
    ids=["M", "r", "alpha-length", "alpha-zero", "tau", "delta"],
)
def test_bad_input_names_the_parameter(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
