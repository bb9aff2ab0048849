"""Theorem 4.3 as stated (T4.3): for τ ≥ ‖µ‖ every classifier has robust error at least 1/4.

Runs: models trained with Algorithm 1 at the profile's sizes (τ/‖µ‖ = 0.05), then attacked with the
constructive attack of the proof (the signal token moved toward (µ₊ + µ₋)/2 by τ) at τ/‖µ‖ = 0.70,
1/√2⁺ (0.7072), 0.75 and 1 (``bounds.formulas.MIDPOINT_RADII``), with the certified upper estimate of the robust
error at 0.7072 and 1 (the preset ``t43-midpoint``).
The sharpened statement and where it starts are in ``checks.derived``.
"""

from __future__ import annotations

from bounds import formulas
from checks.claim import Claim, Finding, Records
from checks.profiles import Profile
from checks.stats import LEVEL, bonferroni_level, lower_bound_verdict
from simulate.results import need, radius_name


def check_lower_bound(claim: str, records: Records, r: float, bound: float) -> Finding:
    """Every model's robust error at τ = r·‖µ‖ is ≥ bound: each run's bracket [midpoint attack, certified]
    against the bound, Bonferroni over the runs; refuted if any run is, confirmed if all are."""
    level = bonferroni_level(LEVEL, len(records))
    verdicts = []
    rows: list[tuple[str, ...]] = [("run", "errors (attack)", "errors (certified)", "n", "interval (attack)",
                                    "verdict")]
    for c, rec in records:
        res = rec.result
        n = res.n_test
        k_low = need(res.midpoint_errors_at, "midpoint_errors_at")[r]
        k_up = max(need(res.at_tau_rel[r].robust_errors_certified, "robust_errors_certified"), k_low)
        v = lower_bound_verdict(k_low, k_up, n, bound, level)
        verdicts.append((c, v))
        rows.append((c.label(), str(k_low), str(k_up), str(n),
                     f"[{v.lower_interval[0]:.3f}, {v.lower_interval[1]:.3f}]", v.verdict))
    lo = min(v.lower_interval[0] for _, v in verdicts)
    key = f"smallest lower limit {lo:.3f} (bound {bound:g})"
    refuted = [(c, v) for c, v in verdicts if v.verdict == "refuted"]
    if refuted:
        c, v = refuted[0]
        return Finding(claim, "refuted", f"{len(refuted)} of {len(verdicts)} models: {c.label()}: {v.reason}",
                       key, evidence=tuple(rows))
    if all(v.verdict == "confirmed" for _, v in verdicts):
        return Finding(claim, "confirmed", f"all {len(verdicts)} models: smallest lower limit {lo:.3f} ≥ {bound:g} "
                                           f"at τ/‖µ‖ = {radius_name(r)} ({level:.4f} intervals, Bonferroni)",
                       key, evidence=tuple(rows))
    bad = [f"{c.label()}: {v.reason}" for c, v in verdicts if v.verdict != "confirmed"]
    return Finding(claim, "inconclusive", "; ".join(bad[:3]), key, evidence=tuple(rows))


def check_t43(records: Records, profile: Profile) -> Finding:
    return check_lower_bound("T4.3", records, formulas.T43_RADIUS.value(), formulas.T43_BOUND.value())


CLAIMS = (
    Claim("T4.3", "theorem43",
          "For τ ≥ ‖µ‖, every classifier f has L_D^rob(f) ≥ 1/4.",
          "Theorem 4.3 (Section 4, L701–704; Appendix I)",
          "Trained models are attacked at τ = ‖µ‖ with the proof's construction (the signal token moved to "
          "the midpoint (µ₊ + µ₋)/2); the attack's error count is a lower estimate, the certified count an upper "
          "one. Each model's Clopper–Pearson lower limit must clear 1/4 (Bonferroni over models).",
          ("t43-midpoint",), check_t43, formulas=(formulas.T43_RADIUS, formulas.T43_BOUND),
          kind="paper", quote=('"Theorem 4.3. For any given classifier f(·;θ), when τ ≥ ∥µ∥2, the robust test error '
                               'satisfies Lrob D (θ) ≥ 0.25." (L701–704)')),
)

# A lower-bound mutant ("≥ 3/4") cannot be refuted here: refuting a lower bound needs an upper estimate
# of the robust error, and the certificate is vacuous (400/400) at τ = ‖µ‖. So T4.3 has no mutant.
MUTANTS: tuple[Claim, ...] = ()
