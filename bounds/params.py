"""The two value nouns of bovit: :class:`Params` (a point of the paper's parameter space) and
:class:`Constants` (the hidden constants and log exponents behind every O, Ω, Θ, Õ, Ω̃).

Notation follows ``CLAIMS.md`` §0: ``m = ‖µ‖₂``, ``s = σ_p``, ``SNR = m / (s·√d)``,
``r = τ / m``, ``w = ‖w_O‖₂``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Literal

from bounds import validate as v

__all__ = ["LOG_BASES", "NORMS", "Constants", "Norm", "Params", "tau_l2_inner", "tau_l2_outer"]

Norm = Literal["1", "2", "inf"]
NORMS: tuple[Norm, ...] = ("1", "2", "inf")
LOG_BASES: dict[str, float] = {"e": math.e, "2": 2.0, "10": 10.0}

# The Section 6 noise N(0, 0.4·I): the scale bovit assumes when a query fixes SNR alone.
SECTION6_SIGMA_P = math.sqrt(0.4)


# Appendix B.3's multi-norm attack: the ℓ₁, ℓ₂ and ℓ∞ radii as multiples of the ℓ₂ radius τ (20 : 1 : 1/30).
MULTI_NORM_RADII: dict[str, float] = {"1": 20.0, "2": 1.0, "inf": 1.0 / 30.0}


def _norm_name(p: object) -> Norm:
    text = str(p).strip().lower()
    aliases: dict[str, Norm] = {"1": "1", "1.0": "1", "2": "2", "2.0": "2", "inf": "inf", "infinity": "inf", "∞": "inf"}
    if text not in aliases:
        raise ValueError(f"p must be one of 1, 2, inf, got {p!r}")
    return aliases[text]


def tau_l2_outer(tau: float, p: Norm, d: int) -> float:
    """Radius of the smallest ℓ₂ ball containing the ℓ_p ball of radius τ in ℝ^d.

    ``‖x‖₂ ≤ d^{1/2-1/p}·‖x‖_p`` for p ≥ 2 and ``‖x‖₂ ≤ ‖x‖₁``. This is the mapping of
    Appendix D done in the right direction: the paper's Section 4 writes
    ``‖x‖₂ ≤ ‖x‖_p ≤ d^{1/2-1/p}‖x‖₂``, which is reversed (x = 1_d is a counterexample, CLAIMS
    D.norms). Upper bounds on the robust error (Theorem 4.2) hold for ℓ_p attacks of radius τ
    when they hold for ℓ₂ attacks of this radius.
    """
    if p == "2" or p == "1":
        return tau
    return tau * math.sqrt(d)  # p = ∞: d^{1/2 - 0}


def tau_l2_inner(tau: float, p: Norm, d: int) -> float:
    """Radius of the largest ℓ₂ ball inside the ℓ_p ball of radius τ in ℝ^d.

    ``‖x‖_p ≤ ‖x‖₂`` for p ≥ 2, and ``‖x‖₁ ≤ √d‖x‖₂``. Lower bounds on the robust error
    (Theorem 4.3) transfer from ℓ₂ attacks of this radius to ℓ_p attacks of radius τ.
    """
    if p == "1":
        return tau / math.sqrt(d)
    return tau


@dataclass(frozen=True)
class Params:
    """One point of the paper's parameter space; any field left ``None`` is unknown.

    Unknown fields make the statements that need them evaluate to *unknown* (three-valued),
    never to a guess. ``tau`` is the per-token radius in the ℓ_p norm ``p``.
    """

    d: int | None = None
    dh: int | None = None
    dv: int | None = None
    M: int | None = None
    N: int | None = None
    mu: float | None = None
    sigma_p: float | None = None
    tau: float | None = None
    p: Norm = "2"
    eta: float | None = None
    sigma_V: float | None = None
    sigma_h: float | None = None
    eps: float | None = None
    delta: float | None = 0.01
    w_O: float | None = 1.0
    H: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        checks = {
            # d >= 2: Definition 3.1 needs two orthogonal signal vectors.
            "d": lambda x: v.positive_int("d", x, 2),
            # d_h >= 2: the τ thresholds divide by log d_h.
            "dh": lambda x: v.positive_int("dh", x, 2),
            "dv": lambda x: v.positive_int("dv", x),
            # M >= 2: token 1 carries the signal, tokens 2..M the noise.
            "M": lambda x: v.positive_int("M", x, 2),
            "N": lambda x: v.positive_int("N", x),
            "mu": lambda x: v.positive("mu", x),
            "sigma_p": lambda x: v.positive("sigma_p", x),
            "tau": lambda x: v.nonnegative("tau", x),
            "eta": lambda x: v.positive("eta", x),
            "sigma_V": lambda x: v.positive("sigma_V", x),
            "sigma_h": lambda x: v.positive("sigma_h", x),
            "eps": lambda x: v.open_unit("eps", x),
            "delta": lambda x: v.open_unit("delta", x),
            "w_O": lambda x: v.positive("w_O", x),
        }
        for name, check in checks.items():
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, check(value))
        object.__setattr__(self, "p", _norm_name(self.p))
        object.__setattr__(self, "H", v.positive_int("H", self.H))
        object.__setattr__(self, "seed", v.as_int("seed", self.seed))
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")

    # -- construction from what a user knows --------------------------------------------------
    @classmethod
    def from_inputs(
        cls,
        *,
        snr: object = None,
        tau_rel: object = None,
        **known: object,
    ) -> Params:
        """Build a point from any consistent mix of ``mu``/``sigma_p``/``snr`` and ``tau``/``tau_rel``.

        Any two of (‖µ‖, σ_p, SNR) fix the third through SNR = ‖µ‖/(σ_p·√d); all three must agree.
        ``tau_rel`` is τ/‖µ‖ and needs ‖µ‖. Contradictory inputs raise ``ValueError``.
        """
        unknown = set(known) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown parameter {sorted(unknown)[0]!r}")
        # validates the plain fields first; the ignore: the fields are annotated with their validated types,
        # but __post_init__ takes and converts any input (strings, numpy numbers), which __init__'s signature cannot say
        base = cls(**known)  # type: ignore[arg-type]
        mu, sigma_p, d = base.mu, base.sigma_p, base.d
        if snr is not None:
            snr_v = v.positive("snr", snr)
            if d is None:
                raise ValueError(f"snr needs d to fix the scale, got snr={snr_v} and d=None")
            if mu is not None and sigma_p is not None:
                implied = mu / (sigma_p * math.sqrt(d))
                if not math.isclose(implied, snr_v, rel_tol=1e-9):
                    raise ValueError(
                        f"snr={snr_v} contradicts mu={mu}, sigma_p={sigma_p}, d={d} "
                        f"(which give snr={implied:.6g})"
                    )
            elif mu is not None:
                sigma_p = mu / (snr_v * math.sqrt(d))
            elif sigma_p is not None:
                mu = snr_v * sigma_p * math.sqrt(d)
            else:
                raise ValueError(f"snr={snr_v} needs mu or sigma_p to fix the scale")
        tau = base.tau
        if tau_rel is not None:
            r = v.nonnegative("tau_rel", tau_rel)
            if mu is None:
                raise ValueError(f"tau_rel={r} needs mu (or snr with sigma_p)")
            if tau is not None and not math.isclose(tau, r * mu, rel_tol=1e-9, abs_tol=1e-300):
                raise ValueError(f"tau={tau} contradicts tau_rel={r} with mu={mu:.6g} (tau={r * mu:.6g})")
            tau = r * mu
        return replace(base, mu=mu, sigma_p=sigma_p, tau=tau)

    # -- derived quantities --------------------------------------------------------------------
    @property
    def snr(self) -> float | None:
        """SNR = ‖µ‖₂ / (σ_p·√d) (Section 4)."""
        if self.mu is None or self.sigma_p is None or self.d is None:
            return None
        return self.mu / (self.sigma_p * math.sqrt(self.d))

    @property
    def tau_rel(self) -> float | None:
        """r = τ/‖µ‖ in the attack's own norm."""
        if self.tau is None or self.mu is None:
            return None
        return self.tau / self.mu

    @property
    def tau_l2(self) -> float | None:
        """ℓ₂ radius whose ball contains the ℓ_p attack ball (used for upper bounds)."""
        if self.tau is None:
            return None
        if self.p == "inf" and self.d is None:
            return None
        return tau_l2_outer(self.tau, self.p, self.d or 1)

    @property
    def tau_l2_inner(self) -> float | None:
        """ℓ₂ radius of a ball inside the ℓ_p attack ball (used for lower bounds)."""
        if self.tau is None:
            return None
        if self.p == "1" and self.d is None:
            return None
        return tau_l2_inner(self.tau, self.p, self.d or 1)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        """A stable id ``Params[d=1024,N=22,…]`` listing the known fields."""
        parts = [f"{k}={val:.4g}" if isinstance(val, float) else f"{k}={val}"
                 for k, val in self.as_dict().items() if val is not None]
        return "Params[" + ",".join(parts) + "]"


# Defaults: hidden constants 1, polylog exponents 0 ("ignore the log"), except where the
# statement *is* a polylog (Condition 4.1(2), (3)-M and (6)), whose exponent defaults to 1.
@dataclass(frozen=True)
class Constants:
    """Hidden constants ``c_*`` and polylog exponents ``k_*`` of every asymptotic statement.

    Each field names the statement it belongs to (IDs from CLAIMS.md). A polylog factor is
    ``(log_b d)^k`` with the base ``b = log_base`` (the paper never states one; natural log by
    default). The explicit logs of the probability bounds, log(6N²M²/δ) and log(4/δ), come from
    concentration inequalities and are always natural.
    """

    # Condition 4.1(1): d ≥ c·ε⁻²N²d_h·(log d)^k ; d_h ≥ c·max{SNR⁴,SNR⁻⁴}N²ε⁻²·(log d)^k
    c_1a: float = 1.0
    k_1a: float = 0.0
    c_1b: float = 1.0
    k_1b: float = 0.0
    # Condition 4.1(2): N ≥ c·(log d)^k
    c_2: float = 1.0
    k_2: float = 1.0
    # Condition 4.1(3): M ≤ c·(log d)^k  (M = Θ(1) read as "not growing with d"); 1/c_3w ≤ ‖w_O‖ ≤ c_3w
    c_3M: float = 1.0
    k_3M: float = 1.0
    c_3w: float = 1.0
    # Condition 4.1(4): η ≤ c·min{m⁻², (s²d)⁻¹}·d_h^{-1/2}·(log d)^k
    c_4: float = 1.0
    k_4: float = 0.0
    # Condition 4.1(5a): σ_V ≤ c·w⁻¹·min{m⁻¹, (s√d)⁻¹}·d_h^{-1/4}·d^{-1/2}·(log d)^k
    c_5a: float = 1.0
    k_5a: float = 0.0
    # Condition 4.1(6): ε ≤ c/(log d)^k
    c_6: float = 1.0
    k_6: float = 1.0
    # Theorem 4.2, Case 1: N·SNR² ≥ c_A ; τ ≤ c_B·m/log d_h
    c_A: float = 1.0
    c_B: float = 1.0
    # Theorem 4.2, Case 2: N·SNR² ≥ c_A2/ε ; τ > c_omega·m/log d_h ; τ ≤ c_C·m
    c_A2: float = 1.0
    c_omega: float = 1.0
    c_C: float = 1.0
    # Theorem 4.2 conclusions: exp(-C·d·SNR²) ; T = c_T/(η ε m² w²) ; Lemma G.8's C19
    C_err: float = 1.0
    c_T: float = 1.0
    c_G8: float = 1.0
    # Lemma 5.3 time threshold t ≥ c/(η m² w² Lδ); Lemma 5.5 t ≥ c/(η ε m² w² Lδ) and drop ≤ c·Mτ‖u‖
    c_L53: float = 1.0
    c_L55t: float = 1.0
    c_L55: float = 1.0
    # Lemma 5.6 tail exp(-c·x²): c = 1/2 is the Gaussian tail of ξᵀu ~ N(0, s²‖u‖²)
    c_L56: float = 0.5
    log_base: str = "e"

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name == "log_base":
                continue
            value = getattr(self, f.name)
            if f.name.startswith("k_"):
                object.__setattr__(self, f.name, v.as_float(f.name, value))
            else:
                object.__setattr__(self, f.name, v.positive(f.name, value))
        base = str(self.log_base)
        object.__setattr__(self, "log_base", v.choice("log_base", base, tuple(LOG_BASES)))
        if self.c_omega < self.c_B:
            # ω(m/log d_h) must sit above O(m/log d_h); otherwise the cases overlap.
            raise ValueError(
                f"c_omega must be >= c_B (Case 2's lower τ threshold above Case 1's upper one), "
                f"got c_omega={self.c_omega}, c_B={self.c_B}"
            )

    @classmethod
    def parse(cls, assignments: list[str] | tuple[str, ...] = (), **overrides: object) -> Constants:
        """Constants from ``NAME=VALUE`` strings (the CLI's ``--const``) and keyword overrides."""
        names = {f.name for f in fields(cls)} - {"log_base"}  # the base has its own option
        allowed = ", ".join(sorted(names))
        values: dict[str, object] = {}
        for text in assignments:
            if "=" not in text:
                raise ValueError(f"const must look like NAME=VALUE, got {text!r}")
            name, value = (part.strip() for part in text.split("=", 1))
            if name not in names:
                hint = " (the log base is set by log_base, --log-base)" if name == "log_base" else ""
                raise ValueError(f"const name must be one of {allowed}, got {text!r}{hint}")
            values[name] = value
        for name in overrides:
            if name not in names | {"log_base"}:
                raise ValueError(f"const name must be one of {allowed}, got {name!r}")
        values.update(overrides)
        # the fields are annotated with their validated types; __post_init__ converts the NAME=VALUE strings
        return cls(**values)  # type: ignore[arg-type]

    @property
    def log_base_value(self) -> float:
        return LOG_BASES[self.log_base]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
