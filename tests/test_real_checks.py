"""Tests of the real-data checks (checks/real.py, checks/experiments.monotone_check) on hand-made records whose
error counts are chosen to make each verdict: the cut-off reading of a phase transition (EB.2/EB.3/EB.4), the
multi-norm against ℓ₂ comparison (EB.3.lower) and monotonicity along N and SNR. Each check must be able to
refute, to confirm and to stay undecided."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from checks import real
from checks.experiments import monotone_check
from checks.profiles import PROFILES
from checks.real import lower_than_l2_check, transition_check
from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import RunRecord

NS = (10, 40, 160)
SNRS = (0.4, 1.0, 2.0)
PROFILE = PROFILES["ci"]


def records(errors: Callable[[int, float], tuple[int, int]], n: int = 1000, seeds: tuple[int, ...] = (0, 1),
            norm: str = "2") -> list[tuple[RunConfig, RunRecord]]:
    """One run per (N, SNR, seed) with ``errors(N, snr)`` = (clean, robust) error counts out of n."""
    out = []
    for N in NS:
        for s in SNRS:
            for seed in seeds:
                c = RunConfig(N=N, snr=s, seed=seed, dataset="digits", d=16, M=4, dh=8, dv=8, norm=norm)  # type: ignore[arg-type]
                clean, robust = errors(N, s)
                res = RunResult(iterations=0, converged=True, final_robust_loss=0.0, final_clean_loss=0.0, n_test=n,
                                clean_errors=clean, robust_errors_attack=robust, robust_errors_certified=robust,
                                at_tau_rel={})
                out.append((c, RunRecord(c.key("t"), c.as_dict(), res, [], 0.0, "t", 0.0)))
    return out


def falling(N: int, s: float) -> tuple[int, int]:
    """Error falling in N and SNR, from near chance (accuracy 0.5) to near perfect."""
    level = NS.index(N) + SNRS.index(s)  # 0 … 4
    clean = (500, 350, 150, 40, 10)[level]
    return clean, min(1000, clean + 60)


def transition(cutoff: float = 0.75) -> Callable[..., object]:
    return transition_check("T", cutoff, "t", "test")


def test_transition_confirms_an_up_set_with_both_sides() -> None:
    f = transition()(records(falling), PROFILE)
    assert f.verdict == "confirmed", f.reason
    assert {p.name for p in f.plots} == {"digits_t_clean_heatmap", "digits_t_clean_cutoff",
                                         "digits_t_robust_heatmap", "digits_t_robust_cutoff"}
    cut = next(p for p in f.plots if p.name == "digits_t_robust_cutoff")
    assert cut.grid[0][0] == 0.0 and cut.grid[-1][-1] == 1.0  # (N, SNR) smallest below, largest above


def test_transition_refutes_an_inversion_and_a_grid_on_one_side() -> None:
    def inverted(N: int, s: float) -> tuple[int, int]:
        clean, robust = falling(N, s)
        return (10, 70) if (N, s) == (10, 0.4) else (clean, robust)  # best accuracy at the smallest N and SNR

    f = transition()(records(inverted), PROFILE)
    assert f.verdict == "refuted" and "surely above 0.75 at N=10, SNR=0.4" in f.reason
    f = transition()(records(lambda N, s: (100, 600)), PROFILE)
    assert f.verdict == "refuted" and "robust: every cell is surely below" in f.reason


def test_transition_is_undecided_when_cells_sit_at_the_cut_off() -> None:
    f = transition()(records(lambda N, s: (50, 50), n=200, seeds=(0,)), PROFILE)  # accuracy 0.75 exactly
    assert f.verdict == "inconclusive"


def test_the_reversed_transition_is_refuted_by_an_up_set_and_confirmed_by_a_down_set() -> None:
    reversed_ = transition_check("T", 0.75, "t", "test", rising=False)
    f = reversed_(records(falling), PROFILE)
    assert f.verdict == "refuted" and "surely above 0.75 at N=" in f.reason
    assert transition()(records(falling), PROFILE).verdict == "confirmed"  # the same records, the claim's way

    def rising(N: int, s: float) -> tuple[int, int]:  # error rising in N and SNR: accuracy high at small N and SNR
        return falling(NS[-1 - NS.index(N)], SNRS[-1 - SNRS.index(s)])

    f = reversed_(records(rising), PROFILE)
    assert f.verdict == "confirmed" and "down-set" in f.reason
    assert transition()(records(rising), PROFILE).verdict == "refuted"


@pytest.mark.parametrize("cutoff", [0.0, 1.0, -0.5, "0.9"])
def test_transition_refuses_a_cut_off_that_is_not_an_accuracy(cutoff: object) -> None:
    with pytest.raises(ValueError, match="cutoff must be an accuracy in"):
        transition_check("T", cutoff, "t", "test")  # type: ignore[arg-type]


def test_transition_uses_the_data_sets_cut_off_by_default() -> None:
    check = transition_check("T", None, "t", "test")
    assert "surely ≥ 0.75" in check(records(falling), PROFILE).key  # digits: bovit's 0.75
    mnist = dataclasses.replace(PROFILE, images="mnist", data_root="/mnist")
    f = check(records(falling), mnist)
    assert "surely ≥ 0.93" in f.key and {p.name for p in f.plots} >= {"mnist_t_robust_cutoff"}


def test_monotone_along_both_axes() -> None:
    both = monotone_check("M", ("snr", "N"))
    assert both(records(falling), PROFILE).verdict == "confirmed"
    rising = monotone_check("M", ("snr", "N"), falling=False)
    assert rising(records(falling), PROFILE).verdict == "refuted"

    def bump(N: int, s: float) -> tuple[int, int]:  # error rises with N at SNR 1, falls along SNR everywhere
        clean, robust = falling(N, s)
        return (clean + 300, robust + 300) if (N, s) == (160, 1.0) else (clean, robust)


    assert monotone_check("M", ("snr",))(records(bump), PROFILE).verdict == "refuted"  # SNR 1 → 2 at N = 160
    f = both(records(bump), PROFILE)
    assert f.verdict == "refuted"
    assert ("SNR=1 clean: N 160 above 40", "yes") in {(row[0], row[3]) for row in f.evidence}  # found along N too
    with pytest.raises(ValueError, match="axes must be among"):
        monotone_check("M", ("tau",))


def test_multinorm_lower_than_l2() -> None:
    l2 = records(falling)
    worse = records(lambda N, s: (falling(N, s)[0], 900), norm="multi")
    better = records(lambda N, s: (falling(N, s)[0], max(0, falling(N, s)[1] - 200)), norm="multi")
    same = records(falling, norm="multi")
    check = lower_than_l2_check("L")
    assert check(l2 + worse, PROFILE).verdict == "confirmed"
    f = check(l2 + better, PROFILE)
    assert f.verdict == "refuted" and "multi-norm below ℓ₂" in f.reason
    assert check(l2 + same, PROFILE).verdict == "inconclusive"
    assert check(l2, PROFILE).verdict == "inconclusive"  # no multi-norm runs: nothing to compare
    reversed_ = lower_than_l2_check("L", higher=False)  # the mutant's statement: multi-norm robust error lower
    f = reversed_(l2 + worse, PROFILE)
    assert f.verdict == "refuted" and "multi-norm above ℓ₂" in f.reason
    assert reversed_(l2 + better, PROFILE).verdict == "inconclusive"  # lower, but not at every run of the grid
    f = reversed_(l2 + records(lambda N, s: (5, 5), norm="multi"), PROFILE)  # lower than every ℓ₂ run
    assert f.verdict == "confirmed" and "surely below ℓ₂'s" in f.reason
    assert reversed_(l2 + same, PROFILE).verdict == "inconclusive"


def test_every_real_claim_names_its_model_and_grid_for_the_report() -> None:
    assert set(real.SETTING) == {c.id for c in real.CLAIMS}
