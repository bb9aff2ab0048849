"""Every claim bovit checks, and every mutant, grouped as the paper is (CLAIMS.md IDs)."""

from __future__ import annotations

from checks import conditions, contradiction, derived, experiments, lemmas, real, search, theorem42, theorem43
from checks.claim import Claim

MODULES = (conditions, theorem42, theorem43, lemmas, experiments, real, derived, contradiction, search)
CLAIMS: tuple[Claim, ...] = tuple(c for m in MODULES for c in m.CLAIMS)
MUTANTS: tuple[Claim, ...] = tuple(c for m in MODULES for c in m.MUTANTS)


def _check_unique() -> None:
    ids = [c.id for c in CLAIMS + MUTANTS]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:  # pragma: no cover - a programming error in the catalogue
        raise RuntimeError(f"claim IDs must be unique, repeated: {', '.join(dupes)}")


_check_unique()


def claim(claim_id: str) -> Claim:
    """The claim (or mutant) with this ID."""
    for c in CLAIMS + MUTANTS:
        if c.id == claim_id:
            return c
    known = ", ".join(c.id for c in CLAIMS)
    raise ValueError(f"claim must be one of the catalogue's IDs ({known}, or a mutant), got {claim_id!r}")


def select(ids: list[str] | None, *, mutants: bool = False) -> tuple[Claim, ...]:
    """The claims named (all when ``ids`` is None), with the mutants when asked."""
    pool = CLAIMS + MUTANTS if mutants else CLAIMS
    if ids is None:
        return pool
    return tuple(claim(i) for i in ids)
