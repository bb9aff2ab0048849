"""Every grid bovit trains, in one table: the scales, and the presets each claim reads.

A **scale** (``ci``, ``quick``, ``default``, ``paper``, ``thorough``) fixes the sizes: d, M, d_h = d_v,
the N and SNRs of a single trained point, the seeds, T_max and the test-set size. The names mean the same
in ``bovit sweep``, ``bovit run``, ``bovit report`` and ``pytest checks`` (``quick`` is another name for
``ci``). ``paper`` is Section 6's own setting (d = 1024, M = 16, d_h = d_v = 128, N = 22); ``default``
is the miniature the committed report is made at (d = 256, M = 8, d_h = d_v = 32, N = 12).

A **preset** is a named grid at a scale: a base of RunConfig fields and axes (lists of values) whose
product is the list of runs, or a union of such blocks. Every claim of ``checks`` names the presets it
reads, so ``bovit sweep --preset NAME --scale S`` trains exactly the runs those claims read at S. Presets
on real images carry the data set in their name (``digits-fig1c``, ``mnist-apgd``, …); those on files
need ``data_root``. The paper's formulas that decide a grid (Theorem 4.2's T, Case 2's radius, IC-1's
threshold, Theorem 4.3's radii) come from ``bounds``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TypeVar

import numpy as np

from bounds import formulas
from simulate.config import AttackSpec, RunConfig

__all__ = [
    "PRESETS",
    "SCALES",
    "SCALE_NAMES",
    "SENSITIVITY",
    "T_ALLOWANCE",
    "Choice",
    "GridSpec",
    "Scale",
    "applies",
    "apply_settings",
    "at_run",
    "b_setting",
    "case2_radius",
    "dependence_point",
    "fig1_stable_eta",
    "group",
    "ic1_threshold",
    "is_case2",
    "parse_value",
    "predicted_T",
    "preset",
    "ratio_radii",
    "run_values",
    "scale",
    "sensitivity_choice",
    "sensitivity_runs",
    "stable_eta",
    "t42_grid",
    "t42_tau_radii",
    "under",
]

_CONFIG_FIELDS = {f.name for f in fields(RunConfig)}


# ---- the scales ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """The sizes of one scale: model dimensions, the single trained point (N, SNRs), seeds, T_max, n_test."""

    name: str
    d: int
    M: int
    dh: int
    N: int
    snrs: tuple[float, ...]
    seeds: tuple[int, ...]
    T_max: int
    n_test: int

    @property
    def dims(self) -> dict[str, int]:
        """d, M, d_h and d_v (= d_h) as RunConfig fields."""
        return {"d": self.d, "M": self.M, "dh": self.dh, "dv": self.dh}


SCALES: dict[str, Scale] = {s.name: s for s in (
    Scale("ci", d=32, M=4, dh=6, N=8, snrs=(1.0, 4.0), seeds=(0, 1), T_max=60, n_test=400),
    Scale("default", d=256, M=8, dh=32, N=12, snrs=(0.5, 2.0, 8.0), seeds=(0, 1, 2), T_max=300, n_test=2000),
    Scale("paper", d=1024, M=16, dh=128, N=22, snrs=(0.5, 2.0, 8.0), seeds=(0, 1, 2, 3, 4), T_max=1000,
          n_test=2000),
    Scale("thorough", d=256, M=8, dh=32, N=12, snrs=(0.25, 0.5, 1.0, 2.0, 4.0, 8.0), seeds=tuple(range(5)),
          T_max=500, n_test=5000),
)}
_ALIASES = {"quick": "ci"}
SCALE_NAMES: tuple[str, ...] = ("ci", "quick", "default", "paper", "thorough")


def scale(name: str) -> Scale:
    """The scale of a ``--scale`` name (``quick`` is ``ci``)."""
    if name not in SCALE_NAMES:
        raise ValueError(f"scale must be one of {', '.join(SCALE_NAMES)}, got {name!r}")
    return SCALES[_ALIASES.get(name, name)]


_Entry = TypeVar("_Entry")


def _pick(table: Mapping[str, _Entry], s: Scale) -> _Entry:
    """A per-scale table's entry; scales it does not list use the default's."""
    return table.get(s.name, table["default"])


# ---- grid specs ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridSpec:
    """A named grid: ``base`` RunConfig fields and ``axes`` (field → values) crossed into runs, or the union
    of ``parts`` (each a GridSpec), in order, a run listed twice kept once."""

    name: str
    base: dict[str, object] = field(default_factory=dict)
    axes: dict[str, tuple[object, ...]] = field(default_factory=dict)
    description: str = ""
    parts: tuple[GridSpec, ...] = ()

    def __post_init__(self) -> None:
        for key in [*self.base, *self.axes]:
            if key not in _CONFIG_FIELDS:
                raise ValueError(f"grid field must be a RunConfig field, got {key!r}")
        for key, values in self.axes.items():
            if len(values) == 0:
                raise ValueError(f"grid axis {key} must have at least one value, got []")
        overlap = set(self.base) & set(self.axes)
        if overlap:
            raise ValueError(f"a grid field is either fixed or an axis, got both for {sorted(overlap)}")
        if self.parts and (self.base or self.axes):
            raise ValueError(f"grid {self.name!r} is either a union of parts or one block, got both")

    def configs(self) -> list[RunConfig]:
        """The runs of the grid, in a stable order (the axes' product, last axis fastest; parts in order)."""
        if self.parts:
            return list(dict.fromkeys(c for p in self.parts for c in p.configs()))
        names = list(self.axes)
        return [RunConfig(**{**self.base, **dict(zip(names, combo, strict=True))})  # type: ignore[arg-type]  # RunConfig validates each field
                for combo in itertools.product(*(self.axes[k] for k in names))]

    def __len__(self) -> int:
        if self.parts:
            return len(self.configs())
        return math.prod(len(v) for v in self.axes.values())


def _union(name: str, description: str, parts: Sequence[GridSpec]) -> GridSpec:
    return GridSpec(name, description=description, parts=tuple(parts))


def _logspace(lo: float, hi: float, k: int) -> tuple[float, ...]:
    return tuple(float(f"{v:.4g}") for v in np.geomspace(lo, hi, k))


def _half_octaves(lo: float, k: int) -> tuple[float, ...]:
    return tuple(float(f"{lo * 2 ** (i / 2):.4g}") for i in range(k))


def _point(s: Scale, **fields: object) -> dict[str, object]:
    """The base of a synthetic grid at scale s: its sizes, N, T_max and n_test, with ``fields`` on top."""
    return {**s.dims, "N": s.N, "T_max": s.T_max, "n_test": s.n_test, **fields}


# ---- the paper's formulas a grid needs (from bounds) -------------------------------------------------------


# A run whose robust loss is still above ε after T_ALLOWANCE times its predicted T counts against Theorem 4.2's
# time (the Θ in T hides a constant; Case-1 runs need about 3–25 × T at the sizes simulated), so the Case-2
# runs are given that horizon.
T_ALLOWANCE = 50.0
# Case 2's radius: just inside its stated range ω(‖µ‖/log d_h) ≤ τ ≤ O(‖µ‖), 1.1 times the lower end (unit
# constant), rounded to 4 digits.
CASE2_MARGIN = 1.1


def run_values(c: RunConfig) -> dict[str, float]:
    """A run's point in the paper's symbols, by bounds.formulas' names (τ = τ/‖µ‖·‖µ‖ in the run's norm)."""
    assert c.mu is not None
    return {"d": c.d, "dh": c.dh, "dv": c.dv, "N": c.N, "M": c.M, "mu": c.mu, "sigma_p": c.sigma_p,
            "tau": c.tau_rel * c.mu, "eta": c.eta, "eps": c.eps, "w_O": c.w_O_norm}


def at_run(f: formulas.Formula, c: RunConfig) -> float:
    """A formula of bounds.formulas at a run's point (hidden constants 1)."""
    return f(None, **{k: v for k, v in run_values(c).items() if k in f.names})


def case2_radius(dh: int) -> float:
    """τ/‖µ‖ = 1.1·c_omega/log d_h (c_omega = 1): just inside Case 2's stated range."""
    return round(CASE2_MARGIN * formulas.CASE2_TAU_LO(dh=dh), 4)


def is_case2(c: RunConfig) -> bool:
    """Whether a run's radius is case2_radius or more (Case 2's range at unit constants)."""
    return c.tau_rel >= case2_radius(c.dh) - 1e-12


def predicted_T(c: RunConfig) -> float:
    """Theorem 4.2's T (the Θ's constant taken as 1): Case 1's, or Case 2's (M times it) at a Case-2 radius."""
    T = formulas.T_CASE2 if is_case2(c) else formulas.T_CASE1
    return at_run(T, c)


# ---- Section 6 and Theorem 4.2 on synthetic data -------------------------------------------------------------


# Figure 1's N × SNR grid per scale. Each contains the scale's SNRs and N, so the single trained point's runs
# ("trained") are shared through the store. The SNR ranges were chosen from trial runs at ci and default to
# span chance-level to perfect robust accuracy at N = 2 and at the largest N; paper is the paper's own grid.
_FIG1: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "ci": ((2, 4, 8), (0.25, 0.5, 1.0, 2.0, 4.0)),
    "default": ((2, 3, 6, 12), (*_half_octaves(0.25, 9), 8.0)),
    "thorough": ((2, 3, 4, 6, 8, 12), (*_half_octaves(0.125, 12), 8.0)),
    "paper": (tuple(range(2, 23, 2)), _logspace(0.16, 16, 11)),
}
SECTION6_TAU_REL = 0.05  # Section 6's training and test radius τ/‖µ‖
SECTION6_ETA: float = RunConfig(N=2, snr=1.0).eta  # Section 6's step size: RunConfig's default η


def _fig1(s: Scale) -> GridSpec:
    Ns, snrs = _pick(_FIG1, s)
    base = {k: v for k, v in _point(s, tau_rel=SECTION6_TAU_REL).items() if k != "N"}
    return GridSpec("fig1", base, {"N": Ns, "snr": snrs, "seed": s.seeds},
                    "Figure 1a-b (and Figure 2's curves): accuracy over N x SNR, tau/|mu| = 0.05")


# Figure 1's grid at a stable step: at the paper's η = 0.1, η·‖µ‖² grows as SNR² (to 655 at the default scale's
# SNR 8), where gradient descent on eq. (1) is erratic and can diverge. The companion grid trains every cell at
# η = min(0.1, stable_eta(SNR)), so η·‖µ‖² ≤ STABLE_ETA_MU2 everywhere, with FIG1_STABLE_HORIZON times the scale's
# T_max: at η·‖µ‖² = 0.5 a run takes about as many iterations as the paper's η takes at the smallest SNRs
# (η·‖µ‖² = 0.64 there), where the default scale's N = 12 runs already reach T_max = 300.
FIG1_STABLE_HORIZON = 4


def fig1_stable_eta(s: Scale, snr: float) -> float:
    """The companion grid's η at an SNR: the paper's η, or the stable step where it is smaller."""
    return min(SECTION6_ETA, stable_eta(s, snr))


def _fig1_stable(s: Scale) -> GridSpec:
    Ns, snrs = _pick(_FIG1, s)
    base = {k: v for k, v in _point(s, tau_rel=SECTION6_TAU_REL, T_max=FIG1_STABLE_HORIZON * s.T_max).items()
            if k != "N"}
    return _union("fig1-stable", "Figure 1a-b's grid at a stable step: eta = min(0.1, stable eta), "
                  f"eta*|mu|^2 <= {STABLE_ETA_MU2:g} at every SNR, {FIG1_STABLE_HORIZON}x the scale's T_max", [
        GridSpec(f"fig1-stable-{snr:g}", {**base, "snr": snr, "eta": fig1_stable_eta(s, snr)},
                 {"N": Ns, "seed": s.seeds}) for snr in snrs])


def _trained(s: Scale, eval_tau_rels: tuple[float, ...] = (), log_ratio: bool = True) -> GridSpec:
    # Lemma 5.3's attention ratio is logged here (L5.3 reads it) and nowhere else: it is the dearest thing logged
    base = _point(s, **({"eval_tau_rels": eval_tau_rels} if eval_tau_rels else {}),
                  **({"log_ratio": True} if log_ratio else {}))
    return GridSpec("trained", base, {"snr": s.snrs, "seed": s.seeds},
                    "the scale's single point N at its SNRs, tau/|mu| = 0.05 (Lemmas 5.3, 5.5, 5.6)")


TAU_EVAL = (0.1, 0.2, 0.4)  # monotonicity in τ: the radii besides the training radius 0.05


def _tau_sweep(s: Scale) -> GridSpec:
    return GridSpec("tau-sweep", _point(s, eval_tau_rels=TAU_EVAL), {"snr": s.snrs, "seed": s.seeds},
                    "the trained point attacked at tau/|mu| = 0.05, 0.1, 0.2, 0.4")


def _t43_midpoint(s: Scale) -> GridSpec:
    spec = _trained(s, eval_tau_rels=formulas.T43_EVAL_RADII, log_ratio=False)
    return GridSpec("t43-midpoint", spec.base, spec.axes,
                    "the trained point, also attacked at Theorem 4.3's radii 1/sqrt(2)+ and 1")


# Figure 3 (Appendix B.1): the paper's τ/‖µ‖ and data at the scale's d, d_h, d_v, M = 2; at the paper scale
# Appendix B.1's own sizes (L1393–1400: d = 1024, d_h = d_v = 512). A figure of dynamics compares the radii over one
# horizon, so the runs train for T_max iterations (ε = 1e-6 is never reached).
FIG3_TAUS = (0.02, 0.1, 0.5)
_FIG3_T_MAX = {"ci": 200, "default": 300, "thorough": 500, "paper": 1000}
_FIG3_DIMS: dict[str, dict[str, int]] = {"paper": {"d": 1024, "dh": 512, "dv": 512}}


def _fig3(s: Scale) -> GridSpec:
    T = _FIG3_T_MAX[s.name]
    base: dict[str, object] = {**s.dims, **_FIG3_DIMS.get(s.name, {}), "M": 2, "N": 25, "snr": 16.0,
                               "sigma_p": 0.05, "T_max": T, "eps": 1e-6, "n_test": s.n_test,
                               "log_every": max(1, T // 50)}
    return GridSpec("fig3", base, {"tau_rel": FIG3_TAUS, "seed": s.seeds},
                    "Figure 3 / Appendix B.1: N = 25, SNR = 16, M = 2, sigma_p = 0.05, tau/|mu| in {0.02, 0.1, 0.5}")


# Figure 3's search (the sensitivity study): the choices that move training dynamics most, crossed, each setting
# trained at Figure 3's radii and seeds, to find any setting under which Appendix B.1's qualitative picture holds.
# η·‖µ‖² is 16 at the paper's η = 0.1 here (‖µ‖ = SNR·σ_p·√d = 12.8 at d = 256).
FIG3_SEARCH: dict[str, tuple[object, ...]] = {"eta": (0.1, 0.03, 0.01), "init_scale": (0.25, 1.0, 4.0),
                                             "w_O_norm": (0.5, 1.0, 2.0)}


def _fig3_search(s: Scale) -> GridSpec:
    spec = _fig3(s)
    return GridSpec("fig3-search", spec.base, {**FIG3_SEARCH, **spec.axes},
                    "Figure 3's runs over eta x initialisation scale x |w_O| (the sensitivity study's search)")


# Lemma 5.4: Case-2 radii at the scale's largest SNR (N·SNR² ≥ 1/ε there), for η ∈ L54_ETAS at the scale's d_h
# and for d_h/2, 2·d_h at the smallest η (the paper's η = 0.1 violates Condition 4.1(4) by orders of magnitude;
# smaller η show how the deviation depends on it).
_L54_TAUS = {"ci": (0.6, 0.8), "default": (0.5, 0.8)}
L54_ETAS = (0.1, 0.01, 0.001)
L54_DH_FACTORS = (0.5, 2.0)


def _l54(s: Scale) -> GridSpec:
    taus = _pick(_L54_TAUS, s)
    base: dict[str, object] = {**s.dims, "N": s.N, "snr": max(s.snrs), "T_max": s.T_max, "n_test": s.n_test}
    dhs = tuple(max(1, round(s.dh * f)) for f in L54_DH_FACTORS)
    return _union("l54", "Lemma 5.4: Case-2 radii over eta, and over d_h at the smallest eta", [
        GridSpec("l54-eta", base, {"tau_rel": taus, "eta": L54_ETAS, "seed": s.seeds}),
        *(GridSpec("l54-dh", {**base, "dh": dh, "dv": s.dh, "eta": min(L54_ETAS)},
                   {"tau_rel": taus, "seed": s.seeds}) for dh in dhs),
    ])


@dataclass(frozen=True)
class _T42:
    """Theorem 4.2's grids at one scale (the sizes, N and seeds are the scale's)."""

    error_snrs: tuple[float, ...]
    error_eta: float
    error_eps: float
    error_T_max: int
    snr: float  # the SNR of the Case-2 pair, the timing grid and the ratio pairs (N·SNR² ≥ 1/ε there)
    case2_eta: float
    case2_eps: float
    etas: tuple[float, ...]  # varied at eps0
    epss: tuple[float, ...]  # varied at eta0
    eta0: float
    eps0: float
    timing_T_max: int
    ratio_Ms: tuple[int, ...]
    ratio_eta: float
    ratio_eps: float
    dep_snrs: tuple[float, ...]  # ‖µ‖ varied through the SNR (σ_p fixed), at ε = dep_eps
    dep_w_factors: tuple[float, ...]  # ‖w_O‖ = (largest SNR / smallest SNR) × each factor
    dep_eps: float
    dep_T_max: int
    dep_seeds: int


# error grid: Case 1 across the SNRs where a trained model's clean error falls from about 1/2 to 0, at the
# paper's η, ε (larger at ci for speed); timing grid: η·‖µ‖² small enough that GD follows its gradient flow.
_T42_GRIDS: dict[str, _T42] = {
    "ci": _T42(error_snrs=(0.35, 0.5, 0.7, 1.0), error_eta=0.32, error_eps=0.04, error_T_max=600,
               snr=2.0, case2_eta=0.32, case2_eps=0.04,
               etas=(0.08, 0.16, 0.32), epss=(0.005, 0.01, 0.02, 0.04), eta0=0.16, eps0=0.01, timing_T_max=600,
               ratio_Ms=(2, 4), ratio_eta=0.08, ratio_eps=0.04,
               dep_snrs=(2.0, 2.828), dep_w_factors=(1.0, 2.0), dep_eps=0.04, dep_T_max=1000, dep_seeds=2),
    "default": _T42(error_snrs=(0.5, 0.6, 0.7, 0.85, 1.0), error_eta=0.1, error_eps=0.01, error_T_max=1000,
                    snr=2.0, case2_eta=0.1, case2_eps=0.025,
                    etas=(0.01, 0.02, 0.04), epss=(0.0025, 0.005, 0.01, 0.02), eta0=0.02, eps0=0.01,
                    timing_T_max=1000, ratio_Ms=(2, 4), ratio_eta=0.02, ratio_eps=0.025,
                    dep_snrs=(2.0, 2.828, 4.0), dep_w_factors=(1.0, 1.414, 2.0), dep_eps=0.025, dep_T_max=2000,
                    dep_seeds=5),
}
B1_RADII = (0.02, 0.1)  # Appendix B.1's radii, which the paper reads as Case 1 and Case 2


def _t42(s: Scale) -> _T42:
    return _pick(_T42_GRIDS, s)


def t42_grid(scale_name: str) -> _T42:
    """Theorem 4.2's grid parameters at a scale (the timing grid's η₀, ε₀ are what its check splits on)."""
    return _t42(scale(scale_name))


def _t42_errors(s: Scale) -> GridSpec:
    g = _t42(s)
    return GridSpec("t42-errors", _point(s, tau_rel=SECTION6_TAU_REL, eta=g.error_eta, eps=g.error_eps,
                                         T_max=g.error_T_max), {"snr": g.error_snrs, "seed": s.seeds},
                    "Theorem 4.2's error bounds: Case 1 (tau/|mu| = 0.05) across the SNRs where clean error falls")


def _t42_case2(s: Scale) -> GridSpec:
    g = _t42(s)
    parts = []
    for r in (SECTION6_TAU_REL, case2_radius(s.dh)):
        for seed in s.seeds:
            c = RunConfig(**_point(s, snr=g.snr, tau_rel=r, eta=g.case2_eta, eps=g.case2_eps, seed=seed,
                                   T_max=1))  # type: ignore[arg-type]  # RunConfig validates each field
            parts.append(GridSpec("t42-case2-run", _point(s, snr=g.snr, tau_rel=r, eta=g.case2_eta, eps=g.case2_eps,
                                                          seed=seed,
                                                          T_max=math.ceil(T_ALLOWANCE * predicted_T(c)) + 1)))
    return _union("t42-case2", "Theorem 4.2's times: tau/|mu| = 0.05 (Case 1) and 1.1/ln d_h (Case 2), each "
                  "allowed 50 x its predicted T", parts)


def _t42_training(s: Scale) -> GridSpec:
    return _union("t42-training", "Theorem 4.2's conclusion 1: the error grid and the Case-2 pair",
                  [_t42_errors(s), _t42_case2(s)])


def _t42_timing(s: Scale) -> GridSpec:
    g = _t42(s)
    base = _point(s, snr=g.snr, tau_rel=SECTION6_TAU_REL, T_max=g.timing_T_max)
    return _union("t42-timing", "Theorem 4.2's T: eta varied at eps0, eps varied at eta0", [
        GridSpec("t42-timing-eta", {**base, "eps": g.eps0}, {"eta": g.etas, "seed": s.seeds}),
        GridSpec("t42-timing-eps", {**base, "eta": g.eta0}, {"eps": g.epss, "seed": s.seeds}),
    ])


def ratio_radii(dh: int) -> tuple[float, float]:
    """The time ratio's radii τ/‖µ‖ at d_h: Appendix B.1's Case-1 radius 0.02, and Case 2's radius for this d_h
    (case2_radius; B.1's own 0.1 is Case 1 once 1/ln d_h > 0.1, i.e. for every d_h < e^10 ≈ 22,000)."""
    return B1_RADII[0], case2_radius(dh)


def _t42_ratio(s: Scale) -> GridSpec:
    g = _t42(s)
    base = {k: v for k, v in _point(s, snr=g.snr, eta=g.ratio_eta, eps=g.ratio_eps, T_max=g.timing_T_max).items()
            if k != "M"}
    return GridSpec("t42-ratio", base, {"M": g.ratio_Ms, "tau_rel": ratio_radii(s.dh), "seed": s.seeds},
                    "Case 2 over Case 1: tau/|mu| = 0.02 (Appendix B.1's Case 1) and Case 2's radius 1.1/ln d_h "
                    "at matched eta, eps, |mu|, for each M")


# Theorem 4.2's T beyond η: T = Θ(η⁻¹ε⁻¹‖µ‖⁻²‖w_O‖⁻²) (L568), so at one η and ε the time falls as ‖µ‖⁻² and
# ‖w_O‖⁻². ‖µ‖ varies through the SNR at Section 6's σ_p, ‖w_O‖ through RunConfig.w_O_norm (w_O is fixed, never
# trained: the value direction u = W_V·w_O then moves at the rate η‖w_O‖², so η‖µ‖²‖w_O‖² is the effective step).
# η is the stable step at the largest ‖µ‖ (η‖µ‖² = STABLE_ETA_MU2 there, below it at the others); the smallest
# ‖w_O‖ is the ratio of the largest SNR to the smallest, so that the slowest run (smallest ‖µ‖ and ‖w_O‖) has the
# effective step STABLE_ETA_MU2 too and no run's iteration count is longer than it need be; the fastest has
# η‖µ‖²‖w_O‖² ≤ 8, within the range where the timing grid's iterations are exactly ∝ 1/η. Case 1: τ/‖µ‖ = 0.05,
# N·SNR² ≥ 1. ci: 2 × 2 points × 2 seeds (8 runs); default: 3 × 3 × 5 seeds (45).


def dependence_point(scale_name: str) -> tuple[float, tuple[float, ...], tuple[float, ...]]:
    """The ``t42-dependence`` grid at a scale: (η, SNRs, ‖w_O‖ values)."""
    s = scale(scale_name)
    g = _t42(s)
    w_lo = max(g.dep_snrs) / min(g.dep_snrs)
    return stable_eta(s, max(g.dep_snrs)), g.dep_snrs, tuple(float(f"{w_lo * f:.4g}") for f in g.dep_w_factors)


def _t42_dependence(s: Scale) -> GridSpec:
    g = _t42(s)
    eta, snrs, w_Os = dependence_point(s.name)
    seeds = s.seeds if s.name == "ci" else tuple(range(max(g.dep_seeds, len(s.seeds))))
    base = _point(s, tau_rel=SECTION6_TAU_REL, eta=eta, eps=g.dep_eps, T_max=g.dep_T_max)
    return GridSpec("t42-dependence", base, {"snr": snrs, "w_O_norm": w_Os, "seed": seeds},
                    "Theorem 4.2's T over |mu| (through the SNR) and |w_O| at one stable eta and eps, Case 1")


# Theorem 4.2(3) across τ: the radii from 0 (no attack) through Case 1 (τ ≤ ‖µ‖/ln d_h), Case 2's window for the
# scale's d_h, and beyond ‖µ‖/√2 (where Theorem 4.3's sharpened form puts the robust error at ≥ 1/2), with at least
# five seeds, in two parts: (a) every other SNR of the error grid (N·SNR² = Ω(1), Case 1's hypothesis) at the paper's
# η = 0.1; (b) the Case-2 SNR of the time grid (N·SNR² ≥ 1/ε, Case 2's hypothesis) at a stable step, η·‖µ‖² =
# STABLE_ETA_MU2 (the paper's η gives η·‖µ‖² ≈ 41 there, where gradient descent is erratic).
T42_TAU_RELS = (0.0, 0.05, 0.1, 0.2, 0.5, 0.75)
T42_TAU_SEEDS = 5
STABLE_ETA_MU2 = 0.5


def t42_tau_radii(dh: int) -> tuple[float, ...]:
    """The τ sweep's radii τ/‖µ‖ at d_h: T42_TAU_RELS with Case 2's radius for this d_h, sorted."""
    return tuple(sorted({*T42_TAU_RELS, case2_radius(dh)}))


def stable_eta(s: Scale, snr: float) -> float:
    """η with η·‖µ‖² = STABLE_ETA_MU2 at the scale's d and Section 6's σ_p (4 significant digits)."""
    mu = RunConfig(N=s.N, snr=snr, d=s.d).signal_norm
    return float(f"{STABLE_ETA_MU2 / mu ** 2:.4g}")


def _t42_tau(s: Scale) -> GridSpec:
    g = _t42(s)
    seeds = s.seeds if s.name == "ci" else tuple(range(max(T42_TAU_SEEDS, len(s.seeds))))  # ci: a smoke test
    radii = t42_tau_radii(s.dh)
    base = _point(s, T_max=g.error_T_max)
    return _union("t42-tau", "Theorem 4.2(3) across tau: tau/|mu| from 0 through Case 1, Case 2's window and beyond "
                  "1/sqrt(2); Case-1 SNRs at the paper's eta, the Case-2 SNR at a stable eta; 5 seeds (ci: its 2)", [
        GridSpec("t42-tau-case1", {**base, "eta": g.error_eta, "eps": g.error_eps},
                 {"snr": g.error_snrs[::2], "tau_rel": radii, "seed": seeds}),
        GridSpec("t42-tau-case2", {**base, "snr": g.snr, "eta": stable_eta(s, g.snr), "eps": g.case2_eps},
                 {"tau_rel": radii, "seed": seeds}),
    ])


# IC-1: high-SNR models for M ∈ {2, 4, the scale's M}, trained at τ/‖µ‖ = 0.02 and attacked at half and twice
# a threshold radius (IC-1's ‖µ‖/(√2·M) unless another expression of M is given, as a mutant does).
IC1_TRAIN_TAU_REL = 0.02
IC1_FACTORS = (0.5, 2.0)


def ic1_threshold(M: int) -> float:
    """IC-1's uniform-attention radius τ/‖µ‖ = 1/(√2·M) (bounds.formulas.IC1_THRESHOLD) at M."""
    return float(formulas.IC1_THRESHOLD(M=M))


def ic1_radii(threshold: Callable[[int], float], M: int) -> tuple[float, float]:
    """Half and twice ``threshold(M)``, rounded to 4 digits."""
    lo, hi = (round(threshold(M) * f, 4) for f in IC1_FACTORS)
    return lo, hi


def _ic1(s: Scale, threshold: Callable[[int], float] | None = None) -> GridSpec:
    th = threshold if threshold is not None else ic1_threshold
    base = _point(s, snr=max(s.snrs), tau_rel=IC1_TRAIN_TAU_REL)
    return _union("ic1", "IC-1: models attacked at half and twice the uniform-attention threshold", [
        GridSpec("ic1-M", {**base, "M": M, "eval_tau_rels": ic1_radii(th, M)}, {"seed": s.seeds})
        for M in sorted({2, 4, s.M})])


# ---- real images: Figure 1c, the simplified ViT, Appendix B.2–B.4 ----------------------------------------------


# Figure 1c on real images (E6.real): N ∈ [2, 22], classes (0, 1), τ/‖µ‖ = 0.05, ‖µ‖ = 5 (the image norm);
# digits (8×8) is cut into M = 4 tokens of d = 16, other sets into Section 6's M = 16. The digits train pool of
# classes 0/1 holds 240 images, so N ≤ 22 fits. (N values, SNR values, d_h = d_v) per scale:
_FIG1C: dict[str, tuple[tuple[int, ...], tuple[float, ...], int]] = {
    "ci": ((2, 6, 12, 22), _logspace(0.16, 16, 6), 6),
    "default": ((2, 4, 8, 14, 22), _logspace(0.16, 16, 7), 32),
    "paper": (tuple(range(2, 23, 2)), _logspace(0.16, 16, 11), 128),
    "thorough": ((2, 4, 8, 14, 22), _logspace(0.16, 16, 11), 32),
}
IMAGE_SETS = ("digits", "mnist", "cifar10", "tiny-imagenet")


def _images(dataset: str, data_root: str, tokens: str = "patches") -> dict[str, object]:
    """The RunConfig fields of an image task: classes 0 vs 1 cut into M tokens (4 for the 8×8 digits, 16
    otherwise, as in Section 6) the way ``tokens`` says, d = C·H·W/M; for strips, M is the divisor of the image
    height nearest that M (MNIST: 14)."""
    from simulate.images import image_dims

    M = 4 if dataset == "digits" else 16
    if tokens == "strips":  # M strips need M to divide the height: the divisor nearest M (MNIST's 28 rows: 14)
        from simulate.images import image_shape

        H = image_shape(dataset, data_root or None)[1]
        M = min((m for m in range(1, H + 1) if H % m == 0), key=lambda m: (abs(m - M), -m))
    fields: dict[str, object] = {"dataset": dataset, "data_root": data_root, "classes": (0, 1), "M": M,
                                 "d": image_dims(dataset, M, data_root or None, tokens)}
    if tokens != "patches":
        fields["tokens"] = tokens
    return fields


def _root_note(dataset: str) -> str:
    return " (set data_root=PATH)" if dataset != "digits" else ""


def _fig1c(dataset: str, s: Scale, data_root: str = "", tokens: str = "patches") -> GridSpec:
    Ns, snrs, dh = _pick(_FIG1C, s)
    base = {"dh": dh, "dv": dh, "tau_rel": SECTION6_TAU_REL, "T_max": s.T_max, "n_test": s.n_test,
            **_images(dataset, data_root, tokens)}
    suffix, cut = ("", "") if tokens == "patches" else (f"-{tokens}", f", images cut into {tokens}")
    return GridSpec(f"{dataset}-fig1c{suffix}", base, {"N": Ns, "snr": snrs, "seed": s.seeds},
                    f"Figure 1c on {dataset}{_root_note(dataset)}: accuracy over N x SNR, classes 0 vs 1, "
                    f"tau/|mu| = 0.05{cut}")


# Section 6's simplified ViT (every parameter trained) and Appendix B.4's setting (only the last attention layer's
# Q/K/V trained, PGD of 5 steps, an unscaled backbone standing in for the pretrained ViT-base, or a local
# checkpoint with --set checkpoint=FILE) over Figure 1c's N × SNR. (N, SNR, seeds, hidden size) per scale; 4 heads.
_VIT: dict[str, tuple[tuple[int, ...], tuple[float, ...], tuple[int, ...], int]] = {
    "ci": ((2, 8, 22), (0.25, 1.0, 4.0, 16.0), (0,), 32),
    "default": ((2, 8, 22), (0.25, 1.0, 4.0, 16.0), (0, 1), 128),
    "paper": ((2, 6, 10, 14, 18, 22), _logspace(0.16, 16, 7), (0, 1, 2, 3, 4), 128),
}


def _vit(dataset: str, kind: str, s: Scale, data_root: str = "") -> GridSpec:
    Ns, snrs, seeds, hidden = _pick(_VIT, s)
    base: dict[str, object] = {"dh": hidden, "dv": hidden, "H": 4, "tau_rel": SECTION6_TAU_REL, "T_max": s.T_max,
                               "n_test": s.n_test, **_images(dataset, data_root)}
    if kind == "vit":
        base["model"] = "simplevit"
        what = "Section 6's simplified ViT (2 attention layers x 4 heads, ReLU MLP), all trained"
    else:
        base.update(model="vit-last-qkv", init="pytorch", attack=AttackSpec(steps=5), test_attack=AttackSpec(steps=5))
        what = "Appendix B.4: only the last attention layer's QKV trained, PGD of 5 steps"
    return GridSpec(f"{dataset}-{kind}", base, {"N": Ns, "snr": snrs, "seed": seeds},
                    f"{dataset}{_root_note(dataset)}: {what}, N x SNR, classes 0 vs 1, tau/|mu| = 0.05")


# Appendix B.2 (APGD) and B.3 (multi-norm PGD) on eq. (1), and B.3's comparison with ℓ₂ PGD at the same points:
# the data set's Appendix B.2 radius and SNR range (bounds.presets; digits, which the paper does not use, takes
# MNIST's radius and SNR range), N up to 200 of the 233 a balanced digits draw allows; the paper's own N ranges
# (1000–10000) at the paper scale on MNIST, CIFAR-10 and Tiny-ImageNet. (N, number of SNRs, seeds, d_h) per scale:
_PAPER_B2 = {"mnist": "appB2-mnist", "cifar10": "appB2-cifar10", "tiny-imagenet": "appB2-tinyimagenet"}
_DIGITS_B = (0.05, (20, 200), (0.4, 2.0))
_B: dict[str, tuple[tuple[int, ...], int, tuple[int, ...], int]] = {
    "ci": ((10, 40, 160), 3, (0,), 6),
    "default": ((20, 60, 200), 4, (0, 1), 32),
    "paper": ((20, 40, 80, 140, 200), 7, (0, 1, 2, 3, 4), 128),
}


def b_setting(dataset: str) -> tuple[float, tuple[int, int], tuple[float, float]]:
    """(τ/‖µ‖, N range, SNR range) of a data set's Appendix B.2 grid."""
    if dataset == "digits":
        return _DIGITS_B
    from bounds.presets import preset as paper_preset

    p = paper_preset(_PAPER_B2[dataset])
    tau_rel = p.fixed["tau_rel"]
    Ns = [n for n in p.grid["N"] if isinstance(n, int)]
    snrs = [v for v in p.grid["snr"] if isinstance(v, int | float)]
    assert isinstance(tau_rel, int | float), tau_rel
    assert len(Ns) == len(p.grid["N"]) and len(snrs) == len(p.grid["snr"]), p.grid
    return float(tau_rel), (min(Ns), max(Ns)), (min(snrs), max(snrs))


_B_KINDS = {"apgd": "APGD in training and test (Appendix B.2)",
            "multinorm": "multi-norm PGD, radii 20:1:1/30 (Appendix B.3)",
            "multinorm-image": "multi-norm PGD, radii 20:1:1/30, the l1 ball one budget for the whole image "
                               "(Appendix B.3, second reading)",
            "l2": "l2 PGD at Appendix B.3's points (the comparison of EB.3.lower)"}


def _appendix_b(dataset: str, kind: str, s: Scale, data_root: str = "") -> GridSpec:
    Ns, k_snr, seeds, dh = _pick(_B, s)
    tau_rel, (n_lo, n_hi), (s_lo, s_hi) = b_setting(dataset)
    if s.name == "paper" and dataset != "digits":
        Ns = tuple(sorted({round(float(v)) for v in np.geomspace(n_lo, n_hi, 5)}))
    base: dict[str, object] = {"dh": dh, "dv": dh, "tau_rel": tau_rel, "T_max": s.T_max, "n_test": s.n_test,
                               **_images(dataset, data_root)}
    if kind == "apgd":
        base.update(attack=AttackSpec(kind="apgd"), test_attack=AttackSpec(kind="apgd"))
    elif kind == "multinorm":
        base["norm"] = "multi"
    elif kind == "multinorm-image":
        base["norm"] = "multi-image"
    return GridSpec(f"{dataset}-{kind}", base, {"N": Ns, "snr": _logspace(s_lo, s_hi, k_snr), "seed": seeds},
                    f"{dataset}{_root_note(dataset)}: {_B_KINDS[kind]}, N x SNR, classes 0 vs 1, "
                    f"tau/|mu| = {tau_rel:g}")


Preset = Callable[..., GridSpec]
PRESETS: dict[str, Preset] = {
    "fig1": _fig1, "fig1-stable": _fig1_stable, "trained": _trained, "tau-sweep": _tau_sweep,
    "t43-midpoint": _t43_midpoint, "fig3": _fig3, "fig3-search": _fig3_search,
    "l54": _l54, "t42-errors": _t42_errors, "t42-tau": _t42_tau, "t42-case2": _t42_case2, "t42-training": _t42_training,
    "t42-timing": _t42_timing, "t42-ratio": _t42_ratio, "t42-dependence": _t42_dependence, "ic1": _ic1,
    **{f"{ds}-fig1c": (lambda s, data_root="", ds=ds: _fig1c(ds, s, data_root)) for ds in IMAGE_SETS},
    # Figure 1c with the second reading of the tokenisation (M strips of whole rows; MNIST's 28 rows take no M = 16)
    **{f"{ds}-fig1c-strips": (lambda s, data_root="", ds=ds: _fig1c(ds, s, data_root, "strips")) for ds in IMAGE_SETS},
    **{f"{ds}-{kind}": (lambda s, data_root="", ds=ds, kind=kind: _vit(ds, kind, s, data_root))
       for ds in IMAGE_SETS for kind in ("vit", "vit-b4")},
    **{f"{ds}-{kind}": (lambda s, data_root="", ds=ds, kind=kind: _appendix_b(ds, kind, s, data_root))
       for ds in IMAGE_SETS for kind in _B_KINDS},
}


def preset(name: str, scale_name: str = "default", **options: object) -> GridSpec:
    """The named preset at a scale (``options``: ``data_root`` for presets on image files, ``threshold`` for
    ``ic1``)."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, got {name!r}")
    return PRESETS[name](scale(scale_name), **options)


# Members per batched group: at the default sizes (d = 256, N = 12) a training step of 16 members is bound by
# per-operation overhead, 32 gain about 1.3x over 16 and 64 no more (measured side by side on 2 cores).
GROUP_MEMBERS = 32


def group(configs: Sequence[RunConfig], max_members: int = GROUP_MEMBERS) -> list[list[RunConfig]]:
    """Batched groups: runs sharing shapes and code paths (the group key) and N, at most
    ``max_members`` each. Grouping by N as well avoids padding waste; the order is stable."""
    if max_members < 1:
        raise ValueError(f"max_members must be >= 1, got {max_members}")
    buckets: dict[tuple[object, ...], list[RunConfig]] = defaultdict(list)
    for c in configs:
        buckets[(*c.group_key(), c.N)].append(c)
    out = []
    for members in buckets.values():
        for i in range(0, len(members), max_members):
            out.append(members[i : i + max_members])
    return out


_INT_FIELDS = {"N", "d", "M", "dh", "dv", "H", "T_max", "seed", "n_test", "log_every"}
_FLOAT_FIELDS = {"snr", "mu", "sigma_p", "tau_rel", "eta", "eps", "sigma_h", "sigma_V", "w_O_norm", "init_scale"}
# attack options are set with prefixed names: attack=apgd, attack_steps=50, test_attack_restarts=5, …
_ATTACK_KEYS = {"": "kind", "_steps": "steps", "_step_rel": "step_rel", "_random_start": "random_start",
                "_restarts": "restarts", "_iterate": "iterate"}


def parse_value(name: str, text: str) -> object:
    """A RunConfig field's value from its command-line text (``"22"``, ``"0.05"``, ``"projected"``, ``"3,8"``)."""
    if not isinstance(name, str) or not isinstance(text, str):
        raise ValueError(f"name and text must be strings, got name={name!r}, text={text!r}")
    if name in _INT_FIELDS:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{name} must be an integer, got {text!r}") from None
    if name == "classes":
        parts = [v.strip() for v in text.split(",")]
        try:
            pair = tuple(int(v) for v in parts)
        except ValueError:
            raise ValueError(f"classes must be two comma-separated class indices like 3,8, got {text!r}") from None
        if len(pair) != 2:
            raise ValueError(f"classes must be two comma-separated class indices like 3,8, got {text!r}")
        return pair
    if name == "eval_tau_rels":
        try:
            return tuple(float(v) for v in text.split(",") if v.strip())
        except ValueError:
            raise ValueError(f"{name} must be comma-separated numbers, got {text!r}") from None
    if name in _FLOAT_FIELDS:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{name} must be a number, got {text!r}") from None
    return text


def _split_attack_key(name: str) -> tuple[str, str] | None:
    for prefix in ("test_attack", "attack"):
        if name.startswith(prefix):
            rest = name[len(prefix):]
            if rest in _ATTACK_KEYS:
                return prefix, _ATTACK_KEYS[rest]
    return None


def apply_settings(spec: GridSpec, settings: Sequence[str] = (), axes: Sequence[str] = ()) -> GridSpec:
    """``spec`` with fixed fields overridden (``FIELD=VALUE``) and axes added (``FIELD=V1,V2,…``).

    Attack options use prefixed names: ``attack=apgd``, ``attack_steps=50``, ``attack_restarts=3``,
    ``attack_random_start=true``, ``attack_iterate=last``, and the same with ``test_attack``.
    """
    if spec.parts:
        return GridSpec(spec.name, description=spec.description,
                        parts=tuple(apply_settings(p, settings, axes) for p in spec.parts))
    base = dict(spec.base)
    new_axes = dict(spec.axes)
    attack_over: dict[str, dict[str, object]] = {"attack": {}, "test_attack": {}}
    for text in settings:
        name, sep, value = text.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not value.strip():
            raise ValueError(f"--set must look like FIELD=VALUE, got {text!r}")
        split = _split_attack_key(name)
        if split is not None:
            which, key = split
            val: object = value.strip()
            # steps, restarts and step_rel stay text: AttackSpec parses and validates them
            if key == "random_start":
                if str(val).lower() not in ("true", "false", "1", "0"):
                    raise ValueError(f"{name} must be true or false, got {value!r}")
                val = str(val).lower() in ("true", "1")
            attack_over[which][key] = val
            continue
        if name not in _CONFIG_FIELDS:
            raise ValueError(f"--set field must be a RunConfig field, got {name!r}")
        new_axes.pop(name, None)
        base[name] = parse_value(name, value.strip())
    for text in axes:
        name, sep, values = text.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not values.strip():
            raise ValueError(f"--axis must look like FIELD=V1,V2,..., got {text!r}")
        if name not in _CONFIG_FIELDS or _split_attack_key(name) is not None or name == "classes":
            raise ValueError(f"--axis field must be a scalar RunConfig field, got {name!r}")
        base.pop(name, None)
        new_axes[name] = tuple(parse_value(name, v.strip()) for v in values.split(",") if v.strip())
    for which, over in attack_over.items():
        if over:
            current = base.get(which, AttackSpec())
            assert isinstance(current, AttackSpec)
            base[which] = AttackSpec(**{**current.__dict__, **over})
    given = {t.partition("=")[0].strip().replace("-", "_") for t in (*settings, *axes)}
    if {"snr", "mu"} <= given:  # the user's own --set/--axis name both: which one was meant is unknown
        said = [t for t in (*settings, *axes) if t.partition("=")[0].strip() in ("snr", "mu")]
        raise ValueError(f"give snr or mu, not both, got {', '.join(said)}")
    if "snr" in base and "mu" in base:
        raise ValueError("give snr or mu, not both")
    if "mu" in base or "mu" in new_axes:  # the user's ‖µ‖ replaces the preset's SNR
        base.pop("snr", None)
        new_axes.pop("snr", None)
    return GridSpec(spec.name, base, new_axes, spec.description)


# ---- sensitivity to the choices the paper leaves open (IC-10) -------------------------------------------------
#
# One alternative per unreported choice, each taken alone from bovit's defaults. A choice changes a run only where
# the run has RunConfig's default in every field the choice sets (a grid that sets such a field itself, as the τ
# sweep's Case-2 part sets η, keeps its own value: the claim is then not re-evaluated under that choice). The study
# reads reduced grids (sensitivity_runs): the first SENSITIVITY_SEEDS seeds, and every other SNR of an SNR axis
# longer than SENSITIVITY_SNRS, so that each alternative costs a few hundred runs at the default scale.


@dataclass(frozen=True)
class Choice:
    """One alternative to one choice the paper leaves open: ``changes`` are RunConfig fields, or fields of the
    training (``attack.``) or test (``test_attack.``) attack."""

    name: str
    choice: str
    default: str
    alternative: str
    changes: tuple[tuple[str, object], ...]

    def __post_init__(self) -> None:
        attack_fields = {f.name for f in fields(AttackSpec)}
        for key, _ in self.changes:
            head, _, sub = key.partition(".")
            ok = (head in ("attack", "test_attack") and sub in attack_fields) if sub else head in _CONFIG_FIELDS
            if not ok:
                raise ValueError(f"choice {self.name}: changes must name RunConfig fields or attack.<field> / "
                                 f"test_attack.<field>, got {key!r}")


def _choice_and_run(choice: object, c: object) -> None:
    if not isinstance(choice, Choice):
        raise ValueError(f"choice must be a simulate.grid.Choice, got {type(choice).__name__}")
    if not isinstance(c, RunConfig):
        raise ValueError(f"c must be a RunConfig, got {type(c).__name__}")


SENSITIVITY: tuple[Choice, ...] = (
    Choice("train-last", "the iterate the training attack returns", "its lowest-margin iterate",
           "its last iterate (standard PGD training)", (("attack.iterate", "last"),)),
    Choice("test-last", "the iterate the test attack returns", "its lowest-margin iterate", "its last iterate",
           (("test_attack.iterate", "last"),)),
    Choice("restarts", "the attacks' starts", "one start, at zero",
           "a random start and a second random restart, in training and in test",
           (("attack.random_start", True), ("attack.restarts", 2), ("test_attack.random_start", True),
            ("test_attack.restarts", 2))),
    Choice("w_O-half", "the output weights' norm ‖w_O‖", "1", "0.5", (("w_O_norm", 0.5),)),
    Choice("w_O-random", "the output weights' direction", "1/√d_v in every coordinate",
           "a Gaussian direction drawn from the seed", (("w_O_dir", "random"),)),
    Choice("init-quarter", "the initialisation's scale", "PyTorch's Linear default × 1/16",
           "a quarter of it (× 1/64), toward Condition 4.1(5)'s small initialisation", (("init_scale", 0.25),)),
    Choice("eta-0.01", "the step size η", "0.1 (Section 6)", "0.01", (("eta", 0.01),)),
    Choice("noise-projected", "the noise law", "isotropic N(0, σ_p²·I)",
           "Definition 3.1's noise, projected off the signals", (("noise", "projected"),)),
    Choice("stop-clean", "the loss the stopping rule watches", "the robust training loss", "the clean training loss",
           (("stop_on", "clean"),)),
)
SENSITIVITY_SEEDS = 3
SENSITIVITY_SNRS = 6
_DEFAULT_CONFIG = {f.name: f.default for f in fields(RunConfig) if f.default is not dataclasses.MISSING}
_DEFAULT_ATTACK = AttackSpec()


def sensitivity_choice(name: str) -> Choice:
    """The alternative named ``name`` (one of SENSITIVITY's names)."""
    for c in SENSITIVITY:
        if c.name == name:
            return c
    raise ValueError(f"choice must be one of {', '.join(c.name for c in SENSITIVITY)}, got {name!r}")


def applies(choice: Choice, c: RunConfig) -> bool:
    """Whether ``choice`` can change run ``c``: the run has bovit's default in every field the choice sets (its
    attacks are the default PGD's kind where the choice sets an attack field)."""
    _choice_and_run(choice, c)
    for key, _ in choice.changes:
        head, _, sub = key.partition(".")
        if sub:
            spec = getattr(c, head)
            if spec.kind != "pgd" or getattr(spec, sub) != getattr(_DEFAULT_ATTACK, sub):
                return False
        elif getattr(c, key) != _DEFAULT_CONFIG[key]:
            return False
    return True


def under(choice: Choice, c: RunConfig) -> RunConfig:
    """Run ``c`` with ``choice`` made (``applies`` must hold)."""
    _choice_and_run(choice, c)
    if not applies(choice, c):
        raise ValueError(f"choice {choice.name} does not apply to {c.label()}: the run sets one of its fields itself")
    plain = {k: v for k, v in choice.changes if "." not in k}
    specs: dict[str, dict[str, object]] = {}
    for key, value in choice.changes:
        head, _, sub = key.partition(".")
        if sub:
            specs.setdefault(head, {})[sub] = value
    return c.replace(**plain, **{h: dataclasses.replace(getattr(c, h), **v) for h, v in specs.items()})


def sensitivity_runs(configs: Sequence[RunConfig]) -> list[RunConfig]:
    """The reduced grid of a claim's runs: runs as drawn (no stability twins) of the first SENSITIVITY_SEEDS seeds,
    and where the runs span more than SENSITIVITY_SNRS SNRs, every other SNR (the largest kept)."""
    kept = [c for c in configs if not c.perturb and c.seed < SENSITIVITY_SEEDS]
    snrs = sorted({c.snr for c in kept if c.snr is not None})
    if len(snrs) > SENSITIVITY_SNRS:
        keep = {*snrs[::2], snrs[-1]}
        kept = [c for c in kept if c.snr is None or c.snr in keep]
    return list(dict.fromkeys(kept))
