"""Tests of :func:`simulate.vit.train_configs`: a group of ViT runs trained at once, parameters stacked on a member
axis, against :func:`simulate.vit.train_config` run by run.

Each member must come out as its own single run does, up to rounding: the same iterations, convergence, trajectory
(losses to a relative 1e-5 in float32, 1e-10 in float64) and error counts, whatever the other members are — another
seed, τ, N, ε or T_max, one that stops at once while the others go on. Toy sizes on the offline digits (M = 4, d = 16,
hidden 16, 2 heads), a few iterations, one thread.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from torch import nn

from simulate.config import AttackSpec, RunConfig, RunOutput
from simulate.train import train_group
from simulate.vit import Params, SimpleViT, _evaluate, _stack, _Stacked, _stacked_errors, train_config, train_configs

pytestmark = pytest.mark.usefixtures("one_thread")

REL = {"float32": 1e-5, "float64": 1e-10}


def cfg(**kw: object) -> RunConfig:
    base: dict[str, object] = dict(N=8, snr=4.0, dataset="digits", d=16, M=4, dh=16, dv=16, H=2, model="simplevit",
                                   T_max=5, n_test=60, log_every=2, dtype="float32")
    base.update(kw)
    return RunConfig(**base)  # type: ignore[arg-type]


def close(a: float, b: float, rel: float) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel * 1e-3)


def mismatches(batched: RunOutput, single: RunOutput) -> list[str]:
    """Where a batched member differs from its single run beyond rounding (empty when it does not)."""
    rel = REL[single.config.dtype]
    a, b = batched.result, single.result
    out = []
    if batched.config != single.config:
        out.append("config")
    for name in ("iterations", "converged", "trained_parameters", "n_test", "clean_errors", "robust_errors_attack"):
        if getattr(a, name) != getattr(b, name):
            out.append(f"{name}: {getattr(a, name)} vs {getattr(b, name)}")
    if a.at_tau_rel != b.at_tau_rel:
        out.append(f"at_tau_rel: {a.at_tau_rel} vs {b.at_tau_rel}")
    for name in ("final_robust_loss", "final_clean_loss"):
        if not close(getattr(a, name), getattr(b, name), rel):
            out.append(f"{name}: {getattr(a, name)!r} vs {getattr(b, name)!r}")
    if [r["t"] for r in batched.trajectory] != [r["t"] for r in single.trajectory]:
        out.append("trajectory times")
    else:
        for ra, rb in zip(batched.trajectory, single.trajectory, strict=True):
            if set(ra) != set(rb) or not all(close(ra[k], rb[k], rel) for k in rb):
                out.append(f"trajectory row at t = {rb['t']}: {ra} vs {rb}")
    return out


def assert_as_single(configs: list[RunConfig]) -> list[RunOutput]:
    batched = train_configs(configs)
    assert [o.config for o in batched] == configs
    for o, c in zip(batched, configs, strict=True):
        assert mismatches(o, train_config(c)) == [], c.label()
    return batched


def test_members_with_other_seeds_radii_and_sizes_train_as_their_single_runs() -> None:
    """Different seeds (data and initialisation), τ, η and N (padded and masked) in one group."""
    configs = [cfg(), cfg(seed=1, tau_rel=0.2), cfg(seed=2, N=3, eta=0.3), cfg(seed=3, N=14, tau_rel=0.0)]
    out = assert_as_single(configs)
    assert len({o.result.final_robust_loss for o in out}) == 4
    assert out[3].result.final_robust_loss == out[3].result.final_clean_loss  # τ = 0 is clean training


def test_a_member_that_stops_first_is_frozen_while_the_others_go_on() -> None:
    """One member converges at once (ε above log 2), one stops at its own T_max; the others keep training."""
    configs = [cfg(T_max=7), cfg(seed=1, eps=0.8), cfg(seed=2, T_max=2), cfg(seed=3, N=5, T_max=7)]
    out = assert_as_single(configs)
    assert [o.result.iterations for o in out] == [7, 0, 2, 7]
    assert [o.result.converged for o in out] == [False, True, False, False]
    assert [r["t"] for r in out[2].trajectory] == [0.0, 2.0]


def test_last_qkv_with_a_nudged_start_and_extra_radii() -> None:
    """Appendix B.4's model (only the last Q/K/V trained), perturb = 1, evaluation at extra radii, ℓ∞ PGD."""
    common: dict[str, object] = dict(model="vit-last-qkv", init="pytorch", perturb=1, eval_tau_rels=(0.0, 0.3),
                                     attack=AttackSpec(steps=5), test_attack=AttackSpec(steps=5))
    out = assert_as_single([cfg(**common), cfg(seed=1, tau_rel=0.1, T_max=3, **common)])
    assert all(list(o.result.at_tau_rel) == [0.0, 0.3] for o in out)
    assert_as_single([cfg(norm="inf", N=4, **common), cfg(norm="inf", seed=4, **common)])


def test_members_loaded_from_a_checkpoint(tmp_path: Path) -> None:
    """Every member starts from the checkpoint's backbone (a group field), then trains its own data and τ."""
    path = tmp_path / "backbone.pt"
    torch.save(SimpleViT(4, 16, hidden=16, heads=2, seed=7, init="pytorch").state_dict(), path)
    common: dict[str, object] = dict(model="vit-last-qkv", init="pytorch", checkpoint=str(path), T_max=3)
    out = assert_as_single([cfg(**common), cfg(seed=1, N=5, tau_rel=0.2, **common)])
    assert mismatches(out[0], train_config(cfg(model="vit-last-qkv", init="pytorch", T_max=3))) != []


def test_float64_and_clean_training() -> None:
    assert_as_single([cfg(dtype="float64"), cfg(dtype="float64", seed=1, N=4, T_max=3)])
    assert_as_single([cfg(attack=AttackSpec(kind="none")), cfg(attack=AttackSpec(kind="none"), seed=1)])


def test_a_member_does_not_depend_on_the_others() -> None:
    """The same run in two groups comes out the same; and the comparison does catch a wrong member."""
    a = cfg(seed=5)
    with_b = train_configs([a, cfg(seed=6, tau_rel=0.3)])[0]
    with_c = train_configs([cfg(seed=7, N=2, T_max=1), a])[1]
    assert mismatches(with_b, with_c) == []
    other = train_configs([cfg(seed=6), cfg(seed=5, eta=0.2)])
    assert mismatches(other[1], with_b) != []  # another η is another run
    assert mismatches(RunOutput(a, other[0].result, other[0].trajectory, 0.0), with_b) != []  # another seed


def test_train_group_uses_the_batched_path_and_is_deterministic() -> None:
    configs = [cfg(), cfg(seed=1, N=4)]
    first, again = train_group(configs), train_group(configs)
    batched = train_configs(configs)
    assert [(o.result, o.trajectory) for o in first] == [(o.result, o.trajectory) for o in again]
    assert [(o.result, o.trajectory) for o in first] == [(o.result, o.trajectory) for o in batched]


def test_tick_reports_every_members_whole_budget() -> None:
    done: list[int] = []
    out = train_configs([cfg(T_max=4), cfg(seed=1, eps=0.8, T_max=6), cfg(seed=2, T_max=3)], tick=done.append)
    assert sum(done) == 4 + 6 + 3 and [o.result.iterations for o in out] == [4, 0, 3]


@pytest.mark.parametrize("kw", [{}, {"mlp_placement": "every"}, {"layer_norm": False}, {"layers": 3, "heads": 4}])
def test_stacked_forward_is_each_models_forward(kw: dict[str, object]) -> None:
    models = [SimpleViT(4, 16, hidden=16, seed=s, dtype=torch.float64, **kw) for s in range(3)]  # type: ignore[arg-type]
    X = torch.randn(3, 5, 4, 16, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    p: Params = _stack(models, torch.device("cpu"))
    f = _Stacked(models[0])(p, X)
    assert f.shape == (3, 5)
    for g, m in enumerate(models):
        torch.testing.assert_close(f[g], m(X[g]), rtol=1e-12, atol=1e-14)
    # a member's outputs move with its own parameters only
    p2 = dict(p)
    p2["head.bias"] = p["head.bias"] + torch.tensor([[0.0], [1.0], [0.0]], dtype=torch.float64)
    f2 = _Stacked(models[0])(p2, X)
    assert torch.equal(f2[0], f[0]) and torch.equal(f2[2], f[2]) and not torch.equal(f2[1], f[1])


@pytest.mark.parametrize("norm", ["2", "inf", "1"])
def test_stacked_errors_count_as_evaluate_does(norm: str) -> None:
    """Members of other radii (one 0) attacked at once, examples leaving once misclassified: _evaluate's counts."""
    models = [SimpleViT(4, 16, hidden=16, seed=s, dtype=torch.float64, init="pytorch") for s in range(3)]
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(3, 40, 4, 16, generator=gen, dtype=torch.float64)
    y = torch.where(torch.rand(3, 40, generator=gen) < 0.5, -1.0, 1.0).to(torch.float64)
    radii = [0.4, 0.0, 1.5]
    clean, robust = _stacked_errors(_Stacked(models[0]), _stack(models, torch.device("cpu")), X, y,
                                    torch.tensor(radii, dtype=torch.float64),
                                    torch.tensor([0.2 * r for r in radii], dtype=torch.float64), norm, 6)
    for g, m in enumerate(models):
        ev = _evaluate(m, X[g], y[g], "logistic", radii[g], norm, 6, 0.2)
        assert (int(clean[g].sum()), int(robust[g].sum())) == (ev.clean_errors, ev.robust_errors), g
    assert torch.equal(robust[1], clean[1]) and bool((robust[2] >= clean[2]).all())
    assert 0 < int(clean.sum()) < int(robust.sum()) < robust.numel()  # the attack does find points


def test_stacked_forward_refuses_a_multiclass_template() -> None:
    with pytest.raises(ValueError, match="two-class SimpleViT"):
        _Stacked(SimpleViT(4, 16, hidden=16, n_classes=3))
    assert isinstance(SimpleViT(4, 16, hidden=16), nn.Module)


@pytest.mark.parametrize(("configs", "message"), [
    ([], "configs must be a non-empty list"),
    ((cfg(),), "configs must be a non-empty list"),
    ([cfg(), "run"], "configs must hold RunConfig"),
    ([cfg(model="eq1", dh=16, H=1)], "configs must hold ViT runs"),
    ([cfg(), cfg(eval_tau_rels=(0.2,))], "configs must share a group key"),
    ([cfg(), cfg(model="vit-last-qkv", init="pytorch")], "configs must share a group key"),
])
def test_train_configs_refuses_bad_input(configs: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        train_configs(configs)  # type: ignore[arg-type]


def test_train_configs_refuses_a_bad_tick_or_device() -> None:
    with pytest.raises(ValueError, match="tick must be callable"):
        train_configs([cfg()], tick=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="device must"):
        train_configs([cfg()], device="nowhere")
