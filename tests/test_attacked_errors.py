"""The attacked robust error a claim reads is the union of the test attack's and the stronger attack's errors
(checks.claim.attacked_errors): the stronger attack's extra errors on its points count, so a claim that the robust
error is at least something can be decided by them."""

from __future__ import annotations

import dataclasses

import pytest

from checks.claim import attacked_errors
from checks.contradiction import CLAIMS
from checks.profiles import PROFILES
from simulate.config import RunConfig
from simulate.results import RadiusResult, RunResult
from simulate.store import RunRecord

# Case 2 at unit constants, above IC-1's threshold (as in tests/test_contradiction.py)
BASE = RunConfig(N=12, snr=2.0, d=256, M=8, dh=32, dv=32, eps=0.025, eta=0.001221, tau_rel=0.75)


def _result(attack: int, n: int, strong: tuple[int, int, int] | None) -> RunResult:
    """A result with ``attack`` errors of ``n``; ``strong`` = (points, stronger attack's errors there, the test
    attack's errors there)."""
    fields = {f.name: None for f in dataclasses.fields(RunResult)}
    extra = {} if strong is None else {"strong_points": strong[0], "strong_errors_attack": strong[1],
                                       "default_errors_on_strong_points": strong[2], "zero_gradient_points": 0}
    return RunResult(**{**fields, "iterations": 10, "converged": True, "final_robust_loss": 0.01,  # type: ignore[arg-type]
                        "final_clean_loss": 0.01, "n_test": n, "clean_errors": 0, "robust_errors_attack": attack,
                        "robust_errors_certified": n, "at_tau_rel": {}, **extra})


@pytest.mark.parametrize("attack, strong, want", [
    (150, None, 150),  # no stronger attack stored (a ViT run): the test attack's count
    (150, (100, 30, 30), 150),  # the stronger attack finds nothing new
    (150, (100, 100, 0), 250),  # it breaks all 100 of its points, which the test attack missed
    (150, (100, 42, 17), 175),  # 25 new errors
])
def test_the_count_is_the_union_of_both_attacks(attack: int, strong: tuple[int, int, int] | None, want: int) -> None:
    assert attacked_errors(_result(attack, 400, strong)) == want


def test_a_result_of_another_type_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match="result must be a RunResult, got dict"):
        attacked_errors({"robust_errors_attack": 3})  # type: ignore[arg-type]


def test_the_stronger_attacks_errors_decide_a_lower_bound_claim() -> None:
    """IC-1.case2-bound needs the robust error surely ≥ 1/2 at every seed: 150 of 400 by the test attack cannot say
    so (the certificate allows all 400), 150 + 100 found by the stronger attack can."""
    claim = CLAIMS[0]

    def runs(strong: tuple[int, int, int] | None) -> list[tuple[RunConfig, RunRecord]]:
        out = []
        for s in range(3):
            c = dataclasses.replace(BASE, seed=s)
            out.append((c, RunRecord("k", c.as_dict(), _result(150, 400, strong), [], 0.0, "c", 0.0)))
        return out

    assert claim.evaluate(runs(None), PROFILES["ci"]).verdict == "inconclusive"
    f = claim.evaluate(runs((100, 100, 0)), PROFILES["ci"])
    assert f.verdict == "confirmed", f.reason
    assert any("250" in row for row in f.evidence[1:]), f.evidence


def test_at_an_extra_radius_the_count_is_the_union_there() -> None:
    """At an extra radius of eval_tau_rels the stronger attack's errors there count, not those at the run's τ."""
    at = {0.5: RadiusResult(robust_errors_attack=40, robust_errors_certified=400, certificate_violations=0,
                            strong_errors_attack=55, default_errors_on_strong_points=20),
          1.0: RadiusResult(robust_errors_attack=300, robust_errors_certified=400)}  # no stronger attack stored
    res = dataclasses.replace(_result(150, 400, (100, 42, 17)), at_tau_rel=at)
    assert attacked_errors(res) == 175
    assert attacked_errors(res, 0.5) == 75 and attacked_errors(res, 1.0) == 300
    with pytest.raises(ValueError, match=r"r must be one of the run's extra radii \[0.5, 1.0\], got 0.25"):
        attacked_errors(res, 0.25)


def test_the_evaluation_runs_the_stronger_attack_at_every_extra_radius() -> None:
    """A trained model attacked at τ and at two extra radii: each radius stores the stronger attack's count on the
    same first points, never below the test attack's own count there, and the larger radius finds no fewer."""
    from simulate.train import STRONG_POINTS, train_group

    c = RunConfig(N=6, snr=1.0, d=32, M=4, dh=6, dv=6, T_max=30, n_test=150, eval_tau_rels=(0.3, 1.0))
    res = train_group([c])[0].result
    assert res.strong_points == min(STRONG_POINTS, 150)
    for r in (0.3, 1.0):
        at = res.at_tau_rel[r]
        assert at.strong_errors_attack is not None and at.default_errors_on_strong_points is not None
        assert at.default_errors_on_strong_points <= at.strong_errors_attack <= res.strong_points
        assert at.default_errors_on_strong_points <= at.robust_errors_attack
    # the radius reaches the attack: at ‖µ‖ (the midpoint within reach) it breaks far more points than at τ
    assert res.strong_errors_attack is not None
    assert res.at_tau_rel[1.0].strong_errors_attack > res.strong_errors_attack + 50  # type: ignore[operator]
