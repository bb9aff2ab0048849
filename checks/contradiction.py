"""IC-1's contradiction, tested as it is stated: Theorem 4.2(3) in Case 2 against the geometry of Case 2's
near-uniform attention.

With attention near uniform (Lemma 5.4, Case 2), f(X̃) = (1/M)·Σ_j x̃_jᵀu; moving every token by τ along −y·u/‖u‖
lowers y·f by τ‖u‖, while the signal contributes at most ‖µ‖‖u‖/(√2·M). So once τ > ‖µ‖/(√2·M)
(``bounds.formulas.IC1_THRESHOLD``) a Case-2 model's robust error is about 1/2 or more, while Theorem 4.2(3)'s
bound exp(−C·d·SNR²(1 − τ/‖µ‖)²) is far below 1/2 for d·SNR² large. The paper's C is an unspecified absolute
constant; bovit reads it as 1 (as every hidden constant), so this is a derived claim and says so.

The runs: the τ sweep ``t42-tau`` (its Case-2 part: N·SNR² ≥ 1/ε at a stable step). A run takes part when it is
nominally in Case 2 (τ in Case 2's range and N·SNR² ≥ 1/ε at unit constants; Condition 4.1 aside, as for every
Theorem 4.2 claim at simulated sizes), its radius is above the threshold (``above``: the mutant moves it) and
the bound with C = 1 is below ``FAR_BELOW``. Seeds are replicates: a cell (SNR, τ) shows the contradiction when
*every* seed's attack count (a lower estimate of the robust error) is surely above 1/2, IC-1's own L_D^rob ≥ 1/2,
Bonferroni over the cells; there is no contradiction when every seed of every cell is certified (an upper
estimate) surely below 1/2.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from bounds import formulas
from bounds.regime import regime
from checks.claim import Claim, Finding, Records, attacked_errors
from checks.profiles import Profile
from checks.scope import params_of
from checks.stats import CHANCE, LEVEL, Verdict, bonferroni_level, lower_bound_verdict
from checks.tolerances import tol
from simulate.grid import at_run, ic1_threshold
from simulate.results import need

uniform_threshold = ic1_threshold  # IC-1's radius τ/‖µ‖ = 1/(√2·M), as the ic1 grid uses it


def check_contradiction(claim: str, above: Callable[[int], float], *,
                        robust: bool = False) -> Callable[[Records, Profile], Finding]:
    """The check of IC-1's contradiction at runs whose radius exceeds ``above(M)`` (see the module docstring);
    ``robust`` checks the opposite statement (the models are certified surely below 1/2 there), whose
    verdict is the contradiction's with confirmed and refuted exchanged."""

    def check(records: Records, profile: Profile) -> Finding:
        eligible = []
        skipped: dict[str, int] = {}
        for c, rec in records:
            why = ""
            if regime(params_of(c)).nominal != "case2":
                why = "not in Case 2 (τ's range or N·SNR² ≥ 1/ε, unit constants)"
            elif c.tau_rel <= above(c.M):
                why = "τ at or below the threshold"
            elif math.exp(-at_run(formulas.G_ROBUST, c)) >= tol("FAR_BELOW"):
                why = f"the bound with C = 1 is not below {tol('FAR_BELOW'):g}"
            if why:
                skipped[why] = skipped.get(why, 0) + 1
            else:
                eligible.append((c, rec))
        floor = CHANCE  # IC-1 as it is stated: L_D^rob ≥ 1/2
        rows: list[tuple[str, ...]] = [("cell (SNR, τ/‖µ‖)", "seed", "bound exp(−g), C = 1", "errors (attack)",
                                        "errors (certified)", "n", "seed's verdict on error ≥ " + f"{floor:g}")]
        cells: dict[tuple[float, float], list[Verdict]] = {}
        for c, _ in eligible:
            cells.setdefault((c.snr or 0.0, c.tau_rel), [])
        level = bonferroni_level(LEVEL, max(1, len(cells)))
        for c, rec in eligible:
            r = rec.result
            certified = need(r.robust_errors_certified, "robust_errors_certified")
            v = lower_bound_verdict(attacked_errors(r), certified, r.n_test, floor, level)
            cells[(c.snr or 0.0, c.tau_rel)].append(v.verdict)
            rows.append((f"({c.snr:.3g}, {c.tau_rel:g})", str(c.seed), f"{math.exp(-at_run(formulas.G_ROBUST, c)):.2g}",
                         str(attacked_errors(r)), str(certified), str(r.n_test), v.verdict))
        out = "; ".join(f"{k} runs {why}" for why, k in sorted(skipped.items()))
        if not cells:
            return Finding(claim, "inconclusive", f"no run is eligible ({out or 'no runs'})", "no eligible run",
                           evidence=tuple(rows))
        shown = [k for k, vs in cells.items() if all(v == "confirmed" for v in vs)]
        absent = all(v == "refuted" for vs in cells.values() for v in vs)
        verdict: Verdict
        if shown:
            snr, rad = shown[0]
            verdict = "confirmed"
            reason = (f"at {len(shown)} of {len(cells)} cells every seed's robust error is surely above {floor:g} "
                      f"where the bound with C = 1 is below {tol('FAR_BELOW'):g}, e.g. SNR {snr:.3g}, τ/‖µ‖ = {rad:g}")
        elif absent:
            verdict = "refuted"
            reason = (f"at every one of the {len(cells)} cells every seed is certified surely below {floor:g}: "
                      f"the bound is not contradicted")
        else:
            verdict = "inconclusive"
            reason = f"no cell where every seed is surely above {floor:g}, and not every seed certified below it"
        key = f"{len(shown)} of {len(cells)} cells contradict the bound"
        if robust and verdict != "inconclusive":
            verdict = "refuted" if verdict == "confirmed" else "confirmed"
        return Finding(claim, verdict, reason + (f" ({out})" if out else ""), key, evidence=tuple(rows))

    return check


_HOW = ("The τ sweep's Case-2 runs (N·SNR² ≥ 1/ε at a stable η; t42-tau) above τ/‖µ‖ = 1/(√2·M) where the bound "
        "with C = 1 is below FAR_BELOW: per seed, the attack's count against 1/2, IC-1's L_D^rob ≥ 1/2 "
        "(Clopper–Pearson, Bonferroni over cells). Confirmed when at some cell every seed is surely above it; "
        "refuted when every seed of every cell is certified surely below it; runs outside Case 2 or the threshold "
        "are counted.")

CLAIMS = (
    Claim("IC-1.case2-bound", "derived",
          "Derived (IC-1): in Case 2 above τ = ‖µ‖/(√2·M), the trained model's robust error is far above Theorem "
          "4.2(3)'s bound exp(−C·d·SNR²(1 − τ/‖µ‖)²) read with C = 1: surely above 1/2 (IC-1's L_D^rob ≥ 1/2) where "
          "the bound is below FAR_BELOW.",
          "CLAIMS.md §8 IC-1 and §10 item 1; Theorem 4.2(3) (L559–613), Case 2 (L573–584), Lemma 5.4 (L1117–1131)",
          _HOW, ("t42-tau",), check_contradiction("IC-1.case2-bound", uniform_threshold),
          hypotheses="Case 2's hypotheses at unit constants (Condition 4.1 aside), per run",
          formulas=(formulas.IC1_THRESHOLD, formulas.G_ROBUST),
          kind="derived",
          quote=('From Theorem 4.2\'s Case 2, "ω( ∥µ∥2 log dh ) ≤ τ ≤ O(∥µ∥2)" (L573–578), where "the attention head '
                 'parameters barely update, causing the attention weights to remain nearly uniform" (L578–580), and '
                 'conclusion 3 '
                 "(L559–613), with Lemma 5.4's uniform attention in Case 2 (L1117–1131) and eq. (1): the attack that "
                 "moves every token by τ along −y·u/‖u‖ outweighs the signal's ‖µ‖‖u‖/(√2·M) (CLAIMS.md IC-1)")),
)


MUTANTS = (
    Claim("IC-1.case2-bound.mutant.robust", "derived",
          "Mutant: above τ = ‖µ‖/(√2·M) in Case 2 the trained models are robust as Theorem 4.2(3) says: certified "
          "surely below 1/2 at every eligible cell and seed.",
          "a false variant of IC-1.case2-bound", _HOW, ("t42-tau",),
          check_contradiction("IC-1.case2-bound.mutant.robust", uniform_threshold, robust=True),
          mutant_of="IC-1.case2-bound", hypotheses="as IC-1.case2-bound"),
)
