"""What would settle an undecided verdict: the same check on the same runs, as if each run had been measured
on more test points or the grid had more seeds, the observed rates and spreads kept.

An inconclusive verdict (or the data verdict of an out-of-scope claim) is re-evaluated on the runs' results
with every error count and n multiplied by 4 and by 16 (rates unchanged: "the observed effect with that many
test points"), and on the runs with every seed repeated 2 and 4 times as new seeds (the observed per-seed
rates and their spread kept). The first of these that decides the verdict is what would settle it; if none
does, more data of either kind would not, at the observed effect: the effect sits at the claim's margin, or
the verdict turns on something that does not shrink with n (a fitted slope's censoring, a tolerance, a run
outside the claim's hypotheses). Real-image runs are counted in distinct test images
(``checks.experiments.units_of``), so more test points drawn from the same images do not help there; the text
says so.

No run is trained: this re-reads stored results, at the cost of a few more evaluations of the claim.
"""

from __future__ import annotations

import dataclasses

from checks.claim import Claim, Finding, Records
from checks.profiles import Profile
from simulate.results import RadiusResult, RunResult

__all__ = ["POINT_FACTORS", "SEED_FACTORS", "more_points", "more_seeds", "settle_hint"]

POINT_FACTORS = (4, 16)
SEED_FACTORS = (2, 4)
SEED_STRIDE = 1_000_000  # a repeated seed's new number: seed + j·SEED_STRIDE (no grid uses seeds that large)

_COUNTS = ("n_test", "clean_errors", "robust_errors_attack", "robust_errors_certified", "midpoint_errors",
           "certificate_violations", "strong_points", "strong_errors_attack", "default_errors_on_strong_points",
           "zero_gradient_points")


def _times(x: int | None, k: int) -> int | None:
    return None if x is None else x * k


def more_points(res: RunResult, k: int) -> RunResult:
    """The result as if measured on ``k`` times its test points at the same rates: every count and n × k."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    changes: dict[str, object] = {f: _times(getattr(res, f), k) for f in _COUNTS}
    for f in ("midpoint_errors_at", "midpoint_pairs_both_correct_at"):
        d = getattr(res, f)
        changes[f] = None if d is None else {r: v * k for r, v in d.items()}
    changes["at_tau_rel"] = {r: RadiusResult(robust_errors_attack=v.robust_errors_attack * k,
                                             robust_errors_certified=_times(v.robust_errors_certified, k),
                                             certificate_violations=_times(v.certificate_violations, k))
                             for r, v in res.at_tau_rel.items()}
    return dataclasses.replace(res, **changes)  # type: ignore[arg-type]


def more_points_records(records: Records, k: int) -> Records:
    """:func:`more_points` on every run of ``records``."""
    return [(c, dataclasses.replace(rec, result=more_points(rec.result, k))) for c, rec in records]


def more_seeds(records: Records, k: int) -> Records:
    """``records`` with every run repeated ``k`` times in all, the copies under new seeds (seed + j·SEED_STRIDE):
    the observed per-seed results and their spread, as if k times as many seeds had been run."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    out = list(records)
    for j in range(1, k):
        for c, rec in records:
            seed = c.seed + j * SEED_STRIDE
            copy = dataclasses.replace(rec, config={**rec.config, "seed": seed})
            out.append((dataclasses.replace(c, seed=seed), copy))
    return out


def _undecided(f: Finding) -> bool:
    return f.verdict == "inconclusive" or (f.verdict == "out-of-scope" and f.data_verdict == "inconclusive")


def _decided(f: Finding) -> str | None:
    v = f.data_verdict if f.verdict == "out-of-scope" else f.verdict
    return v if v in ("confirmed", "refuted") else None


def settle_hint(claim: Claim, records: Records, profile: Profile, f: Finding) -> str:
    """What would settle the undecided Finding ``f`` of ``claim`` on ``records`` ("" when ``f`` is decided or
    the claim reads no runs)."""
    if not _undecided(f) or not records:
        return ""
    images = any(rec.config.get("dataset", "synthetic") != "synthetic" for _, rec in records)
    tried = []
    for k in POINT_FACTORS:
        v = _try(claim, more_points_records(records, k), profile)
        if v is not None:
            unit = "distinct test images" if images else "test points"
            return f"{k}× the {unit} per run at the observed rates would make it {v}" + (
                " (more points drawn from the same images would not: the n is the images)" if images else "")
        tried.append(f"{k}× the test points")
    for k in SEED_FACTORS:
        v = _try(claim, more_seeds(records, k), profile)
        if v is not None:
            return f"{k}× the seeds at the observed per-seed results would make it {v}"
        tried.append(f"{k}× the seeds")
    return (f"neither {POINT_FACTORS[-1]}× the test points nor {SEED_FACTORS[-1]}× the seeds would decide it at the "
            "observed effect: it sits at the claim's margin or turns on something more data does not shrink "
            "(censoring, a tolerance, a hypothesis), so a different grid, not a larger sample, is needed")


def _try(claim: Claim, records: Records, profile: Profile) -> str | None:
    try:
        return _decided(claim.evaluate(records, profile))
    except (ValueError, KeyError, ZeroDivisionError):
        return None
