"""Algorithm 1 (batched), its evaluation, the sweep into the store, and the sweep command."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

import bounds.validate
from simulate import data
from simulate.bench import baseline_train
from simulate.config import AttackSpec, RunConfig
from simulate.results import need
from simulate.store import Store, code_version
from simulate.sweep import sweep
from simulate.train import algorithm1, train_group

ROOT = Path(__file__).resolve().parents[1]
TINY = {"d": 32, "M": 4, "dh": 6, "dv": 6, "n_test": 200, "log_every": 5}


# toy-sized tensors: one intra-op thread (tests/conftest.py, one_thread)
pytestmark = pytest.mark.usefixtures("one_thread")


def tiny(**kw: object) -> RunConfig:
    return RunConfig(**{**TINY, "N": 6, "snr": 2.0, "T_max": 40, **kw})  # type: ignore[arg-type]


def test_train_group_trusts_its_validated_configs(monkeypatch: pytest.MonkeyPatch) -> None:
    """RunConfig validated every field when it was made: training and evaluating a group never checks them again
    (bounds.validate is not entered from any simulate module; an image run's pools are loaded, and checked, once)."""
    import simulate

    configs = [tiny(seed=1, T_max=6, log_ratio=True, ratio_every=3, eval_tau_rels=(0.75,)),
               tiny(seed=2, T_max=6, log_ratio=True, ratio_every=3, eval_tau_rels=(0.75,))]
    digits = [configs[0].replace(dataset="digits", d=16, eval_tau_rels=())]
    multi = [c.replace(norm="multi", attack=AttackSpec(kind="apgd")) for c in configs]
    data.image_pools("digits", "", (0, 1))  # the pools, loaded (and their files checked) once per process

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"bounds.validate entered with {args}")

    for mod in [m for name, m in sorted(sys.modules.items()) if name.startswith("simulate.")] + [simulate]:
        for name in bounds.validate.__all__:
            if getattr(mod, name, None) is getattr(bounds.validate, name):
                monkeypatch.setattr(mod, name, refuse)
    for group in (configs, digits, multi):
        assert len(train_group(group)) == len(group)


def test_bad_device_names_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"^device must name a torch device .* got 'gpu0'$"):
        train_group([tiny()], device="gpu0")


def test_batched_engine_equals_the_plain_per_point_algorithm_in_float64() -> None:
    c = tiny(T_max=6, eps=1e-12, dtype="float64", snr=3.0, tau_rel=0.1)
    ours = algorithm1([c], log=False).weights
    plain = baseline_train(c, 6, torch.float64)
    for name in ("W_Q", "W_K", "W_V"):
        a, b = getattr(ours, name), getattr(plain, name)
        assert float((a - b).abs().max() / b.abs().max()) < 1e-12, name


def test_subspace_engine_trains_the_same_weights_in_float64() -> None:
    c = tiny(T_max=5, eps=1e-12, dtype="float64", snr=3.0, tau_rel=0.1)
    direct = algorithm1([c], log=False).weights
    sub = algorithm1([c.replace(engine="subspace")], log=False).weights
    assert float((direct.W_V - sub.W_V).abs().max() / direct.W_V.abs().max()) < 1e-9


def test_tau_zero_is_clean_training() -> None:
    adv = algorithm1([tiny(tau_rel=0.0, T_max=8, eps=1e-12)], log=False)
    clean = algorithm1([tiny(tau_rel=0.0, T_max=8, eps=1e-12, attack=AttackSpec(kind="none"))], log=False)
    for name in ("W_Q", "W_K", "W_V"):
        assert torch.equal(getattr(adv.weights, name), getattr(clean.weights, name))
    assert adv.final_loss[0][0] == adv.final_loss[0][1]  # robust loss = clean loss


def test_same_seed_gives_bit_identical_runs() -> None:
    cs = [tiny(seed=3), tiny(seed=4, N=6, snr=0.5)]
    a, b = train_group(cs), train_group(cs)
    for x, y in zip(a, b, strict=True):
        assert x.result == y.result
        assert x.trajectory == y.trajectory


def test_a_member_trains_the_same_alone_as_in_a_padded_group() -> None:
    alone = algorithm1([tiny(N=3, seed=1, snr=4.0)], log=False)
    group = algorithm1([tiny(N=7, seed=2, snr=1.0), tiny(N=3, seed=1, snr=4.0), tiny(N=5, seed=5)], log=False)
    assert group.iterations[1] == alone.iterations[0]
    diff = (group.weights.W_V[1] - alone.weights.W_V[0]).abs().max() / alone.weights.W_V.abs().max()
    assert float(diff) < 1e-5


def test_members_stop_at_the_rule_and_the_trajectory_is_logged() -> None:
    cs = [tiny(snr=8.0, T_max=200, seed=0), tiny(snr=0.3, T_max=15, seed=1)]
    out = train_group(cs)
    fast, slow = out
    assert fast.result.converged and fast.result.final_robust_loss < 0.01
    assert fast.result.iterations < 200
    assert not slow.result.converged and slow.result.iterations == 15
    for o in out:
        ts = [row["t"] for row in o.trajectory]
        assert ts[0] == 0 and ts[-1] == o.result.iterations
        assert all(t % 5 == 0 for t in ts[:-1])
        assert o.trajectory[-1]["robust_loss"] == pytest.approx(o.result.final_robust_loss)
        for row in o.trajectory:
            assert row["robust_loss"] >= row["clean_loss"] - 1e-6  # the attack never lowers the loss
            assert 0 <= row["entropy_rel"] <= 1 + 1e-6
            assert 0 <= row["signal_attention"] <= 1


def test_results_bracket_the_robust_error() -> None:
    for o in train_group([tiny(snr=s, seed=i, tau_rel=0.2) for i, s in enumerate((0.5, 2.0, 8.0))]):
        r = o.result
        # the ordering holds by construction (min with the clean and attacked margins); the violation
        # count is what can fail: a certificate above an attacked margin
        assert r.robust_errors_certified is not None and r.certificate_violations == 0
        assert r.clean_errors <= r.robust_errors_attack <= r.robust_errors_certified <= r.n_test
        for v in ("paper", "with_M", "per_class"):
            assert 0 <= need(r.lemma56(v), v) <= 1


def test_numerically_safe_at_high_snr_and_large_tau() -> None:
    cs = [tiny(snr=100.0, tau_rel=2.0, T_max=10), tiny(snr=100.0, tau_rel=0.01, T_max=10, seed=1)]
    for o in train_group(cs):
        values = [v for v in o.result.as_dict().values() if isinstance(v, float)]
        values += [v for row in o.trajectory for v in row.values()]
        assert all(math.isfinite(v) for v in values), o.result
    # Theorem 4.3: at τ ≥ ‖µ‖/√2 the midpoint attack fools at least (about) half of the points
    r = train_group([tiny(snr=8.0, tau_rel=0.75, T_max=5)])[0].result
    assert need(r.midpoint_errors, "midpoint_errors") / r.n_test > 0.4


def test_sweep_stores_every_run_once_and_skips_them_on_rerun(tmp_path: Path) -> None:
    cs = [tiny(snr=s, seed=k, T_max=10) for s in (1.0, 4.0) for k in (0, 1)] + [tiny(N=3, T_max=10)]
    with Store(tmp_path / "s.sqlite") as store:
        first = sweep(cs, store, show_progress=False, max_members=3)
        assert first.trained == 5 and first.stored_before == 0 and first.groups == 3
        assert len(store) == 5
        rec = store.get(cs[0].key(code_version()))
        assert rec is not None and RunConfig.from_dict(rec.config) == cs[0]
        assert rec.trajectory and rec.result.n_test == 200
        again = sweep(cs, store, show_progress=False)
        assert again.trained == 0 and again.stored_before == 5 and len(store) == 5


def test_sweep_on_a_dask_local_cluster_matches_in_process(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    cs = [tiny(snr=s, T_max=8) for s in (1.0, 4.0)]
    with Store(tmp_path / "a.sqlite") as a:
        sweep(cs, a, show_progress=False)
        local = {k: a.get(k).result for k in a.keys()}  # type: ignore[union-attr]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, Store(tmp_path / "b.sqlite") as b:
        sweep(cs, b, scheduler=cluster.scheduler_address, show_progress=False)
        remote = {k: b.get(k).result for k in b.keys()}  # type: ignore[union-attr]
    assert local.keys() == remote.keys()
    for k in local:
        assert local[k].clean_errors == remote[k].clean_errors
        assert local[k].iterations == remote[k].iterations
        assert local[k].final_robust_loss == pytest.approx(remote[k].final_robust_loss, rel=1e-4)


def _sweep_cmd(store: Path) -> list[str]:
    return [sys.executable, "-m", "cli", "sweep", "--axis", "snr=0.5,1,2,4,8,16", "--axis", "seed=0,1",
            "--set", "d=32", "--set", "M=4", "--set", "dh=6", "--set", "dv=6", "--set", "N=6",
            "--set", "T_max=60", "--set", "n_test=100", "--max-members", "1", "--store", str(store), "--json"]


def test_a_sweep_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    store_path = tmp_path / "k.sqlite"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(_sweep_cmd(store_path), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until some runs, not all, are stored
        if store_path.exists():
            with Store(store_path) as s:
                if len(s) >= 2:
                    break
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store(store_path) as s:
        partial = s.keys()
        assert s.check() == []
    assert 2 <= len(partial) < 12
    done = subprocess.run(_sweep_cmd(store_path), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["stored_before"] == len(partial) and summary["trained"] == 12 - len(partial)
    with Store(store_path) as s:
        assert len(s) == 12 and partial <= s.keys()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sweep"], "give --preset NAME, --config FILE or at least one --axis"),
        (["sweep", "--preset", "fig9"], "preset must be one of"),
        (["sweep", "--preset", "fig1", "--scale", "huge"], "scale must be one of"),
        (["sweep", "--preset", "fig1", "--set", "colour=red"], "must be a RunConfig field"),
        (["sweep", "--preset", "fig1", "--set", "N=two"], "N must be an integer"),
        (["sweep", "--preset", "fig1", "--set", "tau_rel=-1"], "tau_rel must be >= 0"),
        (["sweep", "--axis", "N=2", "--set", "snr=1", "--scheduler", "udp://x"], "scheduler"),
        (["bench-sim", "--engines", "fp8"], "engines must be among"),
        (["bench-sim", "--whole-T-max", "0"], "whole-T-max must be >= 1"),
        (["bench-sim", "--whole-n-test", "-5"], "whole-n-test must be >= 1"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_sweep_and_bench_reject_bad_input_in_one_line(argv: list[str], message: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    assert main([*argv, *(["--store", str(tmp_path / "x.sqlite")] if argv[0] == "sweep" else [])]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_sweep_cuda_without_a_gpu_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import main

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    assert main(["sweep", "--axis", "N=2", "--set", "snr=1", "--device", "cuda",
                 "--store", str(tmp_path / "x.sqlite")]) == 2
    assert "no CUDA device" in capsys.readouterr().err


def test_extra_radii_and_midpoint_radii_are_evaluated() -> None:
    r = train_group([tiny(eval_tau_rels=(0.0, 0.05, 0.3), T_max=20, snr=4.0)])[0].result
    at = r.at_tau_rel
    assert list(at) == [0.0, 0.05, 0.3]
    assert at[0.0].robust_errors_attack == r.clean_errors
    assert at[0.05].robust_errors_attack == r.robust_errors_attack  # the run's own τ, same attack
    certified = [need(at[k].robust_errors_certified, "certified") for k in (0.0, 0.05, 0.3)]
    assert certified == sorted(certified)  # a larger ball never certifies more points
    for k in (0.0, 0.05, 0.3):  # the certificate never claims more than an attack disproves
        assert at[k].certificate_violations == 0
    # Theorem 4.3 sharpened: past r = 1/√2 the midpoint attack fools about half of any classifier's points
    midpoint = need(r.midpoint_errors_at, "midpoint_errors_at")
    assert list(midpoint) == [0.7, 0.7072, 0.75, 1.0]
    for key in (0.7072, 0.75, 1.0):
        assert midpoint[key] / r.n_test > 0.4
    with pytest.raises(ValueError, match="eval_tau_rels must be >= 0"):
        tiny(eval_tau_rels=(-0.1,))


def test_the_test_attack_runs_on_the_exact_subspace_engine_only_for_l2_pgd() -> None:
    assert tiny().test_attack_engine == "subspace"
    assert tiny(engine="direct").test_attack_engine == "direct"
    assert tiny(engine="bf16").test_attack_engine == "direct"  # the reported counts are never from bf16
    assert tiny(norm="inf").test_attack_engine == "direct"
    assert tiny(test_attack=AttackSpec(kind="apgd", steps=20)).test_attack_engine == "direct"


def test_midpoint_counts_from_reprojected_signal_tokens_equal_the_attack_on_whole_inputs() -> None:
    """The evaluation re-projects only the signal token for Theorem 4.3's attacks; counting them on the whole
    attacked inputs with the literal eq. (1) must give the same numbers."""
    from simulate import attacks
    from simulate.model import forward_reference
    from simulate.results import radius
    from simulate.train import MIDPOINT_RADII, _algorithm1, _evaluate

    cfgs = [tiny(snr=s, seed=k, T_max=15, n_test=150, dtype="float64") for s, k in ((1.0, 0), (4.0, 1))]
    tr = _algorithm1(cfgs, torch.device("cpu"), None, log=False)
    ev = _evaluate(cfgs, tr.weights, tr.signals, torch.device("cpu"))
    assert tr.signals is not None
    plus = torch.stack([s.plus for s in tr.signals]).double()
    minus = torch.stack([s.minus for s in tr.signals]).double()
    mu = torch.tensor([c.signal_norm for c in cfgs], dtype=torch.float64)
    tau = torch.tensor([c.tau for c in cfgs], dtype=torch.float64)
    mid = torch.zeros(2, dtype=torch.long)
    at = {r: torch.zeros(2, dtype=torch.long) for r in MIDPOINT_RADII}
    pairs = {r: torch.zeros(2, dtype=torch.long) for r in MIDPOINT_RADII}
    for X, y in data._test_sets(cfgs, tr.signals, torch.float64, 250):
        mid += (y * forward_reference(tr.weights, attacks._theorem43(X, plus, minus, tau, "midpoint")) <= 0).sum(1)
        for r in MIDPOINT_RADII:
            at[r] += (y * forward_reference(tr.weights, attacks._theorem43(X, plus, minus, r * mu, "midpoint"))
                      <= 0).sum(1)
            X_p, X_m = X.clone(), X.clone()
            X_p[:, :, 0], X_m[:, :, 0] = plus[:, None], minus[:, None]
            f_p = forward_reference(tr.weights, attacks._theorem43(X_p, plus, minus, r * mu, "midpoint"))
            f_m = forward_reference(tr.weights, attacks._theorem43(X_m, plus, minus, r * mu, "midpoint"))
            pairs[r] += ((f_p > 0) & (f_m < 0)).sum(1)
    for g in range(2):
        assert ev[g]["midpoint_errors"] == int(mid[g])
        assert ev[g]["midpoint_errors_at"] == {radius(r): int(v[g]) for r, v in at.items()}
        assert ev[g]["midpoint_pairs_both_correct_at"] == {radius(r): int(v[g]) for r, v in pairs.items()}
    assert any(0 < v < 150 for e in ev for v in e["midpoint_errors_at"].values())  # the counts are not all trivial


def test_bench_whole_rejects_bad_sizes_in_one_line() -> None:
    from simulate.bench import bench_whole

    with pytest.raises(ValueError, match="T_max must be >= 1, got 0"):
        bench_whole(T_max=0, log=None)
    with pytest.raises(ValueError, match="n_test must be >= 1, got -3"):
        bench_whole(n_test=-3, log=None)


def test_a_members_attention_ratio_is_logged_at_its_start_and_its_own_stop_only() -> None:
    """Lemma 5.3's ratio is computed for the members a row is logged for: at t = 0 and at the member's last
    iteration, never because another member of its group stopped."""
    early = tiny(eps=0.5, T_max=30, log_every=1, log_ratio=True)
    late = tiny(eps=1e-12, T_max=30, log_every=1, seed=1, log_ratio=True)
    tr = algorithm1([early, late])
    assert tr.iterations[0] < tr.iterations[1] == 30
    for g in range(2):
        rows = tr.trajectories[g]
        with_ratio = [int(row["t"]) for row in rows if "attention_log_ratio" in row]
        assert with_ratio == [0, tr.iterations[g]]
        assert all(math.isfinite(row["attention_log_ratio"]) for row in rows if "attention_log_ratio" in row)
    alone = algorithm1([late]).trajectories[0]
    ratios = {int(r["t"]): r["attention_log_ratio"] for r in alone if "attention_log_ratio" in r}
    assert ratios == pytest.approx({int(r["t"]): r["attention_log_ratio"] for r in tr.trajectories[1]
                                    if "attention_log_ratio" in r}, rel=1e-5)
    # where no claim reads it (log_ratio=False, the default) it is never computed: no row and no final ratio
    unread = train_group([tiny(T_max=5, log_every=1)])[0]
    assert not any("attention_log_ratio" in row for row in unread.trajectory)
    assert unread.result.attention_log_ratio_final is None
    with pytest.raises(ValueError, match="ratio_every applies with log_ratio=True only, got ratio_every=3"):
        tiny(ratio_every=3)


def test_counts_do_not_depend_on_how_runs_were_batched() -> None:
    """The same runs swept one per group and six to a group: every count (clean, attacked, certified, midpoint),
    the iteration count and the stopping decision are equal; the float32 numbers agree to a relative 1e-4 (a
    member's last bits depend on its group's size, which each run's provenance records)."""
    from simulate.store import Store
    from simulate.sweep import sweep

    configs = [tiny(snr=s, seed=k, n_test=300) for k, s in enumerate((0.5, 1.0, 2.0, 4.0, 8.0, 1.5))]
    results = {}
    for members in (1, 6):
        with Store(":memory:") as store:
            sweep(configs, store, max_members=members, show_progress=False)
            results[members] = {rec.key: rec.result for rec in store}
            assert {rec.result.provenance["group_members"] for rec in store} == {str(members)}  # type: ignore[index]
    assert results[1].keys() == results[6].keys() and len(results[1]) == len(configs)
    counts = ("iterations", "converged", "clean_errors", "robust_errors_attack", "robust_errors_certified",
              "robust_errors_certified_box", "midpoint_errors", "certificate_violations")
    for key, one in results[1].items():
        six = results[6][key]
        for name in counts:
            assert getattr(one, name) == getattr(six, name), name
        assert one.midpoint_errors_at == six.midpoint_errors_at
        for name in ("final_robust_loss", "final_clean_loss", "u_norm", "V_plus", "drop_over_tau_u_max"):
            a, b = getattr(one, name), getattr(six, name)
            assert abs(a - b) <= 1e-4 * max(abs(a), abs(b), 1e-6), (name, a, b)


def test_the_stronger_attack_exposes_a_weak_test_attack() -> None:
    """The evaluation's stronger attack (simulate.train.stronger_attack) on the first test points: never fewer
    errors than the test attack there, and many more when the test attack is made weak (one step of 0.05τ), which
    is the world in which the report's strength column must say the test attack's count is too low."""
    from simulate.train import STRONG_POINTS

    base = dict(snr=2.0, tau_rel=0.3, n_test=300, T_max=30)
    weak = tiny(**base, test_attack=AttackSpec(steps=1, step_rel=0.05))  # type: ignore[arg-type]
    normal = tiny(**base)  # type: ignore[arg-type]
    (w_out,), (n_out,) = train_group([weak]), train_group([normal])
    for r in (w_out.result, n_out.result):
        assert r.strong_points == min(STRONG_POINTS, 300) and r.zero_gradient_points == 0
        assert need(r.strong_errors_attack, "s") >= need(r.default_errors_on_strong_points, "d")
    gap_weak = need(w_out.result.strong_errors_attack, "s") - need(w_out.result.default_errors_on_strong_points, "d")
    gap_normal = need(n_out.result.strong_errors_attack, "s") - need(n_out.result.default_errors_on_strong_points, "d")
    assert gap_weak >= 10 and gap_normal <= 2, (gap_weak, gap_normal)


def test_the_initialisation_scale_multiplies_the_attention_and_value_weights() -> None:
    from simulate.model import init_weights

    args = (16, 4, 4, 1, [3], "pytorch16", [None], [None], [1.0], "ones", torch.float64)
    one, two = init_weights(*args), init_weights(*args, init_scale=2.0)
    for name in ("W_Q", "W_K", "W_V"):
        assert torch.equal(getattr(two, name), 2 * getattr(one, name))
    assert torch.equal(two.w_O, one.w_O)  # w_O is set by its own norm and direction
    assert tiny().key("v") == tiny(init_scale=1.0).key("v") != tiny(init_scale=0.5).key("v")
    with pytest.raises(ValueError, match="init_scale"):
        tiny(init_scale=0.0)
