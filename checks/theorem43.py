"""Theorem 4.3 as stated (T4.3): for τ ≥ ‖µ‖ every classifier has robust error at least 1/4.

Two kinds of classifier are held against a lower bound L "for every classifier, at τ ≥ t·‖µ‖":

- the reference classifiers of ``bounds.reference`` (constant, signal token, midpoint-optimal), whose robust
  error is known exactly at every radius: no simulation, evaluated at the claim's threshold t itself and at
  every radius of ``bounds.formulas.MIDPOINT_RADII`` / ``T43_EVAL_RADII`` at or above it. One whose exact robust
  error is below L there is a counterexample, so the bound can be refuted as well as confirmed;
- the trained models: Algorithm 1 at the profile's sizes (τ/‖µ‖ = 0.05), attacked with the constructive attack
  of the proof (the signal token moved toward (µ₊ + µ₋)/2 by τ; a lower estimate of the robust error) and
  certified (an upper estimate) at the radii of ``T43_EVAL_RADII`` at or above t (the preset ``t43-midpoint``).

The sharpened statement and where it starts are in ``checks.derived``, which uses the same reference table.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TypeAlias

import sympy as sp

from bounds import formulas
from bounds.reference import REFERENCES, smallest_robust_error
from checks.claim import Claim, Finding, Records
from checks.profiles import Profile
from checks.stats import LEVEL, BoundCheck, bonferroni_level, lower_bound_verdict
from simulate.results import need, radius_name

Radius: TypeAlias = float | sp.Expr  # τ/‖µ‖: a float radius of the runs, or a claim's exact threshold (sp.sqrt(2)/2)


def at_or_above(r: Radius, threshold: sp.Expr) -> bool:
    """r ≥ threshold, decided exactly (a float is the binary fraction it holds)."""
    value = r if isinstance(r, sp.Basic) else sp.Rational(r)
    return bool(value >= threshold)


def radius_label(r: Radius) -> str:
    """A radius as the evidence names it: a run's radius as the result keys it, an irrational threshold
    exactly and to 4 digits."""
    if isinstance(r, sp.Basic) and not r.is_Rational:
        return f"{sp.sstr(r)} ≈ {float(r):.4f}"
    return radius_name(float(r))


def evaluated_radii() -> tuple[float, ...]:
    """Every radius the Theorem 4.3 runs are attacked at, ascending."""
    return tuple(sorted({*formulas.MIDPOINT_RADII, *formulas.T43_EVAL_RADII}))


def claim_radii(threshold: formulas.Formula) -> tuple[Radius, ...]:
    """Where a claim "for τ ≥ threshold·‖µ‖" is judged on the references: the threshold itself (exact) and every
    evaluated radius above it, ascending."""
    t = threshold.expr
    return (t, *(r for r in evaluated_radii() if at_or_above(r, t) and sp.Rational(r) != t))


def room(smallest: Fraction, bound: float) -> str:
    """How a bound sits against the smallest exact robust error of the references."""
    if smallest == bound:
        return "attained: the bound is tight"
    return f"met with room {smallest - Fraction(bound)}: the references do not show it tight"


def check_lower_bound(claim: str, records: Records, threshold: formulas.Formula, bound: formulas.Formula
                      ) -> Finding:
    """L_D^rob ≥ bound for every classifier at τ ≥ threshold·‖µ‖.

    References (exact): refuted if one's robust error is below the bound at a radius of
    :func:`claim_radii`. Trained models: each run's bracket [midpoint attack, certified] against the bound at
    the evaluated radii at or above the threshold where both are stored, Bonferroni over runs × radii.
    Refuted if a reference is below the bound or a model surely is; confirmed if every reference meets it
    and every model surely does; inconclusive otherwise."""
    t, b = threshold.expr, bound.value()
    radii = claim_radii(threshold)
    model_radii = [r for r in formulas.T43_EVAL_RADII if at_or_above(r, t)]
    level = bonferroni_level(LEVEL, max(1, len(records) * len(model_radii)))
    header = ("classifier", "τ/‖µ‖", "errors (attack)", "errors (certified)", "n", "robust error", "verdict")
    rows: list[tuple[str, ...]] = [header]
    verdicts: list[tuple[str, float, BoundCheck]] = []
    for c, rec in records:
        res = rec.result
        n = res.n_test
        for r in model_radii:
            k_low = need(res.midpoint_errors_at, "midpoint_errors_at")[r]
            k_up = max(need(res.at_tau_rel[r].robust_errors_certified, "robust_errors_certified"), k_low)
            v = lower_bound_verdict(k_low, k_up, n, b, level)
            verdicts.append((c.label(), r, v))
            rows.append((c.label(), radius_name(r), str(k_low), str(k_up), str(n),
                         f"[{v.lower_interval[0]:.3f}, {v.lower_interval[1]:.3f}] (attack)", v.verdict))
    below: list[tuple[str, Radius, Fraction]] = []
    for ref in REFERENCES:
        for r in radii:
            e = ref.robust_error(r)
            met = "below the bound" if e < b else ("attains it" if e == b else "meets it")
            if e < b:
                below.append((ref.id, r, e))
            rows.append((f"reference: {ref.id}", radius_label(r), "–", "–", "exact", str(e), met))
    smallest = min(smallest_robust_error(r)[0] for r in radii)
    at = ", ".join(radius_label(r) for r in radii)
    lo = min((v.lower_interval[0] for *_, v in verdicts), default=float("nan"))
    key = f"smallest exact reference error {smallest}, smallest model lower limit {lo:.3f} (bound {b:g})"
    refuted = [(lab, r, v) for lab, r, v in verdicts if v.verdict == "refuted"]
    if below or refuted:
        parts = []
        if below:
            name, r, e = below[0]
            parts.append(f"the {name} classifier's exact robust error is {e} < {b:g} at τ/‖µ‖ = "
                         f"{radius_label(r)} ({len(below)} reference points below the bound)")
        if refuted:
            lab, r, v = refuted[0]
            parts.append(f"{len(refuted)} of {len(verdicts)} model checks: {lab} at {radius_name(r)}: {v.reason}")
        return Finding(claim, "refuted", "; ".join(parts), key, evidence=tuple(rows))
    refs = (f"no reference is below {b:g} at τ/‖µ‖ ∈ {{{at}}} (smallest exact robust error {smallest}, "
            f"{room(smallest, b)})")
    if all(v.verdict == "confirmed" for *_, v in verdicts):
        models = ", ".join(radius_name(r) for r in model_radii)
        return Finding(claim, "confirmed", f"{refs}; all {len(records)} models' lower limits ≥ {b:g} at τ/‖µ‖ ∈ "
                                           f"{{{models}}} (smallest {lo:.3f}, {level:.4f} intervals, Bonferroni)",
                       key, evidence=tuple(rows))
    bad = [f"{lab} at {radius_name(r)}: {v.reason}" for lab, r, v in verdicts if v.verdict != "confirmed"]
    return Finding(claim, "inconclusive", f"{refs}; but " + "; ".join(bad[:3]), key, evidence=tuple(rows))


def lower_bound_check(claim: str, threshold: formulas.Formula, bound: formulas.Formula
                      ) -> Callable[[Records, Profile], Finding]:
    """The check of a lower bound "for every classifier" (:func:`check_lower_bound`) as a claim's check."""

    def check(records: Records, profile: Profile) -> Finding:
        return check_lower_bound(claim, records, threshold, bound)

    return check


_HOW = ("Two kinds of classifier at every radius the claim covers. (1) The reference classifiers of bounds.reference "
        "(constant: 1/2 at every τ; signal token f = ⟨x₁, µ₊ − µ₋⟩: 0 below ‖µ‖/√2, 1 from it on; midpoint-optimal: "
        "the better of the two, inf_f L_D^rob), whose robust error is exact, at the threshold and every evaluated "
        "radius above it. (2) Trained models attacked with the proof's construction (the signal token moved to the "
        "midpoint (µ₊ + µ₋)/2): the attack's error count is a lower estimate, the certified count an upper one, at "
        "the evaluated radii ({radii}). Refuted if a reference's exact robust error is below {bound} or a model's "
        "certified upper limit is surely below it; confirmed if every reference meets {bound} and every model's "
        "Clopper–Pearson lower limit clears it (Bonferroni over models × radii). Confirmed means no classifier "
        "tested is a counterexample (the references exactly, the models at 95%); it is not a proof for every "
        "classifier, which only an argument such as Appendix I's gives. The reason says whether the smallest "
        "reference attains the bound (tight) or meets it with room (loose).")

T43_HALF_RADIUS = formulas.Formula("T4.3.mutant.radius", "mutant of T4.3.radius", "τ/‖µ‖ ≥ 1/2",
                                   sp.Rational(1, 2))
T43_THREE_QUARTERS = formulas.Formula("T4.3.mutant.bound", "mutant of T4.3", "robust error ≥ 3/4",
                                      sp.Rational(3, 4))

CLAIMS = (
    Claim("T4.3", "theorem43",
          "For τ ≥ ‖µ‖, every classifier f has L_D^rob(f) ≥ 1/4.",
          "Theorem 4.3 (Section 4, L701–704; Appendix I)",
          _HOW.format(radii="τ = ‖µ‖", bound="1/4"),
          ("t43-midpoint",), lower_bound_check("T4.3", formulas.T43_RADIUS, formulas.T43_BOUND),
          formulas=(formulas.T43_RADIUS, formulas.T43_BOUND),
          kind="paper", quote=('"Theorem 4.3. For any given classifier f(·;θ), when τ ≥ ∥µ∥2, the robust test error '
                               'satisfies Lrob D (θ) ≥ 0.25." (L701–704)')),
)

# A lower bound "for every classifier" is refuted by one classifier below it: the references are such classifiers,
# with exact robust errors, so the mutants need no new runs.
MUTANTS: tuple[Claim, ...] = (
    Claim("T4.3.mutant.half-radius", "theorem43",
          "Mutant (the threshold too low): for τ ≥ ‖µ‖/2, every classifier has L_D^rob ≥ 1/4.",
          "T4.3 with its radius ‖µ‖ halved",
          "As T4.3, from τ = ‖µ‖/2 on (the references also at 1/2).",
          ("t43-midpoint",), lower_bound_check("T4.3.mutant.half-radius", T43_HALF_RADIUS, formulas.T43_BOUND),
          mutant_of="T4.3", formulas=(T43_HALF_RADIUS, formulas.T43_BOUND)),
    Claim("T4.3.mutant.three-quarters", "theorem43",
          "Mutant (the constant too high): for τ ≥ ‖µ‖, every classifier has L_D^rob ≥ 3/4.",
          "T4.3 with 3/4 in place of 1/4",
          "As T4.3, against 3/4.",
          ("t43-midpoint",), lower_bound_check("T4.3.mutant.three-quarters", formulas.T43_RADIUS, T43_THREE_QUARTERS),
          mutant_of="T4.3", formulas=(formulas.T43_RADIUS, T43_THREE_QUARTERS)),
)
