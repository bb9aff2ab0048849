"""Statements derived in CLAIMS.md: Theorem 4.3 sharpened to τ ≥ ‖µ‖/√2 (T4.3.sharp), where the
sharpening starts (T4.3.sharp.threshold), and the uniform-attention threshold τ = ‖µ‖/(√2·M) (IC-1).

T4.3.sharp: at τ ≥ ‖µ‖/√2 the inputs X₊ = [µ₊, ξ] and X₋ = [µ₋, ξ] reach a common point (both signal
tokens moved to (µ₊ + µ₋)/2), so one of each coupled pair is misclassified and L_D^rob ≥ 1/2. Both it and
its threshold are held against the trained models (the midpoint attack) and against the reference classifiers
of ``bounds.reference``, whose robust error is exact: the constant classifier attains 1/2 at every radius, and
the signal-token classifier keeps every pair (robust error 0) below ‖µ‖/√2, so a sharpened bound that starts
too early or claims too much is refuted by an exact counterexample, not only left unconfirmed. The mutants move
the threshold (0.6·‖µ‖; the paper's ‖µ‖ for where the argument starts) or the constant (3/4).

IC-1: with attention uniform, f = (1/M)·Σ_j x_jᵀu, and perturbing every token by τ along −y·u/‖u‖
lowers the margin by τ‖u‖, while the signal contributes only y·µ_yᵀu/M ≤ ‖µ‖‖u‖/(√2·M) for u ∝ µ₊ − µ₋.
So past τ = ‖µ‖/(√2·M) robust error should jump to at least about 1/2. The check trains high-SNR models
(clean error near 0) for M ∈ {2, 4, the profile's M} and brackets the robust error at half and at twice
the threshold: below, the certified upper estimate must be surely under 1/2; above, the attack's lower
estimate must be surely over 1/2. The mutants put the threshold elsewhere (1/√2: the factor M dropped;
1/M²: a wrong exponent, for IC-1.jump and, above the threshold only, for IC-1); the same machinery must
refute them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from bounds import formulas
from bounds.reference import REFERENCES, smallest_robust_error
from bounds.symbolic import S
from bounds.theorem43 import midpoint_distance
from checks.claim import Claim, Finding, Plot, Records, Series, attacked_errors
from checks.profiles import Profile
from checks.stats import LEVEL, Verdict, bonferroni_level, bound_verdict, lower_bound_verdict, upper_limit
from checks.theorem43 import Radius, at_or_above, claim_radii, radius_label, room
from checks.tolerances import tol
from simulate.grid import ic1_radii
from simulate.results import need, radius, radius_name


def coupled_survivors(records: Records, r: float) -> tuple[int, int]:
    """Coupled pairs (µ₊, ξ), (µ₋, ξ) that both survive the midpoint attack at r, over all runs: (count, pairs)."""
    k = sum(need(rec.result.midpoint_pairs_both_correct_at, "midpoint_pairs_both_correct_at")[r] for _, rec in records)
    n = sum(rec.result.n_test for _, rec in records)
    return k, n


# Theorem 4.3's midpoint radii: just outside ‖µ‖/√2, and the three inside it
OUTSIDE, *INSIDE = formulas.MIDPOINT_RADII
SHARP = INSIDE[0]
# from this τ/‖µ‖ on the midpoint (µ₊ + µ₋)/2 is within τ of both signals, so the two classes reach a common input
MIDPOINT_REACH = sp.simplify(midpoint_distance() / S.m)


def _pair_rows(records: Records, radii: Sequence[Radius]) -> tuple[tuple[str, ...], ...]:
    """Per radius: the coupled pairs that survive the trained models' midpoint attack (where it was run), and each
    reference's exact robust error and probability of keeping a pair."""
    stored = {sp.Rational(r): r for r in formulas.MIDPOINT_RADII}  # exact value -> the run's radius
    by_value: dict[sp.Expr, Radius] = dict(stored)
    for r in radii:
        exact = r if isinstance(r, sp.Basic) else sp.Rational(r)
        by_value.setdefault(exact, stored.get(exact, r))
    cols = [by_value[v] for v in sorted(by_value, key=float)]
    model = []
    for r in cols:
        if isinstance(r, float) and sp.Rational(r) in stored:
            k, n = coupled_survivors(records, r)
            model.append(f"{k} / {n}")
        else:
            model.append("–")
    rows = [("τ/‖µ‖", *map(radius_label, cols)), ("trained models: surviving pairs", *model)]
    rows += [(f"reference {ref.id}: robust error; pairs kept",
              *(f"{ref.robust_error(r)}; {ref.pairs_both_correct(r)}" for r in cols)) for ref in REFERENCES]
    return tuple(rows)


def _names(radii: Sequence[Radius]) -> str:
    return ", ".join(map(radius_label, radii))


def sharp_check(claim: str, threshold: formulas.Formula, bound: formulas.Formula
                ) -> Callable[[Records, Profile], Finding]:
    """For τ ≥ threshold·‖µ‖ one member of every coupled pair is misclassified, hence L_D^rob ≥ bound.

    References (exact, at ``checks.theorem43.claim_radii``): refuted if one keeps a pair or its robust error is
    below the bound. Trained models (the midpoint attack at the evaluated radii at or above the threshold):
    refuted if one pair survives. Otherwise confirmed: no classifier tested is a counterexample (the
    references exactly; the models pointwise, with the 95% upper limit on the escape rate as evidence)."""

    def check(records: Records, profile: Profile) -> Finding:
        t, b = threshold.expr, bound.value()
        radii = claim_radii(threshold)
        model_radii = [r for r in formulas.MIDPOINT_RADII if at_or_above(r, t)]
        rows = _pair_rows(records, radii)
        found = [(r, *coupled_survivors(records, r)) for r in model_radii]
        n = sum(rec.result.n_test for _, rec in records)
        kept = [(ref.id, r, ref.pairs_both_correct(r)) for ref in REFERENCES for r in radii
                if ref.pairs_both_correct(r) > 0]
        below = [(ref.id, r, ref.robust_error(r)) for ref in REFERENCES for r in radii if ref.robust_error(r) < b]
        smallest = min(smallest_robust_error(r)[0] for r in radii)
        survived = [(r, k) for r, k, _ in found if k > 0]
        key = (f"{sum(k for _, k, _ in found)} of {n} pairs survive at {_names(model_radii)}; smallest exact "
               f"reference error {smallest} (bound {b:g})")
        if kept or below or survived:
            parts = []
            if below:
                name, r, e = below[0]
                parts.append(f"the {name} classifier's exact robust error is {e} < {b:g} at τ/‖µ‖ = {radius_label(r)}")
            if kept:
                name, r, p = kept[0]
                parts.append(f"the {name} classifier keeps both members of a coupled pair with probability {p} at "
                             f"{radius_label(r)}")
            if survived:
                r, k = survived[0]
                parts.append(f"{k} of {n} coupled pairs both survive the trained models' attack at "
                             f"τ/‖µ‖ = {radius_name(r)}")
            return Finding(claim, "refuted", "; ".join(parts), key, evidence=rows)
        return Finding(claim, "confirmed",
                       f"0 of {n} coupled pairs survive at τ/‖µ‖ ∈ {{{_names(model_radii)}}} (escape rate ≤ "
                       f"{upper_limit(0, n, LEVEL):.2g} at 95%); no reference keeps a pair or is below {b:g} at "
                       f"{{{_names(radii)}}} (smallest exact robust error {smallest}, {room(smallest, b)})",
                       key, evidence=rows)

    return check


def threshold_check(claim: str, threshold: formulas.Formula) -> Callable[[Records, Profile], Finding]:
    """The midpoint argument starts at τ = threshold·‖µ‖: just below it (the largest evaluated radius there,
    ``outside``) some coupled pair survives for some classifier; none at or above it.

    The existence half is exhibited exactly by a reference that keeps pairs at ``outside``, or by a trained
    model with a surviving pair there, and refuted exactly when the midpoint is within τ of both signals at
    ``outside`` (``bounds.theorem43.midpoint_distance``), for then no classifier keeps a pair. The other half
    is refuted by any reference or model that keeps a pair at or above the threshold. Refuted if either half
    is; confirmed if the first is exhibited and the second holds; inconclusive otherwise."""
    t = threshold.expr
    outside = max(r for r in formulas.MIDPOINT_RADII if not at_or_above(r, t))

    def check(records: Records, profile: Profile) -> Finding:
        radii = claim_radii(threshold)
        model_radii = [r for r in formulas.MIDPOINT_RADII if at_or_above(r, t)]
        rows = _pair_rows(records, (outside, *radii))
        k_out, n = coupled_survivors(records, outside)
        refs_out = [ref.id for ref in REFERENCES if ref.pairs_both_correct(outside) > 0]
        kept_in = [(ref.id, r) for ref in REFERENCES for r in radii if ref.pairs_both_correct(r) > 0]
        models_in = [(r, k) for r in model_radii if (k := coupled_survivors(records, r)[0]) > 0]
        out = radius_label(outside)
        key = f"{k_out} of {n} pairs survive at {out}; references keeping pairs there: {len(refs_out)}"
        reach = at_or_above(outside, MIDPOINT_REACH)
        if reach or kept_in or models_in:
            parts = []
            if reach:
                parts.append(f"at τ/‖µ‖ = {out} the midpoint is within τ of both signals (distance "
                             f"{radius_label(MIDPOINT_REACH)}·‖µ‖), so no classifier keeps a coupled pair there: "
                             f"{len(refs_out)} of {len(REFERENCES)} references and {k_out} of {n} trained-model "
                             "pairs do")
            if kept_in:
                name, r = kept_in[0]
                parts.append(f"the {name} classifier keeps coupled pairs at {radius_label(r)}, inside the regime")
            if models_in:
                r, k = models_in[0]
                parts.append(f"{k} of {n} pairs survive the trained models' attack inside the regime "
                             f"({radius_name(r)})")
            return Finding(claim, "refuted", "; ".join(parts), key, evidence=rows)
        if not refs_out and k_out == 0:
            return Finding(claim, "inconclusive", f"no reference and no trained-model pair (0 of {n}) survives at "
                                                  f"{out}: the threshold is not exhibited", key, evidence=rows)
        shown = []
        if refs_out:
            shown.append(f"every coupled pair is kept (exactly) by the {' and '.join(refs_out)} classifier")
        shown.append(f"{k_out} of {n} trained-model pairs survive")
        return Finding(claim, "confirmed", f"at τ/‖µ‖ = {out}: " + ", and ".join(shown) + f"; no reference "
                                           f"or trained model keeps one at {{{_names(radii)}}}", key, evidence=rows)

    return check


# ---- IC-1 ---------------------------------------------------------------------------------------------


IC1_NO_M = formulas.IC1_THRESHOLD.substitute("IC-1.mutant.no-M", "τ/‖µ‖ > 1/√2", {S.M: 1})
IC1_M_SQUARED = formulas.IC1_THRESHOLD.substitute("IC-1.mutant.M-squared", "τ/‖µ‖ > 1/(√2·M²)", {S.M: S.M**2})
HALF = formulas.IC1_BOUND.value()


def threshold_of(f: formulas.Formula) -> Callable[[int], float]:
    """A threshold formula τ/‖µ‖ as a function of M."""
    return lambda M: f(M=M)


Halves = tuple[str, ...]  # which sides of the threshold a check judges: "below", "above"


def check_threshold(claim: str, formula: formulas.Formula,
                    halves: Halves = ("below", "above")) -> Callable[[Records, Profile], Finding]:
    """Above: every model must be surely broken at twice the threshold (the attack's lower estimate surely
    over 1/2). Below: every model must be surely robust at half of it (the certified upper estimate surely
    under 1/2). Refuted if some model surely fails a judged half; confirmed if all surely pass; Bonferroni
    over every (run, half). Runs that do not fit the clean data (error > 10%) put the claim out of scope."""
    threshold = threshold_of(formula)

    def check(records: Records, profile: Profile) -> Finding:
        level = bonferroni_level(LEVEL, len(halves) * len(records))
        below, above = [], []
        rows: list[tuple[str, ...]] = [("M", "seed", "τ/‖µ‖ below", "robust errors below", "τ/‖µ‖ above",
                                        "robust errors above", "clean errors", "n", "entropy/log M")]
        for c, rec in records:
            res, n = rec.result, rec.result.n_test
            lo_r, hi_r = (radius(r) for r in ic1_radii(threshold, c.M))
            lo, hi = res.at_tau_rel[lo_r], res.at_tau_rel[hi_r]
            lo_att, hi_att = attacked_errors(res, lo_r), attacked_errors(res, hi_r)
            lo_cert = max(need(lo.robust_errors_certified, "robust_errors_certified"), lo_att)
            hi_cert = max(need(hi.robust_errors_certified, "robust_errors_certified"), hi_att)
            if "below" in halves:
                below.append((c, bound_verdict(lo_att, lo_cert, n, HALF, level)))
            if "above" in halves:
                above.append((c, lower_bound_verdict(hi_att, hi_cert, n, HALF, level)))
            rows.append((str(c.M), str(c.seed), radius_name(lo_r), f"{lo_att}–{lo_cert}",
                         radius_name(hi_r), f"{hi_att}–{hi_cert}",
                         str(res.clean_errors), str(n), f"{rec.trajectory[-1]['entropy_rel']:.2f}"))
        unfit = [(c, rec) for c, rec in records if rec.result.clean_errors / rec.result.n_test > tol("CLEAN_FIT")]
        scope = ""
        if unfit:
            c, rec = unfit[0]
            scope = (f"{c.label()} (M={c.M}) has clean error {rec.result.clean_errors}/{rec.result.n_test} "
                     f"> {tol('CLEAN_FIT'):g}: the threshold is about models that fit")
        checks = below + above
        Ms = ", ".join(str(M) for M in sorted({c.M for c, _ in records}))
        parts = []
        if below:
            parts.append(f"below {sum(v.verdict == 'confirmed' for _, v in below)}/{len(below)} surely robust")
        if above:
            parts.append(f"above {sum(v.verdict == 'confirmed' for _, v in above)}/{len(above)} surely broken")
        key = f"M ∈ {{{Ms}}}: " + ", ".join(parts)
        refuted = [f"{c.label()} (M={c.M}): {v.reason}" for c, v in checks if v.verdict == "refuted"]
        verdict: Verdict
        if refuted:
            verdict, reason = "refuted", f"{len(refuted)} of {len(checks)}: " + "; ".join(refuted[:2])
        elif all(v.verdict == "confirmed" for _, v in checks):
            said = {"below": "certified robust at half", "above": "broken by the attack at twice"}
            verdict, reason = "confirmed", (f"every model (M ∈ {{{Ms}}}, {len(records)} runs) is "
                                            + " and ".join(said[h] for h in halves) + " the threshold")
        else:
            open_ = [f"{c.label()} (M={c.M}): {v.reason}" for c, v in checks if v.verdict != "confirmed"]
            verdict, reason = "inconclusive", "; ".join(open_[:2])
        # one figure per question: a check of one side reads the same runs at the same radii as the two-sided one
        # (IC-1 and IC-1.jump), whose figure shows both
        plots = (_threshold_plot(claim, records, threshold),) if len(halves) == 2 else ()
        if scope:
            return Finding(claim, "out-of-scope", reason, key, verdict, scope, tuple(rows), plots)
        return Finding(claim, verdict, reason, key, evidence=tuple(rows), plots=plots)

    return check


def _threshold_plot(claim: str, records: Records, threshold: Callable[[int], float]) -> Plot:
    """Robust error at half and twice the threshold, per M pooled over seeds (bars: attack to certified),
    with the threshold of each M and ‖µ‖/√2 marked."""
    series = []
    for M in sorted({c.M for c, _ in records}):
        xs, ys, his = [], [], []
        for r in ic1_radii(threshold, M):
            key = radius(r)
            runs = [rec.result for c, rec in records if c.M == M]
            n = sum(res.n_test for res in runs)
            xs.append(r)
            ys.append(sum(attacked_errors(res, key) for res in runs) / n)
            his.append(sum(max(need(res.at_tau_rel[key].robust_errors_certified, "robust_errors_certified"),
                               attacked_errors(res, key)) for res in runs) / n)
        series.append(Series(f"M = {M}", tuple(xs), tuple(ys), tuple(ys), tuple(his)))
    marks = tuple((round(threshold(M), 4), f"threshold, M = {M}") for M in sorted({c.M for c, _ in records}))
    return Plot(f"{claim.replace('.', '_')}_robust_vs_tau", f"{claim}: robust error at half and twice the threshold",
                "lines", "τ/‖µ‖", "robust test error (attack; bar to certified)", tuple(series), xlog=True,
                hlines=((HALF, "1/2"),), vlines=(*marks, (round(formulas.SHARP_RADIUS.value(), 4), "‖µ‖/√2")))


CLAIMS = (
    Claim("T4.3.sharp", "derived",
          "Derived (from the proof of Theorem 4.3): for τ ≥ ‖µ‖/√2, one of X₊ = [µ₊, ξ], X₋ = [µ₋, ξ] is always "
          "misclassified, hence L_D^rob ≥ 1/2.",
          "CLAIMS.md §4 T4.3.sharp (derived from the proof of Theorem 4.3, Appendix I)",
          "Two kinds of classifier at τ/‖µ‖ = 1/√2 and every evaluated radius above it (0.7072, 0.75, 1). (1) The "
          "reference classifiers of bounds.reference (constant, signal token ⟨x₁, µ₊ − µ₋⟩, midpoint-optimal), "
          "whose robust error and probability of keeping both members of a coupled pair are exact. (2) Trained "
          "models: for every test noise ξ the coupled pair is attacked with the midpoint construction at 0.7072, "
          "0.75, 1. Refuted if a reference keeps a pair or has robust error below 1/2, or one trained-model pair "
          "has both members correct; confirmed otherwise. Confirmed means no classifier tested is a "
          "counterexample (the references exactly, the models pointwise over their test pairs), not a proof for "
          "every classifier (the midpoint argument is that); the reason says whether the smallest reference "
          "attains 1/2 (tight: the constant and midpoint-optimal classifiers do).",
          ("t43-midpoint",), sharp_check("T4.3.sharp", formulas.SHARP_RADIUS, formulas.T43_SHARP_BOUND),
          formulas=(formulas.SHARP_RADIUS, formulas.T43_SHARP_BOUND),
          kind="derived", quote=('Derived from the proof of Theorem 4.3 (Appendix I, L14960–15014; CLAIMS.md §4 '
                                 'T4.3.sharp), which moves each class\'s signal token away, "x̃(+) = [µ+ − µ+, ξ2, '
                                 '..., ξM ] = [0, ξ2, ..., ξM ]" (L14981), and concludes "Thus, at least one class '
                                 'can be adversarially fooled with probability at least min{Pr[y = +],Pr[y = −]}." '
                                 '(L14998). Coupling the two classes through one noise draw, both reach the midpoint '
                                 '(µ₊ + µ₋)/2, at distance ‖µ‖/√2 from either signal since µ₊ ⊥ µ₋, so one of the '
                                 'pair is wrong whatever the classifier: L_D^rob ≥ 1/2 from τ ≥ ‖µ‖/√2, where '
                                 'Theorem 4.3 states 0.25 from τ ≥ ‖µ‖ (L701–704). Being true of every classifier, '
                                 'its check tests the midpoint construction; T4.3.sharp.threshold is its informative '
                                 'half.')),
    Claim("T4.3.sharp.threshold", "derived",
          "Derived (the converse of T4.3.sharp): below ‖µ‖/√2 the midpoint argument no longer applies: some "
          "coupled pairs survive.",
          "CLAIMS.md §4 T4.3.sharp (the 'fails outside' half)",
          "At τ/‖µ‖ = 0.70, just below 1/√2, some classifier must keep a coupled pair: exhibited exactly by a "
          "reference that keeps pairs there (the signal-token classifier keeps all, its worst margin "
          "‖µ‖²(1 − √2·0.70) being positive) or by a trained model with a surviving pair; it would be refuted "
          "exactly if the midpoint were within τ of both signals there. At 1/√2 and above (0.7072, 0.75, 1) no "
          "reference and no trained model may keep one. Refuted if either half fails; confirmed if a pair is "
          "exhibited below and none kept above; inconclusive if none is exhibited.",
          ("t43-midpoint",), threshold_check("T4.3.sharp.threshold", formulas.SHARP_RADIUS),
          formulas=(formulas.SHARP_RADIUS,),
          kind="derived", quote=('Derived (the converse half of T4.3.sharp, CLAIMS.md §4): the midpoint construction '
                                 'of the proof of Theorem 4.3 (Appendix I, L14960–15014) needs τ ≥ ‖µ‖/√2, the '
                                 'distance from either signal to (µ₊ + µ₋)/2; below it the two classes reach no '
                                 "common input, so nothing forces a coupled pair to fail. The paper's own threshold "
                                 'is "when τ ≥ ∥µ∥2" (L701–702).')),
    Claim("IC-1", "derived",
          "Derived (IC-1): with attention uniform, perturbing every token by τ along −y·u/‖u‖ outweighs the "
          "signal's ‖µ‖‖u‖/(√2·M) "
          "once τ > ‖µ‖/(√2·M): robust error is then about 1/2 or more, far below Theorem 4.2 Case 2's range "
          "ω(‖µ‖/log d_h) ≤ τ, where conclusion 3 promises exp(−C·d·SNR²·(1 − τ/‖µ‖)²).",
          "CLAIMS.md §8 IC-1 and §10 item 2",
          "High-SNR models (τ/‖µ‖ = 0.02 in training) for several M, attacked at twice ‖µ‖/(√2·M): the attack's "
          "robust error must be surely > 1/2 (Clopper–Pearson lower limit, Bonferroni over runs).",
          ("ic1",), check_threshold("IC-1", formulas.IC1_THRESHOLD, ("above",)),
          formulas=(formulas.IC1_THRESHOLD, formulas.IC1_BOUND),
          kind="derived", quote=('Derived (CLAIMS.md §8 IC-1) from eq. (1) (L249–261) with the attention Case 2 of '
                                 'Theorem 4.2 describes, "the attention head parameters barely update, causing the '
                                 'attention weights to remain nearly uniform and the ViT degenerates into a linear '
                                 'model" (L578–580): then f(X̃) = (1/M)·Σ_j x̃_jᵀu, and moving every token by τ '
                                 'along −y·u/‖u‖ lowers y·f by τ‖u‖ while the signal adds at most ‖µ‖‖u‖/(√2·M), '
                                 'against conclusion 3, "Lrob D (θ(T )) ≤ exp ( −C · d SNR2(1− τ ∥µ∥2 )2 )" '
                                 '(L604–612), on Case 2\'s range "ω( ∥µ∥2 log dh ) ≤ τ ≤ O(∥µ∥2)" (L573–578).')),
    Claim("IC-1.jump", "derived",
          "Derived (the converse of IC-1): the jump is at τ = ‖µ‖/(√2·M): below it the same models are still "
          "robust.",
          "CLAIMS.md §8 IC-1 and §10 item 2 (where the jump is)",
          "The IC-1 models, bracketed [attack, certified] at half and at twice ‖µ‖/(√2·M): surely < 1/2 below "
          "(certified upper limit) and surely > 1/2 above (attack lower limit), Bonferroni over 2 × runs. The "
          "uniform-attention argument says nothing about models whose attention has concentrated; the entropy "
          "column shows how far each is from uniform.",
          ("ic1",), check_threshold("IC-1.jump", formulas.IC1_THRESHOLD),
          formulas=(formulas.IC1_THRESHOLD, formulas.IC1_BOUND),
          kind="derived", quote=("Derived (the converse half of IC-1, CLAIMS.md §8 IC-1 and §10 item 2): IC-1's "
                                 'uniform-attention argument (from eq. (1), L249–261, and Case 2 of Theorem 4.2, '
                                 'L573–580) breaks every model above τ = ‖µ‖/(√2·M); that the same models are still '
                                 "robust below it is bovit's converse, which neither the paper nor that argument "
                                 'implies (a model whose attention has concentrated is outside it).')),
)

# Mutants of the Theorem 4.3 statements: the threshold or the constant moved; the reference classifiers' exact robust
# errors (and the geometry of the midpoint) refute them on the same runs.
SHARP_AT_THREE_FIFTHS = formulas.Formula("T4.3.sharp.mutant.radius", "mutant of T4.3.sharp.radius", "τ/‖µ‖ ≥ 3/5",
                                         sp.Rational(3, 5))
SHARP_THREE_QUARTERS = formulas.Formula("T4.3.sharp.mutant.bound", "mutant of T4.3.sharp", "robust error ≥ 3/4",
                                        sp.Rational(3, 4))

MUTANTS = (
    Claim("T4.3.sharp.mutant.three-fifths", "derived",
          "Mutant (the threshold too low): for τ ≥ 0.6·‖µ‖ one of X₊, X₋ is always misclassified, hence "
          "L_D^rob ≥ 1/2.",
          "T4.3.sharp with its threshold ‖µ‖/√2 moved to 0.6·‖µ‖",
          "As T4.3.sharp, from τ/‖µ‖ = 0.6 on (the references also at 0.6).",
          ("t43-midpoint",), sharp_check("T4.3.sharp.mutant.three-fifths", SHARP_AT_THREE_FIFTHS,
                                         formulas.T43_SHARP_BOUND),
          mutant_of="T4.3.sharp", formulas=(SHARP_AT_THREE_FIFTHS, formulas.T43_SHARP_BOUND)),
    Claim("T4.3.sharp.mutant.three-quarters", "derived",
          "Mutant (the constant too high): for τ ≥ ‖µ‖/√2 every classifier has L_D^rob ≥ 3/4.",
          "T4.3.sharp with 3/4 in place of 1/2",
          "As T4.3.sharp, against 3/4.",
          ("t43-midpoint",), sharp_check("T4.3.sharp.mutant.three-quarters", formulas.SHARP_RADIUS,
                                         SHARP_THREE_QUARTERS),
          mutant_of="T4.3.sharp", formulas=(formulas.SHARP_RADIUS, SHARP_THREE_QUARTERS)),
    Claim("T4.3.sharp.threshold.mutant.paper-radius", "derived",
          "Mutant (the paper's threshold): the midpoint argument starts only at τ = ‖µ‖; just below it, at "
          "0.75·‖µ‖, some coupled pairs survive.",
          "T4.3.sharp.threshold with the threshold ‖µ‖/√2 moved to Theorem 4.3's ‖µ‖",
          "As T4.3.sharp.threshold, with the threshold at ‖µ‖ (so the pair must survive at 0.75).",
          ("t43-midpoint",), threshold_check("T4.3.sharp.threshold.mutant.paper-radius", formulas.T43_RADIUS),
          mutant_of="T4.3.sharp.threshold", formulas=(formulas.T43_RADIUS,)),
    Claim("IC-1.mutant.broken-M-squared", "derived",
          "Mutant (a wrong exponent): past τ = ‖µ‖/(√2·M²) (at twice it) the attack breaks every model.",
          "IC-1 with M² in place of M",
          "As IC-1, with the threshold moved to ‖µ‖/(√2·M²) (the runs of IC-1.mutant.M-squared).",
          ("ic1",), check_threshold("IC-1.mutant.broken-M-squared", IC1_M_SQUARED, ("above",)), mutant_of="IC-1",
          formulas=(IC1_M_SQUARED,), grid_options=(("threshold", threshold_of(IC1_M_SQUARED)),)),
    Claim("IC-1.mutant.no-M", "derived",
          "Mutant (a missing factor): the robust error jumps at τ = ‖µ‖/√2, independent of M.",
          "IC-1 without its factor 1/M",
          "As IC-1, with the threshold moved to ‖µ‖/√2.",
          ("ic1",), check_threshold("IC-1.mutant.no-M", IC1_NO_M), mutant_of="IC-1.jump", formulas=(IC1_NO_M,),
          grid_options=(("threshold", threshold_of(IC1_NO_M)),)),
    Claim("IC-1.mutant.M-squared", "derived",
          "Mutant (a wrong exponent): the robust error jumps at τ = ‖µ‖/(√2·M²).",
          "IC-1 with M² in place of M",
          "As IC-1, with the threshold moved to ‖µ‖/(√2·M²).",
          ("ic1",), check_threshold("IC-1.mutant.M-squared", IC1_M_SQUARED), mutant_of="IC-1.jump",
          formulas=(IC1_M_SQUARED,), grid_options=(("threshold", threshold_of(IC1_M_SQUARED)),)),
)
