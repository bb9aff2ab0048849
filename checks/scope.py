"""Whether a simulated run meets a theorem's hypotheses: its RunConfig as the paper's Params, and regime."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from bounds.params import Params
from bounds.regime import regime
from simulate.config import RunConfig
from simulate.data import generator


def snr_of(c: RunConfig) -> float:
    """A run's SNR (a RunConfig given ‖µ‖ computes it on construction, so it is always set)."""
    assert c.snr is not None
    return c.snr


def mu_of(c: RunConfig) -> float:
    """A run's ‖µ‖ (a RunConfig given the SNR computes it on construction, so it is always set)."""
    assert c.mu is not None
    return c.mu


def params_of(c: RunConfig) -> Params:
    """The paper's parameter point of a run. For the PyTorch-default × 1/16 initialisation the entries
    are U(±1/(16√d)), so σ_h = σ_V = 1/(16·√(3d)) (CLAIMS.md S3.init)."""
    if c.init == "theory":
        sigma_h, sigma_V = c.sigma_h, c.sigma_V
    else:
        sigma_h = sigma_V = 1 / (16 * math.sqrt(3 * c.d))
    # the union norms (Appendix B.3) are read at their ℓ₂ base radius τ
    p = "2" if c.norm in ("multi", "multi-image") else c.norm
    assert p in ("1", "2", "inf"), p
    return Params(d=c.d, dh=c.dh, dv=c.dv, M=c.M, N=c.N, mu=c.mu, sigma_p=c.sigma_p, tau=c.tau,
                  p=p, eta=c.eta, sigma_V=sigma_V, sigma_h=sigma_h, eps=c.eps, w_O=c.w_O_norm, H=c.H)


def scope_of(records: Sequence[tuple[RunConfig, object]]) -> tuple[bool, str]:
    """Whether every run meets Condition 4.1 and a case's hypotheses (unit constants): (True, "") or (False,
    which items of Condition 4.1 fail, at how many runs and by how much at worst)."""
    failing: dict[str, tuple[int, float]] = {}
    other = ""
    n_out = 0
    for c, _ in records:
        r = regime(params_of(c))
        if r.regime in ("case1", "case2"):
            continue
        n_out += 1
        items = [i for i in r.condition if i.holds is False and not i.derived]
        for i in items:
            k, worst = failing.get(i.id, (0, math.inf))
            failing[i.id] = (k + 1, min(worst, i.margin if i.margin is not None else math.inf))
        if not items and not other:
            other = f"{c.label()}: {r.reason}"
    if n_out == 0:
        return True, ""
    if not failing:
        return False, other
    parts = [f"{item} at {k} (misses by up to {1 / worst:.3g}×)" if worst > 0 else f"{item} at {k}"
             for item, (k, worst) in sorted(failing.items(), key=lambda kv: kv[1][1])]
    return False, f"Condition 4.1 fails at {n_out} of {len(records)} runs (unit constants): " + "; ".join(parts)


def training_classes(c: RunConfig) -> int:
    """How many classes a run's training set holds (1 or 2), without drawing the set.

    Definition 3.1 draws each label y ∈ {±1} uniformly, so a synthetic training set of N examples holds one class
    only with probability 2^(1−N) (half the draws at N = 2). The labels are the first draw of the run's 'train'
    stream, as ``simulate.data`` takes them (a test ties the two). Image training sets are class-balanced draws,
    so they hold both classes at every N ≥ 2."""
    if not isinstance(c, RunConfig):
        raise ValueError(f"c must be a RunConfig, got {c!r}")
    if c.dataset != "synthetic":
        return 2 if c.N >= 2 else 1
    y = torch.randint(0, 2, (c.N,), generator=generator(c.seed, "train"))
    return len(set(y.tolist()))
