"""Runs for the claim checks: train what the store lacks, then read every record."""

from __future__ import annotations

from collections.abc import Sequence

from simulate.config import RunConfig
from simulate.store import RunRecord, Store, code_version
from simulate.sweep import sweep


def runs(configs: Sequence[RunConfig], store: Store) -> list[tuple[RunConfig, RunRecord]]:
    """Each config with its stored run, training the missing ones first (no progress bar)."""
    sweep(configs, store, show_progress=False)
    code = code_version()
    out = []
    for c in configs:
        rec = store.get(c.key(code))
        if rec is None:  # pragma: no cover - sweep stores every run it trains
            raise RuntimeError(f"{c.label()} is missing from the store after the sweep")
        out.append((c, rec))
    return out
