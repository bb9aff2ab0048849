"""A certified (sound) lower bound on the robust margin of the eq. (1) transformer.

For one example (X, y) and the per-token balls B(X, τ) = {X̃ : ‖x̃_m − x_m‖_p ≤ τ for every token m},
:func:`certified_margin` returns a number L with

    L ≤ min_{X̃ ∈ B(X, τ)} y·f(X̃),    f(X̃) = Σ_h (1/M) Σ_l Σ_j softmax_j(x̃_lᵀ A_h x̃_j) · x̃_jᵀ u_h,

A_h = W_{Q,h} W_{K,h}ᵀ, u_h = W_{V,h} w_O. An attack gives an upper estimate U ≥ min y·f, so L ≤ min ≤ U
brackets the true robust margin, and "certified robust error" (the fraction of points with L ≤ 0)
is an UPPER estimate of the robust error, where the attacked error is a lower one.

The bound (q is the dual exponent of p: 1/p + 1/q = 1; ℓ2 ↔ ℓ2, ℓ∞ ↔ ℓ1, ℓ1 ↔ ℓ∞)
--------------------------------------------------------------------------------------
Write x̃_m = x_m + δ_m with ‖δ_m‖_p ≤ τ. Each head h and each query row l is bounded separately.

1. Logits. Softmax over j is invariant to a shift that depends on l only; for any fixed c ∈ ℝ^d
   shift row l by δ_lᵀAc: softmax_j(x̃_lᵀA x̃_j) = softmax_j(x̃_lᵀA x̃_j − δ_lᵀAc), and

       x̃_lᵀA x̃_j − δ_lᵀAc = x_lᵀA x_j + δ_lᵀA(x_j − c) + x_lᵀAδ_j + δ_lᵀAδ_j,
       |δ_lᵀA(x_j − c)| ≤ τ‖A(x_j − c)‖_q,   |x_lᵀAδ_j| ≤ τ‖Aᵀx_l‖_q,   |δ_lᵀAδ_j| ≤ τ²‖A‖_{p→q}

   (Hölder, and ‖A‖_{p→q} = sup_{‖a‖_p, ‖b‖_p ≤ 1} aᵀAb, which also covers the diagonal l = j where
   both sides carry the same δ_j). So the shifted z_lj ∈ [z⁰_lj − r_lj, z⁰_lj + r_lj], z⁰_lj = x_lᵀA x_j,
   r_lj = τ‖A(x_j − c)‖_q + τ‖Aᵀx_l‖_q + τ²‖A‖_{p→q}. Several c are used — c = 0 (the textbook
   bound, returned by :func:`worst_case_logit_shift`), c = (1/M)Σ_j x_j, optionally every c = x_m —
   and the largest (best) row bound is kept: each is a valid lower bound, so is their maximum. A x = W_Q(W_Kᵀx) and
   Aᵀx = W_K(W_Qᵀx) are formed without A.
   ‖A‖_{p→q} (:func:`induced_norm_bound`): ℓ2 — σ_max(A) = σ_max(R_Q R_Kᵀ) from thin QRs (exact);
   ℓ1 → ℓ∞ — max_ij |A_ij| (exact: the ℓ1 ball's extreme points are ±e_i), or max_i‖W_Q[i]‖₂·
   max_j‖W_K[j]‖₂ when d is too large to form A; ℓ∞ → ℓ1 (NP-hard exactly) — the least of
   Σ_ij |A_ij| (when A is formed), d·σ_max(A) (‖a‖₂ ≤ √d‖a‖_∞), Σ_e ‖W_Q[:,e]‖₁‖W_K[:,e]‖₁ and
   (Σ_i ‖W_Q[i]‖₂)(Σ_i ‖W_K[i]‖₂), each an upper bound on sup_{a,b∈[−1,1]^d} aᵀW_Q W_Kᵀb.
2. Values. y·x̃_jᵀu_h ≥ a_j := y·x_jᵀu_h − τ‖u_h‖_q (exact per token).
3. Row minimum. Treating the logits and values as independent (a relaxation: they share δ_j; so
   are the heads and rows, which each get their own worst δ) and using Σ_j α_j = 1, α ≥ 0,
   the row contributes at least min { Σ_j softmax(z)_j a_j : z ∈ Π_j [lo_j, hi_j] }. This minimum is
   computed EXACTLY (:func:`softmax_min`): ∂/∂z_j Σ α a = α_j (a_j − S) with S the current value, so
   at a minimiser z_j = hi_j where a_j < S and z_j = lo_j where a_j > S (a tie a_j = S can be moved
   to hi_j without changing S); hence some minimiser puts hi_j on a prefix of the tokens sorted by a_j
   and lo_j on the rest, and the min over the M + 1 prefixes (O(M²) per row, max-shifted softmax)
   is the minimum.
4. L = Σ_h (1/M) Σ_l (row minimum of head h, row l).
5. Query coupling (method 'tight', the default). Step 3 lets each shifted logit of row l take its worst
   value on its own, but the query part of all of them comes from ONE δ_l: with c the token mean and
   h_j = W_Kᵀ(x_j − c), the shifted logit is z_lj = z⁰_lj + s_j + κ_j with s_j = δ_lᵀW_Q h_j (a linear
   image of one ball: |Σ_j λ_j s_j| ≤ τ‖W_Q Σ_j λ_j h_j‖_q, up to √M below the box's Σ_j |λ_j|·τ‖W_Q h_j‖_q)
   and |κ_j| ≤ k_j := τ‖Aᵀx_l‖_q + τ²‖A‖_{p→q} (the key term x_lᵀAδ_j, which has its own δ_j, and the
   quadratic term). A level t is certified for the row when the numerator of Σ_j α_j a_j − t,

       Σ_j e^{z_j}(a_j − t) ≥ Σ_j m_j e^{s_j},   m_j = e^{z⁰_j}(a_j − t)e^{−sign(a_j − t) k_j}

   (the worst κ_j per token, exact), is ≥ 0 for every δ_l. Both sides of e^s are bounded linearly and
   soundly, exp being convex: e^s ≥ e^{s₀}(1 + s − s₀) for all s (tangent, used where m_j > 0, at
   s₀ = −R_j/2 and at s₀ = −R_j, a level being kept if either certifies it), e^s ≤ cosh R_j +
   s·sinh(R_j)/R_j for |s| ≤ R_j (chord, where m_j < 0), with R_j ≥ τ‖W_Q h_j‖_q the range of s_j.
   The numerator is then ≥ Σ_j const_j + Σ_j λ_j s_j (λ_j = m_j e^{s₀} or m_j sinh(R_j)/R_j) ≥ Σ_j const_j −
   τ‖W_Q Σ_j λ_j h_j‖_q, the minimum over the ball in closed form. If that is ≥ 0 (less its rounding
   allowance), Σ_j α_j a_j ≥ t at every point of the balls, so t bounds the row. The largest such t is
   found by bisection between the step-3 row bound (valid by itself) and the clean row value; each
   accepted t is a certificate, so the result is sound however the bisection goes, and never below step 3.
   Cost: 10 bisection steps of O(M²) per row on M × M Gram matrices K = h Γ hᵀ, Γ = W_QᵀW_Q (ℓ2;
   the other norms form W_Q g per step): at d = 256, M = 8, d_h = 32, about 1.3–1.5× the 'box' bound
   for ℓ2 and 4× for ℓ∞ and ℓ1 (the evaluation's ``_certified_margin`` uses 'tight' for ℓ2 only).

Everything is computed in float64 from the inputs (float32 inputs convert exactly) and the
rounding of that arithmetic is covered by explicit allowances (``_gamma``): γ = 4(d + d_h + d_v +
M + H + 16)·2⁻⁵³ times |·|-products that dominate each computed inner product (standard bounds
|fl(aᵀb) − aᵀb| ≤ γ_n |a|ᵀ|b|), added to the logit radii and subtracted from the values and from
the final sums. They are ~1e-13 relative, so τ = 0 reproduces the clean margin to that accuracy.
Step 5 adds to k_j the rounding of the logits and of h_j, bounds ‖W_Q g‖₂² = gᵀΓg with 4γ|·|ᵀ|Γ|-type
allowances, and accepts a level only if the computed numerator bound exceeds 64(M + 16)·2⁻⁵³ times the
sum of the magnitudes of its terms (exp, cosh and sinh are taken as accurate to a few ulps).

Tightness: exact (up to the allowances) when W_Q = W_K = 0 and H = 1 — y·f(X) − τ‖u‖_q; with
H > 1 heads it is y·f(X) − τ Σ_h‖u_h‖_q ≤ y·f(X) − τ‖Σ_h u_h‖_q, the exact worst case. With
attention it loses the coupling between a token's value and its logits, so it is loose once the
logit radii r_lj are O(1) or more (the softmax can then move all its mass to the worst token). Step 5
recovers the shared query perturbation within a row; still relaxed are the key–value coupling (one δ_j
moves token j's value and its key in every row), the rows and heads (each row gets its own worst δ),
and the tangent/chord of e^s, which is loose once R_j ≫ 1 (then step 5 falls back to step 3). Unlike
step 3, step 5's result is not monotone in τ or in the centres to the last bits (its bisection stops
at a resolution of 2⁻¹² of the row's gap).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from bounds.validate import choice
from simulate.model import Weights

__all__ = [
    "CENTERS",
    "METHODS",
    "NORMS",
    "certified_error",
    "certified_margin",
    "dual_norm",
    "induced_norm_bound",
    "softmax_min",
    "worst_case_logit_shift",
]

NORMS: tuple[str, ...] = ("2", "inf", "1")
CENTERS: tuple[str, ...] = ("none", "mean", "tokens")
METHODS: tuple[str, ...] = ("box", "tight")
_TANGENTS = (0.5, 1.0)  # tangent points s₀ = −f·R_j of step 5's positive terms, f in this tuple
_BISECT = 10  # bisection steps of the "tight" row bound (each halves the gap to the clean row value)
_DUAL = {"2": "2", "inf": "1", "1": "inf"}
_ALIASES = {"2": "2", "2.0": "2", "inf": "inf", "infinity": "inf", "∞": "inf", "1": "1", "1.0": "1"}
_U = 2.0**-53  # float64 unit roundoff
_FORM_A_MAX_D = 4096  # form A = W_Q W_Kᵀ (for the ℓ1/ℓ∞ induced norms) only up to this d
_BUDGET = 1 << 23  # elements per intermediate tensor (chunking over the batch axis)


# -- validation ---------------------------------------------------------------------------------------


def _norm(norm: object) -> str:
    text = str(norm).strip().lower()
    if text not in _ALIASES:
        raise ValueError(f"norm must be one of {', '.join(repr(n) for n in NORMS)}, got {norm!r}")
    return _ALIASES[text]


def _weights(w: object) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    if not isinstance(w, Weights):
        raise ValueError(f"w must be a simulate.model.Weights, got {type(w).__name__}")
    tensors = {"W_Q": w.W_Q, "W_K": w.W_K, "W_V": w.W_V, "w_O": w.w_O}
    for name, t in tensors.items():
        if not isinstance(t, torch.Tensor):
            raise ValueError(f"w.{name} must be a tensor, got {type(t).__name__}")
    WQ, WK, WV, wO = (t.detach().to(torch.float64) for t in tensors.values())
    if WQ.dim() != 4 or WK.shape != WQ.shape:
        raise ValueError(f"w.W_Q and w.W_K must both have shape (G, H, d, d_h), got {tuple(WQ.shape)} "
                         f"and {tuple(WK.shape)}")
    G, H, d, _ = WQ.shape
    if WV.dim() != 4 or WV.shape[:3] != (G, H, d) or wO.shape != (G, WV.shape[3]):
        raise ValueError(f"w.W_V must have shape (G, H, d, d_v) = ({G}, {H}, {d}, d_v) and w.w_O (G, d_v), "
                         f"got {tuple(WV.shape)} and {tuple(wO.shape)}")
    for name, t in zip(tensors, (WQ, WK, WV, wO), strict=True):
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"w.{name} must be finite, got non-finite entries")
    return WQ, WK, WV, wO


def _inputs(w: object, X: object, tau: object, norm: object):
    WQ, WK, WV, wO = _weights(w)
    G, _, d, _ = WQ.shape
    if not isinstance(X, torch.Tensor):
        raise ValueError(f"X must be a tensor of shape (G, B, M, d), got {type(X).__name__}")
    if X.dim() != 4 or X.shape[0] != G or X.shape[3] != d or X.shape[1] < 1 or X.shape[2] < 1:
        raise ValueError(f"X must have shape (G, B, M, d) = ({G}, B, M, {d}) with B, M >= 1, got {tuple(X.shape)}")
    X = X.detach().to(torch.float64)
    if not bool(torch.isfinite(X).all()):
        raise ValueError("X must be finite, got non-finite entries")
    try:
        t = torch.as_tensor(tau.detach() if isinstance(tau, torch.Tensor) else tau, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError(f"tau must be a tensor of shape (G,) = ({G},), got {tau!r}") from None
    if t.dim() == 0:
        t = t.expand(G)
    if t.shape != (G,):
        raise ValueError(f"tau must have shape (G,) = ({G},), got {tuple(t.shape)}")
    if not bool(torch.isfinite(t).all()):
        raise ValueError(f"tau must be finite, got {t.tolist()}")
    if bool((t < 0).any()):
        raise ValueError(f"tau must be >= 0, got {t.tolist()}")
    return WQ, WK, WV, wO, X, t.contiguous(), _norm(norm)


def _labels(y: object, X: torch.Tensor) -> torch.Tensor:
    G, B = X.shape[:2]
    if not isinstance(y, torch.Tensor):
        raise ValueError(f"y must be a tensor of shape (G, B), got {type(y).__name__}")
    if y.shape != (G, B):
        raise ValueError(f"y must have shape (G, B) = ({G}, {B}), got {tuple(y.shape)}")
    y = y.detach().to(torch.float64)
    if not bool(((y == 1) | (y == -1)).all()):
        bad = y[(y != 1) & (y != -1)].flatten()[:3].tolist()
        raise ValueError(f"y must have entries in {{-1, +1}}, got {bad}")
    return y


# -- building blocks ----------------------------------------------------------------------------------


def dual_norm(norm: object) -> str:
    """The dual exponent q of p (1/p + 1/q = 1) as a norm name: '2' → '2', 'inf' → '1', '1' → 'inf'."""
    return _DUAL[_norm(norm)]


def _vnorm(v: torch.Tensor, q: str) -> torch.Tensor:
    if q == "2":
        return torch.linalg.vector_norm(v, 2, dim=-1)
    if q == "1":
        return v.abs().sum(dim=-1)
    return v.abs().amax(dim=-1)


def _mapped_norm(W: torch.Tensor, Z: torch.Tensor, q: str) -> torch.Tensor:
    """‖W z‖_q for W (G, H, d, e) and every z in Z (G, H, B, M, e): shape (G, H, B, M), chunked over B."""
    G, H, B, M, _ = Z.shape
    d = W.shape[2]
    step = max(1, _BUDGET // max(1, G * H * M * d))
    outs = []
    for s in range(0, B, step):
        v = torch.einsum("ghde,ghbme->ghbmd", W, Z[:, :, s : s + step])
        outs.append(_vnorm(v, q))
    return torch.cat(outs, dim=2)


def induced_norm_bound(w: Weights, norm: object = "2") -> torch.Tensor:
    """An upper bound on ‖A_h‖_{p→q} = sup_{‖a‖_p, ‖b‖_p ≤ 1} aᵀ A_h b, A_h = W_{Q,h}W_{K,h}ᵀ: (G, H).

    Exact for p = 2 (σ_max) and for p = 1 (max |A_ij|, when d ≤ 4096); for p = ∞ the least of the
    valid upper bounds listed in the module docstring. No rounding allowance (see ``_gamma``).
    """
    WQ, WK, _, _ = _weights(w)
    return _induced(WQ, WK, _norm(norm))


def _sigma_max(WQ: torch.Tensor, WK: torch.Tensor) -> torch.Tensor:
    RQ = torch.linalg.qr(WQ, mode="r").R  # W = Q R, Q with orthonormal columns: σ(W_Q W_Kᵀ) = σ(R_Q R_Kᵀ)
    RK = torch.linalg.qr(WK, mode="r").R
    return torch.linalg.svdvals(RQ @ RK.transpose(-1, -2))[..., 0]


def _induced(WQ: torch.Tensor, WK: torch.Tensor, p: str) -> torch.Tensor:
    sigma = _sigma_max(WQ, WK)
    if p == "2":
        return sigma
    G, H, d, _ = WQ.shape
    if p == "1":
        bound = torch.minimum(sigma, WQ.norm(dim=-1).amax(-1) * WK.norm(dim=-1).amax(-1))
    else:
        cands = [
            d * sigma,
            (WQ.abs().sum(dim=2) * WK.abs().sum(dim=2)).sum(-1),
            WQ.norm(dim=-1).sum(-1) * WK.norm(dim=-1).sum(-1),
        ]
        bound = torch.stack(cands).amin(0)
    if d <= _FORM_A_MAX_D:
        exact = torch.empty(G, H, dtype=torch.float64)
        rows = max(1, _BUDGET // d)
        for g in range(G):
            for h in range(H):
                acc = 0.0
                for s in range(0, d, rows):
                    block = (WQ[g, h, s : s + rows] @ WK[g, h].T).abs()
                    acc = max(acc, float(block.max())) if p == "1" else acc + float(block.sum())
                exact[g, h] = acc
        bound = torch.minimum(bound, exact)
    return bound


def softmax_min(lo: torch.Tensor, hi: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """min { Σ_j softmax(z)_j a_j : lo_j ≤ z_j ≤ hi_j } over the last axis, exactly (see step 3).

    ``lo``, ``hi``, ``a`` broadcast to a common shape (..., M) with lo ≤ hi. The minimiser puts
    z_j = hi_j on the tokens with the k smallest a_j and z_j = lo_j on the others, for some k in
    0..M; all M + 1 candidates are evaluated with a max-shifted softmax (no overflow at any
    logit scale) and the least is returned. Where lo or hi is not finite it returns min_j a_j,
    which is ≤ the value at every softmax weight vector.
    """
    lo, hi, a = torch.broadcast_tensors(lo, hi, a)
    M = a.shape[-1]
    finite = torch.isfinite(lo).all(-1) & torch.isfinite(hi).all(-1)
    a_sorted, order = a.sort(dim=-1)
    lo_s = torch.nan_to_num(lo.gather(-1, order), nan=0.0, posinf=0.0, neginf=0.0)
    hi_s = torch.nan_to_num(hi.gather(-1, order), nan=0.0, posinf=0.0, neginf=0.0)
    prefix = torch.arange(M)[None, :] < torch.arange(M + 1)[:, None]  # (M+1, M): token j is "high" in candidate k
    z = torch.where(prefix, hi_s[..., None, :], lo_s[..., None, :])  # (..., M+1, M)
    values = (torch.softmax(z, dim=-1) * a_sorted[..., None, :]).sum(-1).amin(-1)
    return torch.where(finite, values, a_sorted[..., 0])


# -- rounding allowances ------------------------------------------------------------------------------


def _gamma(d: int, dh: int, dv: int, M: int, H: int) -> float:
    """4γ_n, n = d + d_h + d_v + M + H + 16, γ_n = n·u/(1 − n·u): the relative allowance for every
    computed inner product (|fl(aᵀb) − aᵀb| ≤ γ_n |a|ᵀ|b|) and norm, with a factor 4 to spare."""
    n = d + dh + dv + M + H + 16
    return 4 * n * _U / (1 - n * _U)


# -- the bound ----------------------------------------------------------------------------------------


def _head_quantities(WQ, WK, X):
    """Queries, keys and their |·|-dominating counterparts for the rounding allowances."""
    q = torch.einsum("gbmd,ghde->ghbme", X, WQ)
    k = torch.einsum("gbmd,ghde->ghbme", X, WK)
    aq = torch.einsum("gbmd,ghde->ghbme", X.abs(), WQ.abs())
    ak = torch.einsum("gbmd,ghde->ghbme", X.abs(), WK.abs())
    return q, k, aq, ak


def _row_radii(WQ, WK, q, k, tau, nA, qn):
    """τ‖A x_j‖_q (G,H,B,M; index j), τ‖Aᵀx_l‖_q (index l) and τ²‖A‖ (G,H,1,1), no allowance."""
    t = tau[:, None, None, None]
    kq = t * _mapped_norm(WQ, k, qn)
    ql = t * _mapped_norm(WK, q, qn)
    quad = (tau**2)[:, None] * nA
    return kq, ql, quad[:, :, None, None]


def worst_case_logit_shift(w: Weights, X: torch.Tensor, tau: object, norm: object = "2") -> torch.Tensor:
    """The analytic bound on |x̃_lᵀA_h x̃_j − x_lᵀA_h x_j| over B(X, τ): (G, H, B, M, M), entry [..., l, j].

    τ‖A_h x_j‖_q + τ‖A_hᵀx_l‖_q + τ²‖A_h‖_{p→q} (CLAIMS.md L5.3: for ℓ2, ‖A‖_{2→2} = ‖A‖_op). Compare
    with the clean logits q kᵀ from :func:`simulate.model.project`. No rounding allowance.
    """
    WQ, WK, _, _, X, t, p = _inputs(w, X, tau, norm)
    q, k, _, _ = _head_quantities(WQ, WK, X)
    kq, ql, quad = _row_radii(WQ, WK, q, k, t, _induced(WQ, WK, p), _DUAL[p])
    return kq[..., None, :] + ql[..., :, None] + quad[..., None]


def certified_margin(
    w: Weights, X: torch.Tensor, y: torch.Tensor, tau: object, norm: object = "2", *, center: str = "mean",
    method: str = "tight",
) -> torch.Tensor:
    """A sound lower bound on min_{X̃ ∈ B(X, τ)} y·f(X̃) for every member and example: (G, B), float64.

    ``tau`` has shape (G,) (a scalar is broadcast), τ_g ≥ 0 in the ℓ_p norm ``norm`` ('2', 'inf', '1').
    ``center`` picks the shift points c of step 1, the best row bound over them being kept: 'none' —
    c = 0 only (the textbook logit bound); 'mean' (default) — also the token mean; 'tokens' — also
    every token x_m (M more row minimisations, tighter when one token, e.g. the signal, dominates
    ‖A x_j‖). ``method`` 'box' is steps 1–4 of the module docstring; 'tight' (default) also runs step 5
    (the query-coupled row bound) and keeps, row by row, the larger of the two: never below 'box'.
    """
    WQ, WK, WV, wO, X, t, p = _inputs(w, X, tau, norm)
    y = _labels(y, X)
    choice("center", center, CENTERS)
    choice("method", method, METHODS)
    return _bound(WQ, WK, WV, wO, X, y, t, p, center, method)


def _certified_margin(w: Weights, X: torch.Tensor, y: torch.Tensor, tau: torch.Tensor, norm: str,
                      method: str | None = None) -> torch.Tensor:
    """:func:`certified_margin` (center "mean") on a run's own weights, points, labels and (G,) radii, which its
    callers have validated: converted to float64, not checked again.

    ``method`` None is 'tight' for ℓ2 (about 1.3–1.5× the box bound's time at d = 256, M = 8, d_h = 32) and
    'box' for ℓ∞ and ℓ1, where step 5 forms W_Q g at every bisection step (about 4× the box bound's time).
    """
    WQ, WK, WV, wO = (t.detach().to(torch.float64) for t in (w.W_Q, w.W_K, w.W_V, w.w_O))
    X, y = X.detach().to(torch.float64), y.detach().to(torch.float64)
    chosen = method if method is not None else ("tight" if norm == "2" else "box")
    return _bound(WQ, WK, WV, wO, X, y, tau.detach().to(torch.float64).contiguous(), norm, "mean", chosen)


def _certified_pair(w: Weights, X: torch.Tensor, y: torch.Tensor,
                    tau: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The box bound and the tight bound of :func:`_certified_margin` in ℓ2 from one pass (the tight one starts from
    the box one's rows): (box, tight), each (G, B), for a run's own validated inputs."""
    WQ, WK, WV, wO = (t.detach().to(torch.float64) for t in (w.W_Q, w.W_K, w.W_V, w.w_O))
    X, y = X.detach().to(torch.float64), y.detach().to(torch.float64)
    return _bounds(WQ, WK, WV, wO, X, y, tau.detach().to(torch.float64).contiguous(), "2", "mean", "tight")


def _bound(WQ: torch.Tensor, WK: torch.Tensor, WV: torch.Tensor, wO: torch.Tensor, X: torch.Tensor,
           y: torch.Tensor, t: torch.Tensor, p: str, center: str, method: str = "box") -> torch.Tensor:
    """The certified lower bound of the module docstring, from float64 inputs: (G, B)."""
    return _bounds(WQ, WK, WV, wO, X, y, t, p, center, method)[1]


def _bounds(WQ: torch.Tensor, WK: torch.Tensor, WV: torch.Tensor, wO: torch.Tensor, X: torch.Tensor,
            y: torch.Tensor, t: torch.Tensor, p: str, center: str, method: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The box bound (steps 1–4) and the bound of ``method`` (the box bound itself for 'box'), each (G, B)."""
    qn = _DUAL[p]
    G, B, M, d = X.shape
    H, dh, dv = WQ.shape[1], WQ.shape[3], WV.shape[3]
    gm = _gamma(d, dh, dv, M, H)

    u = torch.einsum("ghde,ge->ghd", WV, wO)  # (G, H, d)
    au = torch.einsum("ghde,ge->ghd", WV.abs(), wO.abs())  # dominates |u| and its rounding
    u_norm = _vnorm(u, qn) * (1 + gm) + gm * math.sqrt(d) * au.norm(dim=-1)  # ≥ ‖u_h‖_q (G, H)
    nA = _induced(WQ, WK, p)
    fro = WQ.flatten(2).norm(dim=-1) * WK.flatten(2).norm(dim=-1)  # ‖W_Q‖_F ‖W_K‖_F (G, H)
    nA = nA * (1 + gm) + 4 * gm * d * dh * fro
    wq_fro = WQ.flatten(2).norm(dim=-1)[:, :, None, None]
    wk_fro = WK.flatten(2).norm(dim=-1)[:, :, None, None]
    tt = t[:, None, None, None]

    step = max(1, _BUDGET // max(1, G * H * M * max(M * (M + 1), d, 1)))
    out, boxes = [], []
    for s in range(0, B, step):
        Xc, yc = X[:, s : s + step], y[:, s : s + step]
        q, k, aq, ak = _head_quantities(WQ, WK, Xc)
        # values: a_j = y x_jᵀu_h − τ‖u_h‖_q − (rounding of x_jᵀu_h)
        v = torch.einsum("gbmd,ghd->ghbm", Xc, u)
        av = torch.einsum("gbmd,ghd->ghbm", Xc.abs(), au)
        a = yc[:, None, :, None] * v - tt * u_norm[:, :, None, None] - gm * av  # (G, H, b, M)

        kq, ql, quad = _row_radii(WQ, WK, q, k, t, nA, qn)
        # rounding allowance for the computed ‖A x_j‖_q, ‖Aᵀx_l‖_q: ‖|W||s|‖_q ≤ √d‖W‖_F‖s‖₂
        kq = kq * (1 + gm) + tt * gm * math.sqrt(d) * wq_fro * ak.norm(dim=-1)
        ql = ql * (1 + gm) + tt * gm * math.sqrt(d) * wk_fro * aq.norm(dim=-1)

        radii = [kq]  # c = 0
        k_mean, ak_mean = k.mean(dim=-2, keepdim=True), ak.mean(dim=-2, keepdim=True)
        mean_radius = None
        if center != "none" or method == "tight":  # c = token mean, then c = x_m: A(x_j − c) = W_Q(k_j − W_Kᵀc)
            shifts = [(k_mean, ak_mean)]
            if center == "tokens":
                shifts += [(k[..., m : m + 1, :], ak[..., m : m + 1, :]) for m in range(M)]
            for kc, akc in shifts:
                kq_c = tt * _mapped_norm(WQ, k - kc, qn)
                radii.append(kq_c * (1 + gm) + tt * gm * math.sqrt(d) * wq_fro * (ak + akc).norm(dim=-1))
            mean_radius = radii[1]
            if center == "none":
                radii = radii[:1]
        logits = q @ k.transpose(-1, -2)  # (G, H, b, M, M): x_lᵀA x_j
        shared = ql[..., :, None] + quad[..., None] + gm * (aq @ ak.transpose(-1, -2))  # + rounding of logits
        best = None
        for col in radii:
            r = col[..., None, :] + shared
            r = r + 2 * _U * (logits.abs() + r)  # rounding of lo = logits − r, hi = logits + r
            rows = softmax_min(logits - r, logits + r, a[..., None, :])  # (G, H, b, M)
            rows = rows - 4 * (M + 8) * M * _U * a.abs().amax(-1, keepdim=True)
            best = rows if best is None else torch.maximum(best, rows)
        assert best is not None  # radii holds c = 0 at least
        total = _row_total(best, M, H)
        boxes.append(total)
        if method == "tight":
            assert mean_radius is not None
            # the key, quadratic and logit-rounding radius of step 5, plus the rounding of h_j = k_j − k_c
            kap = shared + (tt * gm * math.sqrt(d) * wq_fro * (ak + ak_mean).norm(dim=-1))[..., None, :]
            kap = kap + 4 * _U * (logits.abs() + logits.abs().amax(-1, keepdim=True))
            clean_rows = (torch.softmax(logits, dim=-1) * (a + tt * u_norm[:, :, None, None])[..., None, :]).sum(-1)
            tight = _tight_rows(WQ, logits, a, kap, mean_radius[..., None, :], k - k_mean, tt, qn, gm, best, clean_rows)
            total = torch.maximum(total, _row_total(tight, M, H))
        out.append(total)
    return torch.cat(boxes, dim=1), torch.cat(out, dim=1)


def _row_total(rows: torch.Tensor, M: int, H: int) -> torch.Tensor:
    """Step 4 from the row bounds (G, H, b, M): (1/M) Σ_h Σ_l, less the rounding of that sum."""
    total = rows.sum(dim=(-1, 1)) / M  # (G, b)
    return total - 2 * (M + H) * _U * rows.abs().sum(dim=(-1, 1)) / M


def _query_norms(WQ: torch.Tensor, h: torch.Tensor, qn: str, gm: float) -> Callable[[torch.Tensor], torch.Tensor]:
    """For the row vectors h (G, H, b, M, d_h): a map from weights λ (G, H, b, M, M) to upper bounds on
    ‖W_Q Σ_j λ_lj h_j‖_q for every row l, shape (G, H, b, M).

    ℓ2 precomputes the M × M Gram matrices K = hΓhᵀ, Γ = W_QᵀW_Q, so ‖W_Q Σ_j λ_j h_j‖₂² = λᵀKλ exactly;
    the rounding of K and of the quadratic form is at most 4γ|λ|ᵀ(|h||W_Q|ᵀ|W_Q||h|ᵀ)|λ|. The other norms
    form g = Σ_j λ_j h_j and W_Q g: |fl(g) − g| ≤ γ|λ||h| and |fl(W_Q g) − W_Q g| ≤ γ|W_Q||g|, each adding
    at most √d‖W_Q‖_F times its ℓ2 norm (‖v‖_q ≤ √d‖v‖₂ for q ∈ {1, 2, ∞}).
    """
    d = WQ.shape[2]
    if qn == "2":
        hg = torch.einsum("ghbjd,ghde->ghbje", h, WQ.transpose(-1, -2) @ WQ)
        ha = h.abs()
        hga = torch.einsum("ghbjd,ghde->ghbje", ha, WQ.abs().transpose(-1, -2) @ WQ.abs())
        K = hg @ h.transpose(-1, -2)  # (G, H, b, M, M)
        K_abs = hga @ ha.transpose(-1, -2)

        def norm2(lam: torch.Tensor) -> torch.Tensor:
            val = ((lam @ K) * lam).sum(-1).clamp_min(0)
            la = lam.abs()
            return (val + 4 * gm * ((la @ K_abs) * la).sum(-1)).sqrt() * (1 + gm)

        return norm2
    fro = WQ.flatten(2).norm(dim=-1)[:, :, None, None]
    h_abs = h.abs()

    def norm_q(lam: torch.Tensor) -> torch.Tensor:
        g = lam @ h
        g_err = gm * (lam.abs() @ h_abs)
        base = _vnorm(torch.einsum("ghde,ghble->ghbld", WQ, g), qn) * (1 + gm)
        return base + gm * math.sqrt(d) * fro * (g.norm(dim=-1) + g_err.norm(dim=-1) * (1 + gm))

    return norm_q


def _tight_rows(WQ: torch.Tensor, logits: torch.Tensor, a: torch.Tensor, kap: torch.Tensor, R: torch.Tensor,
                h: torch.Tensor, tt: torch.Tensor, qn: str, gm: float, lo: torch.Tensor,
                hi: torch.Tensor) -> torch.Tensor:
    """Step 5's row bounds (G, H, b, M), never below ``lo`` (the box rows): bisection on the certified level t.

    ``logits`` (G, H, b, M, M) are the computed x_lᵀA x_j, ``a`` (G, H, b, M) the value bounds, ``kap``
    (G, H, b, M, M) ≥ |key + quadratic + rounding part| of each shifted logit, ``R`` (G, H, b, 1, M) ≥
    τ‖W_Q h_j‖_q and ``h`` (G, H, b, M, d_h) the computed k_j − k_c, so that the query part of logit j in
    row l is s_j = δ_lᵀW_Q h_j. A level t is accepted where the linear lower bound of the numerator
    Σ_j e^{z_j}(a_j − t), less its rounding allowance, is ≥ 0.
    """
    M = a.shape[-1]
    zs = logits - logits.amax(-1, keepdim=True)
    Rr = R.expand_as(logits)
    ch, sh = torch.cosh(Rr), torch.sinh(Rr)
    slope_neg = torch.where(Rr > 0, sh / torch.where(Rr > 0, Rr, 1.0), 1.0)
    mag_neg = ch + sh
    tangents = []
    for frac in _TANGENTS:
        s0 = -frac * Rr
        e0 = torch.exp(s0)
        tangents.append((e0 * (1 - s0), e0, e0 * (1 + Rr - s0)))
    query_norm = _query_norms(WQ, h, qn, gm)
    lo = lo.clone()
    hi = torch.maximum(hi, lo)
    for _ in range(_BISECT):
        t = (lo + hi) / 2
        c = a[..., None, :] - t[..., None]  # (G, H, b, l, j)
        m = c * torch.exp(zs - torch.sign(c) * kap)  # min over the key box of e^{z_j − max}(a_j − t)
        pos = m > 0
        ok = torch.zeros_like(lo, dtype=torch.bool)
        for c_pos, s_pos, mag_pos in tangents:
            const = m * torch.where(pos, c_pos, ch)
            slope = m * torch.where(pos, s_pos, slope_neg)
            nq = query_norm(slope)  # ≥ ‖W_Q Σ_j slope_j h_j‖_q per row
            lb = const.sum(-1) - tt * nq
            mag = (m.abs() * torch.where(pos, mag_pos, mag_neg)).sum(-1) + tt * nq
            ok = ok | (torch.isfinite(lb) & torch.isfinite(mag) & (lb - 64 * (M + 16) * _U * mag >= 0))
        lo = torch.where(ok, t, lo)
        hi = torch.where(ok, hi, t)
    return lo


def certified_error(
    w: Weights,
    X: torch.Tensor,
    y: torch.Tensor,
    tau: object,
    norm: object = "2",
    mask: torch.Tensor | None = None,
    *,
    center: str = "mean",
) -> torch.Tensor:
    """Fraction of examples whose certified margin is ≤ 0: (G,), an upper estimate of the robust error.

    ``mask`` (G, B) of 0/1 weights (as from :func:`simulate.data.sample_group`) restricts the mean
    to the real examples.
    """
    L = certified_margin(w, X, y, tau, norm, center=center)
    bad = (L <= 0).to(torch.float64)
    if mask is None:
        return bad.mean(dim=1)
    if not isinstance(mask, torch.Tensor) or mask.shape != L.shape:
        raise ValueError(f"mask must be a tensor of shape (G, B) = {tuple(L.shape)}, got "
                         f"{tuple(mask.shape) if isinstance(mask, torch.Tensor) else type(mask).__name__}")
    m = mask.detach().to(torch.float64)
    if not bool(((m == 0) | (m == 1)).all()) or bool((m.sum(dim=1) == 0).any()):
        raise ValueError("mask must be 0/1 with at least one 1 per member")
    return (bad * m).sum(dim=1) / m.sum(dim=1)
