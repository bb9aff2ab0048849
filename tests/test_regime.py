"""The regime partition: regime() and classify_many() agree, every point gets exactly one regime,
and a hand-built point that meets Condition 4.1 lands where the theorems say."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import condition_point, constants, regime_points, theorem_constants

from bounds.params import Constants, Params
from bounds.regime import REGIMES, RegimeResult, classify_many, regime

CONSTS = st.one_of(st.just(Constants()), theorem_constants(), constants())
COLUMNS = ("d", "dh", "N", "M", "mu", "sigma_p", "tau", "eta", "eps", "delta", "sigma_h", "sigma_V", "w_O")


def columns_of(points: list[Params]) -> dict[str, np.ndarray]:
    return {name: np.array([float(getattr(p, name)) for p in points]) for name in COLUMNS}


# -- partition: exhaustive, disjoint, and the same in both implementations ---------------------

def near_tie(result: RegimeResult) -> bool:
    """Whether some deciding item sits within 1e-9 (relative) of its boundary, where floats
    computed along different paths may legitimately round either way."""
    items = (*result.case1, *result.case2, result.thm43, *(i for i in result.condition if not i.derived))
    return any(i.margin is not None and math.isclose(i.margin, 1.0, rel_tol=1e-9) for i in items)


@given(points=st.lists(regime_points(), min_size=1, max_size=12), consts=CONSTS)
def test_classify_many_agrees_with_regime(points: list[Params], consts: Constants) -> None:
    results = [regime(p, consts) for p in points]
    kept = [(p, r) for p, r in zip(points, results, strict=True) if not near_tie(r)]
    assume(kept)
    points = [p for p, _ in kept]
    codes = classify_many(columns_of(points), consts)
    nominal_codes = classify_many(columns_of(points), consts, nominal=True)
    assert codes.shape == (len(points),)
    for (p, result), code, nominal_code in zip(kept, codes, nominal_codes, strict=True):
        assert result.regime in REGIMES
        assert result.nominal in REGIMES
        assert REGIMES[int(code)] == result.regime, (p.describe(), result.reason)
        assert REGIMES[int(nominal_code)] == result.nominal, (p.describe(), result.nominal_reason)


def test_classify_many_agrees_with_regime_at_exact_tie() -> None:
    # d = 3840000², σ_p = 1000, ‖µ‖ = σ_p·√d = 3.84e9: SNR = 1 exactly; N = 40, ε = 0.025: N·SNR² = 1/ε
    p = condition_point(N=40, eps=0.025, d=3840000**2, dh=3840000, snr=1.0, sigma_p=1000.0, tau_rel=0.25)
    assert p.mu == 3.84e9 and p.snr == 1.0
    result = regime(p)
    assert result.condition_holds is True
    assert REGIMES[int(classify_many(columns_of([p]))[0])] == result.regime
    assert REGIMES[int(classify_many(columns_of([p]), nominal=True)[0])] == result.nominal


@given(p=regime_points(), consts=CONSTS)
def test_regime_is_consistent_with_its_items(p: Params, consts: Constants) -> None:
    """The regime follows from the items it reports (a re-derivation of the partition rules)."""
    r = regime(p, consts)
    assert r.reason and r.nominal_reason
    assert re.search(r"\d", r.reason)
    if r.thm43.holds:
        assert r.regime == r.nominal == "thm4.3"
        return
    snr1, tau1 = (i.holds for i in r.case1)
    snr2, lo, hi = (i.holds for i in r.case2)
    if snr1 and tau1:
        expected = "case1"
    elif snr2 and lo and hi:
        expected = "case2"
    elif (not tau1 and not lo) or not hi:
        expected = "gap"
    else:
        expected = "unmet"
    assert r.nominal == expected
    stated = [i.holds for i in r.condition if not i.derived]
    assert r.condition_holds == all(stated)
    assert r.regime == (expected if all(stated) else "unmet")
    if not all(stated):
        assert "Condition 4.1" in r.reason


@given(p=regime_points())
def test_tau_at_least_mu_is_always_theorem_43(p: Params) -> None:
    big = replace(p, tau=p.mu * 1.0)  # type: ignore[operator]
    assert regime(big).regime == "thm4.3"
    bigger = replace(p, tau=p.mu * 1.5)  # type: ignore[operator]
    assert regime(bigger).regime == "thm4.3"
    assert "Theorem 4.3" in regime(bigger).reason


# -- the hand-built point ---------------------------------------------------------------------
# condition_point(): N = 50, M = 2, ε = 0.02, δ = 0.01, d = 1e15, d_h = 2e7, SNR = 1.2, w_O = 1.
# Case 1's radius is τ/‖µ‖ ≤ 1/ln(2e7) = 0.0595; N·SNR² = 72 ≥ 1/ε = 50.
CASE1_LIMIT = 1 / math.log(2e7)


def test_hand_point_meets_condition_41() -> None:
    r = regime(condition_point(tau_rel=0.01))
    assert r.condition_holds is True
    assert all(i.holds for i in r.condition)


@pytest.mark.parametrize("tau_rel", [0.0, 0.01, CASE1_LIMIT * 0.999])
def test_hand_point_small_radius_is_case1(tau_rel: float) -> None:
    r = regime(condition_point(tau_rel=tau_rel))
    assert r.regime == "case1" == r.nominal
    assert f"{50 * 1.2**2:.4g}" in r.reason  # N·SNR² = 72, computed here


@pytest.mark.parametrize("tau_rel", [CASE1_LIMIT * 1.001, 0.1, 0.5, 0.999])
def test_hand_point_larger_radius_is_case2_when_n_snr2_beats_inverse_eps(tau_rel: float) -> None:
    r = regime(condition_point(tau_rel=tau_rel, snr=1.2))
    assert r.regime == "case2"
    assert "72" in r.reason and "50" in r.reason  # N·SNR² = 72 vs 1/ε = 50


@pytest.mark.parametrize("tau_rel", [0.1, 0.5])
def test_hand_point_larger_radius_unmet_when_n_snr2_below_inverse_eps(tau_rel: float) -> None:
    # SNR = 0.8: N·SNR² = 32 < 50 = 1/ε; Condition 4.1 still holds (d_h ≥ 2.44·6.25e6)
    r = regime(condition_point(tau_rel=tau_rel, snr=0.8))
    assert r.condition_holds is True
    assert r.regime == "unmet"
    assert "N·SNR²" in r.reason and f"{50 * 0.8**2:.4g}" in r.reason
    # the same point at a Case-1 radius is fine: Case 1 only needs N·SNR² ≥ 1
    assert regime(condition_point(tau_rel=0.01, snr=0.8)).regime == "case1"


@pytest.mark.parametrize("tau_rel", [1.0, 1.0 + 1e-9, 1.5, 2.0])
def test_hand_point_radius_at_least_mu_is_thm43(tau_rel: float) -> None:
    r = regime(condition_point(tau_rel=tau_rel))
    assert r.regime == "thm4.3"
    assert re.search(r"\d", r.reason)


def test_gap_between_case1_and_case2_thresholds() -> None:
    consts = Constants(c_omega=2.0)  # Case 2 starts at 2/ln d_h = 0.119
    assert regime(condition_point(tau_rel=0.05), consts).regime == "case1"
    gap = regime(condition_point(tau_rel=0.1), consts)
    assert gap.regime == "gap" and "no statement applies" in gap.reason
    assert regime(condition_point(tau_rel=0.2), consts).regime == "case2"


def test_gap_between_case2_and_theorem43() -> None:
    consts = Constants(c_C=0.5)
    assert regime(condition_point(tau_rel=0.4), consts).regime == "case2"
    assert regime(condition_point(tau_rel=0.7), consts).regime == "gap"
    assert regime(condition_point(tau_rel=1.0), consts).regime == "thm4.3"


def test_gap_is_empty_with_unit_constants() -> None:
    """c_omega = c_B and c_C = 1: Case 1, Case 2 and Theorem 4.3 cover every τ (their hypotheses
    on N·SNR² aside), so no radius of the hand point is a gap."""
    for tau_rel in np.linspace(0.0, 2.0, 81):
        assert regime(condition_point(tau_rel=float(tau_rel))).regime in ("case1", "case2", "thm4.3")


def test_eta_too_large_is_unmet_with_reason() -> None:
    p = replace(condition_point(tau_rel=0.01), eta=condition_point().eta * 1e3)  # type: ignore[operator]
    r = regime(p)
    assert r.regime == "unmet"
    assert r.nominal == "case1"
    assert r.condition_holds is False
    assert "Condition 4.1" in r.reason and "C4.1.4" in r.reason
    assert "500" in r.reason  # η is 1e3 × half its cap: misses by 500×


def test_n_snr2_below_c_a_in_case1_range_is_unmet() -> None:
    consts = Constants(c_A=1000.0)  # N·SNR² = 72 < 1000
    r = regime(condition_point(tau_rel=0.01), consts)
    assert r.condition_holds is True
    assert r.regime == "unmet" == r.nominal
    assert "Case 1" in r.reason and "N·SNR²" in r.reason
    assert "72" in r.reason and "1000" in r.reason


def test_unknown_sigma_h_cannot_establish_condition() -> None:
    r = regime(replace(condition_point(tau_rel=0.01), sigma_h=None))
    assert r.regime == "unmet"
    assert r.condition_holds is None
    assert r.nominal == "case1"  # the case hypotheses do not need σ_h
    assert "sigma_h" in r.reason and "Condition 4.1" in r.reason


def test_unknown_mu_cannot_place_the_point() -> None:
    r = regime(Params(d=100, tau=0.1))
    assert r.regime == "unmet" == r.nominal
    assert "mu" in r.reason


def test_norm_decides_the_radius() -> None:
    """ℓ_∞ radius τ ⊂ ℓ₂ radius τ√d for the upper-bound cases; the inner radius for Theorem 4.3."""
    base = condition_point(tau_rel=0.01)
    root_d = math.sqrt(base.d)  # type: ignore[arg-type]
    linf = replace(base, p="inf")
    r = regime(linf)
    # τ√d ≫ ‖µ‖ but τ < ‖µ‖: no upper bound applies and Theorem 4.3 does not either
    assert r.regime == "gap"
    assert regime(replace(linf, tau=base.tau / root_d)).regime == "case1"  # type: ignore[operator]
    l1 = replace(base, p="1", tau=base.mu * 2)  # type: ignore[operator]
    # an ℓ₁ radius 2‖µ‖ only contains the ℓ₂ ball of radius 2‖µ‖/√d: not Theorem 4.3
    assert regime(l1).regime != "thm4.3"
    assert regime(replace(l1, tau=base.mu * root_d)).regime == "thm4.3"  # type: ignore[operator]


def test_log_base_moves_the_case1_threshold() -> None:
    # 1/ln(2e7) = 0.0595 but 1/log₂(2e7) = 0.0412
    r = condition_point(tau_rel=0.05)
    assert regime(r).regime == "case1"
    assert regime(r, Constants(log_base="2")).regime != "case1"


# -- classify_many ------------------------------------------------------------------------------

def _cloud(n: int, seed: int) -> dict[str, np.ndarray]:
    """n points around the hand point: some meet Condition 4.1, some do not, all radii."""
    rng = np.random.default_rng(seed)
    n_, m_, eps, delta, d, dh = 50, 2, 0.02, 0.01, 1e15, 2e7
    snr = rng.uniform(0.75, 1.33, n)
    sigma_p = 10 ** rng.uniform(-3, 3, n)
    mu = snr * sigma_p * math.sqrt(d)
    a = np.minimum(mu**-2, 1 / (sigma_p**2 * d)) / math.sqrt(dh)
    l_delta = math.log(6 * n_**2 * m_**2 / delta)
    return {
        "d": np.full(n, d), "dh": np.full(n, dh), "N": np.full(n, float(n_)), "M": np.full(n, float(m_)),
        "mu": mu, "sigma_p": sigma_p, "tau": rng.uniform(0, 2, n) * mu,
        "eta": a * 10 ** rng.uniform(-1, 0.5, n),  # fails C4.1.4 for about a third
        "eps": np.full(n, eps), "delta": np.full(n, delta),
        "sigma_h": np.sqrt(a * l_delta ** rng.uniform(-2.0, -1.5, n)),
        "sigma_V": 1e-3 / mu / dh**0.25 / math.sqrt(d) * np.minimum(1.0, mu / (sigma_p * math.sqrt(d))),
        "w_O": np.ones(n),
    }


def _params_at(cols: dict[str, np.ndarray], i: int) -> Params:
    ints = {"d", "dh", "N", "M"}
    return Params(**{k: (int(v[i]) if k in ints else float(v[i])) for k, v in cols.items()})


def test_classify_many_on_1e5_points() -> None:
    cols = _cloud(100_000, seed=1)
    consts = Constants(c_omega=2.0, c_C=0.8)
    codes = classify_many(cols, consts)
    assert codes.shape == (100_000,)
    assert set(np.unique(codes)) == set(range(len(REGIMES)))  # every regime occurs
    nominal = classify_many(cols, consts, nominal=True)
    # ignoring Condition 4.1 can only turn 'unmet' into something else
    changed = codes != nominal
    assert np.all(codes[changed] == REGIMES.index("unmet"))
    for i in np.random.default_rng(2).choice(100_000, size=150, replace=False):
        result = regime(_params_at(cols, int(i)), consts)
        assert REGIMES[int(codes[i])] == result.regime
        assert REGIMES[int(nominal[i])] == result.nominal


def test_classify_many_broadcasts_scalars() -> None:
    cols: dict[str, object] = {k: float(v[0]) for k, v in _cloud(1, seed=3).items()}
    mu = float(cols["mu"])  # type: ignore[arg-type]
    cols["tau"] = np.array([0.0, 0.01, 0.5, 1.0, 1.7]) * mu
    codes = classify_many(cols)  # type: ignore[arg-type]
    assert codes.shape == (5,)
    assert codes[3] == codes[4] == REGIMES.index("thm4.3")


@pytest.mark.parametrize("name", ["sigma_h", "tau", "w_O"])
def test_classify_many_missing_column_raises(name: str) -> None:
    cols = _cloud(4, seed=4)
    del cols[name]
    with pytest.raises(ValueError, match=name):
        classify_many(cols)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_classify_many_non_finite_raises(bad: float) -> None:
    cols = _cloud(4, seed=5)
    cols["eta"][2] = bad
    with pytest.raises(ValueError, match="eta"):
        classify_many(cols)
