"""Reference classifiers of Definition 3.1's data whose robust error is known exactly, so that a lower bound
"for every classifier" (Theorem 4.3 and its sharpening, ``bounds.theorem43``) can be refuted as well as
confirmed: one reference whose exact robust error falls below the bound where the bound is said to hold is a
counterexample.

**Data** (Definition 3.1, L198–226). P(y = +1) = P(y = −1) = 1/2; the signal token is x₁ = µ_y, with
µ₊ ⊥ µ₋ and ‖µ₊‖ = ‖µ₋‖ = ‖µ‖; the noise tokens x₂…x_M are drawn from N(0, σ_p²·(I − µ₊µ₊ᵀ/‖µ‖² −
µ₋µ₋ᵀ/‖µ‖²)), independent of y and orthogonal to both signals.

**Threat model.** B(X, τ) = {X̃ : ‖x̃_m − x_m‖_p ≤ τ for every m ∈ [M]} (L308–311): a budget per token, each
token moving by at most τ independently of the others, p ≥ 2. Like the paper's main text (footnote 1,
L375–376) bovit uses p = 2; the closed forms are for p = 2 only (for p > 2 the ℓ_p ball holds the ℓ₂ ball,
and the signal-token classifier breaks earlier). The robust 0/1 loss is max_{X̃ ∈ B(X, τ)} 1(y·f(X̃) ≤ 0) (L319), so a tie
f(X̃) = 0 counts as an error. Everything below is a function of r = τ/‖µ‖ ≥ 0 only.

**The constant classifier** f(X) = c with c > 0 (c < 0 is the mirror image; c = 0 is wrong everywhere,
since a tie is an error). Perturbations cannot change f, and y·c ≤ 0 exactly when y = −1, so
L_D^rob = P(y = −1) = 1/2 for every r. Of a coupled pair X₊ = [µ₊, ξ], X₋ = [µ₋, ξ] exactly one (the
negative) is wrong: the probability that both survive is 0.

**The signal-token classifier** f(X) = ⟨x₁, u⟩ with u = µ₊ − µ₋, ‖u‖ = √2·‖µ‖ (µ₊ ⊥ µ₋). Its clean margin
is y·⟨µ_y, u⟩ = ‖µ‖² for both classes (⟨µ₊, u⟩ = ‖µ‖², ⟨µ₋, u⟩ = −‖µ‖²). It reads x₁ only, so the budget on
x₂…x_M cannot change it (per token, the attacker's best is its best on x₁ alone; a budget for the whole
input, ‖X̃ − X‖ ≤ τ, gives the same, since spending it all on x₁ is best). On x₁, by Cauchy–Schwarz,
min_{‖δ‖ ≤ τ} y·⟨µ_y + δ, u⟩ = ‖µ‖² − τ‖u‖ = ‖µ‖²·(1 − √2·r), attained at δ = −τ·y·u/‖u‖. The example is
robustly misclassified iff 1 − √2·r ≤ 0, i.e. r ≥ 1/√2; at r = 1/√2 the worst point is x̃₁ = µ_y − y·u/2
= (µ₊ + µ₋)/2, the midpoint, where f = 0: a tie, so an error. The margin does not depend on ξ, y, σ_p, d or
M, so L_D^rob = 0 for r < 1/√2 and 1 for r ≥ 1/√2, and both members of a pair survive (probability 1) below
1/√2, neither at or above. Since 1/√2 is irrational no float radius hits the tie; the comparison is made
exactly (2r² ≥ 1), for floats and for sympy numbers such as ``sp.sqrt(2)/2``.

**The midpoint-optimal classifier** at radius r: the signal-token classifier for r < 1/√2 and the constant
one for r ≥ 1/√2, so L_D^rob = 0 below 1/√2 and exactly 1/2 at and above. The midpoint argument
(CLAIMS.md T4.3.sharp) gives L_D^rob ≥ 1/2 for every classifier at r ≥ 1/√2, so this is inf_f L_D^rob
exactly, at every r: the sharpened bound 1/2 is attained, its threshold 1/√2 cannot be lowered, and the
paper's 1/4 at r ≥ 1 is loose by a factor 2. The choice depends on r, and must: a classifier whose robust
error is 1/2 at every r ≥ 1/√2 has, for almost every ξ, exactly one member of the coupled pair right at each
such r; being right at r implies being right at every smaller r, so one member is right at every r, and f then
has one sign on every input with x₁ arbitrary (the union of the balls), so the other member is wrong already
at r = 0, and the robust error below 1/√2 is at least 1/2, not 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from bounds.symbolic import S
from bounds.theorem43 import THM43_SHARP
from bounds.validate import as_float, nonnegative

__all__ = [
    "CONSTANT",
    "LABEL_PROBABILITY",
    "MIDPOINT_OPTIMAL",
    "REFERENCES",
    "SIGNAL_TOKEN",
    "SIGNAL_TOKEN_MARGIN",
    "Reference",
    "constant_decision",
    "signal_token_decision",
    "signal_token_worst_case",
    "smallest_robust_error",
]

# Definition 3.1 (1): y is Rademacher, P(y = +1) = P(y = −1) = 1/2 (L205–206)
LABEL_PROBABILITY = sp.Rational(1, 2)
# the signal-token classifier's worst-case margin y·f(X̃) over B(X, τ), in the paper's symbols
SIGNAL_TOKEN_MARGIN: sp.Expr = S.m**2 - S.tau_in * sp.sqrt(2) * S.m
# where it reaches 0, as a fraction of ‖µ‖: 1/√2, Theorem 4.3's sharpened threshold
_BREAK = sp.solve(SIGNAL_TOKEN_MARGIN.subs(S.tau_in, S.tau_in * S.m), S.tau_in)[0]
if sp.simplify(_BREAK - THM43_SHARP.rhs / S.m) != 0:  # pragma: no cover - the derivation above
    raise RuntimeError(f"the signal-token margin vanishes at τ/‖µ‖ = {_BREAK}, not at Theorem 4.3's 1/√2")

_ZERO, _ONE = Fraction(0), Fraction(1)
_HALF = Fraction(int(LABEL_PROBABILITY.p), int(LABEL_PROBABILITY.q))


def _at_or_above_break(r: object) -> bool:
    """Whether r = τ/‖µ‖ ≥ 1/√2, decided exactly (2r² ≥ 1): r a real number ≥ 0 (int, float, Fraction, or a
    sympy number such as ``sp.sqrt(2)/2``); a negative, infinite or NaN r raises one ValueError naming r."""
    if isinstance(r, sp.Basic):
        if not r.is_number or r.is_real is False:
            raise ValueError(f"r must be a real number, got {r}")
        nonnegative("r", float(r))
        return bool(2 * r**2 >= 1)
    value = nonnegative("r", r)
    exact = Fraction(r) if isinstance(r, int | float | Fraction) and not isinstance(r, bool) else Fraction(value)
    return 2 * exact**2 >= 1


@dataclass(frozen=True)
class Reference:
    """A classifier of Definition 3.1's data with its exact robust error and exact probability that both
    members of a coupled pair (µ₊, ξ), (µ₋, ξ) survive, each a function of r = τ/‖µ‖."""

    id: str
    text: str
    robust_error: Callable[[object], Fraction]
    pairs_both_correct: Callable[[object], Fraction]


def _constant_error(r: object) -> Fraction:
    _at_or_above_break(r)  # validates r
    return _HALF


def _constant_pairs(r: object) -> Fraction:
    _at_or_above_break(r)
    return _ZERO


def _signal_error(r: object) -> Fraction:
    return _ONE if _at_or_above_break(r) else _ZERO


def _signal_pairs(r: object) -> Fraction:
    return _ZERO if _at_or_above_break(r) else _ONE


def _optimal_error(r: object) -> Fraction:
    return _HALF if _at_or_above_break(r) else _ZERO


CONSTANT = Reference("constant", "f(X) = c > 0: wrong on the negative class only, at every τ",
                     _constant_error, _constant_pairs)
SIGNAL_TOKEN = Reference("signal-token", "f(X) = ⟨x₁, µ₊ − µ₋⟩: worst margin ‖µ‖²(1 − √2·τ/‖µ‖)",
                         _signal_error, _signal_pairs)
MIDPOINT_OPTIMAL = Reference("midpoint-optimal",
                             "the signal-token classifier below ‖µ‖/√2, the constant one from it on: inf_f L_D^rob",
                             _optimal_error, _signal_pairs)
REFERENCES: tuple[Reference, ...] = (CONSTANT, SIGNAL_TOKEN, MIDPOINT_OPTIMAL)


def smallest_robust_error(r: object) -> tuple[Fraction, tuple[str, ...]]:
    """The smallest exact robust error of the references at r = τ/‖µ‖, and the references that have it."""
    errors = {ref.id: ref.robust_error(r) for ref in REFERENCES}
    low = min(errors.values())
    return low, tuple(i for i, e in errors.items() if e == low)


# ---- the classifiers themselves, on arrays (for the numerical checks of the closed forms) -------------------


def constant_decision(X: np.ndarray, c: float = 1.0) -> np.ndarray:
    """f(X) = c for each example of X (..., M, d)."""
    X = np.asarray(X)
    if X.ndim < 2:
        raise ValueError(f"X must have shape (..., M, d), got {X.shape}")
    if as_float("c", c) == 0:
        raise ValueError("c must be nonzero (f = 0 is a tie, wrong on every example), got 0")
    return np.full(X.shape[:-2], float(c))


def signal_token_decision(X: np.ndarray, mu_plus: np.ndarray, mu_minus: np.ndarray) -> np.ndarray:
    """f(X) = ⟨x₁, µ₊ − µ₋⟩ for each example of X (..., M, d)."""
    X = np.asarray(X, dtype=float)
    if X.ndim < 2:
        raise ValueError(f"X must have shape (..., M, d), got {X.shape}")
    u = np.asarray(mu_plus, dtype=float) - np.asarray(mu_minus, dtype=float)
    if u.shape != X.shape[-1:]:
        raise ValueError(f"mu_plus and mu_minus must have shape ({X.shape[-1]},), got {u.shape}")
    return X[..., 0, :] @ u


def signal_token_worst_case(X: np.ndarray, y: np.ndarray, mu_plus: np.ndarray, mu_minus: np.ndarray,
                            tau: float) -> np.ndarray:
    """The exact worst case in B(X, τ) for the signal-token classifier: x₁ moved by τ along −y·u/‖u‖,
    u = µ₊ − µ₋, the other tokens unchanged."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    t = nonnegative("tau", tau)
    if X.ndim < 2 or y.shape != X.shape[:-2]:
        raise ValueError(f"y must have shape {X.shape[:-2]} (X's examples), got {y.shape}")
    u = np.asarray(mu_plus, dtype=float) - np.asarray(mu_minus, dtype=float)
    out = X.copy()
    out[..., 0, :] -= t * y[..., None] * u / np.linalg.norm(u)
    return out
