"""Section 6's claims on real images (CLAIMS.md E6.real): Figure 1c's phase boundary, robust ≥ clean and
monotonicity in SNR, for the eq. (1) model trained with Algorithm 1 on scikit-learn's bundled 8×8 digits
(classes 0 vs 1; offline, so these run everywhere, CI included).

The transform is Section 6's as bovit reads it (IC-10): each image scaled to ℓ₂ norm 5 = ‖µ‖, i.i.d.
pixel noise with SNR = 5/(σ·√64), cut into M = 4 tokens of 4×4 pixels (d = 16); τ/‖µ‖ = 0.05, the
paper's MNIST radius. The checks are those of the synthetic claims (``checks.experiments``), run on
these grids; the figures are Figure 1c–d's heatmaps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from checks.claim import Claim, Finding, Records
from checks.experiments import SUFFICIENT_ONLY, boundary_check, monotone_snr_check, robust_ge_clean_check
from checks.profiles import Profile
from simulate.config import RunConfig


def _logspace(lo: float, hi: float, k: int) -> tuple[float, ...]:
    return tuple(float(f"{v:.4g}") for v in np.geomspace(lo, hi, k))


# (N values, SNR values, d_h = d_v) per profile; N ≤ 22 as in Figure 1 (the digits train pool of 0/1 is 240)
GRIDS: dict[str, tuple[tuple[int, ...], tuple[float, ...], int]] = {
    "ci": ((2, 6, 12, 22), _logspace(0.16, 16, 6), 6),
    "default": ((2, 4, 8, 14, 22), _logspace(0.16, 16, 7), 32),
    "paper": (tuple(range(2, 23, 2)), _logspace(0.16, 16, 11), 128),
    "thorough": ((2, 4, 8, 14, 22), _logspace(0.16, 16, 11), 32),
}


def digits_configs(profile: Profile) -> list[RunConfig]:
    """Figure 1c on digits: every (N, SNR) of the profile's grid and every seed."""
    Ns, snrs, dh = GRIDS.get(profile.name, GRIDS["default"])
    return [RunConfig(N=N, snr=snr, seed=seed, dataset="digits", classes=(0, 1), d=16, M=4, dh=dh, dv=dh,
                      tau_rel=0.05, T_max=profile.T_max, n_test=profile.n_test)
            for N in Ns for snr in snrs for seed in profile.seeds]


def _on_digits(check: Callable[[Records, Profile], Finding]) -> Callable[[Records, Profile], Finding]:
    """A synthetic claim's check run on the digits grid, its figures named for digits."""

    def run(records: Records, profile: Profile) -> Finding:
        f = check(records, profile)
        plots = tuple(dataclasses.replace(p, name=f"digits_{p.name}", title=f"digits 0 vs 1 — {p.title}")
                      for p in f.plots)
        return dataclasses.replace(f, plots=plots)

    return run


CLAIMS = (
    Claim("E6.real.boundary", "experiments",
          "On real images (Figures 1c–d: MNIST), a clear boundary of the form N·SNR² = Ω(1) separates high from "
          "low accuracy, as on synthetic data.",
          "Section 6.2 (L1304–1312), Figure 1c–d; CLAIMS.md §7 E6.real",
          "As E6.claim.boundary, on scikit-learn's 8×8 digits (0 vs 1) through Section 6's transform: SNR*(N) "
          "per seed where accuracy crosses the midpoint of its range, log SNR* regressed on log N, the slope's "
          "interval against −1/2. " + SUFFICIENT_ONLY,
          digits_configs, _on_digits(boundary_check("E6.real.boundary", -0.5))),
    Claim("E6.real.robust-ge-clean", "experiments",
          "On real images, robust test error is at least clean test error.",
          "Definitions (S3.loss); Section 6 (real data)",
          "As S.robust-ge-clean, on the digits grid: per run, the attack's robust error count against the clean "
          "count (one violation refutes; it checks the attack and counting code).",
          digits_configs, robust_ge_clean_check("E6.real.robust-ge-clean")),
    Claim("E6.real.monotone-snr", "experiments",
          "On real images, clean and robust test error are non-increasing in SNR at fixed N.",
          "Section 6.2 (Figure 1c–d's reading)",
          "As S.monotone-snr, on the digits grid (Fisher tests on pooled counts, Holm, every seed agreeing).",
          digits_configs, monotone_snr_check("E6.real.monotone-snr")),
)

MUTANTS = (
    Claim("E6.real.boundary.mutant.slope-1", "experiments",
          "Mutant (a wrong boundary slope): on digits the boundary is N·SNR = const (slope −1).",
          "E6.real.boundary with slope −1",
          "As E6.real.boundary, against a predicted slope of −1.",
          digits_configs,
          _on_digits(boundary_check("E6.real.boundary.mutant.slope-1", -1.0)),
          mutant_of="E6.real.boundary"),
)
