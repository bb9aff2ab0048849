"""One source of truth: claims read the paper's formulas from ``bounds`` and their runs from ``simulate.grid``.

- no ``checks/`` module restates a constant of the paper that ``bounds`` holds (as a number or as the text a
  result is keyed by);
- no ``checks/`` module builds its own runs: every claim's runs are its ``simulate.grid`` presets' at the
  profile's scale, so ``bovit sweep --preset P --scale S`` trains what the claims read at S;
- the formulas evaluate and substitute as the paper's expressions say.
"""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
import sympy as sp

from bounds import formulas
from bounds.lemmas import L53_C
from bounds.symbolic import S
from bounds.theorem43 import LOWER_BOUNDS, THM43_SHARP
from checks.catalogue import CLAIMS, MUTANTS
from checks.claim import Claim
from checks.profiles import PROFILES
from simulate.grid import PRESETS, SCALE_NAMES, preset, scale

CHECKS = Path(__file__).resolve().parent.parent / "checks"

# the paper's explicit constants, from bounds (not retyped here either)
PAPER_CONSTANTS: dict[str, float] = {
    "e/2 (Lemma 5.3)": float(L53_C),
    "log(e/2) (Lemma 5.3)": math.log(float(L53_C)),
    "1/√2 (Theorem 4.3 sharpened)": float(THM43_SHARP.rhs / S.m),
    "√2": float(sp.sqrt(2)),
    "1/√2⁺ (Theorem 4.3's inside radius)": formulas.SHARP_INSIDE,
    "1/4 (Theorem 4.3)": float(LOWER_BOUNDS["paper"][1]),
    "−1/2 (Figure 1's boundary slope)": formulas.boundary_slope(formulas.BOUNDARY),
}


def _numbers(tree: ast.AST) -> list[tuple[int, float, str]]:
    """Every numeric literal (a leading minus included) and every string that reads as a number."""
    out: list[tuple[int, float, str]] = []
    negated: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            value = node.operand.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                out.append((node.lineno, -float(value), f"-{value!r}"))
                negated.add(id(node.operand))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in negated:
            continue
        if isinstance(node.value, int | float) and not isinstance(node.value, bool):
            out.append((node.lineno, float(node.value), repr(node.value)))
        elif isinstance(node.value, str):
            try:
                out.append((node.lineno, float(node.value), repr(node.value)))
            except ValueError:
                pass
    return out


def paper_constants_in(source: str) -> list[str]:
    """Where a source text restates one of PAPER_CONSTANTS, as "line: literal = name"."""
    found = []
    for line, value, text in _numbers(ast.parse(source)):
        for name, c in PAPER_CONSTANTS.items():
            if math.isclose(value, c, rel_tol=1e-3):
                found.append(f"{line}: {text} = {name}")
    return found


@pytest.mark.parametrize("path", sorted(CHECKS.glob("*.py")), ids=lambda p: p.name)
def test_no_checks_module_restates_a_paper_constant(path: Path) -> None:
    found = paper_constants_in(path.read_text())
    assert not found, f"{path.name} restates constants that bounds holds: {found}"


@pytest.mark.parametrize("text", ["LIMIT = 0.25", "x = f(-0.5)", "r = res['0.7072']", "k = 1.359",
                                  "ratio = 0.307", "s = 1.4142"])
def test_the_constant_scan_finds_restated_constants(text: str) -> None:
    assert paper_constants_in(text)


@pytest.mark.parametrize("text", ["LIMIT = 0.3", "x = f(0.5)", "r = res['0.7']", "snr = 2.0", "k = -1"])
def test_the_constant_scan_lets_other_numbers_pass(text: str) -> None:
    assert not paper_constants_in(text)


# the hypothesis searches draw their own points (checks/strategies.py, checks/test_search.py): they are searches
# inside a regime, not claims with a grid
@pytest.mark.parametrize("path", sorted(p for p in CHECKS.glob("*.py")
                                        if not p.name.startswith("test_") and p.name != "strategies.py"),
                         ids=lambda p: p.name)
def test_no_checks_module_builds_its_own_runs(path: Path) -> None:
    calls = [n.lineno for n in ast.walk(ast.parse(path.read_text()))
             if isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", None)) == "RunConfig"]
    assert not calls, f"{path.name} builds RunConfigs at lines {calls}: a claim's runs come from simulate.grid"


@pytest.mark.parametrize("claim", CLAIMS + MUTANTS, ids=lambda c: c.id)
@pytest.mark.parametrize("scale_name", ["ci", "default"])
def test_a_claims_runs_are_its_presets_runs(claim: Claim, scale_name: str) -> None:
    assert all(p.replace("{images}", "digits") in PRESETS for p in claim.presets)
    options = dict(claim.grid_options)
    expected = [c for p in claim.presets
                for c in preset(p.replace("{images}", "digits"), scale_name, **options).configs()]
    assert claim.configs(PROFILES[scale_name]) == list(dict.fromkeys(expected))


def test_a_claim_on_a_grid_that_is_no_preset_is_refused() -> None:
    with pytest.raises(ValueError, match=r"presets must be simulate\.grid presets"):
        Claim("X.1", "derived", "s", "src", "how", ("fig9",), lambda records, profile: None)  # type: ignore


def test_sweep_presets_are_the_runs_the_figure_1_claims_read() -> None:
    by_id = {c.id: c for c in CLAIMS}
    for name in ("ci", "default"):
        fig1 = preset("fig1", name).configs()
        for cid in ("E6.claim.boundary", "E6.claim.curves", "S.monotone-snr"):
            assert by_id[cid].configs(PROFILES[name]) == fig1


def test_one_scale_vocabulary() -> None:
    assert set(SCALE_NAMES) == {"ci", "quick", "default", "paper", "thorough"}
    assert scale("quick") == scale("ci")
    assert {n: (p.dims, p.N, p.seeds) for n, p in PROFILES.items()} == {
        n: (scale(n).dims, scale(n).N, scale(n).seeds) for n in PROFILES}
    paper = scale("paper")
    assert (paper.d, paper.M, paper.dh, paper.N) == (1024, 16, 128, 22)  # Section 6.1
    with pytest.raises(ValueError, match="scale must be one of"):
        scale("huge")


# ---- the formulas -----------------------------------------------------------------------------------------------


def test_formulas_evaluate_the_papers_expressions() -> None:
    assert formulas.T_CASE1(eta=0.1, eps=0.01, mu=5.0, w_O=2.0) == pytest.approx(1 / (0.1 * 0.01 * 25 * 4))
    assert formulas.T_CASE2(eta=0.1, eps=0.01, mu=5.0, w_O=2.0, M=8) == pytest.approx(8 / (0.1 * 0.01 * 25 * 4))
    assert formulas.G_CLEAN(d=256, mu=8.0, sigma_p=0.5) == pytest.approx(256 * (8 / (0.5 * 16)) ** 2)
    assert formulas.G_ROBUST(d=256, mu=8.0, sigma_p=0.5, tau=2.0) == pytest.approx(256 * 1.0 * 0.75**2)
    assert formulas.IC1_THRESHOLD(M=4) == pytest.approx(1 / (4 * 2**0.5))
    assert formulas.CASE2_TAU_LO(dh=32) == pytest.approx(1 / math.log(32))
    assert formulas.MIDPOINT_RADII == (0.7, 0.7072, 0.75, 1.0)


def test_exponents_come_from_the_expressions_and_mutants_change_them() -> None:
    assert formulas.boundary_slope(formulas.BOUNDARY) == -0.5
    assert formulas.boundary_slope(formulas.BOUNDARY.substitute("m", "N²·SNR²", {S.N: S.N**2})) == -1.0
    assert formulas.T_CASE1.log_slope(S.eta) == formulas.T_CASE1.log_slope(S.eps) == -1.0
    assert formulas.T_CASE1.substitute("m", "η²", {S.eta: S.eta**2}).log_slope(S.eta) == -2.0
    assert formulas.CASE_RATIO.log_slope(S.M) == 1.0
    with pytest.raises(ValueError, match="not a power of"):
        formulas.G_ROBUST.log_slope(S.tau)


def test_a_formula_names_what_it_lacks() -> None:
    with pytest.raises(ValueError, match="needs eps, mu, w_O"):
        formulas.T_CASE1(eta=0.1)
    with pytest.raises(ValueError, match="symbols must be the paper's"):
        formulas.Formula("x", "s", "t", sp.Symbol("zeta") * S.d)
