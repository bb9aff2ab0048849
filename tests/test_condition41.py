"""Condition 4.1 (paper L456–541): every item against a hand computation of the paper's formula,
three-valued evaluation, symbolic ↔ lambdified agreement, monotonicity, and the log base."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import ExactPoint, condition_point, condition_points, exact_points, small_points

from bounds.condition41 import CONDITION_4_1, DERIVED, condition_4_1, condition_holds
from bounds.params import Constants, Params
from bounds.symbolic import CONST_SYMBOLS, PARAM_SYMBOLS, ItemResult, S, Statement, evaluate_many, point_values
from bounds.theorem42 import CASE1, CASE2
from bounds.theorem43 import THM43, THM43_SHARP, UNIFORM_ATTENTION

ITEM_IDS = [st_.id for st_ in CONDITION_4_1 + DERIVED]


# -- the paper's formulas, by hand (default constants, natural log) ---------------------------

def hand_items(p: Params) -> dict[str, tuple[float, str, float]]:
    """(lhs, op, rhs) of every item, written from the paper's Condition 4.1 and CLAIMS.md §2."""
    d, dh, n, m_tok = float(p.d), float(p.dh), float(p.N), float(p.M)  # type: ignore[arg-type]
    m, s, eps, delta, w = p.mu, p.sigma_p, p.eps, p.delta, p.w_O
    assert None not in (m, s, eps, delta, w, p.eta, p.sigma_V, p.sigma_h)
    snr = m / (s * math.sqrt(d))  # type: ignore[operator]
    scale2 = min(1 / m**2, 1 / (s**2 * d))  # type: ignore[operator]
    l_delta = math.log(6 * n**2 * m_tok**2 / delta)  # type: ignore[operator]
    return {
        "C4.1.1a": (d, ">=", n**2 * dh / eps**2),  # type: ignore[operator]
        "C4.1.1b": (dh, ">=", max(snr**4, snr**-4) * n**2 / eps**2),  # type: ignore[operator]
        "C4.1.2": (n, ">=", math.log(d)),
        "C4.1.3a": (m_tok, "<=", math.log(d)),
        "C4.1.3b": (w, ">=", 1.0),  # type: ignore[dict-item]
        "C4.1.3c": (w, "<=", 1.0),  # type: ignore[dict-item]
        "C4.1.4": (p.eta, "<=", scale2 / math.sqrt(dh)),  # type: ignore[dict-item]
        "C4.1.5a": (p.sigma_V, "<=",  # type: ignore[dict-item]
                    min(1 / m, 1 / (s * math.sqrt(d))) / w / dh**0.25 / math.sqrt(d)),  # type: ignore[operator]
        "C4.1.5b": (p.sigma_h**2, ">=", scale2 / math.sqrt(dh) / l_delta**2),  # type: ignore[operator]
        "C4.1.5c": (p.sigma_h**2, "<=", scale2 / math.sqrt(dh) / l_delta**1.5),  # type: ignore[operator]
        "C4.1.6": (eps, "<=", 1 / math.log(d)),  # type: ignore[dict-item]
        "C4.1.F1": (n, ">=", 8 * math.log(4 / delta)),  # type: ignore[operator]
        "C4.1.i": (max(m**2, s**2 * d) * p.sigma_h**2 * math.sqrt(dh * l_delta), "<=",  # type: ignore[operator]
                   1 / l_delta),
        "C4.1.ii": (d, ">=", 16 * n**2 * m_tok**2 * math.log(4 * n**2 * m_tok**2 / delta)),  # type: ignore[operator]
    }


SECTION6 = Params.from_inputs(  # IC-8: d = 1024, N = 22, d_h = 128, ε = 0.01, η = 0.1, SNR = 1
    d=1024, dh=128, M=16, N=22, sigma_p=math.sqrt(0.4), snr=1.0, tau_rel=0.05, eta=0.1,
    sigma_V=1.13e-3, sigma_h=math.sqrt(1.27e-6), eps=0.01, delta=0.01, w_O=1.0,
)
POINTS = {
    "construction": condition_point(),
    "construction_low_snr": condition_point(snr=0.8, sigma_p=3.0, delta=0.05, M=3),
    "section6": SECTION6,
    "odd": Params(d=5000, dh=300, M=3, N=7, mu=2.5, sigma_p=0.03, eta=1e-3, sigma_V=1e-4,
                  sigma_h=0.02, eps=0.3, delta=0.2, w_O=1.7, tau=0.1),
}


@pytest.mark.parametrize("name", list(POINTS))
def test_items_match_hand_computation(name: str) -> None:
    p = POINTS[name]
    expected = hand_items(p)
    results = condition_4_1(p)
    assert [r.id for r in results] == ITEM_IDS
    for r in results:
        lhs, op, rhs = expected[r.id]
        assert r.lhs == pytest.approx(lhs, rel=1e-9), r.id
        assert r.rhs == pytest.approx(rhs, rel=1e-9), r.id
        assert r.holds == (lhs >= rhs if op == ">=" else lhs <= rhs), r.id
        assert r.margin == pytest.approx(lhs / rhs if op == ">=" else rhs / lhs, rel=1e-9), r.id
        assert r.missing == ()


def test_construction_point_meets_every_item() -> None:
    results = condition_4_1(POINTS["construction"])
    assert all(r.holds for r in results), [r.id for r in results if not r.holds]
    assert condition_holds(results) is True


def test_section6_point_matches_catalogue_ic8() -> None:
    """CLAIMS.md IC-8's table (independently computed there): N = 22 needs d ≥ 6.2e8; η ≤ 2.2e-4;
    σ_h² ∈ [6.6e-7, 2.8e-6]; σ_V ≤ 4.6e-4; Lemma F.1 fails... at N = 2 only, so it holds here."""
    by_id = {r.id: r for r in condition_4_1(SECTION6)}
    assert by_id["C4.1.1a"].rhs == pytest.approx(6.2e8, rel=0.01)
    assert by_id["C4.1.1a"].holds is False
    assert by_id["C4.1.4"].rhs == pytest.approx(2.2e-4, rel=0.03)
    assert 1 / by_id["C4.1.4"].margin == pytest.approx(460, rel=0.03)  # "violated by ≈ 460×"
    assert by_id["C4.1.5b"].rhs == pytest.approx(6.6e-7, rel=0.01)
    assert by_id["C4.1.5c"].rhs == pytest.approx(2.8e-6, rel=0.02)
    assert by_id["C4.1.5b"].holds and by_id["C4.1.5c"].holds  # "OK at SNR ≤ 1"
    assert by_id["C4.1.5a"].rhs == pytest.approx(4.6e-4, rel=0.03)
    assert by_id["C4.1.5a"].holds is False
    assert condition_holds(list(by_id.values())) is False


@given(p=st.one_of(condition_points(), small_points()))
def test_holds_iff_margin_at_least_one(p: Params) -> None:
    for r in condition_4_1(p):
        assert r.holds is not None and r.margin is not None and r.lhs is not None and r.rhs is not None
        assert r.holds == (r.margin >= 1.0) or math.isclose(r.margin, 1.0, rel_tol=1e-12)
        op = next(s.op for s in CONDITION_4_1 + DERIVED if s.id == r.id)
        assert r.margin == pytest.approx(r.lhs / r.rhs if op == ">=" else r.rhs / r.lhs, rel=1e-12)


# -- three-valued evaluation -------------------------------------------------------------------

def test_missing_sigma_h_makes_only_its_items_unknown() -> None:
    p = replace(POINTS["construction"], sigma_h=None)
    results = {r.id: r for r in condition_4_1(p)}
    needs_sigma_h = {"C4.1.5b", "C4.1.5c", "C4.1.i"}
    for item_id, r in results.items():
        if item_id in needs_sigma_h:
            assert r.holds is None and r.margin is None
            assert r.missing == ("sigma_h",)
            assert r.lhs is None and r.rhs is not None  # the rhs does not need σ_h
        else:
            assert r.holds is True and r.missing == ()
    assert condition_holds(list(results.values())) is None


def test_missing_mu_names_mu_and_spares_items_without_it() -> None:
    p = replace(POINTS["construction"], mu=None, tau=None)
    results = {r.id: r for r in condition_4_1(p)}
    for item_id in ("C4.1.1b", "C4.1.4", "C4.1.5a", "C4.1.5b", "C4.1.5c", "C4.1.i"):
        assert results[item_id].holds is None
        assert "mu" in results[item_id].missing
    for item_id in ("C4.1.1a", "C4.1.2", "C4.1.3a", "C4.1.3b", "C4.1.3c", "C4.1.6", "C4.1.F1", "C4.1.ii"):
        assert results[item_id].holds is not None, item_id


def test_several_missing_names_are_sorted_and_complete() -> None:
    p = Params(d=10**6, N=30, M=2, eps=0.01)
    r = next(x for x in condition_4_1(p) if x.id == "C4.1.5c")
    assert r.missing == ("dh", "mu", "sigma_h", "sigma_p")


def test_a_failing_item_beats_an_unknown_one() -> None:
    p = replace(POINTS["construction"], sigma_h=None, eta=1.0)
    assert condition_holds(condition_4_1(p)) is False


def test_derived_items_do_not_enter_condition_holds() -> None:
    # N = 40 < 8·log(400) ≈ 47.9 breaks Lemma F.1 only; Condition 4.1(2) N ≥ ln d = 34.5 still holds
    p = condition_point(N=40, eps=0.025, d=10**15, dh=2 * 10**7 // 4, snr=1.0)
    results = condition_4_1(p)
    by_id = {r.id: r for r in results}
    assert by_id["C4.1.F1"].holds is False
    assert all(r.holds for r in results if not r.derived)
    assert condition_holds(results) is True
    assert [r.id for r in condition_4_1(p, derived=False)] == [s.id for s in CONDITION_4_1]


def test_item_json_is_plain() -> None:
    r = condition_4_1(replace(POINTS["construction"], sigma_h=None))[8]
    js = r.as_json()
    assert js["holds"] is None and js["missing"] == ["sigma_h"] and js["id"] == "C4.1.5b"


# -- constants and log base -------------------------------------------------------------------

def test_constants_scale_their_items() -> None:
    p = POINTS["odd"]
    base = {r.id: r for r in condition_4_1(p)}
    scaled = {r.id: r for r in condition_4_1(p, Constants.parse(["c_1a=2", "k_1b=1", "c_4=3", "k_6=2"]))}
    assert scaled["C4.1.1a"].rhs == pytest.approx(2 * base["C4.1.1a"].rhs, rel=1e-12)
    assert scaled["C4.1.1b"].rhs == pytest.approx(math.log(5000) * base["C4.1.1b"].rhs, rel=1e-12)
    assert scaled["C4.1.4"].rhs == pytest.approx(3 * base["C4.1.4"].rhs, rel=1e-12)
    assert scaled["C4.1.6"].rhs == pytest.approx(1 / math.log(5000) ** 2, rel=1e-12)
    # the explicit σ_h window and Lδ ignore every constant
    assert scaled["C4.1.5b"].rhs == pytest.approx(base["C4.1.5b"].rhs, rel=1e-12)


@pytest.mark.parametrize("d", [4, 1024, 10**6, 10**15])
def test_log_base_two(d: int) -> None:
    p = Params(d=d, N=5)
    r2 = next(r for r in condition_4_1(p, Constants(log_base="2")) if r.id == "C4.1.2")
    assert r2.rhs == pytest.approx(math.log2(d), rel=1e-12)
    r10 = next(r for r in condition_4_1(p, Constants(log_base="10")) if r.id == "C4.1.2")
    assert r10.rhs == pytest.approx(math.log10(d), rel=1e-12)


def test_log_base_does_not_touch_l_delta() -> None:
    """Lδ = log(6N²M²/δ) is a concentration bound: natural whatever the base of the polylogs."""
    p = POINTS["odd"]
    e = {r.id: r for r in condition_4_1(p)}
    two = {r.id: r for r in condition_4_1(p, Constants(log_base="2"))}
    for item_id in ("C4.1.5b", "C4.1.5c", "C4.1.F1", "C4.1.i", "C4.1.ii"):
        assert two[item_id].rhs == pytest.approx(e[item_id].rhs, rel=1e-12)


# -- symbolic relation ↔ lambdified evaluation -------------------------------------------------

STATEMENTS: tuple[Statement, ...] = CONDITION_4_1 + DERIVED + CASE1 + CASE2 + (THM43, THM43_SHARP, UNIFORM_ATTENTION)
_FIELD_OF = {S.d: "d", S.dh: "dh", S.N: "N", S.M: "M", S.m: "mu", S.s: "sigma_p", S.tau: "tau",
             S.tau_in: "tau", S.eta: "eta", S.eps: "eps", S.delta: "delta", S.sigma_h: "sigma_h",
             S.sigma_V: "sigma_V", S.w: "w_O"}


@st.composite
def exact_constants(draw: st.DrawFn) -> tuple[Constants, dict[str, sp.Rational]]:
    if draw(st.booleans()):
        return Constants(), {name: sp.nsimplify(getattr(Constants(), name)) for name in CONST_SYMBOLS}
    c = st.builds(Fraction, st.integers(1, 40), st.just(8))
    k = st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(-1)])
    values = {name: draw(k if name.startswith("k_") else c) for name in CONST_SYMBOLS}
    values["c_omega"] = max(values["c_omega"], values["c_B"])
    consts = Constants(**{name: float(v) for name, v in values.items()})
    return consts, {name: sp.Rational(v.numerator, v.denominator) for name, v in values.items()}


@given(point=exact_points(), consts=exact_constants(), base=st.sampled_from(["e", "2"]))
def test_symbolic_relation_agrees_with_lambdified(
    point: ExactPoint, consts: tuple[Constants, dict[str, sp.Rational]], base: str
) -> None:
    params, exact = point
    const_obj, const_exact = replace(consts[0], log_base=base), consts[1]
    subs: dict[sp.Symbol, sp.Expr] = {
        sym: (sp.Integer(v) if isinstance(v, int) else sp.Rational(v.numerator, v.denominator))
        for sym, name in _FIELD_OF.items() for v in [exact[name]]
    }
    subs.update({CONST_SYMBOLS[name]: value for name, value in const_exact.items()})
    subs[S.b] = sp.E if base == "e" else sp.Integer(2)
    assert set(PARAM_SYMBOLS) - {S.dv} <= set(subs)

    results = evaluate_many(STATEMENTS, point_values(params, const_obj))
    for statement, r in zip(STATEMENTS, results, strict=True):
        assert r.holds is not None and r.margin is not None
        if math.isclose(r.margin, 1.0, rel_tol=1e-9) or not math.isfinite(r.margin) or r.margin == 0:
            continue  # too close to the boundary for floats to be trusted (or a zero side)
        truth = statement.relation.xreplace(subs)  # exact substitution of every symbol
        if truth not in (sp.true, sp.false):  # sympy left it unevaluated: decide numerically
            diff = sp.N(statement.lhs.xreplace(subs) - statement.rhs.xreplace(subs), 60)
            truth = sp.true if (diff >= 0 if statement.op != ">" else diff > 0) else sp.false
        assert bool(truth) == r.holds, (statement.id, r.lhs, r.rhs)


def test_exact_points_exercise_both_outcomes() -> None:
    """Sanity check of the strategy behind the agreement test: items do fail and hold there."""
    p = Params(d=10**12, dh=100, N=10, M=2, mu=1.0, sigma_p=1e-6, eta=1e-9, sigma_V=1e-12,
               sigma_h=1e-4, eps=0.01, delta=0.01, w_O=1.0, tau=0.0)
    outcomes = {r.holds for r in condition_4_1(p)}
    assert outcomes == {True, False}


# -- monotonicity ------------------------------------------------------------------------------

def _margin(p: Params, item_id: str, consts: Constants | None = None) -> float:
    r = next(x for x in condition_4_1(p, consts) if x.id == item_id)
    assert r.margin is not None
    return r.margin


def _item(p: Params, item_id: str) -> ItemResult:
    return next(x for x in condition_4_1(p) if x.id == item_id)


GROW = st.floats(1.01, 1e3)


@given(p=st.one_of(condition_points(), small_points()), factor=GROW)
def test_c411a_margin_increases_with_d(p: Params, factor: float) -> None:
    bigger = replace(p, d=math.ceil(p.d * factor) + 1)  # type: ignore[operator]
    assert _margin(bigger, "C4.1.1a") > _margin(p, "C4.1.1a")


@given(p=st.one_of(condition_points(), small_points()), factor=GROW)
def test_c411a_margin_increases_with_d_with_polylog(p: Params, factor: float) -> None:
    # d/(ln d)^k grows once ln d > k: true on these points for k = 1 (d ≥ 3)
    assume(p.d >= 3)  # type: ignore[operator]
    consts = Constants(k_1a=1.0)
    bigger = replace(p, d=math.ceil(p.d * factor) + 1)  # type: ignore[operator]
    assert _margin(bigger, "C4.1.1a", consts) > _margin(p, "C4.1.1a", consts)


@given(p=st.one_of(condition_points(), small_points()), factor=GROW)
def test_c414_margin_decreases_as_eta_grows(p: Params, factor: float) -> None:
    assert _margin(replace(p, eta=p.eta * factor), "C4.1.4") < _margin(p, "C4.1.4")  # type: ignore[operator]


@given(p=st.one_of(condition_points(), small_points()), factor=GROW)
def test_c415a_margin_decreases_as_sigma_v_grows(p: Params, factor: float) -> None:
    assert _margin(replace(p, sigma_V=p.sigma_V * factor), "C4.1.5a") < _margin(p, "C4.1.5a")  # type: ignore[operator]


@given(p=st.one_of(condition_points(), small_points()), factor=st.floats(1.01, 1.9))
def test_c416_margin_decreases_as_eps_grows(p: Params, factor: float) -> None:
    assume(p.eps * factor < 1)  # type: ignore[operator]
    assert _margin(replace(p, eps=p.eps * factor), "C4.1.6") < _margin(p, "C4.1.6")  # type: ignore[operator]
    # and ε⁻² makes items (1) harder
    assert _margin(replace(p, eps=p.eps * factor), "C4.1.1a") > _margin(p, "C4.1.1a")  # type: ignore[operator]


@given(p=st.one_of(condition_points(), small_points()), extra=st.integers(1, 1000))
def test_c412_margin_increases_with_n_and_c413a_decreases_with_m(p: Params, extra: int) -> None:
    assert _margin(replace(p, N=p.N + extra), "C4.1.2") > _margin(p, "C4.1.2")  # type: ignore[operator]
    assert _margin(replace(p, M=p.M + extra), "C4.1.3a") < _margin(p, "C4.1.3a")  # type: ignore[operator]


@given(p=st.one_of(condition_points(), small_points()), factor=GROW)
def test_c411b_margin_increases_with_dh_and_c414_decreases(p: Params, factor: float) -> None:
    bigger = replace(p, dh=math.ceil(p.dh * factor) + 1)  # type: ignore[operator]
    assert _margin(bigger, "C4.1.1b") > _margin(p, "C4.1.1b")
    assert _margin(bigger, "C4.1.4") < _margin(p, "C4.1.4")


@given(p=st.one_of(condition_points(), small_points()))
def test_c411b_symmetric_in_snr_and_best_at_snr_one(p: Params) -> None:
    """max{SNR⁴, SNR⁻⁴}: SNR and 1/SNR give the same margin, SNR = 1 the largest."""
    noise = p.sigma_p * math.sqrt(p.d)  # type: ignore[operator]
    inverse = replace(p, mu=noise**2 / p.mu)  # type: ignore[operator]
    assert inverse.snr == pytest.approx(1 / p.snr, rel=1e-9)  # type: ignore[operator]
    assert _margin(inverse, "C4.1.1b") == pytest.approx(_margin(p, "C4.1.1b"), rel=1e-9)
    at_one = replace(p, mu=noise)
    assert _margin(at_one, "C4.1.1b") >= _margin(p, "C4.1.1b") * (1 - 1e-12)


@given(p=condition_points(), log_pos=st.floats(-1.0, 2.0))
def test_sigma_h_window(p: Params, log_pos: float) -> None:
    """C4.1.5b and C4.1.5c both hold exactly when σ_h² ∈ [A·Lδ⁻², A·Lδ^(-3/2)]."""
    a = min(p.mu**-2, 1 / (p.sigma_p**2 * p.d)) / math.sqrt(p.dh)  # type: ignore[operator]
    l_delta = math.log(6 * p.N**2 * p.M**2 / p.delta)  # type: ignore[operator]
    assume(abs(log_pos) > 1e-6 and abs(log_pos - 1) > 1e-6)
    q = replace(p, sigma_h=math.sqrt(a * l_delta ** (-2.0 + 0.5 * log_pos)))
    lo, hi = _item(q, "C4.1.5b"), _item(q, "C4.1.5c")
    assert lo.holds == (log_pos > 0)
    assert hi.holds == (log_pos < 1)


# -- assumptions carried by the constants' symbols ---------------------------------------------

@pytest.mark.parametrize("name", ["k_2", "k_3M", "k_6"])
def test_log_exponent_symbols_admit_their_defaults(name: str) -> None:
    sym = CONST_SYMBOLS[name]
    default = getattr(Constants(), name)
    assert default == 1.0
    assert sym.is_nonpositive is not True  # the default is positive
    assert float(sp.sqrt(sym**2).subs(sym, default)) == 1.0
    assert float(sp.Max(sym, 0).subs(sym, default)) == 1.0


def test_hidden_constant_symbols_are_positive() -> None:
    for name, sym in CONST_SYMBOLS.items():
        if not name.startswith("k_"):
            assert sym.is_positive, name
