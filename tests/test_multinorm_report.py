"""The report's per-norm breakdown of the multi-norm runs (reports/multinorm.py)."""

from __future__ import annotations

from reports.multinorm import breakdown_rows, multinorm_section
from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import RunRecord


def _record(c: RunConfig, union: int, by: dict[str, int], n: int = 100) -> RunRecord:
    result = RunResult.from_dict({
        "iterations": 3, "converged": True, "final_robust_loss": 0.01, "final_clean_loss": 0.0, "n_test": n,
        "clean_errors": 0, "robust_errors_attack": union, "at_tau_rel": {}, "robust_errors_attack_by_norm": by})
    return RunRecord(c.key("v"), c.as_dict(), result, [], 0.0, "v", 0.0)


def test_the_breakdown_sums_seeds_per_cell_and_keeps_the_readings_apart() -> None:
    base = dict(d=16, M=4, dh=4, dv=4, snr=1.0)
    recs = [_record(RunConfig(N=4, norm="multi", seed=s, **base), 90, {"2": 10, "inf": 5, "1": 90}) for s in (0, 1)]
    recs += [_record(RunConfig(N=4, norm="multi-image", seed=0, **base), 40, {"2": 10, "inf": 5, "1-image": 38})]
    recs += [_record(RunConfig(N=4, norm="multi", seed=0, perturb=1, **base), 0, {"2": 0, "inf": 0, "1": 0})]
    tables = breakdown_rows(recs)
    assert set(tables) == {"multi", "multi-image"}
    head, row = tables["multi"]
    assert head[-3:] == ("ℓ₂", "ℓ∞", "ℓ₁ per token")
    assert row == ("synthetic", "4", "1", "2", "200", "0.900", "0.100", "0.050", "0.900")  # the twin left out
    assert tables["multi-image"][1][-1] == "0.380"
    text = "\n".join(multinorm_section(recs))
    assert "Reading: per token" in text and "Reading: ℓ₁ over the whole image" in text
    assert multinorm_section([]) == []


def test_the_columns_do_not_follow_the_stored_mappings_order() -> None:
    """A results file's JSON sorts the breakdown's keys ("1" before "2"); the report rendered from it must have the
    columns, and the numbers under them, of the one rendered from the store."""
    base = dict(d=16, M=4, dh=4, dv=4, snr=1.0, N=4, norm="multi")
    stored = breakdown_rows([_record(RunConfig(**base), 90, {"2": 10, "inf": 5, "1": 90})])  # type: ignore[arg-type]
    sorted_keys = breakdown_rows([_record(RunConfig(**base), 90, {"1": 90, "2": 10, "inf": 5})])  # type: ignore[arg-type]
    assert stored == sorted_keys
    assert stored["multi"][0][-3:] == ("ℓ₂", "ℓ∞", "ℓ₁ per token")
