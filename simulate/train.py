"""Algorithm 1 — full-batch adversarial gradient descent — for a batch of grid members at once.

For t = 0, 1, …: draw a fresh inner maximiser X̃_n^t ∈ B(X_n, τ) for every training example (the
attack of the run's AttackSpec), evaluate the robust logistic loss L_S^rob(θ^t) = (1/N) Σ_n
ℓ(y_n f(X̃_n^t; θ^t)), stop when it is below ε (or the clean loss, if ``stop_on="clean"``), else
take θ^{t+1} = θ^t − η ∇_θ L with X̃ held fixed (Danskin), updating W_Q, W_K and W_V only.

Members of a group share shapes (d, M, d_h, d_v, H) and code paths and differ in N, ‖µ‖, σ_p, τ,
η, ε, T_max, the seed and the initial scales. Every tensor carries the leading member axis G;
members with fewer examples are masked; members that stop are dropped from the batch, so they stop
costing compute. A trajectory is logged every ``log_every`` iterations; at the end each member's
clean and robust test error are measured on a fresh test set (attack: lower estimate; certified
bound: upper estimate) and Lemma 5.6's bound is computed from its weights.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from bounds import formulas
from bounds.lemmas import lemma56_bound
from simulate import attacks, certify, data, vit
from simulate.config import DTYPES, ITERATIVE_ATTACKS, UNION_NORMS, AttackSpec, RunConfig, RunOutput, run_device
from simulate.data import Signals, generator
from simulate.model import Weights, attention, forward, init_weights
from simulate.results import RadiusResult, RunResult, encode_margins, radius, radius_name

__all__ = ["STRONG_POINTS", "TRAINERS", "RunOutput", "Trained", "algorithm1", "evaluate", "stronger_attack",
           "train_group", "trajectory_row"]

# Lemma 5.3's attention ratio is estimated by an attack per (query, key) pair; it is costly, so the
# trajectory estimates it on this many training examples with this many PGD steps of this size (relative
# to τ), this many expanded (example, query, key) triples at a time (memory only: the estimate does not depend on it).
RATIO_EXAMPLES = 1
RATIO_STEPS = 10
RATIO_STEP_REL = 0.2
RATIO_CHUNK = 1024


def _check_group(configs: list[RunConfig]) -> None:
    if not configs:
        raise ValueError("configs must be a non-empty list of RunConfig, got []")
    for c in configs:
        if not isinstance(c, RunConfig):
            raise ValueError(f"configs must hold RunConfig objects, got {type(c).__name__}")
    first = configs[0].group_key()
    for c in configs[1:]:
        if c.group_key() != first:
            raise ValueError(f"configs do not share a group key: {configs[0].label()} vs {c.label()}")


def _col(values: list[float], dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype, device=device)


def _entropy(alpha: torch.Tensor) -> torch.Tensor:
    """Mean attention entropy −Σ_j α_j log α_j per member over heads, examples and queries: (G, B)."""
    plogp = torch.where(alpha > 0, alpha * torch.log(alpha.clamp_min(torch.finfo(alpha.dtype).tiny)), 0.0)
    return -plogp.sum(-1).mean(dim=(1, 3))


def trajectory_row(
    t: int,
    w: Weights,
    X: torch.Tensor,
    X_adv: torch.Tensor,
    y: torch.Tensor,
    mask: torch.Tensor,
    signals_plus: torch.Tensor | None,
    signals_minus: torch.Tensor | None,
    robust_loss: torch.Tensor,
    clean_loss: torch.Tensor,
) -> list[dict[str, float]]:
    """One trajectory row per member at iteration t (the quantities of CLAIMS.md §0 and D5.1).

    Attention statistics are on clean training inputs (the adversarial ones for the deviation
    from uniform, Lemma 5.4, too). V± = µ±ᵀ W_V w_O summed over heads; the noise coefficient is
    max_{n,i} |ξ_{n,i}ᵀ W_V w_O| over training noise tokens (Definition 5.1). Without signal vectors
    (``signals_plus is None``: a real-image run) V± are left out of the rows.
    """
    with torch.no_grad():
        G, M = X.shape[0], X.shape[2]
        n_real = mask.sum(1)
        alpha = attention(w, X)  # (G, H, B, M, M)
        alpha_adv = attention(w, X_adv)
        ent = (_entropy(alpha) * mask).sum(1) / n_real
        m_mask = mask[:, None, :, None, None] > 0
        dev_clean = torch.where(m_mask, (alpha - 1.0 / M).abs(), 0.0).amax(dim=(1, 2, 3, 4))
        dev_adv = torch.where(m_mask, (alpha_adv - 1.0 / M).abs(), 0.0).amax(dim=(1, 2, 3, 4))
        u = w.u()  # (G, H, d)
        u_sum = u.sum(1)
        # on images no token is "the signal" and none is pure noise, so the signal attention, the noise
        # coefficient and V± (which read token 0 as µ) are computed for synthetic runs only
        has_signals = signals_plus is not None and signals_minus is not None
        if signals_plus is not None and signals_minus is not None:
            v_plus = (u_sum * signals_plus).sum(-1)
            v_minus = (u_sum * signals_minus).sum(-1)
            signal_mass = (alpha[..., 0].mean(dim=(1, 3)) * mask).sum(1) / n_real
            noise_coef = torch.where(mask[:, :, None] > 0,
                                     (X[:, :, 1:, :] @ u_sum[:, None, :, None])[..., 0].abs(), 0.0)
        rows = []
        for g in range(G):
            row = {
                "t": float(t),
                "robust_loss": float(robust_loss[g]),
                "clean_loss": float(clean_loss[g]),
                "entropy": float(ent[g]),
                "entropy_rel": float(ent[g]) / math.log(M),
                "uniform_dev_clean": float(dev_clean[g]),
                "uniform_dev_adv": float(dev_adv[g]),
                "W_V_fro": float(w.W_V[g].norm()),
                "u_norm": float(u_sum[g].norm()),
            }
            if has_signals:
                row["signal_attention"] = float(signal_mass[g])
                row["noise_coef_max"] = float(noise_coef[g].amax())
                row["V_plus"], row["V_minus"] = float(v_plus[g]), float(v_minus[g])
            rows.append(row)
        return rows


def _losses(w: Weights, X: torch.Tensor, y: torch.Tensor, mask: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
    """Per-member mean logistic loss (1/N) Σ_n ℓ(y_n f(X_n)), padded rows masked: (G,)."""
    return (F.softplus(-y * forward(w, X)) * mask).sum(1) / n


def _certified(w: Weights, X: torch.Tensor, y: torch.Tensor, tau: torch.Tensor, norm: str) -> torch.Tensor:
    """A certified lower bound on the worst margin over the threat set; for "multi" the min over its balls
    (Appendix B.3's radii, :data:`simulate.attacks.MULTI_RADII`). For "multi-image" the same per-token balls:
    the whole-input ℓ₁ ball of radius 20τ lies inside the product of per-token ℓ₁ balls of radius 20τ, so
    their bound is a sound (looser) bound for it."""
    if norm not in ("multi", "multi-image"):
        return certify._certified_margin(w, X, y, tau, norm)
    return torch.stack([certify._certified_margin(w, X, y, tau * r, p) for p, r in attacks.MULTI_RADII]).amin(0)


# Radii τ/‖µ‖ at which Theorem 4.3's midpoint attack is always evaluated (CLAIMS.md T4.3.sharp: the
# midpoint is reachable from r = 1/√2 ≈ 0.7071 on, so 0.70 is just outside and 0.7072 just inside).
MIDPOINT_RADII = formulas.MIDPOINT_RADII


def _violations(cert: torch.Tensor, adv: torch.Tensor) -> torch.Tensor:
    """Points whose certified margin lies above a margin the attack reached: a bug in one of the two.

    The certified counts use min(certificate, attack) so that the bracket holds by construction; this
    count is what shows whether it held without that help. Per member, (G,)."""
    return (cert > adv + 1e-4 * adv.abs().clamp_min(1.0)).sum(1).cpu()


def _combine_tokens(maps: attacks._Maps, P: torch.Tensor) -> torch.Tensor:
    """f from the token projections P = X·basis (G, B, M, r) of :class:`simulate.attacks._Maps`: (G, B)."""
    G, B, M, r = P.shape
    return attacks._combine_flat(P.reshape(G, B * M, r), B, M, maps.H, maps.dh)


def _with_token0(P: torch.Tensor, p0: torch.Tensor) -> torch.Tensor:
    """P (G, B, M, r) with token 0's projection replaced by p0 (G, B, r), or by one row (G, 1, r) for every example."""
    out = P.clone()
    out[:, :, 0] = p0
    return out


# The evaluation's stronger attack (a check of the test attack's strength): on the first STRONG_POINTS test points
# of every run, the test attack's kind with STRONG_STEPS_FACTOR times its steps (at least STRONG_MIN_STEPS) at half
# its step size (at least STRONG_MIN_STEP_REL·τ, so that a weak test attack does not make a weak check), from zero
# and then from STRONG_RESTARTS − 1 random points of the balls (restarts attack the points still robust only),
# the best iterate kept. Where it finds errors the test attack missed, the test attack's count is too low.
# For Section 6's PGD-20 of 0.2τ: 60 steps of 0.1τ, two starts.
STRONG_POINTS = 100
STRONG_STEPS_FACTOR = 3
STRONG_MIN_STEPS = 60
STRONG_MIN_STEP_REL = 0.1
STRONG_RESTARTS = 2


def stronger_attack(spec: AttackSpec) -> AttackSpec:
    """The stronger attack the evaluation runs beside the test attack ``spec`` (see STRONG_POINTS)."""
    if not isinstance(spec, AttackSpec):
        raise ValueError(f"spec must be a simulate.config.AttackSpec, got {spec!r}")
    return _stronger(spec)


def _stronger(spec: AttackSpec) -> AttackSpec:
    """:func:`stronger_attack` of a validated spec."""
    return spec.derived(steps=max(spec.steps * STRONG_STEPS_FACTOR, STRONG_MIN_STEPS),
                        step_rel=max(spec.step_rel / 2, STRONG_MIN_STEP_REL), random_start=False,
                        restarts=max(spec.restarts, STRONG_RESTARTS), iterate="best")


def _strong_counts(w: Weights, maps: attacks._Maps, X: torch.Tensor, y: torch.Tensor, radius: torch.Tensor,
                   adv: torch.Tensor, spec: AttackSpec, cfg: RunConfig, gens: list[torch.Generator],
                   slots: dict[str, torch.Tensor]) -> None:
    """The stronger attack ``spec`` at ``radius`` (G,) on the test points X (G, k, M, d): its errors (the union with
    the test attack's, whose margins with the clean margin folded in are ``adv`` (G, k)) into ``slots["strong"]``,
    the test attack's own errors there into ``slots["default_on_strong_points"]``."""
    Xs = attacks._attack(w, X, y, radius, spec, cfg.norm, gens, cfg.test_attack_engine, only_robust=True)
    with torch.no_grad():
        strong = torch.minimum(maps.margin(Xs, y), adv)
    slots["default_on_strong_points"] += (adv <= 0).sum(1).cpu()
    slots["strong"] += (strong <= 0).sum(1).cpu()


def _defined(x: float) -> float | None:
    """``x``, or None where it is not a finite number (a ratio whose denominator was 0)."""
    return x if math.isfinite(x) else None


def _is_image(cfg: RunConfig) -> bool:
    return cfg.dataset != "synthetic"


def evaluate(
    configs: list[RunConfig],
    w: Weights,
    signals: list[Signals] | None,
    device: torch.device,
    chunk: int = 250,
) -> list[dict[str, Any]]:
    """Clean and robust test error of each member on a fresh test set of n_test points: per member, the
    evaluation's fields of its :class:`simulate.results.RunResult` (field name → value).

    Counts: ``clean_errors`` (margin ≤ 0), ``robust_errors_attack`` (the test attack finds a point
    of the ball with margin ≤ 0: a lower estimate of the robust error), ``robust_errors_certified``
    (the certified lower bound on the margin is ≤ 0: an upper estimate), ``midpoint_errors`` (the
    constructive attack of Theorem 4.3, signal token moved toward (µ₊+µ₋)/2 by τ; also at the radii
    MIDPOINT_RADII, with the number of coupled pairs (µ₊, ξ), (µ₋, ξ) that both survive it), the
    margin drop of the attack relative to τ‖u‖ (Lemma 5.5; the paper predicts at
    most ≈ M; None where τ‖u‖ is 0), the attack and certified counts at every extra radius of ``eval_tau_rels``,
    and the test attack's strength on the first STRONG_POINTS points: the errors of :func:`stronger_attack` there
    (``strong_errors_attack``, with the test attack's own, ``default_errors_on_strong_points``) and the points
    among them whose margin gradient is exactly zero (``zero_gradient_points``).

    For a real-image run (``dataset != "synthetic"``, ``signals`` None) there are no signal vectors µ±:
    the test points are drawn from the image test pool and the midpoint attack and coupled pairs
    (``midpoint_*``) are None (left out of the stored result).
    """
    _check_group(configs)
    if not _is_image(configs[0]) and (signals is None or len(signals) != len(configs)):
        raise ValueError(f"signals must list one Signals per config for a synthetic run, got {signals!r}")
    return _evaluate(configs, w, signals, device, chunk)


def _evaluate(configs: list[RunConfig], w: Weights, signals: list[Signals] | None, device: torch.device,
              chunk: int = 250) -> list[dict[str, Any]]:
    """:func:`evaluate` for a checked group with its signals (None for images)."""
    cfg = configs[0]
    image = _is_image(cfg)
    dtype = DTYPES[cfg.dtype]
    G = len(configs)
    tau = _col([c.tau for c in configs], dtype, device)
    gens = [generator(c.seed, "test-attack") for c in configs]
    if not image:
        assert signals is not None
        plus = torch.stack([s.plus for s in signals]).to(device=device, dtype=dtype)
        minus = torch.stack([s.minus for s in signals]).to(device=device, dtype=dtype)
    u_norm = w.u().sum(1).norm(dim=-1)
    counts = {k: torch.zeros(G, dtype=torch.long)
              for k in ("clean", "attack", "certified", "certified_box", "midpoint", "violations", "zero_gradient",
                        "strong", "default_on_strong_points")}
    mu = _col([c.signal_norm for c in configs], dtype, device)
    extra = {r: {k: torch.zeros(G, dtype=torch.long)
                 for k in ("attack", "certified", "violations", "strong", "default_on_strong_points")}
             for r in cfg.eval_tau_rels}
    mid_at = {r: torch.zeros(G, dtype=torch.long) for r in MIDPOINT_RADII}
    pair_at = {r: torch.zeros(G, dtype=torch.long) for r in MIDPOINT_RADII}
    drop_sum = torch.zeros(G, dtype=torch.float64)
    drop_max = torch.zeros(G, dtype=torch.float64)
    cert_drop_max = torch.zeros(G, dtype=torch.float64)
    margins: dict[str, list[torch.Tensor]] = {}

    def keep(name: str, m: torch.Tensor) -> None:
        margins.setdefault(name, []).append(m.detach().double().cpu())

    maps = attacks._Maps.of(w)
    engine = cfg.test_attack_engine
    z_mid = None if image else (plus + minus) / 2
    strong_spec = _stronger(cfg.test_attack)
    strong_gens = [generator(c.seed, "strong-attack") for c in configs]
    strong_points = 0
    # the per-ball errors of a union norm's test attack (Appendix B.3's breakdown), keyed by the ball's norm
    by_ball = ({p: torch.zeros(G, dtype=torch.long) for p, _ in attacks.union_balls(cfg.norm)}
               if cfg.norm in UNION_NORMS and cfg.test_attack.kind in ITERATIVE_ATTACKS else None)
    for X, y in data._test_sets(configs, signals, dtype, chunk):
        X, y = X.to(device), y.to(device)
        B, M = X.shape[1], X.shape[2]
        with torch.no_grad():
            P = torch.bmm(X.reshape(G, B * M, X.shape[3]), maps.basis).view(G, B, M, -1)  # X·basis, once
            clean = y * _combine_tokens(maps, P)
        if by_ball is not None:  # a union of balls (Appendix B.3): each ball's attack kept, the union their minimum
            per_ball = attacks._attack_by_ball(w, X, y, tau, cfg.test_attack, cfg.norm, gens, engine, only_robust=True)
            with torch.no_grad():
                raws = [(ball, maps.margin(X_ball, y)) for ball, X_ball in per_ball]
                raw = torch.stack([m_ball for _, m_ball in raws]).amin(0)
                for ball, m_ball in raws:
                    by_ball[ball] += (torch.minimum(m_ball, clean) <= 0).sum(1).cpu()
        else:
            X_adv = attacks._attack(w, X, y, tau, cfg.test_attack, cfg.norm, gens, engine, only_robust=True)
            with torch.no_grad():
                raw = maps.margin(X_adv, y)
        with torch.no_grad():
            adv = torch.minimum(raw, clean)
            if cfg.norm == "2":  # the tight bound, and the box bound it starts from (the bracket before it)
                box, cert = certify._certified_pair(w, X, y, tau)
                counts["certified_box"] += (torch.minimum(box, adv) <= 0).sum(1).cpu()
            else:
                cert = _certified(w, X, y, tau, cfg.norm)
        first = strong_points == 0  # this chunk holds the first STRONG_POINTS test points
        k = min(STRONG_POINTS, B)
        if first:  # the stronger attack at τ, on the first STRONG_POINTS test points
            _strong_counts(w, maps, X[:, :k], y[:, :k], tau, adv[:, :k], strong_spec, cfg, strong_gens, counts)
            # of those points, the ones where the margin's gradient is exactly zero: no gradient attack moves them
            _, grad0 = maps.margin_grad(X[:, :k], y[:, :k], torch.zeros_like(X[:, :k]))
            counts["zero_gradient"] += (grad0.flatten(2).abs().amax(2) == 0).sum(1).cpu()
            strong_points = k
        keep("clean", clean)
        keep("attack", raw)
        keep("certified", cert)
        counts["clean"] += (clean <= 0).sum(1).cpu()
        counts["attack"] += (adv <= 0).sum(1).cpu()
        counts["certified"] += (torch.minimum(cert, adv) <= 0).sum(1).cpu()
        counts["violations"] += _violations(cert, adv)
        if z_mid is not None:  # no µ± for images: no midpoint attack, no coupled pairs
            assert plus is not None and minus is not None
            # Theorem 4.3's attacks move only the signal token: re-project that token alone (X·basis is
            # linear per token), the others keep their clean projections
            with torch.no_grad():
                def moved(x1: torch.Tensor, radius: torch.Tensor) -> torch.Tensor:
                    return torch.bmm(attacks._moved_token(x1, z_mid, radius.view(G, 1)), maps.basis)

                x1 = X[:, :, 0]
                counts["midpoint"] += (y * _combine_tokens(maps, _with_token0(P, moved(x1, tau))) <= 0).sum(1).cpu()
                # the coupled pair of T4.3.sharp: the same noise with each signal, both moved toward the
                # midpoint; the proof says at least one of the two is misclassified once r ≥ 1/√2
                for r, slot in mid_at.items():
                    slot += (y * _combine_tokens(maps, _with_token0(P, moved(x1, r * mu))) <= 0).sum(1).cpu()
                    f_p = _combine_tokens(maps, _with_token0(P, moved(plus[:, None, :], r * mu)))
                    f_m = _combine_tokens(maps, _with_token0(P, moved(minus[:, None, :], r * mu)))
                    pair_at[r] += ((f_p > 0) & (f_m < 0)).sum(1).cpu()
        for r, slots in extra.items():
            X_r = attacks._attack(w, X, y, r * mu, cfg.test_attack, cfg.norm, gens, engine, only_robust=True)
            with torch.no_grad():
                raw_r = maps.margin(X_r, y)
                adv_r = torch.minimum(raw_r, clean)
                cert_r = _certified(w, X, y, r * mu, cfg.norm)
            keep(f"attack@{radius_name(r)}", raw_r)
            keep(f"certified@{radius_name(r)}", cert_r)
            slots["attack"] += (adv_r <= 0).sum(1).cpu()
            slots["certified"] += (torch.minimum(cert_r, adv_r) <= 0).sum(1).cpu()
            slots["violations"] += _violations(cert_r, adv_r)
            if first:  # the stronger attack at this radius too, on the same points
                _strong_counts(w, maps, X[:, :k], y[:, :k], r * mu, adv_r[:, :k], strong_spec, cfg, strong_gens,
                               slots)
        drop = ((clean - adv) / (tau * u_norm).clamp_min(1e-300)[:, None]).double().cpu()
        drop_sum += drop.sum(1)
        drop_max = torch.maximum(drop_max, drop.amax(1))
        # the certificate bounds the worst drop from above (Lemma 5.5's left side, an upper estimate)
        cert_drop = ((clean - torch.minimum(cert, adv)) / (tau * u_norm).clamp_min(1e-300)[:, None]).double().cpu()
        cert_drop_max = torch.maximum(cert_drop_max, cert_drop.amax(1))
    whole = {name: torch.cat(parts, 1).numpy() for name, parts in margins.items()}  # (G, n_test) each
    out = []
    for g, c in enumerate(configs):
        row: dict[str, Any] = {
            "n_test": c.n_test,
            "clean_errors": int(counts["clean"][g]),
            "robust_errors_attack": int(counts["attack"][g]),
            "robust_errors_certified": int(counts["certified"][g]),
            "robust_errors_certified_box": int(counts["certified_box"][g]) if c.norm == "2" else None,
            "midpoint_errors": None if image else int(counts["midpoint"][g]),
            "certificate_violations": int(counts["violations"][g]),
            # a drop over τ‖u‖ is undefined (None) where τ‖u‖ is 0 in the run's dtype (u = 0, or it underflows)
            "drop_over_tau_u_mean": _defined(float(drop_sum[g]) / c.n_test) if c.tau > 0 else 0.0,
            "drop_over_tau_u_max": _defined(float(drop_max[g])) if c.tau > 0 else 0.0,
            "cert_drop_over_tau_u_max": _defined(float(cert_drop_max[g])) if c.tau > 0 else 0.0,
            "midpoint_errors_at": None if image else {radius(r): int(v[g]) for r, v in mid_at.items()},
            "midpoint_pairs_both_correct_at": None if image else {radius(r): int(v[g]) for r, v in pair_at.items()},
            "at_tau_rel": {radius(r): RadiusResult(
                robust_errors_attack=int(v["attack"][g]), robust_errors_certified=int(v["certified"][g]),
                certificate_violations=int(v["violations"][g]), strong_errors_attack=int(v["strong"][g]),
                default_errors_on_strong_points=int(v["default_on_strong_points"][g])) for r, v in extra.items()},
            "margins": {name: encode_margins(m[g]) for name, m in whole.items()},
            "robust_errors_attack_by_norm": None if by_ball is None else {p: int(v[g]) for p, v in by_ball.items()},
            "zero_gradient_points": int(counts["zero_gradient"][g]),
            "strong_points": strong_points,
            "strong_errors_attack": int(counts["strong"][g]),
            "default_errors_on_strong_points": int(counts["default_on_strong_points"][g]),
        }
        out.append(row)
    return out


@dataclass
class Trained:
    """Algorithm 1's outcome for a group: final weights (member order) and per-member facts."""

    weights: Weights
    signals: list[Signals] | None  # None for a real-image run (no µ±)
    iterations: list[int]
    converged: list[bool]
    final_loss: list[tuple[float, float]]  # (robust, clean) training loss at the final weights
    trajectories: list[list[dict[str, float]]]
    member_wall: list[float]


def algorithm1(
    configs: list[RunConfig],
    device: str = "cpu",
    tick: Callable[[int], None] | None = None,
    log: bool = True,
) -> Trained:
    """Algorithm 1 for every member of one group, batched; see the module docstring.

    ``tick(k)`` is called as work is done, k in member-iterations (a member that stops early
    reports its remaining budget at once), so a progress bar's total is Σ T_max. ``log=False``
    skips the trajectory (the benchmark times training alone).
    """
    _check_group(configs)
    return _algorithm1(configs, run_device(device), tick, log)


def _algorithm1(configs: list[RunConfig], dev: torch.device, tick: Callable[[int], None] | None,
                log: bool = True) -> Trained:
    """:func:`algorithm1` for a checked group on an available device."""
    cfg = configs[0]
    dtype = DTYPES[cfg.dtype]
    start = time.perf_counter()
    G = len(configs)
    X, y, mask, signals = data._training_sets(configs, dtype)
    X, y, mask = X.to(dev), y.to(dev), mask.to(dev)
    w = init_weights(cfg.d, cfg.dh, cfg.dv, cfg.H, [c.seed for c in configs], cfg.init,
                     [c.sigma_h for c in configs], [c.sigma_V for c in configs],
                     [c.w_O_norm for c in configs], cfg.w_O_dir, dtype, [c.perturb for c in configs],
                     cfg.init_scale)
    w = Weights(*(t.to(dev) for t in (w.W_Q, w.W_K, w.W_V, w.w_O)))
    plus: torch.Tensor | None = None
    minus: torch.Tensor | None = None
    if signals is not None:
        plus = torch.stack([s.plus for s in signals]).to(device=dev, dtype=dtype)
        minus = torch.stack([s.minus for s in signals]).to(device=dev, dtype=dtype)
    n = _col([float(c.N) for c in configs], dtype, dev)
    tau = _col([c.tau for c in configs], dtype, dev)
    eta = _col([c.eta for c in configs], dtype, dev)
    eps = [c.eps for c in configs]
    gens = [generator(c.seed, "train-attack") for c in configs]

    active = list(range(G))  # the member index of each row of the batched tensors
    trajectories: list[list[dict[str, float]]] = [[] for _ in range(G)]
    final_w: list[Weights | None] = [None] * G
    iterations = [0] * G
    converged = [False] * G
    final_loss: list[tuple[float, float]] = [(math.nan, math.nan)] * G
    member_wall = [0.0] * G
    t = 0
    while active:
        w_det = w.detached()
        X_adv = attacks._attack(w_det, X, y, tau, cfg.attack, cfg.norm, [gens[g] for g in active],
                                cfg.attack_engine, only_robust=False)
        for p in w.trainable():
            p.requires_grad_(True)
        robust = _losses(w, X_adv, y, mask, n)
        clean: torch.Tensor | None = None  # the clean loss costs a forward pass: only when it is used
        if cfg.stop_on == "clean":
            with torch.no_grad():
                clean = _losses(w_det, X, y, mask, n)
        watched = robust if clean is None else clean
        stop = [bool(watched[i] < eps[g]) or t >= configs[g].T_max for i, g in enumerate(active)]
        log_now = [log and (t % cfg.log_every == 0 or s) for s in stop]
        if clean is None and (any(log_now) or any(stop)):
            with torch.no_grad():
                clean = _losses(w_det, X, y, mask, n)
        if any(log_now):
            assert clean is not None
            rows = trajectory_row(t, w_det, X, X_adv, y, mask, plus, minus, robust.detach(), clean)
            # Lemma 5.3's ratio (an attack over every query-key pair, the dearest thing logged) at t = 0, every
            # ratio_every iterations and at a member's own last iteration, for the members it is logged for only
            tick_ratio = t == 0 or (cfg.ratio_every > 0 and t % cfg.ratio_every == 0)
            need = [i for i in range(len(active)) if cfg.log_ratio and log_now[i] and (tick_ratio or stop[i])]
            if need:
                sel = torch.tensor(need, device=dev)
                log_ratio = attacks._attention_ratio(w_det.select(sel), X[sel, :RATIO_EXAMPLES], tau[sel], RATIO_STEPS,
                                                     RATIO_STEP_REL, None, RATIO_CHUNK, log=True)
                for i, r in zip(need, log_ratio.tolist(), strict=True):
                    rows[i]["attention_log_ratio"] = float(r)  # compare with log(e/2) ≈ 0.307
            for i, g in enumerate(active):
                if log_now[i]:
                    trajectories[g].append(rows[i])
        keep = [i for i, s in enumerate(stop) if not s]
        for i, g in enumerate(active):
            if stop[i]:
                final_w[g] = w.select(torch.tensor([i], device=dev))
                iterations[g] = t
                converged[g] = bool(watched[i] < eps[g])
                assert clean is not None
                final_loss[g] = (float(robust[i].detach()), float(clean[i]))
                member_wall[g] = time.perf_counter() - start
                if tick is not None:
                    tick(max(configs[g].T_max - t, 0))
        if not keep:
            break
        # members are independent, so the kept rows' loss gives their gradients (zero for the others)
        # from the graph already built; the stopped members are dropped after the step
        grads = torch.autograd.grad(robust[keep].sum(), w.trainable())
        with torch.no_grad():
            step = eta[:, None, None, None]
            w = Weights(w.W_Q - step * grads[0], w.W_K - step * grads[1], w.W_V - step * grads[2], w.w_O)
        if len(keep) < len(active):
            idx = torch.tensor(keep, device=dev)
            active = [active[i] for i in keep]
            w = w.select(idx)
            X, y, mask, n, tau, eta = X[idx], y[idx], mask[idx], n[idx], tau[idx], eta[idx]
            if plus is not None and minus is not None:
                plus, minus = plus[idx], minus[idx]
        if tick is not None:
            tick(len(active))
        t += 1
    stacked = Weights(*(torch.cat([getattr(fw, k) for fw in final_w if fw is not None])
                        for k in ("W_Q", "W_K", "W_V", "w_O")))
    return Trained(stacked, signals, iterations, converged, final_loss, trajectories, member_wall)


def _train_eq1(configs: list[RunConfig], dev: torch.device, tick: Callable[[int], None] | None) -> list[RunOutput]:
    """A group of eq. (1) runs: Algorithm 1 batched over the members, then each member evaluated."""
    tr = _algorithm1(configs, dev, tick)
    ev_start = time.perf_counter()
    evals = _evaluate(configs, tr.weights, tr.signals, dev)
    eval_share = (time.perf_counter() - ev_start) / len(configs)
    outputs = []
    for g, c in enumerate(configs):
        W_V = tr.weights.W_V[g]
        u = torch.einsum("hde,e->d", W_V, tr.weights.w_O[g])
        u_norm = float(u.norm())
        fields: dict[str, Any] = {}
        if tr.signals is not None:  # V± and Lemma 5.6 need µ±: synthetic runs only
            vp, vm = float(u @ tr.signals[g].plus.to(u)), float(u @ tr.signals[g].minus.to(u))
            fields["V_plus"], fields["V_minus"] = vp, vm
        for variant in ("paper", "with_M", "per_class") if tr.signals is not None else ():
            fields[f"lemma56_{variant}"] = (
                lemma56_bound(vp, vm, u_norm, c.sigma_p, c.tau, variant=variant, M=c.M)
                if u_norm > 0 else 1.0
            )
        ratios = [row["attention_log_ratio"] for row in tr.trajectories[g] if "attention_log_ratio" in row]
        result = RunResult(iterations=tr.iterations[g], converged=tr.converged[g],
                           final_robust_loss=tr.final_loss[g][0], final_clean_loss=tr.final_loss[g][1],
                           u_norm=u_norm, W_V_fro=float(W_V.norm()), **evals[g], **fields,
                           attention_log_ratio_final=_defined(ratios[-1]) if ratios else None)
        outputs.append(RunOutput(c, result, tr.trajectories[g], tr.member_wall[g] + eval_share))
    return outputs


def _train_vit(configs: list[RunConfig], dev: torch.device, tick: Callable[[int], None] | None) -> list[RunOutput]:
    """A group of ViT runs, batched over the members (:func:`simulate.vit.train_configs`)."""
    return vit._train_configs(configs, dev, tick)


# A trainer takes a checked group, an available device and the progress callback.
Trainer = Callable[[list[RunConfig], torch.device, Callable[[int], None] | None], list[RunOutput]]
# RunConfig.model → the trainer of a group of its runs: eq. (1) here, the ViT models (simulate.vit.TRAINED_PARAMETERS,
# which also says what each trains) in simulate.vit. config.MODELS lists the same names for RunConfig's validation.
TRAINERS: dict[str, Trainer] = {"eq1": _train_eq1, **dict.fromkeys(vit.TRAINED_PARAMETERS, _train_vit)}


def train_group(
    configs: list[RunConfig],
    device: str = "cpu",
    tick: Callable[[int], None] | None = None,
) -> list[RunOutput]:
    """Train every member of one group and evaluate it; one RunOutput per config.

    The group's ``model`` picks the trainer (:data:`TRAINERS`): eq. (1) runs train batched with Algorithm 1
    (:func:`algorithm1`, :func:`evaluate`), ViT runs batched over the members with
    :func:`simulate.vit.train_configs`."""
    _check_group(configs)
    return TRAINERS[configs[0].model](configs, run_device(device), tick)
