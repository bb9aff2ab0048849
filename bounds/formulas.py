"""The paper's formulas that the claim checks evaluate, each a :class:`Formula`: a sympy expression from
``bounds`` with its ID, lambdified once, called with the point's values by name.

The checks never restate a formula, constant, threshold or radius of the paper: they evaluate these (at unit
hidden constants unless told otherwise). A mutant of a claim is the same claim with one formula substituted
(``Formula.substitute``: a wrong exponent, a dropped factor), so the false variant is data, not a copy of a
check. Exponents of monomial formulas (the slopes a check fits on log–log axes) come from the expressions too
(``Formula.log_slope``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from bounds.lemmas import L53_C
from bounds.params import Constants
from bounds.symbolic import CONST_SYMBOLS, S
from bounds.theorem42 import CASE2, CLEAN_EXPONENT, N_SNR2, ROBUST_EXPONENT
from bounds.theorem42 import T_CASE1 as _T_CASE1
from bounds.theorem42 import T_CASE2 as _T_CASE2
from bounds.theorem43 import LOWER_BOUNDS, THM43, THM43_SHARP, UNIFORM_ATTENTION

__all__ = [
    "BOUNDARY",
    "CASE2_TAU_LO",
    "CASE_RATIO",
    "G_CLEAN",
    "G_ROBUST",
    "IC1_BOUND",
    "IC1_THRESHOLD",
    "L53_RATIO",
    "L55_FACTOR",
    "MIDPOINT_RADII",
    "SHARP_RADIUS",
    "T43_BOUND",
    "T43_EVAL_RADII",
    "T43_RADIUS",
    "T43_SHARP_BOUND",
    "T_CASE1",
    "T_CASE2",
    "Formula",
]

# the name a point's value is given by -> the paper's symbol (Params' field names)
NAMES: dict[str, sp.Symbol] = {
    "d": S.d, "dh": S.dh, "dv": S.dv, "N": S.N, "M": S.M, "mu": S.m, "sigma_p": S.s, "tau": S.tau,
    "eta": S.eta, "eps": S.eps, "delta": S.delta, "sigma_h": S.sigma_h, "sigma_V": S.sigma_V, "w_O": S.w,
}
_SYMBOL_NAME = {sym: name for name, sym in NAMES.items()}


@dataclass(frozen=True)
class Formula:
    """One of the paper's formulas: ``expr`` in the paper's symbols, with the ID and source it encodes."""

    id: str
    source: str
    text: str
    expr: sp.Expr

    def __post_init__(self) -> None:
        unknown = self.expr.free_symbols - set(NAMES.values()) - set(CONST_SYMBOLS.values()) - {S.b}
        if unknown:
            raise ValueError(f"formula {self.id}: symbols must be the paper's, got {sorted(map(str, unknown))}")

    @cached_property
    def names(self) -> frozenset[str]:
        """The point's values the formula needs, by name (``mu``, ``dh``, …)."""
        return frozenset(_SYMBOL_NAME[s] for s in self.expr.free_symbols if s in _SYMBOL_NAME)

    @cached_property
    def _args(self) -> tuple[sp.Symbol, ...]:
        return tuple(sorted(self.expr.free_symbols, key=str))

    @cached_property
    def _fn(self) -> Callable[..., float]:
        return sp.lambdify(self._args, self.expr, modules="math", docstring_limit=0)

    def __call__(self, consts: Constants | None = None, **values: float) -> float:
        """The formula's value at a point given by name (``T_CASE1(eta=0.1, eps=0.01, mu=5, w_O=1)``); hidden
        constants from ``consts`` (all 1 by default), logs in its base."""
        missing = sorted(self.names - set(values))
        if missing:
            raise ValueError(f"formula {self.id} needs {', '.join(missing)}, got {sorted(values)}")
        k = consts if consts is not None else Constants()
        args = []
        for sym in self._args:
            if sym == S.b:
                args.append(k.log_base_value)
            elif sym in _SYMBOL_NAME:
                args.append(float(values[_SYMBOL_NAME[sym]]))
            else:
                args.append(float(getattr(k, str(sym))))
        return float(self._fn(*args))

    def substitute(self, id: str, text: str, mapping: Mapping[sp.Expr, sp.Expr]) -> Formula:
        """The same formula with symbols replaced (a mutant: ``{S.N: S.N**2}`` squares N)."""
        return Formula(id, f"mutant of {self.id}", text, self.expr.subs(dict(mapping)))

    def log_slope(self, symbol: sp.Symbol) -> float:
        """∂ log f / ∂ log x: the exponent of ``symbol`` in a monomial formula (constant, else an error)."""
        slope = sp.simplify(symbol * sp.diff(self.expr, symbol) / self.expr)
        if slope.free_symbols:
            raise ValueError(f"formula {self.id} is not a power of {symbol}: its log-slope is {slope}")
        return float(slope)

    def value(self) -> float:
        """The value of a formula without symbols (a constant)."""
        if self.expr.free_symbols:
            raise ValueError(f"formula {self.id} depends on {sorted(map(str, self.expr.free_symbols))}")
        return float(self.expr)


def boundary_slope(boundary: Formula) -> float:
    """The slope of log SNR on log N along ``boundary`` = const (Figure 1's N·SNR² = Ω(1): −1/2). SNR ∝ ‖µ‖ at
    fixed σ_p and d, so it is −(∂ log B/∂ log N)/(∂ log B/∂ log ‖µ‖)."""
    return -boundary.log_slope(S.N) / boundary.log_slope(S.m)


# ---- Theorem 4.2 ---------------------------------------------------------------------------------------------

T_CASE1 = Formula("T4.2.T.case1", "Thm 4.2, Case 1's T (L559–613)", "T = c_T/(η ε ‖µ‖² ‖w_O‖²)", _T_CASE1)
T_CASE2 = Formula("T4.2.T.case2", "Thm 4.2, Case 2's T (L559–613)", "T = M·c_T/(η ε ‖µ‖² ‖w_O‖²)", _T_CASE2)
# Case 2's time over Case 1's at matched η, ε, ‖µ‖, ‖w_O‖: M
CASE_RATIO = Formula("T4.2.T.case2-over-case1", "Thm 4.2, Case 2's T over Case 1's (L559–613)", "T₂/T₁ = M",
                     sp.simplify(_T_CASE2 / _T_CASE1))
# Case 2's radius range starts at c_omega·‖µ‖/log d_h: as a fraction of ‖µ‖
_case2_lo = next(st for st in CASE2 if st.id == "T4.2.case2.tau_lo")
CASE2_TAU_LO = Formula("T4.2.case2.tau_lo", _case2_lo.source, "τ/‖µ‖ > c_omega/log d_h",
                       sp.simplify(_case2_lo.rhs / S.m))
# the exponents g of the error bounds exp(−C·g), at C = 1
G_CLEAN = Formula("T4.2.2", "Thm 4.2, conclusion 2 (L559–613)", "g = d·SNR²", CLEAN_EXPONENT)
G_ROBUST = Formula("T4.2.3", "Thm 4.2, conclusion 3 (L559–613)", "g = d·SNR²·(1 − τ/‖µ‖)²", ROBUST_EXPONENT)

# ---- Section 6: Figure 1's boundary ----------------------------------------------------------------------------

BOUNDARY = Formula("E6.claim.boundary", "Section 6.2 (L1304–1312)", "N·SNR² = const", N_SNR2)

# ---- Theorem 4.3 and IC-1 --------------------------------------------------------------------------------------

T43_BOUND = Formula("T4.3", THM43.source, "robust error ≥ 1/4", LOWER_BOUNDS["paper"][1])
T43_SHARP_BOUND = Formula("T4.3.sharp", THM43_SHARP.source, "robust error ≥ 1/2", LOWER_BOUNDS["sharp"][1])
T43_RADIUS = Formula("T4.3.radius", THM43.source, "τ/‖µ‖ ≥ 1", sp.simplify(THM43.rhs / S.m))
SHARP_RADIUS = Formula("T4.3.sharp.radius", THM43_SHARP.source, "τ/‖µ‖ ≥ 1/√2", sp.simplify(THM43_SHARP.rhs / S.m))
IC1_THRESHOLD = Formula("IC-1", UNIFORM_ATTENTION.source, "τ/‖µ‖ > 1/(√2·M)",
                        sp.simplify(UNIFORM_ATTENTION.rhs / S.m))

# the uniform-attention argument's conclusion: robust error ≥ 1/2 past the threshold
IC1_BOUND = Formula("IC-1.bound", UNIFORM_ATTENTION.source, "robust error ≥ 1/2", sp.Rational(1, 2))


def _up(x: float, digits: int) -> float:
    return math.ceil(x * 10**digits) / 10**digits


def _down(x: float, digits: int) -> float:
    return math.floor(x * 10**digits) / 10**digits


# The radii (τ/‖µ‖) Theorem 4.3's midpoint attack is run at: just outside the sharpened threshold 1/√2 (two
# digits down), just inside it (four digits up: 0.7072), well inside (0.75, bovit's choice), and the theorem's 1.
_SHARP = SHARP_RADIUS.value()
SHARP_INSIDE = _up(_SHARP, 4)
MIDPOINT_RADII: tuple[float, ...] = (_down(_SHARP, 2), SHARP_INSIDE, 0.75, T43_RADIUS.value())
# the radii besides the training radius a Theorem 4.3 model is evaluated at (certified upper estimate there)
T43_EVAL_RADII: tuple[float, ...] = (SHARP_INSIDE, T43_RADIUS.value())

# ---- Lemma 5.3 ---------------------------------------------------------------------------------------------------

L53_RATIO = Formula("L5.3", "Lemma 5.3 (L1074–1101)", "max/min attention ratio ≤ C ≤ e/2", L53_C)

# ---- Lemma 5.5 ---------------------------------------------------------------------------------------------------

# y·f(X) − min y·f(X̃) ≲ M·‖W_V w_O‖·τ: the drop in units of τ‖u‖ (u = W_V w_O), constant 1
L55_FACTOR = Formula("L5.5", "Lemma 5.5 (L1160–1183)", "Δ/(τ‖u‖) ≤ M", S.M)
