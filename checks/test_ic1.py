"""IC-1: the uniform-attention robustness threshold τ = ‖µ‖/(√2·M) (CLAIMS.md IC-1, L5.4, top-12 item 2).

With attention uniform, f = (1/M)·Σ_j x_jᵀu, and perturbing every token by τ along −y·u/‖u‖ lowers the
margin by τ‖u‖, while the signal contributes only y·µ_yᵀu/M ≤ ‖µ‖‖u‖/(√2·M) for u ∝ µ₊ − µ₋. So past
τ = ‖µ‖/(√2·M) robust error should jump to at least about 1/2, and it says nothing below. The check
trains high-SNR models (clean error near 0) for M ∈ {2, 4, the profile's M} and brackets the robust
error at half and at twice the threshold: below, the certified upper estimate must be surely under 1/2;
above, the attack's lower estimate must be surely over 1/2.
"""

from __future__ import annotations

import math

import pytest

from checks.expected import settle
from checks.profiles import Profile
from checks.runs import runs
from checks.stats import bonferroni_level, bound_verdict, lower_bound_verdict
from simulate.config import RunConfig
from simulate.store import RunRecord, Store

LEVEL = 0.95
FACTORS = (0.5, 2.0)  # radii, as multiples of the threshold, on either side of it


def threshold(M: int) -> float:
    """IC-1's τ/‖µ‖ = 1/(√2·M)."""
    return 1 / (math.sqrt(2) * M)


def _radii(M: int) -> tuple[float, float]:
    return tuple(round(threshold(M) * f, 4) for f in FACTORS)  # type: ignore[return-value]


def _configs(profile: Profile) -> list[RunConfig]:
    Ms = sorted({2, 4, profile.dims["M"]})
    return [RunConfig(**{**profile.dims, "M": M}, N=profile.N, snr=max(profile.snrs), seed=seed,
                      T_max=profile.T_max, n_test=profile.n_test, tau_rel=0.02, eval_tau_rels=_radii(M))
            for M in Ms for seed in profile.seeds]


def check_threshold(records: list[tuple[RunConfig, RunRecord]]) -> tuple[str, str]:
    """Refuted if some model is surely non-robust at half the threshold or surely robust at twice it;
    confirmed if every model is surely robust (certified) below and surely broken (attack) above."""
    level = bonferroni_level(LEVEL, 2 * len(records))
    below, above, notes = [], [], []
    for c, rec in records:
        res, n = rec.result, rec.result["n_test"]
        lo_r, hi_r = (f"{r:g}" for r in _radii(c.M))
        at = res["at_tau_rel"]
        below.append((c, bound_verdict(at[lo_r]["robust_errors_attack"], at[lo_r]["robust_errors_certified"], n,
                                       0.5, level)))
        above.append((c, lower_bound_verdict(at[hi_r]["robust_errors_attack"], at[hi_r]["robust_errors_certified"],
                                             n, 0.5, level)))
        notes.append(f"M={c.M} seed {c.seed}: clean {res['clean_errors']}/{n}, "
                     f"robust {at[lo_r]['robust_errors_attack']}–{at[lo_r]['robust_errors_certified']} at {lo_r}, "
                     f"{at[hi_r]['robust_errors_attack']}–{at[hi_r]['robust_errors_certified']} at {hi_r}, "
                     f"attention entropy/log M {rec.trajectory[-1]['entropy_rel']:.2f}")
    checks = below + above
    refuted = [f"{c.label()} (M={c.M}): {v.reason}" for c, v in checks if v.verdict == "refuted"]
    if refuted:
        return "refuted", "; ".join(refuted[:2])
    if all(v.verdict == "confirmed" for _, v in checks):
        return "confirmed", "; ".join(notes)
    open_ = [f"{c.label()} (M={c.M}): {v.reason}" for c, v in checks if v.verdict != "confirmed"]
    return "inconclusive", "; ".join(open_[:2])


@pytest.fixture(scope="module")
def records(profile: Profile, store: Store) -> list[tuple[RunConfig, RunRecord]]:
    return runs(_configs(profile), store)


@pytest.mark.parametrize("claim", ["IC-1"])
def test_robust_error_jumps_at_the_uniform_attention_threshold(claim: str, records) -> None:
    for c, rec in records:  # the check means something only for models that fit the clean data
        if rec.result["clean_errors"] / rec.result["n_test"] > 0.1:
            settle(claim, "out-of-scope", f"{c.label()} (M={c.M}) has clean error "
                                          f"{rec.result['clean_errors']}/{rec.result['n_test']}")
            return
    verdict, reason = check_threshold(records)
    settle(claim, verdict, reason)  # type: ignore[arg-type]
