"""hypothesis strategies for the claim searches: parameter points inside a claim's regime.

Each draws a RunConfig at the profile's dimensions. Values are rounded to two significant digits so
nearby draws share runs in the store (a repeated search trains nothing).

Every strategy also takes ``around``, a point already judged: it then draws a neighbour of that point
(checks.search steers this way toward its worst point). A neighbour is one draw of a seeded generator whose
seed hypothesis draws: hypothesis's preference for simple values (0, the first element) would otherwise make
its first neighbours the point itself and its N or seed changed alone, whatever the seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TypeVar

from hypothesis import strategies as st

from bounds import formulas
from bounds.regime import regime
from checks.profiles import Profile
from checks.scope import params_of
from simulate.config import RunConfig
from simulate.grid import scale, stable_eta, t42_grid

# a neighbourhood: the SNR within this factor of the centre's, the radius τ/‖µ‖ within this distance of it
NEAR_SNR_FACTOR = 1.5
NEAR_RADIUS = 0.1
# ... and N, the seed and a radius drawn from a list kept with this probability each
NEAR_KEEP = 0.5
# Theorem 4.2's two cases as bounds.regime names them (nominally: Condition 4.1 ignored)
CASES = ("case1", "case2")
T = TypeVar("T")


def _two_digits(x: float) -> float:
    return float(f"{x:.2g}")


def snrs(low: float, high: float) -> st.SearchStrategy[float]:
    """SNR drawn log-uniformly in [low, high], two significant digits."""
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high, got low={low!r}, high={high!r}")
    return st.floats(math.log(low), math.log(high)).map(lambda x: _two_digits(math.exp(x)))


def radii(low: float, high: float) -> st.SearchStrategy[float]:
    """An evaluation radius τ/‖µ‖ in [low, high], two significant digits (kept inside the interval); a draw
    below RADIUS_FLOOR is ``low`` itself (a radius of 1e-38·‖µ‖ is clean training written another way, and a
    RunConfig refuses a τ whose square is not a normal number)."""
    if not 0 <= low < high:
        raise ValueError(f"need 0 <= low < high, got low={low!r}, high={high!r}")
    return st.floats(low, high).map(lambda r: min(max(_two_digits(r), low), high) if r >= RADIUS_FLOOR else low)


RADIUS_FLOOR = 1e-4


def _clip(x: float, low: float, high: float) -> float:
    return min(max(_two_digits(x), low), high)


def neighbours() -> st.SearchStrategy[random.Random]:
    """The generator of one neighbour, seeded by hypothesis (every seed gives a pseudo-random neighbour)."""
    return st.integers(0, 2**32 - 1).map(random.Random)


def near_snr(rng: random.Random, center: float, low: float, high: float) -> float:
    """An SNR log-uniform within NEAR_SNR_FACTOR of ``center``, clipped to [low, high]."""
    if not 0 < low <= high:
        raise ValueError(f"need 0 < low <= high, got low={low!r}, high={high!r}")
    w = math.log(NEAR_SNR_FACTOR)
    return _clip(center * math.exp(rng.uniform(-w, w)), low, high)


def near_radius(rng: random.Random, center: float, low: float, high: float) -> float:
    """A radius τ/‖µ‖ uniform within NEAR_RADIUS of ``center``, clipped to [low, high]."""
    if not 0 <= low <= high:
        raise ValueError(f"need 0 <= low <= high, got low={low!r}, high={high!r}")
    return _clip(center + rng.uniform(-NEAR_RADIUS, NEAR_RADIUS), low, high)


def near_choice(rng: random.Random, center: T, values: Sequence[T], keep: float) -> T:
    """``center`` with probability ``keep`` (or when it is the only value), else another of ``values``."""
    if not values:
        raise ValueError("values must not be empty, got none")
    others = [v for v in values if v != center]
    return center if not others or rng.random() < keep else rng.choice(others)


def _Ns(profile: Profile) -> list[int]:
    return sorted({max(4, profile.N // 2), profile.N})


@st.composite
def trained_point(draw: st.DrawFn, profile: Profile, *, snr_range: tuple[float, float] | None = None,
                  tau_rels: tuple[float, ...] = (0.02, 0.05, 0.1), M: int | None = None,
                  eval_tau_rels: tuple[float, ...] = (), around: RunConfig | None = None) -> RunConfig:
    """A model trained at the profile's sizes: N, SNR, training τ/‖µ‖ and seed drawn; evaluated also at
    ``eval_tau_rels``; near ``around`` when it is given."""
    if not isinstance(profile, Profile):
        raise ValueError(f"profile must be a Profile, got {profile!r}")
    lo, hi = snr_range or (min(profile.snrs), 2 * max(profile.snrs))
    if around is None:
        N = draw(st.sampled_from(_Ns(profile)))
        snr = draw(snrs(lo, hi))
        tau_rel = draw(st.sampled_from(tau_rels))
        seed = draw(st.sampled_from(profile.seeds))
    else:
        assert around.snr is not None  # a RunConfig computes its SNR on construction
        rng = draw(neighbours())
        N = near_choice(rng, around.N, _Ns(profile), NEAR_KEEP)
        snr = near_snr(rng, around.snr, lo, hi)
        tau_rel = near_choice(rng, around.tau_rel, tau_rels, NEAR_KEEP)
        seed = near_choice(rng, around.seed, profile.seeds, NEAR_KEEP)
    dims = profile.dims
    return RunConfig(d=dims["d"], M=dims["M"] if M is None else M, dh=dims["dh"], dv=dims["dv"], N=N,
                     snr=snr, tau_rel=tau_rel, seed=seed, T_max=profile.T_max, n_test=profile.n_test,
                     eval_tau_rels=eval_tau_rels)


def case_of(c: RunConfig) -> str:
    """Theorem 4.2's case of a run as bounds.regime classifies it nominally (Condition 4.1 ignored, unit
    constants): ``case1``, ``case2``, or the regime it is in instead (``gap``, ``unmet``, ``thm4.3``)."""
    if not isinstance(c, RunConfig):
        raise ValueError(f"c must be a RunConfig, got {c!r}")
    return regime(params_of(c)).nominal


def case_ranges(profile: Profile, case: str, N: int) -> tuple[tuple[float, float], tuple[float, float], float]:
    """Theorem 4.2's case at the profile's sizes and N, at unit constants: the SNR range searched (from the
    case's N·SNR² hypothesis, N·SNR² ≥ 1 in Case 1 and ≥ 1/ε in Case 2, up to twice the profile's largest SNR
    or four times the lower end), the radius range τ/‖µ‖ (Case 1: [0, 1/ln d_h]; Case 2: (1/ln d_h, 1)) and
    the ε trained to (Theorem 4.2's error grid's for Case 1, its Case-2 runs' for Case 2)."""
    if case not in CASES:
        raise ValueError(f"case must be one of {', '.join(CASES)}, got {case!r}")
    if isinstance(N, bool) or not isinstance(N, int) or N < 1:
        raise ValueError(f"N must be a positive integer, got {N!r}")
    g = t42_grid(profile.name)
    edge = float(formulas.CASE2_TAU_LO(dh=profile.dims["dh"]))
    eps = g.error_eps if case == "case1" else g.case2_eps
    snr_lo = _two_digits(1.01 / math.sqrt(N if case == "case1" else N * eps))  # just inside N·SNR² ≥ c_A (/ε)
    snr_hi = max(2 * max(profile.snrs), 4 * snr_lo)
    tau = (0.0, edge) if case == "case1" else (edge, 1.0)
    return (snr_lo, snr_hi), tau, eps


@st.composite
def t42_point(draw: st.DrawFn, profile: Profile, around: RunConfig | None = None) -> RunConfig:
    """A point of Theorem 4.2's regime at the profile's sizes: its case (``case1``, ``case2``), N, SNR,
    τ/‖µ‖ (trained and tested at the same radius) and seed drawn inside the case's hypotheses as
    bounds.regime decides them nominally (points it places elsewhere are rejected); η such that η·‖µ‖² =
    simulate.grid.STABLE_ETA_MU2 (simulate.grid.stable_eta), so gradient descent does not diverge at any
    SNR drawn; T_max that of Theorem 4.2's error grid. Near ``around`` (same case) when it is given."""
    if not isinstance(profile, Profile):
        raise ValueError(f"profile must be a Profile, got {profile!r}")
    if around is None:
        case = draw(st.sampled_from(CASES))
        N = draw(st.sampled_from(_Ns(profile)))
        seed = draw(st.sampled_from(profile.seeds))
    else:
        case = case_of(around)
        if case not in CASES:
            raise ValueError(f"around must be a point of Case 1 or Case 2, got {around.label()} ({case})")
        rng = draw(neighbours())
        N = near_choice(rng, around.N, _Ns(profile), NEAR_KEEP)
        seed = near_choice(rng, around.seed, profile.seeds, NEAR_KEEP)
    (snr_lo, snr_hi), (r_lo, r_hi), eps = case_ranges(profile, case, N)
    if around is None:
        snr = draw(snrs(snr_lo, snr_hi))
        r = draw(radii(r_lo, r_hi))
    else:
        assert around.snr is not None  # a RunConfig computes its SNR on construction
        snr = near_snr(rng, around.snr, snr_lo, snr_hi)
        r = near_radius(rng, around.tau_rel, r_lo, r_hi)
    dims, s = profile.dims, scale(profile.name)
    c = RunConfig(d=dims["d"], M=dims["M"], dh=dims["dh"], dv=dims["dv"], N=N, snr=snr, tau_rel=r,
                  eta=stable_eta(s, snr), eps=eps, seed=seed, T_max=t42_grid(profile.name).error_T_max,
                  n_test=profile.n_test)
    if case_of(c) not in CASES:
        from hypothesis import reject

        reject()
    return c
