"""`pytest checks`: IC-1's contradiction with Theorem 4.2(3) in Case 2 (checks/contradiction.py)."""

from __future__ import annotations

import pytest

from checks import contradiction
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", contradiction.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
