"""The report's test-attack strength section (reports/strength.py): what a stronger attack adds, per claim."""

from __future__ import annotations

import dataclasses

from checks.catalogue import CLAIMS
from reports.strength import strength_of, strength_section
from simulate.config import AttackSpec, RunConfig
from simulate.results import RadiusResult, RunResult
from simulate.store import RunRecord


def _record(c: RunConfig, test: int, strong: int, points: int = 100) -> RunRecord:
    result = RunResult.from_dict({
        "iterations": 3, "converged": True, "final_robust_loss": 0.01, "final_clean_loss": 0.0, "n_test": 500,
        "clean_errors": 0, "robust_errors_attack": test, "at_tau_rel": {}, "strong_points": points,
        "strong_errors_attack": strong, "default_errors_on_strong_points": test, "zero_gradient_points": 0})
    return RunRecord(c.key("v"), c.as_dict(), result, [], 0.0, "v", 0.0)


def test_a_claim_whose_stronger_attack_adds_errors_is_named() -> None:
    weak_claim, sound_claim = CLAIMS[0], CLAIMS[1]
    weak = [RunConfig(N=4, snr=1.0, d=16, M=4, dh=4, dv=4, seed=s) for s in range(3)]
    sound = [RunConfig(N=4, snr=1.0, d=16, M=4, dh=4, dv=4, seed=s, test_attack=AttackSpec(kind="apgd"))
             for s in range(10, 13)]
    twin = [c.replace(perturb=1) for c in sound]  # twins repeat a run: never counted
    records = [_record(c, 20, 31) for c in weak] + [_record(c, 20, 20) for c in sound] + \
        [_record(c, 0, 90) for c in twin]
    configs = {weak_claim.id: weak, sound_claim.id: sound + twin}
    lines = strength_section([weak_claim, sound_claim], configs, records)
    text = "\n".join(lines)
    assert f"surely (interval above 0) for {weak_claim.id}." in text
    assert f"| {weak_claim.id} | 3 | 300 | 60 | 93 | 33 = 11.00%" in text
    assert f"| {sound_claim.id} | 3 | 300 | 60 | 60 | 0 = 0.00%" in text
    assert "apgd(20 steps of 0.2τ) with the published code's schedule" in text
    by_config = {RunConfig.from_dict(r.config): r for r in records}
    assert strength_of("x", sound + twin, by_config).runs == 3


def test_no_flag_when_nothing_is_added() -> None:
    claim = CLAIMS[0]
    runs = [RunConfig(N=4, snr=1.0, d=16, M=4, dh=4, dv=4, seed=s) for s in range(2)]
    text = "\n".join(strength_section([claim], {claim.id: runs}, [_record(c, 5, 5) for c in runs]))
    assert "adds no error surely for any claim" in text
    empty = "\n".join(strength_section([claim], {claim.id: runs}, []))
    assert "No run of these claims stores the stronger attack's counts" in empty


def test_the_claims_marked_as_reading_other_radii_exist() -> None:
    from checks.catalogue import CLAIMS
    from reports.strength import OTHER_RADII

    ids = {c.id for c in CLAIMS}
    assert set(OTHER_RADII) <= ids, sorted(set(OTHER_RADII) - ids)


def test_what_the_stronger_attack_adds_at_the_extra_radii_is_shown_and_flagged() -> None:
    """A claim whose runs gain nothing at τ but 30 errors at an extra radius is flagged for that radius."""
    claim = CLAIMS[0]
    runs = [RunConfig(N=4, snr=1.0, d=16, M=4, dh=4, dv=4, seed=s, eval_tau_rels=(0.5,)) for s in range(2)]
    records = []
    for c in runs:
        rec = _record(c, 5, 5)
        at = {0.5: RadiusResult(robust_errors_attack=40, robust_errors_certified=100, certificate_violations=0,
                                strong_errors_attack=35, default_errors_on_strong_points=20)}
        result = dataclasses.replace(rec.result, at_tau_rel=at)
        records.append(RunRecord(rec.key, rec.config, result, [], 0.0, "v", 0.0))
    text = "\n".join(strength_section([claim], {claim.id: runs}, records))
    assert f"| {claim.id} | 2 | 200 | 10 | 10 | 0 = 0.00% [0.00%, 1.83%] | 200, 40, 70 | 30 = 15.00%" in text, text
    assert f"surely (interval above 0) for {claim.id}." in text
