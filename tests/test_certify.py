"""Tests of simulate.certify: the certified lower bound on the robust margin is sound, exact where it
should be, monotone in τ, finite at huge logits, and rejects bad input by name.

Soundness is checked against points of the ball found three ways: the clean point, many random
points (on the sphere and inside), and first-order attacks written here (ℓ2 PGD with normalised
steps and radial per-token projection, ℓ∞ sign-PGD with clamping, and Frank–Wolfe for every norm).
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from strategies import certify_problem, log_uniform, vnorm

from simulate.certify import (
    CENTERS,
    certified_error,
    certified_margin,
    dual_norm,
    induced_norm_bound,
    softmax_min,
    worst_case_logit_shift,
)
from simulate.data import generator, make_signals, sample
from simulate.model import Weights, forward, init_weights, project

NORM_LIST = ["2", "inf", "1"]


# toy-sized tensors: one intra-op thread (tests/conftest.py, one_thread)
pytestmark = pytest.mark.usefixtures("one_thread")
F64 = torch.float64



@st.composite
def problems(draw, max_M: int = 4, max_H: int = 3):
    seed = draw(st.integers(0, 2**31 - 1))
    G = draw(st.integers(1, 2))
    H = draw(st.integers(1, max_H))
    M = draw(st.integers(1, max_M))
    d = draw(st.integers(2, 6))
    dh = draw(st.integers(1, 3))
    dv = draw(st.integers(1, 3))
    s_qk = draw(log_uniform(1e-2, 30.0))  # logits from ~1e-4 to ~1e4
    s_v = draw(log_uniform(1e-2, 10.0))
    w, X, y, gen = certify_problem(seed, G, H, 3, M, d, dh, dv, s_qk, s_v)
    tau = torch.tensor([draw(st.floats(0.0, 2.0)) for _ in range(G)], dtype=F64)
    return w, X, y, tau, gen


def _margin(w: Weights, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return y * forward(w, X)


def _tol(w: Weights, X: torch.Tensor, tau: torch.Tensor) -> torch.Tensor:
    """Rounding slack for comparing two float64 margins: 1e-9 × the scale of the value terms."""
    scale = (X.abs().sum(-1).amax(dim=-1) + tau[:, None]) * w.u().abs().amax(dim=-1).sum(-1)[:, None]
    return 1e-9 * (1.0 + scale)


def _random_ball(shape, tau: torch.Tensor, norm: str, gen: torch.Generator) -> torch.Tensor:
    """Random per-token perturbations of ℓ_p norm ≤ τ: half on the sphere, half strictly inside."""
    d = shape[-1]
    if norm == "2":
        v = torch.randn(shape, generator=gen, dtype=F64)
    elif norm == "inf":
        v = torch.where(torch.rand(shape, generator=gen) < 0.5, -1.0, 1.0).to(F64)  # vertices
        v = torch.where(torch.rand(shape, generator=gen) < 0.3, torch.rand(shape, generator=gen, dtype=F64) * 2 - 1, v)
    else:
        idx = torch.randint(0, d, shape[:-1], generator=gen)  # vertices ±e_i, or dense directions
        v = torch.nn.functional.one_hot(idx, d).to(F64) * torch.where(torch.rand(shape[:-1], generator=gen) < 0.5,
                                                                     -1.0, 1.0)[..., None].to(F64)
        v = torch.where(torch.rand((*shape[:-1], 1), generator=gen) < 0.3, torch.randn(shape, generator=gen,
                                                                                        dtype=F64), v)
    v = v / vnorm(v, norm).clamp_min(1e-300)[..., None]
    radius = torch.where(torch.rand(shape[:-1], generator=gen) < 0.5, 1.0, torch.rand(shape[:-1], generator=gen,
                                                                                      dtype=F64))
    return v * radius[..., None].to(F64) * tau.view(-1, *([1] * (len(shape) - 1)))


def _unit(g: torch.Tensor) -> torch.Tensor:
    """g/‖g‖₂ per token, 0 where g = 0; scaled first, so that tiny gradients do not underflow."""
    big = g.abs().amax(dim=-1, keepdim=True)
    h = torch.where(big > 0, g / torch.where(big > 0, big, 1.0), 0.0)
    return h / h.norm(dim=-1, keepdim=True).clamp_min(1.0)  # ‖h‖₂ ≥ 1 wherever h ≠ 0


def _lmo(g: torch.Tensor, tau_b: torch.Tensor, norm: str) -> torch.Tensor:
    """argmin_{‖s‖_p ≤ τ} ⟨g, s⟩ per token."""
    if norm == "2":
        return -tau_b * _unit(g)
    if norm == "inf":
        return -tau_b * torch.sign(g)
    i = g.abs().argmax(dim=-1)
    e = torch.nn.functional.one_hot(i, g.shape[-1]).to(F64)
    return -tau_b * e * torch.sign(g.gather(-1, i[..., None]))


def attack(w: Weights, X: torch.Tensor, y: torch.Tensor, tau: torch.Tensor, norm: str, steps: int = 20,
           gen: torch.Generator | None = None, method: str = "pgd") -> torch.Tensor:
    """The least margin seen over the iterates (each a point of the ball) of a first-order attack.

    method 'pgd': ℓ2 — normalised gradient steps of 0.25τ with radial per-token projection; ℓ∞ —
    sign steps clamped to the box; (ℓ1 falls back to Frank–Wolfe). 'fw': Frank–Wolfe with the exact
    linear minimisation oracle of each ball. A random start when ``gen`` is given.
    """
    tau_b = tau.view(-1, 1, 1, 1)
    delta = torch.zeros_like(X) if gen is None else _random_ball(X.shape, tau, norm, gen)
    best = _margin(w, X + delta, y)
    if norm == "1" and method == "pgd":
        method = "fw"
    for it in range(steps):
        delta = delta.detach().requires_grad_(True)
        m = _margin(w, X + delta, y)
        (g,) = torch.autograd.grad(m.sum(), delta)
        best = torch.minimum(best, m.detach())
        with torch.no_grad():
            if method == "fw":
                gamma = 2.0 / (it + 3)
                delta = (1 - gamma) * delta + gamma * _lmo(g, tau_b, norm)
            elif norm == "2":
                delta = delta - 0.25 * tau_b * _unit(g)
                n = delta.norm(dim=-1, keepdim=True)
                delta = torch.where(n > tau_b, delta * tau_b / n.clamp_min(1e-300), delta)
            else:
                delta = torch.clamp(delta - 0.25 * tau_b * torch.sign(g), -tau_b, tau_b)
    with torch.no_grad():
        return torch.minimum(best, _margin(w, X + delta, y))


# -- soundness ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems(), st.sampled_from(CENTERS))
def test_never_above_the_clean_margin_or_random_points_of_the_ball(norm, prob, center):
    w, X, y, tau, gen = prob
    L = certified_margin(w, X, y, tau, norm, center=center)
    assert L.shape == y.shape and L.dtype == F64
    tol = _tol(w, X, tau)
    assert (L <= _margin(w, X, y) + tol).all()
    reps = 64
    Xr = X.repeat_interleave(reps, dim=1)
    pts = _margin(w, Xr + _random_ball(Xr.shape, tau, norm, gen), y.repeat_interleave(reps, dim=1))
    least = pts.view(*y.shape, reps).amin(-1)
    assert (L <= least + tol).all(), (L, least)


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems(), st.sampled_from(CENTERS))
def test_never_above_an_attack(norm, prob, center):
    w, X, y, tau, gen = prob
    L = certified_margin(w, X, y, tau, norm, center=center)
    for found in (attack(w, X, y, tau, norm), attack(w, X, y, tau, norm, gen=gen, method="fw")):
        assert (L <= found + _tol(w, X, tau)).all(), (L, found)


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems(max_M=3, max_H=2))
def test_logit_shift_bound_holds_at_random_points(norm, prob):
    w, X, _, tau, gen = prob
    shift = worst_case_logit_shift(w, X, tau, norm)  # (G, H, B, M, M)
    q, k, _ = project(w, X)
    clean = q @ k.transpose(-1, -2)
    for _ in range(8):
        q2, k2, _ = project(w, X + _random_ball(X.shape, tau, norm, gen))
        moved = (q2 @ k2.transpose(-1, -2) - clean).abs()
        assert (moved <= shift * (1 + 1e-9) + 1e-9 * (1 + clean.abs())).all()


@given(problems())
def test_certified_error_is_at_least_the_attacked_error(prob):
    w, X, y, tau, _ = prob
    cert = certified_error(w, X, y, tau, "2")
    attacked = (attack(w, X, y, tau, "2") <= 0).to(F64).mean(dim=1)
    assert cert.shape == (X.shape[0],)
    assert (cert >= attacked).all()


@pytest.mark.parametrize(("norm", "c"), [("2", 1 / math.sqrt(2)), ("inf", 1.0), ("1", 0.5)])
def test_the_quadratic_term_is_needed(norm, c):
    """Tokens in the kernel of A = a²e₁e₂ᵀ and Aᵀ: the first-order radii vanish, yet δ_m = cτ(e₁ ± e₂)
    moves logits by a²c²τ² and puts the attention on the value-0 token. Without the τ²‖A‖ term the
    bound would be 0.5 − τ, far above this point's margin."""
    a, tau = 10.0, 0.3
    e = torch.eye(3, dtype=F64)
    w = Weights(W_Q=(a * e[0]).view(1, 1, 3, 1), W_K=(a * e[1]).view(1, 1, 3, 1), W_V=e[2].view(1, 1, 3, 1),
                w_O=torch.ones(1, 1, dtype=F64))
    X = torch.stack([e[2], torch.zeros(3, dtype=F64)]).view(1, 1, 2, 3)
    y = torch.ones(1, 1, dtype=F64)
    delta = c * tau * torch.stack([e[0] - e[1], e[0] + e[1]]).view(1, 1, 2, 3)
    assert torch.allclose(vnorm(delta, norm), torch.full((1, 1, 2), tau, dtype=F64))
    found = _margin(w, X + delta, y)
    assert torch.allclose(found, torch.sigmoid(torch.tensor(-2 * a**2 * c**2 * tau**2, dtype=F64)))
    assert (found < 0.5 - tau - 0.1).all()
    tau_t = torch.tensor([tau], dtype=F64)
    assert (certified_margin(w, X, y, tau_t, norm) <= found).all()
    shift = worst_case_logit_shift(w, X, tau_t, norm)
    assert (shift >= a**2 * c**2 * tau**2 * (1 - 1e-12)).all()


@pytest.mark.parametrize("norm", NORM_LIST)
@pytest.mark.parametrize("center", CENTERS)
def test_the_query_term_is_needed(norm, center):
    """A = a²e₁e₂ᵀ, x₁ = V·e₃ (value 1, u = e₃/V), x₂ = e₂ (value 0): ‖A x₂‖ = a² is the only first-order
    term, and one δ_l = τe₁ per row moves every row's logit of token 2 by τa², giving margin σ(−τa²).
    Every centre sees a logit gap of τa² + 2τ²a² (‖A‖_{p→q} = a² for every p here), so the bound is
    exactly σ(−τa² − 2τ²a²) − τ/V, below that point's margin."""
    a2, V, tau = 1000.0, 1e4, 0.01
    e = torch.eye(3, dtype=F64)
    w = Weights(W_Q=(math.sqrt(a2) * e[0]).view(1, 1, 3, 1), W_K=(math.sqrt(a2) * e[1]).view(1, 1, 3, 1),
                W_V=(e[2] / V).view(1, 1, 3, 1), w_O=torch.ones(1, 1, dtype=F64))
    X = torch.stack([V * e[2], e[1]]).view(1, 1, 2, 3)
    y = torch.ones(1, 1, dtype=F64)
    found = _margin(w, X + (tau * e[0]).expand(1, 1, 2, 3), y)
    assert torch.allclose(found, torch.sigmoid(torch.tensor(-tau * a2, dtype=F64)))
    L = certified_margin(w, X, y, torch.tensor([tau], dtype=F64), norm, center=center)
    expect = torch.sigmoid(torch.tensor(-tau * a2 - 2 * tau**2 * a2, dtype=F64)) - tau / V
    assert (L <= found).all()
    assert torch.allclose(L, expect.view(1, 1), rtol=1e-9, atol=0)


# -- the exact row minimum and the induced norms ------------------------------------------------------


@given(st.integers(0, 2**31 - 1), st.integers(1, 6), log_uniform(1e-3, 1e4))
def test_softmax_min_is_the_minimum_over_the_box(seed, M, scale):
    gen = torch.Generator().manual_seed(seed)
    c = torch.randn(5, M, generator=gen, dtype=F64) * scale
    r = torch.rand(5, M, generator=gen, dtype=F64) * scale
    a = torch.randn(5, M, generator=gen, dtype=F64)
    got = softmax_min(c - r, c + r, a)
    # every vertex of the box (the minimum is attained at one), and random interior points
    corners = torch.cartesian_prod(*[torch.tensor([0.0, 1.0], dtype=F64)] * M).view(-1, M)
    z = (c - r)[:, None, :] + 2 * r[:, None, :] * corners[None]
    brute = (torch.softmax(z, -1) * a[:, None, :]).sum(-1).amin(-1)
    assert torch.allclose(got, brute, rtol=1e-9, atol=1e-12)
    zi = (c - r)[:, None, :] + 2 * r[:, None, :] * torch.rand(5, 200, M, generator=gen, dtype=F64)
    inner = (torch.softmax(zi, -1) * a[:, None, :]).sum(-1).amin(-1)
    assert (got <= inner + 1e-12).all()


def test_softmax_min_is_finite_where_the_box_is_not():
    lo = torch.tensor([[-math.inf, 0.0, 1.0]], dtype=F64)
    hi = torch.tensor([[math.inf, 1.0, 2.0]], dtype=F64)
    a = torch.tensor([[3.0, -1.0, 2.0]], dtype=F64)
    assert softmax_min(lo, hi, a).item() == -1.0


@given(st.integers(0, 2**31 - 1), st.integers(2, 6), st.integers(1, 3))
def test_induced_norms_bound_the_brute_force_supremum(seed, d, dh):
    gen = torch.Generator().manual_seed(seed)
    w = Weights(torch.randn(1, 2, d, dh, generator=gen, dtype=F64), torch.randn(1, 2, d, dh, generator=gen,
                dtype=F64), torch.randn(1, 2, d, 1, dtype=F64), torch.ones(1, 1, dtype=F64))
    A = w.W_Q @ w.W_K.transpose(-1, -2)
    two = induced_norm_bound(w, "2")
    assert torch.allclose(two, torch.linalg.matrix_norm(A, 2), rtol=1e-10)
    one = induced_norm_bound(w, "1")
    assert torch.allclose(one, A.abs().amax(dim=(-1, -2)), rtol=1e-12)
    signs = torch.cartesian_prod(*[torch.tensor([-1.0, 1.0], dtype=F64)] * d).view(-1, d)
    inf_exact = torch.einsum("ai,ghij,bj->ghab", signs, A, signs).amax(dim=(-1, -2))
    inf = induced_norm_bound(w, "inf")
    assert (inf >= inf_exact * (1 - 1e-12)).all()
    assert (inf <= A.abs().sum(dim=(-1, -2)) * (1 + 1e-12)).all()


# -- exactness ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems())
def test_uniform_attention_is_exact_for_one_head(norm, prob):
    """W_Q = W_K = 0: f = (1/M) Σ_j x_jᵀ Σ_h u_h, whose exact worst case is y·f − τ‖Σ_h u_h‖_q.

    The bound gives y·f − τ Σ_h ‖u_h‖_q: equal for H = 1 (and attained: δ_j = −τ·y·(the dual
    vector of u)), ≤ the exact worst case for H > 1.
    """
    w, X, y, tau, _ = prob
    w = Weights(torch.zeros_like(w.W_Q), torch.zeros_like(w.W_K), w.W_V, w.w_O)
    L = certified_margin(w, X, y, tau, norm)
    q = dual_norm(norm)
    u = w.u()  # (G, H, d)
    clean = _margin(w, X, y)
    per_head = clean - tau[:, None] * vnorm(u, q).sum(-1)[:, None]
    exact = clean - tau[:, None] * vnorm(u.sum(1), q)[:, None]
    tol = _tol(w, X, tau)
    assert ((L - per_head).abs() <= tol).all()
    assert (L <= exact + tol).all()
    if w.H == 1:
        assert ((L - exact).abs() <= tol).all()
        # the exact worst case is attained: the LMO of the linear functional, at every token
        g = (y[..., None, None] * u.sum(1)[:, None, None, :]).expand_as(X)
        from_lmo = _margin(w, X + _lmo(g, tau.view(-1, 1, 1, 1), norm), y)
        assert ((from_lmo - exact).abs() <= tol).all()


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems())
def test_tau_zero_is_the_clean_margin(norm, prob):
    w, X, y, _, _ = prob
    L = certified_margin(w, X, y, torch.zeros(X.shape[0], dtype=F64), norm)
    clean = _margin(w, X, y)
    assert ((L - clean).abs() <= 1e-6 * clean.abs() + _tol(w, X, torch.zeros(X.shape[0], dtype=F64))).all()
    # the rounding allowances (~1e-13 relative) outweigh the rounding of the clean margin itself
    assert (L <= clean).all()


@pytest.mark.parametrize("norm", NORM_LIST)
@given(problems(), st.floats(0.0, 2.0))
def test_monotone_in_tau(norm, prob, extra):
    w, X, y, tau, _ = prob
    small = certified_margin(w, X, y, tau, norm, method="box")  # the tight bound's bisection is not monotone
    large = certified_margin(w, X, y, tau + extra, norm, method="box")  # to the last bit (module docstring)
    assert (large <= small).all()


# -- numerics at huge logits --------------------------------------------------------------------------


@pytest.mark.parametrize("norm", NORM_LIST)
@given(st.integers(0, 1000), log_uniform(1.0, 100.0), st.sampled_from([1.0, 1e3]), st.sampled_from([0.5, 2.0]))
def test_finite_at_huge_logits(norm, seed, snr, weight_scale, tau_rel):
    d, M, dh = 16, 4, 4
    sigma_p = math.sqrt(0.4)
    mu = snr * sigma_p * math.sqrt(d)
    sig = make_signals(d, mu)
    X, y = sample(6, sig, sigma_p, M, "isotropic", generator(seed, "test"), F64)
    w = init_weights(d, dh, dh, 2, [seed], "theory", [1.0], [1.0], [1.0], "random", F64)
    w = Weights(w.W_Q * weight_scale, w.W_K * weight_scale, w.W_V * weight_scale, w.w_O)
    X, y = X[None], y[None]
    tau = torch.tensor([tau_rel * mu], dtype=F64)
    L = certified_margin(w, X, y, tau, norm)
    assert torch.isfinite(L).all()
    assert torch.isfinite(worst_case_logit_shift(w, X, tau, norm)).all()
    assert (L <= _margin(w, X, y) + _tol(w, X, tau)).all()
    assert (L <= attack(w, X, y, tau, norm, steps=5) + _tol(w, X, tau)).all()


def test_float32_inputs_give_a_float64_bound_that_matches():
    w, X, y, _ = certify_problem(3, 2, 2, 4, 3, 5, 2, 2, 1.0, 1.0)
    tau = torch.tensor([0.1, 0.3], dtype=F64)
    L64 = certified_margin(w.to(torch.float32).to(F64), X.float().double(), y, tau)
    L32 = certified_margin(w.to(torch.float32), X.float(), y.float(), tau)
    assert L32.dtype == F64 and torch.equal(L32, L64)


def test_more_centers_never_hurt():
    w, X, y, _ = certify_problem(5, 2, 2, 8, 6, 5, 2, 2, 1.0, 1.0)
    tau = torch.tensor([0.05, 0.2], dtype=F64)
    # the box bound's centres (the tight bound's bisection starts from them, so is not ordered to the last bit)
    none, mean, tokens = (certified_margin(w, X, y, tau, center=c, method="box") for c in ("none", "mean", "tokens"))
    assert (none <= mean).all() and (mean <= tokens).all()
    assert (none < tokens).any()


def test_chunked_batches_agree(monkeypatch):
    import simulate.certify as cert

    w, X, y, _ = certify_problem(7, 2, 2, 9, 3, 5, 2, 2, 1.0, 1.0)
    tau = torch.tensor([0.1, 0.4], dtype=F64)
    whole = certified_margin(w, X, y, tau, "inf")
    monkeypatch.setattr(cert, "_BUDGET", 1)
    monkeypatch.setattr(cert, "_FORM_A_MAX_D", 0)  # also the factorised ℓ∞→ℓ1 bound (looser)
    chunked = certified_margin(w, X, y, tau, "inf")
    assert (chunked <= whole + 1e-12).all()
    monkeypatch.setattr(cert, "_FORM_A_MAX_D", 4096)
    assert torch.allclose(certified_margin(w, X, y, tau, "inf"), whole, rtol=1e-12, atol=1e-15)


# -- bad input ----------------------------------------------------------------------------------------


def _ok():
    w, X, y, _ = certify_problem(0, 2, 1, 3, 2, 4, 2, 2, 1.0, 1.0)
    return w, X, y, torch.tensor([0.1, 0.2], dtype=F64)


BAD = [
    pytest.param({"tau": torch.tensor([0.1, -0.2])}, "tau", "-0.2", id="tau-negative"),
    pytest.param({"tau": torch.tensor([0.1, math.nan])}, "tau", "nan", id="tau-nan"),
    pytest.param({"tau": torch.tensor([0.1, math.inf])}, "tau", "inf", id="tau-inf"),
    pytest.param({"tau": torch.tensor([0.1, 0.2, 0.3])}, "tau", "(3,)", id="tau-shape"),
    pytest.param({"tau": "abc"}, "tau", "abc", id="tau-string"),
    pytest.param({"norm": "3"}, "norm", "'3'", id="norm-3"),
    pytest.param({"norm": "fro"}, "norm", "'fro'", id="norm-fro"),
    pytest.param({"X": torch.zeros(2, 3, 2)}, "X", "(2, 3, 2)", id="X-3d"),
    pytest.param({"X": torch.zeros(2, 3, 2, 5)}, "X", "(2, 3, 2, 5)", id="X-wrong-d"),
    pytest.param({"X": torch.full((2, 3, 2, 4), math.nan)}, "X", "finite", id="X-nan"),
    pytest.param({"X": [[0.0]]}, "X", "list", id="X-not-a-tensor"),
    pytest.param({"y": torch.zeros(2, 3)}, "y", "0.0", id="y-zero"),
    pytest.param({"y": torch.ones(2, 4)}, "y", "(2, 4)", id="y-shape"),
    pytest.param({"w": "weights"}, "w", "str", id="w-not-weights"),
    pytest.param({"center": True}, "center", "True", id="center-bool"),
    pytest.param({"center": "median"}, "center", "'median'", id="center-unknown"),
]


@pytest.mark.parametrize(("change", "name", "shown"), BAD)
def test_bad_input_names_the_parameter(change, name, shown):
    w, X, y, tau = _ok()
    args = {"w": w, "X": X, "y": y, "tau": tau, "norm": "2", "center": "mean"} | change
    with pytest.raises(ValueError, match=rf"^{name} ") as info:
        certified_margin(**args)
    assert shown in str(info.value)


def test_bad_weights_and_mask():
    w, X, y, tau = _ok()
    broken = Weights(w.W_Q.clone(), w.W_K, w.W_V, w.w_O)
    broken.W_Q[0, 0, 0, 0] = math.inf
    with pytest.raises(ValueError, match=r"^w\.W_Q must be finite"):
        certified_margin(broken, X, y, tau)
    with pytest.raises(ValueError, match=r"^w\.W_V "):
        certified_margin(Weights(w.W_Q, w.W_K, w.W_V[..., :3, :], w.w_O), X, y, tau)
    with pytest.raises(ValueError, match=r"^mask "):
        certified_error(w, X, y, tau, mask=torch.ones(2, 2))
    with pytest.raises(ValueError, match=r"^mask "):
        certified_error(w, X, y, tau, mask=torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"^tau must be >= 0"):
        worst_case_logit_shift(w, X, -1.0)
    with pytest.raises(ValueError, match=r"^norm "):
        induced_norm_bound(w, 3)
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=F64)
    full = certified_margin(w, X, y, tau) <= 0
    expect = torch.stack([full[0, :2].double().mean(), full[1, :1].double().mean()])
    assert torch.equal(certified_error(w, X, y, tau, mask=mask), expect)
