"""The headline claims under each choice the paper leaves open (IC-10), one choice at a time.

bovit fixes one reading of every choice Section 6 does not report (which PGD iterate the attacks return, their
starts, ‖w_O‖ and its direction, the initialisation's scale, η, the noise law, the loss the stopping rule
watches). ``simulate.grid.SENSITIVITY`` names one alternative to each. This module re-evaluates the headline
claims (HEADLINE) on reduced grids (``simulate.grid.sensitivity_runs``: three seeds, every other SNR of a long SNR
axis) under bovit's defaults and under each alternative alone, by the claims' own checks on the same kind of
runs, so that a finding that holds under every alternative can be told from one that hinges on a choice.

A cell is ``n/a`` where the claim's grid sets the choice's field itself (the step-size choice on grids that sweep
η), and ``not run`` where the store lacks its runs (``bovit run --sensitivity`` trains them). The defaults'
column is evaluated on the same reduced grids, so it can differ from the full-grid verdict of the report's main
sections; the stability check (runs nudged by one ulp) is not repeated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checks.catalogue import claim as _claim
from checks.claim import Finding, Records
from checks.evaluate import MissingRuns, records
from checks.experiments import FIG3_PAPER_STATEMENTS, fig3_statements, final_entropies
from checks.profiles import Profile
from checks.stats import Verdict
from simulate.config import RunConfig
from simulate.grid import FIG3_SEARCH, SENSITIVITY, Choice, applies, preset, sensitivity_choice, sensitivity_runs, under
from simulate.store import RunRecord, Store

__all__ = ["DEFAULTS", "HEADLINE", "Cell", "Fig3Setting", "cell", "fig3_runs", "fig3_search", "study", "study_configs"]

# the claims the study re-evaluates: Figure 1's boundary, Theorem 4.2's implied constant across τ, IC-1, Figure 3,
# Lemmas 5.3 and 5.4, and Case 2's time
HEADLINE = ("E6.claim.boundary", "T4.2.3", "IC-1", "EB.1.fig3", "L5.3", "L5.4", "T4.2.T.case2-over-case1")
DEFAULTS = "defaults"  # the column of bovit's defaults


@dataclass(frozen=True)
class Cell:
    """One claim under one choice (``DEFAULTS`` for bovit's own): its finding, or why there is none."""

    claim: str
    choice: str
    finding: Finding | None
    note: str = ""  # "n/a: …" or "not run: …" when finding is None

    @property
    def verdict(self) -> str:
        """The verdict as the table prints it: an out-of-scope claim's data verdict, marked."""
        if self.finding is None:
            return self.note.split(":")[0]
        f = self.finding
        return f"({f.data_verdict})" if f.verdict == "out-of-scope" else f.verdict


def _choice(name: str) -> Choice | None:
    """None for bovit's defaults, else the named alternative (simulate.grid.sensitivity_choice)."""
    if name == DEFAULTS:
        return None
    try:
        return sensitivity_choice(name)
    except ValueError:
        raise ValueError(f"choice must be {DEFAULTS} or one of {', '.join(c.name for c in SENSITIVITY)}, "
                         f"got {name!r}") from None


def configs_under(claim_id: str, choice: str, profile: Profile) -> list[RunConfig] | None:
    """The claim's reduced runs with the choice made, or None where the claim's grid sets the choice's field."""
    runs = sensitivity_runs(_claim(claim_id).configs(profile))
    ch = _choice(choice)
    if ch is None:
        return runs
    if not all(applies(ch, c) for c in runs):
        return None
    return [under(ch, c) for c in runs]


def study_configs(profile: Profile, claims: Sequence[str] = HEADLINE) -> list[RunConfig]:
    """Every run the study reads at the profile (each once, in a stable order): what ``--sensitivity`` trains,
    Figure 3's search (when EB.1.fig3 is among ``claims``) included."""
    out: dict[RunConfig, None] = {}
    for claim_id in claims:
        for name in (DEFAULTS, *(c.name for c in SENSITIVITY)):
            out.update(dict.fromkeys(configs_under(claim_id, name, profile) or ()))
    if "EB.1.fig3" in claims:
        out.update(dict.fromkeys(preset("fig3-search", profile.name).configs()))
    return list(out)


def cell(claim_id: str, choice: str, profile: Profile, store: Store) -> Cell:
    """The claim's finding under the choice, from the store (never trains)."""
    ch = _choice(choice)
    configs = configs_under(claim_id, choice, profile)
    if configs is None:
        assert ch is not None
        fields = ", ".join(k for k, _ in ch.changes)
        return Cell(claim_id, choice, None, f"n/a: the claim's grid sets {fields} itself")
    try:
        runs = records(configs, store, train=False)
    except MissingRuns as e:
        return Cell(claim_id, choice, None, f"not run: {e}")
    return Cell(claim_id, choice, _claim(claim_id).evaluate(runs, profile))


def study(profile: Profile, store: Store, claims: Sequence[str] = HEADLINE) -> list[Cell]:
    """Every (claim, choice) cell, the defaults first, claims in ``claims``' order."""
    for claim_id in claims:
        _claim(claim_id)
    return [cell(claim_id, name, profile, store)
            for claim_id in claims for name in (DEFAULTS, *(c.name for c in SENSITIVITY))]


# ---- Figure 3's search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fig3Setting:
    """One setting of Figure 3's search (simulate.grid.FIG3_SEARCH): its values, the verdict of each of the paper's
    Figure 3 statements (checks.experiments.FIG3_PAPER_STATEMENTS) over its seeds, and the mean final entropies."""

    values: tuple[tuple[str, object], ...]
    verdicts: tuple[tuple[str, Verdict], ...]
    entropies: tuple[tuple[float, float], ...]

    @property
    def reproduces(self) -> bool:
        """Every statement holds in every seed."""
        return all(v == "confirmed" for _, v in self.verdicts)


def fig3_runs(profile: Profile, store: Store) -> Records | None:
    """Figure 3's search runs from the store (never trains), or None when they are not all stored."""
    try:
        return records(preset("fig3-search", profile.name).configs(), store, train=False)
    except MissingRuns:
        return None


def fig3_search(runs: Records) -> list[Fig3Setting]:
    """Every setting of Figure 3's search, from its runs (:func:`fig3_runs`), at the tolerances in force."""
    groups: dict[tuple[tuple[str, object], ...], list[tuple[RunConfig, RunRecord]]] = {}
    for c, rec in runs:
        groups.setdefault(tuple((k, getattr(c, k)) for k in FIG3_SEARCH), []).append((c, rec))
    out = []
    for values, rs in groups.items():
        verdicts = tuple((sid, v) for sid, _, v, _ in fig3_statements(rs, FIG3_PAPER_STATEMENTS))
        out.append(Fig3Setting(values, verdicts, tuple(final_entropies(rs).items())))
    return out
