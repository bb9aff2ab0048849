"""The conditions as LaTeX (bounds.latex, ``bovit query --latex``), and the human text written beside each
expression tied to it: the text is parsed into an expression and must equal the encoded one at random points."""

from __future__ import annotations

import math
import random
import re

import pytest
import sympy as sp
from sympy.parsing.sympy_parser import implicit_multiplication, parse_expr, standard_transformations

from bounds.latex import Entry, catalogue, latex
from bounds.symbolic import S
from cli.main import main

# the text's notation → Python that sympy parses, in order (longer tokens first)
_TOKENS = [
    ("‖w_O‖", "w"), ("‖µ‖", "m"), ("σ_p", "s"), ("σ_h", "sigma_h"), ("σ_V", "sigma_V"), ("d_h", "dh"),
    ("Lδ", "Ld"), ("ε", "epsilon"), ("η", "eta"), ("τ", "tau"), ("δ", "delta"), ("SNR", "snr"),
    ("log dh", "logb(dh)"), ("log d", "logb(d)"), ("−C·", "-C_err*"),
    ("⁻²", "**(-2)"), ("⁻¹", "**(-1)"), ("⁻⁴", "**(-4)"), ("²", "**2"), ("⁴", "**4"), ("^", "**"),
    ("·", "*"), ("−", "-"), ("√(", "sqrt("), ("√d", "*sqrt(d)"), ("√2", "sqrt(2)"),
    ("max{", "Max("), ("min{", "Min("), ("}", ")"),
]
_RELATIONS = ("≥", "≤", ">", "=")


def _python(text: str) -> str:
    for old, new in _TOKENS:
        text = text.replace(old, new)
    return text


def _sides(entry: Entry) -> tuple[str, str]:
    """The text's two sides of its relation: glosses after two spaces, hypotheses after ⇒ and ranges after
    "for" are dropped; the right side is what follows the last relation symbol."""
    text = entry.text.split("  (")[0].split(" ⇒ ")[0].split(" for ")[0]
    cut = max(text.rfind(r) for r in _RELATIONS)
    first = min(i for i in (text.find(r) for r in _RELATIONS) if i >= 0)
    return text[:first].strip(), text[cut + 1:].strip()


def _parse(text: str, symbols: dict[str, sp.Basic]) -> sp.Expr:
    local = {**symbols, "logb": lambda x: sp.log(x) / sp.log(S.b), "Max": sp.Max, "Min": sp.Min, "sqrt": sp.sqrt,
             "exp": sp.exp, "log": sp.log, "e": sp.E,
             "snr": S.m / (S.s * sp.sqrt(S.d)), "Ld": sp.log(6 * S.N**2 * S.M**2 / S.delta)}
    return parse_expr(_python(text), local_dict=local,  # type: ignore[no-any-return]
                      transformations=(*standard_transformations, implicit_multiplication))


def _symbols(entry: Entry) -> dict[str, sp.Basic]:
    found = set(entry.rhs.free_symbols)
    if isinstance(entry.lhs, sp.Basic):
        found |= entry.lhs.free_symbols
    named = {str(sym): sym for sym in found}
    paper = {"d": S.d, "dh": S.dh, "N": S.N, "M": S.M, "m": S.m, "s": S.s, "w": S.w, "tau": S.tau, "eta": S.eta,
             "epsilon": S.eps, "delta": S.delta, "sigma_h": S.sigma_h, "sigma_V": S.sigma_V}
    if S.tau_in in found:
        paper["tau"] = S.tau_in
    return {**named, **paper}


def _close(a: sp.Expr, b: sp.Expr, symbols: set[sp.Basic], rng: random.Random) -> bool:
    for _ in range(5):
        point = {sym: sp.Float(math.exp(rng.uniform(-1.5, 1.5))) for sym in symbols}
        point[S.b] = sp.E
        x, y = complex(a.subs(point).evalf()), complex(b.subs(point).evalf())
        if abs(x - y) > 1e-9 * max(abs(x), abs(y), 1e-300):
            return False
    return True


@pytest.mark.parametrize("entry", catalogue(), ids=lambda e: e.id)
def test_each_text_says_what_its_expression_computes(entry: Entry) -> None:
    left, right = _sides(entry)
    symbols = _symbols(entry)
    rhs = _parse(right, symbols)
    every = rhs.free_symbols | entry.rhs.free_symbols
    rng = random.Random(entry.id)
    assert _close(rhs, entry.rhs, every, rng), f"{entry.id}: text {right!r} is {rhs}, the expression {entry.rhs}"
    if isinstance(entry.lhs, sp.Basic):
        lhs = _parse(left, symbols)
        every = lhs.free_symbols | entry.lhs.free_symbols
        assert _close(lhs, entry.lhs, every, rng), f"{entry.id}: text {left!r} is {lhs}, the expression {entry.lhs}"
    else:
        assert entry.lhs in entry.text, (entry.text, entry.lhs)


def test_the_tie_fails_when_text_and_expression_drift() -> None:
    """The world in which the test above says "drifted": an expression with a factor dropped or an exponent
    changed, beside the unchanged text."""
    entry = next(e for e in catalogue() if e.id == "C4.1.1a")
    symbols = _symbols(entry)
    text_rhs = _parse(_sides(entry)[1], symbols)
    for drifted in (entry.rhs / S.N, entry.rhs.subs(S.eps, S.eps**2)):
        assert not _close(text_rhs, drifted, text_rhs.free_symbols | drifted.free_symbols, random.Random(0))


def test_latex_names_the_papers_symbols() -> None:
    tex = {e.id: e.latex for e in catalogue()}
    assert tex["T4.2.T.case1"] == r"T = \frac{c_{T}}{\varepsilon \eta \lVert\mu\rVert^{2} \lVert w_O\rVert^{2}}"
    assert r"(\log_b d)^{k_{1a}}" in tex["C4.1.1a"] and r"\geq" in tex["C4.1.1a"]
    assert tex["G1"] == r"\tau \leq \frac{\lVert\mu\rVert}{(\log_b d_h)}"
    assert all("|" not in t for t in tex.values())  # no pipe: the report puts them in markdown tables
    with pytest.raises(ValueError, match="expr must be a sympy expression"):
        latex("x")  # type: ignore[arg-type]


def test_query_latex_prints_every_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--d", "1024", "--N", "22", "--snr", "2", "--latex"]) == 0
    out = capsys.readouterr().out
    for entry in catalogue():
        assert re.search(rf"^{re.escape(entry.id)}\s.*\$", out, re.M), entry.id
