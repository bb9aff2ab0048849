"""`pytest checks`: a claim's check judges the perturbed twins of its runs as it judges the runs themselves.

The stability check (checks.stability) evaluates every claim a second time, on the runs re-done with each initial
weight moved one ulp; those twins differ from the runs as drawn in their ``perturb`` field only. A check that picks
its runs out of the records by comparing configs with a preset's (and so misses every twin) would call each of its
verdicts unstable whatever the runs do. Here each claim is evaluated on its stored runs as drawn and on the same
records relabelled as twins: the findings must agree word for word (a run's label aside).
"""

from __future__ import annotations

import dataclasses

import pytest

from checks.catalogue import CLAIMS, MUTANTS
from checks.claim import Claim, Finding
from checks.evaluate import records
from checks.profiles import Profile
from checks.search import SEARCHES
from simulate.store import Store

GRID_CLAIMS = [c for c in CLAIMS + MUTANTS if c.id not in SEARCHES]  # mutants too: the same checks


@pytest.mark.parametrize("claim", GRID_CLAIMS, ids=lambda c: c.id)
def test_a_check_reads_a_runs_twin_as_the_run(claim: Claim, profile: Profile, store: Store) -> None:
    configs = claim.configs(profile)
    if not configs:
        pytest.skip(f"{claim.id} reads no runs")
    drawn = records(configs, store)
    twins = [(dataclasses.replace(c, perturb=1), rec) for c, rec in drawn]
    a, b = claim.evaluate(drawn, profile), claim.evaluate(twins, profile)

    marker = ",perturb=1]"  # a twin's label names its perturbation; nothing else may differ

    def said(f: Finding) -> tuple[object, ...]:
        rows = tuple(tuple(str(cell).replace(marker, "]") for cell in row) for row in f.evidence)
        return f.verdict, f.data_verdict, f.key.replace(marker, "]"), rows

    assert said(b) == said(a)
    # the reasons too: a reason that lists runs may be cut at a fixed length, which a twin's longer labels move,
    # so past the words both end with, the twin's may stop short of the run's, by at most a marker cut in two
    ra, rb = a.reason, b.reason.replace(marker, "]")
    tail = next((i for i, (p, q) in enumerate(zip(ra[::-1], rb[::-1], strict=False)) if p != q),
                min(len(ra), len(rb)))  # the length of the words both end with
    body_a, body_b = ra[:len(ra) - tail], rb[:len(rb) - tail]
    assert body_b == body_a or body_a.startswith(body_b[:max(0, len(body_b) - len(marker) + 1)])
