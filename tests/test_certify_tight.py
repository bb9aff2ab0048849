"""Tests of the query-coupled certified bound (simulate.certify, method 'tight'): it is sound — never above
the margin at any point of the balls that an attack, random sampling or a dense search finds, and equal to the
exact worst case where that is known — never below the box bound, and strictly tighter on an example whose
attention concentrates, so that switching the coupling off fails a test.

The reference points come from the project's own attack and sampler (simulate.attacks.attack, PGD and APGD;
simulate.attacks.sample_ball) and from a grid over every token's ball for d = 2, M = 2.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import certify_problem, log_uniform, vnorm

from simulate import attacks
from simulate.certify import METHODS, certified_margin, dual_norm
from simulate.config import AttackSpec
from simulate.data import generator, make_signals, sample
from simulate.model import Weights, attention, forward

NORM_LIST = ["2", "inf", "1"]
F64 = torch.float64
pytestmark = pytest.mark.usefixtures("one_thread")


@st.composite
def problems(draw, max_M: int = 5, max_H: int = 2, max_d: int = 6):
    seed = draw(st.integers(0, 2**31 - 1))
    G = draw(st.integers(1, 2))
    H = draw(st.integers(1, max_H))
    M = draw(st.integers(1, max_M))
    d = draw(st.integers(2, max_d))
    dh = draw(st.integers(1, 3))
    dv = draw(st.integers(1, 3))
    s_qk = draw(log_uniform(1e-2, 10.0))
    s_v = draw(log_uniform(1e-2, 10.0))
    w, X, y, _ = certify_problem(seed, G, H, 3, M, d, dh, dv, s_qk, s_v)
    tau = torch.tensor([draw(st.floats(0.0, 1.5)) for _ in range(G)], dtype=F64)
    return w, X, y, tau, seed


def _margin(w: Weights, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return y * forward(w, X)


def _tol(w: Weights, X: torch.Tensor, tau: torch.Tensor) -> torch.Tensor:
    """Rounding slack for comparing two float64 margins: 1e-9 × the scale of the value terms."""
    scale = (X.abs().sum(-1).amax(dim=-1) + tau[:, None]) * w.u().abs().amax(dim=-1).sum(-1)[:, None]
    return 1e-9 * (1.0 + scale)


def _gens(seed: int, G: int) -> list[torch.Generator]:
    return [torch.Generator().manual_seed(seed + g) for g in range(G)]


# -- soundness ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("norm", NORM_LIST)
@settings(max_examples=25)
@given(problems())
def test_never_above_the_projects_attacks(norm, prob):
    w, X, y, tau, seed = prob
    L = certified_margin(w, X, y, tau, norm, method="tight")
    tol = _tol(w, X, tau)
    assert (L <= _margin(w, X, y) + tol).all()
    for spec in (AttackSpec(steps=20), AttackSpec(kind="apgd", steps=20, restarts=2)):
        X_adv = attacks.attack(w, X, y, tau, spec, norm, _gens(seed, X.shape[0]), only_robust=False)
        assert (vnorm(X_adv - X, norm) <= tau.view(-1, 1, 1) * (1 + 1e-9) + 1e-12).all()
        found = _margin(w, X_adv, y)
        assert (L <= found + tol).all(), (spec.kind, L, found)


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems())
def test_never_above_random_points_of_the_balls(norm, prob):
    w, X, y, tau, seed = prob
    L = certified_margin(w, X, y, tau, norm, method="tight")
    G, B, M, d = X.shape
    reps = 48
    delta = attacks.sample_ball(norm, tau, (B * reps, M, d), _gens(seed, G), F64)
    pts = _margin(w, X.repeat_interleave(reps, dim=1) + delta, y.repeat_interleave(reps, dim=1))
    least = pts.view(G, B, reps).amin(-1)
    assert (L <= least + _tol(w, X, tau)).all(), (L, least)


def _ball_grid(norm: str, k: int) -> torch.Tensor:
    """Points of the unit ℓ_p ball in ℝ²: a k × k grid of [−1, 1]² kept inside, plus k² points of the sphere."""
    s = torch.linspace(-1.0, 1.0, k, dtype=F64)
    grid = torch.cartesian_prod(s, s)
    grid = grid[vnorm(grid, norm) <= 1.0]
    theta = torch.linspace(0.0, 2 * math.pi, k * k, dtype=F64)
    sphere = torch.stack([theta.cos(), theta.sin()], dim=-1)
    sphere = sphere / vnorm(sphere, norm)[:, None]
    return torch.cat([grid, sphere])


@pytest.mark.parametrize("norm", NORM_LIST)
@settings(max_examples=20)
@given(st.integers(0, 2**31 - 1), st.integers(1, 2), log_uniform(0.1, 10.0), st.floats(0.05, 1.0))
def test_never_above_a_dense_search_in_two_dimensions(norm, seed, H, s_qk, tau_value):
    """d = 2, M = 2: the min over every pair of grid points of the two tokens' balls is ≥ the true min."""
    w, X, y, _ = certify_problem(seed, 1, H, 2, 2, 2, 2, 2, s_qk, 1.0)
    tau = torch.tensor([tau_value], dtype=F64)
    L = certified_margin(w, X, y, tau, norm, method="tight")
    pts = _ball_grid(norm, 13) * tau_value  # (P, 2)
    P = pts.shape[0]
    pair = torch.stack([pts.repeat_interleave(P, 0), pts.repeat(P, 1)], dim=1)  # (P², M = 2, d = 2)
    for b in range(X.shape[1]):
        Xb = (X[0, b][None] + pair)[None]  # (1, P², 2, 2)
        found = _margin(w, Xb, y[:, b : b + 1].expand(1, P * P)).amin()
        assert L[0, b] <= found + _tol(w, X, tau)[0, b], (L[0, b], found)


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems(), st.booleans())
def test_frozen_uniform_attention_is_exact(norm, prob, zero_query):
    """W_Q = 0 or W_K = 0: every logit is 0 on the whole ball, f = (1/M) Σ_j x_jᵀ Σ_h u_h, and the bound is
    y·f(X) − τ Σ_h ‖u_h‖_q, which is the exact worst case for one head (≤ it for more)."""
    w, X, y, tau, _ = prob
    zero = torch.zeros_like(w.W_Q)
    w = Weights(zero if zero_query else w.W_Q, w.W_K if zero_query else zero, w.W_V, w.w_O)
    L = certified_margin(w, X, y, tau, norm, method="tight")
    u = w.u()
    clean = _margin(w, X, y)
    per_head = clean - tau[:, None] * vnorm(u, dual_norm(norm)).sum(-1)[:, None]
    exact = clean - tau[:, None] * vnorm(u.sum(1), dual_norm(norm))[:, None]
    tol = _tol(w, X, tau)
    assert ((L - per_head).abs() <= tol).all()
    assert (L <= exact + tol).all()
    if w.H == 1:
        assert ((L - exact).abs() <= tol).all()


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems(max_H=1))
def test_one_token_is_exact(norm, prob):
    """M = 1: softmax over one token is 1, f(X̃) = x̃ᵀu, whose exact minimum over the ball is y·xᵀu − τ‖u‖_q."""
    w, X, y, tau, _ = prob
    X = X[:, :, :1]
    L = certified_margin(w, X, y, tau, norm, method="tight")
    exact = _margin(w, X, y) - tau[:, None] * vnorm(w.u()[:, 0], dual_norm(norm))[:, None]
    assert ((L - exact).abs() <= _tol(w, X, tau)).all()


# -- never below the box bound, and strictly above it where attention concentrates --------------------


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems(), st.sampled_from(["none", "mean", "tokens"]))
def test_never_below_the_box_bound(norm, prob, center):
    w, X, y, tau, _ = prob
    box = certified_margin(w, X, y, tau, norm, center=center, method="box")
    tight = certified_margin(w, X, y, tau, norm, center=center, method="tight")
    assert (tight >= box).all()


def _concentrated():
    """Section 6's data at d = 16, M = 6 (the signal token first), keys reading the two signal coordinates and
    random queries: the attention concentrates (mean row maximum > 0.5), and each row's query δ_l moves all its
    logits through one direction, which the box bound treats as M independent ones."""
    d, M, dh = 16, 6, 4
    X, y = sample(8, make_signals(d, 4.0), math.sqrt(0.4), M, "isotropic", generator(0, "test"), F64)
    gen = torch.Generator().manual_seed(1)
    WK = torch.zeros(d, dh, dtype=F64)
    WK[0, 0] = WK[1, 1] = 1.0
    WQ = torch.randn(d, dh, generator=gen, dtype=F64) * 0.5
    u = torch.zeros(d, 1, dtype=F64)
    u[0], u[1] = 1.0, -1.0
    WV = u + 0.2 * torch.randn(d, 1, generator=gen, dtype=F64)
    w = Weights(WQ.view(1, 1, d, dh), WK.view(1, 1, d, dh), WV.view(1, 1, d, 1), torch.ones(1, 1, dtype=F64))
    return w, X[None], y[None], torch.tensor([0.3], dtype=F64)


@pytest.mark.parametrize("norm", NORM_LIST)
def test_strictly_tighter_where_attention_concentrates(norm):
    w, X, y, tau = _concentrated()
    assert float(attention(w, X).amax(-1).mean()) > 0.5
    box = certified_margin(w, X, y, tau, norm, method="box")
    tight = certified_margin(w, X, y, tau, norm, method="tight")
    assert (tight >= box).all()
    assert float((tight - box).max()) > 1e-3, (tight - box)
    X_adv = attacks.attack(w, X, y, tau, AttackSpec(kind="apgd", steps=100, restarts=3), norm, _gens(0, 1),
                           only_robust=False)
    assert (tight <= _margin(w, X_adv, y) + _tol(w, X, tau)).all()


def test_the_default_is_the_tight_bound():
    w, X, y, tau = _concentrated()
    assert torch.equal(certified_margin(w, X, y, tau), certified_margin(w, X, y, tau, method="tight"))
    from simulate.certify import _certified_margin

    assert torch.equal(_certified_margin(w, X, y, tau, "2"), certified_margin(w, X, y, tau, "2", method="tight"))
    for norm in ("inf", "1"):  # the evaluation keeps the box bound for these (the tight one costs ~4× there)
        assert torch.equal(_certified_margin(w, X, y, tau, norm), certified_margin(w, X, y, tau, norm, method="box"))
    assert torch.equal(_certified_margin(w, X, y, tau, "2", "box"), certified_margin(w, X, y, tau, "2",
                                                                                      method="box"))


# -- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["crown", "", None, 1, "Tight"])
def test_bad_method_names_the_parameter(method):
    w, X, y, tau = _concentrated()
    assert "box" in METHODS and "tight" in METHODS
    with pytest.raises(ValueError, match=r"^method must be one of 'box', 'tight', got ") as info:
        certified_margin(w, X, y, tau, method=method)
    assert repr(method) in str(info.value) or str(method) in str(info.value)
