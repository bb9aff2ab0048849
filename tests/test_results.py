"""simulate.results: a run's typed result reads and writes exactly the result dicts the store holds.

Hypothesis draws stored dicts of every model kind; hand-made bad dicts are refused with the key named.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest
from hypothesis import given
from strategies import stored_results

from simulate.results import RadiusResult, RunResult, need, radius, radius_name
from simulate.store import _dumps, _loads


@given(stored_results())
def test_every_stored_dict_reads_and_writes_back_exactly(d: dict[str, object]) -> None:
    result = RunResult.from_dict(d)
    back = result.as_dict()
    assert back == d and list(back) == list(d)
    assert _dumps(back, "r") == _dumps(d, "r")  # the same JSON text, NaN and ±inf included
    for name in ("at_tau_rel", "midpoint_errors_at", "midpoint_pairs_both_correct_at"):
        if name in d:
            assert [radius_name(r) for r in getattr(result, name)] == list(d[name])  # type: ignore[call-overload]
    again = RunResult.from_dict(_loads(_dumps(back, "r")))
    assert _dumps(again.as_dict(), "r") == _dumps(d, "r")


def test_radii_are_keyed_as_their_stored_names_read_back() -> None:
    assert [radius_name(r) for r in (0.7, 0.7072, 1.0, 0.0, 2e-05)] == ["0.7", "0.7072", "1", "0", "2e-05"]
    assert radius(0.70710678) == 0.707107 and radius(1.0) == 1.0 and radius(0.7072) == 0.7072


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
    inf = RunResult.from_dict(_vit_dict(final_robust_loss=math.inf, final_clean_loss=math.nan))
    assert inf.final_robust_loss == math.inf and math.isnan(inf.final_clean_loss)


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
