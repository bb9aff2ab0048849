"""Settling a Finding inside pytest: fail on any change from the recorded verdict, xfail a recorded
refutation, and require every mutant to be refuted (the data are in ``checks.expected``)."""

from __future__ import annotations

import pytest

from checks.claim import Finding
from checks.expected import mismatch, recorded, uncatchable

# (mutant ID, caught, observed verdict) for every mutant run in this session, for the catch-rate line
CAUGHT = pytest.StashKey[list[tuple[str, bool, str]]]()


def settle(f: Finding, profile: str = "ci") -> None:
    """Compare a Finding with the recorded verdict: fail on any change, xfail a recorded refutation."""
    problem = mismatch(f, profile)
    if problem is not None:
        pytest.fail(problem)
    if f.verdict == "refuted":
        rec = recorded(f.claim, profile)
        assert rec is not None  # mismatch() above fails a claim that has no recorded verdict
        pytest.xfail(f"{f.claim} refuted, as recorded: {rec[2]}. Evidence: {f.reason}")


def settle_mutant(f: Finding, profile: str = "ci") -> None:
    """A mutant (a deliberately false claim) must be refuted; anything else means the check let it through,
    unless ``checks.expected`` records why its claim cannot be measured (at every profile or at this one: then
    an xfail)."""
    why = uncatchable(f.claim, profile)
    if why is not None:
        if f.verdict == "refuted":
            pytest.fail(f"mutant {f.claim} is recorded as uncatchable but was refuted: remove its record")
        pytest.xfail(f"mutant {f.claim} not caught, as recorded: {why}. Evidence: {f.reason}")
    if f.verdict != "refuted":
        pytest.fail(f"mutant {f.claim} survived: observed {f.verdict}"
                    + (f" (data: {f.data_verdict})" if f.data_verdict else "") + f". Evidence: {f.reason}")
