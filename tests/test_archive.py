"""A grid trained over several sittings: the run archive (simulate/archive.py) and the sweep's time budget."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from simulate import archive
from simulate.config import RunConfig
from simulate.store import Store, code_version
from simulate.sweep import sweep
from tests.clirun import run_cli

# toy-sized tensors: one intra-op thread (tests/conftest.py, one_thread)
pytestmark = pytest.mark.usefixtures("one_thread")

CONFIGS = [RunConfig(N=4, snr=s, d=16, M=4, dh=4, dv=4, T_max=30, n_test=60, seed=k, log_every=1)
           for k, s in enumerate((0.5, 2.0, 4.0))]


def test_thinned_keeps_the_ends_and_spaces_the_rest() -> None:
    rows = [{"t": float(t)} for t in range(100)]
    kept = archive.thinned(rows, 5)
    assert [r["t"] for r in kept] == [0.0, 25.0, 50.0, 74.0, 99.0]  # round(i·99/4): 0, 24.75, 49.5, 74.25, 99
    assert archive.thinned(rows[:3], 5) == rows[:3] and archive.thinned([], 5) == []
    with pytest.raises(ValueError, match="keep must be an integer >= 2, got 1"):
        archive.thinned(rows, 1)


def test_an_archive_carries_a_grids_runs_to_a_fresh_store(tmp_path: Path) -> None:
    code = code_version()
    with Store(tmp_path / "a.sqlite") as a:
        sweep(CONFIGS, a, show_progress=False)
        assert archive.write(a, [*CONFIGS, RunConfig(N=5, snr=1.0, d=16, M=4, dh=4, dv=4)], tmp_path / "g.json.gz") == 3
        first = (tmp_path / "g.json.gz").read_bytes()
        archive.write(a, CONFIGS, tmp_path / "g.json.gz")
        assert (tmp_path / "g.json.gz").read_bytes() == first  # the same runs, the same bytes
        originals = {c.key(code): a.get(c.key(code)) for c in CONFIGS}
    with Store(tmp_path / "b.sqlite") as b:
        loaded = archive.read(tmp_path / "g.json.gz", b)
        assert (loaded.added, loaded.present, loaded.other_code) == (3, 0, 0)
        # a second grid written to the same file keeps the first's runs beside its own
        assert archive.write(b, [RunConfig(N=5, snr=1.0, d=16, M=4, dh=4, dv=4)], tmp_path / "g.json.gz") == 0
        assert len(json.loads(gzip.decompress((tmp_path / "g.json.gz").read_bytes()))["runs"]) == 3
        assert archive.read(tmp_path / "g.json.gz", b).present == 3  # read twice: nothing new
        for key, rec in originals.items():
            got = b.get(key)
            assert rec is not None and got is not None
            assert got.result.margins is None and rec.result.margins is not None
            assert got.result.robust_errors_attack == rec.result.robust_errors_attack
            assert got.result.final_robust_loss == rec.result.final_robust_loss
            assert len(got.trajectory) == min(len(rec.trajectory), archive.TRAJECTORY_ROWS)
            assert got.trajectory[0] == rec.trajectory[0] and got.trajectory[-1] == rec.trajectory[-1]
        assert sweep(CONFIGS, b, show_progress=False).trained == 0  # nothing left to train


def test_runs_of_other_code_are_left_out_and_a_forged_run_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.json.gz"
    with Store(tmp_path / "a.sqlite") as a:
        sweep(CONFIGS[:2], a, show_progress=False)
        archive.write(a, CONFIGS, path)
    doc = json.loads(gzip.decompress(path.read_bytes()))
    doc["runs"][0]["code"] = "0123456789abcdef"
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    with Store(":memory:") as b:
        loaded = archive.read(path, b)
        assert (loaded.added, loaded.other_code, loaded.other_versions) == (1, 1, ("0123456789abcdef",))
    doc["runs"][1]["config"]["N"] = 7  # a config that no longer gives its key
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    with Store(":memory:") as b:
        with pytest.raises(ValueError, match=r"archive must hold bovit runs, got .*holds a config whose key"):
            archive.read(path, b)
        assert len(b) == 0
    path.write_bytes(b"not gzip")
    with Store(":memory:") as b, pytest.raises(ValueError, match="archive must be gzipped JSON written by bovit sweep"):
        archive.read(path, b)


def test_a_spent_budget_starts_no_group_and_says_what_is_left(tmp_path: Path) -> None:
    with Store(":memory:") as store:
        out = sweep(CONFIGS, store, show_progress=False, max_members=1, budget_s=1e-9)
        assert (out.trained, out.left, len(store)) == (0, 3, 0)
        with pytest.raises(ValueError, match="budget must be a positive number of seconds, got -1"):
            sweep(CONFIGS, store, show_progress=False, budget_s=-1)


def test_the_sweep_command_resumes_from_and_writes_its_archive(tmp_path: Path) -> None:
    grid = ["sweep", "--axis", "snr=0.5,2", "--set", "N=4", "--set", "d=16", "--set", "M=4", "--set", "dh=4",
            "--set", "dv=4", "--set", "T_max=20", "--set", "n_test=40", "--no-progress"]
    path = tmp_path / "grid.json.gz"
    code, out, err = run_cli([*grid, "--store", str(tmp_path / "a.sqlite"), "--archive", str(path),
                              "--budget-min", "1e-9"])
    assert code == 0, err
    assert "2 left untrained when the 1e-09-minute budget ran out" in out, out
    assert "0 of the grid's 2 runs written" in out
    _, out, _ = run_cli([*grid, "--store", str(tmp_path / "a.sqlite"), "--archive", str(path)])
    assert "2 of the grid's 2 runs written" in out, out
    _, out, _ = run_cli([*grid, "--store", str(tmp_path / "b.sqlite"), "--archive", str(path)])  # a fresh store
    assert "2 runs loaded, 0 already stored" in out and "(2 already stored, 0 trained" in out, out
    code, _, err = run_cli([*grid, "--store", str(tmp_path / "c.sqlite"), "--budget-min", "0"])
    assert code != 0 and "budget-min must be a positive number of minutes, got 0" in err, err
