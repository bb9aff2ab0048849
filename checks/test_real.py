"""`pytest checks`: Section 6 on real images (scikit-learn digits): the phase boundary, robust ≥ clean,
monotonicity (checks/real.py)."""

from __future__ import annotations

import pytest

from checks import real
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", real.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
