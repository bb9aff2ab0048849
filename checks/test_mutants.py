"""The mutation suite (`pytest checks --mutants`): deliberately false variants of the claims — a wrong
exponent, a missing factor, a wrong constant, a wrong slope — that the same machinery must refute.
A mutant that is not refuted fails; the catch rate is printed at the end of the run."""

from __future__ import annotations

import pytest

from checks.catalogue import MUTANTS
from checks.claim import Claim
from checks.evaluate import finding
from checks.profiles import Profile
from checks.settle import CAUGHT, settle_mutant
from simulate.store import Store


@pytest.mark.mutant
@pytest.mark.parametrize("claim", MUTANTS, ids=lambda c: c.id)
def test_mutant_is_refuted(claim: Claim, profile: Profile, store: Store, request: pytest.FixtureRequest) -> None:
    f = finding(claim, profile, store)
    request.config.stash.setdefault(CAUGHT, []).append((claim.id, f.verdict == "refuted", f.verdict))
    settle_mutant(f, profile.name)

