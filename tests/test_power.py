"""checks.power: what would settle an undecided verdict, on hand-made runs whose outcome is known."""

from __future__ import annotations

from checks.claim import Claim, Finding, Records
from checks.power import more_points, more_seeds, settle_hint
from checks.profiles import PROFILES, Profile
from checks.stats import lower_bound_verdict
from simulate.config import RunConfig
from simulate.results import RadiusResult, RunResult
from simulate.store import RunRecord

PROFILE = PROFILES["ci"]


def _runs(k: int, n: int, seeds: tuple[int, ...] = (0, 1)) -> Records:
    out = []
    for seed in seeds:
        c = RunConfig(N=8, snr=2.0, seed=seed, d=16, M=4, dh=8, dv=8)
        res = RunResult(iterations=0, converged=True, final_robust_loss=0.0, final_clean_loss=0.0, n_test=n,
                        clean_errors=k, robust_errors_attack=k, robust_errors_certified=k,
                        at_tau_rel={0.1: RadiusResult(robust_errors_attack=k, robust_errors_certified=k + 1)})
        out.append((c, RunRecord(c.key("t"), c.as_dict(), res, [], 0.0, "t", 0.0)))
    return out


def _claim(check: object) -> Claim:
    return Claim("X", "experiments", "s", "src", "how", (), check, kind="sanity", quote="q")  # type: ignore[arg-type]


def _pooled_above(bound: float) -> object:
    def check(records: Records, profile: Profile) -> Finding:
        k = sum(r.result.robust_errors_attack for _, r in records)
        n = sum(r.result.n_test for _, r in records)
        return Finding("X", lower_bound_verdict(k, k, n, bound, 0.95).verdict, "r")
    return check


def test_more_points_keeps_the_rates() -> None:
    res = _runs(30, 100)[0][1].result
    big = more_points(res, 4)
    assert (big.n_test, big.clean_errors, big.at_tau_rel[0.1].robust_errors_certified) == (400, 120, 124)


def test_more_seeds_gives_new_seeds_with_the_same_results() -> None:
    runs = more_seeds(_runs(30, 100), 3)
    assert len(runs) == 6 and len({c.seed for c, _ in runs}) == 6
    assert {r.result.robust_errors_attack for _, r in runs} == {30}


def test_an_effect_near_its_bound_is_settled_by_more_test_points() -> None:
    # 30% observed against a bound of 25%: 200 points cannot tell, 800 can
    claim = _claim(_pooled_above(0.25))
    runs = _runs(30, 100)
    f = claim.evaluate(runs, PROFILE)
    assert f.verdict == "inconclusive"
    hint = settle_hint(claim, runs, PROFILE, f)
    assert hint.startswith("4× the test points") and "confirmed" in hint


def test_an_effect_at_its_bound_is_not_settled_by_more_data() -> None:
    claim = _claim(_pooled_above(0.25))
    runs = _runs(25, 100)
    f = claim.evaluate(runs, PROFILE)
    assert "neither" in settle_hint(claim, runs, PROFILE, f)


def test_a_decided_verdict_needs_no_hint() -> None:
    claim = _claim(_pooled_above(0.25))
    runs = _runs(60, 100)
    assert settle_hint(claim, runs, PROFILE, claim.evaluate(runs, PROFILE)) == ""


def test_the_report_marks_diverging_runs_in_the_evidence() -> None:
    from reports.extras import flag_diverging

    f = Finding("X", "confirmed", "r", evidence=(("run", "n"), ("run[a]", "3"), ("run[b]", "4")),
                diverging=("run[b]",))
    assert flag_diverging(f) == (("run", "n"), ("run[a]", "3"), ("run[b] ⚠", "4"))
    assert flag_diverging(Finding("X", "confirmed", "r", evidence=(("run",), ("run[b]",)))) == (("run",), ("run[b]",))
