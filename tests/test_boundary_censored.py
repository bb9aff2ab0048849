"""checks.experiments' phase-boundary slope: censored curves stay in the fit, and the slope is confirmed
only by an equivalence test. Hand-made grids whose accuracy is a smooth step at a known SNR*(N)."""

from __future__ import annotations

import math
from collections.abc import Callable

from bounds import formulas
from checks.experiments import boundary_check, locate_boundary, slope_verdict
from checks.profiles import PROFILES
from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import RunRecord

NS = (2, 8, 32, 128)
SNRS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
SEEDS = (0, 1, 2)
N_TEST = 4000


def grid(snr_star: Callable[[int, int], float]) -> list[tuple[RunConfig, RunRecord]]:
    """Accuracy 1/2 + 1/2·sigmoid(4·log(SNR/SNR*)) for clean and robust alike: its midpoint 3/4 is crossed at
    SNR*(N, seed)."""
    out = []
    for N in NS:
        for s in SNRS:
            for seed in SEEDS:
                c = RunConfig(N=N, snr=s, seed=seed, d=16, M=4, dh=8, dv=8)
                acc = 0.5 + 0.5 / (1 + math.exp(-4 * math.log(s / snr_star(N, seed))))
                k = round((1 - acc) * N_TEST)
                res = RunResult(iterations=0, converged=True, final_robust_loss=0.0, final_clean_loss=0.0,
                                n_test=N_TEST, clean_errors=k, robust_errors_attack=k, robust_errors_certified=k,
                                at_tau_rel={})
                out.append((c, RunRecord(c.key("t"), c.as_dict(), res, [], 0.0, "t", 0.0)))
    return out


def _jitter(seed: int) -> float:
    return (1.0, 1.08, 0.93)[seed]


def test_a_curve_that_never_crosses_stays_in_the_fit_as_right_censored() -> None:
    # SNR* = 16/√N: at N = 2 it is 11.3, above the grid's largest SNR 8
    recs = grid(lambda N, seed: 16 / math.sqrt(N) * _jitter(seed))
    b = locate_boundary(recs, "robust", 0.95)
    assert sorted(b.above) == [(2, s) for s in SEEDS] and not b.below
    assert b.slope is not None and abs(b.slope + 0.5) < 0.05


def test_dropping_the_censored_curves_would_bias_the_slope_and_the_censored_fit_does_not() -> None:
    # a boundary that bends: SNR* = 4/√N for N ≥ 8 but 40 at N = 2 (never crossed); the censored rows pull the
    # slope steeper than the crossings alone, which stay on −1/2
    recs = grid(lambda N, seed: (40.0 if N == 2 else 4 / math.sqrt(N)) * _jitter(seed))
    b = locate_boundary(recs, "robust", 0.95)
    assert b.slope is not None and b.slope < -0.55


def test_a_slope_of_minus_one_half_is_confirmed_and_minus_one_refuted() -> None:
    half = boundary_check("B", formulas.BOUNDARY)(grid(lambda N, seed: 4 / math.sqrt(N) * _jitter(seed)),
                                                   PROFILES["ci"])
    assert half.verdict == "confirmed", half.reason
    one = boundary_check("B", formulas.BOUNDARY)(grid(lambda N, seed: 16 / N * _jitter(seed)), PROFILES["ci"])
    assert one.verdict == "refuted", one.reason
    assert "slope" in one.key


def test_a_wide_interval_that_contains_the_prediction_does_not_confirm() -> None:
    # two seeds whose SNR* disagree by factors of 4 make the slope's interval wide
    recs = grid(lambda N, seed: 4 / math.sqrt(N) * (0.25, 4.0, 1.0)[seed] ** ((N % 3) - 1))
    b = locate_boundary(recs, "robust", 0.95)
    v, text = slope_verdict(b, -0.5)
    assert b.interval is not None and b.interval[0] < -0.75 and v != "confirmed", text


def test_left_censored_curves_are_bounds_that_can_leave_the_verdict_open() -> None:
    # SNR* = 0.1 at N = 128 (below the grid): left-censored
    recs = grid(lambda N, seed: (0.1 if N == 128 else 4 / math.sqrt(N)) * _jitter(seed))
    b = locate_boundary(recs, "robust", 0.95)
    assert sorted(b.below) == [(128, s) for s in SEEDS]
    assert b.slope_edge is not None


def test_training_classes_counts_the_labels_the_simulation_draws() -> None:
    import torch

    from checks.scope import training_classes
    from simulate.data import _sample, generator, make_signals

    sig = make_signals(8, 1.0)
    for N in (2, 3, 5, 12):
        for seed in range(6):
            _, y = _sample(N, sig, 1.0, 2, "isotropic", generator(seed, "train"), torch.float64)
            c = RunConfig(N=N, snr=1.0, seed=seed, d=8, M=2, dh=4, dv=4)
            assert training_classes(c) == len(set(y.tolist())), (N, seed)
    # at N = 2 some seeds draw one class: the grids below have such a curve (N = 2, seed 1)
    assert training_classes(RunConfig(N=2, snr=1.0, seed=1, d=8, M=2, dh=4, dv=4)) == 1


def test_a_curve_trained_on_one_class_is_out_of_scope_not_censored() -> None:
    # SNR* = 4/√N, except that the one-class curve (N = 2, seed 1) stays at chance at every SNR: as a right-censored
    # curve it would pull the slope steeper; out of scope, the slope stays −1/2 and the reason names the curve
    base = grid(lambda N, seed: 4 / math.sqrt(N) * _jitter(seed))
    chance = [(c, RunRecord(rec.key, rec.config, RunResult(
        iterations=0, converged=True, final_robust_loss=0.0, final_clean_loss=0.0, n_test=N_TEST,
        clean_errors=N_TEST // 2, robust_errors_attack=N_TEST // 2, robust_errors_certified=N_TEST // 2,
        at_tau_rel={}), [], 0.0, "t", 0.0)) if (c.N, c.seed) == (2, 1) else (c, rec) for c, rec in base]
    assert locate_boundary(chance, "robust", 0.95).above == ((2, 1),)
    f = boundary_check("B", formulas.BOUNDARY)(chance, PROFILES["ci"])
    assert f.verdict == "confirmed", f.reason
    assert "1 of 12 curves out of scope" in f.reason and "N = 2 seed 1" in f.reason
    assert any("one class" in row[-1] for row in f.evidence)
