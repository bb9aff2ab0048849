"""checks/search.py without training: the search's draws (seeded, distinct, inside Theorem 4.2's cases), its
steering toward the smallest implied constant on a fabricated judge whose optimum is known, the verdicts of
the implied-constant summary on fabricated counts, and the command that reproduces a point."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from bounds import formulas
from checks import search
from checks.profiles import PROFILES
from checks.search import Drawn, constant_judge, summarise_constant, sweep_command
from checks.strategies import NEAR_RADIUS, NEAR_SNR_FACTOR, case_of, t42_point
from simulate.config import RunConfig
from simulate.grid import STABLE_ETA_MU2, GridSpec, apply_settings
from simulate.results import RunResult
from simulate.store import RunRecord

CI = PROFILES["ci"]
# a fabricated implied constant with its minimum 0 at SNR = 2 and τ/‖µ‖ = 0.3 (inside Case 1 at ci's N)
BEST_SNR, BEST_TAU = 2.0, 0.3


def fake_constant(c: RunConfig) -> float:
    assert c.snr is not None
    return math.log(c.snr / BEST_SNR) ** 2 + (c.tau_rel - BEST_TAU) ** 2


def fake_judge(c: RunConfig, rec: RunRecord) -> search.Outcome:
    return "confirmed", -fake_constant(c), ""


def no_run(c: RunConfig) -> RunRecord:
    return RunRecord("k", {}, _result(0, 0, 1), [], 0.0, "c", 0.0)


def _result(attack: int, certified: int, n: int, converged: bool = True) -> RunResult:
    fields = {f.name: None for f in dataclasses.fields(RunResult)}
    return RunResult(**{**fields, "iterations": 10, "converged": converged,  # type: ignore[arg-type]
                        "final_robust_loss": 0.01, "final_clean_loss": 0.01, "n_test": n, "clean_errors": 0,
                        "robust_errors_attack": attack, "robust_errors_certified": certified, "at_tau_rel": {}})


def _points(around: RunConfig | None) -> st.SearchStrategy[RunConfig]:
    return t42_point(CI, around)


def _best(seen: list[Drawn]) -> float:
    return min(fake_constant(s.config) for s in seen)


# ---- the draws ------------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(t42_point(CI))
def test_every_drawn_point_is_in_case_1_or_2_with_a_stable_step(c: RunConfig) -> None:
    assert case_of(c) in ("case1", "case2")
    assert c.mu is not None
    assert c.eta * c.mu ** 2 == pytest.approx(STABLE_ETA_MU2, rel=1e-3)  # η rounded to 4 digits
    assert (c.d, c.M, c.dh) == (CI.dims["d"], CI.dims["M"], CI.dims["dh"])
    assert c.seed in CI.seeds
    # Case 1 is τ/‖µ‖ ≤ 1/ln d_h, Case 2 above it (unit constants)
    assert (c.tau_rel <= 1 / math.log(CI.dims["dh"])) == (case_of(c) == "case1")


def test_the_same_seed_draws_the_same_points_and_another_seed_others() -> None:
    a = search.search(_points, fake_judge, no_run, 6, seed=3)
    b = search.search(_points, fake_judge, no_run, 6, seed=3)
    c = search.search(_points, fake_judge, no_run, 6, seed=4)
    assert [s.config for s in a] == [s.config for s in b]
    assert [s.config for s in a] != [s.config for s in c]
    assert len({s.config for s in a}) == len(a) == 6  # distinct points, the whole budget


def test_each_steered_point_is_a_neighbour_of_the_worst_point_before_it() -> None:
    seen = search.search(_points, fake_judge, no_run, 8, seed=0)
    first = 8 - 8 // 2
    for i in range(first, len(seen)):
        worst = max(seen[:i], key=lambda s: s.outcome[1]).config
        c = seen[i].config
        assert c.snr is not None and worst.snr is not None
        assert case_of(c) == case_of(worst)
        assert worst.snr / NEAR_SNR_FACTOR * 0.95 <= c.snr <= worst.snr * NEAR_SNR_FACTOR * 1.05  # 2-digit rounding
        assert abs(c.tau_rel - worst.tau_rel) <= NEAR_RADIUS + 0.01


def test_steering_moves_toward_the_smaller_constant() -> None:
    """Over 12 seeds at a budget of 10: the rounds near the worst point improve on the best of the first half
    far more often than 5 more undirected draws do (about half the time), and end below the undirected search
    of the same budget more often than not."""
    seeds = range(12)
    improved = undirected_improved = beats = 0
    for s in seeds:
        steered = search.search(_points, fake_judge, no_run, 10, seed=s)
        undirected = search.search(_points, fake_judge, no_run, 10, seed=s, steer=False)
        improved += _best(steered) < _best(steered[:5])
        undirected_improved += _best(undirected) < _best(undirected[:5])
        beats += _best(steered) <= _best(undirected)
    assert improved >= 9 and undirected_improved <= 6 and beats >= 8


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"budget": 0}, "budget must be a positive integer, got 0"),
    ({"budget": True}, "budget must be a positive integer, got True"),
    ({"budget": 2, "seed": -1}, "seed must be a non-negative integer, got -1"),
    ({"budget": 2, "read": None}, "read must be callable, got None"),
])
def test_bad_search_arguments_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"points": _points, "judge": fake_judge, "read": no_run, **kwargs}
    with pytest.raises(ValueError, match=message):
        search.search(**args)  # type: ignore[arg-type]


# ---- the implied constant ---------------------------------------------------------------------------------------

BASE = RunConfig(N=8, snr=0.5, d=32, M=4, dh=6, dv=6, tau_rel=0.05, eps=0.04, eta=0.0625, n_test=400)
G = formulas.G_ROBUST


def _drawn(c: RunConfig, attack: int, certified: int, converged: bool = True) -> Drawn:
    rec = RunRecord("k", {}, _result(attack, certified, c.n_test, converged), [], 0.0, "c", 0.0)
    return Drawn(c, rec, ("inconclusive", 0.0, ""))


def _g(c: RunConfig) -> float:
    assert c.snr is not None
    return c.d * c.snr ** 2 * (1 - c.tau_rel) ** 2


def test_the_fabricated_point_is_case_1() -> None:
    assert case_of(BASE) == "case1"


def test_positive_constants_are_confirmed_when_no_point_is_surely_all_wrong() -> None:
    seen = [_drawn(dataclasses.replace(BASE, seed=s), 40 + s, 60 + s) for s in range(3)]
    f = summarise_constant("X.search", seen, G, 0.0, 0.99)
    assert f.verdict == "confirmed"


def test_a_point_whose_certified_count_is_every_test_point_leaves_c_above_0_open() -> None:
    # C's lower limit there is −log(1)/g = 0, while its upper limit stays above 0 (the attack misses some)
    seen = [_drawn(BASE, 40, 60), _drawn(dataclasses.replace(BASE, seed=1), 300, 400)]
    f = summarise_constant("X.search", seen, G, 0.0, 0.99)
    assert f.verdict == "inconclusive"


def test_a_pinned_constant_is_refuted_by_the_smallest_upper_limit() -> None:
    level = 0.99
    weak = dataclasses.replace(BASE, snr=0.4, mu=None, seed=1)  # smaller g, more errors: the smallest constant
    seen = [_drawn(BASE, 20, 30), _drawn(weak, 120, 150)]
    # the upper limit of C at the weak point, from the attack's count, by Clopper–Pearson's lower limit
    lo = sps.beta.ppf((1 - level) / 2, 120, 400 - 120 + 1)
    upper = -math.log(lo) / _g(weak)
    assert upper < 1  # so C = 1 does not fit there
    f = summarise_constant("X.search.mutant", seen, G, 1.0, level)
    assert f.verdict == "refuted"
    assert "draw 2" in f.key
    assert f"{upper:.4g}" in f.reason
    assert summarise_constant("X.search.mutant", seen, G, upper * 0.9, level).verdict != "refuted"


def test_points_that_did_not_reach_eps_are_left_out() -> None:
    seen = [_drawn(BASE, 40, 60), _drawn(dataclasses.replace(BASE, seed=1), 399, 400, converged=False)]
    f = summarise_constant("X.search", seen, G, 0.0, 0.99)
    assert f.verdict == "confirmed" and "1 drawn points that did not reach ε left out" in f.reason
    none = summarise_constant("X.search", seen[1:], G, 0.0, 0.99)
    assert none.verdict == "inconclusive"


def test_the_judge_steers_toward_the_smaller_upper_limit() -> None:
    judge = constant_judge(G, 0.0)
    few = judge(BASE, _drawn(BASE, 10, 20).record, 0.99)
    many = judge(BASE, _drawn(BASE, 100, 120).record, 0.99)
    none = judge(BASE, _drawn(BASE, 0, 5).record, 0.99)
    assert many[1] > few[1] > none[1]  # more errors at the same g: a smaller constant, closer to refuting
    assert math.isfinite(none[1])


@pytest.mark.parametrize(("g", "floor", "message"), [
    ("g", 0.0, "g must be a bounds.formulas Formula"),
    (G, -1.0, "floor must be a finite number >= 0, got -1.0"),
    (G, math.inf, "floor must be a finite number >= 0, got inf"),
])
def test_bad_judge_arguments_are_refused(g: object, floor: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        constant_judge(g, floor)  # type: ignore[arg-type]


# ---- reproducing a point ---------------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None)
@given(t42_point(CI))
def test_the_sweep_command_trains_exactly_the_drawn_run(c: RunConfig) -> None:
    words = sweep_command(c).split()
    assert words[:2] == ["bovit", "sweep"] and words[-1] == "--no-progress"
    sets = [words[i + 1] for i, w in enumerate(words) if w == "--set"]
    axes = [words[i + 1] for i, w in enumerate(words) if w == "--axis"]
    (again,) = apply_settings(GridSpec("custom"), sets, axes).configs()
    assert again.key("v") == c.key("v")


def test_the_sweep_command_carries_eval_radii_and_attacks() -> None:
    from simulate.config import AttackSpec

    c = dataclasses.replace(BASE, eval_tau_rels=(1.2, 1.35), attack=AttackSpec(steps=7, random_start=True))
    words = sweep_command(c).split()
    sets = [words[i + 1] for i, w in enumerate(words) if w == "--set"]
    assert "eval_tau_rels=1.2,1.35" in sets and "attack_steps=7" in sets and "attack_random_start=true" in sets
    (again,) = apply_settings(GridSpec("custom"), sets, [words[i + 1] for i, w in enumerate(words)
                                                        if w == "--axis"]).configs()
    assert again.key("v") == c.key("v")
    with pytest.raises(ValueError, match="c must be a RunConfig"):
        sweep_command("N=8")  # type: ignore[arg-type]
