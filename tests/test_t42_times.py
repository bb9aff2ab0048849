"""Theorem 4.2's training times: the t42-dependence grid and the checks of T4.2.T.slopes, T4.2.T.dependence and
T4.2.T.case2-over-case1 on synthetic runs whose times follow a known law.

- the grid varies ‖µ‖ (through the SNR) and ‖w_O‖ at one η that is stable at every run, in Case 1, within its
  size budget (ci ≤ 8 runs, default ≤ 60 with ≥ 3 seeds);
- times that follow T ∝ η⁻¹ε⁻¹‖µ‖⁻²‖w_O‖⁻² confirm the claims and refute their mutants; a wrong law refutes;
- runs censored at T_max are kept, counted and said so; a ratio whose Case-2 runs are all censored is
  inconclusive, its bounds reported; ratios near M confirm, M² refutes.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from bounds.regime import regime
from checks import theorem42
from checks.claim import Claim, Finding
from checks.profiles import PROFILES
from checks.scope import mu_of, params_of
from simulate.config import RunConfig
from simulate.grid import STABLE_ETA_MU2, dependence_point, preset, ratio_radii, t42_grid
from simulate.results import RunResult
from simulate.store import RunRecord

CI = PROFILES["ci"]
BY_ID: dict[str, Claim] = {c.id: c for c in (*theorem42.CLAIMS, *theorem42.MUTANTS)}


def _record(c: RunConfig, iterations: float) -> tuple[RunConfig, RunRecord]:
    """A run that reached ε after ``iterations`` (rounded), or, past T_max, one still above ε at T_max."""
    converged = iterations <= c.T_max
    fields = {f.name: None for f in dataclasses.fields(RunResult)}
    result = RunResult(**{**fields, "iterations": round(iterations) if converged else c.T_max,  # type: ignore[arg-type]
                          "converged": converged, "final_robust_loss": c.eps / 2 if converged else 2 * c.eps,
                          "final_clean_loss": 0.0, "n_test": 10, "clean_errors": 0, "robust_errors_attack": 0,
                          "at_tau_rel": {}})
    return c, RunRecord("k", c.as_dict(), result, [], 0.0, "c", 0.0)


def _law(c: RunConfig, mu_power: float = -2.0, w_power: float = -2.0, eta_power: float = -1.0,
         noise: float = 0.01) -> float:
    """Iterations = K_seed·(160 + 5/ε)·η^eta_power·‖µ‖^mu_power·‖w_O‖^w_power (the ci runs' own scale at the
    theorem's powers, rescaled at η = 0.1, ‖µ‖ = 8, ‖w_O‖ = 2 for other powers), with multiplicative noise."""
    rng = np.random.default_rng(hash((c.seed, c.eta, c.eps, c.snr, c.w_O_norm)) % 2**32)
    k = 1.0 + 0.15 * c.seed
    powers = (c.eta**eta_power * 0.1**(-1 - eta_power) * mu_of(c)**mu_power * 8.0**(-2 - mu_power)
              * c.w_O_norm**w_power * 2.0**(-2 - w_power))
    return float(k * (160 + 5 / c.eps) * powers * (1 + noise * rng.standard_normal()))


def _records(presets: tuple[str, ...], **law: float) -> list[tuple[RunConfig, RunRecord]]:
    configs = list(dict.fromkeys(c for p in presets for c in preset(p, "ci").configs()))
    return [_record(c, _law(c, **law)) for c in configs]


def _data(f: Finding) -> str:
    return f.data_verdict if f.verdict == "out-of-scope" else f.verdict  # type: ignore[return-value]


# ---- the grid ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scale_name", "most"), [("ci", 8), ("default", 60)])
def test_the_dependence_grid_varies_mu_and_w_O_at_one_stable_eta_in_case_1(scale_name: str, most: int) -> None:
    runs = preset("t42-dependence", scale_name).configs()
    eta, snrs, w_Os = dependence_point(scale_name)
    assert 0 < len(runs) <= most
    assert {c.eta for c in runs} == {eta} and len({c.eps for c in runs}) == 1
    assert {c.snr for c in runs} == set(snrs) and len(snrs) >= 2
    assert {c.w_O_norm for c in runs} == set(w_Os) and len(w_Os) >= 2
    assert max(c.eta * mu_of(c)**2 for c in runs) <= STABLE_ETA_MU2 * (1 + 1e-3)  # η‖µ‖² stable everywhere
    # the slowest run's effective step η‖µ‖²‖w_O‖² is the stable one too, so none is slower than it need be
    assert min(c.eta * mu_of(c)**2 * c.w_O_norm**2 for c in runs) == pytest.approx(STABLE_ETA_MU2, rel=1e-2)
    assert all(regime(params_of(c)).nominal == "case1" for c in runs)
    seeds = {c.seed for c in runs}
    assert len(seeds) >= (3 if scale_name == "default" else 2)
    assert len(runs) == len(snrs) * len(w_Os) * len(seeds)


def test_t_max_leaves_room_for_the_slowest_run_at_its_predicted_time() -> None:
    for scale_name in ("ci", "default"):
        runs = preset("t42-dependence", scale_name).configs()
        slowest = max(1 / (c.eta * c.eps * mu_of(c)**2 * c.w_O_norm**2) for c in runs)
        assert all(c.T_max >= 10 * slowest for c in runs), scale_name


# ---- T4.2.T.slopes (η, a sanity check) ----------------------------------------------------------------------------


def test_the_eta_slope_is_a_sanity_check_that_a_true_law_confirms_and_its_mutant_refutes() -> None:
    assert BY_ID["T4.2.T.slopes"].kind == "sanity"
    records = _records(("t42-timing",))
    assert _data(BY_ID["T4.2.T.slopes"].check(records, CI)) == "confirmed"
    assert BY_ID["T4.2.T.mutant.eta-squared"].check(records, CI).verdict == "refuted"
    wrong = _records(("t42-timing",), eta_power=-0.5)
    f = BY_ID["T4.2.T.slopes"].check(wrong, CI)
    assert _data(f) == "refuted" and "excludes" in f.reason


def test_a_censored_eta_run_is_kept_and_counted() -> None:
    g = t42_grid("ci")
    configs = [c for c in preset("t42-timing", "ci").configs() if c.eps == g.eps0]
    slow = min(c.eta for c in configs)
    # T_max just below the slowest seed's time at the smallest η: that one run is censored
    times = {c: _law(c) for c in configs}
    cut = max(t for c, t in times.items() if c.eta == slow) * 0.95
    records = [_record(dataclasses.replace(c, T_max=max(int(cut), 1)), t) for c, t in times.items()]
    f = BY_ID["T4.2.T.slopes"].check(records, CI)
    assert "1 of 6 runs censored at T_max, kept as T > T_max" in f.reason
    assert _data(f) == "confirmed"


# ---- T4.2.T.dependence ------------------------------------------------------------------------------------------


def test_times_that_follow_the_theorem_confirm_the_dependence_and_refute_its_mutant() -> None:
    records = _records(("t42-timing", "t42-dependence"))
    # ε follows A + B/ε exactly, as the law is written
    f = BY_ID["T4.2.T.dependence"].check(records, CI)
    assert _data(f) == "confirmed", f.reason
    for name in ("ε (A + B·ε^s) exponent", "‖µ‖ exponent", "‖w_O‖ exponent"):
        assert name in f.reason
    m = BY_ID["T4.2.T.mutant.mu-fourth"].check(records, CI)
    assert m.verdict == "refuted" and "‖µ‖ exponent" in m.reason and "against -4" in m.reason


@pytest.mark.parametrize(("law", "part"), [({"mu_power": -1.0}, "‖µ‖"), ({"w_power": -3.0}, "‖w_O‖")])
def test_a_wrong_power_of_mu_or_w_O_refutes_the_dependence(law: dict[str, float], part: str) -> None:
    f = BY_ID["T4.2.T.dependence"].check(_records(("t42-timing", "t42-dependence"), **law), CI)
    assert _data(f) == "refuted"
    assert f"{part} exponent" in f.reason and "the interval excludes -2" in f.reason


def test_noisy_times_leave_the_dependence_inconclusive_rather_than_confirmed() -> None:
    f = BY_ID["T4.2.T.dependence"].check(_records(("t42-timing", "t42-dependence"), noise=0.4), CI)
    assert _data(f) in ("inconclusive", "refuted")
    assert "reaches outside" in f.reason or "excludes" in f.reason


def test_censored_dependence_runs_are_kept_and_said_so() -> None:
    dep = preset("t42-dependence", "ci").configs()
    # the two slowest runs stop above ε at a cap below their times (the runs keep the preset's configs)
    capped = [(c, rec) for c, rec in _records(("t42-timing",))]
    cut = sorted(_law(c) for c in dep)[-2]
    for c in dep:
        t = _law(c)
        _, rec = _record(c, t)
        if t >= cut:
            rec = dataclasses.replace(rec, result=dataclasses.replace(rec.result, iterations=math.floor(cut),
                                                                      converged=False))
        capped.append((c, rec))
    f = BY_ID["T4.2.T.dependence"].check(capped, CI)
    assert "2 of 8 runs censored at T_max, kept as T > T_max" in f.reason
    assert _data(f) == "confirmed", f.reason


# ---- T4.2.T.case2-over-case1 ------------------------------------------------------------------------------------


def _ratio_records(factor: float, power: float = 1.0, censor_case2: bool = False,
                   censor_at: int | None = None) -> list[tuple[RunConfig, RunRecord]]:
    out = []
    rng = np.random.default_rng(11)
    case1, _ = ratio_radii(CI.dims["dh"])
    for c in preset("t42-ratio", "ci").configs():
        base = 20.0 * (1 + 0.1 * c.seed)
        if c.tau_rel == case1:
            out.append(_record(c, base))
        else:
            t = base * factor * c.M**power * (1 + 0.02 * rng.standard_normal())
            out.append(_record(c, c.T_max * 2.0 if censor_case2 or c.M == censor_at else t))
    return out


def test_ratios_near_m_confirm_and_the_m_squared_mutant_is_refuted() -> None:
    records = _ratio_records(1.0)
    f = BY_ID["T4.2.T.case2-over-case1"].check(records, CI)
    assert _data(f) == "confirmed", f.reason
    assert "M = 2: ratio" in f.reason and "M = 4: ratio" in f.reason
    assert BY_ID["T4.2.T.mutant.M-squared"].check(records, CI).verdict == "refuted"


def test_a_ratio_off_by_more_than_the_margin_is_not_confirmed() -> None:
    f = BY_ID["T4.2.T.case2-over-case1"].check(_ratio_records(3.0), CI)
    assert _data(f) == "refuted"  # 3·M, precisely measured, excludes M
    f = BY_ID["T4.2.T.case2-over-case1"].check(_ratio_records(1.0, power=2.0), CI)
    assert _data(f) == "refuted"


def test_every_case2_run_censored_leaves_the_ratio_inconclusive_with_its_bounds() -> None:
    f = BY_ID["T4.2.T.case2-over-case1"].check(_ratio_records(1.0, censor_case2=True), CI)
    assert _data(f) == "inconclusive"
    assert "not identified" in f.reason and "ratio >" in f.reason and "4 of 4 pairs' Case-2 runs censored" in f.reason


def test_an_m_with_every_pair_censored_blocks_confirmation_but_not_the_other_ms_refutation() -> None:
    # M = 4 all censored; at M = 2 the observed ratio is M (the claim) or 3·M (off by more than the margin)
    f = BY_ID["T4.2.T.case2-over-case1"].check(_ratio_records(1.0, censor_at=4), CI)
    assert _data(f) == "inconclusive", f.reason
    assert "M = 4: every pair censored, ratio >" in f.reason and "M = 2: ratio" in f.reason
    f = BY_ID["T4.2.T.case2-over-case1"].check(_ratio_records(3.0, censor_at=4), CI)
    assert _data(f) == "refuted", f.reason
    # the M² mutant on runs whose ratio is M: refuted at M = 2 (2 against 4), whatever M = 4's censoring
    assert BY_ID["T4.2.T.mutant.M-squared"].check(_ratio_records(1.0, censor_at=4), CI).verdict == "refuted"
