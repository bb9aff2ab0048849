"""simulate.results: a run's typed result reads and writes exactly the result dicts the store has always held.

Real results of every model kind (eq. (1) on synthetic data, with extra radii, Lemma 5.3's ratio every few
steps, the multi-norm threat model with APGD, and on images; both ViT models) go through the store and come
back equal, their stored JSON unchanged; hypothesis draws stored dicts of every kind; hand-made bad dicts
are refused with the key named.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from strategies import stored_results

from simulate.config import AttackSpec, RunConfig, RunOutput
from simulate.results import RadiusResult, RunResult, need, radius, radius_name
from simulate.store import Store, _dumps, _loads
from simulate.train import MIDPOINT_RADII, train_group

pytestmark = pytest.mark.usefixtures("one_thread")

TINY: dict[str, Any] = {"d": 32, "M": 4, "dh": 6, "dv": 6, "n_test": 60, "log_every": 5, "N": 6, "snr": 2.0,
                        "T_max": 8}
VIT: dict[str, Any] = {"N": 8, "snr": 4.0, "dataset": "digits", "d": 16, "M": 4, "dh": 16, "dv": 16, "H": 2,
                       "model": "simplevit", "T_max": 4, "n_test": 40, "log_every": 2, "dtype": "float64"}
RADII = (0.7072, 1.0)
# the keys of each kind's stored result, in the trainers' order
SYNTHETIC_KEYS = ["iterations", "converged", "final_robust_loss", "final_clean_loss", "V_plus", "V_minus", "u_norm",
                  "W_V_fro", "n_test", "clean_errors", "robust_errors_attack", "robust_errors_certified",
                  "robust_errors_certified_box", "midpoint_errors", "certificate_violations", "drop_over_tau_u_mean",
                  "drop_over_tau_u_max",
                  "cert_drop_over_tau_u_max", "midpoint_errors_at", "midpoint_pairs_both_correct_at", "at_tau_rel",
                  "lemma56_paper", "lemma56_with_M", "lemma56_per_class", "attention_log_ratio_final", "margins",
                  "zero_gradient_points", "strong_points", "strong_errors_attack", "default_errors_on_strong_points"]
MU_ONLY = {"V_plus", "V_minus", "midpoint_errors", "midpoint_errors_at", "midpoint_pairs_both_correct_at",
           "lemma56_paper", "lemma56_with_M", "lemma56_per_class"}
IMAGE_KEYS = [k for k in SYNTHETIC_KEYS if k not in MU_ONLY and k != "attention_log_ratio_final"]
# the box count is ℓ2's only; the per-ball breakdown a union norm's only, after the margins
MULTI_KEYS = [k for k in SYNTHETIC_KEYS if k not in ("robust_errors_certified_box", "attention_log_ratio_final")]
MULTI_KEYS.insert(MULTI_KEYS.index("margins") + 1, "robust_errors_attack_by_norm")
# Lemma 5.3's ratio is logged only where asked for (log_ratio=True: the "synthetic" runs here)
UNLOGGED = [k for k in SYNTHETIC_KEYS if k != "attention_log_ratio_final"]
VIT_KEYS = ["iterations", "converged", "final_robust_loss", "final_clean_loss", "trained_parameters", "n_test",
            "clean_errors", "robust_errors_attack", "at_tau_rel"]


@pytest.fixture(scope="module")
def outputs() -> dict[str, list[RunOutput]]:
    """Tiny runs of every model kind, by kind."""
    groups = {
        "synthetic": [RunConfig(**TINY, seed=1, ratio_every=3, log_ratio=True, eval_tau_rels=RADII),
                      RunConfig(**{**TINY, "N": 5}, seed=2, tau_rel=0.3, ratio_every=3, log_ratio=True,
                                eval_tau_rels=RADII)],
        "multi": [RunConfig(**TINY, seed=3, norm="multi", attack=AttackSpec(kind="apgd"), eval_tau_rels=RADII)],
        "digits": [RunConfig(**{**TINY, "d": 16}, seed=4, dataset="digits", eval_tau_rels=RADII)],
        "plain": [RunConfig(**TINY, seed=5)],
        "simplevit": [RunConfig(**VIT, seed=0, eval_tau_rels=RADII), RunConfig(**VIT, seed=1, eval_tau_rels=RADII)],
        "vit-last-qkv": [RunConfig(**{**VIT, "model": "vit-last-qkv"}, seed=2, eval_tau_rels=RADII)],
    }
    return {kind: train_group(configs) for kind, configs in groups.items()}


def _stored_text(result: RunResult) -> str:
    """The result's JSON text as the store writes it, read back from the file."""
    with Store(":memory:") as store:
        store.put("k", {}, result, [], 0.0, "v")
        return str(store._db.execute("SELECT result FROM runs").fetchone()[0])


def test_trainers_build_run_results_with_each_models_fields(outputs: dict[str, list[RunOutput]]) -> None:
    keys = {"synthetic": SYNTHETIC_KEYS, "multi": MULTI_KEYS, "plain": UNLOGGED, "digits": IMAGE_KEYS,
            "simplevit": VIT_KEYS, "vit-last-qkv": VIT_KEYS}
    for kind, outs in outputs.items():
        for o in outs:
            r = o.result
            assert isinstance(r, RunResult)
            assert list(r.as_dict()) == keys[kind], kind
            assert list(r.at_tau_rel) == list(o.config.eval_tau_rels)  # float radii, in the config's order
            assert all(isinstance(v, RadiusResult) for v in r.at_tau_rel.values())
            vit = kind in ("simplevit", "vit-last-qkv")
            assert (r.robust_errors_certified is None) == vit and (r.trained_parameters is None) != vit
            assert all((v.robust_errors_certified is None) == vit for v in r.at_tau_rel.values())
            if kind in ("synthetic", "multi", "plain"):
                assert list(need(r.midpoint_errors_at, "midpoint_errors_at")) == list(MIDPOINT_RADII)
                assert list(need(r.midpoint_pairs_both_correct_at, "pairs")) == list(MIDPOINT_RADII)
                assert r.lemma56("with_M") == r.lemma56_with_M is not None
            else:
                assert r.midpoint_errors_at is None and r.V_plus is None and r.lemma56("paper") is None
            assert r.provenance is None  # the sweep adds it when it stores the run


def test_real_results_round_trip_through_the_store_unchanged(outputs: dict[str, list[RunOutput]],
                                                             tmp_path: Path) -> None:
    with Store(tmp_path / "runs.sqlite") as store:
        for kind, outs in outputs.items():
            for i, o in enumerate(outs):
                with_prov = dataclasses.replace(o.result, provenance={"git": "abc", "device": "cpu"})
                for j, result in enumerate((o.result, with_prov)):
                    key = f"{kind}-{i}-{j}"
                    store.put(key, o.config.as_dict(), result, o.trajectory, o.wall_s, "v")
                    record = store.get(key)
                    assert record is not None and record.result == result, key
                    assert record.result.as_dict() == result.as_dict()
                    text = store._db.execute("SELECT result FROM runs WHERE key = ?", (key,)).fetchone()[0]
                    stored = _loads(text)
                    assert RunResult.from_dict(stored).as_dict() == stored  # as_dict(from_dict(d)) == d
                    assert _dumps(RunResult.from_dict(stored).as_dict(), "r") == text  # key order and all
        assert store.check() == []


def test_the_stored_form_names_radii_as_before(outputs: dict[str, list[RunOutput]]) -> None:
    (o, _) = outputs["synthetic"]
    stored = json.loads(_stored_text(o.result))
    assert list(stored["at_tau_rel"]) == ["0.7072", "1"]
    assert list(stored["midpoint_errors_at"]) == list(stored["midpoint_pairs_both_correct_at"]) == \
        ["0.7", "0.7072", "0.75", "1"]
    assert list(stored["at_tau_rel"]["1"]) == ["robust_errors_attack", "robust_errors_certified",
                                               "certificate_violations", "strong_errors_attack",
                                               "default_errors_on_strong_points"]
    assert stored["midpoint_errors_at"]["1"] == need(o.result.midpoint_errors_at, "midpoint_errors_at")[1.0]
    vit = json.loads(_stored_text(outputs["simplevit"][0].result))
    assert vit["at_tau_rel"] == {k: {"robust_errors_attack": v.robust_errors_attack}
                                 for k, v in zip(("0.7072", "1"), outputs["simplevit"][0].result.at_tau_rel.values(),
                                                 strict=True)}


@given(stored_results())
def test_every_stored_dict_reads_and_writes_back_exactly(d: dict[str, object]) -> None:
    result = RunResult.from_dict(d)
    back = result.as_dict()
    assert back == d and list(back) == list(d)
    assert _dumps(back, "r") == _dumps(d, "r")  # the same JSON text
    for name in ("at_tau_rel", "midpoint_errors_at", "midpoint_pairs_both_correct_at"):
        if name in d:
            assert [radius_name(r) for r in getattr(result, name)] == list(d[name])  # type: ignore[call-overload]
    again = RunResult.from_dict(_loads(_dumps(back, "r")))
    assert _dumps(again.as_dict(), "r") == _dumps(d, "r")


def test_radii_are_keyed_as_their_stored_names_read_back() -> None:
    assert [radius_name(r) for r in (0.7, 0.7072, 1.0, 0.0, 2e-05)] == ["0.7", "0.7072", "1", "0", "2e-05"]
    assert radius(0.70710678) == 0.707107 and radius(1.0) == 1.0 and radius(0.7072) == 0.7072
    c = RunConfig(**{**TINY, "T_max": 2}, eval_tau_rels=(0.70710678,))
    (o,) = train_group([c])
    assert list(o.result.at_tau_rel) == [0.707107]
    assert list(json.loads(_stored_text(o.result))["at_tau_rel"]) == ["0.707107"]


def _vit_dict(**changes: object) -> dict[str, object]:
    d: dict[str, object] = {"iterations": 3, "converged": False, "final_robust_loss": 0.5, "final_clean_loss": 0.25,
                            "trained_parameters": 10, "n_test": 40, "clean_errors": 1, "robust_errors_attack": 2,
                            "at_tau_rel": {"1": {"robust_errors_attack": 3}}}
    d.update(changes)
    return {k: v for k, v in d.items() if v is not None}


def test_a_hand_made_dict_reads_as_its_fields() -> None:
    r = RunResult.from_dict(_vit_dict(provenance={"git": "abc"}))
    assert (r.iterations, r.converged, r.trained_parameters, r.n_test, r.clean_errors) == (3, False, 10, 40, 1)
    assert r.at_tau_rel == {1.0: RadiusResult(robust_errors_attack=3)} and r.provenance == {"git": "abc"}
    assert r.robust_errors_certified is None and r.u_norm is None and r.midpoint_errors_at is None
    assert r.as_dict() == _vit_dict(provenance={"git": "abc"})
    with pytest.raises(ValueError, match="has no robust_errors_certified"):
        need(r.robust_errors_certified, "robust_errors_certified")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.iterations = 4  # type: ignore[misc]
    # a diverged run's final losses are kept as they are (the health check flags the run from them) ...
    inf = RunResult.from_dict(_vit_dict(final_robust_loss=math.inf, final_clean_loss=math.nan))
    assert inf.final_robust_loss == math.inf and math.isnan(inf.final_clean_loss)
    for bad in (math.inf, -math.inf, math.nan):  # ... every other number that is not finite is refused
        with pytest.raises(ValueError, match="drop_over_tau_u_max must be a finite number or None"):
            RunResult.from_dict({**_vit_dict(), "drop_over_tau_u_max": bad})


@pytest.mark.parametrize(("changes", "message"), [
    ({"loss": 0.1}, r"result has unknown keys 'loss'"),
    ({"iterations": None}, r"result lacks the keys 'iterations'"),
    ({"at_tau_rel": None}, r"result lacks the keys 'at_tau_rel'"),
    ({"iterations": 3.0}, r"RunResult.iterations must be an int, got float"),
    ({"iterations": True}, r"RunResult.iterations must be an int, got bool"),
    ({"converged": 1}, r"RunResult.converged must be a bool"),
    ({"final_robust_loss": "0.5"}, r"RunResult.final_robust_loss must be a float, got str"),
    ({"robust_errors_certified": 2.5}, r"RunResult.robust_errors_certified must be an int or None"),
    ({"at_tau_rel": [1]}, r"result\['at_tau_rel'\] must be a dict"),
    ({"at_tau_rel": {"1.0": {"robust_errors_attack": 3}}}, r"keyed by radius names .* got '1.0'"),
    ({"at_tau_rel": {"0.70": {"robust_errors_attack": 3}}}, r"keyed by radius names .* got '0.70'"),
    ({"at_tau_rel": {"x": {"robust_errors_attack": 3}}}, r"keyed by radius names .* got 'x'"),
    ({"at_tau_rel": {"nan": {"robust_errors_attack": 3}}}, r"keyed by radius names .* got 'nan'"),
    ({"at_tau_rel": {"1": {"robust_errors_attack": 3, "extra": 1}}}, r"result\['at_tau_rel'\]\['1'\] has unknown"),
    ({"at_tau_rel": {"1": {}}}, r"result\['at_tau_rel'\]\['1'\] lacks the keys 'robust_errors_attack'"),
    ({"at_tau_rel": {"1": 3}}, r"result\['at_tau_rel'\]\['1'\] must be a dict"),
    ({"midpoint_errors_at": {"0.7": 1.5}}, r"midpoint_errors_at\[0.7\] must be an int"),
    ({"midpoint_errors_at": {"0.700": 1}}, r"keyed by radius names"),
    ({"provenance": {"git": 1}}, r"provenance must be a dict of strings"),
])
def test_bad_stored_dicts_are_refused_naming_the_key(changes: dict[str, object], message: str) -> None:
    d = _vit_dict(**{k: v for k, v in changes.items() if v is not None})
    for k in (k for k, v in changes.items() if v is None):
        d.pop(k)
    with pytest.raises(ValueError, match=message):
        RunResult.from_dict(d)


def test_a_result_built_in_code_is_checked() -> None:
    base: dict[str, Any] = {"iterations": 1, "converged": True, "final_robust_loss": 0.1, "final_clean_loss": 0.1,
                            "n_test": 4, "clean_errors": 0, "robust_errors_attack": 0, "at_tau_rel": {}}
    assert RunResult(**base).as_dict() == base
    with pytest.raises(ValueError, match=r"at_tau_rel must be keyed by radii .* got key 0.70710678"):
        RunResult(**{**base, "at_tau_rel": {0.70710678: RadiusResult(robust_errors_attack=0)}})
    with pytest.raises(ValueError, match=r"at_tau_rel\[1.0\] must be a RadiusResult, got dict"):
        RunResult(**{**base, "at_tau_rel": {1.0: {"robust_errors_attack": 0}}})
    with pytest.raises(ValueError, match=r"RadiusResult.robust_errors_attack must be an int"):
        RadiusResult(robust_errors_attack=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="variant must be one of"):
        RunResult(**base).lemma56("Paper")


def test_the_store_refuses_a_plain_dict_and_reports_an_unreadable_stored_result(tmp_path: Path) -> None:
    with Store(":memory:") as store:
        with pytest.raises(ValueError, match="result must be a RunResult"):
            store.put("k", {}, _vit_dict(), [], 0.0, "v")  # type: ignore[arg-type]
        assert len(store) == 0
    path = tmp_path / "runs.sqlite"
    with Store(path) as store:
        store.put("k", {}, RunResult.from_dict(_vit_dict()), [], 0.0, "v")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE runs SET result = ?", (json.dumps(_vit_dict(loss=1.0)),))
    with Store(path) as store:
        (problem,) = store.check()
        assert problem.startswith("run k: ValueError: result has unknown keys 'loss'")
        with pytest.raises(ValueError, match="unknown keys 'loss'"):
            store.get("k")


# ---- per-point margins ----------------------------------------------------------------------------------


def test_margins_round_trip_as_float16() -> None:
    import numpy as np

    from simulate.results import decode_margins, encode_margins

    values = [0.0, -1.5, 3.14159, 1e-8, 7e4, -np.inf, np.nan]
    back = decode_margins(encode_margins(values))
    assert back.dtype == np.float32 and len(back) == len(values)
    want = np.asarray(values).astype(np.float16).astype(np.float32)
    assert np.array_equal(back[:-1], want[:-1]) and np.isinf(back[4]) and np.isnan(back[-1])


@pytest.mark.parametrize("text", ["not base64!", "AAA"])
def test_decode_margins_refuses_what_encode_never_writes(text: str) -> None:
    from simulate.results import decode_margins

    with pytest.raises(ValueError, match=r"^margins must"):
        decode_margins(text)


def test_a_trained_runs_margins_give_its_error_counts() -> None:
    import numpy as np

    from simulate.config import RunConfig
    from simulate.train import train_group

    cfg = RunConfig(N=4, snr=0.7, d=32, M=4, dh=6, dv=6, T_max=30, n_test=300, eval_tau_rels=(0.3,))
    r = train_group([cfg])[0].result
    clean, attack, cert = r.margin("clean"), r.margin("attack"), r.margin("certified")
    assert len(clean) == cfg.n_test
    assert int((clean <= 0).sum()) == r.clean_errors
    assert int((np.minimum(attack, clean) <= 0).sum()) == r.robust_errors_attack
    # the certificate is a lower bound of the worst margin: never above what the attack reached (float16 rounding)
    assert r.certificate_violations == 0
    worst = np.minimum(attack, clean)
    assert np.all(cert <= worst + 2e-3 * (1 + np.abs(worst)))
    at = r.at_tau_rel[0.3]
    assert int((np.minimum(r.margin("attack@0.3"), clean) <= 0).sum()) == at.robust_errors_attack
    with pytest.raises(ValueError, match=r"^name must be one of this run's margins"):
        r.margin("attack@0.9")
