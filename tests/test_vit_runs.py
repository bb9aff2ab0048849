"""Tests of the ViT models as stored runs: ``RunConfig(model="simplevit" | "vit-last-qkv")``, their validation,
``train_group``'s dispatch to the ViT trainer, determinism, counts, checkpoints and presets.

Toy sizes on the offline digits (M = 4, d = 16, hidden 16, 2 heads) and a few iterations, one thread.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from simulate.config import MODELS, AttackSpec, RunConfig, RunOutput
from simulate.grid import preset
from simulate.train import TRAINERS, train_group
from simulate.vit import TRAINED_PARAMETERS, SimpleViT, last_attention_params, train_config

pytestmark = pytest.mark.usefixtures("one_thread")


def cfg(**kw: object) -> RunConfig:
    base: dict[str, object] = dict(N=8, snr=4.0, dataset="digits", d=16, M=4, dh=16, dv=16, H=2, model="simplevit",
                                   T_max=6, n_test=120, log_every=2, dtype="float64")
    base.update(kw)
    return RunConfig(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "message"), [
    ({"dataset": "synthetic", "d": 16}, "trains on image data"),
    ({"model": "resnet"}, "model must be one of"),
    ({"dv": 32}, "dv must equal dh"),
    ({"H": 3}, "divisible by H"),
    ({"init": "theory", "sigma_h": 0.1, "sigma_V": 0.1}, "init must be 'pytorch16' or 'pytorch'"),
    ({"norm": "multi"}, "norm='multi' is implemented for model='eq1' only"),
    ({"attack": AttackSpec(kind="apgd")}, "attack must be Section 6's PGD"),
    ({"test_attack": AttackSpec(restarts=2)}, "test_attack must be Section 6's PGD"),
    ({"stop_on": "clean"}, "stop_on applies to model='eq1' only"),
    ({"w_O_norm": 2.0}, "w_O_norm applies to model='eq1' only"),
    ({"model": "eq1", "checkpoint": "x.pt"}, "checkpoint applies to the ViT models only"),
    ({"model": "eq1", "init": "pytorch", "dh": 16, "H": 1}, "init='pytorch' applies to the ViT models only"),
    ({"checkpoint": 3}, "checkpoint must be a string"),
])
def test_bad_model_settings_name_the_field(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cfg(**changes)


def test_eq1_keys_do_not_carry_the_model_fields() -> None:
    """The model fields at their defaults stay out of the key, so eq. (1) runs keep the keys they had."""
    # a run stored before RunConfig had the model fields (its config, code version and key as in that store)
    c = RunConfig(N=2, snr=0.25, d=256, M=8, dh=32, dv=32, T_max=300)
    assert c.model == "eq1" and c.checkpoint == ""
    assert c.key("ad9ec9a7ce8f64be") == "8b0b61df34ef4fdaa0d69415"
    assert cfg().key("v") != cfg(model="vit-last-qkv").key("v")
    assert "simplevit" in cfg().label()
    assert RunConfig.from_dict(cfg(model="vit-last-qkv", checkpoint="w.pt").as_dict()).model == "vit-last-qkv"


def test_every_model_has_one_trainer() -> None:
    """The dispatch table covers exactly the models RunConfig accepts; every ViT model goes to one trainer."""
    assert set(TRAINERS) == set(MODELS)
    assert {m for m in MODELS if m != "eq1"} == set(TRAINED_PARAMETERS)
    assert TRAINERS["simplevit"] is TRAINERS["vit-last-qkv"] is not TRAINERS["eq1"]


def test_train_group_runs_vit_members_as_train_config_deterministically() -> None:
    configs = [cfg(), cfg(seed=1, eval_tau_rels=(0.2,))]
    with pytest.raises(ValueError, match="share a group key"):
        train_group(configs)  # eval_tau_rels is a group field
    first = train_group([configs[0], cfg(seed=1)])
    again = train_group([configs[0], cfg(seed=1)])
    assert [o.result for o in first] == [o.result for o in again]
    assert all(isinstance(o, RunOutput) for o in first) and [o.config for o in first] == [configs[0], cfg(seed=1)]
    alone = train_config(configs[0])  # the first member on its own (batched, train_group agrees to rounding)
    assert (alone.config, alone.result.iterations, alone.result.clean_errors, alone.result.robust_errors_attack) == (
        first[0].config, first[0].result.iterations, first[0].result.clean_errors, first[0].result.robust_errors_attack)
    assert alone.result.final_robust_loss == pytest.approx(first[0].result.final_robust_loss, rel=1e-10)
    assert [r["t"] for r in alone.trajectory] == [r["t"] for r in first[0].trajectory]
    assert first[0].result != first[1].result  # the seed changes data and initialisation
    for o in first:
        r = o.result
        assert r.n_test == 120 and 0 <= r.clean_errors <= r.robust_errors_attack <= 120
        assert r.robust_errors_certified is None  # no certificate exists for these models
        assert "robust_errors_certified" not in r.as_dict()
        assert r.iterations <= 6 and isinstance(r.converged, bool)
        ts = [row["t"] for row in o.trajectory]
        assert ts[0] == 0 and ts[-1] == r.iterations and ts == sorted(ts)


def test_robust_error_at_extra_radii_grows_with_the_radius() -> None:
    r = train_config(cfg(eval_tau_rels=(0.0, 1.0), T_max=10)).result
    at = r.at_tau_rel
    assert list(at) == [0.0, 1.0] and all(v.robust_errors_certified is None for v in at.values())
    assert at[0.0].robust_errors_attack == r.clean_errors
    assert at[1.0].robust_errors_attack >= r.robust_errors_attack


def test_tick_reports_the_whole_budget() -> None:
    done: list[int] = []
    out = train_config(cfg(T_max=9), tick=done.append)
    assert sum(done) == 9 and out.result.iterations <= 9


def test_last_qkv_trains_fewer_parameters_and_attack_none_is_clean_training() -> None:
    full = train_config(cfg()).result
    last = train_config(cfg(model="vit-last-qkv", init="pytorch")).result
    vit = SimpleViT(4, 16, hidden=16, heads=2)
    assert last.trained_parameters == sum(p.numel() for p in last_attention_params(vit))
    assert full.trained_parameters == sum(p.numel() for p in vit.parameters())
    clean = train_config(cfg(attack=AttackSpec(kind="none"))).result
    assert clean.final_robust_loss == clean.final_clean_loss


def test_checkpoint_is_loaded_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    other = SimpleViT(4, 16, hidden=16, heads=2, seed=7, init="pytorch", dtype=torch.float64)
    path = tmp_path / "backbone.pt"
    torch.save(other.state_dict(), path)
    c = cfg(model="vit-last-qkv", init="pytorch")
    with_ckpt = train_config(c.replace(checkpoint=str(path))).result
    assert with_ckpt != train_config(c).result
    torch.save(SimpleViT(4, 16, hidden=32, heads=2).state_dict(), tmp_path / "wrong.pt")
    with pytest.raises(ValueError, match="does not match the model's state_dict"):
        train_config(c.replace(checkpoint=str(tmp_path / "wrong.pt")))
    with pytest.raises(ValueError, match="existing checkpoint file"):
        train_config(c.replace(checkpoint=str(tmp_path / "missing.pt")))


def test_train_config_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="cfg must be a RunConfig"):
        train_config("run")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"cfg\.model must be"):
        train_config(cfg(model="eq1", dh=16, H=1))


@pytest.mark.parametrize("name", ["digits-vit", "digits-vit-b4"])
def test_vit_presets_are_the_papers_settings(name: str) -> None:
    spec = preset(name, "default")
    c = spec.configs()[0]
    assert (c.dh, c.H, c.tau_rel, c.dataset) == (128, 4, 0.05, "digits")
    if name.endswith("b4"):
        assert c.model == "vit-last-qkv" and c.attack.steps == c.test_attack.steps == 5 and c.init == "pytorch"
    else:
        assert c.model == "simplevit" and c.attack.steps == 20 and c.init == "pytorch16"
    with pytest.raises(ValueError, match="data_root"):
        preset(name.replace("digits", "mnist"), "quick").configs()
