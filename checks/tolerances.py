"""Every tolerance, margin and allowance a verdict turns on, declared once, before the data, with its reason.

A check reads a tolerance through :func:`tol` (never as a literal of its own), so that the report can show
what each verdict would be at half and at twice each tolerance (:func:`scaled`; ``checks.evaluate`` does
this for every claim whose verdict reads the tolerance): a verdict that flips there rests on the choice of
the tolerance, and the report says so.

The values are bovit's choices, not the paper's (the paper's constants live in ``bounds/``); each row says
why that value and not another. ``CHANCE``-like facts (the error of a guess) are not tolerances.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from simulate.grid import T_ALLOWANCE

__all__ = ["FACTORS", "TOLERANCES", "Tolerance", "read", "scaled", "tol"]

FACTORS = (0.5, 2.0)  # the report's sensitivity columns: each tolerance at half and at twice its value


@dataclass(frozen=True)
class Tolerance:
    """One declared tolerance: its value, what it bounds, and why this value."""

    name: str
    value: float
    meaning: str
    rationale: str
    # a factor (a ratio within [x / value, x · value]): half and twice of it act on its logarithm, the margin of the
    # equivalence test on the log scale, i.e. value^½ and value² (half of a factor 2 is √2, not 1, which would be
    # no margin at all)
    multiplicative: bool = False

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"name must be an identifier, got {self.name!r}")
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or not self.value > 0:
            raise ValueError(f"value of {self.name} must be a number > 0, got {self.value!r}")


_ROWS = (
    Tolerance("DIVERGENCE_RISE", 2.0,
              "a run is diverging when its robust training loss at a logged iteration exceeds this many times the "
              "smallest value it had reached before",
              "full-batch gradient descent with a step below 2/L never increases a smooth loss (the descent "
              "lemma), so a loss that loses half of its best fit means the step is past the stable range. Set "
              "after a look at the 462 default runs' trajectories (3 in 4 never rise at all; 38 rise by 5% to 2×, "
              "44 by more): no verdict reads it, it labels runs in the training-health tables"),
    Tolerance("T_ALLOWANCE", T_ALLOWANCE,
              "Theorem 4.2(1): a run that reaches ε within this many times the predicted T (constant 1) agrees",
              "T is stated up to Θ(·) with an unknown constant; 50 admits constants up to 50 and still refutes "
              "a T off by two orders of magnitude, within T_max = 50·T of the grid"),
    Tolerance("L54_TOL_REL", 0.5,
              "Lemma 5.4: attention counts as near uniform while M·|φ − 1/M| stays at most this",
              "'1/M ± o(1)' has no rate; half of the uniform weight is far from one-hot (M − 1) and far above "
              "float32 noise"),
    Tolerance("IC8_REL_TOL", 0.15,
              "IC-8 (the Condition 4.1 audit): bovit's value agrees with a value the catalogue quotes within this "
              "fraction",
              "the quoted values carry one or two significant figures (rounding up to 15%)"),
    Tolerance("CLEAN_FIT", 0.1,
              "IC-1: a run whose clean test error is above this does not fit and is out of IC-1's scope",
              "IC-1 is about models that classify clean inputs; 10% error is a fit by any reading and far from "
              "chance (50%)"),
    Tolerance("NOT_BENIGN_OF_CHANCE", 0.5,
              "'robustness does not improve': a robust error surely above this fraction of chance (0.5) is not benign",
              "half of chance is far from the exp(−C·g) ≪ 1 of a benign fit and still below the error of a guess, so "
              "a model that learned nothing robust clears it and one that generalises robustly does not"),
    Tolerance("FAR_BELOW", 0.01,
              "'the bound is ≪ 1/2': Theorem 4.2(3)'s bound with C = 1 is below this at the run",
              "one in a hundred is far below 1/2 (fifty times) and yet above what a 2,000-point test set with no "
              "error allows (the 95% Clopper–Pearson upper limit at 0 of 2,000 is 1.8e-3), so an error far above it "
              "is a contradiction, not noise"),
    Tolerance("EQUIV_REL", 0.5,
              "an equality of a power (the phase boundary's log-log slope −1/2, the exponent −1 of T ∝ η⁻¹ and of "
              "T ∝ ε⁻¹, the exponent −2 of T ∝ ‖µ‖⁻² and of T ∝ ‖w_O‖⁻²) is confirmed only when the estimate's "
              "whole interval lies within ± this fraction of the predicted value (an equivalence test: margin "
              "½·|predicted|)",
              "half the distance to each alternative a referee would name first: no dependence (0) and twice the "
              "power (for −1/2: −1, N²·SNR² = const, the boundary mutant; for −1: −2), so a confirmed power excludes "
              "both; declared before any equivalence verdict was computed"),
    Tolerance("RATIO_EQUIV", 2.0,
              "an equality of a ratio (Case 2 takes M times Case 1's time) is confirmed only when the ratio's whole "
              "interval lies within [M / this, M · this]",
              "a factor of 2 either way keeps M = 8 apart from 1 (no slow-down) and from M² (the ratio mutant) by "
              "more than the margin; declared before any equivalence verdict was computed. A factor: its half and "
              "twice are √2 and 4 (they act on the log-scale margin log 2)", multiplicative=True),
    Tolerance("CUTOFF_OF_RANGE", 0.5,
              "where no figure of the paper gives a cut-off for 'high accuracy' (the bundled digits; Appendix B.4's "
              "Figure 8), the cut-off is chance (0.5) plus this fraction of the way from chance to perfect accuracy",
              "half way, 0.75: as far from a guess as from a perfect model, so a cell above it learned the task and "
              "one below it did not learn it well; the paper's own cut-offs for MNIST, CIFAR-10 and Tiny-ImageNet "
              "(0.93, 0.65, 0.70, Figures 4–6) bracket it"),
    Tolerance("FIG3_NEAR_ZERO", 0.1,
              "Figure 3's search: Appendix B.1's attention entropy that 'decreases to nearly zero' at τ/‖µ‖ = 0.02 "
              "ends at most this fraction of log M, and one that 'remains high' at 0.1 ends at least 1 − this",
              "a tenth of uniform attention's entropy (at M = 2, one token holding about 98.7% of the weight) is "
              "'nearly zero' by any reading of a figure whose curve ends at the axis. Declared after the search's "
              "first run, whose smallest final entropy at 0.02 over 27 settings was 0.52 and largest at 0.1 was "
              "0.73, so no setting's result flips at half or at twice it"),
    Tolerance("LOSS_DROP", 0.1,
              "'training loss goes to ≈ 0': the final robust training loss is below this fraction of its initial "
              "value",
              "a ten-fold drop is 'to zero' on a logistic loss that starts at log 2; a smaller drop is not"),
)
TOLERANCES: Mapping[str, Tolerance] = MappingProxyType({t.name: t for t in _ROWS})

_FACTOR: contextvars.ContextVar[tuple[str, float] | None] = contextvars.ContextVar("tolerance_factor", default=None)
_READ: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("tolerances_read", default=None)


def tol(name: str) -> float:
    """The tolerance ``name`` (times the factor of an enclosing :func:`scaled` for that name)."""
    if name not in TOLERANCES:
        raise ValueError(f"name must be a declared tolerance ({', '.join(TOLERANCES)}), got {name!r}")
    seen = _READ.get()
    if seen is not None:
        seen.add(name)
    t = TOLERANCES[name]
    factor = _FACTOR.get()
    if factor is None or factor[0] != name:
        return t.value
    return t.value ** factor[1] if t.multiplicative else t.value * factor[1]


@contextlib.contextmanager
def scaled(name: str, factor: float) -> Iterator[None]:
    """Within the block, :func:`tol` gives ``name`` at ``factor`` times its declared value."""
    if name not in TOLERANCES:
        raise ValueError(f"name must be a declared tolerance ({', '.join(TOLERANCES)}), got {name!r}")
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 0:
        raise ValueError(f"factor must be a number > 0, got {factor!r}")
    token = _FACTOR.set((name, float(factor)))
    try:
        yield
    finally:
        _FACTOR.reset(token)


@contextlib.contextmanager
def read() -> Iterator[set[str]]:
    """Within the block, the names of the tolerances :func:`tol` was asked for collect in the yielded set."""
    seen: set[str] = set()
    token = _READ.set(seen)
    try:
        yield seen
    finally:
        _READ.reset(token)
