"""Appendix G's explicit quantities: Lemma G.5's T₁ and its dominance identity (IC-14), Claim 1's
radius limit r_max(M, C), the stage-time table with unit constants, and the data-dependent robust
bound of G.4.2 (CLAIMS.md LG.5, G.claim1, "Stage-time definitions", RG.4.2).

Notation (CLAIMS.md §0): m = ‖µ‖, s = σ_p, w = ‖w_O‖, r = τ/m, lδ = log(4NM/δ), Lδ = log(6N²M²/δ),
a′_τ = mτ + 2sτ√(2lδ) + τ² (Lemma G.5 has the factor 2 that Lemma F.4's a_τ does not).
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import sympy as sp

from bounds.symbolic import L_delta, S
from bounds.validate import as_float, nonnegative, positive, positive_int

__all__ = [
    "A_TAU_PRIME",
    "D_PAPER",
    "D_REPAIRED",
    "STAGE_TIMES",
    "T1",
    "claim1_r_max",
    "claim1_snr_requirement",
    "l_delta",
    "lg5_dominance_gap",
    "robust_bound_g42",
    "stage_ordering",
    "stage_times",
]


def l_delta() -> sp.Expr:
    """lδ = log(4NM/δ) (Lemma F.4's noise and perturbation bounds)."""
    return sp.log(4 * S.N * S.M / S.delta)


A_TAU_PRIME: sp.Expr = S.m * S.tau + 2 * S.s * S.tau * sp.sqrt(2 * l_delta()) + S.tau**2
# Lemma G.5's denominator as printed, and the version for which the dominance claim follows (IC-14)
D_PAPER: sp.Expr = S.N * (S.m - S.tau) ** 2 - (S.N + 30 * S.M**2) * A_TAU_PRIME - 60 * S.M**2 * S.s**2 * S.d
D_REPAIRED: sp.Expr = S.N * (S.m - S.tau) ** 2 - S.N * (1 + 30 * S.M**2) * A_TAU_PRIME - 60 * S.M**2 * S.s**2 * S.d


def t1(D: sp.Expr = D_PAPER) -> sp.Expr:
    """Lemma G.5's T₁ = 10M(3M+1)N / (η·d_h^{1/4}·D·w²)."""
    return 10 * S.M * (3 * S.M + 1) * S.N / (S.eta * S.dh ** sp.Rational(1, 4) * D * S.w**2)


T1: sp.Expr = t1(D_PAPER)


@lru_cache(maxsize=2)
def lg5_dominance_gap(repaired: bool = False) -> sp.Expr:
    """(V₊ − 3M|V_{n,i}|)·d_h^{1/4}·D at t = T₁, from the proof's bounds (11) and (13), simplified.

    (11): V₊(T₁) ≥ −d_h^{−1/4} + T₁·η·((m−τ)² − a′)·w²/(10M);
    (13): |V_{n,i}(T₁)| ≤ d_h^{−1/4} + T₁·(2ηs²d/N + η·a′)·w².
    With the printed D the result is −30M²(3M+1)(N−1)·a′ (IC-14): negative for τ > 0 and N ≥ 2, so
    the claimed dominance V₊ ≥ 3M|V_{n,i}| does not follow; with D_REPAIRED it is 0.
    """
    D = D_REPAIRED if repaired else D_PAPER
    T = t1(D)
    a = A_TAU_PRIME
    v_plus = -S.dh ** sp.Rational(-1, 4) + T * S.eta * ((S.m - S.tau) ** 2 - a) * S.w**2 / (10 * S.M)
    v_noise = S.dh ** sp.Rational(-1, 4) + T * (2 * S.eta * S.s**2 * S.d / S.N + S.eta * a) * S.w**2
    return sp.factor(sp.simplify((v_plus - 3 * S.M * v_noise) * S.dh ** sp.Rational(1, 4) * D))


def claim1_r_max(M: float, C: float = 1.0) -> float:
    """The largest r = τ/m with (1 − r)² ≥ 30·M²·C·(r + r²): Claim 1's unstated condition (G.claim1 (b)).

    The quadratic (1 − 30M²C)r² − (2 + 30M²C)r + 1 = 0 has exactly one root in (0, 1); below it the
    condition holds. With C = 1: 8.1e-3 for M = 2 and 1.3e-4 for M = 16 (CLAIMS.md G.claim1).
    """
    M_v = positive("M", M)
    C_v = positive("C", C)
    k = 30 * M_v**2 * C_v
    a, b = 1 - k, -(2 + k)
    if a == 0:
        return 1 / (2 + k)
    disc = b * b - 4 * a
    roots = [(-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)]
    inside = [x for x in roots if 0 < x < 1]
    return min(inside)


def claim1_snr_requirement(M: float, r: float, C: float = 1.0, C_p: float = 1.0) -> float:
    """G.claim1 (a): the N·SNR² that Claim 1 needs, 60·M²·C·C_p²·(1 − r)⁻² (the paper prints 60M²C_p²)."""
    M_v, C_v, Cp = positive("M", M), positive("C", C), positive("C_p", C_p)
    r_v = nonnegative("r", r)
    if r_v >= 1:
        raise ValueError(f"r must be < 1, got {r}")
    return 60 * M_v**2 * C_v * Cp**2 / (1 - r_v) ** 2


# The stage times of Appendix G with every hidden constant 1 (CLAIMS.md "Stage-time definitions")
_MT = S.m + S.tau
STAGE_TIMES: dict[str, tuple[sp.Expr, str]] = {
    "T0": (1 / (S.eta * S.dh ** sp.Rational(1, 4) * _MT**2 * S.w**2), "LG.3, LG.4"),
    "T0'": (1 / (S.eta * _MT**2 * S.w**2 * L_delta()), "LG.6"),
    "T1": (T1, "LG.5"),
    "T2a": (1 / (S.eta * _MT**2 * S.w**2 * L_delta()), "L6465"),
    "T2b": (1 / (S.eta * S.m**2 * S.w**2 * L_delta()), "eq. 41"),
    "T2c": (1 / (S.eta * _MT**2 * S.w**2), "L9559, Appendix C"),
    "T3_case1": (1 / (S.eta * S.eps * _MT**2 * S.w**2), "L9724"),
    "T3_case2": (S.M / (S.eta * S.eps * _MT**2 * S.w**2), "L13983"),
    "T_G8": (1 / (S.eta * S.eps * _MT**2 * S.w**2), "Lemma G.8 (C19 = 1)"),
    "L53_threshold": (1 / (S.eta * S.m**2 * S.w**2 * L_delta()), "L1074"),
    "L55_threshold": (1 / (S.eta * S.eps * S.m**2 * S.w**2 * L_delta()), "L1160"),
}


def stage_times(N: int, M: int, d: int, dh: int, mu: float, sigma_p: float, tau: float, eta: float,
                eps: float, delta: float = 0.01, w_O: float = 1.0) -> dict[str, float]:
    """Every stage time at a point, constants 1. T₁ is +inf when D ≤ 0 (Lemma G.5 then gives no time)."""
    vals = {
        S.N: positive_int("N", N), S.M: positive_int("M", M, 2), S.d: positive_int("d", d, 2),
        S.dh: positive_int("dh", dh), S.m: positive("mu", mu), S.s: positive("sigma_p", sigma_p),
        S.tau: nonnegative("tau", tau), S.eta: positive("eta", eta), S.eps: positive("eps", eps),
        S.delta: positive("delta", delta), S.w: positive("w_O", w_O),
    }
    if not vals[S.delta] < 1:
        raise ValueError(f"delta must be in (0, 1), got {delta}")
    out: dict[str, float] = {}
    for name, (expr, _src) in STAGE_TIMES.items():
        if name == "T1" and float(D_PAPER.subs(vals)) <= 0:
            out[name] = math.inf
            continue
        out[name] = float(expr.subs(vals))
    return out


def stage_ordering(times: dict[str, float]) -> list[tuple[str, str, bool]]:
    """The ordering T₁ ≤ T₀ ≤ T₀′ ≤ T₃ the proof relies on, pair by pair: (earlier, later, holds)."""
    chain = ("T1", "T0", "T0'", "T3_case1")
    return [(a, b, times[a] <= times[b]) for a, b in itertools.pairwise(chain)]


def robust_bound_g42(alpha: list[float], v_plus: float, v_minus: float, u_norm: float, sigma_p: float,
                     tau: float, M: int, c12: float = 0.0, c13: float = 1.0) -> float:
    """G.4.2's data-dependent robust bound, as printed (CLAIMS.md RG.4.2):

        exp(c₁₂/π)·exp(−(c₁₃/2)·[α₁(V₊ − V₋)/(s·√(Σ_{j≥2} α_j²)·‖u‖) − M·τ/(s·√(Σ_{j≥2} α_j²))]²)

    with α_j = Σ_l φ_{l,j} the attention column sums (α₁ on the signal token). Vacuous (capped at 1)
    when the bracket is not positive. With uniform attention (α_j = 1) the τ-term carries M·τ, i.e. the
    factor (1 − M·τ/m), not (1 − τ/m).
    """
    M_v = positive_int("M", M, 2)
    if len(alpha) != M_v:
        raise ValueError(f"alpha must have M = {M_v} entries, got {len(alpha)}")
    a = [nonnegative(f"alpha[{i}]", x) for i, x in enumerate(alpha)]
    vp, vm = as_float("v_plus", v_plus), as_float("v_minus", v_minus)
    un, s, t = positive("u_norm", u_norm), positive("sigma_p", sigma_p), nonnegative("tau", tau)
    rest = math.sqrt(sum(x * x for x in a[1:]))
    if rest == 0:
        raise ValueError("alpha must give the noise tokens some attention (Σ_{j≥2} α_j² > 0), got all zeros")
    bracket = a[0] * (vp - vm) / (s * rest * un) - M_v * t / (s * rest)
    if bracket <= 0:
        return 1.0
    return min(1.0, math.exp(as_float("c12", c12) / math.pi) * math.exp(-(positive("c13", c13) / 2) * bracket**2))
