"""The paper's two-layer transformer, eq. (1), batched over a leading grid axis G.

    f(X) = (1/M) Σ_l softmax(x_lᵀ W_Q W_Kᵀ Xᵀ) X W_V w_O          (eq. 1; no 1/√d_h temperature)

with multi-head as in Appendix C: f = Σ_h f_h, each head with its own (W_Q, W_K, W_V), one shared
w_O that is never trained, and the sum not divided by H. Because w_O is fixed, X W_V w_O = X u with
u = W_V w_O; computing X u instead of (X W_V) w_O is the same function with the same gradients
(autograd goes through u = W_V w_O) at a fraction of the cost. :func:`forward_reference` keeps the
literal computation for tests and for the benchmark's baseline.

Shapes: W_Q, W_K (G, H, d, d_h); W_V (G, H, d, d_v); w_O (G, d_v); X (G, B, M, d); f (G, B).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from simulate.data import generator

__all__ = [
    "Weights",
    "attention",
    "forward",
    "forward_reference",
    "init_weights",
    "project",
]


@dataclass
class Weights:
    """Trainable W_Q, W_K, W_V and the fixed w_O of G models (one per grid member)."""

    W_Q: torch.Tensor  # (G, H, d, dh)
    W_K: torch.Tensor  # (G, H, d, dh)
    W_V: torch.Tensor  # (G, H, d, dv)
    w_O: torch.Tensor  # (G, dv)

    @property
    def G(self) -> int:
        return self.W_Q.shape[0]

    @property
    def H(self) -> int:
        return self.W_Q.shape[1]

    @property
    def dh(self) -> int:
        return self.W_Q.shape[3]

    def u(self) -> torch.Tensor:
        """u_h = W_{V,h} w_O, shape (G, H, d): the value direction of each head."""
        return torch.einsum("ghde,ge->ghd", self.W_V, self.w_O)

    def trainable(self) -> list[torch.Tensor]:
        return [self.W_Q, self.W_K, self.W_V]

    def select(self, idx: torch.Tensor) -> Weights:
        """The members ``idx`` only (a new Weights sharing no storage with gradients)."""
        return Weights(*(t.detach()[idx].clone() for t in (self.W_Q, self.W_K, self.W_V, self.w_O)))

    def detached(self) -> Weights:
        return Weights(*(t.detach() for t in (self.W_Q, self.W_K, self.W_V, self.w_O)))

    def to(self, dtype: torch.dtype) -> Weights:
        return Weights(*(t.to(dtype) for t in (self.W_Q, self.W_K, self.W_V, self.w_O)))


def init_weights(
    d: int,
    dh: int,
    dv: int,
    H: int,
    seeds: list[int],
    init: str,
    sigma_h: list[float | None],
    sigma_V: list[float | None],
    w_O_norm: list[float],
    w_O_dir: str,
    dtype: torch.dtype,
    perturb: list[int] | None = None,
    init_scale: float = 1.0,
) -> Weights:
    """Initial weights of G members, each from its own seed.

    ``init="theory"``: (W_Q)_ij, (W_K)_ij ~ N(0, σ_h²), (W_V)_ij ~ N(0, σ_V²) (Algorithm 1, Condition
    4.1(5)). ``init="pytorch16"``: the PyTorch ``nn.Linear(d, ·)`` default U(±1/√d) times 1/16
    (Section 6). w_O = ‖w_O‖·1/√d_v ("ones") or ‖w_O‖ times a Gaussian direction ("random"); the
    paper does not report it (IC-10). ``init_scale`` multiplies W_Q, W_K and W_V after the draw (1: as the
    init says; the sensitivity of the findings to the initialisation's scale). ``perturb[g]`` moves every weight of
    member g that many ulps of ``dtype`` toward +∞ after the draw (:func:`nudge`; the stability check's last-bit
    difference).
    """
    G = len(seeds)
    out: list[list[torch.Tensor]] = [[], [], [], []]
    for g in range(G):
        gen = generator(seeds[g], "init")
        if init == "theory":
            sh, sv = sigma_h[g], sigma_V[g]
            if sh is None or sv is None:
                raise ValueError("init='theory' needs sigma_h and sigma_V for every member")
            wq = torch.randn(H, d, dh, generator=gen, dtype=torch.float64) * sh
            wk = torch.randn(H, d, dh, generator=gen, dtype=torch.float64) * sh
            wv = torch.randn(H, d, dv, generator=gen, dtype=torch.float64) * sv
        elif init == "pytorch16":
            bound = 1.0 / math.sqrt(d) / 16.0
            wq = (torch.rand(H, d, dh, generator=gen, dtype=torch.float64) * 2 - 1) * bound
            wk = (torch.rand(H, d, dh, generator=gen, dtype=torch.float64) * 2 - 1) * bound
            wv = (torch.rand(H, d, dv, generator=gen, dtype=torch.float64) * 2 - 1) * bound
        else:
            raise ValueError(f"init must be one of 'pytorch16', 'theory', got {init!r}")
        if init_scale != 1.0:
            wq, wk, wv = wq * init_scale, wk * init_scale, wv * init_scale
        if w_O_dir == "ones":
            wo = torch.full((dv,), 1.0 / math.sqrt(dv), dtype=torch.float64)
        elif w_O_dir == "random":
            wo = torch.randn(dv, generator=gen, dtype=torch.float64)
            wo = wo / wo.norm()
        else:
            raise ValueError(f"w_O_dir must be one of 'ones', 'random', got {w_O_dir!r}")
        for slot, t in zip(out, (wq, wk, wv, wo * w_O_norm[g]), strict=True):
            slot.append(t)
    stacked = [torch.stack(ts).to(dtype) for ts in out]
    for g, k in enumerate(perturb or ()):
        for t in stacked:
            t[g] = nudge(t[g], k)
    return Weights(*stacked)


def nudge(t: torch.Tensor, ulps: int) -> torch.Tensor:
    """``t`` with every entry moved ``ulps`` representable values of its dtype toward +∞ (``t`` for 0)."""
    inf = torch.full_like(t, math.inf)
    for _ in range(ulps):
        t = torch.nextafter(t, inf)
    return t


def project(w: Weights, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Queries, keys and values of every token: (G, H, B, M, d_h) twice and (G, H, B, M).

    One matmul against [W_Q | W_K | u] per member; the value of token j is v_j = x_jᵀ W_V w_O.
    """
    G, B, M, d = X.shape
    H, dh = w.H, w.dh
    cat = torch.cat([w.W_Q, w.W_K, w.u()[..., None]], dim=-1)  # (G, H, d, 2dh+1)
    cat = cat.permute(0, 2, 1, 3).reshape(G, d, H * (2 * dh + 1))
    proj = torch.bmm(X.reshape(G, B * M, d), cat).reshape(G, B, M, H, 2 * dh + 1).permute(0, 3, 1, 2, 4)
    return proj[..., :dh], proj[..., dh : 2 * dh], proj[..., 2 * dh]


def combine(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """f from queries, keys and values: (1/M) Σ_h Σ_l Σ_j softmax_j(q_l·k_j) v_j, shape (G, B)."""
    M = q.shape[-2]
    alpha = torch.softmax(q @ k.transpose(-1, -2), dim=-1)  # (G, H, B, M, M); softmax is max-shifted
    weight = alpha.sum(dim=-2)  # (G, H, B, M): Σ_l α_{l j}
    return (weight * v).sum(dim=(-1, 1)) / M


def forward(w: Weights, X: torch.Tensor) -> torch.Tensor:
    """f(X) of eq. (1) for every member and example: X (G, B, M, d) → (G, B)."""
    q, k, v = project(w, X)
    return combine(q, k, v)


def attention(w: Weights, X: torch.Tensor) -> torch.Tensor:
    """The attention matrices softmax(x_lᵀ W_Q W_Kᵀ Xᵀ): (G, H, B, M, M), rows sum to 1."""
    q, k, _ = project(w, X)
    return torch.softmax(q @ k.transpose(-1, -2), dim=-1)


def forward_reference(w: Weights, X: torch.Tensor) -> torch.Tensor:
    """eq. (1) computed literally, (X W_Q)(X W_K)ᵀ then softmax · (X W_V) · w_O, head by head."""
    M = X.shape[-2]
    out = torch.zeros(X.shape[:2], dtype=X.dtype)
    for h in range(w.H):
        q = torch.einsum("gbmd,gde->gbme", X, w.W_Q[:, h])
        k = torch.einsum("gbmd,gde->gbme", X, w.W_K[:, h])
        values = torch.einsum("gbmd,gde->gbme", X, w.W_V[:, h])  # (G, B, M, dv)
        alpha = torch.softmax(q @ k.transpose(-1, -2), dim=-1)
        out = out + torch.einsum("gblj,gbje,ge->gb", alpha, values, w.w_O) / M
    return out
