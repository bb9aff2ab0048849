"""`pytest checks`: Section 6's qualitative claims — the phase boundary, Figures 2 and 3, robust ≥ clean,
monotonicity (checks/experiments.py)."""

from __future__ import annotations

import pytest

from checks import experiments
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", experiments.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
