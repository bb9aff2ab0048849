"""The report's "Test attack strength" section: per claim, what a stronger attack adds to the test attack's count.

Every eq. (1) run's evaluation attacks its first test points (``RunResult.strong_points``, 100) a second time with
a stronger attack (simulate.train.stronger_attack: three times the steps at half the step size, a second start
from a random point) and stores both counts there. A claim that reads a run's attacked robust error reads a
lower estimate; where the stronger attack finds errors the test attack missed, the claim counts them too
(checks.claim.attacked_errors), and on the points it did not visit the estimate stays too low by about that share.
The stronger attack runs at the run's τ and at every extra radius of ``eval_tau_rels``. The section sums, over each
claim's runs as drawn, the points attacked, the test attack's errors and the stronger attack's errors there, the
share added with its 95% Clopper-Pearson interval, at the run's τ and (where the runs have extra radii) at those
radii together, the points whose margin gradient is exactly zero, and which test attack the claim's runs used (PGD,
or APGD with the published code's schedule or the paper's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checks.claim import Claim
from checks.stats import clopper_pearson
from reports.extras import table
from simulate.config import RunConfig
from simulate.store import RunRecord

__all__ = ["OTHER_RADII", "Strength", "strength_of", "strength_section"]


# The claims whose counts come (also) from radii other than the run's τ (eval_tau_rels) or from Theorem 4.3's midpoint
# attack. The stronger attack runs at the run's τ and at every extra radius, so the row's second part covers the
# extra radii; Theorem 4.3's midpoint attack is a construction, not a search, and has no stronger counterpart.
OTHER_RADII: dict[str, str] = {
    "T4.3": "τ = ‖µ‖ (the midpoint attack and the certificate)",
    "T4.3.search": "the searched radius",
    "T4.3.sharp": "Theorem 4.3's radii (the midpoint attack)",
    "T4.3.sharp.threshold": "Theorem 4.3's radii (the midpoint attack)",
    "T4.3.sharp.search": "the searched radius (the midpoint attack)",
    "IC-1": "half and twice IC-1's threshold",
    "IC-1.jump": "half and twice IC-1's threshold",
    "IC-1.jump.search": "half and twice IC-1's threshold",
    "S.monotone-tau": "τ/‖µ‖ = 0.05, 0.1, 0.2, 0.4",
    "S.robust-ge-clean": "the run's τ and its extra radii",
}

# which APGD schedule an attack kind follows (simulate.attacks._apgd)
_SCHEDULES = {"apgd": " with the published code's schedule", "apgd-paper": " with the paper's schedule"}


@dataclass(frozen=True)
class Strength:
    """One claim's totals over its eq. (1) runs as drawn that store the stronger attack's counts."""

    claim: str
    runs: int
    points: int
    test_errors: int
    strong_errors: int
    zero_gradient: int
    attacks: tuple[str, ...]
    # the same at the runs' extra radii (eval_tau_rels), summed over radii: points, test attack's, stronger attack's
    radius_points: int = 0
    radius_test_errors: int = 0
    radius_strong_errors: int = 0

    @property
    def added(self) -> int:
        return self.strong_errors - self.test_errors

    @property
    def radius_added(self) -> int:
        return self.radius_strong_errors - self.radius_test_errors


def strength_of(claim_id: str, configs: Sequence[RunConfig], by_config: dict[RunConfig, RunRecord]) -> Strength:
    """The totals of ``claim_id`` over the records of ``configs`` (its runs; twins and runs without the stronger
    attack's counts, such as ViT runs, are left out)."""
    runs = points = test = strong = zero = r_points = r_test = r_strong = 0
    attacks: dict[str, None] = {}
    for c in configs:
        rec = by_config.get(c)
        if c.perturb or rec is None or rec.result.strong_points is None:
            continue
        r = rec.result
        runs += 1
        points += r.strong_points or 0
        test += r.default_errors_on_strong_points or 0
        strong += r.strong_errors_attack or 0
        zero += r.zero_gradient_points or 0
        attacks[c.test_attack.describe() + _SCHEDULES.get(c.test_attack.kind, "")] = None
        for at in r.at_tau_rel.values():
            if at.strong_errors_attack is not None and at.default_errors_on_strong_points is not None:
                r_points += r.strong_points or 0
                r_test += at.default_errors_on_strong_points
                r_strong += at.strong_errors_attack
    return Strength(claim_id, runs, points, test, strong, zero, tuple(attacks), r_points, r_test, r_strong)


def _added(added: int, points: int) -> str:
    lo, hi = clopper_pearson(added, points)
    return f"{added} = {added / points:.2%} [{lo:.2%}, {hi:.2%}]"


def _rows(strengths: Sequence[Strength]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("claim", "runs", "points", "test attack errors", "stronger attack errors",
                                    "added (95% interval)", "at extra radii: points, test, stronger",
                                    "added there (95% interval)", "zero-gradient points", "test attack",
                                    "the claim's counts are at")]
    for s in strengths:
        extra = (f"{s.radius_points}, {s.radius_test_errors}, {s.radius_strong_errors}", _added(s.radius_added,
                 s.radius_points)) if s.radius_points else ("none", "")
        rows.append((s.claim, str(s.runs), str(s.points), str(s.test_errors), str(s.strong_errors),
                     _added(s.added, s.points), *extra, str(s.zero_gradient),
                     "; ".join(s.attacks), OTHER_RADII.get(s.claim, "the run's τ")))
    return rows


def strength_section(claims: Sequence[Claim], configs_of: dict[str, list[RunConfig]],
                     records: Sequence[RunRecord]) -> list[str]:
    """The section's markdown lines for ``claims`` (``configs_of``: each claim's runs, from the grid)."""
    by_config: dict[RunConfig, RunRecord] = {}
    for rec in records:
        try:
            by_config[RunConfig.from_dict(rec.config)] = rec
        except (TypeError, ValueError):
            continue  # a record of another program's fields is not a run of these claims
    strengths = [s for c in claims if (s := strength_of(c.id, configs_of.get(c.id, []), by_config)).points]
    lines = ['<a id="attack-strength"></a>', "", "## Test attack strength", "",
             "Each eq. (1) run's first test points are attacked again by a stronger attack (three times the test "
             "attack's steps at half its step size, a second start from a random point of the balls; "
             "simulate.train.stronger_attack). Summed over each claim's runs as drawn: the errors the test attack "
             "found there, those of the stronger attack (with the test attack's), and the share of points it "
             "adds. Every claim that reads the attacked robust error at the run's τ reads the union of the two "
             "(checks.claim.attacked_errors: the test attack's errors plus those the stronger attack added on its "
             "points), a lower estimate like each alone. On the points the stronger attack did not visit the "
             "count is the test attack's, so a share whose interval excludes 0 says the count there is still "
             "too low by about that share. The stronger attack also runs at every extra radius a run is "
             "evaluated at (eval_tau_rels), and a claim that reads counts there reads the union there too; the "
             "columns \"at extra radii\" sum those radii. Theorem 4.3's midpoint attack (last column) is a "
             "construction, not a search, and has no stronger counterpart.", ""]
    if not strengths:
        return [*lines, "No run of these claims stores the stronger attack's counts (ViT runs do not have them, "
                        "and runs stored before the counts existed lack them).", ""]
    flagged = [s.claim for s in strengths if clopper_pearson(s.added, s.points)[0] > 0
               or (s.radius_points and clopper_pearson(s.radius_added, s.radius_points)[0] > 0)]
    lines += [*table(_rows(strengths)), ""]
    lines += [f"The stronger attack adds errors surely (interval above 0) for {', '.join(flagged)}." if flagged
              else "The stronger attack adds no error surely for any claim (every interval contains 0).", ""]
    return lines
