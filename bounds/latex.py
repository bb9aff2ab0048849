"""The paper's conditions, bounds, times and lemmas as LaTeX, generated from bovit's sympy expressions.

``bovit query --latex`` prints :func:`catalogue` and the report carries it (GitHub renders ``$…$``), so what a
paper or a review quotes is what bovit evaluates: the text written beside each expression is for reading, the
LaTeX is the expression itself. Symbols print as the paper writes them (‖µ‖, σ_p, ‖w_O‖, ε, log_b).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from bounds import lemmas, theorem42, theorem43
from bounds.condition41 import CONDITION_4_1, DERIVED
from bounds.symbolic import S, Statement

__all__ = ["Entry", "catalogue", "latex", "statement_latex"]

# ‖·‖ as \lVert·\rVert, not \|: a pipe would end a markdown table's cell
_NAMES: dict[sp.Basic, str] = {
    S.m: r"\lVert\mu\rVert", S.s: r"\sigma_p", S.w: r"\lVert w_O\rVert", S.tau: r"\tau", S.tau_in: r"\tau",
    S.eps: r"\varepsilon", S.eta: r"\eta", S.delta: r"\delta", S.sigma_h: r"\sigma_h", S.sigma_V: r"\sigma_V",
    S.dh: "d_h", S.dv: "d_v",
}
_OPS = {">=": r"\geq", "<=": r"\leq", ">": ">", "=": "="}


def latex(expr: sp.Basic) -> str:
    """``expr`` as LaTeX: the paper's symbols by their printed names, log(x)/log(b) as log_b x."""
    if not isinstance(expr, sp.Basic):
        raise ValueError(f"expr must be a sympy expression, got {expr!r}")
    names = dict(_NAMES)
    if expr.has(S.b):
        # the unspecified log of the paper: log(x)/log(b) → a symbol printed (log_b x)
        def as_logb(x: sp.Basic) -> sp.Basic:
            arg = x.args[0]  # an sp.log
            sym = sp.Symbol(f"LOGB_{sp.srepr(arg)}", positive=True)
            names[sym] = rf"(\log_b {sp.latex(arg, symbol_names=_NAMES)})"
            return sym

        expr = expr.replace(lambda x: isinstance(x, sp.log) and x.args[0] != S.b, as_logb)
        expr = expr.subs(sp.log(S.b), 1)
    return sp.latex(expr, symbol_names=names)


def statement_latex(st: Statement) -> str:
    """``lhs op rhs`` of a statement as LaTeX."""
    if not isinstance(st, Statement):
        raise ValueError(f"st must be a bounds.symbolic.Statement, got {st!r}")
    return _statement(st).latex


@dataclass(frozen=True)
class Entry:
    """One row of the catalogue: ID, source, the human text written beside the expression, the relation
    ``lhs op rhs`` it encodes (``lhs`` a name such as "T" or "clean error" where it is not an expression), and
    its LaTeX."""

    id: str
    source: str
    text: str
    lhs: sp.Basic | str
    op: str
    rhs: sp.Basic

    @property
    def latex(self) -> str:
        left = latex(self.lhs) if isinstance(self.lhs, sp.Basic) else (
            self.lhs if len(self.lhs) == 1 else rf"\text{{{self.lhs}}}")
        return f"{left} {_OPS.get(self.op, self.op)} {latex(self.rhs)}"


def _statement(st: Statement) -> Entry:
    return Entry(st.id, st.source, st.text, st.lhs, st.op, st.rhs)


def _formula(id: str, source: str, text: str, lhs: str, expr: sp.Expr, op: str = "=") -> Entry:
    return Entry(id, source, text, lhs, op, expr)


def catalogue() -> list[Entry]:
    """Condition 4.1 (with the derived requirements), Theorem 4.2's hypotheses, bounds and times, Theorem 4.3 and
    the lemmas' constants and times, in that order."""
    rows = [_statement(st) for st in (*CONDITION_4_1, *DERIVED, *theorem42.CASE1, *theorem42.CASE2)]
    rows += [
        _formula("T4.2.2", "Thm 4.2, conclusion 2", "clean error ≤ exp(−C·d·SNR²)", "clean error",
                 theorem42.CLEAN_ERROR, "<="),
        _formula("T4.2.3", "Thm 4.2, conclusion 3", "robust error ≤ exp(−C·d·SNR²·(1 − τ/‖µ‖)²) for τ ≤ ‖µ‖",
                 "robust error", theorem42.ROBUST_ERROR.args[0][0], "<="),
        _formula("T4.2.T.case1", "Thm 4.2, Case 1's time", "T = c_T/(η ε ‖µ‖² ‖w_O‖²)", "T", theorem42.T_CASE1),
        _formula("T4.2.T.case2", "Thm 4.2, Case 2's time", "T = M·c_T/(η ε ‖µ‖² ‖w_O‖²)", "T", theorem42.T_CASE2),
        _formula("G.8", "Lemma G.8's time", "T = c_G8/(η ε (‖µ‖ + τ)² ‖w_O‖²)", "T", theorem42.T_G8),
    ]
    rows += [_statement(st)
             for st in (theorem43.THM43, theorem43.THM43_SHARP, theorem43.UNIFORM_ATTENTION, lemmas.GUIDELINE)]
    rows += [
        _formula("L5.3", "Lemma 5.3's constant", "max/min attention ratio ≤ C = e/2", "C", lemmas.L53_C),
        _formula("L5.3.time", "Lemma 5.3's time", "T = c_L53/(η ‖µ‖² ‖w_O‖² Lδ)", "T", lemmas.L53_TIME),
        _formula("L5.5.time", "Lemma 5.5's time", "T = c_L55t/(η ε ‖µ‖² ‖w_O‖² Lδ)", "T", lemmas.L55_TIME),
    ]
    return rows
