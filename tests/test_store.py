"""simulate.store: exact round trips, atomic idempotent writes, SIGKILL safety, concurrent access.

The crash test runs a real writer process and kills it with SIGKILL mid-sweep four times (once
during a pause between writes, three times while it writes back to back), checks the file and
every stored run after each kill, then lets a restarted writer finish the intended set, skipping
what is stored.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from strategies import stored_results

from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import RESULT_MODULES, SCHEMA_VERSION, FindingRecord, RunRecord, Store, code_version, source_hash

ROOT = Path(__file__).resolve().parents[1]

# A writer process: writes runs 0..n-1 of `expected(i)` (below, same definition) into the store at
# argv[1], skipping stored keys, printing each key once its transaction has committed.
WRITER = r"""
import sys, time
from simulate.results import RunResult
from simulate.store import Store

def expected(i):
    config = {"i": i, "x": i / 7, "name": f"run{i}"}
    result = RunResult(iterations=i, converged=i % 2 == 0, final_robust_loss=i * 0.1, final_clean_loss=float(i * i),
                       n_test=100, clean_errors=0, robust_errors_attack=i % 7, at_tau_rel={})
    trajectory = [{"t": float(t), "v": i + t / 3, "w": (i * t) ** 0.5} for t in range(300)]
    return config, result, trajectory, i / 10

path, n, pause, order = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
indices = range(n) if order == "up" else range(n - 1, -1, -1)
with Store(path, timeout=30) as store:
    for i in indices:
        key = f"k{i:03d}"
        if store.has(key):
            continue
        config, result, trajectory, wall = expected(i)
        store.put(key, config, result, trajectory, wall, "test-code")
        print(key, flush=True)
        time.sleep(pause)
"""


def run_result(**changes: Any) -> RunResult:
    """A small valid RunResult (an eq. (1) run's core fields), with ``changes``."""
    fields: dict[str, Any] = {"iterations": 40, "converged": True, "final_robust_loss": 0.25, "final_clean_loss": 0.125,
                              "n_test": 200, "clean_errors": 10, "robust_errors_attack": 50, "at_tau_rel": {}}
    return RunResult(**{**fields, **changes})


def expected(i: int) -> tuple[dict[str, Any], RunResult, list[dict[str, float]], float]:
    config = {"i": i, "x": i / 7, "name": f"run{i}"}
    result = RunResult(iterations=i, converged=i % 2 == 0, final_robust_loss=i * 0.1, final_clean_loss=float(i * i),
                       n_test=100, clean_errors=0, robust_errors_attack=i % 7, at_tau_rel={})
    trajectory = [{"t": float(t), "v": i + t / 3, "w": (i * t) ** 0.5} for t in range(300)]
    return config, result, trajectory, i / 10


def writer(path: Path, n: int, pause: float, order: str = "up") -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(n), str(pause), order],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )


def assert_complete(store: Store) -> set[str]:
    """The file is intact and every stored run is exactly what the writer meant to write."""
    assert store.check() == []
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert raw.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM runs").fetchone()[0] == len(store)
    keys = store.keys()
    for key in keys:
        record = store.get(key)
        assert record is not None
        config, result, trajectory, wall = expected(int(key[1:]))
        assert (record.config, record.result, record.trajectory, record.wall_s) == (config, result, trajectory, wall)
        assert record.code == "test-code"
    return keys


def fill(store: Store, n: int, code: str = "c1") -> None:
    for i in range(n):
        config, result, trajectory, wall = expected(i)
        store.put(f"k{i:03d}", config, result, trajectory, wall, code)


# ---- code version -------------------------------------------------------------------------------


def test_code_version_is_a_cached_hash_of_the_simulate_sources() -> None:
    version = code_version()
    assert len(version) == 16 and int(version, 16) >= 0
    assert code_version() is version  # cached
    assert source_hash(ROOT, RESULT_MODULES) == version != source_hash(ROOT / "simulate")
    assert "bounds/lemmas.py" in RESULT_MODULES  # Lemma 5.6's bound is part of every result


def test_source_hash_changes_with_any_edit_and_ignores_pycache(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "sub" / "b.py").write_text("y = 2\n")
    base = source_hash(pkg)
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "c.py").write_text("junk")
    (pkg / "notes.txt").write_text("not code")
    assert source_hash(pkg) == base
    (pkg / "sub" / "b.py").write_text("y = 3\n")
    assert source_hash(pkg) != base
    (pkg / "sub" / "b.py").write_text("y = 2\n")
    assert source_hash(pkg) == base
    (pkg / "sub" / "b.py").rename(pkg / "sub" / "c.py")
    assert source_hash(pkg) != base  # names count, not only contents
    with pytest.raises(ValueError, match="root"):
        source_hash(pkg / "a.py")


# ---- round trips ----------------------------------------------------------------------------------


def test_put_get_round_trip_and_provenance() -> None:
    with Store(":memory:") as store:
        before = time.time()
        assert store.put("k1", {"a": 1}, run_result(), [{"t": 0.0}, {"t": 10.0}], 1.5, "v1") is True
        record = store.get("k1")
        assert record == RunRecord("k1", {"a": 1}, run_result(), [{"t": 0.0}, {"t": 10.0}], 1.5, "v1",
                                   record.created)
        assert before <= record.created <= time.time()
        assert store.get("missing") is None
        assert store.has("k1") and not store.has("k2")
        assert "k1" in store and "k2" not in store and 3 not in store
        assert store.keys() == {"k1"} and len(store) == 1


def test_existing_key_is_a_no_op_never_a_duplicate() -> None:
    with Store(":memory:") as store:
        assert store.put("k", {"a": 1}, run_result(final_robust_loss=1.0), [], 1.0, "v1")
        assert store.put("k", {"a": 2}, run_result(final_robust_loss=2.0), [{"t": 1.0}], 9.0, "v2") is False
        record = store.get("k")
        assert record is not None and record.config == {"a": 1} and record.code == "v1"
        assert record.result.final_robust_loss == 1.0
        assert len(store) == 1


def _canonical(value: object) -> object:
    """A form in which equal means bit-identical (NaN == NaN, -0.0 != 0.0)."""
    if isinstance(value, float):
        return ("float", value.hex() if not math.isnan(value) else "nan")
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@given(
    config=st.dictionaries(st.text(max_size=6), json_values, max_size=5),
    result=stored_results(),
    trajectory=st.lists(st.dictionaries(st.text(max_size=4), st.floats(), max_size=4), max_size=5),
    wall=st.floats(min_value=0, max_value=1e9),
)
def test_every_value_round_trips_bit_for_bit(
    config: dict[str, Any], result: dict[str, Any], trajectory: list[dict[str, float]], wall: float
) -> None:
    config.pop("$float", None)
    with Store(":memory:") as store:
        store.put("key", config, RunResult.from_dict(result), trajectory, wall, "v")
        record = store.get("key")
    assert record is not None
    assert _canonical(record.config) == _canonical(config)
    assert _canonical(record.result.as_dict()) == _canonical(result)
    assert _canonical(record.trajectory) == _canonical(trajectory)
    assert record.wall_s == wall


def test_numpy_and_torch_values_become_plain_python() -> None:
    config = {
        "f32": np.float32(0.1),
        "f64": np.float64(1 / 3),
        "i64": np.int64(-7),
        "b": np.bool_(True),
        "arr": np.array([[1.5, 2.0], [3.0, 4.25]]),
        "t0": torch.tensor(0.1),
        "t1": torch.tensor([1, 2, 3]),
        "tgrad": torch.tensor(2.5, requires_grad=True),
        "tuple": (1, 2.0),
    }
    with Store(":memory:") as store:
        store.put("k", config, run_result(), [{"loss": torch.tensor(0.5, dtype=torch.float64)}], np.float64(2.0), "v")
        record = store.get("k")
    assert record is not None
    assert record.config == {
        "f32": float(np.float32(0.1)), "f64": 1 / 3, "i64": -7, "b": True, "arr": [[1.5, 2.0], [3.0, 4.25]],
        "t0": float(torch.tensor(0.1)), "t1": [1, 2, 3], "tgrad": 2.5, "tuple": [1, 2.0],
    }
    assert type(record.config["f32"]) is float and type(record.config["i64"]) is int
    assert record.trajectory == [{"loss": 0.5}] and record.wall_s == 2.0


def test_non_finite_floats_are_stored_as_valid_json_and_come_back(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.sqlite") as store:
        # a diverged run's losses (the only result fields that may be non-finite), a config's and a trajectory's
        result = run_result(final_robust_loss=math.inf, final_clean_loss=-math.inf)
        store.put("k", {"x": 1.0, "v": [math.nan]}, result, [{"l": math.nan}], 0.0, "v")
        record = store.get("k")
        assert record is not None
        assert record.result.final_robust_loss == math.inf and record.result.final_clean_loss == -math.inf
        assert math.isnan(record.config["v"][0]) and math.isnan(record.trajectory[0]["l"])
    with sqlite3.connect(tmp_path / "runs.sqlite") as raw:
        text = raw.execute("SELECT result FROM runs").fetchone()[0]
        assert raw.execute("SELECT json_valid(result), json_extract(result, '$.final_robust_loss') FROM runs"
                           ).fetchone() == (1, '{"$float":"inf"}')

    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    assert json.loads(text, parse_constant=refuse)["final_clean_loss"] == {"$float": "-inf"}


def test_config_json_is_queryable_in_sql(tmp_path: Path) -> None:
    with Store(tmp_path / "runs.sqlite") as store:
        fill(store, 5)
    with sqlite3.connect(tmp_path / "runs.sqlite") as raw:
        rows = raw.execute("SELECT key FROM runs WHERE json_extract(config, '$.i') >= 3 ORDER BY key").fetchall()
    assert rows == [("k003",), ("k004",)]


def test_trajectory_is_stored_compressed(tmp_path: Path) -> None:
    _, _, trajectory, _ = expected(3)
    with Store(tmp_path / "runs.sqlite") as store:
        store.put("k", {}, run_result(), trajectory, 0.0, "v")
    with sqlite3.connect(tmp_path / "runs.sqlite") as raw:
        blob = raw.execute("SELECT trajectory FROM runs").fetchone()[0]
    assert isinstance(blob, bytes) and len(blob) < len(json.dumps(trajectory)) / 2


def test_a_run_config_round_trips_through_the_store() -> None:
    config = RunConfig(N=22, snr=2.0, seed=3, d=64, dh=8, dv=8)
    key = config.key(code_version())
    with Store(":memory:") as store:
        store.put(key, config.as_dict(), run_result(), [], 1.0, code_version())
        record = store.get(key)
    assert record is not None
    assert RunConfig.from_dict(record.config) == config
    assert RunConfig.from_dict(record.config).key(record.code) == key


def test_sweep_rates_are_the_stored_runs_error_rates() -> None:
    from simulate.sweep import rates

    eq1, vit, absent = (RunConfig(N=6, snr=2.0, seed=1, d=32, dh=6, dv=6),
                        RunConfig(N=6, snr=4.0, seed=0, d=32, dh=6, dv=6, tau_rel=0.1),
                        RunConfig(N=8, snr=1.0, d=32, dh=6, dv=6))
    code = code_version()
    with Store(":memory:") as store:
        store.put(eq1.key(code), eq1.as_dict(), run_result(robust_errors_certified=70), [], 1.0, code)
        store.put(vit.key(code), vit.as_dict(), run_result(converged=False, trained_parameters=100),
                  [], 1.0, code)  # a model without a certificate
        rows = rates([eq1, absent, vit], store)
    assert rows == [
        {"id": eq1.label(), "N": 6, "snr": 2.0, "tau_rel": eq1.tau_rel, "seed": 1, "iterations": 40, "converged": True,
         "clean_error": 0.05, "robust_error_attack": 0.25, "robust_error_certified": 0.35, "key": eq1.key(code)},
        {"id": vit.label(), "N": 6, "snr": 4.0, "tau_rel": 0.1, "seed": 0, "iterations": 40, "converged": False,
         "clean_error": 0.05, "robust_error_attack": 0.25, "robust_error_certified": None, "key": vit.key(code)},
    ]  # the run not in the store is left out


# ---- queries --------------------------------------------------------------------------------------


def test_records_filters_and_iteration() -> None:
    with Store(":memory:") as store:
        fill(store, 150, code="c1")  # more than one batch of 64
        for i in range(150, 153):
            config, result, trajectory, wall = expected(i)
            store.put(f"k{i:03d}", config, result, trajectory, wall, "c2")
        assert [r.key for r in store] == [f"k{i:03d}" for i in range(153)]  # oldest first
        assert len(list(store.records(code="c2"))) == 3
        assert [r.key for r in store.records(i=7)] == ["k007"]
        assert [r.key for r in store.records(i=7, name="run7")] == ["k007"]
        assert list(store.records(i=7, name="other")) == []
        assert list(store.records(missing_field=1)) == []
        big = store.records(lambda r: r.result.final_robust_loss > 15.0, code="c1")
        assert [r.key for r in big] == [f"k{i:03d}" for i in range(151) if i * 0.1 > 15.0 and i < 150]
        with pytest.raises(ValueError, match="where"):
            list(store.records(where=3))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="code"):
            list(store.records(code=""))


# ---- bad input ------------------------------------------------------------------------------------


class Opaque:
    pass


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"key": ""}, "key must be a non-empty string"),
        ({"key": 5}, "key must be a non-empty string"),
        ({"config": [1]}, "config must be a dict"),
        ({"result": None}, "result must be a RunResult"),
        ({"result": {"iterations": 1}}, "result must be a RunResult .* got dict"),
        ({"config": {1: 2.0}}, r"config must have string keys, got key 1"),
        ({"config": {"a": {"b": {3}}}}, r"config\['a'\]\['b'\] must be a number, string, bool, None, list or dict, "
                                        "got set"),
        ({"config": {"x": [0, Opaque()]}}, r"config\['x'\]\[1\] must be .* got Opaque"),
        ({"config": {"a": {"$float": "nan"}}}, r"config\['a'\] uses the reserved key '\$float'"),
        ({"result": run_result(provenance={"$float": "nan"})}, r"result\['provenance'\] uses the reserved key"),
        ({"trajectory": {"t": 1.0}}, "trajectory must be a list of dicts"),
        ({"trajectory": [{"t": 1.0}, 2.0]}, r"trajectory\[1\] must be a dict"),
        ({"trajectory": [{"t": 1.0}, {"t": b"x"}]}, r"trajectory\[1\]\['t'\] must be .* got bytes"),
        ({"wall_s": -1.0}, "wall_s must be a finite number >= 0"),
        ({"wall_s": math.nan}, "wall_s must be a finite number >= 0"),
        ({"wall_s": "1"}, "wall_s must be a finite number >= 0"),
        ({"code": ""}, "code must be a non-empty string"),
    ],
)
def test_bad_put_names_the_field_and_writes_nothing(args: dict[str, Any], message: str) -> None:
    full: dict[str, Any] = {"key": "k", "config": {}, "result": run_result(), "trajectory": [], "wall_s": 1.0,
                            "code": "v"}
    full.update(args)
    with Store(":memory:") as store:
        with pytest.raises(ValueError, match=message):
            store.put(**full)
        assert len(store) == 0


def test_bad_paths_and_closed_stores(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="path"):
        Store(tmp_path)  # a directory
    with pytest.raises(ValueError, match="path"):
        Store("")
    with pytest.raises(ValueError, match="path"):
        Store(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        Store(":memory:", timeout=0)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ValueError, match="not a bovit run store"):
        Store(junk)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as raw:
        raw.execute("PRAGMA user_version=99")
    with pytest.raises(ValueError, match="schema version 99"):
        Store(other)
    store = Store(":memory:")
    store.close()
    store.close()
    with pytest.raises(ValueError, match="closed"):
        store.has("k")


# ---- findings -------------------------------------------------------------------------------------


def finding_record(claim: str = "T4.3", profile: str = "ci", images: str = "digits", data_root: str = "",
                   verdict: str = "confirmed", checks: str = "checks1", code: str = "code1") -> FindingRecord:
    finding = {"claim": claim, "verdict": verdict, "reason": "r", "key": "k", "data_verdict": None, "scope": "",
               "evidence": [["a", "b"], ["1", "2"]],
               "plots": [{"name": "p", "x": [1, 2.5, math.nan], "hlines": [[math.inf, "∞"]], "log": False}]}
    return FindingRecord(claim, profile, images, data_root, finding, "", checks, code)


def test_findings_round_trip_replace_and_are_keyed_by_claim_profile_and_images(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    with Store(path) as store:
        assert store.get_finding("T4.3", "ci") is None and store.findings() == []
        rec = finding_record()
        failed = FindingRecord("IC-1", "ci", "digits", "", None, "ZeroDivisionError: x", "checks1", "code1")
        store.put_findings([rec, finding_record(profile="default"), finding_record(images="mnist", data_root="/m"),
                            failed])
        back = store.get_finding("T4.3", "ci")
        assert back is not None and _canonical(back.finding) == _canonical(rec.finding)
        assert (back.key, back.error, back.checks, back.code) == (("T4.3", "ci", "digits", ""), "", "checks1", "code1")
        assert store.get_finding("T4.3", "ci", "mnist", "/m") is not None
        assert store.get_finding("T4.3", "ci", "mnist", "/other") is None
        failed = store.get_finding("IC-1", "ci")
        assert failed is not None and failed.finding is None and failed.error == "ZeroDivisionError: x"
        assert [r.key for r in store.findings()] == [("IC-1", "ci", "digits", ""), ("T4.3", "ci", "digits", ""),
                                                     ("T4.3", "ci", "mnist", "/m"), ("T4.3", "default", "digits", "")]
        # writing a key again replaces its row (the latest evaluation), never duplicates it
        store.put_findings([finding_record(verdict="refuted", checks="checks2")])
        again = store.get_finding("T4.3", "ci")
        assert again is not None and again.finding["verdict"] == "refuted" and again.checks == "checks2"
        assert len(store.findings()) == 4 and len(store) == 0  # len counts runs
        assert store.check() == []
    with sqlite3.connect(path) as raw:  # no timestamp: the row is a function of what was written
        columns = [row[1] for row in raw.execute("PRAGMA table_info(findings)")]
        assert columns == ["claim", "profile", "images", "data_root", "finding", "error", "checks_version",
                           "code_version"]
        assert raw.execute("SELECT json_valid(finding) FROM findings WHERE claim = 'T4.3'").fetchall() == [(1,)] * 3


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (FindingRecord("", "ci", "digits", "", {}, "", "c", "s"), "key must be a non-empty string"),
        (FindingRecord("T4.3", "", "digits", "", {}, "", "c", "s"), "profile must be a non-empty string"),
        (FindingRecord("T4.3", "ci", "digits", "", {}, "", "", "s"), "checks must be a non-empty string"),
        (FindingRecord("T4.3", "ci", "digits", "", {}, "", "c", " "), "code must be a non-empty string"),
        (FindingRecord("T4.3", "ci", None, "", {}, "", "c", "s"), "images must be a string"),  # type: ignore[arg-type]
        (FindingRecord("T4.3", "ci", "digits", "", None, "", "c", "s"), "error must say why"),
        (FindingRecord("T4.3", "ci", "digits", "", {"plots": [{"x": {1, 2}}]}, "", "c", "s"),
         r"finding\['plots'\]\[0\]\['x'\] must be"),
        ("not a record", r"records\[1\] must be a FindingRecord"),
    ],
    ids=["claim", "profile", "checks", "code", "images", "no-error", "a-set", "type"],
)
def test_bad_findings_name_the_field_and_write_nothing(record: object, message: str) -> None:
    with Store(":memory:") as store:
        with pytest.raises(ValueError, match=message):
            store.put_findings([finding_record(claim="IC-1"), record])  # type: ignore[list-item]
        assert store.findings() == []  # all or none: the good record before it was not written either


def test_a_version_1_store_is_upgraded_keeping_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    config, result, trajectory, wall = expected(3)
    with sqlite3.connect(path) as raw:  # a store as schema version 1 wrote it: the runs table only
        raw.execute("CREATE TABLE runs (key TEXT PRIMARY KEY NOT NULL, config TEXT NOT NULL, result TEXT NOT NULL, "
                    "trajectory BLOB NOT NULL, code_version TEXT NOT NULL, created REAL NOT NULL, "
                    "wall_s REAL NOT NULL)")
        raw.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    ("k003", json.dumps(config), json.dumps(result.as_dict()),
                     zlib.compress(json.dumps(trajectory).encode()),
                     "old-code", 1.0, wall))
        raw.execute("PRAGMA user_version=1")
    assert SCHEMA_VERSION == 3
    with Store(path) as store:
        record = store.get("k003")
        assert record is not None and (record.config, record.result, record.trajectory) == (config, result, trajectory)
        assert store.findings() == [] and store.check() == []
        store.put_findings([finding_record()])
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    with Store(path) as store:  # opening the upgraded file again changes nothing
        assert len(store) == 1 and len(store.findings()) == 1


def test_file_store_creates_directories_uses_wal_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "runs.sqlite"
    with Store(path) as store:
        fill(store, 3)
    assert path.exists()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with Store(str(path)) as store:
        assert store.keys() == {"k000", "k001", "k002"}
        assert repr(store).endswith("open)")
    assert repr(store).endswith("closed)")


# ---- crashes and concurrency --------------------------------------------------------------------


def test_sigkill_mid_sweep_loses_nothing_committed_and_restart_completes(tmp_path: Path) -> None:
    path, n = tmp_path / "runs.sqlite", 40
    intended = {f"k{i:03d}" for i in range(n)}
    acknowledged: set[str] = set()

    # 1: kill after five acknowledged writes
    proc = writer(path, n, pause=0.01)
    assert proc.stdout is not None
    while len(acknowledged) < 5:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "writer died"
        acknowledged.add(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    with Store(path) as store:
        first = assert_complete(store)
    assert acknowledged <= first < intended

    # 2: restart without pauses and kill right after an acknowledgement, i.e. while the next run is
    # being encoded or committed; three times, at different points
    previous = first
    for extra in (3, 7, 2):
        proc = writer(path, n, pause=0.0)
        assert proc.stdout is not None
        for _ in range(extra):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "writer died"
            acknowledged.add(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=10)
        acknowledged |= set(out.split())
        with Store(path) as store:
            now = assert_complete(store)
        assert acknowledged <= now and len(now) >= len(previous) + extra
        previous = now
    second = previous
    assert len(second) < n

    # 3: a restarted writer writes only what is missing
    proc = writer(path, n, pause=0.0)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert set(out.split()) == intended - second  # skipped what was stored
    with Store(path) as store:
        assert assert_complete(store) == intended
        assert len(store) == n


def test_readers_read_while_one_writer_writes(tmp_path: Path) -> None:
    path, n = tmp_path / "runs.sqlite", 60
    Store(path).close()  # the file exists before anyone reads
    proc = writer(path, n, pause=0.005)
    errors: list[BaseException] = []
    seen: list[int] = []

    def read() -> None:
        try:
            with Store(path, timeout=10) as store:
                last = 0
                while True:
                    done = proc.poll() is not None
                    count = 0
                    for record in store:  # every record visible is complete
                        want = expected(record.config["i"])
                        assert (record.config, record.result, record.trajectory, record.wall_s) == want
                        count += 1
                    assert count >= last  # never goes backwards
                    last = count
                    seen.append(count)
                    if done:
                        return
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    _, err = proc.communicate(timeout=60)
    for t in readers:
        t.join(60)
    assert proc.returncode == 0, err
    assert errors == []
    assert max(seen) == n and any(0 < c < n for c in seen)  # they did read mid-sweep
    with Store(path) as store:
        assert len(store) == n


def test_two_writers_on_overlapping_keys_never_duplicate(tmp_path: Path) -> None:
    path, n = tmp_path / "runs.sqlite", 30
    Store(path).close()
    procs = [writer(path, n, pause=0.0, order="up"), writer(path, n, pause=0.0, order="down")]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with Store(path) as store:
        assert assert_complete(store) == {f"k{i:03d}" for i in range(n)}


def _digest(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(("schema", "row"), [
    ("CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO runs VALUES (1, 'x')"),  # another runs
    ("CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('x')"),  # an unrelated table
    ("CREATE TABLE runs (key TEXT PRIMARY KEY NOT NULL, config TEXT NOT NULL)",  # bovit-like, other columns
     "INSERT INTO runs VALUES ('k', '{}')"),
])
def test_a_foreign_sqlite_file_is_refused_in_one_line_and_left_byte_identical(tmp_path: Path, schema: str,
                                                                              row: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "other.sqlite"
    raw = sqlite3.connect(path)
    raw.execute(schema)
    raw.execute(row)
    raw.commit()
    raw.close()
    before = _digest(folder)
    with pytest.raises(ValueError, match="is not a bovit run store") as info:
        Store(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    assert _digest(folder) == before  # no pragma, table or row written, no WAL file beside it


def test_a_store_whose_folder_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ValueError, match="its folder cannot be made"):
        Store(blocker / "sub" / "runs.sqlite")


def test_a_result_nested_past_the_recursion_limit_is_one_line_and_writes_nothing() -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(5000):
        node["x"] = {}
        node = node["x"]  # type: ignore[assignment]
    with Store(":memory:") as store:
        with pytest.raises(ValueError, match="nested") as info:
            store.put("k" * 64, {"deep": deep}, RunResult(iterations=1, converged=True, final_robust_loss=0.1,
                                                          final_clean_loss=0.1, n_test=1, clean_errors=0,
                                                          robust_errors_attack=0, robust_errors_certified=0,
                                                          at_tau_rel={}), [], 0.0, "code")
        assert "\n" not in str(info.value) and len(store) == 0


def test_a_store_on_read_only_media_is_read_and_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    path = tmp_path / "ro.sqlite"
    with Store(path) as store:
        fill(store, 3)
        store.put_findings([finding_record()])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    before = sorted(p.name for p in tmp_path.iterdir())
    # without write permission (os.access says so; root's permissions cannot show it), the store opens for reading
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode))
    with Store(path) as store:
        assert store.readonly and len(store) == 3 and len(store.findings()) == 1
        assert store.get(sorted(store.keys())[0]) is not None
        for write in (lambda: store.put_findings([finding_record()]), lambda: store.claim(["k"], "me"),
                      lambda: store.put("new", {"x": 1}, run_result(), [], 0.0, "v")):
            with pytest.raises(ValueError, match="is read-only"):
                write()
    monkeypatch.undo()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no -wal or -shm file made
    with Store(path, readonly=True) as store:
        assert store.readonly and len(store) == 3
    with pytest.raises(ValueError, match="existing store file"):
        Store(tmp_path / "missing.sqlite", readonly=True)


def test_switching_to_wal_is_retried_while_the_new_file_is_locked() -> None:
    """SQLite answers "database is locked" at once, whatever the busy timeout, when two processes switch the same
    new file to write-ahead logging together (two sweeps starting on a new store: seen once in CI). The switch is
    retried until the store's timeout, then fails as the caller's one line."""
    import sqlite3

    class Locked:
        """A connection whose WAL switch is refused ``k`` times."""

        def __init__(self, k: int) -> None:
            self.k, self.tries = k, 0

        def execute(self, sql: str) -> Locked:
            if sql == "PRAGMA journal_mode=WAL":
                self.tries += 1
                if self.tries <= self.k:
                    raise sqlite3.OperationalError("database is locked")
            return self

        def fetchone(self) -> tuple[str]:
            return ("delete",)

    with Store(":memory:", timeout=5) as store:
        conn = Locked(3)
        store._wal(conn)  # type: ignore[arg-type]
        assert conn.tries == 4
    with Store(":memory:", timeout=0.2) as store, pytest.raises(sqlite3.OperationalError, match="locked"):
        store._wal(Locked(1000))  # type: ignore[arg-type]
