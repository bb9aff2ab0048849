"""The paper's own experimental settings as named presets, and the audit of Condition 4.1 and the
case hypotheses at those settings (CLAIMS.md IC-8: "the experiments are not in the theorem's
regime" — here with every margin measured).

Where the paper leaves a value out (CLAIMS.md IC-10) the preset says which value bovit assumes:
‖w_O‖ = 1 (the theory's normalisation), δ = 0.01, and for the "PyTorch default × 1/16"
initialisation σ_h = σ_V = 1/(16·√(3·fan_in)) (``nn.Linear``'s U(±1/√fan_in) has std 1/√(3·fan_in)).
Where the paper gives only a range (N from 2 to 22), the grid inside it is bovit's choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bounds.params import MULTI_NORM_RADII, Constants, Params
from bounds.regime import REGIMES, RegimeName, describe_margin, regime
from bounds.symbolic import ItemResult, json_number
from bounds.validate import choice

__all__ = ["INIT_SCALE", "PRESETS", "AuditRow", "Preset", "PresetAudit", "audit", "preset"]


# Section 6.1 (L1267–1270): "initialized by PyTorch's default method, followed by an additional scaling factor of 1/16"
INIT_SCALE = 1 / 16


def _torch_default_std(fan_in: int, scale: float = INIT_SCALE) -> float:
    return scale / math.sqrt(3 * fan_in)


@dataclass(frozen=True)
class Preset:
    """A named setting of the paper: fixed fields plus a grid over what the paper varies."""

    name: str
    source: str
    description: str
    fixed: dict[str, object]
    grid: dict[str, tuple[object, ...]] = field(default_factory=dict)
    assumed: tuple[str, ...] = ()
    norms: dict[str, float] = field(default_factory=dict)  # multi-norm: norm p -> its τ/‖µ‖

    def points(self) -> list[Params]:
        """Every grid point as Params (grid axes multiply; a multi-norm preset adds one point per norm)."""
        combos: list[dict[str, object]] = [{}]
        axes = dict(self.grid)
        if self.norms:
            axes["_norm"] = tuple(self.norms)
        for k, values in axes.items():
            combos = [dict(c, **{k: v}) for c in combos for v in values]
        out = []
        for combo in combos:
            norm = combo.pop("_norm", None)
            extra = {} if norm is None else {"p": norm, "tau_rel": self.norms[str(norm)]}
            out.append(Params.from_inputs(**{**self.fixed, **combo, **extra}))
        return out


_SIGMA6 = _torch_default_std(1024)
_SEC6_N = tuple(range(2, 23, 2))
_SEC6_SNR = tuple(float(f"{0.16 * 10 ** (k / 4):.4g}") for k in range(9))  # 0.16 … 16, log-spaced
_IMG_ETA_EPS = {"eta": 0.1, "eps": 0.01, "mu": 5.0}  # images scaled to ℓ₂ norm 5 (Section 6)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "sec6-synthetic", "Section 6.1, Figure 1a-b",
            "d=1024, M=16, d_h=d_v=128, noise N(0, 0.4·I), ℓ₂ PGD τ/‖µ‖=0.05, η=0.1, ε=0.01",
            {"d": 1024, "M": 16, "dh": 128, "dv": 128, "sigma_p": math.sqrt(0.4), "tau_rel": 0.05,
             "eta": 0.1, "eps": 0.01, "sigma_h": _SIGMA6, "sigma_V": _SIGMA6},
            {"N": _SEC6_N, "snr": _SEC6_SNR},
            ("‖w_O‖ = 1", "δ = 0.01", f"σ_h = σ_V = 1/(16√(3·1024)) = {_SIGMA6:.4g}",
             "N grid 2,4,…,22 and SNR grid 0.16…16 (9 log-spaced values): the paper gives only the ranges"),
        ),
        Preset(
            "appB1", "Appendix B.1, Figure 3",
            "N=25, SNR=16, M=2, d=1024, d_h=d_v=512, σ_p=0.05, τ/‖µ‖ ∈ {0.02, 0.1, 0.5}",
            {"d": 1024, "M": 2, "dh": 512, "dv": 512, "N": 25, "snr": 16.0, "sigma_p": 0.05,
             "eta": 0.1, "eps": 0.01, "sigma_h": _SIGMA6, "sigma_V": _SIGMA6},
            {"tau_rel": (0.02, 0.1, 0.5)},
            ("‖w_O‖ = 1", "δ = 0.01", "η = 0.1, ε = 0.01 and the ×1/16 initialisation as in Section 6"),
        ),
        Preset(
            "appB2-mnist", "Appendix B.2, Figure 4 (APGD)",
            "MNIST through the Section 6 transform: ‖image‖ = 5, τ/‖µ‖ = 0.05, N 1000–6000, SNR 0.4–2",
            {"d": 784, "dh": 128, "tau_rel": 0.05, **_IMG_ETA_EPS},
            {"N": (1000, 2000, 3000, 4000, 5000, 6000), "snr": (0.4, 0.8, 1.2, 1.6, 2.0)},
            ("d = 784 pixels and SNR = 5/(σ√784) (IC-10)", "M, σ_h, σ_V unknown: the model is not eq. (1)"),
        ),
        Preset(
            "appB2-cifar10", "Appendix B.2, Figure 5 (APGD)",
            "CIFAR-10 through the Section 6 transform: τ/‖µ‖ = 0.01, N 1000–10000, SNR 0.4–10",
            {"d": 3072, "dh": 128, "tau_rel": 0.01, **_IMG_ETA_EPS},
            {"N": (1000, 4000, 7000, 10000), "snr": (0.4, 1.0, 2.5, 5.0, 10.0)},
            ("d = 3072 pixels (IC-10)", "M, σ_h, σ_V unknown: the model is not eq. (1)"),
        ),
        Preset(
            "appB2-tinyimagenet", "Appendix B.2, Figure 6 (APGD)",
            "Tiny-ImageNet through the Section 6 transform: τ/‖µ‖ = 0.10, N 100–1000, SNR 0.4–10",
            {"d": 12288, "dh": 128, "tau_rel": 0.10, **_IMG_ETA_EPS},
            {"N": (100, 400, 700, 1000), "snr": (0.4, 1.0, 2.5, 5.0, 10.0)},
            ("d = 64·64·3 pixels (IC-10)", "M, σ_h, σ_V unknown: the model is not eq. (1)"),
        ),
        Preset(
            "appB3-mnist", "Appendix B.3, Figure 7a-b (multi-norm PGD)",
            "MNIST, radii (τ₁, τ₂, τ∞)/‖µ‖ = (20, 1, 1/30)·0.05, N 1000–6000, SNR 0.4–2",
            {"d": 784, "dh": 128, **_IMG_ETA_EPS},
            {"N": (1000, 3500, 6000), "snr": (0.4, 1.2, 2.0)},
            ("d = 784 pixels (IC-10)", "each norm audited on its own"),
            {p: 0.05 * k for p, k in MULTI_NORM_RADII.items()},
        ),
        Preset(
            "appB3-cifar10", "Appendix B.3, Figure 7c-d (multi-norm PGD)",
            "CIFAR-10, radii (τ₁, τ₂, τ∞)/‖µ‖ = (20, 1, 1/30)·0.01, N 1000–10000, SNR 0.4–10",
            {"d": 3072, "dh": 128, **_IMG_ETA_EPS},
            {"N": (1000, 5500, 10000), "snr": (0.4, 2.0, 10.0)},
            ("d = 3072 pixels (IC-10)", "each norm audited on its own"),
            {p: 0.01 * k for p, k in MULTI_NORM_RADII.items()},
        ),
        Preset(
            "appB4-vit-base", "Appendix B.4, Figure 8 (ViT-B/16, last layer's QKV trained)",
            "d = 768 tokens' width, M = 197 tokens, 12 heads of d_h = 64, PGD τ/‖µ‖ = 0.05, 5 steps",
            {"d": 768, "M": 197, "dh": 64, "H": 12, "tau_rel": 0.05, "mu": 5.0, "eta": 0.1, "eps": 0.01},
            {},
            ("N and SNR: the paper gives no values", "the tokens are features of a frozen encoder, not Def. 3.1"),
        ),
    )
}

def preset(name: str) -> Preset:
    choice("preset", name, tuple(PRESETS))
    return PRESETS[name]


@dataclass(frozen=True)
class AuditRow:
    """One statement over a preset's grid: how often it holds and the range of its margins."""

    id: str
    source: str
    statement: str
    derived: bool
    n_points: int
    n_hold: int
    n_fail: int
    n_unknown: int
    margin_min: float | None
    margin_max: float | None
    worst: str  # the worst point's id and its margin in words

    def as_json(self) -> dict[str, object]:
        num = json_number
        return {"id": self.id, "source": self.source, "statement": self.statement, "derived": self.derived,
                "points": self.n_points, "holds": self.n_hold, "fails": self.n_fail, "unknown": self.n_unknown,
                "margin_min": num(self.margin_min), "margin_max": num(self.margin_max), "worst": self.worst}


@dataclass(frozen=True)
class PresetAudit:
    preset: Preset
    rows: tuple[AuditRow, ...]
    regimes: dict[RegimeName, int]
    nominal: dict[RegimeName, int]
    n_points: int

    def as_json(self) -> dict[str, object]:
        p = self.preset
        return {"preset": p.name, "source": p.source, "description": p.description,
                "assumed": list(p.assumed), "points": self.n_points,
                "regimes": self.regimes, "nominal_regimes": self.nominal,
                "items": [r.as_json() for r in self.rows]}


def _row(results: list[ItemResult], points: list[Params]) -> AuditRow:
    first = results[0]
    decided = [(r.margin, r, pt) for r, pt in zip(results, points, strict=True) if r.margin is not None]
    if decided:
        _, r, pt = min(decided, key=lambda row: row[0])
        where = f"N={pt.N}, SNR={pt.snr:.3g}" if pt.N is not None and pt.snr is not None else ""
        where += f", τ/‖µ‖={pt.tau_rel:.3g}" if pt.tau_rel is not None else ""
        where += f", p={pt.p}" if pt.p != "2" else ""
        worst = f"{describe_margin(r)} at {where.strip(', ')}"
    else:
        worst = describe_margin(first)
    ms = [m for m, _, _ in decided]
    return AuditRow(first.id, first.source, first.text, first.derived, len(results),
                    sum(r.holds is True for r in results), sum(r.holds is False for r in results),
                    sum(r.holds is None for r in results),
                    min(ms) if ms else None, max(ms) if ms else None, worst)


def audit(name: str, consts: Constants | None = None) -> PresetAudit:
    """Condition 4.1 (with the proofs' derived requirements) and both cases' hypotheses, item by
    item, over every point of preset ``name``."""
    p = preset(name)
    consts = consts or Constants()
    points = p.points()
    per_point = [regime(pt, consts) for pt in points]
    columns: list[list[ItemResult]] = []
    for k in range(len(per_point[0].condition)):
        columns.append([r.condition[k] for r in per_point])
    for k in range(len(per_point[0].case1)):
        columns.append([r.case1[k] for r in per_point])
    for k in range(len(per_point[0].case2)):
        columns.append([r.case2[k] for r in per_point])
    rows = tuple(_row(col, points) for col in columns)
    regimes = {name: sum(r.regime == name for r in per_point) for name in REGIMES}
    nominal = {name: sum(r.nominal == name for r in per_point) for name in REGIMES}
    return PresetAudit(p, rows, regimes, nominal, len(points))

