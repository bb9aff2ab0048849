"""Two sweeps into one store: a run claimed by one is never trained by the other (Store.claim, simulate.sweep)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from simulate.store import Store
from simulate.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]


def test_a_claim_holds_against_another_owner_until_released(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        me = Store.owner_id()
        assert store.claim(["a", "b"], me) == ["a", "b"]
        assert store.claim(["a", "b"], me) == ["a", "b"]  # one's own claims are one's own
        other = f"{me.split(':')[0]}:{os.getpid()}:1.0"  # a live process of this host, another start: another owner
        assert store.claim(["a", "c"], other) == ["c"]
        store.release(["a"], me)
        assert store.claim(["a"], other) == ["a"]
        assert store.claimed() == {"a": other, "b": me, "c": other}


def test_a_dead_owners_claims_lapse(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    with Store(tmp_path / "s.sqlite") as store:
        host = Store.owner_id().split(":")[0]
        assert store.claim(["a"], f"{host}:{dead}:5.0") == ["a"]
        assert store.claim(["a"], Store.owner_id()) == ["a"]  # the ended process's claim lapsed
        assert store.claim(["b"], f"elsewhere:{dead}:5.0") == ["b"]
        assert store.claim(["b"], Store.owner_id()) == []  # another host's process: its claim holds (a lease)




_SWEEP = """
import json, sys
from simulate.config import RunConfig
from simulate.store import Store
from simulate.sweep import sweep
configs = [RunConfig(N=4, snr=s, d=16, M=4, dh=4, dv=4, T_max=40, n_test=200, seed=k)
           for k, s in enumerate((0.5, 1.0, 2.0, 4.0, 0.7, 1.4, 2.8, 5.6))]
with Store(sys.argv[1]) as store:
    out = sweep(configs, store, max_members=1, show_progress=False)
print(json.dumps({"trained": out.trained, "by_others": out.by_others, "before": out.stored_before}))
"""


def test_two_concurrent_sweeps_train_each_run_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", _SWEEP, str(path)], stdout=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(o["trained"] for o in outs) == 8, outs  # every run trained once, by one of the two
    # each sweep accounts for every run: trained by itself, stored by the other while it waited, or already stored
    # when it started (the second may start after the first has stored a run)
    assert all(o["trained"] + o["by_others"] + o["before"] == 8 for o in outs), outs
    with Store(path) as store:
        assert len(store) == 8 and store.claimed() == {}  # nothing left claimed


def test_a_stored_run_is_not_claimed_and_a_sweep_releases_its_claims(tmp_path: Path) -> None:
    from simulate.config import RunConfig
    from simulate.store import code_version

    configs = [RunConfig(N=4, snr=1.0, d=16, M=4, dh=4, dv=4, T_max=5, n_test=50, seed=k) for k in range(2)]
    with Store(tmp_path / "s.sqlite") as store:
        summary = sweep(configs, store, show_progress=False)
        assert summary.trained == 2 and summary.by_others == 0 and store.claimed() == {}
        assert store.claim([c.key(code_version()) for c in configs], "someone") == []


def test_a_sweep_trains_what_a_dead_sweep_left_claimed(tmp_path: Path) -> None:
    from simulate.config import RunConfig
    from simulate.store import code_version

    configs = [RunConfig(N=4, snr=1.0, d=16, M=4, dh=4, dv=4, T_max=5, n_test=50, seed=k) for k in range(2)]
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    with Store(tmp_path / "s.sqlite") as store:
        host = Store.owner_id().split(":")[0]
        store.claim([configs[0].key(code_version())], f"{host}:{dead}:1.0")  # a sweep that was killed
        summary = sweep(configs, store, show_progress=False)
        assert summary.trained == 2 and len(store) == 2
