"""Claims against a store, outside pytest: the runs a claim reads, and its Finding.

``records`` either trains what the store lacks (the suite, ``bovit report``) or refuses to
(``train=False``: rendering a report never trains a model). A search claim (checks.search) reads the points
its search draws, which it knows only by drawing them: they are trained as they are drawn when ``train`` is
true, and with ``train=False`` a point the store lacks raises ``MissingRuns`` like any other run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from checks import tolerances
from checks.claim import Claim, Finding, Records
from checks.health import diverging, summary
from checks.power import settle_hint
from checks.profiles import Profile
from checks.stability import combine, perturbed
from simulate.config import RunConfig
from simulate.store import Store, code_version


class MissingRuns(LookupError):
    """Runs a claim needs are not in the store (and training was not allowed)."""


def records(configs: Sequence[RunConfig], store: Store, *, train: bool = True) -> Records:
    """Each config with its stored run; missing ones are trained first when ``train`` is true."""
    if train:
        from simulate.sweep import sweep

        sweep(configs, store, show_progress=False)
    code = code_version()
    out = []
    missing = []
    for c in dict.fromkeys(configs):  # a claim may list a run twice; read it once
        rec = store.get(c.key(code))
        if rec is None:
            missing.append(c.label())
        else:
            out.append((c, rec))
    if missing:
        raise MissingRuns(f"{len(missing)} runs are not in the store {store.path}, e.g. {missing[0]}; "
                          f"run `bovit run` (or `pytest checks`) at the same scale to train them")
    return out


def finding(claim: Claim, profile: Profile, store: Store, *, train: bool = True) -> Finding:
    """The claim's Finding at this profile, from the store; where the profile checks stability
    (``Profile.stability_ulps``), the claim is also evaluated on its perturbed runs and the two findings
    are combined (:func:`checks.stability.combine`: an unstable verdict is recorded as inconclusive).
    A search claim's runs are the points its search draws (:func:`checks.search.drawn_configs`)."""
    if not isinstance(claim, Claim):
        raise ValueError(f"claim must be a Claim, got {claim!r}")
    configs = claim_runs(claim, profile, store, train=train)
    runs = records(configs, store, train=train)
    with tolerances.read() as read:
        drawn = claim.evaluate(runs, profile)
    drawn = dataclasses.replace(drawn, health=summary(runs), sensitivity=sensitivity(claim, runs, profile, read),
                                settle=settle_hint(claim, runs, profile, drawn), diverging=diverging(runs))
    if not configs or not profile.stability_ulps:
        return drawn
    nudged = claim.evaluate(records(perturbed(configs, profile.stability_ulps), store, train=train), profile)
    both = combine(drawn, nudged, profile.stability_ulps)
    if both.verdict == "inconclusive" and not drawn.settle:
        both = dataclasses.replace(both, settle=(
            "the verdict flips when every initial weight moves one ulp, so it rests on the chaos of training, not "
            "on the sample: a verdict over more seeds, or the runs at a step size where training is stable, would "
            "settle it"))
    return both


def claim_runs(claim: Claim, profile: Profile, store: Store, *, train: bool = True) -> list[RunConfig]:
    """The runs a claim's finding reads as drawn (no stability twins): its presets' runs, or for a search claim
    the points its search draws from this store (trained as drawn when ``train`` is true)."""
    from checks.search import SEARCHES, drawn_configs

    if claim.id not in SEARCHES:
        return claim.configs(profile)
    return drawn_configs(claim.id, profile, lambda c: records([c], store, train=train)[0][1])


def sensitivity(claim: Claim, runs: Records, profile: Profile, names: set[str]) -> tuple[tuple[str, ...], ...]:
    """Per tolerance in ``names`` (those the claim's verdict read), its declared value and the claim's verdicts
    on the same runs at each of ``tolerances.FACTORS`` times it: rows (name, value, verdict, …)."""
    rows = []
    for name in sorted(names):
        verdicts = []
        for factor in tolerances.FACTORS:
            with tolerances.scaled(name, factor):
                verdicts.append(claim.evaluate(runs, profile).verdict)
        rows.append((name, f"{tolerances.TOLERANCES[name].value:g}", *verdicts))
    return tuple(rows)


def claim_configs(claim: Claim, profile: Profile) -> list[RunConfig]:
    """The runs the claim's finding reads at the profile: its runs, and their perturbed twins where the
    profile checks stability."""
    configs = claim.configs(profile)
    if configs and profile.stability_ulps:
        configs += perturbed(configs, profile.stability_ulps)
    return configs


def all_configs(claims: Sequence[Claim], profile: Profile) -> list[RunConfig]:
    """Every run the claims' findings read (stability twins included), each once, in a stable order."""
    return list(dict.fromkeys(c for claim in claims for c in claim_configs(claim, profile)))
