"""Tests of simulate.attacks: projections, the per-token threat model, exactness on a linear model,
the subspace engine, symmetry, determinism, Theorem 4.3's attack, Lemma 5.3's ratio and bad input.

Everything runs in float64 at toy sizes (d ≤ 16) so that the whole file stays within seconds.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from simulate.attacks import (
    MULTI_IMAGE_RADII,
    MULTI_RADII,
    _apgd,
    _Maps,
    apgd_checkpoints,
    attack,
    attention_ratio,
    margin,
    project,
    project_l1,
    reference_checkpoints,
    sample_ball,
    theorem43_attack,
)
from simulate.config import AttackSpec
from simulate.model import Weights, forward

F64 = torch.float64


# toy-sized tensors: one intra-op thread (tests/conftest.py, one_thread)
pytestmark = pytest.mark.usefixtures("one_thread")

NORM_ORDER = {"2": 2.0, "inf": math.inf, "1": 1.0}
DUAL = {"2": 2.0, "inf": 1.0, "1": math.inf}


def gens(G: int, base: int = 0) -> list[torch.Generator]:
    return [torch.Generator().manual_seed(base + g) for g in range(G)]


def weights(G: int, H: int, d: int, dh: int = 3, dv: int = 4, qk_scale: float = 2.0, seed: int = 1) -> Weights:
    """Random weights whose logits are O(1) on unit-variance tokens (attention neither uniform nor saturated)."""
    g = torch.Generator().manual_seed(seed)
    s = qk_scale / math.sqrt(d)
    return Weights(
        torch.randn(G, H, d, dh, generator=g, dtype=F64) * s,
        torch.randn(G, H, d, dh, generator=g, dtype=F64) * s,
        torch.randn(G, H, d, dv, generator=g, dtype=F64) / math.sqrt(d),
        torch.randn(G, dv, generator=g, dtype=F64) / math.sqrt(dv),
    )


def data(G: int, B: int, M: int, d: int, seed: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(G, B, M, d, generator=g, dtype=F64)
    y = torch.randint(0, 2, (G, B), generator=g).to(F64) * 2 - 1
    return X, y


def token_norms(delta: torch.Tensor, norm: str) -> torch.Tensor:
    return torch.linalg.vector_norm(delta, ord=NORM_ORDER[norm], dim=-1)


def in_ball(delta: torch.Tensor, radius: torch.Tensor, norm: str) -> torch.Tensor:
    """Per example (G, B): every token of δ (G, B, M, d) within radius (G,) in ℓ_p, up to 1e-5 relative; for
    "1-image" the whole input's ℓ₁ norm."""
    if norm == "1-image":
        return delta.abs().sum(dim=(-1, -2)) <= radius.view(-1, 1) * (1 + 1e-5) + 1e-12
    r = radius.view(-1, 1, 1)
    return (token_norms(delta, norm) <= r * (1 + 1e-5) + 1e-12).all(dim=-1)


# ---- projections ---------------------------------------------------------------------------------------


def l1_bisection(v: torch.Tensor, r: float) -> torch.Tensor:
    """Projection onto the ℓ₁ ball by bisection on the soft threshold θ with Σ max(|v| − θ, 0) = r."""
    if v.abs().sum() <= r:
        return v.clone()
    lo, hi = 0.0, float(v.abs().max())
    for _ in range(200):
        mid = (lo + hi) / 2
        if float((v.abs() - mid).clamp_min(0).sum()) > r:
            lo = mid
        else:
            hi = mid
    return v.sign() * (v.abs() - hi).clamp_min(0)


@given(
    norm=st.sampled_from(["2", "inf", "1"]),
    rows=st.integers(1, 6),
    d=st.integers(1, 9),
    scale=st.floats(1e-3, 1e3),
    rscale=st.floats(1e-3, 1e3),
    zero_radius=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_projection_lands_in_ball_is_idempotent_and_fixes_inside(
    norm: str, rows: int, d: int, scale: float, rscale: float, zero_radius: bool, seed: int
) -> None:
    g = torch.Generator().manual_seed(seed)
    delta = torch.randn(2, rows, d, generator=g, dtype=F64) * scale
    radius = torch.rand(2, rows, generator=g, dtype=F64) * rscale
    if zero_radius:
        radius[0] = 0
    p = project(delta, radius, norm)
    assert (token_norms(p, norm) <= radius * (1 + 1e-12) + 1e-300).all()
    assert torch.allclose(project(p, radius, norm), p, rtol=1e-12, atol=1e-12 * scale)
    inside = token_norms(delta, norm) <= radius
    assert torch.equal(p[inside], delta[inside])
    if zero_radius:
        assert torch.equal(p[0], torch.zeros_like(p[0]))


@given(norm=st.sampled_from(["2", "inf", "1"]), d=st.integers(1, 8), seed=st.integers(0, 2**31))
def test_projection_is_the_nearest_point_of_the_ball(norm: str, d: int, seed: int) -> None:
    """Variational inequality of the Euclidean projection p of x onto a convex C: ⟨x − p, c − p⟩ ≤ 0 ∀ c ∈ C."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, d, generator=g, dtype=F64) * 3
    r = torch.rand(1, generator=g, dtype=F64) + 0.1
    p = project(x, r, norm)
    c = sample_ball(norm, r, (200, 1, d), [g], F64)[0, :, 0]  # 200 points of the ball
    assert ((c - p) @ (x - p)[0] <= 1e-10).all()


@given(d=st.integers(1, 10), radius=st.floats(0.0, 5.0), seed=st.integers(0, 2**31))
def test_project_l1_equals_bisection(d: int, radius: float, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    v = torch.randn(d, generator=g, dtype=F64) * 2
    assert torch.allclose(project_l1(v, radius), l1_bisection(v, radius), atol=1e-12)


def test_project_l1_vectorised_rows_match_row_by_row() -> None:
    g = torch.Generator().manual_seed(0)
    v = torch.randn(4, 5, 7, generator=g, dtype=F64) * 3
    r = torch.rand(4, 5, generator=g, dtype=F64) * 4
    p = project_l1(v, r)
    for i in range(4):
        for j in range(5):
            assert torch.allclose(p[i, j], l1_bisection(v[i, j], float(r[i, j])), atol=1e-12)


@pytest.mark.parametrize("norm", ["2", "inf", "1"])
def test_sample_ball_is_inside_and_fills_it(norm: str) -> None:
    """Uniform points: all inside, and the mean of ‖δ‖_p^d/τ^d is 1/2 (the volume fraction of the inner half)."""
    tau = torch.tensor([2.0], dtype=F64)
    x = sample_ball(norm, tau, (4000, 1, 3), gens(1), F64)
    n = token_norms(x, norm)[0, :, 0] / 2.0
    assert (n <= 1 + 1e-12).all()
    assert abs(float((n**3).mean()) - 0.5) < 0.03  # (‖δ‖/τ)^d is U(0, 1) under the uniform law


# ---- the threat model ----------------------------------------------------------------------------------

G3, B4, M3, D6 = 3, 4, 3, 6
TAU = torch.tensor([0.3, 1.0, 2.5], dtype=F64)


@pytest.mark.parametrize("norm", ["2", "inf", "1", "multi", "multi-image"])
@pytest.mark.parametrize("kind", ["pgd", "apgd", "random"])
@pytest.mark.parametrize(("random_start", "restarts", "only_robust"), [(False, 1, True), (True, 3, True),
                                                                     (False, 2, False)])
def test_attack_stays_in_per_token_balls(norm: str, kind: str, random_start: bool, restarts: int,
                                         only_robust: bool) -> None:
    w = weights(G3, 2, D6)
    X, y = data(G3, B4, M3, D6)
    spec = AttackSpec(kind=kind, steps=8, random_start=random_start, restarts=restarts)  # type: ignore[arg-type]
    Xa = attack(w, X, y, TAU, spec, norm, gens(G3), only_robust=only_robust)
    assert Xa.shape == X.shape and Xa.dtype == X.dtype and not Xa.requires_grad
    delta = Xa - X
    if norm in ("multi", "multi-image"):
        ok = torch.zeros(G3, B4, dtype=torch.bool)
        for p, factor in MULTI_RADII if norm == "multi" else MULTI_IMAGE_RADII:
            ok |= in_ball(delta, TAU * factor, p)
    else:
        ok = in_ball(delta, TAU, norm)
    assert ok.all()
    if kind != "random" and not random_start:
        # δ = 0 is the first iterate and the best one is kept: the margin can only go down
        assert (margin(w, Xa, y) <= margin(w, X, y) + 1e-12).all()


@pytest.mark.parametrize("norm", ["2", "inf", "1", "multi", "multi-image"])
@pytest.mark.parametrize("kind", ["pgd", "apgd", "random", "none"])
def test_tau_zero_returns_X_exactly(norm: str, kind: str) -> None:
    w = weights(G3, 1, D6)
    X, y = data(G3, B4, M3, D6)
    spec = AttackSpec(kind=kind, steps=3, random_start=True, restarts=2)  # type: ignore[arg-type]
    assert torch.equal(attack(w, X, y, 0.0, spec, norm, gens(G3)), X)
    tau = TAU.clone()
    tau[1] = 0.0
    Xa = attack(w, X, y, tau, spec, norm, gens(G3))
    assert torch.equal(Xa[1], X[1])
    if kind != "none":
        assert not torch.equal(Xa[0], X[0])


def test_attack_does_not_touch_weight_gradients() -> None:
    w = weights(2, 1, D6)
    for t in (w.W_Q, w.W_K, w.W_V):
        t.requires_grad_(True)
    X, y = data(2, B4, M3, D6)
    attack(w, X, y, 1.0, AttackSpec(steps=3), "2")
    attack(w, X, y, 1.0, AttackSpec(kind="apgd", steps=3), "inf")
    assert all(t.grad is None for t in (w.W_Q, w.W_K, w.W_V))


def test_float32_in_float32_out() -> None:
    w = weights(2, 1, D6).to(torch.float32)
    X, y = data(2, B4, M3, D6)
    for engine in ("direct", "subspace", "bf16"):
        Xa = attack(w, X.float(), y.float(), 0.5, AttackSpec(steps=3), "2", engine=engine)  # type: ignore[arg-type]
        assert Xa.dtype == torch.float32 and in_ball(Xa.double() - X, torch.full((2,), 0.5, dtype=F64), "2").all()


# ---- exactness on the linear model (W_Q = W_K = 0) ---------------------------------------------------------


@pytest.mark.parametrize("norm", ["2", "inf", "1"])
@pytest.mark.parametrize("kind", ["pgd", "apgd"])
@pytest.mark.parametrize("random_start", [False, True])
def test_linear_model_reaches_the_exact_worst_case(norm: str, kind: str, random_start: bool) -> None:
    """With W_Q = W_K = 0 attention is uniform and f = (1/M) Σ_j x_jᵀU, U = Σ_h u_h, so the worst case over
    the per-token balls is y f(X) − τ‖U‖_q (q dual to p), attained at δ_m = −y τ·argmax_{‖e‖_p≤1} eᵀU.

    Asserted within 1e-3 of the margin drop τ‖U‖_q. From δ = 0 every attack is exact after ⌈1/step_rel⌉
    steps. From a random start, ℓ₂ PGD approaches the optimal direction through radial projections, which
    shrink the angle to it by ≈ 1/(1 + step_rel) per step: after 20 steps the relative gap can still be
    ~2e-3 (it was 1.6e-3 here), after 40 steps it is below 1e-5, so that case runs 40 steps. ℓ₁ PGD is exact
    too because its step is the exact ℓ₁ steepest ascent (one coordinate per token, L1_TOPK = 1).
    """
    G, H, B, M, d = 3, 2, 6, 4, 10
    w0 = weights(G, H, d)
    w = Weights(torch.zeros_like(w0.W_Q), torch.zeros_like(w0.W_K), w0.W_V, w0.w_O)
    X, y = data(G, B, M, d)
    steps = 40 if (random_start and kind == "pgd" and norm == "2") else 20
    spec = AttackSpec(kind=kind, steps=steps, random_start=random_start)  # type: ignore[arg-type]
    Xa = attack(w, X, y, TAU, spec, norm, gens(G))
    drop = TAU[:, None] * torch.linalg.vector_norm(w.u().sum(dim=1), ord=DUAL[norm], dim=-1)[:, None]
    best = margin(w, X, y) - drop
    got = margin(w, Xa, y)
    assert (got >= best - 1e-9 * drop).all()  # nothing in the balls beats the exact worst case
    assert ((got - best) / drop).max() < 1e-3


def _linear_drop(U: torch.Tensor, tau: torch.Tensor, ball: str, M: int) -> torch.Tensor:
    """The exact worst margin drop of f = (1/M)·Σ_j x_jᵀU over one ball of radius τ: per-token ℓ_p balls drop it by
    τ‖U‖_q (q dual to p); one ℓ₁ ball for the whole input ("1-image") by τ‖U‖∞/M, all of the budget on one
    coordinate of one token, M times less than per token."""
    if ball == "1-image":
        return tau * U.abs().amax(dim=-1) / M
    return tau * torch.linalg.vector_norm(U, ord=DUAL[ball], dim=-1)


@pytest.mark.parametrize(("norm", "balls"), [("multi", MULTI_RADII), ("multi-image", MULTI_IMAGE_RADII)])
def test_a_union_takes_the_worst_of_its_balls_on_the_linear_model(norm: str,
                                                                 balls: tuple[tuple[str, float], ...]) -> None:
    G, B, M, d = 2, 5, 3, 8
    w0 = weights(G, 1, d)
    w = Weights(torch.zeros_like(w0.W_Q), torch.zeros_like(w0.W_K), w0.W_V, w0.w_O)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.2, 0.7], dtype=F64)
    U = w.u().sum(dim=1)
    drops = torch.stack([_linear_drop(U, tau * f, p, M) for p, f in balls])
    expected = margin(w, X, y) - drops.amax(dim=0)[:, None]
    got = margin(w, attack(w, X, y, tau, AttackSpec(steps=20), norm), y)
    assert torch.allclose(got, expected, atol=1e-9)
    if norm == "multi-image":
        # the whole-input ℓ₁ ball is inside the per-token ones: the per-token union is never weaker
        per_token = margin(w, attack(w, X, y, tau, AttackSpec(steps=20), "multi"), y)
        assert (per_token <= got + 1e-12).all()


def test_whole_input_l1_projection_is_the_l1_projection_of_the_flattened_input() -> None:
    g = torch.Generator().manual_seed(5)
    delta = torch.randn(2, 3, 4, 5, generator=g, dtype=F64) * 3
    for r in (0.5, 4.0, 1e3):
        got = project(delta, torch.full((2, 3, 4), r, dtype=F64), "1-image")
        flat = project_l1(delta.reshape(2, 3, 20), r).reshape(delta.shape)
        assert torch.allclose(got, flat, atol=1e-12)
        assert (got.abs().sum(dim=(-1, -2)) <= r * (1 + 1e-12)).all()


# ---- engines -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("H", [1, 2])
@pytest.mark.parametrize(("random_start", "restarts", "only_robust"), [(False, 1, True), (True, 1, True),
                                                                     (True, 3, False), (False, 3, True)])
def test_subspace_engine_equals_direct(H: int, random_start: bool, restarts: int, only_robust: bool) -> None:
    G, B, M, d = 3, 5, 4, 16
    w = weights(G, H, d, dh=2, qk_scale=3.0)
    X, y = data(G, B, M, d)
    spec = AttackSpec(steps=12, random_start=random_start, restarts=restarts)
    direct = attack(w, X, y, TAU, spec, "2", gens(G), only_robust=only_robust)
    sub = attack(w, X, y, TAU, spec, "2", gens(G), engine="subspace", only_robust=only_robust)
    assert (direct - X).abs().max() > 0.1  # the attack moved
    assert torch.allclose(sub, direct, rtol=0, atol=1e-9)


def test_bf16_engine_is_close_to_direct() -> None:
    """Opt-in and not exact: asserted only to stay in the balls and to lose at most 5% of the margin drop."""
    G, B, M, d = 2, 6, 4, 16
    w = weights(G, 1, d, qk_scale=3.0)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.5, 1.5], dtype=F64)
    direct = margin(w, attack(w, X, y, tau, AttackSpec(), "2"), y)
    Xb = attack(w, X, y, tau, AttackSpec(), "2", engine="bf16")
    assert in_ball(Xb - X, tau, "2").all()
    clean = margin(w, X, y)
    assert ((margin(w, Xb, y) - direct) <= 0.05 * (clean - direct) + 1e-9).all()


# ---- symmetry and determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "norm"), [("pgd", "2"), ("pgd", "inf"), ("pgd", "1"), ("apgd", "2"),
                                            ("pgd", "multi"), ("random", "2")])
def test_relabelling_with_negated_w_O_gives_the_same_attack(kind: str, norm: str) -> None:
    """Swapping µ₊ ↔ µ₋ relabels every example y → −y with the same X; f is linear in w_O, so with w_O → −w_O
    every margin y·f is unchanged, and so must be every attack iterate."""
    w = weights(G3, 2, D6)
    X, y = data(G3, B4, M3, D6)
    flipped = Weights(w.W_Q, w.W_K, w.W_V, -w.w_O)
    spec = AttackSpec(kind=kind, steps=10, random_start=True, restarts=2)  # type: ignore[arg-type]
    a = attack(w, X, y, TAU, spec, norm, gens(G3))
    b = attack(flipped, X, -y, TAU, spec, norm, gens(G3))
    assert torch.allclose(a, b, rtol=0, atol=1e-12)
    assert torch.allclose(margin(w, a, y), margin(flipped, b, -y), atol=1e-12)


@pytest.mark.parametrize(("kind", "norm", "engine"), [("pgd", "2", "direct"), ("pgd", "2", "subspace"),
                                                      ("apgd", "inf", "direct"), ("pgd", "multi", "direct"),
                                                      ("random", "1", "direct")])
def test_same_seeds_same_result_and_members_are_independent(kind: str, norm: str, engine: str) -> None:
    G, B, M, d = 3, 6, 3, 8
    w = weights(G, 1, d, qk_scale=3.0)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.2, 0.6, 1.5], dtype=F64)  # some examples stay robust after the first start
    spec = AttackSpec(kind=kind, steps=6, random_start=True, restarts=3)  # type: ignore[arg-type]
    a = attack(w, X, y, tau, spec, norm, gens(G, 10), engine=engine)  # type: ignore[arg-type]
    b = attack(w, X, y, tau, spec, norm, gens(G, 10), engine=engine)  # type: ignore[arg-type]
    assert torch.equal(a, b)
    for g in range(G):
        alone = attack(w.select(torch.tensor([g])), X[g : g + 1], y[g : g + 1], tau[g : g + 1], spec, norm,
                       [torch.Generator().manual_seed(10 + g)], engine=engine)  # type: ignore[arg-type]
        assert torch.allclose(alone[0], a[g], rtol=0, atol=1e-6)


def test_restarts_only_robust_leave_broken_examples_alone() -> None:
    """only_robust: after the first start, only examples with margin > 0 are attacked again; without it every
    example is restarted and may only improve."""
    G, B, M, d = 2, 12, 3, 8
    w = weights(G, 1, d, qk_scale=3.0)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.3, 0.8], dtype=F64)
    one = attack(w, X, y, tau, AttackSpec(steps=5), "2", gens(G))
    broken = margin(w, one, y) <= 0
    assert broken.any() and (~broken).any()
    spec3 = AttackSpec(steps=5, restarts=3)
    three = attack(w, X, y, tau, spec3, "2", gens(G), only_robust=True)
    assert torch.equal(three[broken], one[broken])
    everyone = attack(w, X, y, tau, spec3, "2", gens(G), only_robust=False)
    assert (margin(w, everyone, y) <= margin(w, one, y) + 1e-12).all()
    assert (margin(w, everyone, y) < margin(w, one, y) - 1e-9).any()


def apgd_reference(
    w: Weights, x: torch.Tensor, y: float, tau: float, steps: int, norm: str
) -> tuple[torch.Tensor, int]:
    """Croce & Hein (2020) Alg. 1 for ONE example, written as a plain loop; returns (best X̃, #halvings).

    Loss L = −y·f; z = P(x + η s(∇L)), x⁺ = P(x + α(z − x) + (1 − α)(x − x⁻)), α = 1 then 0.75, η₀ = 2τ;
    at each checkpoint halve η and go back to the best point if (1) < 75% of the steps since the last
    checkpoint increased L, or (2) η was not halved at the last checkpoint and the best L did not improve.
    """

    def loss_grad(xt: torch.Tensor) -> tuple[float, torch.Tensor]:
        leaf = xt.clone().requires_grad_(True)
        loss = -y * forward(w, leaf[None, None])[0, 0]
        (g,) = torch.autograd.grad(loss, leaf)
        return float(loss.detach()), g

    def step_dir(g: torch.Tensor) -> torch.Tensor:
        if norm == "2":
            return g / g.norm(dim=-1, keepdim=True)
        return g.sign()

    def P(xt: torch.Tensor) -> torch.Tensor:
        return x + project(xt - x, torch.full(x.shape[:-1], tau, dtype=F64), norm)

    checkpoints = [math.ceil(p * steps) for p in (0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99)]
    eta, cur, prev = 2 * tau, x.clone(), x.clone()
    f_cur, g = loss_grad(cur)
    best, f_best, g_best = cur, f_cur, g
    ups, last, halved_last, best_last, n_halved = 0, 0, False, f_best, 0
    for k in range(steps):
        a = 1.0 if k == 0 else 0.75
        z = P(cur + eta * step_dir(g))
        prev, cur = cur, P(cur + a * (z - cur) + (1 - a) * (cur - prev))
        f_new, g = loss_grad(cur)
        ups += f_new > f_cur
        f_cur = f_new
        if f_new > f_best:
            best, f_best, g_best = cur, f_new, g
        if k + 1 in checkpoints:
            halve = ups < 0.75 * (k + 1 - last) or (not halved_last and f_best <= best_last)
            if halve:
                eta, cur, g, f_cur, n_halved = eta / 2, best, g_best, f_best, n_halved + 1
            halved_last, best_last, ups, last = halve, f_best, 0, k + 1
    return best, n_halved


@pytest.mark.parametrize("norm", ["2", "inf"])
def test_apgd_paper_matches_a_plain_loop_rendering_of_croce_hein(norm: str) -> None:
    G, B, M, d, steps = 2, 3, 3, 6, 14
    w = weights(G, 1, d, qk_scale=4.0)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.8, 2.0], dtype=F64)
    Xa = attack(w, X, y, tau, AttackSpec(kind="apgd-paper", steps=steps), norm)
    got = margin(w, Xa, y)
    halvings = 0
    for g in range(G):
        wg = w.select(torch.tensor([g]))
        for b in range(B):
            ref, n = apgd_reference(wg, X[g, b], float(y[g, b]), float(tau[g]), steps, norm)
            halvings += n
            # margins, not points: on a flat stretch two iterates can tie to the last bit, and rounding then
            # decides which one is "best". The engine's gradient is closed form and the reference's autograd's:
            # they differ in the last bits, and 14 steps of momentum on sharp attention (qk_scale 4) amplify that
            # to a few 1e-9
            assert abs(float(got[g, b]) - float(y[g, b] * forward(wg, ref[None, None])[0, 0])) < 1e-8
    assert halvings > 0  # the step-size schedule was exercised


def test_apgd_checkpoints_follow_croce_hein() -> None:
    # p = 0, .22, .41, .57, .70, .80, .87, .93, .99 (then 1.05 > 1): w_j = ⌈100 p_j⌉
    assert apgd_checkpoints(100) == [22, 41, 57, 70, 80, 87, 93, 99]
    assert apgd_checkpoints(1) == [1]


def test_margin_is_y_times_f() -> None:
    w = weights(2, 2, D6)
    X, y = data(2, B4, M3, D6)
    assert torch.equal(margin(w, X, y), y * forward(w, X))


# ---- Theorem 4.3 --------------------------------------------------------------------------------------------


@given(factor=st.floats(0.0, 3.0), mu=st.floats(0.1, 100.0), seed=st.integers(0, 2**31))
def test_theorem43_midpoint_makes_the_classes_coincide(factor: float, mu: float, seed: int) -> None:
    """τ ≥ ‖µ‖/√2 brings [µ₊, ξ] and [µ₋, ξ] to the same point; the displacement never exceeds τ."""
    G, B, M, d = 2, 3, 4, 5
    g = torch.Generator().manual_seed(seed)
    basis, _ = torch.linalg.qr(torch.randn(G, d, 2, generator=g, dtype=F64))
    plus, minus = basis[..., 0] * mu, basis[..., 1] * mu
    noise = torch.randn(G, B, M - 1, d, generator=g, dtype=F64)
    Xp = torch.cat([plus[:, None, None, :].expand(G, B, 1, d), noise], dim=2)
    Xm = torch.cat([minus[:, None, None, :].expand(G, B, 1, d), noise], dim=2)
    ones = torch.ones(G, B, dtype=F64)
    tau = torch.full((G,), factor * mu / math.sqrt(2), dtype=F64)
    ap = theorem43_attack(Xp, ones, plus, minus, tau)
    am = theorem43_attack(Xm, -ones, plus, minus, tau)
    for a, X in ((ap, Xp), (am, Xm)):
        assert torch.equal(a[:, :, 1:], X[:, :, 1:])
        # (x₁ + disp) − x₁ loses ~1e-16·‖x₁‖ to rounding, which matters only when τ ≪ ‖µ‖
        assert ((a[:, :, 0] - X[:, :, 0]).norm(dim=-1) <= tau[:, None] * (1 + 1e-12) + 1e-14 * mu).all()
    if factor >= 1 + 1e-9:
        assert torch.equal(ap, am)
    elif factor < 1 - 1e-9:
        assert not torch.allclose(ap[:, :, 0], am[:, :, 0])
    zero = theorem43_attack(Xp, ones, plus, minus, torch.full((G,), mu * 1.000001, dtype=F64), target="zero")
    assert torch.equal(zero[:, :, 0], torch.zeros(G, B, d, dtype=F64))


# ---- Lemma 5.3 --------------------------------------------------------------------------------------------


def test_attention_ratio_is_one_for_frozen_uniform_attention() -> None:
    w0 = weights(2, 2, D6)
    w = Weights(torch.zeros_like(w0.W_Q), torch.zeros_like(w0.W_K), w0.W_V, w0.w_O)
    X, _ = data(2, 3, M3, D6)
    r = attention_ratio(w, X, torch.tensor([0.5, 2.0], dtype=F64), steps=5, gens=gens(2))
    assert torch.allclose(r, torch.ones(2, dtype=F64), rtol=0, atol=1e-6)


def test_attention_ratio_is_bracketed() -> None:
    """1 ≤ R ≤ e^{4σ}, where σ bounds every logit shift over the balls: |Δ x_lᵀAx_j| ≤ τ‖A x_j‖ + τ‖Aᵀx_l‖ +
    τ²‖A‖_op with A = W_Q W_Kᵀ (CLAIMS.md L5.3 (iii)); and R beats 300 random points of the balls."""
    G, B, M, d = 2, 2, 3, 6
    w = weights(G, 2, d, qk_scale=2.0)
    X, _ = data(G, B, M, d)
    tau = torch.tensor([0.1, 0.4], dtype=F64)
    R = attention_ratio(w, X, tau, steps=10, chunk=5)  # chunk < B·M² exercises the chunking
    assert (R > 1).all()
    A = w.W_Q @ w.W_K.transpose(-1, -2)  # (G, H, d, d)
    Ax = torch.einsum("ghde,gbme->ghbmd", A, X).norm(dim=-1)  # ‖A x_m‖
    Atx = torch.einsum("ghed,gbme->ghbmd", A, X).norm(dim=-1)  # ‖Aᵀ x_m‖
    op = torch.linalg.matrix_norm(A, ord=2)  # (G, H)
    t = tau.view(G, 1, 1, 1)
    sigma = (t * Ax.amax(dim=-1, keepdim=True) + t * Atx + t**2 * op[..., None, None]).amax(dim=(1, 2, 3))
    assert (R <= torch.exp(4 * sigma) * (1 + 1e-12)).all()
    # a random search over the balls is a weaker lower estimate
    n = 300
    Xr = X[:, :, None] + sample_ball("2", tau, (B * n, M, d), gens(G), F64).view(G, B, n, M, d)
    q = torch.einsum("gbnmd,ghde->ghbnme", Xr, w.W_Q)
    k = torch.einsum("gbnmd,ghde->ghbnme", Xr, w.W_K)
    phi = torch.softmax(q @ k.transpose(-1, -2), dim=-1)  # (G, H, B, n, M, M)
    clean = torch.softmax(
        torch.einsum("gbmd,ghde->ghbme", X, w.W_Q) @ torch.einsum("gbmd,ghde->ghbme", X, w.W_K).transpose(-1, -2),
        dim=-1,
    )
    hi = torch.maximum(phi.amax(dim=3), clean)
    lo = torch.minimum(phi.amin(dim=3), clean)
    random_R = (hi / lo).amax(dim=(1, 2, 3, 4))
    assert (R >= random_R).all()


# ---- bad input --------------------------------------------------------------------------------------------


def _bad_calls() -> list[object]:
    w = weights(2, 1, D6)
    X, y = data(2, B4, M3, D6)
    spec = AttackSpec(steps=2)
    tau = torch.tensor([0.5, 0.5], dtype=F64)
    plus = torch.zeros(2, D6, dtype=F64)
    return [
        pytest.param(lambda: attack(w, X, y, tau, spec, "3"), "norm", id="norm-3"),
        pytest.param(lambda: attack(w, X, y, tau, spec, "l2"), "norm", id="norm-l2"),
        pytest.param(lambda: attack(w, X, y, -0.1, spec, "2"), "tau", id="tau-negative"),
        pytest.param(lambda: attack(w, X, y, torch.tensor([0.1, -1.0], dtype=F64), spec, "2"), "tau",
                     id="tau-negative-member"),
        pytest.param(lambda: attack(w, X, y, torch.tensor([0.1, 0.2, 0.3]), spec, "2"), "tau", id="tau-shape"),
        pytest.param(lambda: attack(w, X, y, float("nan"), spec, "2"), "tau", id="tau-nan"),
        pytest.param(lambda: attack(w, X[0], y, tau, spec, "2"), "X", id="X-3d"),
        pytest.param(lambda: attack(w, X, y[:, :2], tau, spec, "2"), "y", id="y-shape"),
        pytest.param(lambda: attack(w, X, y * 2, tau, spec, "2"), "y", id="y-values"),
        pytest.param(lambda: attack(w, X[:1], y[:1], tau[:1], spec, "2"), "G", id="G-mismatch"),
        pytest.param(lambda: attack(w, X[..., :4], y, tau, spec, "2"), "d", id="d-mismatch"),
        pytest.param(lambda: attack(w, X, y, tau, "pgd", "2"), "spec", id="spec-string"),  # type: ignore[arg-type]
        pytest.param(lambda: attack(w, X, y, tau, spec, "2", engine="fast"), "engine", id="engine-unknown"),  # type: ignore[arg-type]
        pytest.param(lambda: attack(w, X, y, tau, spec, "inf", engine="subspace"), "engine", id="engine-norm"),
        pytest.param(lambda: attack(w, X, y, tau, AttackSpec(kind="apgd"), "2", engine="subspace"), "engine",
                     id="engine-apgd"),
        pytest.param(lambda: attack(w, X, y, tau, AttackSpec(random_start=True), "2"), "gens", id="gens-missing"),
        pytest.param(lambda: attack(w, X, y, tau, AttackSpec(kind="random"), "2", gens(3)), "gens",
                     id="gens-length"),
        pytest.param(lambda: project(X, -1.0, "2"), "radius", id="radius-negative"),
        pytest.param(lambda: project(X, torch.ones(5), "1"), "radius", id="radius-shape"),
        pytest.param(lambda: project(X, 1.0, "p"), "norm", id="project-norm"),
        pytest.param(lambda: theorem43_attack(X, y, plus, plus, tau, target="far"), "target", id="target"),  # type: ignore[arg-type]
        pytest.param(lambda: theorem43_attack(X, y, plus[:, :3], plus, tau), "signals_plus", id="signals-shape"),
        pytest.param(lambda: theorem43_attack(X, y, plus, plus, -1.0), "tau", id="t43-tau"),
        pytest.param(lambda: attention_ratio(w, X, tau, steps=0), "steps", id="ratio-steps"),
        pytest.param(lambda: attention_ratio(w, X, tau, step_rel=-1), "step_rel", id="ratio-step_rel"),
        pytest.param(lambda: attention_ratio(w, X, -tau), "tau", id="ratio-tau"),
    ]


@pytest.mark.parametrize(("call", "name"), _bad_calls())
def test_bad_input_raises_value_error_naming_the_parameter(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(("H", "M"), [(1, 2), (2, 5)])
def test_closed_form_gradient_of_the_model_equals_autograd_in_float64(H: int, M: int) -> None:
    """PGD's steps use ∂f/∂(X·basis) in closed form; it must be autograd's gradient (and f the same values)."""
    from simulate.attacks import _combine_flat, _combine_flat_grad

    G, B, dh = 2, 3, 4
    gen = torch.Generator().manual_seed(7)
    P = (torch.randn(G, B * M, H * (2 * dh + 1), generator=gen, dtype=torch.float64) * 2).requires_grad_(True)
    f_ref = _combine_flat(P, B, M, H, dh)
    (g_ref,) = torch.autograd.grad(f_ref.sum(), P)
    f, g = _combine_flat_grad(P.detach(), B, M, H, dh)
    assert torch.equal(f, f_ref.detach())
    assert torch.allclose(g, g_ref, rtol=1e-12, atol=1e-14)


def apgd_published_code(
    w: Weights, x: torch.Tensor, y: float, eps: float, steps: int, norm: str, x0: torch.Tensor
) -> tuple[torch.Tensor, list[int]]:
    """One example of APGD as Croce & Hein's published code runs it, for a whole-input ball (M = 1), from the
    start x0; returns (the highest-loss point, the iterations at which a check happened).

    Written from that code's behaviour, in its own bookkeeping: the loss is the binary cross-entropy
    softplus(−y·f), losses of the steps kept in an array of n zeros (so the first check's window compares the
    first step with the array's last, still zero, entry); a check every k steps with k = ⌊0.22n⌋, then
    k = max(k − ⌊0.03n⌋, ⌊0.06n⌋) (each at least 1); condition 1 is "at most 0.75·k increases in the window",
    condition 2 "not halved at the last check and the best loss not above the best at the last check".
    The gradient is the model's own (``_Maps.margin_grad``, times the loss's positive derivative), so that the
    comparison is of the schedules: with autograd's, a coordinate of ∇ near 0 can take the other sign in the
    last bit, and ℓ∞'s sign step then moves it the other way."""
    maps = _Maps.of(w)
    yt = torch.tensor([[y]], dtype=x.dtype)

    def loss_grad(xt: torch.Tensor) -> tuple[float, torch.Tensor]:
        m, g = maps.margin_grad(x[None, None], yt, (xt - x)[None, None])
        return float(torch.nn.functional.softplus(-m)), torch.sigmoid(-m)[0, 0] * g[0, 0]

    def step(g: torch.Tensor) -> torch.Tensor:
        return g / g.norm() if norm == "2" else g.sign()

    def P(xt: torch.Tensor) -> torch.Tensor:
        delta = xt - x
        if norm == "2":
            n = float(delta.norm())
            return x + delta * min(1.0, eps / n) if n > 0 else xt
        return x + delta.clamp(-eps, eps)

    k, shrink, least = max(int(0.22 * steps), 1), max(int(0.03 * steps), 1), max(int(0.06 * steps), 1)
    loss_steps = [0.0] * steps
    step_size, cur = 2 * eps, P(x0)
    old = cur.clone()
    f, g = loss_grad(cur)
    best, f_best, g_best = cur, f, g
    reduced_last, f_best_last, counter, checks = False, f_best, 0, []
    for i in range(steps):
        grad2, old = cur - old, cur.clone()
        a = 0.75 if i > 0 else 1.0
        z = P(cur + step_size * step(g))
        cur = P(cur + (z - cur) * a + grad2 * (1 - a))
        f, g = loss_grad(cur)
        loss_steps[i] = f
        if f > f_best:
            best, f_best, g_best = cur, f, g
        counter += 1
        if counter == k:
            ups = sum(loss_steps[i - c] > loss_steps[i - c - 1] for c in range(k))  # index −1: the last entry
            halve = ups <= k * 0.75 or (not reduced_last and f_best_last >= f_best)
            reduced_last, f_best_last = halve, f_best
            if halve:
                step_size, cur, g = step_size / 2, best, g_best
            checks.append(i + 1)
            counter, k = 0, max(k - shrink, least)
    return best, checks


@pytest.mark.parametrize("steps", [10, 20, 37, 100])
def test_reference_checkpoints_are_the_published_codes(steps: int) -> None:
    w = weights(1, 1, 4)
    x = torch.zeros(1, 4, dtype=F64)
    _, checks = apgd_published_code(w, x, 1.0, 0.5, steps, "2", x)
    assert reference_checkpoints(steps) == checks
    # the paper's formula differs at small n (and agrees at n = 100: 22, 41, 57, 70, 80, 87, 93, 99)
    assert (apgd_checkpoints(steps) == checks) == (steps == 100)


@pytest.mark.parametrize(("norm", "start"), [("2", "zero"), ("2", "random"), ("inf", "zero"), ("inf", "random")])
def test_apgd_matches_the_published_codes_behaviour_on_a_whole_input_ball(norm: str, start: str) -> None:
    """Where the per-token balls are one ball of the whole input, bovit's APGD ("apgd", the reference schedule)
    must take the published code's iterates: ℓ∞ for any M (the product of per-token ℓ∞ balls is the input's
    ℓ∞ ball and sign(∇) is the same step), ℓ2 for M = 1 (where eq. (1) is linear in its one token, so this
    case checks the plumbing only). The random start is the code's (ℓ2: a Gaussian direction on the sphere of
    radius ε; ℓ∞: uniform in [−1, 1]^d scaled so that its largest entry is ε), passed to both."""
    G, B, d, steps = 2, 16, 6, 20
    M = 3 if norm == "inf" else 1
    w = weights(G, 1, d, qk_scale=6.0)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.8, 2.0], dtype=F64)
    gen = torch.Generator().manual_seed(3)
    if start == "random":
        t = torch.randn(G, B, M, d, generator=gen, dtype=F64) if norm == "2" else \
            2 * torch.rand(G, B, M, d, generator=gen, dtype=F64) - 1
        scale = t.flatten(2).norm(dim=-1) if norm == "2" else t.flatten(2).abs().amax(dim=-1)
        delta0 = tau.view(G, 1, 1, 1) * t / scale[..., None, None]
    else:
        delta0 = torch.zeros(G, B, M, d, dtype=F64)
    maps = _Maps.of(w)
    _, m = _apgd(maps, X, y, tau, delta0, norm, steps, "reference")
    _, m_paper = _apgd(maps, X, y, tau, delta0, norm, steps, "paper")
    differ = 0
    for g in range(G):
        wg = w.select(torch.tensor([g]))
        for b in range(B):
            ref, _ = apgd_published_code(wg, X[g, b], float(y[g, b]), float(tau[g]), steps, norm,
                                         X[g, b] + delta0[g, b])
            want = float(y[g, b] * forward(wg, ref[None, None])[0, 0])
            assert abs(float(m[g, b]) - want) < 1e-8
            differ += abs(float(m_paper[g, b]) - want) > 1e-8
    if norm == "inf":  # the comparison can fail: the paper's schedule, on the same examples, ends elsewhere
        assert differ > 0


@pytest.mark.parametrize("engine", ["direct", "subspace"])
def test_the_last_iterate_rule_returns_the_final_pgd_iterate(engine: str) -> None:
    """AttackSpec.iterate "last": the final iterate, never lower in margin than the best one, higher where PGD
    overshoots (large steps on sharp attention), and the subspace engine's last iterate is the direct engine's."""
    G, B, M, d = 2, 24, 3, 8
    w = weights(G, 1, d, qk_scale=6.0)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.8, 2.0], dtype=F64)
    best = margin(w, attack(w, X, y, tau, AttackSpec(steps=7, step_rel=0.9), "2", engine=engine), y)
    last = margin(w, attack(w, X, y, tau, AttackSpec(steps=7, step_rel=0.9, iterate="last"), "2", engine=engine), y)
    assert (last >= best - 1e-12).all() and (last > best + 1e-6).any()
    direct = margin(w, attack(w, X, y, tau, AttackSpec(steps=7, step_rel=0.9, iterate="last"), "2"), y)
    assert torch.allclose(last, direct, rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match="iterate='last' applies to PGD only"):
        AttackSpec(kind="apgd", iterate="last")


@pytest.mark.parametrize("norm", ["multi", "multi-image"])
def test_the_union_is_the_lowest_margin_of_its_balls(norm: str) -> None:
    """Appendix B.3's per-norm breakdown: each ball's attack alone, and the union attack's margin is their minimum
    (the same draws in the same order), so a point the union breaks is broken in some ball."""
    from simulate.attacks import _attack_by_ball, union_balls

    G, B, M, d = 2, 10, 3, 8
    w = weights(G, 1, d, qk_scale=3.0)
    X, y = data(G, B, M, d)
    tau = torch.tensor([0.3, 0.9], dtype=F64)
    spec = AttackSpec(steps=8, random_start=True, restarts=2)
    union = margin(w, attack(w, X, y, tau, spec, norm, gens(G, 5)), y)
    balls = _attack_by_ball(w, X, y, tau, spec, norm, gens(G, 5), "direct", True)
    assert [p for p, _ in balls] == [p for p, _ in union_balls(norm)]
    per_ball = torch.stack([margin(w, Xp, y) for _, Xp in balls])
    assert torch.allclose(per_ball.amin(0), union, rtol=0, atol=1e-12)
    assert (per_ball > union + 1e-9).any()  # the balls differ: the breakdown says something the union does not
