"""Claims of the experiments group (see CLAIMS.md)."""

from __future__ import annotations

from checks.claim import Claim

CLAIMS: tuple[Claim, ...] = ()
MUTANTS: tuple[Claim, ...] = ()
