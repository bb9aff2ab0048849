"""The verdicts bovit currently observes, as data (as scikit-learn's ``expected_failed_checks``).

A claim whose observed verdict differs from the one recorded here fails the suite, in either
direction, so `pytest checks` is green exactly when reality matches the recorded findings. A claim
recorded as refuted shows as an xfail carrying the reason.
"""

from __future__ import annotations

import pytest

from checks.claim import Finding
from checks.stats import Verdict

EXPECTED: dict[str, tuple[Verdict, str]] = {
    "T4.3": ("confirmed", "every trained model's robust error at τ = ‖µ‖ is at least 1/4 (about 1/2)"),
    # At τ ≥ ‖µ‖/√2 both members of a pair reach the same input, so this can only fail if the constructive
    # attack does not reach the midpoint; the informative half is the threshold claim below.
    "T4.3.sharp": ("confirmed", "no coupled pair (µ₊, ξ), (µ₋, ξ) survives the midpoint attack at τ ≥ ‖µ‖/√2"),
    "T4.3.sharp.threshold": ("confirmed", "below ‖µ‖/√2 (at 0.70‖µ‖) some coupled pairs survive: the threshold "
                                          "is where the argument starts, not a loose constant"),
    "IC-1": ("confirmed", "robust error is surely below 1/2 at half of τ = ‖µ‖/(√2·M) and surely above it at "
                          "twice, for M = 2, 4, …, even where training made attention far from uniform"),
    "L5.5": ("out-of-scope", "no simulated run meets Condition 4.1 (its dimension conditions need d ≥ ε⁻²N²d_h); "
                             "the data alone confirm Δ ≤ M·τ‖u‖ at every point"),
    "L5.3": ("out-of-scope", "no simulated run meets Condition 4.1; the data alone refute C ≤ e/2: once the "
                             "model has learned, an attack moves single attention weights by factors of 10–20"),
    "L5.5.frozen": ("refuted", "once attention concentrates on the signal token the attack lowers the margin by "
                               "more than τ‖u‖ (up to about 2·τ‖u‖): attention adds to the worst case"),
    # ---- conditions (checks/conditions.py) ----
    # ---- end conditions ----
    # ---- theorem42 (checks/theorem42.py) ----
    # ---- end theorem42 ----
    # ---- lemmas, added (checks/lemmas.py) ----
    # ---- end lemmas ----
    # ---- experiments (checks/experiments.py) ----
    # ---- end experiments ----
}


# For claims out of scope, what the data alone say is recorded too, so a change there also fails the suite.
EXPECTED_DATA: dict[str, Verdict] = {
    "L5.5": "confirmed",
    "L5.3": "refuted",
    # ---- conditions ----
    # ---- end conditions ----
    # ---- theorem42 ----
    # ---- end theorem42 ----
    # ---- lemmas, added ----
    # ---- end lemmas ----
    # ---- experiments ----
    # ---- end experiments ----
}


# (mutant ID, caught, observed verdict) for every mutant run in this session, for the catch-rate line
CAUGHT = pytest.StashKey[list[tuple[str, bool, str]]]()


def mismatch(f: Finding) -> str | None:
    """Why the Finding differs from the recorded verdicts (including the data verdict of an out-of-scope
    claim), or None when it matches."""
    if f.claim not in EXPECTED:
        return f"{f.claim}: observed {f.verdict} ({f.reason}), but no verdict is recorded in checks/expected.py"
    want, why = EXPECTED[f.claim]
    if f.verdict != want:
        return f"{f.claim}: observed {f.verdict}, recorded {want} ({why}). Evidence: {f.reason}"
    if f.verdict == "out-of-scope":
        data = EXPECTED_DATA.get(f.claim)
        if data is None:
            return (f"{f.claim}: out of scope and the data say {f.data_verdict} ({f.reason}), but no data verdict "
                    f"is recorded in checks/expected.py")
        if f.data_verdict != data:
            return f"{f.claim}: out of scope; the data now say {f.data_verdict}, recorded {data}. Evidence: {f.reason}"
    return None


def settle(f: Finding) -> None:
    """Compare a Finding with the recorded verdict: fail on any change, xfail a recorded refutation."""
    problem = mismatch(f)
    if problem is not None:
        pytest.fail(problem)
    if f.verdict == "refuted":
        pytest.xfail(f"{f.claim} refuted, as recorded: {EXPECTED[f.claim][1]}. Evidence: {f.reason}")


def settle_mutant(f: Finding) -> None:
    """A mutant (a deliberately false claim) must be refuted; anything else means the check let it through."""
    if f.verdict != "refuted":
        pytest.fail(f"mutant {f.claim} survived: observed {f.verdict}"
                    + (f" (data: {f.data_verdict})" if f.data_verdict else "") + f". Evidence: {f.reason}")
