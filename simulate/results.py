"""A run's final result, typed: :class:`RunResult`, with a :class:`RadiusResult` per extra evaluation radius.

The trainers (:mod:`simulate.train` for eq. (1), :mod:`simulate.vit` for the ViT models) build one per run;
the store keeps its :meth:`RunResult.as_dict` as JSON and reads it back with :meth:`RunResult.from_dict`
(``from_dict(as_dict())`` is the same result and ``as_dict(from_dict(d)) == d`` for every stored ``d``, with
the same key order, so stored runs and the store's format are those of plain result dicts).

Some fields exist for some models only and are None for the others:

- eq. (1) runs have the certificate (``robust_errors_certified``, ``certificate_violations`` and the
  certified count at each extra radius), the margin drops of Lemma 5.5, ‖u‖, ‖W_V‖_F and the final
  attention log-ratio of Lemma 5.3; the ViT models (no certificate) have ``trained_parameters`` instead;
- synthetic eq. (1) runs also have the signals' quantities: V±, Theorem 4.3's midpoint attack
  (``midpoint_errors`` at τ, ``midpoint_errors_at`` and ``midpoint_pairs_both_correct_at`` at the radii
  :data:`bounds.formulas.MIDPOINT_RADII`) and Lemma 5.6's bounds; real-image runs have no µ± and none of these;
- ``provenance`` (library versions, device, host, git revision) is added by :func:`simulate.sweep.sweep`
  when it stores a run.

Radii are numbers τ/‖µ‖. The stored form names a radius ``f"{r:g}"`` (``"0.7072"``, ``"1"``), so a radius is
kept as the float that name reads back as (:func:`radius`): ``at_tau_rel[1.0]``, ``midpoint_errors_at[0.7072]``.
"""

from __future__ import annotations

import base64
import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

__all__ = ["DIVERGED_FIELDS", "RadiusResult", "RunResult", "decode_margins", "encode_margins", "need", "radius",
           "radius_name", "read_mapping"]

T = TypeVar("T")


def radius_name(r: float) -> str:
    """How the stored result names a radius τ/‖µ‖: ``f"{r:g}"`` (``1`` → ``"1"``, ``0.7072`` → ``"0.7072"``)."""
    return f"{r:g}"


def radius(r: float) -> float:
    """The radius τ/‖µ‖ a result keys ``r`` under: the float its stored name reads back as (``r`` itself for up
    to 6 significant digits)."""
    return float(radius_name(r))


def encode_margins(values: Sequence[float] | np.ndarray) -> str:
    """Margins as float16 (about 3 significant digits, range ±65504, beyond it ±inf; a NaN of a diverged model
    stays NaN), little-endian, base64."""
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {a.shape}")
    with np.errstate(over="ignore"):
        return base64.b64encode(a.astype("<f2").tobytes()).decode("ascii")


def decode_margins(text: str) -> np.ndarray:
    """The margins ``encode_margins`` stored, as float32."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ValueError(f"margins must be base64 text, got {text!r:.40}") from None
    if len(raw) % 2:
        raise ValueError(f"margins must hold whole float16 values, got {len(raw)} bytes")
    return np.frombuffer(raw, dtype="<f2").astype(np.float32)


def need(value: T | None, name: str) -> T:
    """``value`` of a field that only some models' results have (see the module docstring), or a ValueError
    saying this run's result lacks ``name``."""
    if value is None:
        raise ValueError(f"this run's result has no {name} (a field of some models only)")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_float(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# The fields that may hold ±inf or NaN: the final losses of gradient descent that diverged (the claims' health
# check, checks.tolerances, flags such a run "diverging" from them). Every other number is refused unless finite.
DIVERGED_FIELDS = frozenset({"final_robust_loss", "final_clean_loss"})


def _check(owner: str, name: str, value: object, kind: str, optional: bool) -> None:
    if value is None and optional:
        return
    ok = {"int": _is_int, "float": _is_float, "bool": lambda v: isinstance(v, bool)}[kind](value)
    if not ok:
        raise ValueError(f"{owner}.{name} must be {'an' if kind == 'int' else 'a'} {kind}"
                         f"{' or None' if optional else ''}, got {type(value).__name__}: {value!r:.80}")
    if kind == "float" and name not in DIVERGED_FIELDS and not math.isfinite(value):  # type: ignore[arg-type]
        # a stored number is a finite number: a quantity that is undefined for a run is None (the trainers say
        # which); only the final losses may be ±inf or NaN, which is how a diverged run is recognised
        raise ValueError(f"{owner}.{name} must be a finite number{' or None' if optional else ''}, got {value!r}")


def _radius_keys(owner: str, name: str, value: Mapping[Any, Any]) -> None:
    for r in value:
        if not _is_float(r) or not math.isfinite(r) or radius(r) != r:
            raise ValueError(f"{owner}.{name} must be keyed by radii τ/‖µ‖ as floats with at most 6 significant "
                             f"digits (simulate.results.radius), got key {r!r}")


def _read_radius(owner: str, name: str, key: object) -> float:
    """A stored radius name (``"0.7072"``) as its float; only names in the stored form ``f"{r:g}"``."""
    try:
        r = float(key)  # type: ignore[arg-type]  # any stored key; TypeError is caught
    except (TypeError, ValueError):
        r = math.nan
    if not isinstance(key, str) or not math.isfinite(r) or radius_name(r) != key:
        raise ValueError(f"{owner}[{name!r}] must be keyed by radius names f'{{r:g}}' such as '0.7072', got {key!r}")
    return r


def read_mapping(owner: str, value: object) -> Mapping[str, object]:
    """``value`` as a mapping; anything else is refused in one line naming ``owner``."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{owner} must be a dict, got {type(value).__name__}: {value!r:.80}")
    return value


def _read_fields(cls: type, owner: str, d: Mapping[str, object]) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = [k for k in d if k not in names]
    if unknown:
        raise ValueError(f"{owner} has unknown keys {', '.join(map(repr, unknown))} (a {cls.__name__} has "
                         f"{', '.join(names)})")
    missing = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING and f.name not in d]
    if missing:
        raise ValueError(f"{owner} lacks the keys {', '.join(map(repr, missing))}")


@dataclass(frozen=True, kw_only=True)
class RadiusResult:
    """The test errors of a run at one extra radius τ = r·‖µ‖ of ``eval_tau_rels``: the attack's count (a lower
    estimate of the robust error) and, for eq. (1) runs, the certified count (an upper estimate) and the points
    whose certificate lay above a margin the attack reached. None for the ViT models (no certificate). As at the
    run's τ, the evaluation's stronger attack runs at this radius on the first ``strong_points`` test points of
    the run: ``strong_errors_attack`` (the union with the test attack's errors there) and the test attack's own
    ``default_errors_on_strong_points`` (None where it was not run: the ViT models)."""

    robust_errors_attack: int
    robust_errors_certified: int | None = None
    certificate_violations: int | None = None
    strong_errors_attack: int | None = None
    default_errors_on_strong_points: int | None = None

    def __post_init__(self) -> None:
        for name in ("robust_errors_attack", "robust_errors_certified", "certificate_violations",
                     "strong_errors_attack", "default_errors_on_strong_points"):
            _check("RadiusResult", name, getattr(self, name), "int", name != "robust_errors_attack")

    @classmethod
    def from_dict(cls, d: Mapping[str, object], owner: str = "RadiusResult") -> RadiusResult:
        """The entry of a stored ``at_tau_rel`` (see :meth:`RunResult.from_dict`)."""
        d = read_mapping(owner, d)
        _read_fields(cls, owner, d)
        return cls(**d)  # type: ignore[arg-type]  # _read_fields checked d's keys; __post_init__ its values

    def as_dict(self) -> dict[str, object]:
        """The stored form: the fields in order, those that are None left out."""
        return {f.name: v for f in dataclasses.fields(self) if (v := getattr(self, f.name)) is not None}


# (field, kind) of every scalar field of RunResult, and which may be None
_SCALARS: dict[str, tuple[str, bool]] = {
    "iterations": ("int", False),
    "converged": ("bool", False),
    "final_robust_loss": ("float", False),
    "final_clean_loss": ("float", False),
    "trained_parameters": ("int", True),
    "V_plus": ("float", True),
    "V_minus": ("float", True),
    "u_norm": ("float", True),
    "W_V_fro": ("float", True),
    "n_test": ("int", False),
    "clean_errors": ("int", False),
    "robust_errors_attack": ("int", False),
    "robust_errors_certified": ("int", True),
    "robust_errors_certified_box": ("int", True),
    "midpoint_errors": ("int", True),
    "certificate_violations": ("int", True),
    "drop_over_tau_u_mean": ("float", True),
    "drop_over_tau_u_max": ("float", True),
    "cert_drop_over_tau_u_max": ("float", True),
    "lemma56_paper": ("float", True),
    "lemma56_with_M": ("float", True),
    "lemma56_per_class": ("float", True),
    "attention_log_ratio_final": ("float", True),
    "zero_gradient_points": ("int", True),
    "strong_points": ("int", True),
    "strong_errors_attack": ("int", True),
    "default_errors_on_strong_points": ("int", True),
}
_COUNTS_AT = ("midpoint_errors_at", "midpoint_pairs_both_correct_at")
# Lemma 5.6's variants (bounds.lemmas.lemma56_bound) → the field holding each one's bound
LEMMA56_FIELDS = {"paper": "lemma56_paper", "with_M": "lemma56_with_M", "per_class": "lemma56_per_class"}


@dataclass(frozen=True, kw_only=True)
class RunResult:
    """One run's final result (module docstring): training outcome, test errors at τ and at the extra radii,
    and the model's quantities of the paper. Fields are in the order of the stored form; the fields of some
    models only are None for the others. Its dicts are the result's own: read them, do not change them."""

    # training: GD steps taken, whether the loss went below ε, and the final robust and clean training loss
    iterations: int
    converged: bool
    final_robust_loss: float
    final_clean_loss: float
    trained_parameters: int | None = None  # ViT models: how many parameters were trained
    # eq. (1): V± = µ±ᵀu (synthetic runs only), ‖u‖ with u = Σ_h W_V w_O, and ‖W_V‖_F
    V_plus: float | None = None
    V_minus: float | None = None
    u_norm: float | None = None
    W_V_fro: float | None = None
    # test errors at τ over n_test fresh points: clean, the attack's (lower estimate), certified (upper, eq. (1))
    n_test: int
    clean_errors: int
    robust_errors_attack: int
    robust_errors_certified: int | None = None
    # the same count with the per-logit box bound alone (simulate.certify method 'box'), for the bracket's width
    # before the query-coupling step; None where the evaluation certifies with the box bound (ℓ∞, ℓ1, multi)
    robust_errors_certified_box: int | None = None
    midpoint_errors: int | None = None  # Theorem 4.3's midpoint attack at τ (synthetic eq. (1) runs)
    certificate_violations: int | None = None  # certified margin above an attacked one: a bug (eq. (1))
    # Lemma 5.5: the attack's margin drop over τ‖u‖, mean and max, and the certificate's max (eq. (1))
    drop_over_tau_u_mean: float | None = None
    drop_over_tau_u_max: float | None = None
    cert_drop_over_tau_u_max: float | None = None
    # Theorem 4.3's midpoint attack at each radius of MIDPOINT_RADII: errors, and coupled pairs that both survive
    midpoint_errors_at: dict[float, int] | None = None
    midpoint_pairs_both_correct_at: dict[float, int] | None = None
    at_tau_rel: dict[float, RadiusResult]  # every extra radius of eval_tau_rels ({} when none)
    # Lemma 5.6's bound, per variant (synthetic eq. (1) runs)
    lemma56_paper: float | None = None
    lemma56_with_M: float | None = None
    lemma56_per_class: float | None = None
    attention_log_ratio_final: float | None = None  # Lemma 5.3's estimate at the final iteration (eq. (1))
    # per test point margins y·f, float16 in base64 (encode_margins), eq. (1) runs: "clean", "attack" (the raw
    # attacked margin, not min-ed with the clean one), "certified" (the certificate's lower bound), and
    # "attack@r", "certified@r" at each extra radius r of eval_tau_rels, so that robust ≥ clean and monotonicity
    # in τ can be checked on the raw attack per point
    margins: dict[str, str] | None = None
    # a union norm's runs (Appendix B.3): the test attack's errors in each ball alone, keyed by the ball's norm
    # ("2", "inf", "1" or "1-image"); robust_errors_attack is the union's (an error in any ball)
    robust_errors_attack_by_norm: dict[str, int] | None = None
    # the test attack's strength (eq. (1) runs), on the first strong_points test points: the errors of a stronger
    # attack (simulate.train.stronger_attack; the union with the test attack's) beside the test attack's own errors
    # on those points, and the points among them where the margin's gradient is exactly zero
    zero_gradient_points: int | None = None
    strong_points: int | None = None
    strong_errors_attack: int | None = None
    default_errors_on_strong_points: int | None = None
    provenance: dict[str, str] | None = None  # added when the sweep stores the run

    def __post_init__(self) -> None:
        for name, (kind, optional) in _SCALARS.items():
            _check("RunResult", name, getattr(self, name), kind, optional)
        set_ = object.__setattr__
        if not isinstance(self.at_tau_rel, Mapping):
            raise ValueError(f"RunResult.at_tau_rel must be a dict radius → RadiusResult, got "
                             f"{type(self.at_tau_rel).__name__}")
        _radius_keys("RunResult", "at_tau_rel", self.at_tau_rel)
        for r, v in self.at_tau_rel.items():
            if not isinstance(v, RadiusResult):
                raise ValueError(f"RunResult.at_tau_rel[{r!r}] must be a RadiusResult, got {type(v).__name__}")
        set_(self, "at_tau_rel", dict(self.at_tau_rel))
        for name in _COUNTS_AT:
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise ValueError(f"RunResult.{name} must be a dict radius → int or None, got {type(value).__name__}")
            _radius_keys("RunResult", name, value)
            for r, k in value.items():
                _check("RunResult", f"{name}[{r!r}]", k, "int", False)
            set_(self, name, dict(value))
        if self.robust_errors_attack_by_norm is not None:
            value = self.robust_errors_attack_by_norm
            if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
                raise ValueError(f"RunResult.robust_errors_attack_by_norm must be a dict norm → int or None, got "
                                 f"{value!r:.80}")
            for k, v in value.items():
                _check("RunResult", f"robust_errors_attack_by_norm[{k!r}]", v, "int", False)
            set_(self, "robust_errors_attack_by_norm", dict(value))
        if self.margins is not None:
            if not isinstance(self.margins, Mapping) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in self.margins.items()):
                raise ValueError(f"RunResult.margins must be a dict of strings or None, got {self.margins!r:.80}")
            set_(self, "margins", dict(self.margins))
        if self.provenance is not None:
            if not isinstance(self.provenance, Mapping) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in self.provenance.items()):
                raise ValueError(f"RunResult.provenance must be a dict of strings or None, got {self.provenance!r:.80}")
            set_(self, "provenance", dict(self.provenance))

    def margin(self, name: str) -> np.ndarray:
        """The per-point margins ``name`` ("clean", "attack", "certified", "attack@0.1", …) as float32, in test
        order; a ValueError when this run stores none of that name."""
        stored = need(self.margins, "margins")
        if name not in stored:
            raise ValueError(f"name must be one of this run's margins ({', '.join(stored)}), got {name!r}")
        return decode_margins(stored[name])

    def lemma56(self, variant: str) -> float | None:
        """Lemma 5.6's bound of ``variant`` ("paper", "with_M", "per_class"; None for runs without µ±)."""
        if variant not in LEMMA56_FIELDS:
            raise ValueError(f"variant must be one of {', '.join(LEMMA56_FIELDS)}, got {variant!r}")
        value: float | None = getattr(self, LEMMA56_FIELDS[variant])
        return value

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> RunResult:
        """A result from its stored form (:meth:`as_dict`; the JSON the store holds): every key a field, radii
        named ``f"{r:g}"``. Unknown or missing keys and values of the wrong type raise a ValueError naming them."""
        d = read_mapping("result", d)
        _read_fields(cls, "result", d)
        values: dict[str, Any] = dict(d)
        at = read_mapping("result['at_tau_rel']", d["at_tau_rel"])
        values["at_tau_rel"] = {
            _read_radius("result", "at_tau_rel", k): RadiusResult.from_dict(
                read_mapping(f"result['at_tau_rel'][{k!r}]", v), f"result['at_tau_rel'][{k!r}]")
            for k, v in at.items()}
        for name in _COUNTS_AT:
            if name in d:
                counts = read_mapping(f"result[{name!r}]", d[name])
                values[name] = {_read_radius("result", name, k): v for k, v in counts.items()}
        return cls(**values)

    def as_dict(self) -> dict[str, object]:
        """The stored form: the fields in order, those that are None left out, radii named ``f"{r:g}"``
        (exactly the result dict the trainers have always stored)."""
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if f.name == "at_tau_rel":
                value = {radius_name(r): v.as_dict() for r, v in value.items()}
            elif f.name in _COUNTS_AT:
                value = {radius_name(r): k for r, k in value.items()}
            elif f.name in ("provenance", "margins", "robust_errors_attack_by_norm"):
                value = dict(value)
            out[f.name] = value
        return out
