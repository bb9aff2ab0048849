"""`pytest checks`: Statements derived in CLAIMS.md: T4.3.sharp and IC-1 (checks/derived.py)."""

from __future__ import annotations

import pytest

from checks import derived
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", derived.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
