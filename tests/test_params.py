"""Params (the point) and Constants (the hidden constants): construction, derived quantities,
the ℓ_p → ℓ₂ radius mapping, and validation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import log_uniform

from bounds.params import NORMS, Constants, Norm, Params, tau_l2_inner, tau_l2_outer


def lp_norm(x: np.ndarray, p: Norm) -> float:
    return float(np.linalg.norm(x, ord={"1": 1, "2": 2, "inf": np.inf}[p]))


# -- from_inputs: any two of (mu, sigma_p, snr) fix the third ---------------------------------

@given(d=st.integers(2, 10**9), mu=log_uniform(1e-3, 1e3), sigma_p=log_uniform(1e-3, 1e3))
def test_from_inputs_resolves_snr_from_mu_and_sigma_p(d: int, mu: float, sigma_p: float) -> None:
    p = Params.from_inputs(d=d, mu=mu, sigma_p=sigma_p)
    assert p.snr == pytest.approx(mu / (sigma_p * math.sqrt(d)), rel=1e-12)


@given(d=st.integers(2, 10**9), mu=log_uniform(1e-3, 1e3), snr=log_uniform(1e-3, 1e3))
def test_from_inputs_resolves_sigma_p_from_mu_and_snr(d: int, mu: float, snr: float) -> None:
    p = Params.from_inputs(d=d, mu=mu, snr=snr)
    assert p.mu == mu
    assert p.sigma_p == pytest.approx(mu / (snr * math.sqrt(d)), rel=1e-12)
    assert p.snr == pytest.approx(snr, rel=1e-12)


@given(d=st.integers(2, 10**9), sigma_p=log_uniform(1e-3, 1e3), snr=log_uniform(1e-3, 1e3))
def test_from_inputs_resolves_mu_from_sigma_p_and_snr(d: int, sigma_p: float, snr: float) -> None:
    p = Params.from_inputs(d=d, sigma_p=sigma_p, snr=snr)
    assert p.sigma_p == sigma_p
    assert p.mu == pytest.approx(snr * sigma_p * math.sqrt(d), rel=1e-12)
    assert p.snr == pytest.approx(snr, rel=1e-12)


def test_from_inputs_accepts_all_three_when_consistent() -> None:
    # d = 100: SNR = 3 / (0.5 · 10) = 0.6
    p = Params.from_inputs(d=100, mu=3.0, sigma_p=0.5, snr=0.6)
    assert p.snr == pytest.approx(0.6, rel=1e-12)


def test_from_inputs_contradictory_snr_raises_naming_the_inputs() -> None:
    with pytest.raises(ValueError) as info:
        Params.from_inputs(d=100, mu=3.0, sigma_p=0.5, snr=0.7)
    text = str(info.value)
    for name in ("snr", "mu", "sigma_p"):
        assert name in text


def test_from_inputs_snr_without_scale_or_d_raises() -> None:
    with pytest.raises(ValueError, match="snr"):
        Params.from_inputs(d=100, snr=1.0)
    with pytest.raises(ValueError, match="d"):
        Params.from_inputs(mu=1.0, snr=1.0)


@given(d=st.integers(2, 10**6), sigma_p=log_uniform(1e-2, 1e2), snr=log_uniform(1e-2, 1e2),
       r=st.floats(0.0, 3.0))
def test_tau_rel_times_mu_is_tau(d: int, sigma_p: float, snr: float, r: float) -> None:
    p = Params.from_inputs(d=d, sigma_p=sigma_p, snr=snr, tau_rel=r)
    assert p.mu is not None and p.tau is not None
    assert p.tau == pytest.approx(r * p.mu, rel=1e-12, abs=0.0)
    assert p.tau_rel == pytest.approx(r, rel=1e-12, abs=1e-300)


def test_tau_rel_contradicting_tau_raises() -> None:
    with pytest.raises(ValueError) as info:
        Params.from_inputs(d=4, mu=2.0, tau=1.0, tau_rel=0.25)
    assert "tau" in str(info.value) and "tau_rel" in str(info.value)
    # consistent tau and tau_rel are fine
    assert Params.from_inputs(d=4, mu=2.0, tau=0.5, tau_rel=0.25).tau == 0.5


def test_tau_rel_needs_mu() -> None:
    with pytest.raises(ValueError, match="mu"):
        Params.from_inputs(d=4, tau_rel=0.5)


def test_from_inputs_unknown_parameter_raises() -> None:
    with pytest.raises(ValueError, match="snrr"):
        Params.from_inputs(d=4, snrr=1.0)


def test_snr_property_unknown_when_an_input_is_missing() -> None:
    assert Params(d=4, mu=2.0).snr is None
    assert Params(mu=2.0, sigma_p=1.0).snr is None
    # d = 4, mu = 2, sigma_p = 0.5: SNR = 2 / (0.5·2) = 2
    assert Params(d=4, mu=2.0, sigma_p=0.5).snr == pytest.approx(2.0)


# -- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("field", "value"),
    [("d", 1), ("dh", 1), ("M", 1), ("N", 0), ("mu", 0.0), ("sigma_p", -1.0), ("tau", -0.1),
     ("eta", 0.0), ("eps", 1.0), ("eps", 0.0), ("delta", 1.5), ("w_O", 0.0), ("d", 2.5),
     ("mu", float("nan")), ("p", "3"), ("seed", -1), ("H", 0)],
)
def test_invalid_fields_raise_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        Params(**{field: value})  # type: ignore[arg-type]


def test_norm_aliases() -> None:
    assert Params(p="∞").p == "inf"
    assert Params(p=2).p == "2"  # type: ignore[arg-type]
    assert Params(p="1.0").p == "1"


# -- ℓ_p → ℓ₂ radii: the outer ball contains the ℓ_p ball, the inner ball sits inside it --------

def _test_vectors(d: int, rng: np.random.Generator) -> list[np.ndarray]:
    vecs = [np.ones(d), np.eye(d)[0], np.eye(d)[d - 1], -np.ones(d)]
    vecs += [rng.standard_normal(d) for _ in range(8)]
    vecs += [rng.choice([-1.0, 1.0], size=d) for _ in range(4)]
    vecs += [rng.standard_normal(d) * (rng.random(d) < 0.2) + np.eye(d)[0] for _ in range(4)]
    return vecs


@pytest.mark.parametrize("p", NORMS)
@given(d=st.integers(2, 300), tau=log_uniform(1e-3, 1e3), seed=st.integers(0, 2**32 - 1))
def test_outer_l2_ball_contains_lp_ball(p: Norm, d: int, tau: float, seed: int) -> None:
    outer = tau_l2_outer(tau, p, d)
    for x in _test_vectors(d, np.random.default_rng(seed)):
        on_sphere = x * (tau / lp_norm(x, p))  # ‖·‖_p = τ: the farthest points of the ℓ_p ball
        assert np.linalg.norm(on_sphere) <= outer * (1 + 1e-12)


@pytest.mark.parametrize("p", NORMS)
@given(d=st.integers(2, 300), tau=log_uniform(1e-3, 1e3), seed=st.integers(0, 2**32 - 1))
def test_inner_l2_ball_inside_lp_ball(p: Norm, d: int, tau: float, seed: int) -> None:
    inner = tau_l2_inner(tau, p, d)
    for x in _test_vectors(d, np.random.default_rng(seed)):
        on_sphere = x * (inner / np.linalg.norm(x))  # ‖·‖₂ = inner radius
        assert lp_norm(on_sphere, p) <= tau * (1 + 1e-12)


@pytest.mark.parametrize("p", NORMS)
@pytest.mark.parametrize("d", [2, 3, 17, 1024])
def test_radii_are_tight(p: Norm, d: int) -> None:
    """The extreme vectors 1_d and e_1 attain both radii: no smaller outer, no larger inner."""
    tau = 0.3
    extremes = [np.ones(d), np.eye(d)[0]]
    farthest = max(float(np.linalg.norm(x * (tau / lp_norm(x, p)))) for x in extremes)
    assert tau_l2_outer(tau, p, d) == pytest.approx(farthest, rel=1e-12)
    # largest r with every ‖x‖₂ = r inside the ℓ_p ball: r = τ / max_x(‖x‖_p/‖x‖₂)
    worst = max(lp_norm(x, p) / float(np.linalg.norm(x)) for x in extremes)
    assert tau_l2_inner(tau, p, d) == pytest.approx(tau / worst, rel=1e-12)


def test_paper_section4_inequality_is_reversed() -> None:
    """CLAIMS D.norms: x = 1_d has ‖x‖_∞ = 1 < √d = ‖x‖₂, so ‖x‖₂ ≤ ‖x‖_∞ (the paper's) fails."""
    x = np.ones(64)
    assert lp_norm(x, "inf") < np.linalg.norm(x)
    assert tau_l2_outer(1.0, "inf", 64) == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("p", "outer", "inner"),
    [("2", 0.5, 0.5), ("1", 0.5, 0.5 / 10), ("inf", 0.5 * 10, 0.5)],
)
def test_params_tau_l2_properties(p: Norm, outer: float, inner: float) -> None:
    params = Params(d=100, tau=0.5, p=p)
    assert params.tau_l2 == pytest.approx(outer)
    assert params.tau_l2_inner == pytest.approx(inner)


def test_params_tau_l2_unknown_without_d_where_d_matters() -> None:
    assert Params(tau=0.5, p="inf").tau_l2 is None
    assert Params(tau=0.5, p="inf").tau_l2_inner == 0.5
    assert Params(tau=0.5, p="1").tau_l2_inner is None
    assert Params(tau=0.5, p="1").tau_l2 == 0.5
    assert Params(d=9, p="2").tau_l2 is None


def test_describe_lists_known_fields() -> None:
    text = Params(d=1024, N=22).describe()
    assert text.startswith("Params[") and "d=1024" in text and "N=22" in text and "mu" not in text


# -- Constants ---------------------------------------------------------------------------------

def test_constants_parse_assignment() -> None:
    consts = Constants.parse(["c_1a=2", " k_2 = 3 "])
    assert consts.c_1a == 2.0
    assert consts.k_2 == 3.0
    assert consts.c_1b == Constants().c_1b


def test_constants_parse_keyword_overrides_and_log_base() -> None:
    consts = Constants.parse(["c_B=0.5"], c_A=5, log_base="2")
    assert consts.c_B == 0.5
    assert consts.log_base == "2"
    assert consts.log_base_value == 2.0
    assert consts.c_A == 5.0
    assert Constants().log_base_value == pytest.approx(math.e)
    assert Constants(log_base="10").log_base_value == 10.0


@pytest.mark.parametrize("bad", [["c_zz=1"], ["nonsense=1"], ["c_1a"], ["log_base=2"]])
def test_constants_parse_rejects_bad_assignments(bad: list[str]) -> None:
    with pytest.raises(ValueError):
        Constants.parse(bad)


def test_constants_parse_unknown_name_is_named() -> None:
    with pytest.raises(ValueError, match="c_zz"):
        Constants.parse(["c_zz=1"])


def test_c_omega_below_c_b_raises() -> None:
    with pytest.raises(ValueError, match="c_omega"):
        Constants(c_omega=0.5)
    with pytest.raises(ValueError, match="c_omega"):
        Constants(c_B=2.0)
    assert Constants(c_B=2.0, c_omega=2.0).c_omega == 2.0


@pytest.mark.parametrize("kwargs", [{"c_1a": 0.0}, {"c_A": -1.0}, {"log_base": "3"}, {"c_2": "x"}])
def test_constants_invalid_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Constants(**kwargs)  # type: ignore[arg-type]


def test_log_exponents_may_be_zero_or_negative() -> None:
    consts = Constants(k_1a=-1.5, k_2=0)
    assert consts.k_1a == -1.5 and consts.k_2 == 0.0
