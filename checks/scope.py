"""Whether a simulated run meets a theorem's hypotheses: its RunConfig as the paper's Params, and regime."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bounds.params import Params
from bounds.regime import regime
from simulate.config import RunConfig


def params_of(c: RunConfig) -> Params:
    """The paper's parameter point of a run. For the PyTorch-default × 1/16 initialisation the entries
    are U(±1/(16√d)), so σ_h = σ_V = 1/(16·√(3d)) (CLAIMS.md S3.init)."""
    if c.init == "theory":
        sigma_h, sigma_V = c.sigma_h, c.sigma_V
    else:
        sigma_h = sigma_V = 1 / (16 * math.sqrt(3 * c.d))
    return Params(d=c.d, dh=c.dh, dv=c.dv, M=c.M, N=c.N, mu=c.mu, sigma_p=c.sigma_p, tau=c.tau,
                  p="2" if c.norm == "multi" else c.norm, eta=c.eta, sigma_V=sigma_V, sigma_h=sigma_h,
                  eps=c.eps, w_O=c.w_O_norm, H=c.H)


def meets_condition_4_1(c: RunConfig) -> tuple[bool, str]:
    """(True, "") when the run satisfies Condition 4.1 at unit constants; else (False, the reason in words)."""
    r = regime(params_of(c))
    if r.regime in ("case1", "case2"):
        return True, ""
    return False, f"{c.label()}: {r.reason}"


def scope_of(records: Sequence[tuple[RunConfig, object]]) -> tuple[bool, str]:
    """Whether every run meets Condition 4.1 (unit constants): (True, "") or (False, the first failure)."""
    for c, _ in records:
        ok, why = meets_condition_4_1(c)
        if not ok:
            return False, why
    return True, ""
