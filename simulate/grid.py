"""Grid specs — the paper's Figures 1, 2 and 3 as named presets, and custom grids — and their groups.

A grid is data: a base of RunConfig fields and axes (lists of values) whose product is the list of
runs. ``scale`` picks the size: ``paper`` is the paper's own setting (Section 6: d = 1024, M = 16,
d_h = d_v = 128, N ∈ [2, 22], SNR ∈ [0.16, 16]; Appendix B.1 for Figure 3), ``default`` the same
dimensions on a coarser grid with three seeds, ``quick`` a miniature (d = 256, M = 8, d_h = d_v = 32)
that runs on two CPU cores in minutes. Every preset point keeps the paper's η = 0.1, ε = 0.01,
τ/‖µ‖ and the PyTorch-default × 1/16 initialisation. ``digits-fig1c`` and ``mnist-fig1c`` are Figure 1c on
real images (``dataset``; mnist needs ``--set data_root=PATH``; ``--set classes=3,8`` picks the task).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from simulate.config import RunConfig

__all__ = ["PRESETS", "SCALES", "GridSpec", "apply_settings", "group", "parse_value", "preset"]

SCALES = ("quick", "default", "paper")
_CONFIG_FIELDS = {f.name for f in fields(RunConfig)}


@dataclass(frozen=True)
class GridSpec:
    """A named grid: ``base`` RunConfig fields and ``axes`` (field → values) crossed into runs."""

    name: str
    base: dict[str, object] = field(default_factory=dict)
    axes: dict[str, tuple[object, ...]] = field(default_factory=dict)
    description: str = ""

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

    def configs(self) -> list[RunConfig]:
        """The runs of the grid, in a stable order (the axes' product, last axis fastest)."""
        names = list(self.axes)
        out = []
        for combo in itertools.product(*(self.axes[k] for k in names)):
            out.append(RunConfig(**{**self.base, **dict(zip(names, combo, strict=True))}))  # type: ignore[arg-type]
        return out

    def __len__(self) -> int:
        return math.prod(len(v) for v in self.axes.values())


def _logspace(lo: float, hi: float, k: int) -> tuple[float, ...]:
    return tuple(float(f"{v:.4g}") for v in np.geomspace(lo, hi, k))


_SCALE_DIMS: dict[str, dict[str, object]] = {
    "quick": {"d": 256, "M": 8, "dh": 32, "dv": 32, "T_max": 300, "n_test": 1000, "log_every": 10},
    "default": {"d": 1024, "M": 16, "dh": 128, "dv": 128, "T_max": 1000, "n_test": 2000, "log_every": 10},
    "paper": {"d": 1024, "M": 16, "dh": 128, "dv": 128, "T_max": 3000, "n_test": 2000, "log_every": 10},
}


def _fig1(scale: str) -> GridSpec:
    """Figure 1a–b: clean and robust accuracy over N × SNR at τ/‖µ‖ = 0.05 (Section 6)."""
    axes: dict[str, dict[str, tuple[object, ...]]] = {
        "quick": {"N": (2, 6, 12, 22), "snr": _logspace(0.16, 16, 6), "seed": (0, 1)},
        "default": {"N": (2, 4, 8, 14, 22), "snr": _logspace(0.16, 16, 7), "seed": (0, 1, 2)},
        "paper": {"N": tuple(range(2, 23, 2)), "snr": _logspace(0.16, 16, 11), "seed": (0, 1, 2, 3, 4)},
    }
    return GridSpec("fig1", {**_SCALE_DIMS[scale], "tau_rel": 0.05}, axes[scale],
                    "Figure 1a-b: accuracy over N x SNR, tau/|mu| = 0.05")


def _fig2(scale: str) -> GridSpec:
    """Figure 2: loss and robust accuracy curves at N = 22 over SNR (and SNR = 12 over N: see fig2n)."""
    axes = {
        "quick": {"snr": _logspace(0.25, 16, 4), "seed": (0,)},
        "default": {"snr": _logspace(0.16, 16, 6), "seed": (0, 1, 2)},
        "paper": {"snr": _logspace(0.16, 16, 9), "seed": (0, 1, 2, 3, 4)},
    }
    return GridSpec("fig2", {**_SCALE_DIMS[scale], "tau_rel": 0.05, "N": 22, "log_every": 1}, axes[scale],
                    "Figure 2 (left): N = 22, curves over SNR")


def _fig2n(scale: str) -> GridSpec:
    axes = {
        "quick": {"N": (2, 8, 22), "seed": (0,)},
        "default": {"N": (2, 6, 12, 22), "seed": (0, 1, 2)},
        "paper": {"N": (2, 4, 8, 12, 16, 22), "seed": (0, 1, 2, 3, 4)},
    }
    return GridSpec("fig2n", {**_SCALE_DIMS[scale], "tau_rel": 0.05, "snr": 12.0, "log_every": 1}, axes[scale],
                    "Figure 2 (right): SNR = 12, curves over N")


def _fig3(scale: str) -> GridSpec:
    """Figure 3 / Appendix B.1: N = 25, SNR = 16, M = 2, σ_p = 0.05, τ/‖µ‖ ∈ {0.02, 0.1, 0.5}."""
    dims = {"quick": {"d": 256, "dh": 128, "dv": 128, "T_max": 300},
            "default": {"d": 1024, "dh": 512, "dv": 512, "T_max": 1000},
            "paper": {"d": 1024, "dh": 512, "dv": 512, "T_max": 3000}}[scale]
    seeds = {"quick": (0,), "default": (0, 1, 2), "paper": (0, 1, 2, 3, 4)}[scale]
    base = {**dims, "M": 2, "N": 25, "snr": 16.0, "sigma_p": 0.05, "log_every": 1,
            "n_test": _SCALE_DIMS[scale]["n_test"]}
    return GridSpec("fig3", base, {"tau_rel": (0.02, 0.1, 0.5), "seed": seeds},
                    "Figure 3 / Appendix B.1: dynamics at tau/|mu| = 0.02, 0.1, 0.5")


# Figure 1c on real images (E6.real, E6.5): robust accuracy over N × SNR, N ∈ [2, 22], SNR ∈ [0.16, 16], the
# classes (positive, negative) = (0, 1), τ/‖µ‖ = 0.05 (the paper's MNIST radius, CLAIMS.md EB.2: τ/m = 0.05;
# ‖µ‖ = 5 is the image norm). digits (8×8) is cut into M = 4 tokens of d = 16, mnist (28×28) into the
# paper's M = 16 tokens of d = 49. The digits train pool of classes 0/1 holds 240 images, so N ≤ 22 fits.
_FIG1C_AXES: dict[str, dict[str, tuple[object, ...]]] = {
    "quick": {"N": (2, 6, 12, 22), "snr": _logspace(0.16, 16, 6), "seed": (0, 1)},
    "default": {"N": (2, 4, 8, 14, 22), "snr": _logspace(0.16, 16, 7), "seed": (0, 1, 2)},
    "paper": {"N": tuple(range(2, 23, 2)), "snr": _logspace(0.16, 16, 11), "seed": (0, 1, 2, 3, 4)},
}


def _image_fig1c(dataset: str, M: int, d: int, scale: str) -> GridSpec:
    dims = {**_SCALE_DIMS[scale], "M": M, "d": d}
    base = {**dims, "dataset": dataset, "classes": (0, 1), "tau_rel": 0.05}
    root = " (set data_root=PATH)" if dataset != "digits" else ""
    return GridSpec(f"{dataset}-fig1c", base, _FIG1C_AXES[scale],
                    f"Figure 1c on {dataset}{root}: robust accuracy over N x SNR, classes 0 vs 1, tau/|mu| = 0.05")


def _digits_fig1c(scale: str) -> GridSpec:
    """Figure 1c read on scikit-learn's 8×8 digits (offline): M = 4, d = 16."""
    return _image_fig1c("digits", 4, 16, scale)


def _mnist_fig1c(scale: str) -> GridSpec:
    """Figure 1c on MNIST (``--set data_root=PATH``): M = 16, d = 49."""
    return _image_fig1c("mnist", 16, 49, scale)


# Appendix B.2 (APGD) and B.3 (multi-norm PGD, radii (τ₁, τ₂, τ∞)/‖µ‖ = (20, 1, 1/30)·τ/‖µ‖), CLAIMS.md
# EB.2/EB.3: the paper's τ/‖µ‖ and its N and SNR ranges per dataset are those bounds.presets records for
# Appendix B.2; M = 16 tokens. Digits has no paper setting: MNIST's radius and SNR range, N up to its 0/1 pool.
_PAPER_B2 = {"mnist": "appB2-mnist", "cifar10": "appB2-cifar10", "tiny-imagenet": "appB2-tinyimagenet"}
_DIGITS_B = (0.05, (20, 200), (0.4, 2.0))
_B_POINTS = {"quick": (3, 4, (0,)), "default": (4, 5, (0, 1, 2)), "paper": (6, 7, (0, 1, 2, 3, 4))}


def b_setting(dataset: str) -> tuple[float, tuple[int, int], tuple[float, float]]:
    """(τ/‖µ‖, N range, SNR range) of a dataset's Appendix B.2 grid."""
    if dataset == "digits":
        return _DIGITS_B
    from bounds.presets import preset as paper_preset

    p = paper_preset(_PAPER_B2[dataset])
    Ns, snrs = p.grid["N"], p.grid["snr"]
    return float(p.fixed["tau_rel"]), (min(Ns), max(Ns)), (min(snrs), max(snrs))  # type: ignore[arg-type]


def _appendix_b(dataset: str, kind: str, scale: str) -> GridSpec:
    from simulate.config import AttackSpec
    from simulate.images import image_dims

    M = 4 if dataset == "digits" else 16
    d = image_dims(dataset, M)
    tau_rel, (n_lo, n_hi), (s_lo, s_hi) = b_setting(dataset)
    k_n, k_s, seeds = _B_POINTS[scale]
    Ns = tuple(sorted({round(float(v)) for v in np.geomspace(n_lo, n_hi, k_n)}))
    base: dict[str, object] = {**_SCALE_DIMS[scale], "M": M, "d": d, "dataset": dataset, "classes": (0, 1),
                               "tau_rel": tau_rel}
    if kind == "apgd":
        base["attack"] = AttackSpec(kind="apgd")
        base["test_attack"] = AttackSpec(kind="apgd")
        what = "APGD in training and test (Appendix B.2)"
    else:
        base["norm"] = "multi"
        what = "multi-norm PGD, radii 20:1:1/30 (Appendix B.3)"
    root = " (set data_root=PATH)" if dataset != "digits" else ""
    return GridSpec(f"{dataset}-{kind}", base, {"N": Ns, "snr": _logspace(s_lo, s_hi, k_s), "seed": seeds},
                    f"{dataset}{root}: {what}, N x SNR, classes 0 vs 1, tau/|mu| = {tau_rel:g}")


# Section 6's simplified ViT (every parameter trained) and Appendix B.4's setting (only the last attention
# layer's Q/K/V trained, PGD of 5 steps, radius ‖µ‖/20), over Figure 1c's N × SNR grid. The ViT is
# SimpleViT with hidden size 128 and 4 heads; B.4's backbone is unscaled PyTorch init (a stand-in for the
# pretrained ViT-base, which cannot be fetched here) or a local checkpoint (--set checkpoint=FILE).
_VIT_DATASETS = ("digits", "mnist", "cifar10", "tiny-imagenet")


def _vit(dataset: str, kind: str, scale: str) -> GridSpec:
    from simulate.config import AttackSpec
    from simulate.images import image_dims

    M = 4 if dataset == "digits" else 16
    base: dict[str, object] = {**_SCALE_DIMS[scale], "M": M, "d": image_dims(dataset, M), "dh": 128, "dv": 128,
                               "H": 4, "dataset": dataset, "classes": (0, 1), "tau_rel": 0.05}
    if kind == "vit":
        base["model"] = "simplevit"
        what = "Section 6's simplified ViT (2 attention layers x 4 heads, ReLU MLP, hidden 128), all trained"
    else:
        base.update(model="vit-last-qkv", init="pytorch", attack=AttackSpec(steps=5),
                    test_attack=AttackSpec(steps=5))
        what = "Appendix B.4: only the last attention layer's QKV trained, PGD of 5 steps"
    root = " (set data_root=PATH)" if dataset != "digits" else ""
    return GridSpec(f"{dataset}-{kind}", base, _FIG1C_AXES[scale],
                    f"{dataset}{root}: {what}, N x SNR, classes 0 vs 1, tau/|mu| = 0.05")


PRESETS: dict[str, Callable[[str], GridSpec]] = {
    "fig1": _fig1, "fig2": _fig2, "fig2n": _fig2n, "fig3": _fig3,
    "digits-fig1c": _digits_fig1c, "mnist-fig1c": _mnist_fig1c,
    **{f"{ds}-{kind}": (lambda scale, ds=ds, kind=kind: _vit(ds, kind, scale))
       for ds in _VIT_DATASETS for kind in ("vit", "vit-b4")},
    **{f"{ds}-{kind}": (lambda scale, ds=ds, kind=kind: _appendix_b(ds, kind, scale))
       for ds in ("digits", *_PAPER_B2) for kind in ("apgd", "multinorm")},
}


def preset(name: str, scale: str = "default") -> GridSpec:
    """The named preset at the given scale."""
    if name not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(PRESETS)}, got {name!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, got {scale!r}")
    return PRESETS[name](scale)


def group(configs: Sequence[RunConfig], max_members: int = 16) -> list[list[RunConfig]]:
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
_FLOAT_FIELDS = {"snr", "mu", "sigma_p", "tau_rel", "eta", "eps", "sigma_h", "sigma_V", "w_O_norm"}
# attack options are set with prefixed names: attack=apgd, attack_steps=50, test_attack_restarts=5, …
_ATTACK_KEYS = {"": "kind", "_steps": "steps", "_step_rel": "step_rel", "_random_start": "random_start",
                "_restarts": "restarts"}


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
    ``attack_random_start=true``, and the same with ``test_attack``.
    """
    from simulate.config import AttackSpec

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
            base[which] = AttackSpec(**{**current.__dict__, **over})  # type: ignore[arg-type]
    if "snr" in base and "mu" in base:
        raise ValueError("give snr or mu, not both")
    if "mu" in base or "mu" in new_axes:
        base.pop("snr", None)
        new_axes.pop("snr", None)
    return GridSpec(spec.name, base, new_axes, spec.description)
