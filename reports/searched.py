"""The report's "Searched points" section: every hypothesis search's points (checks/search.py), its worst point
and the command that reproduces that point, rendered from the searches' stored Findings alone (their
evidence tables, whose columns are ``checks.search.COLUMNS``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from checks.claim import Claim, Finding
from checks.search import COLUMNS, SEARCH_SEED, SEARCHES, WORST
from reports.extras import cell, table

__all__ = ["searched_section"]

# the columns the section's tables show (the reproducing command is shown for the worst point only)
SHOWN = ("draw", "run", "point verdict", "steering value", "what was seen", "worst")


class _Outcome(Protocol):
    @property
    def claim(self) -> Claim: ...

    @property
    def finding(self) -> Finding | None: ...


def _verdict(f: Finding) -> str:
    return f"{f.verdict} (data: {f.data_verdict})" if f.verdict == "out-of-scope" else f.verdict


def _search_lines(claim: Claim, f: Finding) -> list[str]:
    of = f"mutant of {claim.mutant_of}" if claim.mutant_of else f"of {SEARCHES[claim.id].of}"
    head = [f"### {claim.id} ({of})", "", f"**Verdict.** {_verdict(f)}" + (f" — {f.key}" if f.key else "") + ".", ""]
    if not f.evidence or tuple(f.evidence[0]) != COLUMNS:
        return [*head, "*No searched points were stored with this finding.*", ""]
    col = {name: i for i, name in enumerate(COLUMNS)}
    points = f.evidence[1:]
    rows: list[tuple[str, ...]] = [SHOWN, *(tuple(row[col[name]] for name in SHOWN) for row in points)]
    lines = [*head, *table(rows), ""]
    worst = [row for row in points if row[col["worst"]] == WORST]
    for row in worst:
        lines += [f"Worst point: draw {row[col['draw']]}, {cell(row[col['run']])} ({row[col['point verdict']]}): "
                  f"{cell(row[col['what was seen']])}. Reproduce its run:", "", "```sh", row[col["reproduce"]], "```",
                  ""]
    return lines


def searched_section(outcomes: Sequence[_Outcome]) -> list[str]:
    """The section's markdown lines ([] when no outcome is a search's)."""
    searched = [o for o in outcomes if o.claim.id in SEARCHES]
    if not searched:
        return []
    lines = ['<a id="searched-points"></a>', "", "## Searched points", "",
             "Besides the fixed grids, hypothesis searches draw further points inside a claim's regime "
             "(checks/search.py, checks/strategies.py): the profile's search_examples points each, half from the "
             f"whole regime and the rest one by one near the worst point so far, seeded ({SEARCH_SEED}, then one "
             "more per round: the same command draws the same points). Each point is trained, judged at the "
             "Bonferroni level over the points, and the search steers toward its worst (the largest steering "
             "value: the ratio of observed to bound, or minus the upper limit of Theorem 4.2(3)'s implied "
             "constant). Each table lists the points in the order drawn; the command below it trains the worst "
             "point's run and prints its error counts.", ""]
    for o in searched:
        if o.finding is None:
            lines += [f"### {o.claim.id}", "", "*The search raised; no points.*", ""]
        else:
            lines += _search_lines(o.claim, o.finding)
    return lines
