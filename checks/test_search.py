"""hypothesis searches inside the regimes of the pointwise claims, steered by ``target()`` toward the
worst ratio of observed error (or drop) to the claim's bound.

The claims' own tests (test_<group>.py) check fixed grids, the same ones the report shows; these
searches draw further points (``search_examples`` per profile, derandomised, no shrinking: every draw
trains a model) and fail exactly like the claim tests when a drawn point changes the recorded verdict.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import strategies as st

from bounds import formulas
from checks.claim import Finding
from checks.derived import INSIDE, OUTSIDE, SHARP, threshold_of
from checks.evaluate import records
from checks.profiles import Profile
from checks.scope import scope_of
from checks.settle import settle
from checks.stats import Verdict, bonferroni_level, bound_verdict, lower_bound_verdict
from checks.strategies import radii, trained_point
from checks.tolerances import tol
from simulate.config import RunConfig
from simulate.grid import ic1_radii
from simulate.results import need, radius, radius_name
from simulate.store import RunRecord, Store

T43_BOUND = formulas.T43_BOUND.value()

LEVEL = 0.95
# one point's outcome: (verdict, ratio to steer by — larger is closer to a counterexample, text)
Outcome = tuple[str, float, str]


def search(profile: Profile, store: Store, points: st.SearchStrategy[RunConfig],
           judge: Callable[[RunConfig, RunRecord, float], Outcome]) -> list[tuple[RunConfig, RunRecord, Outcome]]:
    """Draw ``profile.search_examples`` points, train each (or read it from the store), judge it at the
    Bonferroni level over the draws, and steer toward the largest ratio."""
    level = bonferroni_level(LEVEL, profile.search_examples)
    seen: list[tuple[RunConfig, RunRecord, Outcome]] = []

    @settings(max_examples=profile.search_examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.generate, Phase.target], suppress_health_check=list(HealthCheck))
    @given(points)
    def probe(c: RunConfig) -> None:
        ((c, rec),) = records([c], store)
        outcome = judge(c, rec, level)
        target(outcome[1], label="observed / bound")
        seen.append((c, rec, outcome))

    probe()
    return seen


def summarise(claim: str, seen: list[tuple[RunConfig, RunRecord, Outcome]], *, scoped: bool = False) -> Finding:
    """Refuted if any drawn point is, confirmed if all are, inconclusive otherwise; out of scope (keeping
    the data verdict) when ``scoped`` and the points miss Condition 4.1."""
    worst = max(seen, key=lambda s: s[2][1])
    key = f"{len(seen)} points searched; worst ratio {worst[2][1]:.3g} at {worst[0].label()}"
    refuted = [f"{c.label()}: {o[2]}" for c, _, o in seen if o[0] == "refuted"]
    verdict: Verdict
    if refuted:
        verdict, reason = "refuted", f"{len(refuted)} of {len(seen)} drawn points: " + "; ".join(refuted[:2])
    elif all(o[0] == "confirmed" for _, _, o in seen):
        verdict, reason = "confirmed", f"all {len(seen)} drawn points hold; the worst: {worst[2][2]}"
    else:
        open_ = [f"{c.label()}: {o[2]}" for c, _, o in seen if o[0] != "confirmed"]
        verdict, reason = "inconclusive", "; ".join(open_[:2])
    if scoped:
        ok, why = scope_of([(c, rec) for c, rec, _ in seen])
        if not ok:
            return Finding(claim, "out-of-scope", reason, key, verdict, why)
    return Finding(claim, verdict, reason, key)


@st.composite
def _past_mu(draw: st.DrawFn, profile: Profile) -> RunConfig:
    r = draw(radii(1.0, 1.5))
    return draw(trained_point(profile, eval_tau_rels=(r,)))


def _judge_t43(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    r = radius(c.eval_tau_rels[0])
    at, n = rec.result.at_tau_rel[r], rec.result.n_test
    cert = need(at.robust_errors_certified, "robust_errors_certified")
    v = lower_bound_verdict(at.robust_errors_attack, max(cert, at.robust_errors_attack), n, T43_BOUND, level)
    rate = at.robust_errors_attack / n
    return (v.verdict, T43_BOUND / max(rate, 1 / n),
            f"robust error ≥ {rate:.3f} at τ/‖µ‖ = {radius_name(r)} (bound 1/4)")


def _judge_sharp(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    pairs = need(rec.result.midpoint_pairs_both_correct_at, "midpoint_pairs_both_correct_at")
    k = sum(pairs[r] for r in INSIDE)
    return ("refuted" if k else "confirmed", k + pairs[OUTSIDE] / rec.result.n_test,
            f"{k} coupled pairs survive at τ/‖µ‖ ≥ {radius_name(SHARP)} ({pairs[OUTSIDE]} at {OUTSIDE:.2f})")


def _judge_l55(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    lo = need(rec.result.drop_over_tau_u_max, "drop_over_tau_u_max") / c.M
    hi = need(rec.result.cert_drop_over_tau_u_max, "cert_drop_over_tau_u_max") / c.M
    verdict = "refuted" if lo > 1 else "inconclusive" if hi > 1 else "confirmed"
    return verdict, lo, f"max Δ/(M·τ‖u‖) in [{lo:.3f}, {hi:.3f}] (τ/‖µ‖ = {c.tau_rel:g})"


@st.composite
def _ic1_point(draw: st.DrawFn, profile: Profile) -> RunConfig:
    M = draw(st.integers(2, profile.dims["M"]))
    radii_ = ic1_radii(threshold_of(formulas.IC1_THRESHOLD), M)
    top = max(profile.snrs)
    return draw(trained_point(profile, snr_range=(top, 2 * top), tau_rels=(0.02,), M=M, eval_tau_rels=radii_))


def _judge_ic1(c: RunConfig, rec: RunRecord, level: float) -> Outcome:
    res, n = rec.result, rec.result.n_test
    if res.clean_errors / n > tol("CLEAN_FIT"):
        return "inconclusive", 0.0, f"M={c.M}: clean error {res.clean_errors}/{n} (does not fit: out of scope)"
    lo_r, hi_r = (radius(r) for r in c.eval_tau_rels)
    below, above = res.at_tau_rel[lo_r], res.at_tau_rel[hi_r]
    below_cert = need(below.robust_errors_certified, "robust_errors_certified")
    above_cert = need(above.robust_errors_certified, "robust_errors_certified")
    vb = bound_verdict(below.robust_errors_attack, below_cert, n, 0.5, level)
    va = lower_bound_verdict(above.robust_errors_attack, above_cert, n, 0.5, level)
    verdicts = {vb.verdict, va.verdict}
    verdict = "refuted" if "refuted" in verdicts else "confirmed" if verdicts == {"confirmed"} else "inconclusive"
    ratio = max(below_cert / n / 0.5, 0.5 / max(above.robust_errors_attack / n, 1 / n))
    return verdict, ratio, (f"M={c.M}: certified robust error {below_cert}/{n} at {radius_name(lo_r)}, "
                            f"attacked {above.robust_errors_attack}/{n} at {radius_name(hi_r)}")


SEARCHES: dict[str, tuple[Callable[[Profile], st.SearchStrategy[RunConfig]], Callable[..., Outcome], bool]] = {
    "T4.3": (_past_mu, _judge_t43, False),
    "T4.3.sharp": (lambda p: trained_point(p), _judge_sharp, False),
    "L5.5": (lambda p: trained_point(p, tau_rels=(0.02, 0.05, 0.1, 0.2)), _judge_l55, True),
    "IC-1.jump": (_ic1_point, _judge_ic1, False),
}


@pytest.mark.parametrize("claim", list(SEARCHES))
def test_search(claim: str, profile: Profile, store: Store) -> None:
    points, judge, scoped = SEARCHES[claim]
    settle(summarise(claim, search(profile, store, points(profile), judge), scoped=scoped), profile.name)
