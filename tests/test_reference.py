"""The reference classifiers of bounds.reference: each closed-form robust error against a direct numerical
computation on Definition 3.1's data (sampled with numpy), under the per-token ℓ₂ budget of B(X, τ).

- the exact worst case of each classifier, applied to sampled data, gives the closed form's error rate;
- a brute-force search over perturbation directions (small d, every token moved) finds no worse point than the
  signal-token classifier's closed-form worst case, and gets as close to it as the search's resolution allows;
- the tie at r = 1/√2 (the midpoint, f = 0) counts as an error, decided exactly;
- no linear classifier of the tokens keeps a coupled pair from r = 1/√2 on (the bound the midpoint-optimal
  reference attains), while the signal-token classifier keeps every pair below it;
- bad radii raise one ValueError naming r.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from bounds import formulas
from bounds.reference import (
    CONSTANT,
    MIDPOINT_OPTIMAL,
    REFERENCES,
    SIGNAL_TOKEN,
    SIGNAL_TOKEN_MARGIN,
    constant_decision,
    signal_token_decision,
    signal_token_worst_case,
    smallest_robust_error,
)
from bounds.symbolic import S

SHARP = 1 / math.sqrt(2)
RADII = (0.0, 0.3, 0.5, 0.6, 0.7, 0.7071, 0.7072, 0.75, 1.0, 1.5)


def sample(rng: np.random.Generator, n: int, M: int = 4, d: int = 16, mu: float = 3.0, sigma_p: float = 0.7,
           coupled: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Definition 3.1's data: random orthogonal µ± of norm ``mu``, y Rademacher, x₁ = µ_y, noise tokens
    N(0, σ_p²·(I − µ₊µ₊ᵀ/‖µ‖² − µ₋µ₋ᵀ/‖µ‖²)). ``coupled``: n pairs (µ₊, ξ), (µ₋, ξ), positives first."""
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    mu_p, mu_m = mu * Q[:, 0], mu * Q[:, 1]
    P = np.eye(d) - np.outer(mu_p, mu_p) / mu**2 - np.outer(mu_m, mu_m) / mu**2
    noise = sigma_p * rng.standard_normal((n, M - 1, d)) @ P
    if coupled:
        y = np.concatenate([np.ones(n), -np.ones(n)])
        noise = np.concatenate([noise, noise])
    else:
        y = rng.choice([-1.0, 1.0], n)
    X = np.empty((len(y), M, d))
    X[:, 0] = np.where(y[:, None] > 0, mu_p, mu_m)
    X[:, 1:] = noise
    return X, y, mu_p, mu_m


def token_norms(D: np.ndarray) -> np.ndarray:
    return np.linalg.norm(D, axis=-1)


def test_sampled_data_is_definition_3_1() -> None:
    X, _, mu_p, mu_m = sample(np.random.default_rng(0), 200)
    assert abs(mu_p @ mu_m) < 1e-9 and np.linalg.norm(mu_p) == pytest.approx(np.linalg.norm(mu_m))
    assert np.abs(X[:, 1:] @ mu_p).max() < 1e-9 and np.abs(X[:, 1:] @ mu_m).max() < 1e-9


# ---- the constant classifier ---------------------------------------------------------------------------------


def test_constant_classifier_errs_on_the_negative_class_at_every_radius() -> None:
    rng = np.random.default_rng(1)
    n = 20000
    X, y, _, _ = sample(rng, n)
    for r in RADII:
        tau = r * 3.0
        D = rng.standard_normal(X.shape)
        D *= tau / token_norms(D)[..., None]  # every token moved by exactly τ: f cannot change
        f = constant_decision(X + D)
        err = np.mean(y * f <= 0)
        assert err == np.mean(y < 0)  # exactly the negatives, whatever the perturbation
        assert abs(err - float(CONSTANT.robust_error(r))) < 5 * math.sqrt(0.25 / n)
        assert CONSTANT.pairs_both_correct(r) == 0


def test_a_zero_constant_is_refused() -> None:
    with pytest.raises(ValueError, match="c must be nonzero"):
        constant_decision(np.zeros((2, 3, 4)), 0.0)


# ---- the signal-token classifier -------------------------------------------------------------------------


@pytest.mark.parametrize("r", RADII)
def test_signal_token_closed_form_matches_its_exact_worst_case(r: float) -> None:
    X, y, mu_p, mu_m = sample(np.random.default_rng(2), 500, mu=2.5)
    tau = r * 2.5
    Xt = signal_token_worst_case(X, y, mu_p, mu_m, tau)
    assert token_norms(Xt - X).max() <= tau * (1 + 1e-12)  # inside B(X, τ), token by token
    assert np.array_equal(Xt[:, 1:], X[:, 1:])
    margins = y * signal_token_decision(Xt, mu_p, mu_m)
    # the worst margin is ‖µ‖²(1 − √2·r) for every example, whatever its class and noise
    want = float(SIGNAL_TOKEN_MARGIN.subs({S.m: 2.5, S.tau_in: tau}))
    assert margins == pytest.approx(np.full(len(y), want), abs=1e-9)
    assert np.mean(margins <= 0) == float(SIGNAL_TOKEN.robust_error(r))
    clean = y * signal_token_decision(X, mu_p, mu_m)
    assert np.mean(clean > 0) == 1.0
    both = np.mean(margins > 0)  # every pair or none: the margin does not depend on ξ
    assert both == float(SIGNAL_TOKEN.pairs_both_correct(r))


def _sphere(k: int) -> np.ndarray:
    """k nearly uniform unit vectors of R³ (a Fibonacci lattice: neighbours within about √(4π/k))."""
    i = np.arange(k) + 0.5
    z = 1 - 2 * i / k
    phi = math.pi * (1 + math.sqrt(5)) * i
    rho = np.sqrt(1 - z**2)
    return np.stack([rho * np.cos(phi), rho * np.sin(phi), z], axis=1)


@pytest.mark.parametrize("r", (0.3, 0.6, 0.69, 0.72, 0.76, 1.0))
def test_brute_force_over_directions_finds_nothing_worse_than_the_closed_form(r: float) -> None:
    """d = 3 (µ₊, µ₋ and one noise direction), M = 3: every token moved by τ along each of 20000 directions
    (the signal token) and random ones (the noise tokens); the ball's linear minimum lies on its sphere."""
    rng = np.random.default_rng(3)
    mu = 1.7
    X, y, mu_p, mu_m = sample(rng, 40, M=3, d=3, mu=mu)
    tau = r * mu
    dirs = _sphere(20000)
    worst = np.empty(len(y))
    for i in range(len(y)):
        cand = np.repeat(X[i][None], len(dirs), axis=0)
        cand[:, 0] += tau * dirs
        noise = rng.standard_normal((len(dirs), 2, 3))
        cand[:, 1:] += tau * noise / token_norms(noise)[..., None]
        worst[i] = (y[i] * signal_token_decision(cand, mu_p, mu_m)).min()
    exact = mu**2 * (1 - math.sqrt(2) * r)
    assert worst.min() >= exact - 1e-9  # no direction beats Cauchy–Schwarz
    # and the search gets within its resolution (angle ≤ 0.03 rad: 1 − cos ≤ 5e-4) of it
    assert worst.max() <= exact + tau * math.sqrt(2) * mu * 5e-4
    assert np.mean(worst <= 0) == float(SIGNAL_TOKEN.robust_error(r))


def test_the_tie_at_the_threshold_is_an_error() -> None:
    """At r = 1/√2 the worst point is the midpoint (µ₊ + µ₋)/2, where f = 0 exactly: y·f ≤ 0 is an error."""
    mu = 2.0
    mu_p, mu_m = np.array([mu, 0.0, 0.0]), np.array([0.0, mu, 0.0])
    X = np.zeros((2, 2, 3))
    X[:, 0] = (mu_p + mu_m) / 2
    f = signal_token_decision(X, mu_p, mu_m)
    assert np.all(f == 0)
    assert np.linalg.norm(mu_p - X[0, 0]) == pytest.approx(mu * SHARP)
    assert SIGNAL_TOKEN.robust_error(sp.sqrt(2) / 2) == 1 and SIGNAL_TOKEN.pairs_both_correct(sp.sqrt(2) / 2) == 0
    assert SIGNAL_TOKEN.robust_error(sp.Rational(7071, 10000)) == 0  # just below 0.70710678…
    # a float radius is judged by the binary fraction it holds: 2r² ≥ 1 exactly
    for r in (SHARP, math.nextafter(SHARP, 0), math.nextafter(SHARP, 1), 0.7071, 0.7072):
        assert SIGNAL_TOKEN.robust_error(r) == (1 if 2 * Fraction(r) ** 2 >= 1 else 0)


def test_the_signal_token_margin_vanishes_at_theorem_4_3s_sharpened_radius() -> None:
    t = sp.solve(SIGNAL_TOKEN_MARGIN.subs(S.tau_in, S.tau_in * S.m), S.tau_in)
    assert t == [formulas.SHARP_RADIUS.expr]


# ---- the midpoint-optimal classifier and the bound it attains -----------------------------------------------


@pytest.mark.parametrize("r", RADII)
def test_midpoint_optimal_closed_form_matches_its_worst_case(r: float) -> None:
    rng = np.random.default_rng(4)
    n = 20000
    X, y, mu_p, mu_m = sample(rng, n, mu=1.3)
    if 2 * Fraction(r) ** 2 >= 1:  # the constant classifier
        err = np.mean(y * constant_decision(X) <= 0)
        assert abs(err - float(MIDPOINT_OPTIMAL.robust_error(r))) < 5 * math.sqrt(0.25 / n)
    else:  # the signal-token classifier at its worst case
        Xt = signal_token_worst_case(X, y, mu_p, mu_m, r * 1.3)
        assert np.mean(y * signal_token_decision(Xt, mu_p, mu_m) <= 0) == float(MIDPOINT_OPTIMAL.robust_error(r))
    assert MIDPOINT_OPTIMAL.robust_error(r) == min(CONSTANT.robust_error(r), SIGNAL_TOKEN.robust_error(r))
    assert smallest_robust_error(r)[0] == MIDPOINT_OPTIMAL.robust_error(r)


@pytest.mark.parametrize("r", (0.7072, 0.75, 1.0))
def test_no_linear_classifier_keeps_a_coupled_pair_from_the_threshold_on(r: float) -> None:
    """f(X) = Σ_m ⟨x_m, w_m⟩ + c has worst case y·f(X) − τ·Σ_m ‖w_m‖ under the per-token budget; at
    r ≥ 1/√2 one member of every coupled pair is wrong, for 300 random (w, c), as T4.3.sharp says."""
    rng = np.random.default_rng(5)
    mu = 2.0
    X, y, _, _ = sample(rng, 200, M=3, d=8, mu=mu, coupled=True)
    n = len(y) // 2
    for _ in range(300):
        W = rng.standard_normal((3, 8)) * rng.uniform(0.1, 3, (3, 1))
        c = rng.normal(0, 5)
        robust = y * (np.einsum("bmd,md->b", X, W) + c) - r * mu * np.linalg.norm(W, axis=1).sum()
        ok = robust > 0
        assert not np.any(ok[:n] & ok[n:])
        assert np.mean(~ok) >= float(MIDPOINT_OPTIMAL.robust_error(r))


def test_below_the_threshold_the_signal_token_classifier_keeps_every_pair() -> None:
    X, y, mu_p, mu_m = sample(np.random.default_rng(6), 100, coupled=True)
    n = len(y) // 2
    Xt = signal_token_worst_case(X, y, mu_p, mu_m, 0.70 * 3.0)
    ok = y * signal_token_decision(Xt, mu_p, mu_m) > 0
    assert np.all(ok[:n] & ok[n:]) and SIGNAL_TOKEN.pairs_both_correct(0.70) == 1


# ---- input validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", REFERENCES, ids=lambda ref: ref.id)
@pytest.mark.parametrize(("r", "message"), [
    (-0.1, "r must be >= 0, got -0.1"),
    (float("nan"), "r must be finite, got nan"),
    (float("inf"), "r must be finite, got inf"),
    (sp.nan, "r must be finite, got nan"),
    (-sp.sqrt(2), "r must be >= 0"),
    (sp.I, "r must be a real number, got I"),
    ("x", "r must be a number, got 'x'"),
    (True, "r must be a number, got True"),
])
def test_a_bad_radius_raises_one_error_naming_r(ref: object, r: object, message: str) -> None:
    for fn in (ref.robust_error, ref.pairs_both_correct):  # type: ignore[attr-defined]
        with pytest.raises(ValueError, match=f"^{message}") as info:
            fn(r)
        assert "\n" not in str(info.value)


def test_bad_arrays_are_refused() -> None:
    mu = np.ones(4)
    with pytest.raises(ValueError, match="X must have shape"):
        signal_token_decision(np.zeros(4), mu, -mu)
    with pytest.raises(ValueError, match=r"mu_plus and mu_minus must have shape \(4,\)"):
        signal_token_decision(np.zeros((2, 3, 4)), np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="tau must be >= 0"):
        signal_token_worst_case(np.zeros((2, 3, 4)), np.ones(2), mu, -mu, -1.0)
    with pytest.raises(ValueError, match="y must have shape"):
        signal_token_worst_case(np.zeros((2, 3, 4)), np.ones(3), mu, -mu, 1.0)


# ---- the Theorem 4.3 checks read the references ------------------------------------------------------------


def _fake_runs(errors: float = 1.0, pairs: dict[float, int] | None = None, n: int = 400) -> list[tuple[object, object]]:
    """Two trained-model records as the Theorem 4.3 checks read them: the midpoint attack's and the certificate's
    error counts (a fraction ``errors`` of n at every radius) and the surviving coupled pairs per radius."""
    from types import SimpleNamespace

    runs = []
    for seed in (0, 1):
        k = round(errors * n)
        res = SimpleNamespace(
            n_test=n, midpoint_errors_at=dict.fromkeys(formulas.MIDPOINT_RADII, k),
            midpoint_pairs_both_correct_at={r: (pairs or {}).get(r, 0) for r in formulas.MIDPOINT_RADII},
            at_tau_rel={r: SimpleNamespace(robust_errors_certified=k) for r in formulas.T43_EVAL_RADII})
        runs.append((SimpleNamespace(label=lambda seed=seed: f"fake[seed={seed}]"), SimpleNamespace(result=res)))
    return runs


def _verdict(claim_id: str, runs: list[tuple[object, object]]) -> tuple[str, str]:
    from checks.catalogue import claim
    from checks.profiles import PROFILES

    f = claim(claim_id).check(runs, PROFILES["ci"])  # type: ignore[arg-type]
    assert f.claim == claim_id
    assert any(row[0].startswith("reference") for row in f.evidence)
    return f.verdict, f.reason


def test_theorem_4_3_is_met_by_every_reference_with_room() -> None:
    verdict, reason = _verdict("T4.3", _fake_runs())
    assert verdict == "confirmed" and "smallest exact robust error 1/2, met with room 1/4" in reason
    verdict, reason = _verdict("T4.3.sharp", _fake_runs())
    assert verdict == "confirmed" and "attained: the bound is tight" in reason


@pytest.mark.parametrize(("mutant", "by"), [
    ("T4.3.mutant.half-radius", "signal-token classifier's exact robust error is 0 < 0.25 at τ/‖µ‖ = 0.5"),
    ("T4.3.mutant.three-quarters", "constant classifier's exact robust error is 1/2 < 0.75 at τ/‖µ‖ = 1"),
    ("T4.3.sharp.mutant.three-fifths", "signal-token classifier's exact robust error is 0 < 0.5 at τ/‖µ‖ = 0.6"),
    ("T4.3.sharp.mutant.three-quarters", "constant classifier's exact robust error is 1/2 < 0.75"),
    ("T4.3.sharp.threshold.mutant.paper-radius", "at τ/‖µ‖ = 0.75 the midpoint is within τ of both signals"),
])
def test_the_references_refute_each_mutant_even_where_every_model_agrees_with_it(mutant: str, by: str) -> None:
    """Models whose robust error is 1 at every radius and that keep no pair anywhere meet every mutant's bound:
    the references alone refute it."""
    verdict, reason = _verdict(mutant, _fake_runs())
    assert verdict == "refuted" and by in reason


def test_the_threshold_is_exhibited_by_the_signal_token_reference_when_no_model_shows_it() -> None:
    verdict, reason = _verdict("T4.3.sharp.threshold", _fake_runs())
    assert verdict == "confirmed" and "signal-token and midpoint-optimal" in reason and "0 of 800" in reason


def test_a_trained_model_still_refutes() -> None:
    inside = formulas.MIDPOINT_RADII[1]
    assert _verdict("T4.3.sharp", _fake_runs(pairs={inside: 3}))[0] == "refuted"
    assert _verdict("T4.3.sharp.threshold", _fake_runs(pairs={inside: 3}))[0] == "refuted"
    assert _verdict("T4.3", _fake_runs(errors=0.05))[0] == "refuted"  # certified count surely below 1/4
