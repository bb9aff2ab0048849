"""The simulator's data (Definition 3.1), model (eq. 1, Appendix C), configs and grids."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from simulate.config import AttackSpec, RunConfig
from simulate.data import generator, held_out_chunks, make_signals, sample, sample_group
from simulate.grid import PRESETS, GridSpec, apply_settings, group, preset
from simulate.model import Weights, attention, forward, forward_reference, init_weights


def _weights(G: int = 2, H: int = 1, d: int = 24, dh: int = 5, dv: int = 6, scale: float = 0.3, seed: int = 0):
    return init_weights(d, dh, dv, H, list(range(seed, seed + G)), "theory", [scale] * G, [scale] * G,
                        [1.0] * G, "random", torch.float64)


def _numpy_f(X: np.ndarray, WQ: np.ndarray, WK: np.ndarray, WV: np.ndarray, wO: np.ndarray) -> float:
    """eq. (1) for one example and one head, written independently in numpy."""
    M = X.shape[0]
    total = 0.0
    for q in range(M):
        logits = np.array([X[q] @ WQ @ WK.T @ X[j] for j in range(M)])
        a = np.exp(logits - logits.max())
        a /= a.sum()
        total += a @ (X @ WV @ wO)
    return total / M


# ---- data ------------------------------------------------------------------------------------

@given(st.integers(3, 40), st.floats(0.1, 100), st.sampled_from(["basis", "random"]), st.integers(0, 50))
def test_signals_are_orthogonal_with_the_given_norm(d: int, mu: float, kind: str, seed: int) -> None:
    s = make_signals(d, mu, kind, seed)
    assert math.isclose(float(s.plus.norm()), mu, rel_tol=1e-12)
    assert math.isclose(float(s.minus.norm()), mu, rel_tol=1e-12)
    assert abs(float(s.plus @ s.minus)) < 1e-9 * mu * mu


@given(st.sampled_from(["basis", "random"]), st.integers(0, 20))
def test_projected_noise_is_orthogonal_to_both_signals(kind: str, seed: int) -> None:
    s = make_signals(16, 3.0, kind, seed)
    X, y = sample(7, s, 2.0, 5, "projected", generator(seed, "train"), torch.float64)
    noise = X[:, 1:, :]
    assert float((noise @ s.plus).abs().max()) < 1e-10
    assert float((noise @ s.minus).abs().max()) < 1e-10
    # the signal token is µ_y
    want = torch.where(y[:, None] > 0, s.plus, s.minus)
    assert torch.equal(X[:, 0, :], want)


def test_noise_has_the_stated_covariance() -> None:
    d, sp = 10, 0.7
    s = make_signals(d, 1.0, "basis")
    X_iso, _ = sample(4000, s, sp, 3, "isotropic", generator(1, "train"), torch.float64)
    X_proj, _ = sample(4000, s, sp, 3, "projected", generator(1, "train"), torch.float64)
    var_iso = X_iso[:, 1:, :].reshape(-1, d).var(0)
    var_proj = X_proj[:, 1:, :].reshape(-1, d).var(0)
    assert torch.allclose(var_iso, torch.full((d,), sp**2, dtype=torch.float64), rtol=0.08)
    assert float(var_proj[:2].max()) < 1e-20  # the signal directions are projected out
    assert torch.allclose(var_proj[2:], torch.full((d - 2,), sp**2, dtype=torch.float64), rtol=0.08)


def test_labels_are_balanced_rademacher() -> None:
    _, y = sample(20000, make_signals(4, 1.0), 1.0, 2, "isotropic", generator(3, "train"), torch.float64)
    assert set(y.tolist()) == {-1.0, 1.0}
    assert abs(float(y.mean())) < 0.03


def test_a_members_data_do_not_depend_on_its_group() -> None:
    sig = [make_signals(12, m) for m in (1.0, 2.0, 3.0)]
    X3, y3, mask3 = sample_group([4, 2, 3], sig, [1.0, 0.5, 2.0], [7, 8, 9], 4, "isotropic", torch.float32)
    X1, y1, _ = sample_group([2], sig[1:2], [0.5], [8], 4, "isotropic", torch.float32)
    assert torch.equal(X3[1, :2], X1[0])
    assert torch.equal(y3[1, :2], y1[0])
    assert mask3.sum(1).tolist() == [4, 2, 3]
    assert torch.isfinite(X3).all()


def test_test_chunks_are_fresh_reproducible_and_sized() -> None:
    sig = [make_signals(8, 2.0)]
    a = list(held_out_chunks(130, sig, [1.0], [5], 3, "isotropic", torch.float64, chunk=50))
    b = list(held_out_chunks(130, sig, [1.0], [5], 3, "isotropic", torch.float64, chunk=50))
    assert [x.shape[1] for x, _ in a] == [50, 50, 30]
    assert all(torch.equal(x1, x2) for (x1, _), (x2, _) in zip(a, b, strict=True))
    train, _ = sample(50, sig[0], 1.0, 3, "isotropic", generator(5, "train"), torch.float64)
    assert not torch.equal(train, a[0][0][0])  # the test set is not the training set


def test_bad_data_input_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="mu must be > 0"):
        make_signals(4, -1.0)
    with pytest.raises(ValueError, match="d must be an integer >= 2"):
        make_signals(1, 1.0)
    with pytest.raises(ValueError, match="noise must be one of"):
        sample(3, make_signals(4, 1.0), 1.0, 3, "gaussian", generator(0, "x"), torch.float64)
    with pytest.raises(ValueError, match="seed must be"):
        generator(-1, "train")


# ---- model -----------------------------------------------------------------------------------

def test_forward_matches_an_independent_numpy_version() -> None:
    w = _weights(G=2, H=1)
    X, _, _ = sample_group([3, 3], [make_signals(24, 4.0)] * 2, [1.0, 1.0], [0, 1], 5, "isotropic", torch.float64)
    f = forward(w, X)
    for g in range(2):
        for b in range(3):
            want = _numpy_f(X[g, b].numpy(), w.W_Q[g, 0].numpy(), w.W_K[g, 0].numpy(), w.W_V[g, 0].numpy(),
                            w.w_O[g].numpy())
            assert math.isclose(float(f[g, b]), want, rel_tol=1e-10, abs_tol=1e-12)


@given(st.integers(1, 3), st.floats(0.01, 3.0), st.integers(0, 30))
def test_forward_equals_the_literal_computation_and_is_a_convex_combination(H: int, scale: float, seed: int) -> None:
    w = _weights(G=2, H=H, scale=scale, seed=seed)
    X, _, _ = sample_group([4, 4], [make_signals(24, 3.0)] * 2, [1.0, 1.0], [seed, seed + 1], 5, "isotropic",
                           torch.float64)
    f = forward(w, X)
    assert torch.allclose(f, forward_reference(w, X), rtol=1e-9, atol=1e-11)
    # each head's output is (1/M) Σ_l of convex combinations of x_jᵀu_h: |f_h| ≤ max_j |x_jᵀu_h|
    bound = (X[:, None] @ w.u()[:, :, None, :, None])[..., 0].abs().amax(-1).sum(1)
    assert bool((f.abs() <= bound + 1e-12).all())


def test_multi_head_is_the_unnormalised_sum_of_heads() -> None:
    w = _weights(G=1, H=3)
    X, _, _ = sample_group([2], [make_signals(24, 2.0)], [1.0], [0], 4, "isotropic", torch.float64)
    heads = [Weights(w.W_Q[:, h : h + 1], w.W_K[:, h : h + 1], w.W_V[:, h : h + 1], w.w_O) for h in range(3)]
    assert torch.allclose(forward(w, X), sum(forward(hw, X) for hw in heads), rtol=1e-12)


def test_attention_rows_are_distributions_and_safe_at_huge_logits() -> None:
    w = _weights(G=1, H=2, scale=50.0)
    X, _, _ = sample_group([3], [make_signals(24, 100.0)], [1.0], [0], 6, "isotropic", torch.float32)
    a = attention(w.to(torch.float32), X)
    assert torch.isfinite(a).all()
    assert torch.allclose(a.sum(-1), torch.ones_like(a.sum(-1)), atol=1e-5)
    assert torch.isfinite(forward(w.to(torch.float32), X)).all()


def test_no_temperature_inside_the_softmax() -> None:
    # with W_Q W_Kᵀ = I on the first coordinates the logits are exactly the inner products x_lᵀ x_j
    d = 4
    W_Q = torch.eye(d, dtype=torch.float64)[None, None]
    w = Weights(W_Q, W_Q.clone(), torch.zeros(1, 1, d, 2, dtype=torch.float64), torch.ones(1, 2, dtype=torch.float64))
    X = torch.randn(1, 1, 3, d, dtype=torch.float64, generator=generator(0, "t"))
    want = torch.softmax(X[0, 0] @ X[0, 0].T, dim=-1)
    assert torch.allclose(attention(w, X)[0, 0, 0], want)


def test_pytorch16_init_has_the_stated_scale() -> None:
    w = init_weights(1024, 128, 128, 1, [0], "pytorch16", [None], [None], [1.0], "ones", torch.float64)
    bound = 1 / math.sqrt(1024) / 16
    assert float(w.W_Q.abs().max()) <= bound
    assert math.isclose(float(w.W_Q.std()), bound / math.sqrt(3), rel_tol=0.02)  # ≈ 1.13e-3 (CLAIMS S3.init)
    assert math.isclose(float(w.w_O.norm()), 1.0, rel_tol=1e-12)


def test_init_is_seeded_per_member() -> None:
    a = init_weights(8, 3, 3, 1, [4, 5], "theory", [0.1, 0.1], [0.2, 0.2], [1.0, 2.0], "random", torch.float64)
    b = init_weights(8, 3, 3, 1, [5], "theory", [0.1], [0.2], [2.0], "random", torch.float64)
    assert torch.equal(a.W_Q[1], b.W_Q[0]) and torch.equal(a.w_O[1], b.w_O[0])
    assert not torch.equal(a.W_Q[0], a.W_Q[1])
    assert math.isclose(float(a.w_O[1].norm()), 2.0, rel_tol=1e-12)


# ---- configs and grids ------------------------------------------------------------------------

def test_config_maps_snr_to_mu_and_round_trips() -> None:
    c = RunConfig(N=10, snr=2.0)
    assert math.isclose(c.mu, 2.0 * math.sqrt(0.4) * math.sqrt(1024))
    assert math.isclose(c.tau, 0.05 * c.mu)
    again = RunConfig.from_dict(c.as_dict())
    assert again == c
    assert again.key("v1") == c.key("v1") != c.key("v2")
    assert RunConfig(N=10, snr=2.0, seed=1).key("v1") != c.key("v1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"N": 0, "snr": 1.0}, "N must be an integer >= 1"),
        ({"N": 2}, "give snr or mu"),
        ({"N": 2, "snr": 1.0, "mu": 3.0}, "not both"),
        ({"N": 2, "snr": -1.0}, "snr must be > 0"),
        ({"N": 2, "snr": 1.0, "tau_rel": -0.1}, "tau_rel must be >= 0"),
        ({"N": 2, "snr": 1.0, "norm": "3"}, "norm must be one of"),
        ({"N": 2, "snr": 1.0, "init": "theory"}, "needs sigma_h and sigma_V"),
        ({"N": 2, "snr": 1.0, "sigma_h": 0.1}, "used only with init='theory'"),
        ({"N": 2, "snr": 1.0, "engine": "subspace", "norm": "inf"}, "applies to the ℓ2 attack only"),
        ({"N": 2, "snr": 1.0, "eta": float("nan")}, "eta must be finite"),
        ({"N": 2, "snr": 1.0, "d": 1}, "d must be an integer >= 2"),
    ],
    ids=lambda v: str(v)[:40],
)
def test_bad_config_names_the_parameter(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RunConfig(**kwargs)


def test_bad_attack_spec_names_the_parameter() -> None:
    with pytest.raises(ValueError, match="attack must be one of"):
        AttackSpec(kind="fgsm")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="attack steps must be an integer >= 1"):
        AttackSpec(steps=0)


@pytest.mark.parametrize("scale", ["ci", "quick", "default", "paper", "thorough"])
@pytest.mark.parametrize("name", [n for n in PRESETS if not n.startswith(("mnist", "cifar10", "tiny-imagenet"))])
def test_presets_expand_to_valid_runs(name: str, scale: str) -> None:
    spec = preset(name, scale)
    configs = spec.configs()
    assert len(configs) == len(spec) > 0
    assert len({c.key("v") for c in configs}) == len(configs)  # no two runs share a key


def test_fig1_paper_scale_is_section_6() -> None:
    cs = preset("fig1", "paper").configs()
    assert {(c.d, c.M, c.dh, c.dv, c.eta, c.eps, c.tau_rel) for c in cs} == {(1024, 16, 128, 128, 0.1, 0.01, 0.05)}
    assert min(c.N for c in cs) == 2 and max(c.N for c in cs) == 22
    assert math.isclose(min(c.snr for c in cs), 0.16) and math.isclose(max(c.snr for c in cs), 16)
    assert len(cs) == 11 * 11 * 5  # Figure 1a-b: N = 2, 4, …, 22, 11 SNRs, 5 seeds


def test_grouping_keeps_shapes_and_N_together_and_loses_nothing() -> None:
    configs = preset("fig1", "quick").configs() + preset("fig3", "quick").configs()
    groups = group(configs, max_members=3)
    assert sorted(c.key("v") for g in groups for c in g) == sorted(c.key("v") for c in configs)
    for g in groups:
        assert len(g) <= 3
        assert len({(c.group_key(), c.N) for c in g}) == 1


def test_settings_and_axes_override_a_preset() -> None:
    spec = apply_settings(preset("fig1", "quick"), ["engine=direct", "attack=apgd", "attack_steps=7"],
                          ["seed=0,1", "N=3"])
    cs = spec.configs()
    assert {c.engine for c in cs} == {"direct"}
    assert {c.attack.kind for c in cs} == {"apgd"} and {c.attack.steps for c in cs} == {7}
    assert {c.seed for c in cs} == {0, 1} and {c.N for c in cs} == {3}
    with pytest.raises(ValueError, match="must be a RunConfig field"):
        apply_settings(GridSpec("x"), ["colour=red"])
    with pytest.raises(ValueError, match="N must be an integer"):
        apply_settings(GridSpec("x"), [], ["N=2,x"])
