"""Benchmark of the vectorised regime classification against the per-point baseline.

Draws random points around the paper's Section 6 setting (log-uniform over wide ranges), times
:func:`bounds.regime.classify_many` on all of them, times :func:`bounds.regime.regime` point by
point on a subset, checks that the two agree on that subset, and reports both rates and the ratio.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from bounds.params import Constants, Params
from bounds.regime import REGIMES, RegimeName, classify_many, regime
from bounds.validate import positive_int

__all__ = ["BenchResult", "bench_classify", "random_columns"]


@dataclass(frozen=True)
class BenchResult:
    points: int
    seconds: float
    baseline_points: int
    baseline_seconds: float
    agree: bool
    counts: dict[RegimeName, int]

    @property
    def rate(self) -> float:
        return self.points / self.seconds

    @property
    def baseline_rate(self) -> float:
        return self.baseline_points / self.baseline_seconds

    def as_json(self) -> dict[str, object]:
        return {"points": self.points, "seconds": self.seconds, "points_per_second": self.rate,
                "baseline_points": self.baseline_points, "baseline_seconds": self.baseline_seconds,
                "baseline_points_per_second": self.baseline_rate, "speedup": self.rate / self.baseline_rate,
                "agree_on_baseline_subset": self.agree, "regime_counts": self.counts}


def random_columns(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` random ℓ₂ points spanning the paper's settings and Condition 4.1's huge-d corner."""
    rng = np.random.default_rng(seed)

    def logu(lo: float, hi: float) -> np.ndarray:
        return np.exp(rng.uniform(np.log(lo), np.log(hi), n))

    d = np.round(logu(2, 1e14))
    sigma_p = logu(1e-3, 10)
    snr = logu(0.05, 50)
    mu = snr * sigma_p * np.sqrt(d)
    return {
        "d": d, "dh": np.round(logu(2, 1e9)), "N": np.round(logu(1, 1e4)), "M": np.round(logu(2, 64)),
        "mu": mu, "sigma_p": sigma_p, "tau": mu * rng.uniform(0, 1.5, n), "eta": logu(1e-20, 1),
        "eps": logu(1e-4, 0.5), "delta": logu(1e-4, 0.5), "sigma_h": logu(1e-12, 1e-1),
        "sigma_V": logu(1e-16, 1e-1), "w_O": logu(0.5, 2),
    }


def bench_classify(points: int = 1_000_000, baseline_points: int = 300, seed: int = 0,
                   consts: Constants | None = None) -> BenchResult:
    """Time the vectorised classifier on ``points`` points and the per-point one on a subset."""
    n = positive_int("points", points)
    nb = min(positive_int("baseline_points", baseline_points), n)
    consts = consts or Constants()
    cols = random_columns(n, seed)
    classify_many({k: v[:2] for k, v in cols.items()}, consts)  # lambdify outside the timing
    t0 = time.perf_counter()
    codes = classify_many(cols, consts)
    seconds = time.perf_counter() - t0

    regime(Params(d=2), consts)  # warm the per-point path too
    t0 = time.perf_counter()
    names = []
    for i in range(nb):
        p = Params(d=int(cols["d"][i]), dh=int(cols["dh"][i]), N=int(cols["N"][i]), M=int(cols["M"][i]),
                   mu=float(cols["mu"][i]), sigma_p=float(cols["sigma_p"][i]), tau=float(cols["tau"][i]),
                   eta=float(cols["eta"][i]), eps=float(cols["eps"][i]), delta=float(cols["delta"][i]),
                   sigma_h=float(cols["sigma_h"][i]), sigma_V=float(cols["sigma_V"][i]), w_O=float(cols["w_O"][i]))
        names.append(regime(p, consts).regime)
    baseline_seconds = time.perf_counter() - t0
    agree = all(REGIMES[c] == name for c, name in zip(codes[:nb], names, strict=True))
    counts = {name: int(np.sum(codes == i)) for i, name in enumerate(REGIMES)}
    return BenchResult(n, seconds, nb, baseline_seconds, agree, counts)
