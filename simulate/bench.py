"""The simulator's benchmark: bovit's batched engine against a straightforward baseline, one process.

The baseline is Algorithm 1 as one would first write it: one grid point at a time, fp32, eq. (1)
computed literally ((X W_Q)(X W_K)ᵀ, softmax, (X W_V) w_O), and the Section 6 ℓ2 PGD (20 steps of
0.2τ, per-token normalised gradient, per-token projection) with autograd. bovit's engines train the
same points as batched groups; ``direct`` is the faithful fp32 engine, ``subspace`` its exact ℓ2
reformulation, ``bf16`` (opt-in, not exact) runs the attack's matmuls in bfloat16 and ``bf16-10``
(opt-in) does so with 10 PGD steps of 0.4τ instead of 20 of 0.2τ. Every engine
runs a fixed number of iterations (no early stop) so that all do the same work.

Reported: wall time, the speed-up over the baseline, the FLOPs each did (counted by
``torch.utils.flop_counter`` on one iteration) and the achieved GFLOP/s against the fp32 and bf16
matmul peaks measured here, and for each faster variant an attack-strength check: on the same
trained weights its robust test error must fall inside the Clopper–Pearson interval of the
faithful attack's.
"""

from __future__ import annotations

import dataclasses
import math
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from scipy.stats import beta
from torch.utils.flop_counter import FlopCounterMode

from simulate import attacks
from simulate.config import AttackSpec, RunConfig
from simulate.data import generator, held_out_chunks, make_signals, sample
from simulate.model import Weights, forward, init_weights
from simulate.train import _algorithm1, _evaluate, algorithm1

__all__ = ["BenchResult", "WholeResult", "baseline_evaluate", "baseline_train", "bench", "bench_points", "bench_whole",
           "matmul_peak"]

# name → (engine, training attack). "bf16-10" is bf16 with 10 PGD steps of 0.4τ instead of 20 of 0.2τ
# (opt-in, not exact): the same path length, half the steps.
VARIANTS: dict[str, tuple[attacks.Engine, AttackSpec]] = {
    "direct": ("direct", AttackSpec()),
    "subspace": ("subspace", AttackSpec()),
    "bf16": ("bf16", AttackSpec()),
    "bf16-10": ("bf16", AttackSpec(steps=10, step_rel=0.4)),
}
ENGINES = tuple(VARIANTS)
EXACT = ("direct", "subspace")


def bench_points(iterations: int = 10) -> list[RunConfig]:
    """The fixed subset of Figure 1's grid: Section 6 sizes, N ∈ {6, 14, 22} × SNR ∈ {0.5, 2, 8}."""
    return [RunConfig(N=N, snr=snr, T_max=iterations, eps=1e-12, log_every=10**6, n_test=1000)
            for N in (6, 14, 22) for snr in (0.5, 2.0, 8.0)]


# ---- the baseline: one point at a time, written plainly ------------------------------------------

def _f_literal(W_Q: torch.Tensor, W_K: torch.Tensor, W_V: torch.Tensor, w_O: torch.Tensor,
               X: torch.Tensor) -> torch.Tensor:
    """eq. (1) for a batch X (B, M, d), single head, computed literally: (B,)."""
    logits = (X @ W_Q) @ (X @ W_K).transpose(1, 2)
    return (torch.softmax(logits, dim=-1) @ (X @ W_V) @ w_O).mean(dim=1)


def _pgd_baseline(W: list[torch.Tensor], X: torch.Tensor, y: torch.Tensor, tau: float, steps: int,
                  step: float) -> torch.Tensor:
    """Section 6's ℓ2 PGD from a zero start; each example keeps its iterate of lowest margin."""
    delta = torch.zeros_like(X)
    best, best_margin = delta, None
    for it in range(steps + 1):
        delta.requires_grad_(True)
        margin = y * _f_literal(W[0], W[1], W[2], W[3], X + delta)
        (g,) = torch.autograd.grad(-margin.sum(), delta)
        with torch.no_grad():
            if best_margin is None:
                best_margin = margin
            else:
                better = margin < best_margin
                best_margin = torch.where(better, margin, best_margin)
                best = torch.where(better[:, None, None], delta, best)
            if it == steps:
                break
            delta = delta + step * g / g.norm(dim=-1, keepdim=True).clamp_min(1e-30)
            norms = delta.norm(dim=-1, keepdim=True)
            delta = delta * torch.clamp(tau / norms.clamp_min(1e-30), max=1.0)
    return (X + best).detach()


def baseline_train(c: RunConfig, iterations: int, dtype: torch.dtype = torch.float32) -> Weights:
    """Algorithm 1 for one point, plainly: full-batch GD on the PGD robust loss, at most ``iterations``
    steps, stopping when the robust training loss at the current weights is below ε."""
    sig = make_signals(c.d, c.signal_norm, c.signal, c.seed, dtype)
    X, y = sample(c.N, sig, c.sigma_p, c.M, c.noise, generator(c.seed, "train"), dtype)
    w0 = init_weights(c.d, c.dh, c.dv, 1, [c.seed], c.init, [c.sigma_h], [c.sigma_V], [c.w_O_norm],
                      c.w_O_dir, dtype)
    W = [w0.W_Q[0, 0].clone(), w0.W_K[0, 0].clone(), w0.W_V[0, 0].clone(), w0.w_O[0].clone()]
    for t in range(iterations + 1):
        X_adv = _pgd_baseline(W, X, y, c.tau, c.attack.steps, c.attack.step_rel * c.tau)
        params = [p.detach().requires_grad_(True) for p in W[:3]]
        loss = F.softplus(-y * _f_literal(params[0], params[1], params[2], W[3], X_adv)).mean()
        if t == iterations or float(loss.detach()) < c.eps:  # the stopping rule looks at L_S^rob(θ^t)
            break
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            W = [p - c.eta * g for p, g in zip(params, grads, strict=True)] + [W[3]]
    return Weights(W[0][None, None], W[1][None, None], W[2][None, None], W[3][None])


# ---- measurements ----------------------------------------------------------------------------------

def matmul_peak(dtype: torch.dtype = torch.float32, n: int = 1024, repeats: int = 10) -> float:
    """The machine's matmul rate in GFLOP/s: the best of ``repeats`` n×n products on all threads."""
    a = torch.randn(n, n, generator=generator(0, "peak")).to(dtype)
    b = torch.randn(n, n, generator=generator(1, "peak")).to(dtype)
    a @ b  # warm up
    best = math.inf
    for _ in range(repeats):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best / 1e9


def _count_flops(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return int(counter.get_total_flops())


def _clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    a = (1 - level) / 2
    lo = 0.0 if k == 0 else float(beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(beta.ppf(1 - a, k + 1, n - k))
    return lo, hi


@dataclass
class EngineTiming:
    name: str
    seconds: float
    flops: float
    exact: bool

    @property
    def gflops(self) -> float:
        return self.flops / self.seconds / 1e9


@dataclass
class BenchResult:
    points: int
    iterations: int
    threads: int
    machine: str
    peak_fp32: float
    peak_bf16: float
    baseline: EngineTiming
    engines: list[EngineTiming] = field(default_factory=list)
    strength: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    strength_points: list[str] = field(default_factory=list)
    strength_ok: dict[str, bool] = field(default_factory=dict)
    max_weight_diff: dict[str, float] = field(default_factory=dict)

    def speedup(self, name: str) -> float:
        eng = next(e for e in self.engines if e.name == name)
        return self.baseline.seconds / eng.seconds

    def as_json(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        out["speedups"] = {e.name: self.speedup(e.name) for e in self.engines}
        return out


def _strength(configs: list[RunConfig], weights: Weights, n_test: int,
              engines: tuple[str, ...]) -> dict[str, list[dict[str, float]]]:
    """Robust test error of each attack engine on the same trained weights, with 95% intervals."""
    out: dict[str, list[dict[str, float]]] = {}
    signals = [make_signals(c.d, c.signal_norm, c.signal, c.seed, torch.float32) for c in configs]
    tau = torch.tensor([c.tau for c in configs], dtype=torch.float32)
    for name in ("direct", *(e for e in engines if e != "direct")):
        engine, spec = VARIANTS[name]
        errors = torch.zeros(len(configs), dtype=torch.long)
        gens = [generator(c.seed, "bench-attack") for c in configs]
        for X, y in held_out_chunks(n_test, signals, [c.sigma_p for c in configs], [c.seed for c in configs],
                                    configs[0].M, configs[0].noise, torch.float32, chunk=250):
            X_adv = attacks.attack(weights, X, y, tau, spec, "2", gens, engine=engine, only_robust=True)
            with torch.no_grad():
                errors += (y * forward(weights, X_adv) <= 0).sum(1)
        rows = []
        for k in errors.tolist():
            lo, hi = _clopper_pearson(int(k), n_test)
            rows.append({"errors": int(k), "n": n_test, "rate": k / n_test, "lo": lo, "hi": hi})
        out[name] = rows
    return out


def bench(iterations: int = 10, n_test: int = 1000, engines: tuple[str, ...] = ENGINES,
          strength_iterations: int = 100,
          log: Callable[[str], object] | None = print) -> BenchResult:
    """Time the baseline and each engine on :func:`bench_points`; see the module docstring."""
    for name, value in (("iterations", iterations), ("n_test", n_test), ("strength_iterations", strength_iterations)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    for e in engines:
        if e not in ENGINES:
            raise ValueError(f"engines must be among {', '.join(ENGINES)}, got {e!r}")
    say = log or (lambda *_: None)
    points = bench_points(iterations)
    peak32, peak16 = matmul_peak(torch.float32), matmul_peak(torch.bfloat16)
    say(f"matmul peak: {peak32:.1f} GFLOP/s fp32, {peak16:.1f} GFLOP/s bf16 ({torch.get_num_threads()} threads)")

    # FLOPs of T iterations = F(1) + (T − 1)·(F(2) − F(1)): counted, not modelled, for every engine
    def total(count) -> float:
        f1, f2 = count(1), count(2)
        return f1 + (iterations - 1) * (f2 - f1)

    base_flops = sum(total(lambda k, c=c: _count_flops(lambda: baseline_train(c, k))) for c in points)
    t = time.perf_counter()
    for c in points:
        baseline_train(c, iterations)
    base_s = time.perf_counter() - t
    result = BenchResult(len(points), iterations, torch.get_num_threads(), platform.processor() or platform.machine(),
                         peak32, peak16, EngineTiming("baseline", base_s, base_flops, True))
    say(f"baseline (one point at a time, literal eq. (1), fp32): {base_s:.2f} s")

    for name in engines:
        engine, spec = VARIANTS[name]
        cfgs = [c.replace(engine=engine, attack=spec) for c in points]
        groups: dict[int, list[RunConfig]] = {}
        for c in cfgs:
            groups.setdefault(c.N, []).append(c)
        flops = 0.0
        for members in groups.values():
            flops += total(lambda k, m=members: _count_flops(lambda: algorithm1([c.replace(T_max=k) for c in m],
                                                                                 log=False)))
        t = time.perf_counter()
        for members in groups.values():
            algorithm1(members, log=False)
        secs = time.perf_counter() - t
        result.engines.append(EngineTiming(name, secs, flops, name in EXACT))
        say(f"bovit {name}: {secs:.2f} s, {base_s / secs:.2f}x the baseline")
        diffs = []  # exactness: the weights after one iteration, against the baseline's
        for c in points:
            ours = algorithm1([c.replace(engine=engine, attack=spec, T_max=1)], log=False).weights
            theirs = baseline_train(c, 1)
            diffs.append(float((ours.W_V - theirs.W_V).abs().max() / theirs.W_V.abs().max()))
        result.max_weight_diff[name] = max(diffs)
    # attack strength, on models trained until the robust loss is below ε (or strength_iterations)
    trained_cfgs = [c.replace(T_max=strength_iterations, eps=0.01, engine="auto") for c in points]
    by_n: dict[int, list[RunConfig]] = {}
    for c in trained_cfgs:
        by_n.setdefault(c.N, []).append(c)
    members = [c for N in sorted(by_n) for c in by_n[N]]
    runs = [algorithm1(by_n[N], log=False).weights for N in sorted(by_n)]
    stacked = Weights(*(torch.cat([getattr(w, k) for w in runs]) for k in ("W_Q", "W_K", "W_V", "w_O")))
    result.strength = _strength(members, stacked, n_test, engines)
    result.strength_points = [f"N={c.N}, SNR={c.snr:g}" for c in members]
    ref = result.strength["direct"]
    for e, rows in result.strength.items():
        if e != "direct":
            result.strength_ok[e] = all(r["lo"] <= x["rate"] <= r["hi"] for r, x in zip(ref, rows, strict=True))
    return result


# ---- whole runs: training to the stopping rule, then evaluation --------------------------------------------


def baseline_evaluate(c: RunConfig, w: Weights, chunk: int = 250) -> tuple[int, int]:
    """A run's test evaluation, plainly: on c.n_test fresh points (the draws bovit's evaluation uses), the
    clean errors and the errors of Section 6's ℓ2 PGD at τ (:func:`_pgd_baseline`, literal eq. (1))."""
    sig = make_signals(c.d, c.signal_norm, c.signal, c.seed, torch.float32)
    W = [w.W_Q[0, 0], w.W_K[0, 0], w.W_V[0, 0], w.w_O[0]]
    clean = robust = 0
    for X, y in held_out_chunks(c.n_test, [sig], [c.sigma_p], [c.seed], c.M, c.noise, torch.float32, chunk):
        X, y = X[0], y[0]
        with torch.no_grad():
            clean += int((y * _f_literal(W[0], W[1], W[2], W[3], X) <= 0).sum())
        X_adv = _pgd_baseline(W, X, y, c.tau, c.test_attack.steps, c.test_attack.step_rel * c.tau)
        with torch.no_grad():
            robust += int((y * _f_literal(W[0], W[1], W[2], W[3], X_adv) <= 0).sum())
    return clean, robust


def whole_points(T_max: int = 150, n_test: int = 1000) -> list[RunConfig]:
    """:func:`bench_points` as whole runs: the paper's ε = 0.01 stopping rule within T_max iterations, n_test
    test points each (the report's evaluation: the test attack, the certificate, Theorem 4.3's midpoint attacks)."""
    return [c.replace(T_max=T_max, eps=0.01, n_test=n_test) for c in bench_points()]


@dataclass
class WholeResult:
    """Whole runs timed side by side: seconds of training and of evaluation, bovit's and the baseline's."""

    points: int
    T_max: int
    n_test: int
    iterations: list[int]  # bovit's iterations per point (the baseline stops by the same rule)
    base_train: float
    base_eval: float
    train: float
    eval: float
    train_flops: float
    eval_flops: float
    peak_fp32: float

    @property
    def speedups(self) -> dict[str, float]:
        return {"whole": (self.base_train + self.base_eval) / (self.train + self.eval),
                "training": self.base_train / self.train, "evaluation": self.base_eval / self.eval}

    def gflops(self, part: str) -> float:
        flops, secs = (self.train_flops, self.train) if part == "training" else (self.eval_flops, self.eval)
        return flops / secs / 1e9

    def as_json(self) -> dict[str, object]:
        out = dataclasses.asdict(self)
        out["speedups"] = self.speedups
        out["gflops"] = {p: self.gflops(p) for p in ("training", "evaluation")}
        return out


def bench_whole(T_max: int = 150, n_test: int = 1000, peak_fp32: float | None = None,
                log: Callable[[str], object] | None = print) -> WholeResult:
    """Time whole runs of :func:`whole_points`: the baseline (per point, :func:`baseline_train` then
    :func:`baseline_evaluate`) against bovit's (each N a batched group: Algorithm 1, then its evaluation), in one
    process, with training and evaluation timed apart; bovit's FLOPs are counted in a second, untimed pass.

    The baseline's evaluation is the test attack alone; bovit's also computes the certified bound, Theorem 4.3's
    midpoint attacks and the per-point margins the claims read, so its evaluation ratio understates the speed-up
    on equal work."""
    T_max, n_test = int(T_max), int(n_test)
    if T_max < 1:
        raise ValueError(f"T_max must be >= 1, got {T_max}")
    if n_test < 1:
        raise ValueError(f"n_test must be >= 1, got {n_test}")
    say = log or (lambda *_: None)
    points = whole_points(T_max, n_test)
    peak = matmul_peak(torch.float32) if peak_fp32 is None else float(peak_fp32)
    base_train = base_eval = 0.0
    for c in points:
        t = time.perf_counter()
        w = baseline_train(c, T_max)
        base_train += time.perf_counter() - t
        t = time.perf_counter()
        baseline_evaluate(c, w)
        base_eval += time.perf_counter() - t
    say(f"baseline whole runs: {base_train:.1f} s training + {base_eval:.1f} s evaluation")
    groups: dict[int, list[RunConfig]] = {}
    for c in points:
        groups.setdefault(c.N, []).append(c)
    dev = torch.device("cpu")
    train_s = eval_s = 0.0
    iterations: list[int] = []
    for members in groups.values():
        t = time.perf_counter()
        tr = _algorithm1(members, dev, None)
        train_s += time.perf_counter() - t
        t = time.perf_counter()
        _evaluate(members, tr.weights, tr.signals, dev)
        eval_s += time.perf_counter() - t
        iterations += tr.iterations
    say(f"bovit whole runs: {train_s:.1f} s training + {eval_s:.1f} s evaluation")
    train_flops = eval_flops = 0.0
    for members in groups.values():
        with FlopCounterMode(display=False) as counter:
            tr = _algorithm1(members, dev, None)
        train_flops += counter.get_total_flops()
        with FlopCounterMode(display=False) as counter:
            _evaluate(members, tr.weights, tr.signals, dev)
        eval_flops += counter.get_total_flops()
    return WholeResult(len(points), T_max, n_test, iterations, base_train, base_eval, train_s, eval_s,
                       float(train_flops), float(eval_flops), peak)
