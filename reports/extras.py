"""The report's account of what a verdict rests on besides the data: the stability check (a verdict that
turns on a last-bit difference is unstable), the runs' training health, and each declared tolerance at half
and at twice its value (checks.stability, checks.health, checks.tolerances)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from checks.claim import Claim, Finding
from checks.stability import STABLE
from checks.tolerances import FACTORS, TOLERANCES

__all__ = ["cell", "finding_lines", "stability_section", "table", "tolerance_section"]


class _Outcome(Protocol):
    @property
    def claim(self) -> Claim: ...

    @property
    def finding(self) -> Finding | None: ...


def cell(text: object) -> str:
    """Text for a markdown table cell: one line, pipes escaped."""
    return re.sub(r"\s+", " ", str(text)).strip().replace("|", "\\|")


def table(rows: Sequence[Sequence[object]]) -> list[str]:
    """A markdown table, the first row its header."""
    if not rows:
        return []
    head, *body = rows
    out = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]
    return out


def _factor(f: float) -> str:
    return {0.5: "½", 2.0: "2"}.get(f, f"{f:g}") + "×"


def finding_lines(f: Finding) -> list[str]:
    """A claim section's lines on its finding's stability, its runs' training health and its tolerances."""
    lines: list[str] = []
    if f.stability == STABLE:
        lines += ["**Stability.** Stable: the same verdict with every initial weight moved one ulp.", ""]
    elif f.stability:
        lines += [f"**Stability.** {cell(f.stability[0].upper() + f.stability[1:])}: the verdict is recorded as "
                  "inconclusive.", ""]
    if f.settle:
        lines += [f"**What would settle it.** {cell(f.settle[0].upper() + f.settle[1:])}.", ""]
    if f.health:
        lines += ["**Training health** of the runs this verdict reads (checks.health: diverging = the robust "
                  "training loss rose to more than DIVERGENCE_RISE × its best so far).", "", *table(f.health), ""]
    if f.sensitivity:
        head = ("tolerance", "declared", *(f"verdict at {_factor(x)}" for x in FACTORS))
        lines += ["**Tolerances** this verdict reads, and the verdict at half and at twice each:", "",
                  *table((head, *f.sensitivity)), ""]
    return lines


def _flips(outcomes: Sequence[_Outcome], name: str, k: int) -> str:
    ids = [o.claim.id for o in outcomes if o.finding is not None and o.claim.mutant_of is None
           for row in o.finding.sensitivity if row[0] == name and row[2 + k] != o.finding.verdict]
    return ", ".join(dict.fromkeys(ids)) or "none"


def tolerance_section(outcomes: Sequence[_Outcome]) -> list[str]:
    """Every declared tolerance with its value and reason, and the claims whose verdict flips at ½× and 2×."""
    rows: list[tuple[str, ...]] = [("tolerance", "value", "what it bounds", "why this value",
                                    *(f"flips at {_factor(x)}" for x in FACTORS))]
    for t in TOLERANCES.values():
        rows.append((t.name, f"{t.value:g}", t.meaning, t.rationale,
                     *(_flips(outcomes, t.name, k) for k in range(len(FACTORS)))))
    return ["## Tolerances", "",
            "Every tolerance, margin and allowance a verdict turns on, declared in `checks/tolerances.py` before "
            "the data; each claim was re-evaluated on the same runs with each tolerance it reads at half and at "
            "twice its value. A claim listed under a factor has a verdict that rests on the choice of that "
            "tolerance.", "", *table(rows), ""]


def stability_section(outcomes: Sequence[_Outcome], ulps: int) -> list[str]:
    """The stability check's summary: how many verdicts survive a last-bit perturbation, and which do not."""
    lines = ["## Stability", ""]
    if not ulps:
        return [*lines, "Not checked at this scale (its runs are a smoke test); at `default`, `paper` and "
                "`thorough` every claim is also evaluated on its runs with every initial weight moved one ulp.", ""]
    judged = [o for o in outcomes if o.finding is not None and o.finding.stability and o.claim.mutant_of is None]
    unstable = [o for o in judged if o.finding is not None and o.finding.stability != STABLE]
    lines += [f"Every claim that reads runs was also evaluated on the same runs with every initial weight moved "
              f"{ulps} ulp (same seeds, data, test sets and batching): {len(judged) - len(unstable)} of "
              f"{len(judged)} verdicts are stable. An unstable verdict is recorded as inconclusive.", ""]
    if unstable:
        rows = [("claim", "stability"), *((o.claim.id, o.finding.stability) for o in unstable if o.finding)]
        lines += [*table(rows), ""]
    return lines


def flag_diverging(f: Finding) -> tuple[tuple[str, ...], ...]:
    """The finding's evidence rows with every cell that names a diverging run (``Finding.diverging``) marked ⚠."""
    if not f.diverging:
        return f.evidence
    bad = set(f.diverging)
    head, *body = f.evidence or ((),)
    return (head, *(tuple(f"{c} ⚠" if c in bad else c for c in row) for row in body)) if f.evidence else ()
