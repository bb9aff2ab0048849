"""`pytest checks`: Theorem 4.3 as stated (checks/theorem43.py)."""

from __future__ import annotations

import pytest

from checks import theorem43
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", theorem43.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
