"""`pytest checks`: Theorem 4.2: Case 1 and Case 2, their conclusions and training times (checks/theorem42.py)."""

from __future__ import annotations

import pytest

from checks import theorem42
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", theorem42.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
