"""Hypothesis strategies for valid :class:`bounds.params.Params` points and :class:`Constants`.

Three families of points:

- :func:`condition_points`: huge d and d_h built to satisfy every stated item of Condition 4.1
  under the *default* constants, with slack (the construction is worked out in the docstring);
- :func:`perturbed_points`: a condition point with one parameter scaled up or down by up to
  100×, so that some items fail near the interesting region;
- :func:`small_points`: Section-6-sized points (d ≤ 10⁵), where Condition 4.1 almost always fails.

:func:`exact_points` draws rational values and returns them alongside the float ``Params``,
so that a statement can be decided exactly by sympy and compared with the lambdified floats.

:func:`stored_results` draws a run's result as the store holds it (the JSON object of
:meth:`simulate.results.RunResult.as_dict`), for each model kind.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import torch
from hypothesis import strategies as st

from bounds.params import Constants, Params
from simulate.model import Weights

__all__ = [
    "ExactPoint",
    "certify_problem",
    "condition_point",
    "condition_points",
    "constants",
    "exact_points",
    "log_uniform",
    "perturbed_points",
    "regime_points",
    "small_points",
    "stored_results",
    "theorem_constants",
    "vnorm",
]


def log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats spread evenly in log scale over [lo, hi]."""
    return st.floats(math.log10(lo), math.log10(hi)).map(lambda e: 10.0**e)


# τ/‖µ‖ ∈ [0, 2], with extra weight on the Case-1/Case-2 thresholds (1/ln d_h ≈ 0.05).
_TAU_REL = st.one_of(st.floats(0.0, 0.25), st.floats(0.0, 2.0))


def condition_point(
    *,
    N: int = 50,
    M: int = 2,
    eps: float = 0.02,
    delta: float = 0.01,
    d: int = 10**15,
    dh: int = 2 * 10**7,
    snr: float = 1.2,
    sigma_p: float = 1e-7,
    tau_rel: float = 0.0,
    eta_frac: float = 0.5,
    sigma_v_frac: float = 0.5,
    window_pos: float = 0.5,
    w_O: float = 1.0,
) -> Params:
    """A point meeting Condition 4.1 with the default constants (checked in the tests).

    With the defaults: ln d = 34.5 ≤ N = 50 (item 2) and ≤ 1/ε = 50 (item 6); M = 2 ≤ ln d (3);
    ε⁻²N²d_h = 1.25e14 ≤ d (1a); max{SNR⁴, SNR⁻⁴}·N²ε⁻² = 2.07·6.25e6 ≤ d_h (1b, any SNR in
    [0.75, 1.33]); η, σ_V are ``*_frac`` of their caps (4), (5a), and σ_h² sits at log-position
    ``window_pos`` of the window [A·Lδ⁻², A·Lδ^(-3/2)], A = min{m⁻², (s²d)⁻¹}·d_h^(-1/2) (5b, 5c).
    N·SNR² = 72 at SNR = 1.2, above 1/ε = 50 (Case 2 reachable); 32 at SNR = 0.8 (it is not).
    """
    mu = snr * sigma_p * math.sqrt(d)
    a = min(mu**-2, 1.0 / (sigma_p**2 * d)) * dh**-0.5
    l_delta = math.log(6 * N**2 * M**2 / delta)
    sigma_h = math.sqrt(a * l_delta ** -(2.0 - 0.5 * window_pos))
    eta = eta_frac * a
    sigma_v = sigma_v_frac / w_O * min(1.0 / mu, 1.0 / (sigma_p * math.sqrt(d))) * dh**-0.25 * d**-0.5
    return Params(d=d, dh=dh, M=M, N=N, mu=mu, sigma_p=sigma_p, tau=tau_rel * mu, eta=eta,
                  sigma_V=sigma_v, sigma_h=sigma_h, eps=eps, delta=delta, w_O=w_O)


@st.composite
def condition_points(draw: st.DrawFn, tau_rel: st.SearchStrategy[float] | None = None) -> Params:
    """Random points that satisfy every stated item of Condition 4.1 (default constants).

    ε = 1/N makes items (2) and (6) both read ln d ≤ N; d ≤ N⁴·12N⁴·10 keeps ln d ≤ 40 ≤ N for
    N ≥ 40. Every inequality is met with a factor ≥ 1.01 of slack.
    """
    n = draw(st.integers(40, 80))
    eps = 1.0 / n
    q = draw(st.floats(1.0, 4.0))  # max{SNR⁴, SNR⁻⁴}
    snr = q**0.25 if draw(st.booleans()) else q**-0.25
    dh = math.ceil(q * n**2 / eps**2 * draw(st.floats(1.01, 3.0)))
    d = math.ceil(n**2 / eps**2 * dh * draw(st.floats(1.01, 10.0)))
    r = draw(tau_rel if tau_rel is not None else _TAU_REL)
    return condition_point(
        N=n, M=draw(st.integers(2, 5)), eps=eps, delta=draw(st.sampled_from([0.01, 0.05, 0.1])),
        d=d, dh=dh, snr=snr, sigma_p=draw(log_uniform(1e-3, 1e3)), tau_rel=r,
        eta_frac=draw(st.floats(0.01, 0.99)), sigma_v_frac=draw(st.floats(0.01, 0.99)),
        window_pos=draw(st.floats(0.02, 0.98)),
    )


_SCALABLE = ("d", "dh", "N", "M", "mu", "sigma_p", "eta", "sigma_V", "sigma_h", "eps", "w_O")


@st.composite
def perturbed_points(draw: st.DrawFn) -> Params:
    """A condition point with one parameter scaled by 10^u, u ∈ [−2, 2] (τ/‖µ‖ kept)."""
    p = draw(condition_points())
    name = draw(st.sampled_from(_SCALABLE))
    factor = 10.0 ** draw(st.floats(-2.0, 2.0))
    value = getattr(p, name)
    if name in ("d", "dh", "N", "M"):
        floor = 1 if name == "N" else 2
        new: float = max(floor, round(value * factor))
    elif name == "eps":
        new = min(value * factor, 0.999)
    else:
        new = value * factor
    out = replace(p, **{name: new})
    if name == "mu":
        out = replace(out, tau=p.tau_rel * out.mu)  # type: ignore[operator]
    return out


@st.composite
def small_points(draw: st.DrawFn, tau_rel: st.SearchStrategy[float] | None = None) -> Params:
    """Section-6-sized points: d ≤ 10⁵, d_h ≤ 10⁴; Condition 4.1 nearly always fails here."""
    mu = draw(log_uniform(1e-2, 1e2))
    r = draw(tau_rel if tau_rel is not None else _TAU_REL)
    return Params(
        d=draw(st.integers(2, 10**5)), dh=draw(st.integers(2, 10**4)), M=draw(st.integers(2, 32)),
        N=draw(st.integers(1, 100)), mu=mu, sigma_p=draw(log_uniform(1e-2, 10.0)), tau=r * mu,
        eta=draw(log_uniform(1e-8, 1.0)), sigma_V=draw(log_uniform(1e-8, 1.0)),
        sigma_h=draw(log_uniform(1e-6, 1.0)), eps=draw(st.floats(1e-3, 0.5)),
        delta=draw(st.floats(1e-3, 0.5)), w_O=draw(st.floats(0.5, 2.0)),
    )


def regime_points() -> st.SearchStrategy[Params]:
    """All three families, τ/‖µ‖ ∈ [0, 2]."""
    return st.one_of(condition_points(), perturbed_points(), small_points())


@st.composite
def constants(draw: st.DrawFn) -> Constants:
    """Random hidden constants (c ∈ [0.2, 5], k ∈ {0, ½, 1, 2}), c_omega ≥ c_B, any log base."""
    c = log_uniform(0.2, 5.0)
    k = st.sampled_from([0.0, 0.5, 1.0, 2.0])
    c_b = draw(c)
    return Constants(
        c_1a=draw(c), k_1a=draw(k), c_1b=draw(c), k_1b=draw(k), c_2=draw(c), k_2=draw(k),
        c_3M=draw(c), k_3M=draw(k), c_4=draw(c), k_4=draw(k), c_5a=draw(c), k_5a=draw(k),
        c_6=draw(c), k_6=draw(k), c_A=draw(c), c_B=c_b, c_A2=draw(c),
        c_omega=c_b * draw(st.floats(1.0, 3.0)), c_C=draw(st.floats(0.3, 1.5)),
        log_base=draw(st.sampled_from(["e", "2", "10"])),
    )


@st.composite
def theorem_constants(draw: st.DrawFn) -> Constants:
    """Random constants of Theorem 4.2 only (Condition 4.1's stay at their defaults), so that
    condition points keep meeting Condition 4.1 while gaps between the cases open up."""
    c_b = draw(log_uniform(0.3, 3.0))
    return Constants(c_A=draw(log_uniform(0.1, 100.0)), c_B=c_b, c_A2=draw(log_uniform(0.1, 10.0)),
                     c_omega=c_b * draw(st.floats(1.0, 3.0)), c_C=draw(st.floats(0.3, 1.5)))


# -- exact (rational) points -------------------------------------------------------------------

ExactPoint = tuple[Params, dict[str, Fraction | int]]


def _decimal(lo_exp: int, hi_exp: int) -> st.SearchStrategy[Fraction]:
    """a·10^e with a ∈ [1, 999] and e ∈ [lo_exp, hi_exp]: a rational-ish positive number."""
    return st.builds(lambda a, e: Fraction(a) * Fraction(10) ** e,
                     st.integers(1, 999), st.integers(lo_exp, hi_exp))


@st.composite
def exact_points(draw: st.DrawFn) -> ExactPoint:
    """A point whose every field is an exact rational (ints for the integer fields).

    Returns the float :class:`Params` and the exact values by Params field name. The ranges mix
    points where the items hold with points where they fail.
    """
    exact: dict[str, Fraction | int] = {
        "d": draw(st.integers(2, 10**12)),
        "dh": draw(st.integers(2, 10**8)),
        "N": draw(st.integers(1, 200)),
        "M": draw(st.integers(2, 40)),
        "mu": draw(_decimal(-6, 4)),
        "sigma_p": draw(_decimal(-9, 2)),
        "eta": draw(_decimal(-24, 0)),
        "sigma_V": draw(_decimal(-20, 0)),
        "sigma_h": draw(_decimal(-12, 0)),
        "eps": Fraction(draw(st.integers(1, 999)), 1000),
        "delta": Fraction(draw(st.integers(1, 999)), 1000),
        "w_O": Fraction(draw(st.integers(50, 200)), 100),
    }
    exact["tau"] = exact["mu"] * Fraction(draw(st.integers(0, 200)), 100)  # type: ignore[operator]
    params = Params(**{k: (v if isinstance(v, int) else float(v)) for k, v in exact.items()})
    return params, exact


# ---- stored run results ------------------------------------------------------------------------------------------

_COUNT = st.integers(0, 10**6)
_FLOAT = st.floats(allow_nan=False, allow_infinity=False)  # a stored result's numbers are finite
_LOSS = st.floats()  # ... but for the final losses, which are ±inf or NaN where gradient descent diverged
_RADIUS_NAME = st.floats(0.0, 4.0).map(lambda r: f"{r:g}")  # how a stored result names a radius τ/‖µ‖


@st.composite
def stored_results(draw: st.DrawFn, kind: str | None = None) -> dict[str, object]:
    """A result dict in the stored form, keys in the trainers' order: an eq. (1) run on synthetic data
    (``kind="synthetic"``), on images (``"image"``: no µ±) or a ViT run (``"vit"``: no certificate), with
    or without the sweep's provenance."""
    kind = kind or draw(st.sampled_from(["synthetic", "image", "vit"]))
    eq1, mu = kind != "vit", kind == "synthetic"
    d: dict[str, object] = {"iterations": draw(_COUNT), "converged": draw(st.booleans()),
                            "final_robust_loss": draw(_LOSS), "final_clean_loss": draw(_LOSS)}
    if not eq1:
        d["trained_parameters"] = draw(_COUNT)
    if mu:
        d["V_plus"], d["V_minus"] = draw(_FLOAT), draw(_FLOAT)
    if eq1:
        d["u_norm"], d["W_V_fro"] = draw(_FLOAT), draw(_FLOAT)
    d["n_test"], d["clean_errors"], d["robust_errors_attack"] = draw(_COUNT), draw(_COUNT), draw(_COUNT)
    if eq1:
        d["robust_errors_certified"] = draw(_COUNT)
    if mu:
        d["midpoint_errors"] = draw(_COUNT)
    if eq1:
        d["certificate_violations"] = draw(_COUNT)
        for name in ("drop_over_tau_u_mean", "drop_over_tau_u_max", "cert_drop_over_tau_u_max"):
            d[name] = draw(_FLOAT)
    if mu:
        for name in ("midpoint_errors_at", "midpoint_pairs_both_correct_at"):
            d[name] = draw(st.dictionaries(_RADIUS_NAME, _COUNT, max_size=4))
    fields = ("robust_errors_attack", "robust_errors_certified", "certificate_violations") if eq1 \
        else ("robust_errors_attack",)
    entry = st.tuples(*(_COUNT for _ in fields)).map(lambda ks: dict(zip(fields, ks, strict=True)))  # in order
    d["at_tau_rel"] = draw(st.dictionaries(_RADIUS_NAME, entry, max_size=4))
    if mu:
        for name in ("lemma56_paper", "lemma56_with_M", "lemma56_per_class"):
            d[name] = draw(_FLOAT)
    if eq1:
        d["attention_log_ratio_final"] = draw(_FLOAT)
        if draw(st.booleans()):  # a union norm's runs
            d["robust_errors_attack_by_norm"] = draw(st.fixed_dictionaries({"2": _COUNT, "inf": _COUNT, "1": _COUNT}))
        strength = ("zero_gradient_points", "strong_points", "strong_errors_attack", "default_errors_on_strong_points")
        for name in strength:
            d[name] = draw(_COUNT)
    if draw(st.booleans()):
        names = st.text(max_size=6).filter(lambda k: k != "$float")  # the store's reserved key
        d["provenance"] = draw(st.dictionaries(names, st.text(max_size=8), max_size=5))
    return d


def vnorm(v: torch.Tensor, norm: str) -> torch.Tensor:
    """‖v‖_p over the last axis for a norm name ('2', 'inf', '1')."""
    return torch.linalg.vector_norm(v, {"2": 2, "inf": math.inf, "1": 1}[norm], dim=-1)


def certify_problem(seed: int, G: int, H: int, B: int, M: int, d: int, dh: int, dv: int, s_qk: float,
                    s_v: float) -> tuple[Weights, torch.Tensor, torch.Tensor, torch.Generator]:
    """Random float64 eq. (1) weights (W_Q, W_K scaled by s_qk, W_V by s_v), tokens X (G, B, M, d), labels y = ±1
    and the generator that drew them (for further draws), for the certificate's tests."""
    gen = torch.Generator().manual_seed(seed)
    f64 = torch.float64
    w = Weights(
        W_Q=torch.randn(G, H, d, dh, generator=gen, dtype=f64) * s_qk,
        W_K=torch.randn(G, H, d, dh, generator=gen, dtype=f64) * s_qk,
        W_V=torch.randn(G, H, d, dv, generator=gen, dtype=f64) * s_v,
        w_O=torch.randn(G, dv, generator=gen, dtype=f64),
    )
    X = torch.randn(G, B, M, d, generator=gen, dtype=f64)
    y = torch.randint(0, 2, (G, B), generator=gen).to(f64) * 2 - 1
    return w, X, y, gen
