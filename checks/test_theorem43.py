"""Theorem 4.3 as stated (T4.3), as sharpened (T4.3.sharp), and where the sharpening starts.

Runs: models trained with Algorithm 1 at the profile's sizes (τ/‖µ‖ = 0.05), then attacked with the
constructive attack of the proof (signal token moved toward (µ₊ + µ₋)/2 by τ) at τ/‖µ‖ = 0.70, 1/√2⁺
(0.7072), 0.75 and 1, with the certified upper estimate of the robust error at 0.7072 and 1.
"""

from __future__ import annotations

import pytest

from checks.expected import settle
from checks.profiles import Profile
from checks.runs import runs
from checks.stats import bonferroni_level, lower_bound_verdict, upper_limit
from simulate.config import RunConfig
from simulate.store import RunRecord, Store

LEVEL = 0.95


def _configs(profile: Profile) -> list[RunConfig]:
    return [RunConfig(**profile.dims, N=profile.N, snr=snr, seed=seed, T_max=profile.T_max, n_test=profile.n_test,
                      eval_tau_rels=(0.7072, 1.0))
            for snr in profile.snrs for seed in profile.seeds]


def check_lower_bound(records: list[tuple[RunConfig, RunRecord]], r: str, bound: float) -> tuple[str, str]:
    """Every model's robust error at τ = r·‖µ‖ is ≥ bound: each run's bracket [midpoint attack, certified]
    against the bound, Bonferroni over the runs; refuted if any run is, confirmed if all are."""
    level = bonferroni_level(LEVEL, len(records))
    verdicts = []
    for c, rec in records:
        res = rec.result
        n = res["n_test"]
        k_low = res["midpoint_errors_at"][r]
        k_up = max(res["at_tau_rel"][r]["robust_errors_certified"], k_low)
        verdicts.append((c, lower_bound_verdict(k_low, k_up, n, bound, level)))
    worst = next((v for _, v in verdicts if v.verdict == "refuted"), None)
    if worst is not None:
        return "refuted", worst.reason
    if all(v.verdict == "confirmed" for _, v in verdicts):
        lo = min(v.lower_interval[0] for _, v in verdicts)
        return "confirmed", f"all {len(verdicts)} models: smallest lower limit {lo:.3f} ≥ {bound} at τ/‖µ‖ = {r}"
    bad = [f"{c.label()}: {v.reason}" for c, v in verdicts if v.verdict != "confirmed"]
    return "inconclusive", "; ".join(bad[:3])


def coupled_survivors(records: list[tuple[RunConfig, RunRecord]], r: str) -> tuple[int, int]:
    """Coupled pairs (µ₊, ξ), (µ₋, ξ) that both survive the midpoint attack at r, over all runs: (count, pairs)."""
    k = sum(rec.result["midpoint_pairs_both_correct_at"][r] for _, rec in records)
    n = sum(rec.result["n_test"] for _, rec in records)
    return k, n


@pytest.fixture(scope="module")
def records(profile: Profile, store: Store) -> list[tuple[RunConfig, RunRecord]]:
    return runs(_configs(profile), store)


@pytest.mark.parametrize("claim", ["T4.3"])
def test_robust_error_at_least_a_quarter_when_tau_reaches_mu(claim: str, records) -> None:
    """Thm 4.3: for any classifier, τ ≥ ‖µ‖ ⇒ L_D^rob ≥ 1/4."""
    verdict, reason = check_lower_bound(records, "1", 0.25)
    settle(claim, verdict, reason)  # type: ignore[arg-type]


@pytest.mark.parametrize("claim", ["T4.3.sharp"])
def test_no_coupled_pair_survives_past_mu_over_root_two(claim: str, records) -> None:
    """T4.3.sharp: for τ ≥ ‖µ‖/√2 one of X₊ = [µ₊, ξ], X₋ = [µ₋, ξ] is always misclassified (hence
    L_D^rob ≥ 1/2). Pointwise: one surviving pair refutes it; none among n pairs confirms it, with the
    95% upper limit on the escape rate as evidence."""
    found = []
    for r in ("0.7072", "0.75", "1"):
        k, n = coupled_survivors(records, r)
        found.append((r, k, n))
    bad = [(r, k, n) for r, k, n in found if k > 0]
    if bad:
        r, k, n = bad[0]
        settle(claim, "refuted", f"{k} of {n} coupled pairs both survive at τ/‖µ‖ = {r}")
    n = found[0][2]
    settle(claim, "confirmed", f"0 of {n} coupled pairs survive at τ/‖µ‖ ∈ {{0.7072, 0.75, 1}} "
                               f"(escape rate ≤ {upper_limit(0, n, LEVEL):.2g} at 95%)")


@pytest.mark.parametrize("claim", ["T4.3.sharp.threshold"])
def test_the_sharpening_starts_at_mu_over_root_two(claim: str, records) -> None:
    """Outside the regime the argument must fail: at τ = 0.70‖µ‖ < ‖µ‖/√2 the two classes cannot reach a
    common point, and some coupled pair survives for at least one trained model. If none ever did, the
    threshold would be a loose constant rather than where the argument starts."""
    k_in, n = coupled_survivors(records, "0.7072")
    k_out, _ = coupled_survivors(records, "0.7")
    if k_in > 0:
        settle(claim, "refuted", f"{k_in} of {n} pairs survive inside the regime (0.7072)")
    elif k_out == 0:
        settle(claim, "inconclusive", f"no pair survives at 0.70 either (0 of {n}); the threshold is not exhibited")
    else:
        settle(claim, "confirmed", f"{k_out} of {n} pairs survive at 0.70, none at 0.7072")
