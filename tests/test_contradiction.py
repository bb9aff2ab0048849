"""IC-1's contradiction with Theorem 4.2(3) in Case 2 (checks.contradiction), on fabricated runs whose counts
decide the verdict: it comes out confirmed, refuted or inconclusive as the errors say, and its mutant is the
contradiction's verdict reversed."""

from __future__ import annotations

import dataclasses
import math

import pytest

from bounds.regime import regime
from checks.contradiction import CLAIMS, MUTANTS, uniform_threshold
from checks.profiles import PROFILES
from checks.scope import params_of
from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import RunRecord

# Case 2 at unit constants: N·SNR² = 48 ≥ 1/ε = 40 and τ/‖µ‖ = 0.75 ≥ 1/ln 32
BASE = RunConfig(N=12, snr=2.0, d=256, M=8, dh=32, dv=32, eps=0.025, eta=0.001221, tau_rel=0.75)


def _record(c: RunConfig, attack: int, certified: int, n: int = 2000) -> tuple[RunConfig, RunRecord]:
    fields = {f.name: None for f in dataclasses.fields(RunResult)}
    result = RunResult(**{**fields, "iterations": 10, "converged": True, "final_robust_loss": 0.01,  # type: ignore[arg-type]
                          "final_clean_loss": 0.01, "n_test": n, "clean_errors": 0, "robust_errors_attack": attack,
                          "robust_errors_certified": certified, "at_tau_rel": {}})
    return c, RunRecord("k", c.as_dict(), result, [], 0.0, "c", 0.0)


def _runs(attack: int, certified: int) -> list[tuple[RunConfig, RunRecord]]:
    return [_record(dataclasses.replace(BASE, seed=s), attack, certified) for s in range(3)]


def test_the_fabricated_point_is_case_2_above_the_threshold_with_a_tiny_bound() -> None:
    assert regime(params_of(BASE)).nominal == "case2"
    assert BASE.tau_rel > uniform_threshold(BASE.M) == pytest.approx(1 / (math.sqrt(2) * 8))


@pytest.mark.parametrize("attack, certified, verdict", [
    (1500, 2000, "confirmed"),  # every seed surely above 1/2 where the bound is e^-102
    (10, 20, "refuted"),  # every seed certified surely below 1/2
    (900, 1100, "inconclusive"),  # neither: 1/2 lies between the two estimates
])
def test_the_verdict_follows_the_counts_and_the_mutant_is_its_reverse(attack: int, certified: int,
                                                                        verdict: str) -> None:
    claim, mutant = CLAIMS[0], MUTANTS[0]
    profile = PROFILES["ci"]
    f = claim.evaluate(_runs(attack, certified), profile)
    assert f.verdict == verdict
    reverse = {"confirmed": "refuted", "refuted": "confirmed"}.get(verdict, verdict)
    assert mutant.evaluate(_runs(attack, certified), profile).verdict == reverse


def test_one_seed_that_is_not_broken_keeps_its_cell_from_contradicting() -> None:
    runs = _runs(1500, 2000)
    runs[1] = _record(runs[1][0], 10, 2000)
    assert CLAIMS[0].evaluate(runs, PROFILES["ci"]).verdict == "inconclusive"


def test_runs_outside_case_2_or_below_the_threshold_are_counted_not_used() -> None:
    case1 = dataclasses.replace(BASE, tau_rel=0.05)  # Case 1's range
    below = dataclasses.replace(BASE, M=2, tau_rel=0.3174)  # Case 2 but under 1/(√2·2) = 0.354
    f = CLAIMS[0].evaluate([_record(case1, 2000, 2000), _record(below, 2000, 2000)], PROFILES["ci"])
    assert f.verdict == "inconclusive" and "no run is eligible" in f.reason
    assert "1 runs not in Case 2" in f.reason and "1 runs τ at or below the threshold" in f.reason
