"""The paper's symbols, the :class:`Statement` noun (one relation ``lhs op rhs`` with its source),
and three-valued evaluation of statements at a :class:`~bounds.params.Params` point.

Expressions are built once as sympy objects and ``lambdify``-ed to numpy once per statement
(cached), so the same callables evaluate a single point or a million-point array.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from functools import cache, cached_property
from typing import Literal

import numpy as np
import sympy as sp

from bounds.params import Constants, Params

__all__ = [
    "CONST_SYMBOLS",
    "PARAM_SYMBOLS",
    "SNR",
    "ItemResult",
    "L_delta",
    "S",
    "Statement",
    "evaluate",
    "evaluate_many",
    "json_number",
    "logb",
    "point_values",
    "share",
    "sides_many",
    "values_many",
]


class _Symbols:
    """Namespace of the paper's symbols (CLAIMS.md §0 names)."""

    d = sp.Symbol("d", positive=True)
    dh = sp.Symbol("d_h", positive=True)
    dv = sp.Symbol("d_v", positive=True)
    N = sp.Symbol("N", positive=True)
    M = sp.Symbol("M", positive=True)
    m = sp.Symbol("m", positive=True)  # ‖µ‖₂
    s = sp.Symbol("s", positive=True)  # σ_p
    tau = sp.Symbol("tau", nonnegative=True)  # ℓ₂ radius containing the attack ball
    tau_in = sp.Symbol("tau_in", nonnegative=True)  # ℓ₂ radius inside the attack ball
    eta = sp.Symbol("eta", positive=True)
    eps = sp.Symbol("epsilon", positive=True)
    delta = sp.Symbol("delta", positive=True)
    sigma_h = sp.Symbol("sigma_h", positive=True)
    sigma_V = sp.Symbol("sigma_V", positive=True)
    w = sp.Symbol("w", positive=True)  # ‖w_O‖₂
    b = sp.Symbol("b", positive=True)  # base of the unspecified logs


S = _Symbols

# Params field that feeds each symbol (tau and tau_in are the ℓ₂ radii of Appendix D).
_PARAM_FIELDS: dict[sp.Symbol, str] = {
    S.d: "d", S.dh: "dh", S.dv: "dv", S.N: "N", S.M: "M", S.m: "mu", S.s: "sigma_p",
    S.tau: "tau_l2", S.tau_in: "tau_l2_inner", S.eta: "eta", S.eps: "eps", S.delta: "delta",
    S.sigma_h: "sigma_h", S.sigma_V: "sigma_V", S.w: "w_O",
}
PARAM_SYMBOLS: tuple[sp.Symbol, ...] = tuple(_PARAM_FIELDS)
CONST_SYMBOLS: dict[str, sp.Symbol] = {
    # hidden constants are positive; polylog exponents k_* are real of unknown sign (positive=False
    # would tell sympy k ≤ 0)
    f.name: sp.Symbol(f.name, real=True) if f.name.startswith("k_") else sp.Symbol(f.name, positive=True)
    for f in fields(Constants)
    if f.name != "log_base"
}
_ALL_ARGS: tuple[sp.Symbol, ...] = PARAM_SYMBOLS + tuple(CONST_SYMBOLS.values()) + (S.b,)

# Symbol -> the Params/CLI name a user knows it by (for "needs sigma_h" messages).
SYMBOL_NAMES: dict[sp.Symbol, str] = {
    **{sym: ("tau" if name.startswith("tau") else name) for sym, name in _PARAM_FIELDS.items()},
}


def c(name: str) -> sp.Symbol:
    """The symbol of a named constant of :class:`Constants`."""
    return CONST_SYMBOLS[name]


def logb(x: sp.Expr) -> sp.Expr:
    """log_b(x): the paper's unspecified log; b is :attr:`Constants.log_base` (default e)."""
    return sp.log(x) / sp.log(S.b)


def L_delta() -> sp.Expr:
    """Lδ = log(6N²M²/δ) (natural log; Condition 4.1(5), Lemma F.3)."""
    return sp.log(6 * S.N**2 * S.M**2 / S.delta)


SNR: sp.Expr = S.m / (S.s * sp.sqrt(S.d))

Op = Literal[">=", "<=", ">"]
_RELATIONS: dict[str, Callable[[sp.Expr, sp.Expr], sp.Basic]] = {
    ">=": sp.Ge, "<=": sp.Le, ">": sp.Gt,
}


@dataclass(frozen=True)
class Statement:
    """One checkable relation ``lhs op rhs`` with the claim ID and source it encodes.

    ``derived`` marks requirements the proofs use that the stated condition does not list.
    """

    id: str
    source: str
    text: str
    lhs: sp.Expr
    op: Op
    rhs: sp.Expr
    derived: bool = False

    @property
    def relation(self) -> sp.Basic:
        """The statement as a sympy relational, e.g. ``Ge(d, c_1a*N**2*d_h/epsilon**2)``."""
        return _RELATIONS[self.op](self.lhs, self.rhs)

    @cached_property
    def needs(self) -> tuple[frozenset[sp.Symbol], frozenset[sp.Symbol]]:
        params = set(PARAM_SYMBOLS)
        return (frozenset(self.lhs.free_symbols & params), frozenset(self.rhs.free_symbols & params))



def json_number(x: float | None) -> float | str | None:
    """A float for JSON: infinities become the strings "inf"/"-inf" (JSON has no infinity)."""
    if x is None:
        return None
    return x if math.isfinite(x) else ("inf" if x > 0 else "-inf")


@dataclass(frozen=True)
class ItemResult:
    """A statement evaluated at a point: three-valued ``holds``, both sides and the margin.

    ``margin`` is the slack ratio, ≥ 1 exactly when the statement holds: lhs/rhs for ``≥``,
    rhs/lhs for ``≤``. A margin of 1/460 reads "misses by 460×".
    """

    id: str
    source: str
    text: str
    holds: bool | None
    lhs: float | None
    rhs: float | None
    margin: float | None
    missing: tuple[str, ...]
    derived: bool

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id, "source": self.source, "statement": self.text, "holds": self.holds,
            "lhs": json_number(self.lhs), "rhs": json_number(self.rhs), "margin": json_number(self.margin),
            "missing": list(self.missing), "derived": self.derived,
        }


def check_point(params: object, consts: object = None) -> None:
    """A ValueError naming the argument unless ``params`` is a Params and ``consts`` a Constants (or None)."""
    if not isinstance(params, Params):
        raise ValueError(f"params must be a bounds.params.Params, got {type(params).__name__}: {params!r:.60}")
    if consts is not None and not isinstance(consts, Constants):
        raise ValueError(f"consts must be a bounds.params.Constants or None, got {type(consts).__name__}: "
                         f"{consts!r:.60}")


def point_values(params: Params, consts: Constants) -> dict[sp.Symbol, float | None]:
    """Substitution map of a point: every symbol to its float value, or None when unknown."""
    out: dict[sp.Symbol, float | None] = {}
    for sym, name in _PARAM_FIELDS.items():
        value = getattr(params, name)
        out[sym] = None if value is None else float(value)
    for name, sym in CONST_SYMBOLS.items():
        out[sym] = float(getattr(consts, name))
    out[S.b] = consts.log_base_value
    return out


def margin_of(op: Op, lhs: float, rhs: float) -> float:
    """Slack ratio of ``lhs op rhs`` (≥ 1 when it holds); sides are positive quantities."""
    num, den = (lhs, rhs) if op in (">=", ">") else (rhs, lhs)
    if den == 0:
        return math.inf if num > 0 else 1.0
    return num / den


def holds_of(op: Op, lhs: float, rhs: float) -> bool:
    return bool(lhs >= rhs) if op == ">=" else bool(lhs <= rhs) if op == "<=" else bool(lhs > rhs)


# One value of a lambdified expression: a float (a numpy scalar) at a point, an array where the arguments are.
Side = float | np.ndarray
Values = Mapping[sp.Symbol, float | np.ndarray | None]


@cache
def _bundle(exprs: tuple[sp.Expr, ...]) -> Callable[..., list[Side]]:
    # One lambdify for many expressions: code generation and namespace set-up are paid once. No
    # common-subexpression elimination: each expression must round the same way in every bundle,
    # so that regime() and classify_many() agree even at exact ties.
    return sp.lambdify(_ALL_ARGS, list(exprs), modules="numpy", docstring_limit=0)


_SHARED: dict[sp.Expr, int] = {}
_SHARED_EXPRS: list[sp.Expr] = []


def share(exprs: tuple[sp.Expr, ...]) -> None:
    """Declare expressions that one query evaluates together: they are lambdified as a single
    bundle on first use, so a ``bovit query`` pays for code generation once, not per stage."""
    for e in exprs:
        if e not in _SHARED:
            _SHARED[e] = len(_SHARED_EXPRS)
            _SHARED_EXPRS.append(e)
    _bundle.cache_clear()


# A value this far from 1 can overflow or underflow the formulas' powers in floating point (Condition 4.1(1) raises
# SNR and N to the fourth power and more): such a point is named in the error, not evaluated to inf or 0.
EXTREME = 1e100


def _raw(exprs: tuple[sp.Expr, ...], values: Values) -> list[Side]:
    args = [np.nan if (value := values[a]) is None else value for a in _ALL_ARGS]
    scalar = all(np.ndim(a) == 0 for a in args)
    try:
        with np.errstate(all="ignore"):
            if scalar and _SHARED and all(e in _SHARED for e in exprs):
                out = _bundle(tuple(_SHARED_EXPRS))(*args)
                return [out[_SHARED[e]] for e in exprs]
            return list(_bundle(exprs)(*args))
    except (OverflowError, ZeroDivisionError) as exc:  # Python floats at a scalar point: the range is exceeded
        extreme = [f"{SYMBOL_NAMES.get(a, str(a))}={float(v):g}" for a, v in zip(_ALL_ARGS, args, strict=True)
                   if np.ndim(v) == 0 and np.isfinite(v) and v != 0
                   and not 1 / EXTREME < abs(float(v)) < EXTREME]
        raise ValueError(f"the point must lie where its formulas can be evaluated in floating point, got "
                         f"{', '.join(extreme) or 'values whose powers overflow'} ({type(exc).__name__})") from None


def sides_many(statements: tuple[Statement, ...], values: Values) -> list[tuple[Side, Side]]:
    """Both sides of every statement (numpy scalars or arrays), from one lambdified bundle."""
    raw = _raw(tuple(e for st in statements for e in (st.lhs, st.rhs)), values)
    return [(raw[2 * i], raw[2 * i + 1]) for i in range(len(statements))]


def values_many(exprs: tuple[sp.Expr, ...], values: Mapping[sp.Symbol, float | None]) -> list[float | None]:
    """Numeric values of several expressions at a point; None for those needing an unknown."""
    raw = _raw(exprs, values)
    params = set(PARAM_SYMBOLS)
    return [None if any(values[s] is None for s in e.free_symbols & params) else float(r)
            for e, r in zip(exprs, raw, strict=True)]


def evaluate_many(statements: tuple[Statement, ...], values: Mapping[sp.Symbol, float | None]) -> list[ItemResult]:
    """Three-valued evaluation of several statements at one point (see :func:`evaluate`)."""
    out = []
    for st, (raw_l, raw_r) in zip(statements, sides_many(statements, values), strict=True):
        need_l, need_r = st.needs
        missing_l = sorted(SYMBOL_NAMES[s] for s in need_l if values[s] is None)
        missing_r = sorted(SYMBOL_NAMES[s] for s in need_r if values[s] is None)
        lhs = None if missing_l else float(raw_l)
        rhs = None if missing_r else float(raw_r)
        if lhs is None or rhs is None:
            missing = tuple(sorted(set(missing_l) | set(missing_r)))
            out.append(ItemResult(st.id, st.source, st.text, None, lhs, rhs, None, missing, st.derived))
        else:
            out.append(ItemResult(st.id, st.source, st.text, holds_of(st.op, lhs, rhs), lhs, rhs,
                                  margin_of(st.op, lhs, rhs), (), st.derived))
    return out


def evaluate(statement: Statement, values: Mapping[sp.Symbol, float | None]) -> ItemResult:
    """Three-valued evaluation: unknown (``holds=None``) when a needed value is missing."""
    return evaluate_many((statement,), values)[0]
