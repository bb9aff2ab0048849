"""The report's per-norm breakdown of Appendix B.3's multi-norm runs: which ball breaks the points.

A union-norm run (``norm`` "multi" or "multi-image") stores its test attack's errors in each ball alone
(``RunResult.robust_errors_attack_by_norm``) beside the union's. Summed over the seeds of each cell (data set,
reading of B.3's ℓ₁ radius, N, SNR), the section shows the union's robust error and each ball's, so that a
reader sees whether the union's verdicts are the ℓ₁ ball's alone (as the per-token reading's radius predicts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from reports.extras import table
from simulate.config import RunConfig
from simulate.store import RunRecord

__all__ = ["breakdown_rows", "multinorm_section"]

# a ball's norm as the stored breakdown names it → how the report prints it
_BALL = {"2": "ℓ₂", "inf": "ℓ∞", "1": "ℓ₁ per token", "1-image": "ℓ₁ whole image"}
_READING = {"multi": "per token (Section 3's balls)", "multi-image": "ℓ₁ over the whole image"}


def breakdown_rows(records: Sequence[RunRecord]) -> dict[str, list[tuple[str, ...]]]:
    """Per reading of the union (its norm), a table: data, N, SNR, seeds, test points, the union's robust error and
    each ball's, as fractions of the test points (runs as drawn; twins and runs without a breakdown left out)."""
    cells: dict[tuple[str, str, int, float], list[RunRecord]] = defaultdict(list)
    for rec in records:
        if rec.result.robust_errors_attack_by_norm is None:
            continue
        try:
            c = RunConfig.from_dict(rec.config)
        except (TypeError, ValueError):
            continue
        if c.perturb:
            continue
        assert c.snr is not None
        cells[(c.norm, c.dataset, c.N, c.snr)].append(rec)
    out: dict[str, list[tuple[str, ...]]] = {}
    for (norm, dataset, N, snr), recs in sorted(cells.items()):
        # in _BALL's order, not the stored mapping's (a results file's JSON sorts its keys), so that a report
        # rendered from the results file has the columns of the one rendered from the store
        stored = recs[0].result.robust_errors_attack_by_norm or {}
        balls = [*(b for b in _BALL if b in stored), *sorted(b for b in stored if b not in _BALL)]
        rows = out.setdefault(norm, [("data", "N", "SNR", "seeds", "test points", "union",
                                      *(_BALL.get(b, b) for b in balls))])
        n = sum(r.result.n_test for r in recs)
        union = sum(r.result.robust_errors_attack for r in recs)
        per = [sum((r.result.robust_errors_attack_by_norm or {}).get(b, 0) for r in recs) for b in balls]
        rows.append((dataset, str(N), f"{snr:g}", str(len(recs)), str(n), f"{union / n:.3f}",
                     *(f"{k / n:.3f}" for k in per)))
    return out


def multinorm_section(records: Sequence[RunRecord]) -> list[str]:
    """The section's markdown lines ([] when no run has a breakdown)."""
    tables = breakdown_rows(records)
    if not tables:
        return []
    lines = ['<a id="multinorm-breakdown"></a>', "", "## Multi-norm runs ball by ball (Appendix B.3)", "",
             "The test attack's robust error in each ball of the union alone, beside the union's (an error in any "
             "ball), summed over each cell's seeds. Where one ball's column equals the union's, that ball alone "
             "decides the union's verdicts.", ""]
    for norm, rows in tables.items():
        lines += [f"**Reading: {_READING.get(norm, norm)}** (`norm={norm}`)", "", *table(rows), ""]
    return lines
