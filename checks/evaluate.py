"""Claims against a store, outside pytest: the runs a claim reads, and its Finding.

``records`` either trains what the store lacks (the suite, ``bovit report``) or refuses to
(``train=False``: rendering a report never trains a model).
"""

from __future__ import annotations

from collections.abc import Sequence

from checks.claim import Claim, Finding, Records
from checks.profiles import Profile
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
    """The claim's Finding at this profile, from the store."""
    return claim.evaluate(records(claim.configs(profile), store, train=train), profile)


def all_configs(claims: Sequence[Claim], profile: Profile) -> list[RunConfig]:
    """Every run the claims read, each once, in a stable order."""
    return list(dict.fromkeys(c for claim in claims for c in claim.configs(profile)))
