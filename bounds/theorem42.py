"""Theorem 4.2 (paper L559–613): the two cases' hypotheses, their iteration counts T, and the
three conclusions, with Lemma G.8's form of T beside the theorem's.

Hidden constants (see :class:`bounds.params.Constants`): ``c_A``, ``c_B`` (Case 1),
``c_A2``, ``c_omega``, ``c_C`` (Case 2), ``C_err`` (the C of both error bounds), ``c_T`` (the Θ in
T) and ``c_G8`` (Lemma G.8's C19). ``log d_h`` uses ``Constants.log_base``. For a non-ℓ₂ attack,
τ below is the ℓ₂ radius of the smallest ball containing the ℓ_p ball (Appendix D, corrected).
"""

from __future__ import annotations

import math

import sympy as sp

from bounds.symbolic import SNR, S, Statement, c, logb
from bounds.validate import nonnegative, positive

__all__ = [
    "CASE1",
    "CASE2",
    "CLEAN_ERROR",
    "CLEAN_EXPONENT",
    "LOG_CLEAN_ERROR",
    "LOG_ROBUST_ERROR",
    "N_SNR2",
    "PROBABILITY",
    "ROBUST_ERROR",
    "ROBUST_EXPONENT",
    "T_CASE1",
    "T_CASE2",
    "T_G8",
    "clean_error_bound",
    "robust_error_bound",
]

N_SNR2: sp.Expr = S.N * SNR**2  # N·SNR² = N‖µ‖²/(σ_p²d)
_tau_threshold = S.m / logb(S.dh)  # ‖µ‖/log d_h

CASE1: tuple[Statement, ...] = (
    Statement("T4.2.case1.snr", "Thm 4.2, Case 1, hypothesis 1",
              "N·SNR² ≥ c_A  (N·SNR² = Ω(1))", N_SNR2, ">=", c("c_A")),
    Statement("T4.2.case1.tau", "Thm 4.2, Case 1, hypothesis 2",
              "τ ≤ c_B·‖µ‖/log d_h  (τ ≤ O(‖µ‖/log d_h))", S.tau, "<=", c("c_B") * _tau_threshold),
)

CASE2: tuple[Statement, ...] = (
    Statement("T4.2.case2.snr", "Thm 4.2, Case 2, hypothesis 1",
              "N·SNR² ≥ c_A2/ε  (N·SNR² = Ω(1/ε))", N_SNR2, ">=", c("c_A2") / S.eps),
    Statement("T4.2.case2.tau_lo", "Thm 4.2, Case 2, hypothesis 2, lower end",
              "τ > c_omega·‖µ‖/log d_h  (τ ≥ ω(‖µ‖/log d_h))", S.tau, ">", c("c_omega") * _tau_threshold),
    Statement("T4.2.case2.tau_hi", "Thm 4.2, Case 2, hypothesis 2, upper end",
              "τ ≤ c_C·‖µ‖  (τ ≤ O(‖µ‖))", S.tau, "<=", c("c_C") * S.m),
)

# The exponents g of the two error bounds exp(−C·g): d·SNR² (note d·SNR² = ‖µ‖²/σ_p²) and d·SNR²·(1 − τ/‖µ‖)².
CLEAN_EXPONENT: sp.Expr = S.d * SNR**2
ROBUST_EXPONENT: sp.Expr = CLEAN_EXPONENT * (1 - S.tau / S.m) ** 2
# Conclusion 2: clean error ≤ exp(−C·d·SNR²).
CLEAN_ERROR: sp.Expr = sp.exp(-c("C_err") * CLEAN_EXPONENT)
# Conclusion 3: robust error ≤ exp(−C·d·SNR²·(1 − τ/‖µ‖)²). The formula is stated for τ ≤ O(‖µ‖);
# past τ = ‖µ‖ it would decrease again, so it is taken as vacuous (= 1) there, which keeps the
# bound monotone in τ and equal to 1 exactly at τ = ‖µ‖.
ROBUST_ERROR: sp.Expr = sp.Piecewise(
    (sp.exp(-c("C_err") * ROBUST_EXPONENT), S.tau <= S.m),
    (sp.Integer(1), True),
)
# The exponents themselves (natural log of the bounds), which stay readable where the bounds
# underflow to 0 in floating point.
LOG_CLEAN_ERROR: sp.Expr = -c("C_err") * CLEAN_EXPONENT
LOG_ROBUST_ERROR: sp.Expr = sp.Piecewise((-c("C_err") * ROBUST_EXPONENT, S.tau <= S.m), (sp.Integer(0), True))
# Iteration counts: T = Θ(η⁻¹ε⁻¹‖µ‖⁻²‖w_O‖⁻²) in Case 1, M times that in Case 2; Lemma G.8 has
# (‖µ‖ + τ)² where the theorem has ‖µ‖².
T_CASE1: sp.Expr = c("c_T") / (S.eta * S.eps * S.m**2 * S.w**2)
T_CASE2: sp.Expr = S.M * T_CASE1
T_G8: sp.Expr = c("c_G8") / (S.eta * S.eps * (S.m + S.tau) ** 2 * S.w**2)
# Conclusions hold with probability ≥ 1 − 1/d.
PROBABILITY: sp.Expr = 1 - 1 / S.d


def clean_error_bound(d: float, snr: float, C: float = 1.0) -> float:
    """exp(−C·d·SNR²), Theorem 4.2 conclusion 2."""
    return math.exp(-positive("C", C) * positive("d", d) * positive("snr", snr) ** 2)


def robust_error_bound(d: float, snr: float, tau_rel: float, C: float = 1.0) -> float:
    """exp(−C·d·SNR²·(1 − τ/‖µ‖)²) for τ/‖µ‖ ≤ 1, else 1 (Theorem 4.2 conclusion 3)."""
    r = nonnegative("tau_rel", tau_rel)
    g = positive("d", d) * positive("snr", snr) ** 2
    if r > 1:
        return 1.0
    return math.exp(-positive("C", C) * g * (1 - r) ** 2)
