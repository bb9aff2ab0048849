"""Tests of simulate.vit: the simplified ViT, per-token PGD on a general module, Algorithm 1 with frozen
parameters, Appendix B.4's last-attention fine-tuning, checkpoints, evaluation and bad input.

Toy sizes (M = 4, d = 16, hidden 16) in float64 on one thread, so that the file runs in a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from simulate import attacks
from simulate.config import AttackSpec
from simulate.data import generator
from simulate.model import forward, init_weights
from simulate.vit import (
    Evaluation,
    SimpleViT,
    evaluate,
    finetune_last_attention,
    last_attention_params,
    load_checkpoint,
    per_token_pgd,
    train_adversarial,
)

F64 = torch.float64
M, D, HID = 4, 16, 16


# toy-sized tensors: one intra-op thread (tests/conftest.py, one_thread)
pytestmark = pytest.mark.usefixtures("one_thread")


def vit(seed: int = 0, **kw: object) -> SimpleViT:
    return SimpleViT(M, D, hidden=HID, seed=seed, dtype=F64, **kw)  # type: ignore[arg-type]


def data(n: int = 8, seed: int = 0, classes: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    """A learnable toy set: the class sits in token 0 (coordinate = label), the other tokens are noise."""
    g = generator(seed, "vit-test")
    X = torch.randn(n, M, D, generator=g, dtype=F64) * 0.3
    if classes == 2:
        y = (torch.randint(0, 2, (n,), generator=g) * 2 - 1).to(F64)
        X[:, 0, 0] = 2 * y
    else:
        y = torch.randint(0, classes, (n,), generator=g)
        X[torch.arange(n), 0, y] += 2.0
    return X, y


def _global_init(factory: Callable[[], nn.Module]) -> nn.Module:
    """A module built with PyTorch's own initialisation from a fixed seed, global generator restored."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return factory().to(F64)


class TinyMHA(nn.Module):
    """Two residual nn.MultiheadAttention layers, mean-pooled, one output."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(D, 8)
        self.attn1 = nn.MultiheadAttention(8, 2, batch_first=True)
        self.attn2 = nn.MultiheadAttention(8, 2, batch_first=True)
        self.head = nn.Linear(8, 1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        h = self.embed(X)
        h = h + self.attn1(h, h, h, need_weights=False)[0]
        h = h + self.attn2(h, h, h, need_weights=False)[0]
        return self.head(h.mean(1))


class FusedBlock(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(8, 24)
        self.proj = nn.Linear(8, 8)


class NamedBlock(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query, self.key, self.value = nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 8)


def _state_equal(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ---- the model -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "shape"),
    [({}, (5,)), ({"n_classes": 3}, (5, 3)), ({"mlp_placement": "every", "layers": 3}, (5,)),
     ({"layer_norm": False, "mlp": 8, "heads": 2}, (5,))],
    ids=["binary", "3-class", "mlp-every-block", "no-layernorm"],
)
def test_output_shapes(kw: dict[str, object], shape: tuple[int, ...]) -> None:
    X, _ = data(5)
    assert tuple(vit(**kw)(X).shape) == shape


def test_default_architecture_matches_section6() -> None:
    m = SimpleViT(16, 49)
    assert m.hidden == 128 and m.heads == 4 and len(m.attns) == 2 and len(m.mlps) == 1
    assert next(m.parameters()).dtype == torch.float32


def test_same_seed_is_bit_identical_and_global_rng_untouched() -> None:
    state = torch.random.get_rng_state()
    a, b, c = vit(3), vit(3), vit(4)
    assert torch.equal(state, torch.random.get_rng_state())
    assert _state_equal(a, b)
    assert not _state_equal(a, c)
    X, y = data()
    assert torch.equal(per_token_pgd(a, X, y, 0.3), per_token_pgd(b, X, y, 0.3))


def test_pytorch16_is_pytorch_default_over_16() -> None:
    small, big = vit(init="pytorch16").state_dict(), vit(init="pytorch").state_dict()
    # 1/16 is a power of two, so the scaling is exact
    assert all(torch.equal(small[k] * 16, big[k]) for k in small)
    w = big["embed.weight"]
    assert float(w.abs().max()) <= 1 / D**0.5  # nn.Linear's U(±1/√fan_in)


# ---- PGD -----------------------------------------------------------------------------------------------

_NORM_ORD = {"2": 2.0, "inf": float("inf"), "1": 1.0}


@pytest.mark.parametrize("norm", ["2", "inf", "1"])
def test_pgd_stays_inside_every_token_ball(norm: str) -> None:
    X, y = data(6)
    for tau in (0.05, 0.7):
        X_adv = per_token_pgd(vit(init="pytorch"), X, y, tau, norm=norm, steps=8)
        n = torch.linalg.vector_norm(X_adv - X, ord=_NORM_ORD[norm], dim=-1)  # (B, M): every token
        assert float(n.max()) <= tau * (1 + 1e-12)


@pytest.mark.parametrize("norm", ["2", "inf", "1"])
def test_pgd_raises_the_loss(norm: str) -> None:
    X, y = data(6)
    m = vit(init="pytorch")
    with torch.no_grad():
        clean = F.softplus(-y * m(X))
        adv = F.softplus(-y * m(per_token_pgd(m, X, y, 0.5, norm=norm, steps=5)))
    assert bool((adv >= clean).all()) and float(adv.sum()) > float(clean.sum())


def test_pgd_raises_cross_entropy_for_multiclass() -> None:
    X, y = data(6, classes=3)
    m = vit(init="pytorch", n_classes=3)
    with torch.no_grad():
        clean = F.cross_entropy(m(X), y, reduction="none")
        adv = F.cross_entropy(m(per_token_pgd(m, X, y, 0.5, steps=5)), y, reduction="none")
    assert bool((adv >= clean).all()) and float(adv.sum()) > float(clean.sum())


class _Eq1(nn.Module):
    """eq. (1) with fixed weights (one member) as a module of tokens (B, M, d) → f (B,)."""

    def __init__(self) -> None:
        super().__init__()
        self.w = init_weights(D, 6, 6, 2, [3], "pytorch16", [None], [None], [4.0], "ones", F64)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return forward(self.w, X[None])[0]


@pytest.mark.parametrize("norm", ["2", "inf", "1"])
def test_pgd_is_the_eq1_attacks_pgd(norm: str) -> None:
    """One PGD: on eq. (1) the ViT attack (any module) and simulate.attacks' PGD find the same points."""
    X, y = data(6)
    tau = 0.4
    ours = per_token_pgd(_Eq1(), X, y, tau, norm=norm, steps=7, step_rel=0.3)
    theirs = attacks.attack(_Eq1().w, X[None], y[None], tau, AttackSpec(steps=7, step_rel=0.3), norm)[0]
    assert not torch.equal(ours, X)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-12)


def test_pgd_tau_zero_returns_x_and_leaves_no_grad() -> None:
    X, y = data()
    m = vit()
    assert torch.equal(per_token_pgd(m, X, y, 0.0), X)
    per_token_pgd(m, X, y, 0.3, steps=2)
    assert all(p.grad is None for p in m.parameters())
    assert m.training  # the mode it had before


# ---- Algorithm 1 ------------------------------------------------------------------------------------------


def test_tau_zero_training_is_clean_gradient_descent() -> None:
    X, y = data()
    a, b = vit(init="pytorch"), vit(init="pytorch")
    res = train_adversarial(a, X, y, 0.0, eta=0.3, eps=1e-9, T_max=4)
    params = list(b.parameters())
    b.eval()
    for _ in range(4):
        loss = F.softplus(-y * b(X)).mean()
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p.sub_(0.3 * g)
    assert res.iterations == 4 and not res.converged
    assert res.robust_loss == res.clean_loss and len(res.robust_loss) == 5
    assert _state_equal(a, b)


def test_small_learnable_problem_converges() -> None:
    X, y = data(16)
    res = train_adversarial(vit(init="pytorch"), X, y, 0.1, eta=1.0, eps=0.05, T_max=100, steps=5)
    assert res.converged and res.final_robust_loss < 0.05 and res.iterations < 100
    assert res.robust_loss[0] > res.final_robust_loss
    assert all(r >= c - 1e-12 for r, c in zip(res.robust_loss, res.clean_loss, strict=True))
    ev = evaluate(vit(init="pytorch"), X, y, 0.1, steps=5)
    assert isinstance(ev, Evaluation) and ev.n == 16


def test_training_is_deterministic() -> None:
    X, y = data()
    a, b = vit(1), vit(1)
    ra = train_adversarial(a, X, y, 0.2, eta=0.5, T_max=3, steps=3)
    rb = train_adversarial(b, X, y, 0.2, eta=0.5, T_max=3, steps=3)
    assert ra == rb and _state_equal(a, b)


# ---- Appendix B.4 ---------------------------------------------------------------------------------------


def test_last_attention_params_simple_vit_picks_last_layer() -> None:
    m = vit()
    last, first = m.attns[-1], m.attns[0]
    got = {id(p) for p in last_attention_params(m)}
    want = {id(p) for lin in (last.q_proj, last.k_proj, last.v_proj) for p in lin.parameters()}
    assert got == want
    assert not got & {id(p) for p in first.parameters()}
    assert {id(p) for p in last_attention_params(m, include_bias=False)} == {
        id(last.q_proj.weight), id(last.k_proj.weight), id(last.v_proj.weight)}


def test_last_attention_params_other_layouts() -> None:
    mha = _global_init(TinyMHA)
    assert [id(p) for p in last_attention_params(mha)] == [id(mha.attn2.in_proj_weight), id(mha.attn2.in_proj_bias)]
    fused = nn.Sequential(FusedBlock(), FusedBlock())
    assert [id(p) for p in last_attention_params(fused)] == [id(fused[1].qkv.weight), id(fused[1].qkv.bias)]
    named = nn.Sequential(NamedBlock(), nn.ReLU(), NamedBlock())
    assert {id(p) for p in last_attention_params(named)} == {id(p) for p in named[2].parameters()}
    with pytest.raises(ValueError, match="model must contain an attention layer"):
        last_attention_params(nn.Sequential(nn.Linear(3, 3), nn.ReLU()))


@pytest.mark.parametrize("which", ["simple-vit", "multihead-attention"])
def test_finetune_last_attention_freezes_everything_else(which: str) -> None:
    m = vit(init="pytorch") if which == "simple-vit" else _global_init(TinyMHA)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    flags = {n: p.requires_grad for n, p in m.named_parameters()}
    trained = {id(p) for p in last_attention_params(m)}
    X, y = data()
    res = finetune_last_attention(m, X, y, 0.2, eta=0.5, eps=1e-9, T_max=3, steps=3)
    assert res.iterations == 3
    for name, p in m.named_parameters():
        if id(p) in trained and name.endswith("k_proj.bias"):
            # q·(k_j + b) shifts every logit of a query row by q·b, which softmax ignores: its gradient is 0
            assert torch.equal(p.detach(), before[name]), name
        elif id(p) in trained:
            assert not torch.equal(p.detach(), before[name]), name
        else:
            assert torch.equal(p.detach(), before[name]), name
    assert {n: p.requires_grad for n, p in m.named_parameters()} == flags


def test_load_checkpoint_round_trip_and_errors(tmp_path: Path) -> None:
    src, dst = vit(1), vit(2)
    path = tmp_path / "w.pt"
    torch.save(src.state_dict(), path)
    assert load_checkpoint(dst, path) is dst and _state_equal(src, dst)
    with pytest.raises(ValueError, match="no such file"):
        load_checkpoint(dst, tmp_path / "missing.pt")
    torch.save(vit(layers=3).state_dict(), tmp_path / "extra.pt")
    with pytest.raises(ValueError, match=r"unexpected keys \[attn_norms\.2"):
        load_checkpoint(dst, tmp_path / "extra.pt")
    torch.save(SimpleViT(M, D, hidden=8, heads=2, dtype=F64).state_dict(), tmp_path / "shape.pt")
    with pytest.raises(ValueError, match="shape mismatches"):
        load_checkpoint(dst, tmp_path / "shape.pt")
    torch.save([1, 2], tmp_path / "list.pt")
    with pytest.raises(ValueError, match="must hold a state_dict"):
        load_checkpoint(dst, tmp_path / "list.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a loadable"):
        load_checkpoint(dst, tmp_path / "junk.pt")
    assert _state_equal(src, dst)  # failed loads leave the model as it was


# ---- evaluation --------------------------------------------------------------------------------------------


def test_evaluate_counts() -> None:
    X, y = data(10)
    m = vit(init="pytorch")
    with torch.no_grad():
        clean = int((y * m(X) <= 0).sum())
    zero = evaluate(m, X, y, 0.0, chunk=3)
    assert (zero.clean_errors, zero.robust_errors) == (clean, clean)
    big = evaluate(m, X, y, 5.0, steps=5, chunk=3)
    assert big.clean_errors == clean and clean <= big.robust_errors <= 10
    assert big.robust_errors > clean  # a radius larger than the signal flips some points
    X3, y3 = data(10, classes=3)
    m3 = vit(init="pytorch", n_classes=3)
    with torch.no_grad():
        clean3 = int((m3(X3).argmax(1) != y3).sum())
    ev3 = evaluate(m3, X3, y3, 1.0, steps=3)
    assert ev3.clean_errors == clean3 and clean3 <= ev3.robust_errors and 0 <= ev3.robust_error <= 1


# ---- bad input ----------------------------------------------------------------------------------------------

_X, _Y = data(4)
_BAD: list[tuple[str, Callable[[], object], str]] = [
    ("M=0", lambda: SimpleViT(0, D), "M"),
    ("d=-1", lambda: SimpleViT(M, -1), "d"),
    ("hidden=2.5", lambda: SimpleViT(M, D, hidden=2.5), "hidden"),  # type: ignore[arg-type]
    ("hidden%heads", lambda: SimpleViT(M, D, hidden=10, heads=4), "hidden"),
    ("layers=0", lambda: SimpleViT(M, D, layers=0), "layers"),
    ("mlp=0", lambda: SimpleViT(M, D, mlp=0), "mlp"),
    ("n_classes=1", lambda: SimpleViT(M, D, n_classes=1), "n_classes"),
    ("init", lambda: SimpleViT(M, D, init="xavier"), "init"),  # type: ignore[arg-type]
    ("mlp_placement", lambda: SimpleViT(M, D, mlp_placement="first"), "mlp_placement"),  # type: ignore[arg-type]
    ("seed=-1", lambda: SimpleViT(M, D, seed=-1), "seed"),
    ("dtype", lambda: SimpleViT(M, D, dtype=torch.int64), "dtype"),
    ("forward-shape", lambda: vit()(torch.zeros(2, M + 1, D, dtype=F64)), "X"),
    ("model", lambda: per_token_pgd("vit", _X, _Y, 0.1), "model"),  # type: ignore[arg-type]
    ("X-2d", lambda: per_token_pgd(vit(), _X[0], _Y, 0.1), "X"),
    ("X-int", lambda: per_token_pgd(vit(), _X.long(), _Y, 0.1), "X"),
    ("X-nan", lambda: per_token_pgd(vit(), _X * float("nan"), _Y, 0.1), "X"),
    ("y-shape", lambda: per_token_pgd(vit(), _X, _Y[:2], 0.1), "y"),
    ("y-values", lambda: per_token_pgd(vit(), _X, _Y * 2, 0.1), "y"),
    ("y-float-ce", lambda: per_token_pgd(vit(n_classes=3), _X, _Y, 0.1), "y"),
    ("y-range-ce", lambda: per_token_pgd(vit(n_classes=3), _X, torch.full((4,), 3), 0.1), "y"),
    ("tau<0", lambda: per_token_pgd(vit(), _X, _Y, -0.1), "tau"),
    ("norm", lambda: per_token_pgd(vit(), _X, _Y, 0.1, norm="3"), "norm"),
    ("steps=0", lambda: per_token_pgd(vit(), _X, _Y, 0.1, steps=0), "steps"),
    ("step_rel=0", lambda: per_token_pgd(vit(), _X, _Y, 0.1, step_rel=0), "step_rel"),
    ("loss", lambda: per_token_pgd(vit(), _X, _Y, 0.1, loss="hinge"), "loss"),  # type: ignore[arg-type]
    ("loss-ce-binary", lambda: per_token_pgd(vit(), _X, _Y, 0.1, loss="ce"), "loss"),
    ("eta=0", lambda: train_adversarial(vit(), _X, _Y, 0.1, eta=0), "eta"),
    ("eps=-1", lambda: train_adversarial(vit(), _X, _Y, 0.1, eps=-1), "eps"),
    ("T_max=-1", lambda: train_adversarial(vit(), _X, _Y, 0.1, T_max=-1), "T_max"),
    ("params-foreign", lambda: train_adversarial(vit(), _X, _Y, 0.1, params=list(vit(1).parameters())), "params"),
    ("params-empty", lambda: train_adversarial(vit(), _X, _Y, 0.1, params=[]), "params"),
    ("params-tensor", lambda: train_adversarial(vit(), _X, _Y, 0.1, params=torch.zeros(2)), "params"),
    ("chunk=0", lambda: evaluate(vit(), _X, _Y, 0.1, chunk=0), "chunk"),
    ("include_bias", lambda: last_attention_params(vit(), include_bias=1), "include_bias"),  # type: ignore[arg-type]
    ("path-type", lambda: load_checkpoint(vit(), 3), "path"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "name"), [(c, n) for _, c, n in _BAD], ids=[i for i, _, _ in _BAD])
def test_bad_input_raises_value_error_naming_the_parameter(call: Callable[[], object], name: str) -> None:
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        call()


def test_data_of_another_dtype_is_refused_with_a_clear_message() -> None:
    model = SimpleViT(M=4, d=16, hidden=16, seed=0)
    X = torch.zeros(3, 4, 16, dtype=torch.float64)
    y = torch.ones(3, dtype=torch.float64)
    with pytest.raises(ValueError, match="X must match the model's dtype"):
        per_token_pgd(model, X, y, 0.1)
