"""`pytest checks`: Condition 4.1, item by item, at the paper's settings (checks/conditions.py)."""

from __future__ import annotations

import pytest

from checks import conditions
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", conditions.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
