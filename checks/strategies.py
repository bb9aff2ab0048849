"""hypothesis strategies for the claim searches: parameter points inside a claim's regime.

Each draws a RunConfig at the profile's dimensions. Values are rounded to two significant digits so
nearby draws share runs in the store (a repeated search trains nothing).
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from checks.profiles import Profile
from simulate.config import RunConfig


def _two_digits(x: float) -> float:
    return float(f"{x:.2g}")


def snrs(low: float, high: float) -> st.SearchStrategy[float]:
    """SNR drawn log-uniformly in [low, high], two significant digits."""
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high, got low={low!r}, high={high!r}")
    return st.floats(math.log(low), math.log(high)).map(lambda x: _two_digits(math.exp(x)))


def radii(low: float, high: float) -> st.SearchStrategy[float]:
    """An evaluation radius τ/‖µ‖ in [low, high], two significant digits (kept inside the interval)."""
    if not 0 <= low < high:
        raise ValueError(f"need 0 <= low < high, got low={low!r}, high={high!r}")
    return st.floats(low, high).map(lambda r: min(max(_two_digits(r), low), high))


@st.composite
def trained_point(draw: st.DrawFn, profile: Profile, *, snr_range: tuple[float, float] | None = None,
                  tau_rels: tuple[float, ...] = (0.02, 0.05, 0.1), M: int | None = None,
                  eval_tau_rels: tuple[float, ...] = ()) -> RunConfig:
    """A model trained at the profile's sizes: N, SNR, training τ/‖µ‖ and seed drawn; evaluated also at
    ``eval_tau_rels``."""
    lo, hi = snr_range or (min(profile.snrs), 2 * max(profile.snrs))
    N = draw(st.sampled_from(sorted({max(4, profile.N // 2), profile.N})))
    dims = profile.dims
    return RunConfig(d=dims["d"], M=dims["M"] if M is None else M, dh=dims["dh"], dv=dims["dv"], N=N,
                     snr=draw(snrs(lo, hi)), tau_rel=draw(st.sampled_from(tau_rels)),
                     seed=draw(st.sampled_from(profile.seeds)), T_max=profile.T_max, n_test=profile.n_test,
                     eval_tau_rels=eval_tau_rels)
