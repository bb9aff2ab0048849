"""Training health as data: how each run's gradient descent went, read off its stored trajectory.

A run is **converged** when its robust training loss reached ε, **diverging** when at some logged
iteration that loss exceeded ``DIVERGENCE_RISE`` (checks.tolerances) times the smallest value it had
reached before (or was not finite), and **stopped** when it neither converged nor diverged by T_max. A run
that diverged and later fell below ε is still diverging: its end point came out of an unstable path.
Each claim's finding counts its runs by state and names the diverging ones (``checks.evaluate``), and
shows η·‖µ‖², the step size against the signal's curvature scale (gradient descent on eq. (1) is unstable
once it is large; the paper's η = 0.1 at SNR 8 in d = 256 gives η‖µ‖² ≈ 655).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from checks.tolerances import tol
from simulate.config import RunConfig
from simulate.store import RunRecord

__all__ = ["STATES", "Health", "diverging", "health", "summary"]

State = Literal["converged", "stopped", "diverging"]
STATES: tuple[State, ...] = ("converged", "stopped", "diverging")


@dataclass(frozen=True)
class Health:
    """One run's training health: its state, the largest loss rise over the best-so-far, and η·‖µ‖²."""

    state: State
    rise: float
    eta_mu2: float


def health(config: RunConfig, record: RunRecord) -> Health:
    """The run's training health from its trajectory (rows with ``robust_loss``) and its result."""
    losses = [float(row["robust_loss"]) for row in record.trajectory if "robust_loss" in row]
    rise, best = 1.0, math.inf
    for loss in losses:
        if not math.isfinite(loss):
            rise = math.inf
            break
        if best < math.inf:
            rise = max(rise, loss / best if best > 0 else (math.inf if loss > 0 else 1.0))
        best = min(best, loss)
    eta_mu2 = config.eta * config.signal_norm ** 2
    if rise > tol("DIVERGENCE_RISE"):
        state: State = "diverging"
    elif record.result.converged:
        state = "converged"
    else:
        state = "stopped"
    return Health(state, rise, eta_mu2)


def summary(records: Sequence[tuple[RunConfig, RunRecord]]) -> tuple[tuple[str, ...], ...]:
    """An evidence table of the runs' training health: per state, the count, the η·‖µ‖² range and up to
    three run labels (header row first); empty for no runs."""
    if not records:
        return ()
    rows: list[tuple[str, ...]] = [("training", "runs", "η·‖µ‖²", "largest loss rise", "e.g.")]
    found = [(c, health(c, r)) for c, r in records]
    for state in STATES:
        these = [(c, h) for c, h in found if h.state == state]
        if not these:
            continue
        etas = [h.eta_mu2 for _, h in these]
        span = f"{min(etas):.3g}" if min(etas) == max(etas) else f"{min(etas):.3g}–{max(etas):.3g}"
        worst = max(h.rise for _, h in these)
        labels = ", ".join(c.label() for c, _ in these[:3]) + (f" (+{len(these) - 3})" if len(these) > 3 else "")
        rows.append((state, str(len(these)), span, f"{worst:.3g}×", labels))
    return tuple(rows)


def diverging(records: Sequence[tuple[RunConfig, RunRecord]]) -> tuple[str, ...]:
    """The labels of the diverging runs among ``records`` (the report flags them in every evidence table)."""
    return tuple(dict.fromkeys(c.label() for c, r in records if health(c, r).state == "diverging"))
