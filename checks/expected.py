"""The verdicts bovit currently observes, as data (as scikit-learn's ``expected_failed_checks``).

A claim whose observed verdict differs from the one recorded here fails the suite, in either
direction, so `pytest checks` is green exactly when reality matches the recorded findings. A claim
recorded as refuted shows as an xfail carrying the reason.
"""

from __future__ import annotations

import pytest

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
}


# For claims out of scope, what the data alone say is recorded too, so a change there also fails the suite.
EXPECTED_DATA: dict[str, Verdict] = {
    "L5.5": "confirmed",
    "L5.3": "refuted",
}


def settle_scoped(claim_id: str, in_scope: bool, why_not: str, verdict: Verdict, reason: str) -> None:
    """:func:`settle` for a claim with hypotheses: out of scope, the data verdict is compared as well."""
    if in_scope:
        settle(claim_id, verdict, reason)
        return
    want = EXPECTED_DATA.get(claim_id)
    if want is None:
        pytest.fail(f"{claim_id}: out of scope and the data say {verdict} ({reason}), but no data verdict is "
                    f"recorded in checks/expected.py")
    if verdict != want:
        pytest.fail(f"{claim_id}: out of scope; the data now say {verdict}, recorded {want}. Evidence: {reason}")
    settle(claim_id, "out-of-scope", f"the data alone say {verdict} ({reason}); but {why_not}")


def settle(claim_id: str, verdict: Verdict, reason: str) -> None:
    """Compare an observed verdict with the recorded one: fail on any change, xfail a recorded refutation."""
    if claim_id not in EXPECTED:
        pytest.fail(f"{claim_id}: observed {verdict} ({reason}), but no verdict is recorded in checks/expected.py")
    want, why = EXPECTED[claim_id]
    if verdict != want:
        pytest.fail(f"{claim_id}: observed {verdict}, recorded {want} ({why}). Evidence: {reason}")
    if verdict == "refuted":
        pytest.xfail(f"{claim_id} refuted, as recorded: {why}. Evidence: {reason}")
