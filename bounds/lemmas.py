"""Section 5's lemmas, Practical Guideline 1 and the convergence-time remark of Section 4.

- Lemma 5.3 (L1074–1101): after t ≥ Ω(1/(η‖µ‖²‖w_O‖²Lδ)), for τ ≤ O(‖µ‖/log d_h), every attention
  entry's max/min ratio over the ball is ≤ C with C ≤ e/2.
- Lemma 5.4 (L1117–1131): for ω(‖µ‖/log d_h) ≤ τ ≤ O(‖µ‖), attention stays in 1/M ± o(1).
- Lemma 5.5 (L1160–1183): y·f(X) − min_{X̃} y·f(X̃) ≲ M·‖W_V w_O‖·τ, after
  t ≥ Ω(η⁻¹ε⁻¹‖µ‖⁻²‖w_O‖⁻²Lδ⁻¹), for τ ≤ ‖µ‖/log d_h.
- Lemma 5.6 (L1197–1219): P(∃X̃: y·f(X̃) ≤ 0) ≤ exp(−c·[((V₊ − V₋) − ‖u‖τ)/(σ_p‖u‖)]²), u = W_V w_O.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import sympy as sp

from bounds.params import Constants, Params
from bounds.symbolic import SNR, L_delta, S, Statement, c, logb, point_values, values_many
from bounds.theorem42 import T_CASE1
from bounds.validate import as_float, nonnegative, positive, positive_int

__all__ = [
    "GUIDELINE",
    "L53_C",
    "L53_TIME",
    "L55_TIME",
    "T_MINIMUM",
    "T_PAPER_REMARK",
    "attention_window",
    "convergence_time_minimum",
    "convergence_time_paper",
    "convergence_time_wang",
    "convergence_times",
    "frozen_attention_drop",
    "lemma55_drop",
    "lemma56_bound",
    "max_logit_shift_for",
    "softmax_ratio_bound",
]

# Lemma 5.3's constant, explicit in the paper: C ≤ e/2.
L53_C: sp.Expr = sp.E / 2
L53_TIME: sp.Expr = c("c_L53") / (S.eta * S.m**2 * S.w**2 * L_delta())
L55_TIME: sp.Expr = c("c_L55t") / (S.eta * S.eps * S.m**2 * S.w**2 * L_delta())

GUIDELINE = Statement(
    "G1", "Practical Guideline 1 (Section 4)",
    "τ ≤ ‖µ‖/log d_h", S.tau, "<=", S.m / logb(S.dh),
)


def softmax_ratio_bound(sigma: float) -> float:
    """Bound on a softmax entry's max/min ratio when every logit moves by at most σ: e^{4σ}.

    Each entry e^{z_j}/Σ_k e^{z_k} moves by a factor in [e^{-2σ}, e^{2σ}] (CLAIMS.md L5.3 (iii)).
    """
    return math.exp(4 * nonnegative("sigma", sigma))


def max_logit_shift_for(ratio: float) -> float:
    """Largest per-logit shift σ with e^{4σ} ≤ ratio; for Lemma 5.3's e/2 this is (1 − ln 2)/4."""
    r = positive("ratio", ratio)
    if r < 1:
        raise ValueError(f"ratio must be >= 1, got {ratio}")
    sigma = sp.Symbol("sigma", nonnegative=True)
    (root,) = sp.solve(sp.Eq(sp.exp(4 * sigma), sp.nsimplify(r)), sigma)
    return float(root)


def attention_window(M: int, v: float) -> tuple[float, float]:
    """Exact range of a softmax entry over M keys when every logit has |z| ≤ v (Lemma G.2):
    [1/(1 + (M−1)e^{2v}), 1/(1 + (M−1)e^{−2v})], which contains 1/M and shrinks to it as v → 0."""
    m_tokens = positive_int("M", M, 2)
    bound = nonnegative("v", v)
    return (1 / (1 + (m_tokens - 1) * math.exp(2 * bound)),
            1 / (1 + (m_tokens - 1) * math.exp(-2 * bound)))


def lemma55_drop(M: int, u_norm: float, tau: float, C: float = 1.0) -> float:
    """Lemma 5.5's bound on the worst-case margin drop: C·M·‖W_V w_O‖·τ."""
    return positive("C", C) * positive_int("M", M, 2) * nonnegative("u_norm", u_norm) * nonnegative("tau", tau)


def frozen_attention_drop(u_norm: float, tau: float) -> float:
    """The exact worst-case drop when attention is frozen: τ‖u‖ (attained by δ_j = −y·τ·u/‖u‖ for
    every token), without Lemma 5.5's factor M (CLAIMS.md L5.5, IC-12)."""
    return nonnegative("u_norm", u_norm) * nonnegative("tau", tau)


Lemma56Variant = Literal["paper", "with_M", "per_class"]


def lemma56_bound(
    v_plus: float,
    v_minus: float,
    u_norm: float,
    sigma_p: float,
    tau: float,
    *,
    c: float = 0.5,
    variant: Lemma56Variant = "paper",
    M: int | None = None,
) -> float:
    """Lemma 5.6's data-dependent robust-error bound exp(−c·[(margin − k‖u‖τ)/(σ_p‖u‖)]²).

    variants (CLAIMS.md L5.6): ``paper`` margin V₊ − V₋, k = 1; ``with_M`` margin V₊ − V₋, k = M
    (Lemma 5.5's factor, IC-12); ``per_class`` margin min(V₊, −V₋), k = 1 (the per-class margin
    y·V_y, IC-13). The bound is vacuous (1) when the margin does not exceed k‖u‖τ.
    """
    vp, vm = as_float("v_plus", v_plus), as_float("v_minus", v_minus)
    un, s, t = positive("u_norm", u_norm), positive("sigma_p", sigma_p), nonnegative("tau", tau)
    c_value = positive("c", c)
    if variant == "paper":
        margin, k = vp - vm, 1
    elif variant == "with_M":
        if M is None:
            raise ValueError("M must be given for variant 'with_M', got None")
        margin, k = vp - vm, positive_int("M", M, 2)
    elif variant == "per_class":
        margin, k = min(vp, -vm), 1
    else:
        raise ValueError(f"variant must be one of paper, with_M, per_class, got {variant!r}")
    gap = margin - k * un * t
    if gap <= 0:
        return 1.0
    return math.exp(-c_value * (gap / (s * un)) ** 2)


# -- the convergence-time remark of Section 4 (L679–684; CLAIMS.md R4.2.d, IC-11) -------------

# The largest admissible η (Condition 4.1(4)) and smallest admissible d_h (Condition 4.1(1)),
# all constants 1, substituted into Theorem 4.2's T with ‖w_O‖ = 1: a function of N, ε, ‖µ‖, σ_p, d.
T_MINIMUM: sp.Expr = (
    T_CASE1.subs({c("c_T"): 1, S.w: 1, S.eta: sp.Min(S.m**-2, 1 / (S.s**2 * S.d)) * S.dh ** sp.Rational(-1, 2)})
    .subs(S.dh, sp.Max(SNR**4, SNR**-4) * S.N**2 * S.eps**-2)
)


@lru_cache(maxsize=1)
def convergence_time_minimum() -> sp.Expr:
    """:data:`T_MINIMUM` written in the symbol ``SNR`` (‖µ‖ = SNR·σ_p·√d).

    Derived by substitution, not typed in: it equals N·ε⁻²·max{SNR², SNR⁻⁴}, which keeps the
    ε⁻² that the paper's "T ∼ O(N·max{SNR², SNR⁻⁴})" drops (CLAIMS.md R4.2.d, IC-11).
    """
    snr = sp.Symbol("SNR", positive=True)
    return T_MINIMUM.subs(S.m, snr * S.s * sp.sqrt(S.d))


# The paper's own statement of that time, N·max{SNR², SNR⁻⁴} (Section 4, L679–684).
T_PAPER_REMARK: sp.Expr = S.N * sp.Max(SNR**2, SNR**-4)


@lru_cache(maxsize=1)
def convergence_time_paper() -> sp.Expr:
    """The paper's stated minimum time N·max{SNR², SNR⁻⁴} (Section 4, L679–684)."""
    snr = sp.Symbol("SNR", positive=True)
    return T_PAPER_REMARK.subs(S.m, snr * S.s * sp.sqrt(S.d))


def convergence_time_wang() -> sp.Expr:
    """The comparison bound d²/(‖µ‖²ε²) quoted from Wang et al. (2024)."""
    return S.d**2 / (S.m**2 * S.eps**2)




def convergence_times(params: Params, consts: Constants | None = None) -> dict[str, float | None]:
    """The times of the convergence-time comparison at a point (None where unknown)."""
    values = point_values(params, consts or Constants())
    t_derived, t_paper, wang, t_case1 = values_many(
        (T_MINIMUM, T_PAPER_REMARK, convergence_time_wang(), T_CASE1), values)
    return {"derived_minimum": t_derived, "paper_statement": t_paper,
            "wang_et_al": wang, "theorem_T_case1": t_case1}
