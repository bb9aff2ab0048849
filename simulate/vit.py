"""Section 6's "simplified ViT" for real data (E6.real) and Appendix B.4's last-attention fine-tuning (EB.4).

Neither model is the analysed one-layer eq. (1) model with a fixed w_O (CLAIMS.md IC-18); this module makes
them runnable so that their experiments can be repeated at all. Everything here works on a general
``torch.nn.Module`` that maps tokens X (B, M, d) to one output f (binary, labels y = ±1, margin y·f) or to
C ≥ 2 logits (labels 0 … C−1, cross-entropy).

- :class:`SimpleViT` — 2 attention layers × 4 heads, a ReLU MLP, hidden size 128, PyTorch-default init × 1/16
  (Section 6, L1259–1270). What the paper leaves open is a constructor option; see the class docstring.
- :func:`per_token_pgd` — Section 6's PGD on per-token ℓ_p balls (20 steps of 0.2τ, per-token normalised
  steps, per-token projection), for any module: the loop of :func:`simulate.attacks._pgd_loop`.
- :func:`train_adversarial` — Algorithm 1 for any module: full-batch GD with a fresh PGD at every iteration,
  optionally on a subset of the parameters.
- :func:`last_attention_params`, :func:`finetune_last_attention`, :func:`load_checkpoint` — Appendix B.4:
  train only the Q/K/V of the last attention layer of a (local, already downloaded) ViT.
- :func:`evaluate` — clean and robust (PGD) error counts.
- :func:`train_config` — one stored run (``RunConfig.model`` "simplevit" or "vit-last-qkv") on Section 6's image
  data; :func:`train_configs` — every run of one group at once, the members' parameters stacked on a leading axis
  (what ``bovit sweep`` and the claims call, through :func:`simulate.train.train_group`).

Determinism: no function here draws random numbers except :class:`SimpleViT`'s initialisation, which uses
a ``torch.Generator`` from its seed and never touches the global generator. Modules are run in eval mode
(dropout off) and restored to their previous mode afterwards, so training and attacks are deterministic
functions of their inputs on CPU.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from bounds.validate import choice, nonnegative, positive, positive_int
from simulate import data
from simulate.attacks import _PROJECT, _pgd_loop, steepest_direction
from simulate.config import DTYPES, RunConfig, RunOutput, run_device
from simulate.data import generator
from simulate.model import nudge
from simulate.results import RadiusResult, RunResult

__all__ = [
    "TRAINED_PARAMETERS",
    "Evaluation",
    "SimpleViT",
    "TrainResult",
    "evaluate",
    "finetune_last_attention",
    "last_attention_params",
    "load_checkpoint",
    "per_token_pgd",
    "train_adversarial",
    "train_config",
    "train_configs",
]

Tensor = torch.Tensor
Loss = Literal["auto", "logistic", "ce"]
Init = Literal["pytorch16", "pytorch"]
MlpPlacement = Literal["final", "every"]
NORMS = ("2", "inf", "1")
LOSSES = ("auto", "logistic", "ce")
INITS = ("pytorch16", "pytorch")
MLP_PLACEMENTS = ("final", "every")
# Section 6: "initialized by PyTorch's default method, followed by an additional scaling factor of 1/16"
INIT_SCALE = 1.0 / 16.0
# ViT (Dosovitskiy et al. 2020) initialises its position embedding N(0, 0.02²); PyTorch has no default for it
POS_STD = 0.02
# evaluate attacks and scores this many test points at a time (a stored run's counts depend on it: PGD's batch),
# and train_config draws its test set this many points at a time (its draws depend on it)
EVAL_CHUNK = 256
TEST_CHUNK = 500


# ---- the simplified ViT ----------------------------------------------------------------------------------


class SelfAttention(nn.Module):
    """Multi-head self-attention with separate ``q_proj``, ``k_proj``, ``v_proj`` and ``out_proj`` maps.

    softmax(Q_h K_hᵀ/√d_head) V_h per head, heads concatenated, then out_proj. The 1/√d_head temperature is
    the ViT convention (eq. (1) has none; Section 6 does not say which the simplified ViT uses).
    """

    def __init__(self, hidden: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Linear(hidden, hidden)
        self.k_proj = nn.Linear(hidden, hidden)
        self.v_proj = nn.Linear(hidden, hidden)
        self.out_proj = nn.Linear(hidden, hidden)

    def forward(self, h: Tensor) -> Tensor:
        B, M, D = h.shape
        dh = D // self.heads

        def split(t: Tensor) -> Tensor:
            return t.view(B, M, self.heads, dh).transpose(1, 2)  # (B, heads, M, dh)

        q, k, v = split(self.q_proj(h)), split(self.k_proj(h)), split(self.v_proj(h))
        alpha = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh), dim=-1)
        return self.out_proj((alpha @ v).transpose(1, 2).reshape(B, M, D))


class SimpleViT(nn.Module):
    """Section 6's simplified ViT for real data (E6.real): tokens (B, M, d) → f (B,) or logits (B, C).

    What the paper says (L1263–1270): "two attention layers, each with four self-attention heads, followed by
    an MLP layer with ReLU activation", hidden dimension 128, every parameter initialised by PyTorch's default
    and then scaled by 1/16 (``init="pytorch16"``; ``"pytorch"`` skips the scaling).

    What it leaves open, and the choice made here:
    - placement of the MLP: ``mlp_placement="final"`` (default) is the literal reading — attention, attention,
      then one MLP; ``"every"`` gives each of the ``layers`` blocks its own MLP (a standard ViT block);
    - the embedding: a linear map d → hidden plus a learned position embedding (ViT's N(0, 0.02²) init);
    - normalisation and residuals: pre-norm LayerNorm (``layer_norm=True``) and residual connections as in
      ViT, plus a final LayerNorm before the head; ``layer_norm=False`` drops every LayerNorm;
    - the MLP width: ``mlp`` (default = hidden, the only width the paper states); MLP = Linear, ReLU, Linear;
    - readout: the mean over tokens (the (1/M)·Σ_l of eq. (1)), no class token, then a linear head;
    - the attention temperature: 1/√d_head (see :class:`SelfAttention`).
    Output: ``n_classes = 2`` gives one output f (labels ±1, margin y·f, logistic loss); ``n_classes ≥ 3``
    gives n_classes logits (labels 0 … n_classes − 1, cross-entropy). The 1/16 also scales the LayerNorm gains
    and the position embedding ("model parameters", all of them). The initialisation draws from a
    ``torch.Generator`` seeded by (seed, "vit-init") and leaves the global generator untouched.
    """

    def __init__(
        self,
        M: int,
        d: int,
        hidden: int = 128,
        heads: int = 4,
        layers: int = 2,
        mlp: int | None = None,
        n_classes: int = 2,
        mlp_placement: MlpPlacement = "final",
        layer_norm: bool = True,
        init: Init = "pytorch16",
        seed: int = 0,
        dtype: torch.dtype = torch.float32,
    ) -> None:
        M = positive_int("M", M)
        d = positive_int("d", d)
        hidden = positive_int("hidden", hidden)
        heads = positive_int("heads", heads)
        if hidden % heads != 0:
            raise ValueError(f"hidden must be divisible by heads = {heads}, got hidden = {hidden}")
        layers = positive_int("layers", layers)
        mlp = hidden if mlp is None else positive_int("mlp", mlp)
        n_classes = positive_int("n_classes", n_classes, minimum=2)
        choice("mlp_placement", mlp_placement, MLP_PLACEMENTS)
        if not isinstance(layer_norm, bool):
            raise ValueError(f"layer_norm must be a bool, got {layer_norm!r}")
        choice("init", init, INITS)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        if dtype not in DTYPES.values():
            raise ValueError(f"dtype must be one of {', '.join(map(str, DTYPES.values()))}, got {dtype}")
        super().__init__()
        self.M, self.d, self.hidden, self.heads, self.n_classes = M, d, hidden, heads, n_classes
        self.mlp_placement = mlp_placement
        n_mlp = layers if mlp_placement == "every" else 1

        def norm() -> nn.Module:
            return nn.LayerNorm(hidden) if layer_norm else nn.Identity()

        def make_mlp() -> nn.Sequential:
            return nn.Sequential(nn.Linear(hidden, mlp), nn.ReLU(), nn.Linear(mlp, hidden))

        # built on the meta device so that no module's reset_parameters draws from the global generator;
        # _initialise then fills every parameter from the seed's own generator
        with torch.device("meta"):
            self.embed = nn.Linear(d, hidden)
            self.pos = nn.Parameter(torch.empty(M, hidden))
            self.attn_norms = nn.ModuleList(norm() for _ in range(layers))
            self.attns = nn.ModuleList(SelfAttention(hidden, heads) for _ in range(layers))
            self.mlp_norms = nn.ModuleList(norm() for _ in range(n_mlp))
            self.mlps = nn.ModuleList(make_mlp() for _ in range(n_mlp))
            self.final_norm = norm()
            self.head = nn.Linear(hidden, 1 if n_classes == 2 else n_classes)
        self.to_empty(device="cpu")
        self._initialise(generator(seed, "vit-init"), init)
        self.to(dtype)

    @torch.no_grad()
    def _initialise(self, gen: torch.Generator, init: str) -> None:
        """nn.Linear's default U(±1/√fan_in) (kaiming_uniform_(a=√5) for the weight), LayerNorm (1, 0),
        position N(0, 0.02²); then everything × 1/16 for ``init="pytorch16"``. Modules in registration order."""
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=gen)
                bound = 1.0 / math.sqrt(module.in_features)
                nn.init.uniform_(module.bias, -bound, bound, generator=gen)
            elif isinstance(module, nn.LayerNorm):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
        nn.init.normal_(self.pos, 0.0, POS_STD, generator=gen)
        if init == "pytorch16":
            for p in self.parameters():
                p.mul_(INIT_SCALE)

    def forward(self, X: Tensor) -> Tensor:
        """X (B, M, d) → f (B,) for two classes, logits (B, n_classes) otherwise."""
        if X.dim() != 3 or tuple(X.shape[1:]) != (self.M, self.d):
            raise ValueError(f"X must have shape (B, M, d) = (B, {self.M}, {self.d}), got {tuple(X.shape)}")
        h = self.embed(X) + self.pos
        every = self.mlp_placement == "every"
        for i, (an, attn) in enumerate(zip(self.attn_norms, self.attns, strict=True)):
            h = h + attn(an(h))
            if every:
                h = h + self.mlps[i](self.mlp_norms[i](h))
        if not every:
            h = h + self.mlps[0](self.mlp_norms[0](h))
        out = self.head(self.final_norm(h).mean(dim=1))
        return out[:, 0] if self.n_classes == 2 else out


# ---- validation and losses --------------------------------------------------------------------------


def _check_model(model: object) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return model


def _check_X(X: object) -> Tensor:
    if not isinstance(X, Tensor) or X.dim() != 3:
        shape = tuple(X.shape) if isinstance(X, Tensor) else type(X).__name__
        raise ValueError(f"X must be a tensor of shape (B, M, d), got {shape}")
    if not X.is_floating_point():
        raise ValueError(f"X must be a floating-point tensor, got dtype {X.dtype}")
    if min(X.shape) < 1:
        raise ValueError(f"X must have non-empty axes (B, M, d), got {tuple(X.shape)}")
    if not bool(torch.isfinite(X).all()):
        raise ValueError("X must be finite, got NaN or inf entries")
    return X.detach()


def _check_attack(model: object, X: object, tau: object, norm: object, steps: object,
                  step_rel: object) -> tuple[nn.Module, Tensor, float, str, int, float]:
    """The arguments every attacking function shares, validated: (model, X, tau, norm, steps, step_rel)."""
    module = _check_model(model)
    x = _check_X(X)
    radius = nonnegative("tau", tau)
    choice("norm", norm, NORMS)
    assert isinstance(norm, str)  # one of NORMS
    return module, x, radius, norm, positive_int("steps", steps), positive("step_rel", step_rel)


def _outputs(out: object, B: int) -> Tensor:
    """The module's output as f (B,) for one output, or logits (B, C) for C ≥ 2."""
    if not isinstance(out, Tensor):
        raise ValueError(f"model must return a tensor, got {type(out).__name__}")
    if out.dim() == 2 and out.shape[0] == B and out.shape[1] == 1:
        return out[:, 0]
    if (out.dim() == 1 and out.shape[0] == B) or (out.dim() == 2 and out.shape[0] == B and out.shape[1] >= 2):
        return out
    raise ValueError(f"model must return (B,), (B, 1) or (B, C) outputs for B = {B}, got shape {tuple(out.shape)}")


def _resolve(model: nn.Module, X: Tensor, y: object, loss: str) -> tuple[str, Tensor]:
    """The loss kind ("logistic" for one output, "ce" for C ≥ 2 logits) and y in the form it needs.

    Binary: y (B,) with values ±1, cast to X's dtype. Multi-class: y (B,) integers in [0, C), as int64.
    """
    choice("loss", loss, LOSSES)
    first = next((q for q in model.parameters() if q.is_floating_point()), None)
    if first is not None and (first.dtype != X.dtype or first.device != X.device):
        raise ValueError(f"X must match the model's dtype and device ({first.dtype}, {first.device}), "
                         f"got {X.dtype} on {X.device}")
    B = X.shape[0]
    if not isinstance(y, Tensor) or tuple(y.shape) != (B,):
        shape = tuple(y.shape) if isinstance(y, Tensor) else type(y).__name__
        raise ValueError(f"y must be a tensor of shape (B,) = ({B},) to match X, got {shape}")
    with torch.no_grad():
        out = _outputs(model(X[:1]), 1)
    kind = ("logistic" if out.dim() == 1 else "ce") if loss == "auto" else loss
    if kind == "logistic":
        if out.dim() != 1:
            raise ValueError(f"loss='logistic' needs a model with one output, got {out.shape[1]} outputs")
        if not bool(((y == 1) | (y == -1)).all()):
            raise ValueError("y must take values ±1 only for a binary (one-output) model")
        return kind, y.detach().to(X.dtype)
    if out.dim() != 2:
        raise ValueError("loss='ce' needs a model with C >= 2 outputs, got one output")
    C = out.shape[1]
    if y.is_floating_point() or y.dtype == torch.bool:
        raise ValueError(f"y must hold integer class labels for a {C}-class model, got dtype {y.dtype}")
    if bool(((y < 0) | (y >= C)).any()):
        raise ValueError(f"y must hold labels in [0, {C}), got values in [{int(y.min())}, {int(y.max())}]")
    return kind, y.detach().to(torch.int64)


def _per_example_loss(kind: str, out: Tensor, y: Tensor) -> Tensor:
    """ℓ(y·f) = softplus(−y·f) (logistic) or the cross-entropy, per example: (B,)."""
    if kind == "logistic":
        return F.softplus(-y * out)
    return F.cross_entropy(out, y, reduction="none")


def _attack_objective(kind: str, out: Tensor, y: Tensor) -> Tensor:
    """What PGD maximises, per example. Logistic: −y·f, an increasing transform of ℓ(y·f) with the same
    per-token step directions, which does not underflow as ℓ′ does for confidently classified points
    (the choice of simulate.attacks). Cross-entropy: the cross-entropy itself."""
    return -y * out if kind == "logistic" else F.cross_entropy(out, y, reduction="none")


def _errors(kind: str, out: Tensor, y: Tensor) -> Tensor:
    """Misclassified examples (B,) bool: margin y·f ≤ 0 (binary) or argmax ≠ y (multi-class)."""
    return y * out <= 0 if kind == "logistic" else out.argmax(dim=1) != y


class _EvalMode:
    """Runs a module in eval mode (dropout off, batch-norm statistics frozen) and restores each submodule's mode."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.modes: list[tuple[nn.Module, bool]] = []

    def __enter__(self) -> nn.Module:
        self.modes = [(m, m.training) for m in self.model.modules()]
        self.model.eval()
        return self.model

    def __exit__(self, *exc: object) -> None:
        for m, mode in self.modes:
            m.training = mode


# ---- PGD ---------------------------------------------------------------------------------------------


def _pgd(model: nn.Module, X: Tensor, y: Tensor, kind: str, tau: float, norm: str, steps: int,
         step_rel: float) -> Tensor:
    """Section 6's PGD from δ = 0 (:func:`simulate.attacks._pgd_loop`, the loop of eq. (1)'s attack); returns
    X + δ for the iterate of highest loss seen per example."""
    if tau == 0.0:
        return X.clone()
    B = X.shape[0]

    def score(delta: Tensor) -> tuple[Tensor, Tensor]:
        # the loop lowers its score: minus the objective, whose gradient it ascends
        leaf = delta.detach().requires_grad_(True)
        with torch.enable_grad():
            obj = _attack_objective(kind, _outputs(model(X + leaf), B), y)
            (g,) = torch.autograd.grad(obj.sum(), leaf)
        return -obj.detach(), g

    radius = torch.tensor(tau, dtype=X.dtype, device=X.device)
    best_delta, _ = _pgd_loop(score, torch.zeros_like(X), radius, step_rel * tau, norm, steps)
    return (X + best_delta).detach()


def per_token_pgd(
    model: nn.Module,
    X: Tensor,
    y: Tensor,
    tau: float,
    norm: str = "2",
    steps: int = 20,
    step_rel: float = 0.2,
    loss: Loss = "auto",
) -> Tensor:
    """X̃ ∈ B(X, τ) = {‖x̃_m − x_m‖_p ≤ τ for every token m} that raises the loss of ``model``: (B, M, d).

    Section 6 (E6.4): ``steps`` steps of step_rel·τ along the per-token normalised gradient (ℓ₂: g/‖g‖₂,
    ℓ∞: sign g, ℓ₁: the top coordinate), each followed by the per-token projection
    (:func:`simulate.attacks.project`); start δ = 0; per example the iterate of highest loss (start included)
    is returned. Binary models (one output, y = ±1) are attacked on −y·f, multi-class ones (C logits,
    y ∈ [0, C)) on the cross-entropy; ``loss="auto"`` picks by the number of outputs. τ = 0 returns X.
    No gradient reaches the model's parameters; the model runs in eval mode. Nothing is clamped.
    """
    model, X, tau, norm, steps, step_rel = _check_attack(model, X, tau, norm, steps, step_rel)
    with _EvalMode(model):
        kind, y_t = _resolve(model, X, y, loss)
        return _pgd(model, X, y_t, kind, tau, norm, steps, step_rel)


# ---- Algorithm 1 for a general module --------------------------------------------------------------------


@dataclass(frozen=True)
class TrainResult:
    """Algorithm 1's outcome: GD steps taken, whether the robust loss went below ε, and the trajectory.

    ``robust_loss[t]`` and ``clean_loss[t]`` are the mean training losses at θ^t, t = 0 … iterations (the
    robust one on that iteration's PGD points), so each list has iterations + 1 entries.
    """

    iterations: int
    converged: bool
    robust_loss: list[float] = field(default_factory=list)
    clean_loss: list[float] = field(default_factory=list)

    @property
    def final_robust_loss(self) -> float:
        return self.robust_loss[-1]

    @property
    def final_clean_loss(self) -> float:
        return self.clean_loss[-1]


def _check_params(model: nn.Module, params: object) -> list[nn.Parameter]:
    """The distinct parameters to train, each one of ``model``'s own, in the order given."""
    owned = {id(p) for p in model.parameters()}
    if params is None:
        chosen = list(model.parameters())
    else:
        if isinstance(params, Tensor) or not isinstance(params, Iterable):
            raise ValueError(f"params must be a list of the model's parameters or None, got {type(params).__name__}")
        chosen = list(params)
        for p in chosen:
            if not isinstance(p, nn.Parameter) or id(p) not in owned:
                raise ValueError(f"params must hold parameters of the model only, got a {type(p).__name__} "
                                 f"of shape {tuple(p.shape) if isinstance(p, Tensor) else '?'} that is not one")
    seen: set[int] = set()
    out = []
    for p in chosen:
        if id(p) not in seen:
            seen.add(id(p))
            out.append(p)
    if not out:
        raise ValueError("params must name at least one parameter, got none")
    bad = [tuple(p.shape) for p in out if not p.is_floating_point()]
    if bad:
        raise ValueError(f"params must be floating-point parameters, got non-float ones of shapes {bad}")
    return out


def train_adversarial(
    model: nn.Module,
    X: Tensor,
    y: Tensor,
    tau: float,
    eta: float = 0.1,
    eps: float = 0.01,
    T_max: int = 1000,
    params: Iterable[nn.Parameter] | None = None,
    norm: str = "2",
    steps: int = 20,
    step_rel: float = 0.2,
    loss: Loss = "auto",
    progress: Callable[[int, float, float], None] | None = None,
) -> TrainResult:
    """Algorithm 1 for a general module, in place: full-batch adversarial gradient descent.

    For t = 0, 1, …: X̃^t = :func:`per_token_pgd` at θ^t; L^rob(θ^t) = (1/N) Σ_n ℓ(X̃_n^t, y_n); stop when it
    is < ε (converged) or t = T_max; else θ^{t+1} = θ^t − η ∇_θ L^rob(θ^t) with X̃^t held fixed (Danskin).
    Section 6 uses η = 0.1, ε = 0.01, PGD of 20 steps of 0.2τ in ℓ₂. τ = 0 is clean training.
    ``params`` (default: all) are the parameters trained; every other parameter has requires_grad False
    during the run (restored afterwards) and is never written. ``progress(t, robust, clean)`` is called
    once per iteration. The model runs in eval mode (dropout off), restored afterwards.
    """
    model, X, tau, norm, steps, step_rel = _check_attack(model, X, tau, norm, steps, step_rel)
    eta = positive("eta", eta)
    eps = positive("eps", eps)
    T_max = positive_int("T_max", T_max, minimum=0)
    if progress is not None and not callable(progress):
        raise ValueError(f"progress must be callable or None, got {type(progress).__name__}")
    trained = _check_params(model, params)
    with _EvalMode(model):
        kind, y_t = _resolve(model, X, y, loss)
    return _train(model, X, y_t, kind, tau, eta, eps, T_max, trained, norm, steps, step_rel, progress)


def _train(model: nn.Module, X: Tensor, y_t: Tensor, kind: str, tau: float, eta: float, eps: float, T_max: int,
           trained: list[nn.Parameter], norm: str, steps: int, step_rel: float,
           progress: Callable[[int, float, float], None] | None) -> TrainResult:
    """:func:`train_adversarial` on validated arguments: X detached, y in the form ``kind`` needs (:func:`_resolve`),
    ``trained`` distinct parameters of the model."""
    trained_ids = {id(p) for p in trained}
    flags = [(p, p.requires_grad) for p in model.parameters()]
    robust_hist: list[float] = []
    clean_hist: list[float] = []
    t = 0
    try:
        for p, _ in flags:
            p.requires_grad_(id(p) in trained_ids)
        with _EvalMode(model):
            B = X.shape[0]
            while True:
                X_adv = _pgd(model, X, y_t, kind, tau, norm, steps, step_rel)
                with torch.enable_grad():
                    robust = _per_example_loss(kind, _outputs(model(X_adv), B), y_t).mean()
                with torch.no_grad():
                    clean = robust if tau == 0.0 else _per_example_loss(kind, _outputs(model(X), B), y_t).mean()
                robust_hist.append(float(robust.detach()))
                clean_hist.append(float(clean.detach()))
                if progress is not None:
                    progress(t, robust_hist[-1], clean_hist[-1])
                if robust_hist[-1] < eps or t >= T_max:
                    break
                grads = torch.autograd.grad(robust, trained)
                with torch.no_grad():
                    for p, g in zip(trained, grads, strict=True):
                        p.sub_(eta * g)
                t += 1
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)
    return TrainResult(t, robust_hist[-1] < eps, robust_hist, clean_hist)


# ---- evaluation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Error counts on n points: clean, and robust = misclassified at the clean point or at PGD's point."""

    n: int
    clean_errors: int
    robust_errors: int

    @property
    def clean_error(self) -> float:
        return self.clean_errors / self.n

    @property
    def robust_error(self) -> float:
        return self.robust_errors / self.n


def evaluate(
    model: nn.Module,
    X: Tensor,
    y: Tensor,
    tau: float,
    norm: str = "2",
    steps: int = 20,
    step_rel: float = 0.2,
    loss: Loss = "auto",
    chunk: int = EVAL_CHUNK,
) -> Evaluation:
    """Clean and robust error counts of ``model`` on (X, y), ``chunk`` examples at a time.

    An error is y·f ≤ 0 for a binary model and argmax ≠ y for a multi-class one. The robust count is a lower
    estimate of the robust error (an attack, not a certificate): a point counts if it is misclassified clean
    or at :func:`per_token_pgd`'s point (the clean point lies in the ball, so either is a valid witness).
    """
    model, X, tau, norm, steps, step_rel = _check_attack(model, X, tau, norm, steps, step_rel)
    chunk = positive_int("chunk", chunk)
    with _EvalMode(model):
        kind, y_t = _resolve(model, X, y, loss)
    return _evaluate(model, X, y_t, kind, tau, norm, steps, step_rel, chunk)


def _evaluate(model: nn.Module, X: Tensor, y_t: Tensor, kind: str, tau: float, norm: str, steps: int,
              step_rel: float, chunk: int = EVAL_CHUNK) -> Evaluation:
    """:func:`evaluate` on validated arguments (X detached, y in the form ``kind`` needs)."""
    B = X.shape[0]
    clean_n = robust_n = 0
    with _EvalMode(model):
        for start in range(0, B, chunk):
            Xc, yc = X[start : start + chunk], y_t[start : start + chunk]
            X_adv = _pgd(model, Xc, yc, kind, tau, norm, steps, step_rel)
            with torch.no_grad():
                clean = _errors(kind, _outputs(model(Xc), Xc.shape[0]), yc)
                adv = _errors(kind, _outputs(model(X_adv), Xc.shape[0]), yc)
            clean_n += int(clean.sum())
            robust_n += int((clean | adv).sum())
    return Evaluation(B, clean_n, robust_n)


# ---- Appendix B.4: the last attention layer of a ViT -----------------------------------------------------

# Child names of the query, key and value maps in common ViT code: ours and fairseq/HF text models
# (q_proj, k_proj, v_proj), HF ViT's ViTSelfAttention (query, key, value), timm's fused qkv.
_QKV_NAMES: tuple[tuple[str, ...], ...] = (("q_proj", "k_proj", "v_proj"), ("query", "key", "value"), ("qkv",))


def _qkv_of(module: nn.Module, include_bias: bool) -> list[nn.Parameter] | None:
    """The Q/K/V parameters of ``module`` if it is an attention layer, else None."""
    if isinstance(module, nn.MultiheadAttention):
        if module.in_proj_weight is not None:
            names = ["in_proj_weight"]
        else:
            names = ["q_proj_weight", "k_proj_weight", "v_proj_weight"]
        if include_bias:
            names.append("in_proj_bias")
        return [p for n in names if isinstance(p := getattr(module, n, None), nn.Parameter)]
    children = dict(module.named_children())
    for qkv in _QKV_NAMES:
        if all(isinstance(children.get(n), nn.Module) for n in qkv):
            out = []
            for n in qkv:
                for pname, p in children[n].named_parameters(recurse=False):
                    if pname == "weight" or (include_bias and pname == "bias"):
                        out.append(p)
            if out:
                return out
    return None


def last_attention_params(model: nn.Module, include_bias: bool = True) -> list[nn.Parameter]:
    """The query, key and value parameters of the LAST attention layer of ``model`` (Appendix B.4, EB.4).

    An attention layer is a ``torch.nn.MultiheadAttention`` (in_proj_weight, or q/k/v_proj_weight when the
    key/value dimensions differ; in_proj_bias) or a module with child maps named q_proj/k_proj/v_proj,
    query/key/value (HF ViT) or a fused qkv (timm); their weights, and their biases with ``include_bias``.
    "Last" is the last in registration order (``model.named_modules()``), which is the order of the blocks
    in every ViT implementation named above. The out projection is not included: the paper trains "the QKV
    matrices in the final attention layer".
    """
    model = _check_model(model)
    if not isinstance(include_bias, bool):
        raise ValueError(f"include_bias must be a bool, got {include_bias!r}")
    found: tuple[str, list[nn.Parameter]] | None = None
    for name, module in model.named_modules():
        params = _qkv_of(module, include_bias)
        if params:
            found = (name, params)
    if found is None:
        raise ValueError(
            f"model must contain an attention layer (nn.MultiheadAttention, or a module with children "
            f"q_proj/k_proj/v_proj, query/key/value or qkv), found none in {type(model).__name__}"
        )
    return found[1]


def finetune_last_attention(
    model: nn.Module,
    X: Tensor,
    y: Tensor,
    tau: float,
    eta: float = 0.1,
    eps: float = 0.01,
    T_max: int = 1000,
    norm: str = "2",
    steps: int = 5,
    step_rel: float = 0.2,
    loss: Loss = "auto",
    include_bias: bool = True,
) -> TrainResult:
    """Appendix B.4 (EB.4): :func:`train_adversarial` with only the last attention layer's Q/K/V trainable
    (:func:`last_attention_params`); every other parameter is frozen and left bit-identical, so the layers
    before act as a fixed feature extractor. The paper's PGD there has radius ‖µ‖/20 and 5 steps (its step
    size is not stated; 0.2τ as in Section 6 is the default here)."""
    return train_adversarial(model, X, y, tau, eta=eta, eps=eps, T_max=T_max,
                             params=last_attention_params(model, include_bias=include_bias), norm=norm,
                             steps=steps, step_rel=step_rel, loss=loss)


def load_checkpoint(model: nn.Module, path: str | os.PathLike[str]) -> nn.Module:
    """Load a local state_dict file into ``model`` (torch.load, map_location="cpu", weights_only=True).

    Strict: every key of the model must be in the file with the same shape and no key may be extra;
    otherwise ValueError lists the differences. Never downloads anything. Returns the model.
    """
    model = _check_model(model)
    if not isinstance(path, str | os.PathLike):
        raise ValueError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"path must be an existing checkpoint file, got {str(p)!r} (no such file)")
    try:
        state = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # unpickling errors come in many types; report them as one
        raise ValueError(f"path {str(p)!r} is not a loadable weights-only state_dict: {exc}") from exc
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, Tensor) for k, v in state.items()):
        raise ValueError(f"path {str(p)!r} must hold a state_dict (a dict of str → tensor), got {type(state).__name__}")
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    extra = sorted(set(state) - set(own))
    shapes = sorted(f"{k}: file {tuple(state[k].shape)} vs model {tuple(own[k].shape)}"
                    for k in set(own) & set(state) if state[k].shape != own[k].shape)
    if missing or extra or shapes:
        def few(items: list[str]) -> str:
            return ", ".join(items[:5]) + (f", … ({len(items)} in all)" if len(items) > 5 else "")
        parts = [f"missing keys [{few(missing)}]" if missing else "",
                 f"unexpected keys [{few(extra)}]" if extra else "",
                 f"shape mismatches [{few(shapes)}]" if shapes else ""]
        raise ValueError(f"path {str(p)!r} does not match the model's state_dict: "
                         + "; ".join(s for s in parts if s))
    model.load_state_dict(state, strict=True)
    return model


# ---- one stored run ------------------------------------------------------------------------------------------


def _all_parameters(model: nn.Module) -> list[nn.Parameter]:
    return list(model.parameters())


# The ViT models a run may name (RunConfig.model) and the parameters each trains: Section 6's simplified ViT all of
# them (E6.real), Appendix B.4 only the last attention layer's Q/K/V (EB.4). simulate.train.TRAINERS sends a run of
# any of these models to train_config.
TRAINED_PARAMETERS: dict[str, Callable[[nn.Module], list[nn.Parameter]]] = {
    "simplevit": _all_parameters,
    "vit-last-qkv": last_attention_params,
}


def train_config(cfg: RunConfig, device: str = "cpu", tick: Callable[[int], None] | None = None) -> RunOutput:
    """One run of a ViT model (``cfg.model`` "simplevit": every parameter trained, Section 6; "vit-last-qkv": only
    the last attention layer's Q/K/V, Appendix B.4) on the image data of ``cfg``, as :mod:`simulate.train` does
    for eq. (1): the same training set (:mod:`simulate.data`), Algorithm 1 (:func:`train_adversarial`) with the
    config's PGD, η, ε and T_max, and fresh test draws the same way.

    The ViT is :class:`SimpleViT` with hidden size ``cfg.dh``, ``cfg.H`` heads, ``cfg.init`` and ``cfg.seed``,
    loaded from ``cfg.checkpoint`` when one is given. Robust errors are PGD's count (a lower estimate; there is no
    certificate for these models), at τ and at every radius of ``eval_tau_rels``. ``tick(k)`` reports k
    iterations done (the remaining budget at once when training stops), like :func:`simulate.train.algorithm1`.
    """
    if not isinstance(cfg, RunConfig):
        raise ValueError(f"cfg must be a RunConfig, got {type(cfg).__name__}")
    if cfg.model not in TRAINED_PARAMETERS:
        raise ValueError(f"cfg.model must be one of {', '.join(map(repr, TRAINED_PARAMETERS))} to train a ViT, "
                         f"got {cfg.model!r}")
    return _train_config(cfg, run_device(device), tick)


def _initial_model(cfg: RunConfig, dtype: torch.dtype) -> SimpleViT:
    """The run's ViT before training, on the CPU: :class:`SimpleViT` from its seed, loaded from its checkpoint
    when it names one, every parameter nudged ``cfg.perturb`` ulps."""
    model = SimpleViT(cfg.M, cfg.d, hidden=cfg.dh, heads=cfg.H, init=cfg.init, seed=cfg.seed,  # type: ignore[arg-type]  # RunConfig checked init
                      dtype=dtype)
    if cfg.checkpoint:
        load_checkpoint(model, cfg.checkpoint)
    if cfg.perturb:
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(nudge(p, cfg.perturb))
    return model


def _train_config(cfg: RunConfig, dev: torch.device, tick: Callable[[int], None] | None) -> RunOutput:
    """:func:`train_config` for a RunConfig of a ViT model (validated when it was made) on an available device."""
    start = time.perf_counter()
    dtype = DTYPES[cfg.dtype]
    X, y, _, _ = data._training_sets([cfg], dtype)
    X, y = X[0].to(dev), y[0].to(dev)
    model = _initial_model(cfg, dtype)
    model.to(dev)
    params = TRAINED_PARAMETERS[cfg.model](model)
    tau_train = 0.0 if cfg.attack.kind == "none" else cfg.tau
    trajectory: list[dict[str, float]] = []

    def progress(t: int, robust: float, clean: float) -> None:
        if t % cfg.log_every == 0:
            trajectory.append({"t": float(t), "robust_loss": robust, "clean_loss": clean})
        if tick is not None and t > 0:
            tick(1)

    # a two-class SimpleViT has one output: the logistic loss on y = ±1 (what _resolve finds for it)
    tr = _train(model, X, y, "logistic", tau_train, cfg.eta, cfg.eps, cfg.T_max, params, cfg.norm, cfg.attack.steps,
                cfg.attack.step_rel, progress)
    if not trajectory or trajectory[-1]["t"] != tr.iterations:
        trajectory.append({"t": float(tr.iterations), "robust_loss": tr.final_robust_loss,
                           "clean_loss": tr.final_clean_loss})
    if tick is not None:
        tick(max(cfg.T_max - tr.iterations, 0))
    radii = {"": cfg.tau, **{f"{r:g}": r * float(cfg.mu or 0.0) for r in cfg.eval_tau_rels}}
    clean_n = 0
    robust_n = dict.fromkeys(radii, 0)
    steps, step_rel = cfg.test_attack.steps, cfg.test_attack.step_rel
    for Xc, yc in data._test_sets([cfg], None, dtype, TEST_CHUNK):
        Xc, yc = Xc[0].to(dev), yc[0].to(dev)
        for name, tau in radii.items():
            ev = _evaluate(model, Xc, yc, "logistic", tau, cfg.norm, steps, step_rel)
            robust_n[name] += ev.robust_errors
            if name == "":
                clean_n += ev.clean_errors
    n_trained = sum(p.numel() for p in params)
    result = RunResult(iterations=tr.iterations, converged=tr.converged, final_robust_loss=tr.final_robust_loss,
                       final_clean_loss=tr.final_clean_loss, trained_parameters=int(n_trained), n_test=cfg.n_test,
                       clean_errors=clean_n, robust_errors_attack=robust_n[""],
                       at_tau_rel={float(name): RadiusResult(robust_errors_attack=k)
                                   for name, k in robust_n.items() if name})
    return RunOutput(cfg, result, trajectory, time.perf_counter() - start)


# ---- a group of stored runs at once ------------------------------------------------------------------------

# G models' parameters by SimpleViT's parameter names, each with a leading member axis: (G, *shape)
Params = dict[str, Tensor]


class _Stacked:
    """The forward pass of G :class:`SimpleViT` models of one architecture at once, their parameters stacked on a
    leading member axis: X (G, B, M, d) → f (G, B), member g's outputs those of model g on X[g].

    The same operations as :meth:`SimpleViT.forward` with every linear map a batched matmul (``baddbmm``) and
    every LayerNorm's gain and shift applied per member; members never mix. Two-class models only (one output,
    what a stored run trains). SimpleViT has no dropout or batch statistics, so this is its eval-mode forward.
    """

    def __init__(self, template: SimpleViT) -> None:
        if template.n_classes != 2:
            raise ValueError(f"template must be a two-class SimpleViT, got n_classes = {template.n_classes}")
        self.M, self.d, self.hidden, self.heads = template.M, template.d, template.hidden, template.heads
        self.layers = len(template.attns)
        self.every = template.mlp_placement == "every"
        self.names = [name for name, _ in template.named_parameters()]
        # each norm's ε, or None where the model has no LayerNorm (layer_norm=False)
        self.eps = {name: (float(m.eps) if isinstance(m, nn.LayerNorm) else None)
                    for name, m in template.named_modules()
                    if name == "final_norm" or name.startswith(("attn_norms.", "mlp_norms."))}

    def _linear(self, p: Params, name: str, x: Tensor) -> Tensor:
        """nn.Linear per member: x (G, R, in) → (G, R, out)."""
        return torch.baddbmm(p[f"{name}.bias"][:, None, :], x, p[f"{name}.weight"].transpose(1, 2))

    def _norm(self, p: Params, name: str, x: Tensor) -> Tensor:
        eps = self.eps[name]
        if eps is None:
            return x
        z = F.layer_norm(x, (self.hidden,), eps=eps)
        return torch.addcmul(p[f"{name}.bias"][:, None, :], z, p[f"{name}.weight"][:, None, :])

    def _attention(self, p: Params, i: int, h: Tensor, B: int) -> Tensor:
        """:class:`SelfAttention` per member. With M = 4 tokens the per-head products q·k and α·v are 4 × 4
        matrices; they are formed as broadcast products summed over an axis, which needs no head-major copy of
        q, k and v (what a batched matmul over (G·B·heads) tiny matrices costs)."""
        G, M, D, heads = h.shape[0], self.M, self.hidden, self.heads
        dh = D // heads
        name = f"attns.{i}"
        q, k, v = (self._linear(p, f"{name}.{m}_proj", h).view(G, B, M, 1, heads, dh) for m in "qkv")
        # scores (G, B, M_query, M_key, heads), softmax over the keys
        alpha = torch.softmax((q * k.transpose(2, 3)).sum(-1) / math.sqrt(dh), dim=3)
        out = (alpha[..., None] * v.transpose(2, 3)).sum(3)  # (G, B, M_query, heads, dh)
        return self._linear(p, f"{name}.out_proj", out.reshape(G, B * M, D))

    def _mlp(self, p: Params, i: int, h: Tensor) -> Tensor:
        return self._linear(p, f"mlps.{i}.2", torch.relu(self._linear(p, f"mlps.{i}.0", h)))

    def __call__(self, p: Params, X: Tensor) -> Tensor:
        G, B, M, d = X.shape
        D = self.hidden
        h = (self._linear(p, "embed", X.reshape(G, B * M, d)).view(G, B, M, D) + p["pos"][:, None]).view(G, B * M, D)
        for i in range(self.layers):
            h = h + self._attention(p, i, self._norm(p, f"attn_norms.{i}", h), B)
            if self.every:
                h = h + self._mlp(p, i, self._norm(p, f"mlp_norms.{i}", h))
        if not self.every:
            h = h + self._mlp(p, 0, self._norm(p, "mlp_norms.0", h))
        pooled = self._norm(p, "final_norm", h).view(G, B, M, D).mean(dim=2)
        return self._linear(p, "head", pooled)[..., 0]


def _stack(models: list[SimpleViT], dev: torch.device) -> Params:
    """Each parameter of the models stacked on a leading member axis (copies, detached), on ``dev``."""
    named = [dict(m.named_parameters()) for m in models]
    return {name: torch.stack([n[name].detach() for n in named]).to(dev) for name in named[0]}


def _stacked_pgd(fwd: _Stacked, p: Params, X: Tensor, y: Tensor, radius: Tensor, step: Tensor, norm: str,
                 steps: int) -> Tensor:
    """:func:`_pgd` for every member at once: X (G, B, M, d), y (G, B), member g's radius ``radius[g]`` and step
    length ``step[g]``; the per-example objective −y·f, per-token steps and projection and the best iterate are
    those of :func:`_pgd` (examples and members never interact). A member of radius 0 keeps δ = 0 exactly (the
    projection onto the 0-ball maps every step back to 0), so it gets X, as :func:`_pgd` returns at τ = 0."""
    G = X.shape[0]
    if not bool((radius > 0).any()):
        return X.clone()

    calls = 0

    def score(delta: Tensor) -> tuple[Tensor, Tensor]:
        nonlocal calls
        calls += 1
        if calls > steps:  # the last iterate is only scored: _pgd_loop never uses its gradient
            with torch.no_grad():
                return y * fwd(p, X + delta), torch.zeros_like(delta)
        leaf = delta.detach().requires_grad_(True)
        with torch.enable_grad():
            obj = -y * fwd(p, X + leaf)
            (g,) = torch.autograd.grad(obj.sum(), leaf)
        return -obj.detach(), g

    best_delta, _ = _pgd_loop(score, torch.zeros_like(X), radius.view(G, 1, 1), step.view(G, 1, 1, 1), norm, steps)
    return (X + best_delta).detach()


def _stacked_errors(fwd: _Stacked, p: Params, X: Tensor, y: Tensor, radius: Tensor, step: Tensor, norm: str,
                    steps: int) -> tuple[Tensor, Tensor]:
    """Clean and robust errors (G, B) bool of every member at once, as :func:`_evaluate` counts them: an example
    is a robust error when it is misclassified clean or at :func:`_pgd`'s point.

    :func:`_pgd`'s point is its iterate of lowest margin, so it is misclassified exactly when some iterate is; an
    example stops being attacked at the first iterate that is (and a clean error is never attacked), as its later
    iterates cannot change its count. The others follow :func:`_pgd`'s iterates (per-token steps of ``step[g]``,
    projection onto the ball of ``radius[g]``), examples and members never interacting; each member's open
    examples are packed to the front of a batch as wide as the most any member has left. A member of radius 0 is
    not attacked (its robust errors are its clean ones, as :func:`_pgd` returns X at τ = 0).
    """
    G, B, M, d = X.shape
    with torch.no_grad():
        clean = y * fwd(p, X) <= 0
    found = clean.clone()
    attacked = (radius > 0)[:, None].expand(G, B)
    project = _PROJECT[norm]
    rad, st = radius.view(G, 1, 1), step.view(G, 1, 1, 1)
    delta = project(torch.zeros_like(X), rad)
    for it in range(steps + 1):
        todo = attacked & ~found
        k = int(todo.sum(1).max())
        if k == 0:
            break
        # per member its open examples first (in order), then the rest: the first k are all it has open
        order = torch.argsort((~todo).to(torch.int8), dim=1, stable=True)[:, :k]
        live = torch.gather(todo, 1, order)
        at = order[:, :, None, None].expand(G, k, M, d)
        Xa, ya, da = torch.gather(X, 1, at), torch.gather(y, 1, order), torch.gather(delta, 1, at)
        if it == steps:  # the last iterate is only scored
            with torch.no_grad():
                margin = ya * fwd(p, Xa + da)
        else:
            leaf = da.requires_grad_(True)
            with torch.enable_grad():
                obj = -ya * fwd(p, Xa + leaf)
                (g,) = torch.autograd.grad(obj.sum(), leaf)
            margin = -obj.detach()
            delta = delta.scatter(1, at, project(da.detach() + st * steepest_direction(g, norm), rad))
        found = found.scatter(1, order, torch.gather(found, 1, order) | (live & (margin <= 0)))
    return clean, found


def _check_configs(configs: object) -> list[RunConfig]:
    if not isinstance(configs, list) or not configs:
        raise ValueError(f"configs must be a non-empty list of RunConfig, got {configs!r:.80}")
    for c in configs:
        if not isinstance(c, RunConfig):
            raise ValueError(f"configs must hold RunConfig objects, got {type(c).__name__}")
        if c.model not in TRAINED_PARAMETERS:
            raise ValueError(f"configs must hold ViT runs (model one of {', '.join(map(repr, TRAINED_PARAMETERS))}), "
                             f"got model={c.model!r} in {c.label()}")
    first = configs[0].group_key()
    for c in configs[1:]:
        if c.group_key() != first:
            raise ValueError(f"configs must share a group key, got {configs[0].label()} and {c.label()}")
    return configs


def train_configs(configs: list[RunConfig], device: str | torch.device = "cpu",
                  tick: Callable[[int], None] | None = None) -> list[RunOutput]:
    """:func:`train_config` for every run of one group (RunConfigs sharing a group key) at once: one RunOutput per
    config, in order, each equal to that run's own :func:`train_config` up to floating-point rounding.

    The members' ViTs are built exactly as :func:`train_config` builds them (seed, checkpoint, perturb) and their
    parameters stacked on a leading member axis (:class:`_Stacked`); the training sets are the group's, padded to
    the largest N and masked (:func:`simulate.data._training_sets`), so the members may differ in N as in every
    member field (τ, η, ε, T_max, seed, …). Every iteration runs one batched per-token PGD (each member its own τ
    and step) and one batched gradient step; a member whose robust loss is below its ε, or at its T_max, stops
    there (its weights, iteration count, losses and trajectory are fixed from then on) and leaves the batch. The
    test sets and the evaluation at τ and at ``eval_tau_rels`` are batched the same way, an example leaving the
    test attack once it is misclassified (:func:`_stacked_errors`: the same counts). ``tick(k)`` reports k
    member-iterations done, so a progress bar's total is Σ T_max, as for :func:`simulate.train.algorithm1`.
    """
    configs = _check_configs(configs)
    if tick is not None and not callable(tick):
        raise ValueError(f"tick must be callable or None, got {type(tick).__name__}")
    return _train_configs(configs, run_device(device), tick)


def _trained_names(model: SimpleViT, kind: str) -> list[str]:
    """The names of the parameters a run of model ``kind`` trains (:data:`TRAINED_PARAMETERS`), in model order."""
    ids = {id(p) for p in TRAINED_PARAMETERS[kind](model)}
    return [name for name, p in model.named_parameters() if id(p) in ids]


def _train_configs(configs: list[RunConfig], dev: torch.device, tick: Callable[[int], None] | None) -> list[RunOutput]:
    """:func:`train_configs` for a checked group on an available device."""
    start = time.perf_counter()
    cfg = configs[0]
    dtype = DTYPES[cfg.dtype]
    G = len(configs)
    X, y, mask, _ = data._training_sets(configs, dtype)
    X, y, mask = X.to(dev), y.to(dev), mask.to(dev)
    models = [_initial_model(c, dtype) for c in configs]
    fwd = _Stacked(models[0])
    trained = _trained_names(models[0], cfg.model)
    n_trained = sum(dict(models[0].named_parameters())[name].numel() for name in trained)
    params = _stack(models, dev)
    del models

    def col(values: list[float]) -> Tensor:
        return torch.tensor(values, dtype=dtype, device=dev)

    tau_train = [0.0 if cfg.attack.kind == "none" else c.tau for c in configs]
    steps, step_rel = cfg.attack.steps, cfg.attack.step_rel
    n, eta = col([float(c.N) for c in configs]), col([c.eta for c in configs])
    # the step lengths are the single run's Python products step_rel·τ, rounded once to the dtype
    radius, step = col(tau_train), col([step_rel * t for t in tau_train])

    active = list(range(G))  # the member of each row of the batched tensors
    trajectories: list[list[dict[str, float]]] = [[] for _ in range(G)]
    final: list[Params] = [{} for _ in range(G)]
    iterations, converged = [0] * G, [False] * G
    final_loss = [(math.nan, math.nan)] * G
    member_wall = [0.0] * G
    t = 0
    while True:
        detached = {name: v.detach() for name, v in params.items()}
        X_adv = _stacked_pgd(fwd, detached, X, y, radius, step, cfg.norm, steps)
        for name in trained:
            params[name].requires_grad_(True)
        with torch.enable_grad():
            robust = (F.softplus(-y * fwd(params, X_adv)) * mask).sum(1) / n
        robust_f = robust.detach().tolist()
        stop = [robust_f[i] < configs[g].eps or t >= configs[g].T_max for i, g in enumerate(active)]
        log_now = t % cfg.log_every == 0
        clean_f = robust_f
        if log_now or any(stop):
            if any(tau_train[g] > 0 for g in active):
                with torch.no_grad():
                    clean_all = ((F.softplus(-y * fwd(detached, X)) * mask).sum(1) / n).tolist()
                # at τ = 0 the single run's clean loss is its robust one
                clean_f = [r if tau_train[g] == 0.0 else c for g, r, c in zip(active, robust_f, clean_all, strict=True)]
        if tick is not None and t > 0:
            tick(len(active))
        for i, g in enumerate(active):
            if log_now:
                trajectories[g].append({"t": float(t), "robust_loss": robust_f[i], "clean_loss": clean_f[i]})
            if stop[i]:
                if not log_now:
                    trajectories[g].append({"t": float(t), "robust_loss": robust_f[i], "clean_loss": clean_f[i]})
                final[g] = {name: v[i].detach() for name, v in params.items()}
                iterations[g], converged[g] = t, robust_f[i] < configs[g].eps
                final_loss[g] = (robust_f[i], clean_f[i])
                member_wall[g] = time.perf_counter() - start
                if tick is not None:
                    tick(max(configs[g].T_max - t, 0))
        keep = [i for i, s in enumerate(stop) if not s]
        if not keep:
            break
        # members are independent: the kept members' summed loss gives each its own gradient
        grads = torch.autograd.grad(robust[keep].sum(), [params[name] for name in trained])
        with torch.no_grad():
            params = dict(detached)
            for name, g_ in zip(trained, grads, strict=True):
                p = detached[name]
                params[name] = p - eta.view(-1, *([1] * (p.dim() - 1))) * g_
        if len(keep) < len(active):
            idx = torch.tensor(keep, device=dev)
            active = [active[i] for i in keep]
            params = {name: v.index_select(0, idx) for name, v in params.items()}
            X, y, mask, n, eta = X[idx], y[idx], mask[idx], n[idx], eta[idx]
            radius, step = radius[idx], step[idx]
        t += 1

    ev_start = time.perf_counter()
    weights = {name: torch.stack([f[name] for f in final]) for name in final[0]}
    radii = [{"": c.tau, **{f"{r:g}": r * float(c.mu or 0.0) for r in c.eval_tau_rels}} for c in configs]
    names = list(radii[0])
    ev_radius = {name: col([r[name] for r in radii]) for name in names}
    ev_step = {name: col([cfg.test_attack.step_rel * r[name] for r in radii]) for name in names}
    clean_n = torch.zeros(G, dtype=torch.long)
    robust_n = {name: torch.zeros(G, dtype=torch.long) for name in names}
    for Xc, yc in data._test_sets(configs, None, dtype, TEST_CHUNK):
        Xc, yc = Xc.to(dev), yc.to(dev)
        for name in names:
            # _evaluate's batches: EVAL_CHUNK points of each member at a time
            for s in range(0, Xc.shape[1], EVAL_CHUNK):
                Xs, ys = Xc[:, s : s + EVAL_CHUNK], yc[:, s : s + EVAL_CHUNK]
                clean, robust = _stacked_errors(fwd, weights, Xs, ys, ev_radius[name], ev_step[name], cfg.norm,
                                                cfg.test_attack.steps)
                robust_n[name] += robust.sum(1).cpu()
                if name == "":
                    clean_n += clean.sum(1).cpu()
    eval_share = (time.perf_counter() - ev_start) / G
    outputs = []
    for g, c in enumerate(configs):
        result = RunResult(iterations=iterations[g], converged=converged[g], final_robust_loss=final_loss[g][0],
                           final_clean_loss=final_loss[g][1], trained_parameters=int(n_trained), n_test=c.n_test,
                           clean_errors=int(clean_n[g]), robust_errors_attack=int(robust_n[""][g]),
                           at_tau_rel={float(name): RadiusResult(robust_errors_attack=int(robust_n[name][g]))
                                       for name in names if name})
        outputs.append(RunOutput(c, result, trajectories[g], member_wall[g] + eval_share))
    return outputs
