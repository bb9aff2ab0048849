"""Condition 4.1 (paper L456–541), item by item, each part a separate :class:`Statement`.

Every O/Ω/Õ/Ω̃ carries a named constant ``c_*`` and, for the tilde versions, a polylog factor
``(log_b d)^k_*`` (see :class:`bounds.params.Constants`). Item (5)'s σ_h window is explicit in the
paper (no hidden constant) and is encoded as printed, with Lδ = log(6N²M²/δ).
"""

from __future__ import annotations

import sympy as sp

from bounds.params import Constants, Params
from bounds.symbolic import (
    SNR,
    ItemResult,
    L_delta,
    S,
    Statement,
    c,
    check_point,
    evaluate_many,
    logb,
    point_values,
)

__all__ = ["CONDITION_4_1", "DERIVED", "condition_4_1", "condition_holds"]

_min_scale2 = sp.Min(S.m**-2, 1 / (S.s**2 * S.d))  # min{‖µ‖⁻², (σ_p²d)⁻¹}
_logd = logb(S.d)

CONDITION_4_1: tuple[Statement, ...] = (
    Statement(
        "C4.1.1a", "Condition 4.1(1), d part",
        "d ≥ c_1a·ε⁻²·N²·d_h·(log d)^k_1a",
        S.d, ">=", c("c_1a") * S.eps**-2 * S.N**2 * S.dh * _logd ** c("k_1a"),
    ),
    Statement(
        "C4.1.1b", "Condition 4.1(1), d_h part",
        "d_h ≥ c_1b·max{SNR⁴, SNR⁻⁴}·N²·ε⁻²·(log d)^k_1b",
        S.dh, ">=", c("c_1b") * sp.Max(SNR**4, SNR**-4) * S.N**2 * S.eps**-2 * _logd ** c("k_1b"),
    ),
    Statement(
        "C4.1.2", "Condition 4.1(2)",
        "N ≥ c_2·(log d)^k_2  (N = Ω(polylog d))",
        S.N, ">=", c("c_2") * _logd ** c("k_2"),
    ),
    Statement(
        "C4.1.3a", "Condition 4.1(3), M part",
        "M ≤ c_3M·(log d)^k_3M  (M = Θ(1): not growing with d)",
        S.M, "<=", c("c_3M") * _logd ** c("k_3M"),
    ),
    Statement(
        "C4.1.3b", "Condition 4.1(3), ‖w_O‖ lower",
        "‖w_O‖ ≥ 1/c_3w  (‖w_O‖ = Θ(1))",
        S.w, ">=", 1 / c("c_3w"),
    ),
    Statement(
        "C4.1.3c", "Condition 4.1(3), ‖w_O‖ upper",
        "‖w_O‖ ≤ c_3w  (‖w_O‖ = Θ(1))",
        S.w, "<=", c("c_3w"),
    ),
    Statement(
        "C4.1.4", "Condition 4.1(4)",
        "η ≤ c_4·min{‖µ‖⁻², (σ_p²d)⁻¹}·d_h^(-1/2)·(log d)^k_4",
        S.eta, "<=", c("c_4") * _min_scale2 * S.dh ** sp.Rational(-1, 2) * _logd ** c("k_4"),
    ),
    Statement(
        "C4.1.5a", "Condition 4.1(5), σ_V bound",
        "σ_V ≤ c_5a·‖w_O‖⁻¹·min{‖µ‖⁻¹, (σ_p√d)⁻¹}·d_h^(-1/4)·d^(-1/2)·(log d)^k_5a",
        S.sigma_V, "<=",
        c("c_5a") / S.w * sp.Min(1 / S.m, 1 / (S.s * sp.sqrt(S.d)))
        * S.dh ** sp.Rational(-1, 4) * S.d ** sp.Rational(-1, 2) * _logd ** c("k_5a"),
    ),
    Statement(
        "C4.1.5b", "Condition 4.1(5), σ_h window, lower end",
        "σ_h² ≥ min{‖µ‖⁻², (σ_p²d)⁻¹}·d_h^(-1/2)·Lδ⁻²",
        S.sigma_h**2, ">=", _min_scale2 * S.dh ** sp.Rational(-1, 2) * L_delta() ** -2,
    ),
    Statement(
        "C4.1.5c", "Condition 4.1(5), σ_h window, upper end",
        "σ_h² ≤ min{‖µ‖⁻², (σ_p²d)⁻¹}·d_h^(-1/2)·Lδ^(-3/2)",
        S.sigma_h**2, "<=", _min_scale2 * S.dh ** sp.Rational(-1, 2) * L_delta() ** sp.Rational(-3, 2),
    ),
    Statement(
        "C4.1.6", "Condition 4.1(6)",
        "ε ≤ c_6/(log d)^k_6  (ε = O(1/polylog d))",
        S.eps, "<=", c("c_6") * _logd ** (-c("k_6")),
    ),
)

# Requirements the proofs use that Condition 4.1 does not state (CLAIMS.md §2 and LF.1).
DERIVED: tuple[Statement, ...] = (
    Statement(
        "C4.1.F1", "Lemma F.1 (class balance), needed for Condition 4.1(2)",
        "N ≥ 8·log(4/δ)",
        S.N, ">=", 8 * sp.log(4 / S.delta), derived=True,
    ),
    Statement(
        "C4.1.i", "Lemma G.4 use of Condition 4.1(5): initial logits o(1)",
        "max{‖µ‖², σ_p²d}·σ_h²·√(d_h·Lδ) ≤ Lδ⁻¹",
        sp.Max(S.m**2, S.s**2 * S.d) * S.sigma_h**2 * sp.sqrt(S.dh * L_delta()), "<=", 1 / L_delta(),
        derived=True,
    ),
    Statement(
        "C4.1.ii", "eq. (61) use of Condition 4.1(1)",
        "d ≥ 16·N²·M²·log(4N²M²/δ)",
        S.d, ">=", 16 * S.N**2 * S.M**2 * sp.log(4 * S.N**2 * S.M**2 / S.delta), derived=True,
    ),
)


def condition_4_1(
    params: Params, consts: Constants | None = None, *, derived: bool = True
) -> list[ItemResult]:
    """Evaluate every Condition 4.1 item at ``params``: holds/fails/unknown with margins."""
    check_point(params, consts)
    values = point_values(params, consts or Constants())
    items = CONDITION_4_1 + (DERIVED if derived else ())
    return evaluate_many(items, values)


def condition_holds(results: list[ItemResult]) -> bool | None:
    """Kleene conjunction over the stated (non-derived) items: False if any fails, None if any
    is unknown and none fails, True otherwise."""
    stated = [r.holds for r in results if not r.derived]
    if any(h is False for h in stated):
        return False
    if any(h is None for h in stated):
        return None
    return True
