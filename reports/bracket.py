"""The report's "Certified bracket" section: how far apart the two estimates of each eq. (1) run's robust error
are, the attack's (a lower estimate) and the certificate's (an upper one), with the per-logit box bound alone
(simulate.certify method 'box', what every run's certificate was before the query-coupling step) and with the
tight bound the evaluation now reports. A claim "robust error is at most …" can only be confirmed where the
certified estimate is small, so the width is what decides whether such a verdict can come out at all.

Runs are counted as drawn: a stability twin (``perturb`` > 0) repeats its run's bracket to rounding and is left
out, as is a run at τ = 0 (its bracket is empty by definition). Runs are grouped by their data (Definition 3.1's
synthetic data, or an image set) and training radius τ/‖µ‖, which is what the width depends on; the SNR varies
within a group.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from checks.claim import Plot, Series, attacked_errors
from reports.extras import table
from simulate.grid import SECTION6_ETA, SECTION6_TAU_REL
from simulate.store import RunRecord

__all__ = ["Bracket", "bracket_plots", "bracket_rows", "bracket_section", "brackets", "section6_rows"]

# a bracket this narrow (certified − attacked robust error) decides a statement about the error to ±0.05
NARROW = 0.1
PLOT_NAME = "bracket-attacked-vs-certified"


@dataclass(frozen=True)
class Bracket:
    """One run's robust error estimates as rates: attacked (lower), box and tight certified (upper)."""

    data: str
    tau_rel: float
    N: int
    snr: float
    eta: float
    attack: float
    box: float
    tight: float


def brackets(records: Sequence[RunRecord]) -> list[Bracket]:
    """The bracket of every ℓ2 eq. (1) run as drawn at τ > 0 that stored both certificates."""
    out = []
    for r in records:
        res, c = r.result, r.config
        if (res.robust_errors_certified is None or res.robust_errors_certified_box is None or not res.n_test
                or c.get("perturb", 0) or not float(c.get("tau_rel", 0.0)) > 0):
            continue
        n = res.n_test
        out.append(Bracket(str(c.get("dataset", "synthetic")), float(c["tau_rel"]), int(c["N"]), float(c["snr"]),
                           float(c.get("eta", SECTION6_ETA)), attacked_errors(res) / n,
                           res.robust_errors_certified_box / n, res.robust_errors_certified / n))
    return out


def bracket_rows(bs: Sequence[Bracket]) -> list[tuple[str, ...]]:
    """One row per (data, τ/‖µ‖) over the runs' brackets (the first row is the header)."""
    groups: dict[tuple[str, float], list[Bracket]] = {}
    for b in bs:
        groups.setdefault((b.data, b.tau_rel), []).append(b)
    rows: list[tuple[str, ...]] = [("data", "τ/‖µ‖", "runs", "attacked (median)", "box width (median)",
                                    "tight width (median)", f"box width ≤ {NARROW:g}", f"tight width ≤ {NARROW:g}")]
    for (data, tau), bs in sorted(groups.items()):
        rows.append((data, f"{tau:g}", str(len(bs)), f"{statistics.median(b.attack for b in bs):.3f}",
                     f"{statistics.median(b.box - b.attack for b in bs):.3f}",
                     f"{statistics.median(b.tight - b.attack for b in bs):.3f}",
                     str(sum(b.box - b.attack <= NARROW for b in bs)),
                     str(sum(b.tight - b.attack <= NARROW for b in bs))))
    return rows


def section6_rows(bs: Sequence[Bracket], data: str) -> list[tuple[str, ...]]:
    """At Section 6's radius τ = 0.05‖µ‖ and η = 0.1 on ``data``: N down, SNR across, each cell 'attacked–tight
    certified' averaged over seeds; cells with fewer than two seeds (a searched point) are left out."""
    cells: dict[tuple[int, float], list[Bracket]] = {}
    for b in bs:
        if b.data == data and abs(b.tau_rel - SECTION6_TAU_REL) <= 1e-12 and b.eta == SECTION6_ETA:
            cells.setdefault((b.N, b.snr), []).append(b)
    cells = {k: v for k, v in cells.items() if len(v) >= 2}
    if not cells:
        return []
    Ns, snrs = sorted({k[0] for k in cells}), sorted({k[1] for k in cells})
    rows: list[tuple[str, ...]] = [("N \\ SNR", *(f"{s:g}" for s in snrs))]
    for N in Ns:
        row = [str(N)]
        for s in snrs:
            cell = cells.get((N, s))
            row.append("" if cell is None else
                       f"{statistics.fmean(b.attack for b in cell):.2f}–{statistics.fmean(b.tight for b in cell):.2f}")
        rows.append(tuple(row))
    return rows


def bracket_plots(bs: Sequence[Bracket]) -> tuple[Plot, ...]:
    """The section's figure: each run's tight certified robust error against its attacked one, per data set,
    with the diagonal (an exact bracket) and the diagonal + 0.1 (a narrow one)."""
    if not bs:
        return ()
    series = [Series(f"{data} ({sum(b.data == data for b in bs)} runs)",
                     tuple(b.attack for b in bs if b.data == data), tuple(b.tight for b in bs if b.data == data),
                     style="points")
              for data in sorted({b.data for b in bs})]
    series += [Series("certified = attacked", (0.0, 1.0), (0.0, 1.0), style="dashed"),
               Series(f"certified = attacked + {NARROW:g}", (0.0, 1.0 - NARROW), (NARROW, 1.0), style="dashed")]
    return (Plot(PLOT_NAME, "Robust error per run: certified (tight) against attacked", "lines",
                 "attacked robust error (lower estimate)", "certified robust error (upper estimate)", tuple(series)),)


def bracket_section(bs: Sequence[Bracket], figure: str | None = None, figure_error: str = "") -> list[str]:
    """The section's markdown lines over the runs' brackets (none when there are none); ``figure`` is the path of
    the rendered :func:`bracket_plots` figure, relative to the report, or ``figure_error`` why it was not drawn."""
    if not bs:
        return []
    box = sum(b.box - b.attack <= NARROW for b in bs)
    tight = sum(b.tight - b.attack <= NARROW for b in bs)
    lines = ['<a id="certified-bracket"></a>', "", "## Certified bracket", "",
             "Each ℓ2 eq. (1) run's robust error lies between the attack's count (PGD, a lower estimate) and the "
             "certificate's (an upper one). The width is certified − attacked robust error, per run; 'box' is the "
             "per-logit bound alone, 'tight' adds the query-coupling step (simulate/certify.py, step 5) and is what "
             "the claims read. Where the width is large no statement \"robust error is at most …\" can be confirmed, "
             "whatever the model does. Runs as drawn at τ > 0 (stability twins repeat them), by data and training "
             "radius:", "", *table(bracket_rows(bs)), "",
             f"Runs with a bracket at most {NARROW:g} wide: {box} of {len(bs)} with the box bound, {tight} of "
             f"{len(bs)} with the tight one.", ""]
    if figure is not None:
        lines += [f"![Robust error per run: certified against attacked]({figure})", ""]
    elif figure_error:
        lines += [f"(The figure could not be drawn: {figure_error}.)", ""]
    for data in sorted({b.data for b in bs}):
        rows = section6_rows(bs, data)
        if rows:
            lines += [f"At Section 6's radius τ = 0.05‖µ‖ and η = {SECTION6_ETA:g} on {data} data, attacked–certified "
                      "(tight) robust error, the mean over seeds:", "", *table(rows), ""]
    return lines
