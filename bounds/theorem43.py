"""Theorem 4.3 (paper L701–704, proof in Appendix I L14960–15014): a lower bound on the robust
error of *every* classifier, in three strengths.

**As stated** (``T4.3``): τ ≥ ‖µ‖ ⇒ L_D^rob ≥ 1/4.

**What the proof's own construction yields** (``T4.3.construction``): τ ≥ ‖µ‖ ⇒ L_D^rob ≥ 1/2.
Appendix I perturbs the signal token by δ₁ = −µ_y (‖δ₁‖ = ‖µ‖ ≤ τ) and leaves the noise tokens
alone, so both X₊ = [µ₊, ξ₂…ξ_M] and X₋ = [µ₋, ξ₂…ξ_M] reach the same Z = [0, ξ₂…ξ_M]. The noise
law does not depend on y, so the two classes can be coupled through one draw ξ. For every ξ:
if f(Z) ≤ 0 the positive example is robustly misclassified, if f(Z) ≥ 0 the negative one is
(a tie f = 0 counts as an error for both), hence ℓ_rob(X₊) + ℓ_rob(X₋) ≥ 1 pointwise and
L_D^rob = ½·E_ξ[ℓ_rob(X₊) + ℓ_rob(X₋)] ≥ ½. The proof's "at least one class is fooled with
probability ≥ min{P(y=+), P(y=−)}" then "½·½ = ¼" discards this coupling; ½ is attained by a
constant classifier, so it is the exact minimax value.

**Sharpened threshold** (``T4.3.sharp``): the same coupling works for any Z reachable from both
classes. The midpoint z = (µ₊ + µ₋)/2 is at distance ‖µ₊ − µ₋‖/2 = ‖µ‖/√2 from both signals
(µ₊ ⊥ µ₋, equal norms), so τ ≥ ‖µ‖/√2 ⇒ L_D^rob ≥ ½ (CLAIMS.md T4.3.sharp).

For a non-ℓ₂ attack τ is the ℓ₂ radius of the largest ball *inside* the ℓ_p ball (Appendix D,
corrected), since a lower bound needs the ℓ₂ perturbation to be admissible.

``IC-1``: a model whose attention is uniform (Lemma 5.4's Case 2) has f(X̃) = (1/M)·Σ_j x̃_jᵀu;
shifting every token by −y·τ·u/‖u‖ lowers y·f by τ‖u‖ while the signal contributes at most
‖µ‖‖u‖/(√2·M), so such a model has robust error ≥ ½ once τ > ‖µ‖/(√2·M).
"""

from __future__ import annotations

import sympy as sp

from bounds.symbolic import S, Statement

__all__ = [
    "LOWER_BOUNDS",
    "THM43",
    "THM43_CONSTRUCTION",
    "THM43_SHARP",
    "UNIFORM_ATTENTION",
    "midpoint_distance",
]

THM43 = Statement("T4.3", "Thm 4.3 as stated", "τ ≥ ‖µ‖ ⇒ robust error ≥ 1/4", S.tau_in, ">=", S.m)
THM43_CONSTRUCTION = Statement(
    "T4.3.construction", "Thm 4.3, Appendix I's construction with the classes coupled",
    "τ ≥ ‖µ‖ ⇒ robust error ≥ 1/2", S.tau_in, ">=", S.m,
)
THM43_SHARP = Statement(
    "T4.3.sharp", "Thm 4.3 sharpened (midpoint perturbation, CLAIMS.md T4.3.sharp)",
    "τ ≥ ‖µ‖/√2 ⇒ robust error ≥ 1/2", S.tau_in, ">=", S.m / sp.sqrt(2),
)
UNIFORM_ATTENTION = Statement(
    "IC-1", "uniform-attention threshold (CLAIMS.md IC-1, Lemma 5.4)",
    "τ > ‖µ‖/(√2·M) ⇒ a uniform-attention model has robust error ≥ 1/2",
    S.tau_in, ">", S.m / (sp.sqrt(2) * S.M),
)

# statement -> the robust-error lower bound it implies when its hypothesis holds
LOWER_BOUNDS: dict[str, tuple[Statement, sp.Rational]] = {
    "paper": (THM43, sp.Rational(1, 4)),
    "construction": (THM43_CONSTRUCTION, sp.Rational(1, 2)),
    "sharp": (THM43_SHARP, sp.Rational(1, 2)),
}


def midpoint_distance() -> sp.Expr:
    """‖µ₊ − (µ₊+µ₋)/2‖₂ for orthogonal µ± of norm m, computed symbolically (= m/√2)."""
    m = S.m
    mu_plus = sp.Matrix([m, 0])
    mu_minus = sp.Matrix([0, m])
    mid = (mu_plus + mu_minus) / 2
    return sp.simplify(sp.sqrt(((mu_plus - mid).T * (mu_plus - mid))[0]))
