"""The one table of tolerances (checks.tolerances), the half/twice sensitivity every finding carries, and
the training-health states read off a run's trajectory (checks.health)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

import pytest

from checks import tolerances
from checks.claim import Claim, Finding, Records, no_runs
from checks.evaluate import finding
from checks.health import health, summary
from checks.profiles import PROFILES, Profile
from checks.tolerances import TOLERANCES, scaled, tol
from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import RunRecord, Store


def test_every_tolerance_has_a_meaning_and_a_reason_and_scales_alone() -> None:
    for t in TOLERANCES.values():
        assert t.meaning and t.rationale and tol(t.name) == t.value
    with scaled("CLEAN_FIT", 2.0):
        assert tol("CLEAN_FIT") == 2 * TOLERANCES["CLEAN_FIT"].value
        assert tol("LOSS_DROP") == TOLERANCES["LOSS_DROP"].value
    assert tol("CLEAN_FIT") == TOLERANCES["CLEAN_FIT"].value


def test_a_factor_tolerance_scales_on_its_logarithm_so_half_of_it_is_still_a_margin() -> None:
    import math as m

    f = TOLERANCES["RATIO_EQUIV"].value
    assert TOLERANCES["RATIO_EQUIV"].multiplicative and f > 1
    with scaled("RATIO_EQUIV", 0.5):
        assert m.isclose(tol("RATIO_EQUIV"), m.sqrt(f)) and tol("RATIO_EQUIV") > 1
    with scaled("RATIO_EQUIV", 2.0):
        assert m.isclose(tol("RATIO_EQUIV"), f * f)


def test_read_collects_the_names_asked_for() -> None:
    with tolerances.read() as seen:
        tol("LOSS_DROP")
        tol("LOSS_DROP")
    assert seen == {"LOSS_DROP"}


@pytest.mark.parametrize("call", [lambda: tol("NOPE"), lambda: scaled("NOPE", 2.0).__enter__(),
                                  lambda: scaled("CLEAN_FIT", 0).__enter__(),
                                  lambda: scaled("CLEAN_FIT", math.nan).__enter__()])
def test_unknown_names_and_bad_factors_fail_in_one_line(call: object) -> None:
    with pytest.raises(ValueError, match=r"^(name must be a declared tolerance|factor must be a number > 0)"):
        call()  # type: ignore[operator]


def _fit(records: Records, profile: Profile) -> Finding:
    """Confirmed when a fixed error of 0.15 is within the clean-fit tolerance (0.1 as declared)."""
    return Finding("X.1", "confirmed" if 0.15 <= tol("CLEAN_FIT") else "refuted", "0.15 against CLEAN_FIT")


@pytest.fixture
def memory_store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


def test_a_finding_shows_its_verdict_at_half_and_twice_each_tolerance_it_read(memory_store: Store) -> None:
    claim = Claim("X.1", "derived", "Derived: s", "src", "how", no_runs, _fit, kind="derived", quote="a test")
    f = finding(claim, PROFILES["ci"], memory_store)
    assert f.verdict == "refuted"
    assert f.sensitivity == (("CLEAN_FIT", "0.1", "refuted", "confirmed"),)  # 0.15 ≤ 0.2 only at twice
    assert Finding.from_dict(f.as_dict()) == f


CFG = RunConfig(N=4, snr=2.0, d=16, M=4, dh=4, dv=4, T_max=20, n_test=40, eta=0.5)


def _record(losses: list[float], converged: bool) -> RunRecord:
    fields = {f.name: None for f in dataclasses.fields(RunResult)}
    result = RunResult(**{**fields, "iterations": len(losses), "converged": converged,  # type: ignore[arg-type]
                          "final_robust_loss": losses[-1], "final_clean_loss": losses[-1], "n_test": 1,
                          "clean_errors": 0, "robust_errors_attack": 0, "at_tau_rel": {}})
    return RunRecord("k", CFG.as_dict(), result, [{"t": float(i), "robust_loss": v} for i, v in enumerate(losses)],
                     0.0, "c", 0.0)


@pytest.mark.parametrize("losses, converged, state", [
    ([0.69, 0.5, 0.2, 0.005], True, "converged"),
    ([0.69, 0.6, 0.55, 0.5], False, "stopped"),
    ([0.69, 0.1, 0.19, 0.005], True, "converged"),  # a wobble below twice the best so far
    ([0.69, 0.1, 0.21, 0.005], True, "diverging"),  # it reached ε, but through a loss that more than doubled
    ([0.69, 0.3, math.inf], False, "diverging"),
    ([0.69, 0.3, math.nan], False, "diverging"),
])
def test_health_states(losses: list[float], converged: bool, state: str) -> None:
    h = health(CFG, _record(losses, converged))
    assert h.state == state
    assert h.eta_mu2 == pytest.approx(0.5 * CFG.signal_norm ** 2)


def test_the_divergence_rule_moves_with_its_tolerance() -> None:
    rec = _record([0.69, 0.1, 0.15, 0.005], True)
    assert health(CFG, rec).state == "converged"
    with scaled("DIVERGENCE_RISE", 0.5):
        assert health(CFG, rec).state == "diverging"


def test_summary_counts_runs_by_state_and_names_them() -> None:
    runs = [(CFG, _record([0.69, 0.005], True)), (dataclasses.replace(CFG, seed=1), _record([0.69, 0.1, 0.9], False))]
    table = summary(runs)
    assert table[0] == ("training", "runs", "η·‖µ‖²", "largest loss rise", "e.g.")
    assert [row[:2] for row in table[1:]] == [("converged", "1"), ("diverging", "1")]
    assert "seed=1" in table[2][4] and table[2][3] == "9×"
    assert summary([]) == ()
