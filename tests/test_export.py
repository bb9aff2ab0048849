"""bovit export: a store's runs, findings and trajectories as flat tables whose numbers read back as numbers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from clirun import run_cli

from reports.export import export, rows
from simulate.config import RunConfig
from simulate.results import RadiusResult, RunResult, encode_margins
from simulate.store import FindingRecord, Store


def _store(path: Path) -> Store:
    store = Store(path)
    for seed in (0, 1):
        c = RunConfig(N=4, snr=1.5, d=8, M=2, dh=2, dv=2, seed=seed, eval_tau_rels=(0.1,))
        result = RunResult(iterations=7 + seed, converged=seed == 0, final_robust_loss=0.125 * (seed + 1),
                           final_clean_loss=0.0625, n_test=40, clean_errors=3, robust_errors_attack=5 + seed,
                           robust_errors_certified=9,
                           at_tau_rel={0.1: RadiusResult(robust_errors_attack=11, robust_errors_certified=13)},
                           provenance={"git": "abc", "device": "cpu"},
                           margins={"clean": encode_margins([0.5, -0.25])})
        trajectory = [{"t": 0, "robust_loss": 0.69, "entropy": 0.5}, {"t": 5, "robust_loss": 0.1, "entropy": 0.25}]
        store.put(c.key("code1"), c.as_dict(), result, trajectory, 1.5 + seed, "code1")
    store.put_findings([FindingRecord("T4.3", "ci", "digits", "", {"verdict": "confirmed", "key": "k", "reason": "r",
                                                                    "stability": "stable"}, "", "chk", "code1")])
    return store


def test_runs_are_one_flat_row_each_and_their_numbers_read_back_as_numbers(tmp_path: Path) -> None:
    with _store(tmp_path / "s.sqlite") as store:
        table = rows(store, "runs")
        assert export(store, "runs", "csv", tmp_path / "runs.csv") == 2
        export(store, "runs", "json", tmp_path / "runs.json")
    assert len(table) == 2 and {r["seed"] for r in table} == {0, 1}
    row = next(r for r in table if r["seed"] == 1)
    assert row["final_robust_loss"] == 0.25 and row["converged"] is False and row["wall_s"] == 2.5
    assert row["at_0.1_robust_errors_attack"] == 11 and row["at_0.1_robust_errors_certified"] == 13
    assert row["attack_steps"] == 20 and row["provenance_git"] == "abc" and row["code_version"] == "code1"
    assert not any("margins" in k for k in row)  # per-point margins are not exported
    read = list(csv.DictReader((tmp_path / "runs.csv").open(encoding="utf-8")))
    got = next(r for r in read if r["seed"] == "1")
    assert float(got["final_robust_loss"]) == 0.25 and int(got["iterations"]) == 8 and got["converged"] == "False"
    assert json.loads((tmp_path / "runs.json").read_text(encoding="utf-8")) == table


def test_findings_and_trajectories_in_long_form(tmp_path: Path) -> None:
    with _store(tmp_path / "s.sqlite") as store:
        found = rows(store, "findings")
        traj = rows(store, "trajectories")
    assert found == [{"claim": "T4.3", "profile": "ci", "images": "digits", "data_root": "", "verdict": "confirmed",
                      "data_verdict": None, "key": "k", "reason": "r", "stability": "stable", "scope": None,
                      "error": None, "checks_version": "chk", "code_version": "code1"}]
    assert len(traj) == 2 * 2 * 2  # runs × logged iterations × quantities
    assert {(r["iteration"], r["quantity"], r["value"]) for r in traj if r["key"] == traj[0]["key"]} == {
        (0, "robust_loss", 0.69), (0, "entropy", 0.5), (5, "robust_loss", 0.1), (5, "entropy", 0.25)}


def test_bad_exports_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    with _store(tmp_path / "s.sqlite") as store:
        for what, fmt, match in (("nope", "csv", "what must be one of"), ("runs", "xml", "format must be one of")):
            with pytest.raises(ValueError, match=match):
                export(store, what, fmt, tmp_path / "x")
        with pytest.raises(ValueError, match="out must be a file"):
            export(store, "runs", "csv", tmp_path)
        try:
            import pyarrow  # type: ignore[import-not-found, unused-ignore]  # noqa: F401
        except ImportError:
            with pytest.raises(ValueError, match=r"pip install 'bovit\[parquet\]'"):
                export(store, "runs", "parquet", tmp_path / "r.parquet")
            assert not (tmp_path / "r.parquet").exists()
    assert not (tmp_path / "x").exists()
    code, stdout, stderr = run_cli(["export", "--store", str(tmp_path / "absent.sqlite"), "--out", str(tmp_path / "o")])
    assert code == 2 and stdout == "" and len(stderr.strip().splitlines()) == 1 and "store" in stderr
    assert not (tmp_path / "absent.sqlite").exists() and not (tmp_path / "o").exists()
    code, stdout, _ = run_cli(["export", "--store", str(tmp_path / "s.sqlite"), "--what", "findings", "--format",
                               "json", "--out", str(tmp_path / "f.json")])
    assert code == 0 and "export: 1 findings rows" in stdout
    assert json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))[0]["claim"] == "T4.3"


def test_parquet_holds_the_same_rows_with_typed_columns(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    with _store(tmp_path / "s.sqlite") as store:
        assert export(store, "runs", "parquet", tmp_path / "r.parquet") == 2
        table = rows(store, "runs")
    got = pq.read_table(tmp_path / "r.parquet")
    assert got.num_rows == 2 and str(got.schema.field("final_robust_loss").type) == "double"
    assert sorted(got.column("iterations").to_pylist()) == sorted(r["iterations"] for r in table)
