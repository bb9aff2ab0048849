"""Section 5's lemmas against trained models: Lemma 5.3 (L5.3), Lemma 5.5 (L5.5) and its frozen-attention
sharpening (L5.5.frozen).

Δ = y·f(X) − min_{X̃∈B(X,τ)} y·f(X̃) is bracketed per test point: the test attack gives a lower
estimate, the certified margin an upper one. Each run reports the largest ratio Δ/(τ‖W_V w_O‖) over
its test points for both estimates.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from checks.claim import Claim, Finding, Records, scoped
from checks.profiles import Profile
from checks.scope import scope_of
from simulate.config import RunConfig


def trained_configs(profile: Profile) -> list[RunConfig]:
    """Models trained at the profile's sizes, SNRs and seeds (τ/‖µ‖ = 0.05, the paper's setting)."""
    return [RunConfig(**profile.dims, N=profile.N, snr=snr, seed=seed, T_max=profile.T_max, n_test=profile.n_test)
            for snr in profile.snrs for seed in profile.seeds]


Rows = tuple[tuple[str, ...], ...]


def check_drop(records: Records, bound_of: Callable[[RunConfig], float]) -> tuple[str, str, str, Rows]:
    """Δ ≤ k·τ‖u‖ at every test point, k = ``bound_of(config)``: (verdict, reason, key, rows).

    Pointwise and deterministic: one attacked point above the bound refutes it; every certified drop
    below it confirms it; otherwise inconclusive.
    """
    over: list[tuple[float, str]] = []
    unsure: list[str] = []
    worst = 0.0
    rows: list[tuple[str, ...]] = [("run", "M", "max Δ/(τ‖u‖) attacked", "max Δ/(τ‖u‖) certified", "bound k")]
    for c, rec in records:
        k = bound_of(c)
        lo, hi = rec.result["drop_over_tau_u_max"], rec.result["cert_drop_over_tau_u_max"]
        worst = max(worst, lo / k)
        rows.append((c.label(), str(c.M), f"{lo:.3f}", f"{hi:.3f}", f"{k:g}"))
        if lo > k:
            over.append((lo, f"{c.label()}: attacked drop {lo:.3f}·τ‖u‖ > {k:g}·τ‖u‖"))
        elif hi > k:
            unsure.append(f"{c.label()}: drop in [{lo:.3f}, {hi:.3f}]·τ‖u‖ around {k:g}")
    key = f"largest attacked Δ = {worst:.3f} × bound"
    if over:
        over.sort(reverse=True)  # the clearest counterexamples first
        return ("refuted", f"{len(over)} of {len(records)} runs: " + "; ".join(text for _, text in over[:2]), key,
                tuple(rows))
    if unsure:
        return "inconclusive", "; ".join(unsure[:2]), key, tuple(rows)
    return ("confirmed", f"all {len(records)} runs: largest attacked drop {worst:.3f} of the bound, certified below it",
            key, tuple(rows))


def check_l55(records: Records, profile: Profile) -> Finding:
    verdict, reason, key, rows = check_drop(records, lambda c: float(c.M))
    in_scope, why = scope_of(records)
    return scoped("L5.5", in_scope, why, verdict, reason, key, rows)  # type: ignore[arg-type]


def check_l55_frozen(records: Records, profile: Profile) -> Finding:
    verdict, reason, key, rows = check_drop(records, lambda c: 1.0)
    return Finding("L5.5.frozen", verdict, reason, key, evidence=rows)  # type: ignore[arg-type]


def check_l55_over_m(records: Records, profile: Profile) -> Finding:
    """Mutant: Δ ≤ τ‖u‖/M (the factor M inverted)."""
    verdict, reason, key, rows = check_drop(records, lambda c: 1 / c.M)
    return Finding("L5.5.mutant.over-M", verdict, reason, key, evidence=rows)  # type: ignore[arg-type]


LOG_E_OVER_2 = math.log(math.e / 2)


def check_l53(records: Records, profile: Profile) -> Finding:
    """max_{X̃} φ_{l,j} / min_{X̃} φ_{l,j} ≤ e/2 for every query/key pair, at the final weights.

    The ratio comes from an attack that maximises and minimises each attention weight over the ball
    (a lower estimate of the true ratio), so one value above e/2 refutes the lemma; there is no upper
    estimate, so values below it leave the claim inconclusive rather than confirmed.
    """
    ratios = [(c, rec.result["attention_log_ratio_final"]) for c, rec in records]
    rows: list[tuple[str, ...]] = [("run", "attacked max/min attention", "log ratio", "log(e/2)")]
    rows += [(c.label(), f"{math.exp(r):.4g}", f"{r:.3f}", f"{LOG_E_OVER_2:.3f}") for c, r in ratios]
    top_c, top = max(ratios, key=lambda cr: cr[1])
    key = f"largest ratio {math.exp(top):.3g} (e/2 = 1.359)"
    over = [(c, r) for c, r in ratios if r > LOG_E_OVER_2]
    if over:
        verdict, reason = "refuted", (f"{len(over)} of {len(ratios)} runs exceed e/2 = 1.359; the largest is "
                                      f"{math.exp(top):.3g} at {top_c.label()} (log ratio {top:.3f} > "
                                      f"{LOG_E_OVER_2:.3f})")
    else:
        verdict, reason = "inconclusive", (f"largest attacked ratio {math.exp(top):.4g} ≤ e/2, but no upper "
                                           f"estimate exists")
    in_scope, why = scope_of(records)
    return scoped("L5.3", in_scope, why, verdict, reason, key, tuple(rows))  # type: ignore[arg-type]


CLAIMS = (
    Claim("L5.3", "lemmas",
          "Under Condition 4.1 and τ ≤ O(‖µ‖/log d_h), for t past Ω(1/(η‖µ‖²w²Lδ)), max/min of every softmax "
          "attention weight over B(X, τ) is at most C ≤ e/2.",
          "Lemma 5.3 (L1074–1101; = Lemma G.7)",
          "At the final weights an attack maximises and minimises each attention weight over the per-token "
          "balls; the largest max/min ratio (a lower estimate of the true one) is compared with e/2. One value "
          "above refutes; values below cannot confirm (no upper estimate).",
          trained_configs, check_l53, hypotheses="Condition 4.1"),
    Claim("L5.5", "lemmas",
          "y·f(X) − min_{X̃∈B(X,τ)} y·f(X̃) ≲ M·‖W_V w_O‖·τ (constant 1).",
          "Lemma 5.5 (L1160–1183)",
          "Δ is bracketed per test point by the attack (lower) and the certified margin (upper); the largest "
          "Δ/(τ‖u‖) of each run is compared with M.",
          trained_configs, check_l55, hypotheses="Condition 4.1"),
    Claim("L5.5.frozen", "lemmas",
          "With attention frozen the exact worst drop is τ‖u‖ (no factor M): Δ ≤ τ‖u‖.",
          "CLAIMS.md §5 L5.5 (the frozen-attention heuristic)",
          "As L5.5, with bound 1·τ‖u‖.",
          trained_configs, check_l55_frozen),
)

MUTANTS = (
    Claim("L5.5.mutant.over-M", "lemmas",
          "Mutant (a factor inverted): Δ ≤ τ‖u‖/M.",
          "L5.5 with M replaced by 1/M",
          "As L5.5, with bound τ‖u‖/M.",
          trained_configs, check_l55_over_m, mutant_of="L5.5"),
)
