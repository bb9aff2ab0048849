"""The stability check: a verdict must not turn on a last-bit difference.

At the paper's step size gradient descent can be chaotic (η‖µ‖² in the hundreds at SNR 8): a difference in
the last bit of one initial weight then acts like a new seed, and a verdict read off such runs says more
about the arithmetic than about the paper. So at the profiles that check it (``Profile.stability_ulps`` > 0)
every claim is evaluated twice: on its runs as drawn, and on the same runs with every initial weight moved
that many units in the last place toward +∞ (``RunConfig.perturb``; same seeds, data, test sets and
batching). A verdict that is the same both times is *stable*. One that differs is *unstable*: the recorded
verdict is then ``inconclusive`` and the reason names both verdicts; it is never confirmed or refuted.
Out-of-scope findings stay out of scope (their data verdict is compared the same way).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from checks.claim import Finding
from simulate.config import RunConfig

__all__ = ["STABLE", "as_drawn", "combine", "perturbed"]

STABLE = "stable"


def perturbed(configs: Sequence[RunConfig], ulps: int) -> list[RunConfig]:
    """The same runs with every initial weight moved ``ulps`` units in the last place (``ulps`` ≥ 1)."""
    if isinstance(ulps, bool) or not isinstance(ulps, int) or ulps < 1:
        raise ValueError(f"ulps must be an integer >= 1, got {ulps!r}")
    return [dataclasses.replace(c, perturb=ulps) for c in configs]


def as_drawn(c: RunConfig) -> RunConfig:
    """The run a perturbed twin repeats (the inverse of :func:`perturbed`; a run as drawn is its own)."""
    return dataclasses.replace(c, perturb=0) if c.perturb else c


def _said(f: Finding) -> str:
    return f.data_verdict if f.verdict == "out-of-scope" and f.data_verdict is not None else f.verdict


def combine(drawn: Finding, nudged: Finding, ulps: int) -> Finding:
    """The finding to record from a claim's finding on its runs as drawn and on the perturbed runs.

    Stable: the drawn finding, marked ``stability="stable"``. Unstable: inconclusive (or out of scope with an
    inconclusive data verdict), with both verdicts and both reasons, so that no verdict rests on rounding.
    """
    if drawn.claim != nudged.claim:
        raise ValueError(f"nudged must be a finding about {drawn.claim}, got one about {nudged.claim}")
    a, b = _said(drawn), _said(nudged)
    if a == b:
        return dataclasses.replace(drawn, stability=STABLE)
    where = f"every initial weight moved {ulps} ulp{'s' if ulps > 1 else ''}"
    stability = f"unstable: {a} as drawn, {b} with {where}"
    reason = (f"unstable under a last-bit perturbation ({a} on the runs as drawn, {b} with {where}; "
              f"gradient descent here is chaotic, so neither verdict is recorded). As drawn: {drawn.reason} "
              f"| Perturbed: {nudged.reason}")
    if drawn.verdict == "out-of-scope":
        return dataclasses.replace(drawn, data_verdict="inconclusive", reason=reason, stability=stability)
    return dataclasses.replace(drawn, verdict="inconclusive", reason=reason, stability=stability)
