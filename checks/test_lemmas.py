"""`pytest checks`: Section 5's lemmas against trained models (checks/lemmas.py)."""

from __future__ import annotations

import pytest

from checks import lemmas
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", lemmas.CLAIMS, ids=lambda c: c.id)
def test_claim(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
