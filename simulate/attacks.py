"""Inner maximisers over per-token balls for eq. (1), batched over a leading grid axis G.

Threat model (CLAIMS.md S3.loss): B(X, τ) = {X̃ : ‖x̃_m − x_m‖_p ≤ τ for every token m}, the signal token
included, with one τ per grid member (a tensor of shape (G,)). Tokens are unbounded Gaussian vectors, so
nothing is clamped to [0, 1]. Every attack minimises the margin y·f(X̃), which maximises the logistic loss
ℓ(y f) = softplus(−y f) because ℓ is decreasing. The gradient is always taken of −y·f, not of ℓ: every
step direction below is invariant to a positive per-example factor, and ℓ′(z) = −σ(−z) underflows to 0
in float32 once z ≳ 88, which would freeze the attack on confidently classified points.

- :func:`attack` — PGD as in Section 6 (E6.4), APGD (Croce & Hein 2020), one random point of each ball,
  or nothing; norms ℓ₂, ℓ∞, ℓ₁ and the multi-norm union of Appendix B.3 (EB.3); engines "direct",
  "subspace" (exact ℓ₂ reformulation) and "bf16" (opt-in, not exact).
- :func:`theorem43_attack` — the classifier-agnostic attack of Theorem 4.3's proof (T4.3.sharp).
- :func:`attention_ratio` — a lower estimate of Lemma 5.3's max/min softmax ratio (L5.3).
- :func:`project_l2`, :func:`project_linf`, :func:`project_l1` — Euclidean projections onto balls.

Public functions validate their arguments and call the internal ones (a leading underscore), which trust theirs:
simulate.train and simulate.vit call those directly with the values a RunConfig validated.

Randomness comes only from the ``torch.Generator`` of each member, and every draw is made for the
member's whole batch, so a member's result does not depend on which other members share its batch.

Shapes: X (G, B, M, d); y (G, B) with values ±1; τ (G,); margins (G, B).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import torch

from bounds.params import MULTI_NORM_RADII
from bounds.validate import as_float, choice, positive, positive_int
from simulate.config import ENGINES, ITERATIVE_ATTACKS, NORMS, UNION_NORMS, AttackSpec
from simulate.model import Weights, combine, forward

__all__ = [
    "APGD_MOMENTUM",
    "APGD_RHO",
    "L1_TOPK",
    "MULTI_IMAGE_RADII",
    "MULTI_RADII",
    "apgd_checkpoints",
    "attack",
    "attention_ratio",
    "margin",
    "project",
    "project_l1",
    "project_l2",
    "project_linf",
    "reference_checkpoints",
    "sample_ball",
    "steepest_direction",
    "theorem43_attack",
    "union_balls",
]

Tensor = torch.Tensor
Engine = Literal["direct", "subspace", "bf16"]

# Appendix B.3 (EB.3): (τ₁, τ₂, τ∞)/m = (20·eps, eps, eps/30), i.e. multiples of the ℓ₂ base radius τ
# (bounds.params.MULTI_NORM_RADII). The attack and the certificate of norm="multi" read them in this order, the
# attack's, which keeps the first of equal margins.
MULTI_RADII: tuple[tuple[str, float], ...] = tuple((p, MULTI_NORM_RADII[p]) for p in ("2", "inf", "1"))
# norm="multi-image" (B.3's second reading): the same radii, the ℓ₁ ball one budget over the whole input
# ("1-image": the ℓ₁ ball of the flattened M·d vector), ℓ₂ and ℓ∞ per token
MULTI_IMAGE_RADII: tuple[tuple[str, float], ...] = tuple(
    ("1-image" if p == "1" else p, r) for p, r in MULTI_RADII)


def union_balls(norm: str) -> tuple[tuple[str, float], ...]:
    """The balls of a threat set as (ball norm, radius factor of τ): the union norms' three, else the one."""
    return {"multi": MULTI_RADII, "multi-image": MULTI_IMAGE_RADII}.get(norm, ((norm, 1.0),))

# The ℓ₁ step moves the L1_TOPK coordinates of largest |g| of each token, weighted by |g| and scaled to ℓ₁
# length = step. k = 1 is the exact ℓ₁ steepest ascent (max of ⟨g, e⟩ over ‖e‖₁ ≤ 1 is sign(g_i)e_i at
# i = argmax|g_i|). SLIDE (Tramèr & Boneh 2019) spreads each step over the top 1% of coordinates; on this
# model that was weaker: on the linear (W_Q = W_K = 0) model at d = 1024 it stops 9% short of the exact
# worst case (6% at 0.5%, 22% at 5%), where k = 1 is exact, and it also lowered the margin less on random
# attention models. |g|-weights rather than SLIDE's equal weights, for k > 1, let the ℓ₁ projection's soft
# threshold prune all but the largest coordinates over the steps; equal weights would keep the k coordinates
# equal forever on a linear model.
L1_TOPK = 1

# APGD (Croce & Hein 2020, Section 3.2): momentum α, the success fraction ρ of condition 1, and the
# checkpoint schedule p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06).
APGD_MOMENTUM = 0.75
APGD_RHO = 0.75


# ---- validation ------------------------------------------------------------------------------------


def _radius(name: str, radius: float | Tensor, like: Tensor) -> Tensor:
    """``radius`` as a tensor of like's dtype, broadcastable to like.shape[:-1], finite and ≥ 0."""
    if isinstance(radius, Tensor):
        r = radius.detach().to(dtype=like.dtype, device=like.device)
    else:
        r = torch.tensor(as_float(name, radius), dtype=like.dtype, device=like.device)
    if not bool(torch.isfinite(r).all()):
        raise ValueError(f"{name} must be finite, got {r.tolist() if r.numel() < 8 else r}")
    if bool((r < 0).any()):
        raise ValueError(f"{name} must be >= 0, got {r.tolist() if r.numel() < 8 else r}")
    try:
        fits = torch.broadcast_shapes(r.shape, like.shape[:-1]) == like.shape[:-1]
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(
            f"{name} of shape {tuple(r.shape)} does not broadcast to the token shape {tuple(like.shape[:-1])}"
        )
    return r


def _tau(tau: float | Tensor, G: int, like: Tensor) -> Tensor:
    """τ as a (G,) tensor of like's dtype and device; a scalar is shared by every member."""
    dtype = like.dtype
    if isinstance(tau, Tensor):
        t = tau.detach().to(dtype=dtype, device=like.device)
        if t.dim() == 0:
            t = t.expand(G)
    else:
        t = torch.full((G,), as_float("tau", tau), dtype=dtype, device=like.device)
    if t.shape != (G,):
        raise ValueError(f"tau must be a scalar or have shape (G,) = ({G},), got shape {tuple(t.shape)}")
    if not bool(torch.isfinite(t).all()):
        raise ValueError(f"tau must be finite, got {t.tolist()}")
    if bool((t < 0).any()):
        raise ValueError(f"tau must be >= 0, got {t.tolist()}")
    return t.contiguous()


def _check_data(X: object, y: object | None = None) -> tuple[int, int, int, int]:
    """(G, B, M, d) of a valid X (G, B, M, d) and, when given, y (G, B) with values ±1."""
    if not isinstance(X, Tensor) or X.dim() != 4:
        shape = tuple(X.shape) if isinstance(X, Tensor) else type(X).__name__
        raise ValueError(f"X must be a tensor of shape (G, B, M, d), got {shape}")
    if not X.is_floating_point():
        raise ValueError(f"X must be a floating-point tensor, got dtype {X.dtype}")
    G, B, M, d = X.shape
    if min(G, B, M, d) < 1:
        raise ValueError(f"X must have non-empty axes (G, B, M, d), got {tuple(X.shape)}")
    if y is not None:
        if not isinstance(y, Tensor) or tuple(y.shape) != (G, B):
            shape = tuple(y.shape) if isinstance(y, Tensor) else type(y).__name__
            raise ValueError(f"y must have shape (G, B) = ({G}, {B}) to match X, got {shape}")
        if not bool(((y == 1) | (y == -1)).all()):
            raise ValueError("y must take values ±1 only")
    return G, B, M, d


def _check_weights(w: object, X: Tensor) -> Weights:
    if not isinstance(w, Weights):
        raise ValueError(f"w must be a simulate.model.Weights, got {type(w).__name__}")
    G, _, _, d = X.shape
    if w.G != G:
        raise ValueError(f"w has G = {w.G} members but X has G = {G} (X shape {tuple(X.shape)})")
    if w.W_Q.shape[2] != d:
        raise ValueError(f"w expects tokens of dimension d = {w.W_Q.shape[2]}, but X has d = {d}")
    return w.detached().to(X.dtype)


def _check_gens(gens: object, G: int, needed: bool) -> list[torch.Generator] | None:
    if gens is None:
        if needed:
            raise ValueError(f"gens must be a list of G = {G} torch.Generator (this attack draws random points), "
                             "got None")
        return None
    if not isinstance(gens, Sequence) or len(gens) != G or not all(isinstance(g, torch.Generator) for g in gens):
        n = len(gens) if isinstance(gens, Sequence) else type(gens).__name__
        raise ValueError(f"gens must be a list of G = {G} torch.Generator, one per member, got {n}")
    return list(gens)


# ---- projections -----------------------------------------------------------------------------------


# The projections proper (_l2, _linf, _l1, by norm in _PROJECT) take a radius tensor already in δ's dtype and
# broadcastable to its token shape: the attacks call them at every step with their own, validated, radii. The
# public project_* validate the radius first.


def _l2(delta: Tensor, r: Tensor) -> Tensor:
    n = delta.norm(dim=-1)
    # clamp_min keeps r/n finite where n = 0 (that branch is not taken, but where() evaluates both)
    scale = torch.where(n > r, r / n.clamp_min(torch.finfo(delta.dtype).tiny), torch.ones_like(n))
    return delta * scale[..., None]


def _linf(delta: Tensor, r: Tensor) -> Tensor:
    r = r[..., None]
    return torch.maximum(torch.minimum(delta, r), -r)


def _l1(delta: Tensor, r: Tensor) -> Tensor:
    a = delta.abs()
    r = torch.broadcast_to(r, a.shape[:-1])
    u = a.sort(dim=-1, descending=True).values
    css = u.cumsum(dim=-1)
    j = torch.arange(1, a.shape[-1] + 1, device=a.device)
    cond = u * j.to(a.dtype) > css - r[..., None]
    # the last j where cond holds; none holds only when r = 0 (then θ = u₁ zeroes every coordinate)
    rho = torch.where(cond, j, torch.zeros_like(j)).amax(dim=-1).clamp_min(1)
    theta = ((css.gather(-1, (rho - 1)[..., None])[..., 0] - r) / rho.to(a.dtype)).clamp_min(0)
    out = (a - theta[..., None]).clamp_min(0)
    # θ comes from sums of |δ| ≫ r when δ is far outside, and |δ_i| − θ then cancels: scale the rounding
    # error (relative to ‖δ‖, not r) back into the ball
    n1 = out.sum(dim=-1)
    out = out * torch.where(n1 > r, r / n1.clamp_min(torch.finfo(a.dtype).tiny), torch.ones_like(n1))[..., None]
    return torch.where((a.sum(dim=-1) <= r)[..., None], delta, delta.sign() * out)


def _l1_input(delta: Tensor, r: Tensor) -> Tensor:
    """The ℓ₁ projection of each whole input: δ (..., M, d) flattened to (..., M·d); r broadcasts against δ's
    token axes and is the same for every token of an input (its first token's is used)."""
    r_in = torch.broadcast_to(r, delta.shape[:-1])[..., 0]
    return _l1(delta.reshape(*delta.shape[:-2], -1), r_in).reshape(delta.shape)


_PROJECT: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "2": _l2,
    "inf": _linf,
    "1": _l1,
    "1-image": _l1_input,
}


def project_l2(delta: Tensor, radius: float | Tensor) -> Tensor:
    """Euclidean projection of each row δ (last axis) onto {‖δ‖₂ ≤ r}: δ·min(1, r/‖δ‖₂).

    delta (..., d); radius broadcastable to (...,). Points inside are returned unchanged (bitwise).
    """
    return _l2(delta, _radius("radius", radius, delta))


def project_linf(delta: Tensor, radius: float | Tensor) -> Tensor:
    """Euclidean projection onto {‖δ‖∞ ≤ r}: clamp every coordinate to [−r, r].

    delta (..., d); radius broadcastable to (...,).
    """
    return _linf(delta, _radius("radius", radius, delta))


def project_l1(delta: Tensor, radius: float | Tensor) -> Tensor:
    """Euclidean projection onto {‖δ‖₁ ≤ r}, sort-based (Duchi, Shalev-Shwartz, Singer & Chandra 2008, Fig. 1).

    For ‖δ‖₁ > r: sort |δ| decreasingly into u, ρ = max{j : u_j − (Σ_{i≤j} u_i − r)/j > 0},
    θ = (Σ_{i≤ρ} u_i − r)/ρ, and the projection is sign(δ)·max(|δ| − θ, 0). Vectorised over every row.
    delta (..., d); radius broadcastable to (...,). Points inside are returned unchanged (bitwise).
    """
    return _l1(delta, _radius("radius", radius, delta))


def project(delta: Tensor, radius: float | Tensor, norm: str) -> Tensor:
    """Euclidean projection of each row of delta (..., d) onto its ℓ_p ball, p ∈ {"2", "inf", "1"}."""
    choice("norm", norm, tuple(_PROJECT))
    return _PROJECT[norm](delta, _radius("radius", radius, delta))


# ---- uniform points of the balls ---------------------------------------------------------------------


def _unit_l2(shape: tuple[int, ...], gen: torch.Generator, dtype: torch.dtype) -> Tensor:
    # a Gaussian direction times U^{1/d}: the radius law of the uniform measure on the d-ball
    z = torch.randn(shape, generator=gen, dtype=dtype, device=gen.device)
    z = z / z.norm(dim=-1, keepdim=True).clamp_min(torch.finfo(dtype).tiny)
    return z * torch.rand((*shape[:-1], 1), generator=gen, dtype=dtype, device=gen.device) ** (1.0 / shape[-1])


def _unit_linf(shape: tuple[int, ...], gen: torch.Generator, dtype: torch.dtype) -> Tensor:
    return torch.rand(shape, generator=gen, dtype=dtype, device=gen.device) * 2 - 1


def _unit_l1(shape: tuple[int, ...], gen: torch.Generator, dtype: torch.dtype) -> Tensor:
    # (E₁, …, E_d)/(E₁ + … + E_{d+1}) with i.i.d. Exp(1) is uniform on the corner simplex
    # {x ≥ 0, Σx ≤ 1}; independent random signs spread it uniformly over the ℓ₁ ball.
    e = torch.empty((*shape[:-1], shape[-1] + 1), dtype=dtype, device=gen.device).exponential_(generator=gen)
    x = e[..., :-1] / e.sum(dim=-1, keepdim=True)
    signs = torch.randint(0, 2, shape, generator=gen, device=gen.device).to(dtype) * 2 - 1
    return x * signs


def _unit_l1_input(shape: tuple[int, ...], gen: torch.Generator, dtype: torch.dtype) -> Tensor:
    # uniform on the ℓ₁ ball of each whole input: the last two axes (M, d) as one vector
    return _unit_l1((*shape[:-2], shape[-2] * shape[-1]), gen, dtype).reshape(shape)


_UNIT: dict[str, Callable[[tuple[int, ...], torch.Generator, torch.dtype], Tensor]] = {
    "2": _unit_l2,
    "inf": _unit_linf,
    "1": _unit_l1,
    "1-image": _unit_l1_input,
}


def sample_ball(
    norm: str, tau: Tensor, shape: tuple[int, int, int], gens: Sequence[torch.Generator], dtype: torch.dtype
) -> Tensor:
    """A uniformly random point of each per-token ℓ_p ball of radius τ_g, shape (G, B, M, d), on τ's device.

    ``shape`` is (B, M, d); member g draws its whole (B, M, d) block from gens[g] only (on the generator's
    device, so the draw does not depend on where the attack runs).
    """
    choice("norm", norm, tuple(_UNIT))
    if len(gens) != tau.shape[0]:
        raise ValueError(f"gens must hold one generator per member (G = {tau.shape[0]}), got {len(gens)}")
    return _sample_ball(norm, tau, shape, gens, dtype)


def _sample_ball(
    norm: str, tau: Tensor, shape: tuple[int, int, int], gens: Sequence[torch.Generator], dtype: torch.dtype
) -> Tensor:
    """:func:`sample_ball` for an attack's own (validated) norm, radii and generators."""
    draws = torch.stack([_UNIT[norm](shape, gen, dtype) for gen in gens]).to(tau.device)
    out = draws * tau.to(dtype).view(-1, 1, 1, 1)
    # rounding can put a point a few ulps outside; the projection moves it by as much
    return _PROJECT[norm](out, tau.to(dtype).view(-1, 1, 1))


# ---- the model's margin and its gradient ---------------------------------------------------------------


def margin(w: Weights, X: Tensor, y: Tensor) -> Tensor:
    """y·f(X) for every member and example: X (G, B, M, d), y (G, B) → (G, B)."""
    _check_data(X, y)
    return y * forward(_check_weights(w, X), X)


def _basis(w: Weights) -> Tensor:
    """[W_{Q,h} | W_{K,h} | u_h]_h per member, (G, d, r) with r = H(2d_h + 1).

    The column layout is :func:`simulate.model.project`'s, so X·basis splits into its q, k and v.
    """
    G, H, d, dh = w.W_Q.shape
    cat = torch.cat([w.W_Q, w.W_K, w.u()[..., None]], dim=-1)  # (G, H, d, 2dh+1)
    return cat.permute(0, 2, 1, 3).reshape(G, d, H * (2 * dh + 1))


def _combine_flat(P: Tensor, B: int, M: int, H: int, dh: int) -> Tensor:
    """f from the token projections P = X̃·basis (G, B·M, r), split as :func:`simulate.model.project` does."""
    G = P.shape[0]
    proj = P.reshape(G, B, M, H, 2 * dh + 1).permute(0, 3, 1, 2, 4)
    return combine(proj[..., :dh], proj[..., dh : 2 * dh], proj[..., 2 * dh])


def _combine_flat_grad(P: Tensor, B: int, M: int, H: int, dh: int) -> tuple[Tensor, Tensor]:
    """f from P (as :func:`_combine_flat`, the same operations in the same order, so the same values) and its
    gradient ∂f/∂P (G, B·M, r), in closed form instead of by autograd.

    With α = softmax(q kᵀ) per head and row, f = (1/M) Σ_h Σ_l Σ_j α_lj v_j, S_l = Σ_j α_lj v_j and
    Γ_lj = α_lj (v_j − S_l)/M (the derivative of f in the logit q_l·k_j): ∂f/∂q_l = Σ_j Γ_lj k_j,
    ∂f/∂k_j = Σ_l Γ_lj q_l, ∂f/∂v_j = (1/M) Σ_l α_lj."""
    G = P.shape[0]
    proj = P.reshape(G, B, M, H, 2 * dh + 1).permute(0, 3, 1, 2, 4)
    q, k, v = proj[..., :dh], proj[..., dh : 2 * dh], proj[..., 2 * dh]
    alpha = torch.softmax(q @ k.transpose(-1, -2), dim=-1)  # (G, H, B, M, M)
    weight = alpha.sum(dim=-2)  # (G, H, B, M)
    f = (weight * v).sum(dim=(-1, 1)) / M
    S = (alpha * v[..., None, :]).sum(dim=-1, keepdim=True)  # (G, H, B, M, 1): S_l
    gamma = alpha * (v[..., None, :] - S) / M
    grad = torch.cat([gamma @ k, gamma.transpose(-1, -2) @ q, (weight / M)[..., None]], dim=-1)
    return f, grad.permute(0, 2, 3, 1, 4).reshape(G, B * M, H * (2 * dh + 1))


@dataclass(frozen=True)
class _Maps:
    """The model seen by one attack: f(X̃) = combine(X̃·basis) with basis = [W_{Q,h} | W_{K,h} | u_h]_h.

    Built once per attack, so a step does not rebuild [W_Q | W_K | W_V w_O] as :func:`simulate.model.forward`
    does on every call (the same computation in the same order otherwise). ``step_basis`` is ``basis`` itself,
    or its bfloat16 copy for engine "bf16".
    """

    basis: Tensor  # (G, d, r), X's dtype
    step_basis: Tensor  # (G, d, r), the dtype the attack's steps use
    H: int
    dh: int

    @classmethod
    def of(cls, w: Weights, bf16: bool = False) -> _Maps:
        basis = _basis(w)
        return cls(basis, basis.to(torch.bfloat16) if bf16 else basis, w.H, w.dh)

    def margin(self, X: Tensor, y: Tensor) -> Tensor:
        """y·f(X) in X's dtype, (G, B)."""
        G, B, M, d = X.shape
        return y * _combine_flat(torch.bmm(X.reshape(G, B * M, d), self.basis), B, M, self.H, self.dh)

    def margin_grad(self, X: Tensor, y: Tensor, delta: Tensor) -> tuple[Tensor, Tensor]:
        """y·f(X + δ) (G, B) and ∇_δ(−y·f) (G, B, M, d), from a fresh leaf (the weights are constants).

        For bfloat16, X + δ is formed in X's dtype first (δ is far below X's bfloat16 resolution per
        coordinate) and only the projection matmul runs in bfloat16; the softmax part runs in X's dtype.
        """
        G, B, M, d = X.shape
        if self.step_basis is self.basis:  # fp32/fp64: the closed-form gradient, ∇_X̃ f = (∂f/∂P)·basisᵀ
            P = torch.bmm((X + delta).reshape(G, B * M, d), self.basis)
            f, gP = _combine_flat_grad(P, B, M, self.H, self.dh)
            yt = y[..., None].expand(G, B, M).reshape(G, B * M, 1)
            g = torch.bmm(-yt * gP, self.basis.transpose(1, 2)).reshape(G, B, M, d)
            return y * f, g
        leaf = delta.detach().requires_grad_(True)
        with torch.enable_grad():
            Xt = (X + leaf).reshape(G, B * M, d)
            P = torch.bmm(Xt.to(self.step_basis.dtype), self.step_basis).to(X.dtype)
            m = y * _combine_flat(P, B, M, self.H, self.dh)
            (g,) = torch.autograd.grad(-m.sum(), leaf)
        return m.detach(), g


def steepest_direction(g: Tensor, norm: str) -> Tensor:
    """The per-token steepest-ascent direction of unit ℓ_p length for the gradient g (..., d).

    ℓ₂: g/‖g‖₂; ℓ∞: sign(g); ℓ₁: g restricted to its k = L1_TOPK coordinates of largest |g|, over their
    ℓ₁ norm (for k = 1: sign(g_i)·e_i at i = argmax|g_i|, the exact ℓ₁ steepest ascent).
    "1-image" (the ℓ₁ ball of the whole input): the ℓ₁ direction of g (..., M, d) flattened to (..., M·d), so a
    step moves the input's coordinates of largest |g|, whichever tokens they are in.
    A token with zero gradient gets the zero direction, not NaN.
    """
    if norm == "1-image":
        return steepest_direction(g.reshape(*g.shape[:-2], -1), "1").reshape(g.shape)
    tiny = torch.finfo(g.dtype).tiny
    if norm == "2":
        n = g.norm(dim=-1, keepdim=True)
        return torch.where(n > 0, g / n.clamp_min(tiny), torch.zeros_like(g))
    if norm == "inf":
        return g.sign()
    k = min(L1_TOPK, g.shape[-1])
    idx = g.abs().topk(k, dim=-1).indices
    top = g.gather(-1, idx)
    n = top.abs().sum(dim=-1, keepdim=True)
    return torch.zeros_like(g).scatter(-1, idx, torch.where(n > 0, top / n.clamp_min(tiny), torch.zeros_like(top)))


# ---- PGD and APGD, direct --------------------------------------------------------------------------

# An inner maximiser: (X (G, b, M, d), y (G, b), τ (G,), δ₀ (G, b, M, d)) → (δ_best, margin_best (G, b)).
_Inner = Callable[[Tensor, Tensor, Tensor, Tensor], tuple[Tensor, Tensor]]


# What PGD lowers, as a function of the perturbation: δ → (s(δ), ∇_δ(−s)), the score per example and the
# gradient it ascends. eq. (1)'s attack scores by the margin y·f; simulate.vit's by minus its attack objective.
Score = Callable[[Tensor], tuple[Tensor, Tensor]]


def _pgd_loop(score: Score, delta0: Tensor, radius: Tensor, step: float | Tensor, norm: str,
             steps: int, last: bool = False) -> tuple[Tensor, Tensor]:
    """Section 6's PGD (E6.4): ``steps`` per-token steps of length ``step`` in the ℓ_p steepest direction of
    ∇(−s), each followed by the per-token projection onto the ball of ``radius``, from the projection of δ₀;
    returns per example the iterate of lowest score seen (start included) and that score, or with ``last`` the
    last iterate and its score (AttackSpec.iterate "last", as standard PGD training returns).

    The loop of :func:`attack`'s PGD and of :func:`simulate.vit.per_token_pgd`, for any model: δ has shape
    (..., M, d), the score (...,); ``radius`` (a tensor in δ's dtype) broadcasts against δ's token axes and
    ``step`` against δ. Its callers validate; it takes their values as they are.
    """
    proj = _PROJECT[norm]
    delta = proj(delta0, radius)
    best_delta, best_s = delta, None
    for it in range(steps + 1):
        s, g = score(delta)
        if best_s is None or (last and it == steps):
            best_s, best_delta = s, delta
        elif not last:
            better = s < best_s
            best_s = torch.where(better, s, best_s)
            best_delta = torch.where(better[..., None, None], delta, best_delta)
        if it == steps:
            break  # the last gradient is not used; its forward pass scores the last iterate
        delta = proj(delta + step * steepest_direction(g, norm), radius)
    assert best_s is not None  # steps >= 1
    return best_delta, best_s


def _pgd(
    maps: _Maps,
    X: Tensor,
    y: Tensor,
    tau: Tensor,
    delta0: Tensor,
    norm: str,
    steps: int,
    step_rel: float,
    last: bool = False,
) -> tuple[Tensor, Tensor]:
    """Section 6's PGD (E6.4) on eq. (1): :func:`_pgd_loop` on the margin, steps of step_rel·τ per member."""
    G = X.shape[0]
    best_delta, best_m = _pgd_loop(lambda delta: maps.margin_grad(X, y, delta), delta0, tau.view(G, 1, 1),
                                  (step_rel * tau).view(G, 1, 1, 1), norm, steps, last)
    if maps.step_basis is not maps.basis:
        best_m = maps.margin(X + best_delta, y)  # the score that leaves the attack is in X's dtype
    return best_delta, best_m


def apgd_checkpoints(steps: int) -> list[int]:
    """APGD's checkpoints w_j = ⌈p_j·N_iter⌉ (Croce & Hein 2020, Sec. 3.2), 0 < w_j ≤ steps, increasing.

    p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06), in exact rational arithmetic: in
    floats 0.22 + 0.19 + 0.16 = 0.5700000000000001 and ⌈57.000…01⌉ would give 58 instead of 57.
    """
    return _checkpoints(positive_int("steps", steps))


def _checkpoints(steps: int) -> list[int]:
    p = [Fraction(0), Fraction(22, 100)]
    while p[-1] < 1:
        p.append(p[-1] + max(p[-1] - p[-2] - Fraction(3, 100), Fraction(6, 100)))
    return sorted({c for c in (math.ceil(q * steps) for q in p[1:]) if 0 < c <= steps})


def reference_checkpoints(steps: int) -> list[int]:
    """APGD's checkpoints as Croce & Hein's published code places them: the first after k₀ = ⌊0.22·n⌋ steps,
    each next one k steps later with k shrinking by ⌊0.03·n⌋ down to ⌊0.06·n⌋ (every one of the three at
    least 1), the products taken in floating point as that code takes them. At n = 100 these are the paper's
    22, 41, 57, 70, 80, 87, 93, 99; at n = 20 they are 4, 7, 9, 10, 11, …, 20 where the paper's ⌈p_j·n⌉ gives
    5, 9, 12, 14, 16, 18, 19, 20."""
    return _reference_checkpoints(positive_int("steps", steps))


def _reference_checkpoints(n: int) -> list[int]:
    k, shrink, least = max(int(0.22 * n), 1), max(int(0.03 * n), 1), max(int(0.06 * n), 1)
    out, at = [], k
    while at <= n:
        out.append(at)
        k = max(k - shrink, least)
        at += k
    return out


def _apgd(
    maps: _Maps, X: Tensor, y: Tensor, tau: Tensor, delta0: Tensor, norm: str, steps: int, schedule: str = "reference"
) -> tuple[Tensor, Tensor]:
    """APGD (Croce & Hein 2020, Alg. 1) on per-token balls, the loss being −y·f (any increasing transform
    of it, such as the logistic loss, gives the same comparisons and hence the same iterates).

    z = P(x^k + η·s(∇)), x^{k+1} = P(x^k + α(z − x^k) + (1 − α)(x^k − x^{k−1})) with α = 1 at the first step
    and 0.75 after; s is the per-token ℓ_p steepest direction (as in PGD) and P the per-token projection;
    η starts at 2τ per example. At each checkpoint, η is halved and the iterate restarted from the best point
    (its gradient with it) when (1) too few of the steps since the last checkpoint increased the loss, or (2) η
    was not halved at the last checkpoint and the best loss did not improve since it. For ℓ₁ this is the same
    schedule with PGD's ℓ₁ step and the exact ℓ₁-ball projection, not the APGD-L1 of Croce & Hein (2021).

    ``schedule`` "reference" (attack kind "apgd") is the behaviour of the published code: checkpoints
    :func:`reference_checkpoints`; a step "increased the loss" when its loss is above the previous step's (the
    previous step taken, also across a restart), the first step of all counting as one (the code compares it
    with a zero-initialised entry, which a cross-entropy loss always exceeds); condition (1) is "at most 75% of
    the k steps". ``schedule`` "paper" (attack kind "apgd-paper") is the paper's text: checkpoints
    :func:`apgd_checkpoints` (⌈p_j·n⌉), a step compared with the iterate it started from (the best point after a
    restart), condition (1) "fewer than 75%".
    """
    G, B = X.shape[:2]
    rad = tau.view(G, 1, 1)
    proj = _PROJECT[norm]
    reference = schedule == "reference"
    checkpoints = set(_reference_checkpoints(steps) if reference else _checkpoints(steps))
    eta = (2 * tau).view(G, 1).expand(G, B).clone()
    delta = proj(delta0, rad)
    m, g = maps.margin_grad(X, y, delta)
    best_delta, best_m, best_g = delta, m, g
    prev = delta
    successes = torch.zeros_like(m)
    halved_last = torch.zeros_like(m, dtype=torch.bool)
    best_at_last = best_m
    last_check = 0
    m_step = m  # the margin after the last step taken (the reference's comparison), the start's before any
    for it in range(steps):
        alpha = 1.0 if it == 0 else APGD_MOMENTUM
        z = proj(delta + eta[..., None, None] * steepest_direction(g, norm), rad)
        new = proj(delta + alpha * (z - delta) + (1 - alpha) * (delta - prev), rad)
        prev, delta = delta, new
        m_new, g = maps.margin_grad(X, y, delta)
        if reference and it == 0:
            successes = successes + 1
        else:
            successes = successes + (m_new < (m_step if reference else m)).to(m.dtype)
        m = m_step = m_new
        better = m < best_m
        best_m = torch.where(better, m, best_m)
        best_delta = torch.where(better[..., None, None], delta, best_delta)
        best_g = torch.where(better[..., None, None], g, best_g)
        if it + 1 in checkpoints:
            window = it + 1 - last_check
            cond1 = successes <= APGD_RHO * window if reference else successes < APGD_RHO * window
            cond2 = ~halved_last & (best_m >= best_at_last)
            halve = cond1 | cond2
            eta = torch.where(halve, eta / 2, eta)
            delta = torch.where(halve[..., None, None], best_delta, delta)
            g = torch.where(halve[..., None, None], best_g, g)
            m = torch.where(halve, best_m, m)
            halved_last, best_at_last = halve, best_m
            successes = torch.zeros_like(successes)
            last_check = it + 1
    if maps.step_basis is not maps.basis:
        best_m = maps.margin(X + best_delta, y)
    return best_delta, best_m


# ---- PGD, subspace engine ------------------------------------------------------------------------------


def _pgd_subspace(
    maps: _Maps, X: Tensor, y: Tensor, tau: Tensor, delta0: Tensor, steps: int, step_rel: float, last: bool = False
) -> tuple[Tensor, Tensor]:
    """ℓ₂ PGD of :func:`_pgd`, computed exactly in the r-dimensional span of the model's token maps.

    f depends on a token only through x̃_mᵀ·basis with basis = [W_Q | W_K | u] (d × r), so ∇_{x_m} f =
    basis·g_m with g_m = ∂f/∂(x̃_mᵀ basis) ∈ ℝ^r. Starting from δ_m = δ₀_m, every iterate stays of the form
    δ_m = a_m·δ₀_m + basis·z_m (a_m scalar, z_m ∈ ℝ^r). With Gram = basisᵀbasis and P_δ₀ = δ₀·basis:
    projections x̃ᵀbasis = X·basis + a·P_δ₀ + z·Gram; step z += s·g/‖basis·g‖ with ‖basis·g‖² = gᵀGram g;
    ‖δ‖² = a²‖δ₀‖² + 2a·P_δ₀·z + zᵀGram z, and the radial projection scales (a, z) by τ/‖δ‖. Each step
    costs one (B·M × r)·(r × r) product instead of two (B·M × d)·(d × r); δ is formed in ℝ^d only at the end.
    """
    G, B, M, d = X.shape
    H, dh = maps.H, maps.dh
    BM = B * M
    basis = maps.basis
    low = maps.step_basis.dtype != basis.dtype  # engine "bf16": Gram and the step products in bfloat16
    sb = maps.step_basis
    gram = (sb.transpose(1, 2) @ sb).to(X.dtype) if low else basis.transpose(1, 2) @ basis  # (G, r, r)
    gram_low = gram.to(sb.dtype) if low else gram
    # (G, BM, r): X·basis, fixed, in X's dtype even for bf16: rounding the clean logits weakens the attack
    P = torch.bmm(X.reshape(G, BM, d), basis)
    d0 = delta0.reshape(G, BM, d)
    has_start = bool((d0 != 0).any())
    rad2 = (tau * tau).view(G, 1)
    step = (step_rel * tau).view(G, 1, 1)
    tiny = torch.finfo(X.dtype).tiny
    z = torch.zeros_like(P)
    zG = torch.zeros_like(P)  # z·Gram, updated alongside z so that each step needs one r×r product
    a = torch.ones(G, BM, dtype=X.dtype, device=X.device)
    Pd = dd = None
    if has_start:
        Pd = torch.bmm(d0, basis)
        dd = (d0 * d0).sum(dim=-1)
        # δ₀ is meant to lie in the ball; scale it radially if not, as the direct engine's first projection does
        a = torch.where(dd > rad2, torch.sqrt(rad2 / dd.clamp_min(tiny)), a)
    best_a, best_z, best_m = a, z, None
    yt = y[..., None].expand(G, B, M).reshape(G, BM, 1)
    for it in range(steps + 1):
        cur = P + zG if Pd is None else P + zG + a[..., None] * Pd
        f, gP = _combine_flat_grad(cur, B, M, H, dh)
        m = y * f
        g = -yt * gP  # ∇ of −y·f in the projections
        if best_m is None or (last and it == steps):
            best_m, best_z, best_a = m, z, a
        elif not last:
            better = m < best_m
            best_m = torch.where(better, m, best_m)
            tok = better[..., None].expand(G, B, M).reshape(G, BM)
            best_z = torch.where(tok[..., None], z, best_z)
            best_a = torch.where(tok, a, best_a)
        if it == steps:
            break
        gG = torch.bmm(g.to(gram_low.dtype), gram_low).to(X.dtype) if low else torch.bmm(g, gram)
        gn = (g * gG).sum(dim=-1).clamp_min(0).sqrt()
        c = torch.where(gn > 0, 1 / gn.clamp_min(tiny), torch.zeros_like(gn))[..., None] * step
        z = z + c * g
        zG = zG + c * gG
        n2 = (z * zG).sum(dim=-1)
        if Pd is not None and dd is not None:
            n2 = n2 + a * a * dd + 2 * a * (Pd * z).sum(dim=-1)
        n2 = n2.clamp_min(0)
        scale = torch.where(n2 > rad2, torch.sqrt(rad2 / n2.clamp_min(tiny)), torch.ones_like(n2))
        z, zG, a = z * scale[..., None], zG * scale[..., None], a * scale
    assert best_m is not None
    if low:
        delta = torch.bmm(best_z.to(sb.dtype), sb.transpose(1, 2)).to(X.dtype)
    else:
        delta = torch.bmm(best_z, basis.transpose(1, 2))
    if has_start:
        delta = delta + best_a[..., None] * d0
    if low:  # rounding may leave δ slightly outside the ball, and the kept score is approximate: fix both
        delta = _l2(delta, tau.view(G, 1))
        best_m = maps.margin(X + delta.reshape(G, B, M, d), y)
    return delta.reshape(G, B, M, d), best_m


# ---- restarts, multi-norm, the public entry point --------------------------------------------------------


def _with_restarts(
    inner: _Inner,
    X: Tensor,
    y: Tensor,
    tau: Tensor,
    norm: str,
    spec: AttackSpec,
    gens: list[torch.Generator] | None,
    only_robust: bool,
) -> tuple[Tensor, Tensor]:
    """Run ``inner`` from δ = 0 (or a random point if spec.random_start), then spec.restarts − 1 times from
    random points; keep per example the lowest margin. With only_robust, a restart attacks only the examples
    whose margin is still > 0 (as AutoAttack does) and may replace only those."""
    _, B, M, d = X.shape
    if spec.random_start:
        assert gens is not None
        delta0 = _sample_ball(norm, tau, (B, M, d), gens, X.dtype)
    else:
        delta0 = torch.zeros_like(X)
    delta, m = inner(X, y, tau, delta0)
    for _ in range(1, spec.restarts):
        assert gens is not None
        # every member draws its full batch, so its stream does not depend on which columns are attacked
        delta0 = _sample_ball(norm, tau, (B, M, d), gens, X.dtype)
        if only_robust:
            need = m > 0
            cols = need.any(dim=0).nonzero().squeeze(1)
            if cols.numel() == 0:
                continue
            d_new, m_new = inner(X[:, cols], y[:, cols], tau, delta0[:, cols])
            # columns are shared by the members; a member may only replace its own still-robust examples
            better = need[:, cols] & (m_new < m[:, cols])
        else:
            cols = torch.arange(B, device=X.device)
            d_new, m_new = inner(X, y, tau, delta0)
            better = m_new < m
        m[:, cols] = torch.where(better, m_new, m[:, cols])
        delta[:, cols] = torch.where(better[..., None, None], d_new, delta[:, cols])
    return delta, m


def _inner_for(maps: _Maps, spec: AttackSpec, norm: str, engine: str) -> _Inner:
    last = spec.iterate == "last"
    if spec.kind in ("apgd", "apgd-paper"):
        schedule = "reference" if spec.kind == "apgd" else "paper"
        return lambda X, y, tau, d0: _apgd(maps, X, y, tau, d0, norm, spec.steps, schedule)
    if engine == "subspace" or (engine == "bf16" and norm == "2"):
        # bf16 for ℓ2 PGD: the subspace iteration with its matmuls in bfloat16 (maps.step_basis)
        return lambda X, y, tau, d0: _pgd_subspace(maps, X, y, tau, d0, spec.steps, spec.step_rel, last)
    return lambda X, y, tau, d0: _pgd(maps, X, y, tau, d0, norm, spec.steps, spec.step_rel, last)


def attack(
    w: Weights,
    X: Tensor,
    y: Tensor,
    tau: float | Tensor,
    spec: AttackSpec,
    norm: str,
    gens: Sequence[torch.Generator] | None = None,
    engine: Engine = "direct",
    only_robust: bool = True,
) -> Tensor:
    """An adversarial X̃ ∈ B(X, τ) per member and example that lowers the margin y·f(X̃): (G, B, M, d).

    spec.kind: "pgd" (Section 6, E6.4: spec.steps steps of spec.step_rel·τ, per-token normalised gradient,
    per-token projection, best iterate kept), "apgd" (Croce & Hein 2020, per-token balls, the schedule of their
    published code; "apgd-paper" the schedule as their paper writes it, see :func:`_apgd`), "random" (one
    uniformly random point of each token's ball, the falsifiable corollary of S3.alg1) or "none" (X itself).
    norm: "2", "inf", "1" (per-token ℓ_p balls of radius τ) or "multi" (Appendix B.3, EB.3: PGD/APGD in ℓ₂,
    ℓ∞ and ℓ₁ with radii τ, τ/30, 20τ, in that order, keeping per example the lowest margin; "multi-image" the
    same with the ℓ₁ ball one budget 20τ over the whole input instead of per token; "random"
    picks one of the three balls per example uniformly, then a uniform point of it).
    Restarts beyond the first start from random points: with only_robust (evaluation) only examples still
    at margin > 0 are attacked again (AutoAttack); without (training, where the loss matters) every
    example is, and the lowest margin, i.e. the largest logistic loss, is kept.
    engine: "direct"; "subspace" (ℓ₂ PGD only, exact up to rounding, see :func:`_pgd_subspace`); "bf16"
    (ℓ₂ only, the token projections in bfloat16, the kept iterate re-scored in X's dtype; opt-in,
    not exact). gens: one generator per member, required when the attack draws random points.
    Members with τ = 0 get X back exactly. The weights are detached: no gradient reaches w.
    """
    G = _check_data(X, y)[0]
    if not isinstance(spec, AttackSpec):
        raise ValueError(f"spec must be a simulate.config.AttackSpec, got {type(spec).__name__}")
    choice("norm", norm, NORMS)
    choice("engine", engine, ENGINES)
    if not isinstance(only_robust, bool):
        raise ValueError(f"only_robust must be a bool, got {only_robust!r}")
    w = _check_weights(w, X)
    tau_t = _tau(tau, G, X)
    if engine != "direct" and spec.kind in ITERATIVE_ATTACKS and norm != "2":
        raise ValueError(f"engine={engine!r} applies to the ℓ2 attack only, got norm={norm!r}")
    if engine == "subspace" and spec.kind in ("apgd", "apgd-paper"):
        raise ValueError(f"engine='subspace' implements PGD only, got attack kind {spec.kind!r} (use engine='direct')")
    iterative = spec.kind in ITERATIVE_ATTACKS
    needs_random = spec.kind == "random" or (iterative and (spec.random_start or spec.restarts > 1))
    gen_list = _check_gens(gens, G, needs_random)
    return _attack(w, X, y, tau_t, spec, norm, gen_list, engine, only_robust)


def _attack(
    w: Weights,
    X: Tensor,
    y: Tensor,
    tau_t: Tensor,
    spec: AttackSpec,
    norm: str,
    gen_list: list[torch.Generator] | None,
    engine: str,
    only_robust: bool,
) -> Tensor:
    """:func:`attack` on arguments a run has validated (RunConfig's attack, norm and engine): w detached in X's
    dtype, τ a (G,) tensor in X's dtype, a generator per member when the attack draws random points."""
    G, B, M, d = X.shape
    X = X.detach()
    y = y.detach().to(X.dtype)
    if spec.kind == "none" or not bool((tau_t > 0).any()):
        return X.clone()

    if spec.kind == "random":
        assert gen_list is not None
        if norm in UNION_NORMS:
            balls = union_balls(norm)
            which = torch.stack([torch.randint(0, len(balls), (B,), generator=g, device=g.device) for g in gen_list])
            which = which.to(X.device)
            delta = torch.zeros_like(X)
            for i, (p, factor) in enumerate(balls):
                draw = _sample_ball(p, tau_t * factor, (B, M, d), gen_list, X.dtype)
                delta = torch.where((which == i)[..., None, None], draw, delta)
        else:
            delta = _sample_ball(norm, tau_t, (B, M, d), gen_list, X.dtype)
    else:
        best_delta, best_m = None, None
        for _, delta_p, m_p in _balls(w, X, y, tau_t, spec, norm, gen_list, engine, only_robust):
            if best_delta is None or best_m is None:
                best_delta, best_m = delta_p, m_p
            else:
                better = m_p < best_m
                best_m = torch.where(better, m_p, best_m)
                best_delta = torch.where(better[..., None, None], delta_p, best_delta)
        assert best_delta is not None
        delta = best_delta
    out = torch.where((tau_t > 0).view(G, 1, 1, 1), X + delta, X)
    return out.detach()


def _balls(
    w: Weights,
    X: Tensor,
    y: Tensor,
    tau_t: Tensor,
    spec: AttackSpec,
    norm: str,
    gen_list: list[torch.Generator] | None,
    engine: str,
    only_robust: bool,
) -> list[tuple[str, Tensor, Tensor]]:
    """The attack in each ball of ``norm``'s union (one ball for a single norm), in :func:`union_balls`' order,
    drawing from the generators in that order: (the ball's norm, its δ, its margin) per ball."""
    maps = _Maps.of(w, bf16=engine == "bf16")
    out = []
    for p, factor in union_balls(norm):
        inner = _inner_for(maps, spec, p, engine)
        delta_p, m_p = _with_restarts(inner, X, y, tau_t * factor, p, spec, gen_list, only_robust)
        out.append((p, delta_p, m_p))
    return out


def _attack_by_ball(
    w: Weights,
    X: Tensor,
    y: Tensor,
    tau_t: Tensor,
    spec: AttackSpec,
    norm: str,
    gen_list: list[torch.Generator] | None,
    engine: str,
    only_robust: bool,
) -> list[tuple[str, Tensor]]:
    """:func:`_attack` of a PGD or APGD spec, ball by ball: (the ball's norm, X̃ in that ball) for each ball of a
    union norm's (Appendix B.3's per-norm breakdown; the union's X̃ is, per example, the one of lowest margin).
    Members with τ = 0 get X back in every ball."""
    G = X.shape[0]
    X = X.detach()
    y = y.detach().to(X.dtype)
    if spec.kind not in ITERATIVE_ATTACKS or not bool((tau_t > 0).any()):
        return [(p, _attack(w, X, y, tau_t, spec, p, gen_list, engine, only_robust)) for p, _ in union_balls(norm)]
    keep = (tau_t > 0).view(G, 1, 1, 1)
    return [(p, torch.where(keep, X + delta, X).detach())
            for p, delta, _ in _balls(w, X, y, tau_t, spec, norm, gen_list, engine, only_robust)]


# ---- Theorem 4.3 -------------------------------------------------------------------------------------------


def theorem43_attack(
    X: Tensor,
    y: Tensor,
    signals_plus: Tensor,
    signals_minus: Tensor,
    tau: float | Tensor,
    target: Literal["midpoint", "zero"] = "midpoint",
) -> Tensor:
    """Theorem 4.3's constructive attack: move only the signal token (token 0) toward a point z reachable
    from both classes, by at most τ in ℓ₂; the noise tokens are untouched. Classifier-agnostic.

    target "zero": z = 0, the proof's δ₁ = −µ_y (Appendix I; reaches z when τ ≥ ‖µ‖). target "midpoint":
    z = (µ₊ + µ₋)/2, at distance ‖µ₊ − µ₋‖/2 = ‖µ‖/√2 from both signals since µ₊ ⊥ µ₋ (T4.3.sharp; reaches z
    when τ ≥ ‖µ‖/√2). The displacement z − x₁ is clipped to length τ; when it is not clipped the token is set
    to z itself, so two examples that share their noise then coincide exactly. x₁ is taken from X (it is
    µ_y for Definition 3.1's data); y is checked for shape and values only.
    X (G, B, M, d), y (G, B), signals_* (G, d), τ (G,) or scalar → X̃ (G, B, M, d).
    """
    G, _, _, d = _check_data(X, y)
    for name, s in (("signals_plus", signals_plus), ("signals_minus", signals_minus)):
        if not isinstance(s, Tensor) or tuple(s.shape) != (G, d):
            shape = tuple(s.shape) if isinstance(s, Tensor) else type(s).__name__
            raise ValueError(f"{name} must have shape (G, d) = ({G}, {d}), got {shape}")
    choice("target", target, ("midpoint", "zero"))
    return _theorem43(X, signals_plus, signals_minus, _tau(tau, G, X), target)


def _theorem43(X: Tensor, signals_plus: Tensor, signals_minus: Tensor, tau: Tensor, target: str) -> Tensor:
    """:func:`theorem43_attack` for a run's own test points, signals and (G,) radii in X's dtype."""
    G, _, _, d = X.shape
    tau_t = tau.view(G, 1)
    X = X.detach()
    if target == "zero":
        z = torch.zeros(G, d, dtype=X.dtype, device=X.device)
    else:
        z = (signals_plus.detach().to(X.dtype) + signals_minus.detach().to(X.dtype)) / 2
    out = X.clone()
    out[:, :, 0] = _moved_token(X[:, :, 0], z, tau_t)
    return out


def _moved_token(x1: Tensor, z: Tensor, tau_t: Tensor) -> Tensor:
    """The signal token x₁ (G, B, d) moved toward z (G, d) by at most τ (tau_t (G, 1)): z itself where it is
    reachable, else x₁ + τ·(z − x₁)/‖z − x₁‖ (Theorem 4.3's construction, :func:`theorem43_attack`)."""
    disp = z[:, None, :] - x1  # (G, B, d)
    n = disp.norm(dim=-1)
    reach = n <= tau_t
    moved = x1 + disp * (tau_t / n.clamp_min(torch.finfo(x1.dtype).tiny))[..., None]
    return torch.where(reach[..., None], z[:, None, :].expand_as(x1), moved)


# ---- Lemma 5.3 ---------------------------------------------------------------------------------------------


def _log_attention(Xt: Tensor, WQ: Tensor, WK: Tensor, lq: Tensor, jk: Tensor) -> Tensor:
    """log φ_{l,j}(X̃) = logit_{l,j} − logsumexp_{j'} logit_{l,j'}, logit_{l,j} = x̃_lᵀ W_Q W_Kᵀ x̃_j, per
    expanded example c with its own query l = lq[c] and key j = jk[c]: Xt (G, C, M, d) → (G, C)."""
    C = Xt.shape[1]
    rows = torch.arange(C, device=Xt.device)
    q = torch.einsum("gcd,gde->gce", Xt[:, rows, lq], WQ)  # only the query token l is needed
    k = torch.einsum("gcmd,gde->gcme", Xt, WK)
    logits = torch.einsum("gce,gcme->gcm", q, k)
    return logits[:, rows, jk] - torch.logsumexp(logits, dim=-1)


def _extremise_attention(
    Xc: Tensor, WQ: Tensor, WK: Tensor, lq: Tensor, jk: Tensor, tau: Tensor, steps: int, step_rel: float,
    sign: float, delta0: Tensor,
) -> Tensor:
    """The best sign·log φ found by per-token ℓ₂ PGD from δ₀ (clean point included), (G, C)."""
    G = Xc.shape[0]
    rad = tau.view(G, 1, 1)
    step = (step_rel * tau).view(G, 1, 1, 1)
    best = sign * _log_attention(Xc, WQ, WK, lq, jk)
    delta = _l2(delta0, rad)
    for it in range(steps + 1):
        leaf = delta.detach().requires_grad_(True)
        with torch.enable_grad():
            obj = sign * _log_attention(Xc + leaf, WQ, WK, lq, jk)
            (g,) = torch.autograd.grad(obj.sum(), leaf)
        best = torch.maximum(best, obj.detach())
        if it == steps:
            break
        delta = _l2(delta + step * steepest_direction(g, "2"), rad)
    return best


def attention_ratio(
    w: Weights,
    X: Tensor,
    tau: float | Tensor,
    steps: int = 20,
    step_rel: float = 0.2,
    gens: Sequence[torch.Generator] | None = None,
    chunk: int = 1024,
    log: bool = False,
) -> Tensor:
    """A lower estimate of Lemma 5.3's C = max_{X̃∈B} φ_{l,j}(X̃) / min_{X̃∈B} φ_{l,j}(X̃), maximised over every
    head h, query l, key j and example: (G,).

    φ_{l,j} = softmax_j(x̃_lᵀ W_{Q,h} W_{K,h}ᵀ x̃_j) (L5.3 = Lemma G.7; the lemma claims C ≤ e/2). For each
    (example, l, j, h) one per-token-ℓ₂ PGD (``steps`` steps of step_rel·τ) maximises log φ_{l,j} and another
    minimises it, both from δ = 0 (or, with gens, from a uniform point of the ball; the clean point is always
    scored). The batch is expanded to B·M² examples per head and processed ``chunk`` at a time, so memory is
    O(chunk·M·d) per member. Cost: 2·H·B·M²·(steps + 1) forward-backward passes of a query/key map of
    O(M·d·d_h) flops each, i.e. ≈ 6·H·B·M³·d·d_h·(steps + 1) flops per member (M² times one PGD attack on
    the queries and keys alone); measured ≈ 3 s per example and member at d = 1024, M = 16, d_h = 128, H = 1,
    20 steps, float32, one CPU core. Returns exp(max log φ − min log φ) ≥ 1; it is 1 exactly when W_Q W_Kᵀ = 0.
    With ``log=True`` it returns max log φ − min log φ ≥ 0 instead, which stays finite at huge logits.
    """
    G = _check_data(X)[0]
    w = _check_weights(w, X)
    tau_t = _tau(tau, G, X)
    steps = positive_int("steps", steps)
    step_rel = positive("step_rel", step_rel)
    chunk = positive_int("chunk", chunk)
    gen_list = _check_gens(gens, G, needed=False)
    return _attention_ratio(w, X, tau_t, steps, step_rel, gen_list, chunk, log)


def _attention_ratio(w: Weights, X: Tensor, tau_t: Tensor, steps: int, step_rel: float,
                     gen_list: list[torch.Generator] | None, chunk: int, log: bool) -> Tensor:
    """:func:`attention_ratio` on a run's own weights (detached, X's dtype), points and (G,) radii."""
    G, B, M, d = X.shape
    X = X.detach()
    E = B * M * M
    e = torch.arange(E, device=X.device)
    b_idx, l_idx, j_idx = e // (M * M), (e // M) % M, e % M
    log_ratio = torch.zeros(G, dtype=X.dtype, device=X.device)
    for h in range(w.H):
        WQ, WK = w.W_Q[:, h], w.W_K[:, h]
        for start in range(0, E, chunk):
            sl = slice(start, min(start + chunk, E))
            Xc = X[:, b_idx[sl]]
            C = Xc.shape[1]
            hi_lo = []
            for sign in (1.0, -1.0):
                if gen_list is not None:
                    delta0 = _sample_ball("2", tau_t, (C, M, d), gen_list, X.dtype)
                else:
                    delta0 = torch.zeros_like(Xc)
                hi_lo.append(_extremise_attention(Xc, WQ, WK, l_idx[sl], j_idx[sl], tau_t, steps, step_rel, sign,
                                                  delta0))
            log_max, neg_log_min = hi_lo
            r = (log_max + neg_log_min).amax(dim=1)  # log φ_max − log φ_min, worst (example, l, j)
            log_ratio = torch.maximum(log_ratio, r)
    # large logits make the ratio overflow (e.g. e^{1e3}); its log is what stays finite
    return log_ratio if log else torch.exp(log_ratio)
