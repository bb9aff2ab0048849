"""`pytest checks`: the hypothesis searches inside the regimes of the pointwise claims (checks/search.py).

The claims' own tests (test_<group>.py) check fixed grids, the same ones the report shows; each search draws
further points (``search_examples`` per profile, seeded, no shrinking: every draw trains a model), steered
toward its worst point, and fails exactly like a claim test when its verdict differs from the recorded one.
The mutant of Theorem 4.2(3)'s search runs in the mutation suite (checks/test_mutants.py).
"""

from __future__ import annotations

import pytest

from checks import search
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import settle
from simulate.store import Store


@pytest.mark.parametrize("claim", search.CLAIMS, ids=lambda c: c.id)
def test_search(claim: Claim, profile: Profile, store: Store) -> None:
    settle(finding(claim, profile, store), profile.name)
