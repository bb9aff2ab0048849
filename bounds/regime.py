"""Which of the paper's statements applies at a point: ``regime(params)`` and its vectorised twin.

The five regimes partition the parameter space (exhaustive and disjoint):

- ``thm4.3``: τ ≥ ‖µ‖ — Theorem 4.3 holds for every classifier, whatever else is true;
- ``case1`` / ``case2``: Condition 4.1 and that case's hypotheses of Theorem 4.2 hold;
- ``gap``: Condition 4.1 holds and τ lies between the thresholds, where no statement applies
  (c_B·‖µ‖/log d_h < τ ≤ c_omega·‖µ‖/log d_h, or c_C·‖µ‖ < τ < ‖µ‖);
- ``unmet``: anything else — Condition 4.1 fails or cannot be established, or τ is in a case's
  range but that case's N·SNR² hypothesis fails.

Every answer carries its reason in words and numbers. ``nominal`` is the same classification with
Condition 4.1 ignored: what the paper's setting *intends*, as opposed to what the theorems cover.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bounds.condition41 import CONDITION_4_1, DERIVED, condition_holds
from bounds.params import Constants, Params
from bounds.symbolic import (
    CONST_SYMBOLS,
    EXTREME,
    PARAM_SYMBOLS,
    ItemResult,
    S,
    Statement,
    check_point,
    evaluate_many,
    point_values,
    sides_many,
)
from bounds.theorem42 import CASE1, CASE2
from bounds.theorem43 import THM43

__all__ = ["REGIMES", "RegimeName", "RegimeResult", "classify_many", "describe_margin", "regime"]

RegimeName = Literal["case1", "case2", "thm4.3", "gap", "unmet"]
REGIMES: tuple[RegimeName, ...] = ("case1", "case2", "thm4.3", "gap", "unmet")


def describe_margin(item: ItemResult) -> str:
    """"C4.1.4 misses by 460×" / "holds with 3.2× to spare" / "unknown (needs sigma_h)"."""
    if item.holds is None:
        return f"{item.id} unknown (needs {', '.join(item.missing)})"
    if item.margin is None:
        return item.id
    if item.holds:
        return f"{item.id} holds ({_ratio(item.margin)} to spare)"
    return f"{item.id} misses by {_ratio(1 / item.margin if item.margin > 0 else float('inf'))}"


def _ratio(x: float) -> str:
    if x == float("inf"):
        return "∞×"
    return f"{x:.3g}×"


@dataclass(frozen=True)
class RegimeResult:
    """The regime of one point, why, and every item it was decided from."""

    regime: RegimeName
    reason: str
    nominal: RegimeName
    nominal_reason: str
    condition_holds: bool | None
    condition: tuple[ItemResult, ...]
    case1: tuple[ItemResult, ...]
    case2: tuple[ItemResult, ...]
    thm43: ItemResult


def _over_mu(item: ItemResult, mu: float) -> float:
    """The threshold (rhs) of a decided τ hypothesis as a multiple of ‖µ‖: an item whose ``holds`` is
    True or False has both sides (``evaluate_many`` leaves ``holds`` None when a side is unknown)."""
    assert item.rhs is not None, f"{item.id} is undecided"
    return item.rhs / mu


def _classify_cases(
    params: Params, mu: float, case1: tuple[ItemResult, ...], case2: tuple[ItemResult, ...]
) -> tuple[RegimeName, str]:
    """Steps 3–6 of the partition, given τ < ‖µ‖ (Theorem 4.3 does not apply) and so ‖µ‖ = ``mu`` known."""
    snr1, tau1 = case1
    snr2, tau_lo, tau_hi = case2
    # τ as the ℓ₂ radius the hypotheses use (= τ itself for an ℓ₂ attack)
    r = None if params.tau_l2 is None else params.tau_l2 / mu
    r_text = "?" if r is None else f"{r:.4g}"
    if snr1.holds and tau1.holds:
        return "case1", (f"Case 1: N·SNR² = {snr1.lhs:.4g} ≥ c_A = {snr1.rhs:.4g} and "
                         f"τ/‖µ‖ = {r_text} ≤ c_B/log d_h = {_over_mu(tau1, mu):.4g}")
    if snr2.holds and tau_lo.holds and tau_hi.holds:
        return "case2", (f"Case 2: N·SNR² = {snr2.lhs:.4g} ≥ c_A2/ε = {snr2.rhs:.4g} and "
                         f"c_omega/log d_h = {_over_mu(tau_lo, mu):.4g} < τ/‖µ‖ = {r_text} "
                         f"≤ c_C = {_over_mu(tau_hi, mu):.4g}")
    unknown = [i for i in case1 + case2 if i.holds is None]
    if unknown:
        needs = sorted({n for i in unknown for n in i.missing})
        return "unmet", f"the case hypotheses cannot be decided: needs {', '.join(needs)}"
    if tau1.holds is False and tau_lo.holds is False:
        return "gap", (f"τ/‖µ‖ = {r_text} lies between Case 1's c_B/log d_h = {_over_mu(tau1, mu):.4g} "
                       f"and Case 2's c_omega/log d_h = {_over_mu(tau_lo, mu):.4g}: no statement applies")
    if tau_hi.holds is False:
        return "gap", (f"τ/‖µ‖ = {r_text} lies between Case 2's c_C = {_over_mu(tau_hi, mu):.4g} "
                       f"and Theorem 4.3's 1: no statement applies")
    if tau1.holds:
        return "unmet", (f"τ/‖µ‖ = {r_text} is in Case 1's range (≤ {_over_mu(tau1, mu):.4g}) but "
                         f"N·SNR² = {snr1.lhs:.4g} < c_A = {snr1.rhs:.4g}")
    return "unmet", (f"τ/‖µ‖ = {r_text} is in Case 2's range but N·SNR² = {snr2.lhs:.4g} "
                     f"< c_A2/ε = {snr2.rhs:.4g}")


_ALL_STATEMENTS: tuple[Statement, ...] = CONDITION_4_1 + DERIVED + CASE1 + CASE2 + (THM43,)


def regime(params: Params, consts: Constants | None = None) -> RegimeResult:
    """Classify ``params`` into exactly one of :data:`REGIMES`, with the reason."""
    check_point(params, consts)
    consts = consts or Constants()
    values = point_values(params, consts)
    results = evaluate_many(_ALL_STATEMENTS, values)
    n_cond, n1, n2 = len(CONDITION_4_1) + len(DERIVED), len(CASE1), len(CASE2)
    condition = tuple(results[:n_cond])
    case1 = tuple(results[n_cond:n_cond + n1])
    case2 = tuple(results[n_cond + n1:n_cond + n1 + n2])
    thm = results[-1]
    cond = condition_holds(list(condition))

    # Theorem 4.3 compares τ with ‖µ‖, so it is decided exactly when both are known.
    mu = params.mu
    if thm.holds is None or mu is None:
        reason = f"τ and ‖µ‖ must be known to place the point (needs {', '.join(thm.missing)})"
        return RegimeResult("unmet", reason, "unmet", reason, cond, condition, case1, case2, thm)
    if thm.holds:
        reason = (f"Theorem 4.3: τ = {thm.lhs:.4g} ≥ ‖µ‖ = {thm.rhs:.4g}; every classifier has robust "
                  f"error ≥ 1/4 as stated (≥ 1/2 by the proof's own construction)")
        return RegimeResult("thm4.3", reason, "thm4.3", reason, cond, condition, case1, case2, thm)

    nominal, nominal_reason = _classify_cases(params, mu, case1, case2)
    if cond is False:
        failing = [i for i in condition if i.holds is False and not i.derived]
        worst = sorted(failing, key=lambda i: i.margin if i.margin is not None else 1.0)
        shown = "; ".join(describe_margin(i) for i in worst[:4])
        more = f" and {len(worst) - 4} more" if len(worst) > 4 else ""
        reason = f"Condition 4.1 fails: {shown}{more} (nominally: {nominal_reason})"
        return RegimeResult("unmet", reason, nominal, nominal_reason, cond, condition, case1, case2, thm)
    if cond is None:
        unknown = [i for i in condition if i.holds is None and not i.derived]
        needs = sorted({n for i in unknown for n in i.missing})
        reason = (f"Condition 4.1 cannot be established: {', '.join(i.id for i in unknown)} unknown "
                  f"(needs {', '.join(needs)}) (nominally: {nominal_reason})")
        return RegimeResult("unmet", reason, nominal, nominal_reason, cond, condition, case1, case2, thm)
    return RegimeResult(nominal, nominal_reason, nominal, nominal_reason, cond, condition, case1, case2, thm)


# -- vectorised ----------------------------------------------------------------------------------

_COLUMN_OF = {S.d: "d", S.dh: "dh", S.N: "N", S.M: "M", S.m: "mu", S.s: "sigma_p", S.tau: "tau",
              S.tau_in: "tau", S.eta: "eta", S.eps: "eps", S.delta: "delta", S.sigma_h: "sigma_h",
              S.sigma_V: "sigma_V", S.w: "w_O"}
CODES: dict[RegimeName, int] = {name: i for i, name in enumerate(REGIMES)}


def _holds_arrays(statements: tuple[Statement, ...], values: dict) -> list[np.ndarray]:
    out = []
    for st, (lhs, rhs) in zip(statements, sides_many(statements, values), strict=True):
        a, b = np.asarray(lhs, dtype=float), np.asarray(rhs, dtype=float)
        out.append(a >= b if st.op == ">=" else a <= b if st.op == "<=" else a > b)
    return out


def _integer_at_least(low: int) -> Callable[[np.ndarray], np.ndarray]:
    return lambda a: (a >= low) & (a == np.floor(a))


_COLUMN_RULES: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "d": ("an integer >= 2", _integer_at_least(2)), "dh": ("an integer >= 2", _integer_at_least(2)),
    "M": ("an integer >= 2", _integer_at_least(2)), "N": ("an integer >= 1", _integer_at_least(1)),
    **{k: ("> 0", lambda a: a > 0) for k in ("mu", "sigma_p", "eta", "sigma_h", "sigma_V", "w_O")},
    "tau": (">= 0", lambda a: a >= 0),
    **{k: ("in (0, 1)", lambda a: (a > 0) & (a < 1)) for k in ("eps", "delta")},
}


def classify_many(
    columns: dict[str, np.ndarray], consts: Constants | None = None, *, nominal: bool = False
) -> np.ndarray:
    """Regime codes (index into :data:`REGIMES`) for arrays of points, ℓ₂ attacks.

    ``columns`` maps d, dh, N, M, mu, sigma_p, tau, eta, eps, delta, sigma_h, sigma_V, w_O to
    arrays (or scalars) that broadcast together. Uses the same lambdified statements as
    :func:`regime`, so the two agree point by point; ``nominal=True`` ignores Condition 4.1.
    """
    consts = consts or Constants()
    needed = set(_COLUMN_OF.values())
    missing = sorted(needed - set(columns))
    if missing:
        raise ValueError(f"columns must include {', '.join(missing)}, got {sorted(columns)}")
    arrays = {k: np.asarray(v, dtype=float) for k, v in columns.items() if k in needed}
    for k, a in arrays.items():
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{k} must be finite, got a non-finite entry")
        # the rules Params applies to one point (bounds.params), entry by entry, and the range the formulas
        # evaluate in floating point (bounds.symbolic): the first entry that breaks one is named
        rule, ok = _COLUMN_RULES[k]
        # τ enters additively (‖µ‖ ± τ): a tiny τ is fine; a tiny ‖µ‖ or σ overflows a quotient
        tiny = (a != 0) & (np.abs(a) <= 1 / EXTREME) if k != "tau" else np.zeros(a.shape, dtype=bool)
        bad = ~ok(a) | (np.abs(a) >= EXTREME) | tiny
        if np.any(bad):
            raise ValueError(f"{k} must be {rule} (and within 1e±100), got {float(a[bad].flat[0])!r}")
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    values: dict = {sym: arrays[name] for sym, name in _COLUMN_OF.items()}
    values[S.dv] = np.nan
    for name, sym in CONST_SYMBOLS.items():
        values[sym] = float(getattr(consts, name))
    values[S.b] = consts.log_base_value
    assert set(values) >= set(PARAM_SYMBOLS)

    statements = CASE1 + CASE2 + (THM43,) + (() if nominal else CONDITION_4_1)
    snr1, tau1, snr2, tau_lo, tau_hi, thm, *conds = _holds_arrays(statements, values)
    cond = np.ones(shape, dtype=bool)
    for item in conds:
        cond &= item
    out = np.full(shape, CODES["unmet"], dtype=np.int8)
    case1 = snr1 & tau1
    case2 = ~case1 & snr2 & tau_lo & tau_hi
    gap = ~case1 & ~case2 & ((~tau1 & ~tau_lo) | ~tau_hi)
    out[cond & gap] = CODES["gap"]
    out[cond & case2] = CODES["case2"]
    out[cond & case1] = CODES["case1"]
    out[thm] = CODES["thm4.3"]
    return out
