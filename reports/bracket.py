"""The report's "Certified bracket" section: how far apart the two estimates of each eq. (1) run's robust error
are, the attack's (a lower estimate) and the certificate's (an upper one), with the per-logit box bound alone
(simulate.certify method 'box', what every run's certificate was before the query-coupling step) and with the
tight bound the evaluation now reports. A claim "robust error is at most …" can only be confirmed where the
certified estimate is small, so the width is what decides whether such a verdict can come out at all."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from reports.extras import table
from simulate.config import RunConfig
from simulate.grid import SECTION6_TAU_REL
from simulate.store import RunRecord

__all__ = ["bracket_rows", "bracket_section"]

# a bracket this narrow (certified − attacked robust error) decides a statement about the error to ±0.05
NARROW = 0.1
SECTION6_ETA = RunConfig.__dataclass_fields__["eta"].default  # Section 6's learning rate, RunConfig's default


def _widths(r: RunRecord) -> tuple[float, float, float] | None:
    """(attacked rate, box width, tight width) of an ℓ2 eq. (1) run that stored both certificates, else None."""
    res = r.result
    if res.robust_errors_certified is None or res.robust_errors_certified_box is None or not res.n_test:
        return None
    n = res.n_test
    attack = res.robust_errors_attack / n
    return attack, res.robust_errors_certified_box / n - attack, res.robust_errors_certified / n - attack


def bracket_rows(records: Sequence[RunRecord]) -> list[tuple[str, ...]]:
    """One row per SNR over every run with both certificates (the first row is the header)."""
    by_snr: dict[float, list[tuple[float, float, float]]] = {}
    for r in records:
        w = _widths(r)
        snr = r.config.get("snr")
        if w is not None and isinstance(snr, int | float):
            by_snr.setdefault(float(snr), []).append(w)
    rows: list[tuple[str, ...]] = [("SNR", "runs", "attacked (median)", "box width (median)", "tight width (median)",
                                    f"box width ≤ {NARROW:g}", f"tight width ≤ {NARROW:g}")]
    for snr in sorted(by_snr):
        ws = by_snr[snr]
        rows.append((f"{snr:g}", str(len(ws)), f"{statistics.median(w[0] for w in ws):.3f}",
                     f"{statistics.median(w[1] for w in ws):.3f}", f"{statistics.median(w[2] for w in ws):.3f}",
                     f"{sum(w[1] <= NARROW for w in ws)}", f"{sum(w[2] <= NARROW for w in ws)}"))
    return rows


def _section6_rows(records: Sequence[RunRecord]) -> list[tuple[str, ...]]:
    """Per (N, SNR) at Section 6's radius τ = 0.05‖µ‖ and η = 0.1 (unperturbed runs, seeds averaged)."""
    cells: dict[tuple[int, float], list[tuple[float, float, float]]] = {}
    for r in records:
        c = r.config
        w = _widths(r)
        if (w is None or c.get("perturb", 0) or abs(float(c.get("tau_rel", -1)) - SECTION6_TAU_REL) > 1e-12
                or float(c.get("eta", SECTION6_ETA)) != SECTION6_ETA):
            continue
        cells.setdefault((int(c["N"]), float(c["snr"])), []).append(w)
    rows: list[tuple[str, ...]] = [("N", "SNR", "seeds", "attacked", "certified (box)", "certified (tight)")]
    for (N, snr), ws in sorted(cells.items()):
        a = statistics.fmean(w[0] for w in ws)
        rows.append((str(N), f"{snr:g}", str(len(ws)), f"{a:.3f}", f"{a + statistics.fmean(w[1] for w in ws):.3f}",
                     f"{a + statistics.fmean(w[2] for w in ws):.3f}"))
    return rows


def bracket_section(records: Sequence[RunRecord]) -> list[str]:
    """The section's markdown lines (none when no stored run has both certificates)."""
    rows = bracket_rows(records)
    if len(rows) == 1:
        return []
    total = sum(int(r[1]) for r in rows[1:])
    box = sum(int(r[5]) for r in rows[1:])
    tight = sum(int(r[6]) for r in rows[1:])
    return ['<a id="certified-bracket"></a>', "", "## Certified bracket", "",
            "Each ℓ2 eq. (1) run's robust error lies between the attack's count (PGD, a lower estimate) and the "
            "certificate's (an upper one). The width is certified − attacked robust error, per run; 'box' is the "
            "per-logit bound alone, 'tight' adds the query-coupling step (simulate/certify.py, step 5) and is what "
            "the claims read. Where the width is large no statement \"robust error is at most …\" can be confirmed, "
            "whatever the model does.", "", *table(rows), "",
            f"Runs with a bracket at most {NARROW:g} wide: {box} of {total} with the box bound, {tight} of {total} "
            "with the tight one.", "", "At Section 6's radius τ = 0.05‖µ‖, the mean over seeds:", "",
            *table(_section6_rows(records)), ""]
