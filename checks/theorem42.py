"""Theorem 4.2 against simulated training: the training-loss conclusion (T4.2.1), the clean and robust
error bounds (T4.2.2, T4.2.3) and the training times (T4.2.T.slopes, T4.2.T.case2-over-case1).

Every statement holds "under Condition 4.1", which no simulable point meets, so each Finding is
out of scope with the data's verdict kept beside it; the mutants (deliberately false variants) are
judged on the data alone and must come out refuted.

Runs (the ``simulate.grid`` presets ``t42-errors``, ``t42-case2``, ``t42-timing``, ``t42-ratio`` at the
profile's scale):

- *error grid* — Case 1 (τ = 0.05‖µ‖, Section 6) across the SNRs where a trained model's clean
  error falls from about 1/2 to 0 (the only range where an error rate is measurable with n test
  points), at the paper's η = 0.1, ε = 0.01 (a larger η and ε at ``ci`` for speed);
- *Case-2 pair* — at one SNR with N·SNR² ≥ 1/ε (Case 2's SNR hypothesis), τ = 0.05‖µ‖ and
  τ = 1.1·‖µ‖/ln d_h, the bottom of the range ω(‖µ‖/log d_h) ≤ τ ≤ O(‖µ‖) that the theorem states
  for Case 2 (IC-2: the proof covers only τ = (1 − o(1))‖µ‖; the bottom of the range is the most
  favourable Case-2 point, with the largest margin left to the signal);
- *timing grid* — Case 1 at one SNR, η varied at ε₀ and ε varied at η₀, with η·‖µ‖² small enough
  that GD follows its gradient flow (iterations exactly ∝ 1/η there; at η = 0.1 and SNR ≥ 8 GD is
  chaotic and iteration counts are not a time scale);
- *ratio pairs* — Appendix B.1's Case-1 radius τ/‖µ‖ = 0.02 and Case 2's radius 1.1/ln d_h for the
  simulated d_h (``simulate.grid.ratio_radii``; B.1's own "Case 2" radius 0.1 is Case 1 for every
  d_h < e^10), for M ∈ {2, 4}; a pair whose Case-2 run does not reach ε is counted, not fitted;
- *τ sweep* (``t42-tau``) — Theorem 4.2(3) from τ = 0 through Case 1, Case 2's window and beyond
  ‖µ‖/√2, Case-1 SNRs at the paper's η and the Case-2 SNR at a stable η; each run is checked against
  the case hypotheses (τ's range, N·SNR²) and a run in neither case is out of the statement's scope.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from bounds import formulas
from bounds.regime import regime
from bounds.symbolic import S
from checks.claim import Claim, Finding, Plot, Records, Series, scoped
from checks.profiles import Profile
from checks.scope import mu_of, params_of, scope_of, snr_of
from checks.stats import (
    LEVEL,
    ImpliedConstant,
    SlopeFit,
    TrendResult,
    Verdict,
    bonferroni_level,
    constant_trend,
    fit_boundary_slope,
    implied_constant,
)
from checks.tolerances import tol
from simulate.grid import at_run, is_case2, predicted_T, ratio_radii, t42_grid
from simulate.results import RunResult, need
from simulate.store import RunRecord

# the claims' formulas (bounds.formulas); each mutant substitutes one
G_INVERSE_SNR = formulas.G_CLEAN.substitute("T4.2.2.mutant.snr-inverse", "g = d·SNR⁻²", {S.m: S.s**2 * S.d / S.m})
# g = d·SNR²·(1 − τ/‖µ‖)² is d times the square of the robust margin's SNR, SNR·(1 − τ/‖µ‖) = (‖µ‖ − τ)/(σ_p√d);
# σ_p → (‖µ‖ − τ)²/(σ_p·d) inverts that SNR (σ_p enters g through it only), as T4.2.2's mutant inverts SNR
G_ROBUST_INVERSE_SNR = formulas.G_ROBUST.substitute("T4.2.3.mutant.snr-inverse", "g = d·[SNR·(1 − τ/‖µ‖)]⁻²",
                                                    {S.s: (S.m - S.tau)**2 / (S.s * S.d)})
T_ETA_SQUARED = formulas.T_CASE1.substitute("T4.2.T.mutant.eta-squared", "T ∝ η⁻²", {S.eta: S.eta**2})
RATIO_M_SQUARED = formulas.CASE_RATIO.substitute("T4.2.T.mutant.M-squared", "T₂/T₁ = M²", {S.M: S.M**2})


def _minus(x: float) -> str:
    """A number as the report prints a predicted exponent: with a true minus sign."""
    return f"{x:g}".replace("-", "−")


# ---- T4.2.1 ---------------------------------------------------------------------------------------


def t421_check(claim: str, converges: bool = True) -> Callable[[Records, Profile], Finding]:
    """Every run must reach L_S^rob ≤ ε; one still above ε after tol('T_ALLOWANCE') × its predicted T refutes
    (``converges=False``: the negated conclusion a mutant states, that no run reaches ε within tol('T_ALLOWANCE')
    × its predicted T; one that does refutes it, and every run failing confirms it)."""

    def check(records: Records, profile: Profile) -> Finding:
        return _t421(claim, records, converges)

    return check


def _t421(claim: str, records: Records, converges: bool) -> Finding:
    rows: list[tuple[str, ...]] = [("run", "case", "η", "ε", "T predicted", "T_max", "iterations", "reached ε",
                                    "final robust loss", "iterations / T")]
    failed, open_, done = [], [], []
    for c, rec in records:
        res, T = rec.result, predicted_T(c)
        case = "2" if is_case2(c) else "1"
        rows.append((c.label(), case, f"{c.eta:g}", f"{c.eps:g}", f"{T:.3g}", str(c.T_max), str(res.iterations),
                     "yes" if res.converged else "no", f"{res.final_robust_loss:.3g}",
                     f"{res.iterations / T:.3g}" if res.converged else f"> {c.T_max / T:.3g}"))
        if res.converged:
            done.append((c, res.iterations / T))
        elif c.T_max >= tol("T_ALLOWANCE") * T:
            failed.append((c, res))
        else:
            open_.append(c)
    def _worst(case: str) -> str:
        ratios = [x for c, x in done if ("2" if is_case2(c) else "1") == case]
        return f"{max(ratios):.3g}" if ratios else "none reach ε"

    key = f"{len(done)}/{len(records)} reach ε; largest iterations/T: Case 1 {_worst('1')}, Case 2 {_worst('2')}"
    verdict: Verdict
    if not converges:
        # the negation: a run that reaches ε within the allowance refutes it
        within = sorted(((c, x) for c, x in done if x <= tol("T_ALLOWANCE")), key=lambda cx: cx[1])
        if within:
            c, x = within[0]
            verdict = "refuted"
            reason = (f"{len(within)} of {len(records)} runs reach ε within {tol('T_ALLOWANCE'):g} × the predicted "
                      f"T, e.g. {c.label()} (Case {'2' if is_case2(c) else '1'}) after {x:.3g} × T")
        elif len(failed) == len(records):
            verdict, reason = "confirmed", (f"all {len(records)} runs stay above ε for {tol('T_ALLOWANCE'):g} × the "
                                            f"predicted T")
        else:
            verdict, reason = "inconclusive", (f"no run reaches ε within {tol('T_ALLOWANCE'):g} × T, but "
                                               f"{len(records) - len(failed)} stop before that horizon or reach ε "
                                               f"later")
    elif failed:
        c, res = failed[0]
        verdict = "refuted"
        reason = (f"{len(failed)} of {len(records)} runs never reach ε within {tol('T_ALLOWANCE'):g} × the predicted "
                  f"T, e.g. "
                  f"{c.label()} (Case {'2' if is_case2(c) else '1'}, τ/‖µ‖ = {c.tau_rel:g}): robust loss "
                  f"{res.final_robust_loss:.3g} > ε = {c.eps:g} after {c.T_max} iterations "
                  f"({c.T_max / predicted_T(c):.3g} × T)")
        if done:
            reason += f"; the {len(done)} runs that do reach ε need at most {max(x for _, x in done):.3g} × T"
    elif open_:
        verdict = "inconclusive"
        reason = (f"{len(open_)} runs stop above ε before {tol('T_ALLOWANCE'):g} × T, e.g. {open_[0].label()}")
    else:
        verdict = "confirmed"
        reason = f"all {len(records)} runs reach ε, within {max(x for _, x in done):.3g} × the predicted T"
    ys = [(snr_of(c), x, is_case2(c)) for c, x in done]
    plot = Plot("t421-implied-constant", "Iterations to reach ε over the predicted T", "lines", "SNR",
                "iterations / T", series=tuple(
                    Series(label, tuple(s for s, _, k in ys if k == case2), tuple(x for _, x, k in ys if k == case2),
                           style="points")
                    for label, case2 in (("Case 1", False), ("Case 2", True)) if any(k == case2 for *_, k in ys)),
                xlog=True, ylog=True, hlines=((tol("T_ALLOWANCE"), f"allowance {tol('T_ALLOWANCE'):g}"),))
    return _scoped_or_plain(claim, records, verdict, reason, key, tuple(rows), (plot,))


# ---- T4.2.2, T4.2.3: implied constants ------------------------------------------------------------

def _cap(x: float) -> float:
    return x if math.isfinite(x) else math.nan


def _constant_plots(name: str, what: str, glabel: str, estimates: dict[str, list[ImpliedConstant]]) -> tuple[Plot, ...]:
    """Ĉ against g, and the observed error against the bound exp(−C*·g), with Clopper–Pearson intervals."""
    c_series, e_series = [], []
    c_star = math.inf
    for label, pts in estimates.items():
        use = [p for p in pts if p.usable]
        zero = [p for p in pts if p.k == 0]
        c_star = min([c_star, *(p.c_hat for p in use)])
        if use:
            c_series.append(Series(f"Ĉ ({label})", tuple(p.g for p in use), tuple(p.c_hat for p in use),
                                   tuple(p.c_lo for p in use), tuple(_cap(p.c_hi) for p in use), "points"))
            e_series.append(Series(f"error ({label})", tuple(p.g for p in use), tuple(p.err for p in use),
                                   tuple(p.err_interval[0] for p in use), tuple(p.err_interval[1] for p in use),
                                   "points"))
        if zero:
            c_series.append(Series(f"lower limit of C, no errors ({label})", tuple(p.g for p in zero),
                                   tuple(p.c_lo for p in zero), style="points"))
            e_series.append(Series(f"upper limit, no errors ({label})", tuple(p.g for p in zero),
                                   tuple(p.err_interval[1] for p in zero), style="points"))
    gs = sorted({p.g for pts in estimates.values() for p in pts})
    if math.isfinite(c_star) and gs:
        e_series.append(Series(f"bound exp(−C*·g), C* = {c_star:.3g}", tuple(gs),
                               tuple(max(math.exp(-c_star * g), 1e-300) for g in gs), style="dashed"))
    return (Plot(f"{name}-constant", f"Implied constant of the {what} bound", "lines", glabel, "Ĉ = −log(error)/g",
                 tuple(c_series), xlog=True, ylog=True),
            Plot(f"{name}-bound", f"Observed {what} error against exp(−C*·g)", "lines", glabel, f"{what} error",
                 tuple(e_series), xlog=True, ylog=True))


def _trend_text(t: TrendResult) -> str:
    if t.slope is None or t.slope_interval is None:
        return f"no fit ({t.n_usable} usable points)"
    return f"slope {t.slope:.3g} [{t.slope_interval[0]:.3g}, {t.slope_interval[1]:.3g}] ({t.n_usable} pts)"


def check_constant(claim: str, records: Records, g: formulas.Formula, robust: bool) -> Finding:
    """One absolute C with error ≤ exp(−C·g) at every converged run (the trained θ^(T)).

    The implied constants Ĉ = −log(error)/g of every run enter ``constant_trend``: the claim is refuted
    when even the lower estimate of the error (the attack; clean error has no attack) gives a Ĉ that
    surely decays as g grows, and confirmed when the upper estimate (the certificate) gives a Ĉ that
    stays positive with no such decay; Bonferroni over the two trends for the robust error.
    """
    g_of, glabel = (lambda c: at_run(g, c)), g.text
    # each run is checked against the theorem's case hypotheses (τ's range and N·SNR², unit constants; Condition
    # 4.1 is the claim's scope, see _scoped_or_plain): a run in neither case is outside the statement and counted
    cases = [regime(params_of(c)) for c, _ in records]
    outside = [(c, rec) for (c, rec), r in zip(records, cases, strict=True) if r.nominal not in ("case1", "case2")]
    inside = [(c, rec) for (c, rec), r in zip(records, cases, strict=True) if r.nominal in ("case1", "case2")]
    runs = [(c, rec) for c, rec in inside if rec.result.converged]
    unconverged = len(inside) - len(runs)
    kinds: tuple[tuple[str, Callable[[RunResult], int]], ...] = (
        (("attack", lambda r: r.robust_errors_attack),
         ("certified", lambda r: need(r.robust_errors_certified, "robust_errors_certified"))) if robust
        else (("clean", lambda r: r.clean_errors),))
    level = bonferroni_level(LEVEL, len(kinds))
    estimates = {label: [implied_constant(count(rec.result), rec.result.n_test, g_of(c), level)
                         for c, rec in runs] for label, count in kinds}
    header = ("run", "g", *(f"errors ({label})" for label, _ in kinds), "n",
              *(f"Ĉ [interval] ({label})" for label, _ in kinds))
    rows: list[tuple[str, ...]] = [header]
    for i, (c, rec) in enumerate(runs):
        pts = [estimates[label][i] for label, _ in kinds]
        rows.append((c.label(), f"{g_of(c):.4g}", *(str(p.k) for p in pts), str(rec.result.n_test),
                     *(f"{p.c_hat:.3g} [{p.c_lo:.3g}, {p.c_hi:.3g}]" for p in pts)))
    plots = _constant_plots(claim.replace(".", "-").lower(), "robust" if robust else "clean", glabel, estimates)
    if len(runs) < 3:
        return _scoped_or_plain(claim, records, "inconclusive",
                                f"only {len(runs)} of {len(records)} runs reached ε", "", tuple(rows), plots)
    lower = constant_trend(estimates[kinds[0][0]], level)
    upper = constant_trend(estimates[kinds[-1][0]], level)
    key = f"min C_lo {upper.min_c_lo:.3g}; log Ĉ on log g: {_trend_text(lower)}"
    verdict: Verdict
    if lower.verdict == "refuted":
        verdict, reason = "refuted", f"{kinds[0][0]} counts: {lower.reason}"
    elif upper.verdict == "confirmed":
        verdict, reason = "confirmed", f"{kinds[-1][0]} counts: {upper.reason}"
    else:
        verdict = "inconclusive"
        reason = f"{kinds[0][0]} counts: {lower.reason}"
        if robust:
            reason += f"; {kinds[-1][0]} counts: {upper.reason}"
    if unconverged:
        reason += f" ({unconverged} runs that did not reach ε left out)"
    if outside:
        first = next(r for r in cases if r.nominal not in ("case1", "case2"))
        reason += (f" ({len(outside)} of {len(records)} runs are in neither case of the theorem at unit constants "
                   f"and are out of its scope, e.g. {outside[0][0].label()}: {first.nominal_reason})")
    return _scoped_or_plain(claim, records, verdict, reason, key, tuple(rows), plots)


def _scoped_or_plain(claim: str, records: Records, verdict: Verdict, reason: str, key: str,
                     rows: tuple[tuple[str, ...], ...], plots: tuple[Plot, ...]) -> Finding:
    """Claims of the paper are scoped by Condition 4.1; mutants (``.mutant.`` in the ID) are judged on the data."""
    if ".mutant." in claim:
        return Finding(claim, verdict, reason, key, evidence=rows, plots=plots)
    in_scope, why = scope_of(records)
    return scoped(claim, in_scope, why, verdict, reason, key, rows, plots)


def constant_check(claim: str, g: formulas.Formula, robust: bool) -> Callable[[Records, Profile], Finding]:
    """The check that one absolute C bounds the clean (or robust) error by exp(−C·g), g the formula."""
    return lambda records, profile: check_constant(claim, records, g, robust)


# ---- T4.2.T: slopes of the training time ------------------------------------------------------------


@dataclass(frozen=True)
class PowerFit:
    """iterations = A_seed + B_seed·x^s (one offset and scale per seed, one exponent s), with an interval for s."""

    s: float
    interval: tuple[float, float]
    n: int
    dof: int


S_GRID = np.linspace(-3.0, 1.0, 4001)


def _design(x: np.ndarray, groups: list[int], s: float | None) -> np.ndarray:
    """Per-group intercepts, and per-group slopes on x^s when s is given."""
    cols = [np.array([g == k for g in groups], float) for k in sorted(set(groups))]
    if s is not None:
        cols += [c * x**s for c in cols]
    return np.column_stack(cols)


def _ssr(X: np.ndarray, y: np.ndarray) -> float:
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ coef
    return float(r @ r)


def fit_power_offset(xs: list[float], ys: list[float], groups: list[int], level: float) -> PowerFit:
    """Fit y = A_g + B_g·x^s (g the seed): for each s on a grid, the A_g, B_g by OLS; ŝ minimises the residual
    sum of squares, and the interval is {s : SSR(s) ≤ SSR(ŝ)·(1 + F_{1, ν}(level)/ν)}, ν = n − 2·seeds − 1
    (the F-test of s fixed). An interval reaching the grid's end (−3 or 1) is open on that side.

    The offset A is the part of the training time that does not depend on x (the paper's stages I–II
    take Θ(1/(η‖µ‖²)) iterations whatever ε is), so s is the exponent of the part that does."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    dof = len(x) - 2 * len(set(groups)) - 1
    if dof < 1 or len(set(xs)) < 3:
        raise ValueError(f"xs must have >= 3 distinct values and more points than 2·seeds + 1, got {len(x)}")
    ssr = np.array([_ssr(_design(x, groups, s), y) for s in S_GRID])
    best = int(np.argmin(ssr))
    cut = ssr[best] * (1 + float(sps.f.ppf(level, 1, dof)) / dof)
    inside = S_GRID[ssr <= max(cut, 1e-12)]
    return PowerFit(float(S_GRID[best]), (float(inside.min()), float(inside.max())), len(x), dof)


def within_slope(xs: list[float], ys: list[float], groups: list[int], level: float) -> tuple[float, float, float]:
    """OLS slope of log y on log x with one intercept per seed (seeds differ by a constant factor in the
    time): (slope, lo, hi), a Student-t interval on n − seeds − 1 degrees of freedom."""
    lx, ly = np.log(np.asarray(xs, float)), np.log(np.asarray(ys, float))
    for k in set(groups):
        idx = [i for i, g in enumerate(groups) if g == k]
        lx[idx] -= lx[idx].mean()
        ly[idx] -= ly[idx].mean()
    dof = len(lx) - len(set(groups)) - 1
    sxx = float(lx @ lx)
    if dof < 1 or sxx == 0:
        raise ValueError(f"xs must vary within seeds and have more points than seeds + 1, got {len(lx)}")
    slope = float(lx @ ly) / sxx
    r = ly - slope * lx
    se = math.sqrt(float(r @ r) / dof / sxx)
    t = float(sps.t.ppf(0.5 + level / 2, dof))
    return slope, slope - t * se, slope + t * se


def _rounding(its: list[float], xs: list[float]) -> float:
    """The largest change in a log-log slope that rounding iterations to integers (±½) can cause."""
    return max(1 / i for i in its) / float(np.ptp(np.log(xs)))


def _slope_verdict(lo: float, hi: float, predicted: float) -> Verdict:
    if not lo <= predicted <= hi:
        return "refuted"
    return "confirmed" if hi < 0 else "inconclusive"


@dataclass(frozen=True)
class Slopes:
    eta_slope: float
    eta_interval: tuple[float, float]
    eps_fit: PowerFit
    eps_loglog: SlopeFit
    rows: tuple[tuple[str, ...], ...]
    plots: tuple[Plot, ...]
    unconverged: int


def measure_slopes(records: Records, profile: Profile, T: formulas.Formula) -> Slopes:
    """log(iterations) on log η at ε₀ (within seeds, widened for integer rounding), and iterations = A + B·ε^s
    at η₀ (per seed A, B)."""
    g = t42_grid(profile.name)
    level = bonferroni_level(LEVEL, 2)
    done = [(c, rec.result.iterations) for c, rec in records if rec.result.converged]
    eta_runs = [(c.eta, float(it), c.seed) for c, it in done if c.eps == g.eps0]
    eps_runs = [(c.eps, float(it), c.seed) for c, it in done if c.eta == g.eta0]
    eta_pts = [(x, i) for x, i, _ in eta_runs]
    eps_pts = [(x, i) for x, i, _ in eps_runs]
    eta_fit = fit_boundary_slope([e for e, _ in eta_pts], [i for _, i in eta_pts], level, loglog=True)
    eta_slope, lo, hi = within_slope([e for e, _ in eta_pts], [i for _, i in eta_pts], [s for *_, s in eta_runs],
                                     level)
    pad = _rounding([i for _, i in eta_pts], [e for e, _ in eta_pts])
    eta_iv = (lo - pad, hi + pad)
    eps_fit = fit_power_offset([e for e, _ in eps_pts], [i for _, i in eps_pts], [s for *_, s in eps_runs], level)
    eps_loglog = fit_boundary_slope([e for e, _ in eps_pts], [i for _, i in eps_pts], level, loglog=True)
    rows: list[tuple[str, ...]] = [("run", "η", "ε", "iterations", "reached ε", "η ε ‖µ‖² · iterations")]
    for c, rec in records:
        it = rec.result.iterations
        rows.append((c.label(), f"{c.eta:g}", f"{c.eps:g}", str(it), "yes" if rec.result.converged else "no",
                     f"{c.eta * c.eps * mu_of(c)**2 * it:.3g}"))

    def line(xs: list[float], slope: float, anchor: tuple[float, float]) -> tuple[float, ...]:
        return tuple(anchor[1] * (x / anchor[0]) ** slope for x in xs)

    plots = []
    for name, var, pts, fit in (("eta", "η", eta_pts, eta_fit), ("eps", "ε", eps_pts, eps_loglog)):
        predicted = T.log_slope(S.eta if name == "eta" else S.eps)
        xs = sorted({x for x, _ in pts})
        mid = (xs[0], math.exp(fit.intercept + fit.slope * math.log(xs[0])))
        series = [Series("runs", tuple(x for x, _ in pts), tuple(i for _, i in pts), style="points"),
                  Series(f"fit: slope {fit.slope:.3g}", tuple(xs), line(xs, fit.slope, mid)),
                  Series(f"slope {_minus(predicted)} (Theorem 4.2)", tuple(xs), line(xs, predicted, mid),
                         style="dashed")]
        plots.append(Plot(f"t42-T-slope-{name}", f"Iterations to reach ε against {var}", "lines", var,
                          "iterations", tuple(series), xlog=True, ylog=True))
    return Slopes(eta_slope, eta_iv, eps_fit, eps_loglog, tuple(rows), tuple(plots), len(records) - len(done))


def check_slopes(claim: str, T: formulas.Formula, use_eps: bool) -> Callable[[Records, Profile], Finding]:
    """Slope of iterations in η must be T's exponent of η and (when ``use_eps``) in ε T's exponent of ε:
    refuted when an interval excludes its prediction, confirmed when every interval contains it and excludes 0."""
    eta_slope, eps_slope = T.log_slope(S.eta), T.log_slope(S.eps)

    def check(records: Records, profile: Profile) -> Finding:
        m = measure_slopes(records, profile, T)
        parts = [("η", m.eta_interval, eta_slope, m.eta_slope)]
        if use_eps:
            parts.append(("ε (A + B·ε^s)", m.eps_fit.interval, eps_slope, m.eps_fit.s))
        verdicts = [_slope_verdict(lo, hi, pred) for _, (lo, hi), pred, _ in parts]
        text = "; ".join(f"{name} exponent {s:.3g} [{lo:.3g}, {hi:.3g}] (predicted {pred:g}: {v})"
                         for (name, (lo, hi), pred, s), v in zip(parts, verdicts, strict=True))
        text += (f"; plain log-log slope in ε {m.eps_loglog.slope:.3g} [{m.eps_loglog.slope_interval[0]:.3g}, "
                 f"{m.eps_loglog.slope_interval[1]:.3g}] (it mixes in the ε-independent early phase)")
        if m.unconverged:
            text += f"; {m.unconverged} runs that did not reach ε left out"
        verdict: Verdict = ("refuted" if "refuted" in verdicts else
                            "confirmed" if all(v == "confirmed" for v in verdicts) else "inconclusive")
        key = (f"η exponent {m.eta_slope:.3g}, ε exponent {m.eps_fit.s:.3g} (predicted {eta_slope:g}, "
               f"{_minus(eps_slope)})")
        return _scoped_or_plain(claim, records, verdict, f"{verdict}: {text}", key, m.rows, m.plots)

    return check


# ---- T4.2.T: Case 2 over Case 1 ------------------------------------------------------------------


def check_ratio(claim: str, ratio: formulas.Formula) -> Callable[[Records, Profile], Finding]:
    """iterations(Case 2)/iterations(Case 1) ∝ M^b with b the formula's exponent of M: OLS of log ratio on log M
    over the seeds; refuted when b's interval excludes the prediction, confirmed when it contains it and excludes
    0."""
    predicted = ratio.log_slope(S.M)

    def check(records: Records, profile: Profile) -> Finding:
        by = {(c.M, c.seed, c.tau_rel): (c, rec) for c, rec in records}
        dh = records[0][0].dh if records else 0
        case1_r, case2_r = ratio_radii(dh)
        rows: list[tuple[str, ...]] = [("M", "seed", f"iterations τ = {case1_r:g}‖µ‖ (Case 1)",
                                        f"iterations τ = {case2_r:g}‖µ‖ (Case 2)", "ratio",
                                        f"attention entropy/log M ({case1_r:g}, {case2_r:g})")]
        Ms: list[float] = []
        ratios: list[float] = []
        used: list[float] = []
        censored = []
        for (M, seed, r), (_, rec1) in sorted(by.items(), key=lambda kv: kv[0]):
            if r != case1_r or (M, seed, case2_r) not in by:
                continue
            c2, rec2 = by[(M, seed, case2_r)]
            i1, i2 = rec1.result.iterations, rec2.result.iterations
            ok = rec1.result.converged and rec2.result.converged and i1 > 0
            ent = tuple(f"{_final(rec, 'entropy_rel'):.2f}" for rec in (rec1, rec2))
            rows.append((str(M), str(seed), str(i1), str(i2) if rec2.result.converged else f"> {i2}",
                         f"{i2 / max(i1, 1):.3g}" if ok else "—", ", ".join(ent)))
            if ok:
                Ms.append(float(M))
                ratios.append(i2 / i1)
                used += [i1, i2]
            else:
                censored.append(c2)
        plots: tuple[Plot, ...] = ()
        if len(ratios) < 3 or len(set(Ms)) < 2:
            reason = f"only {len(ratios)} ratios at {len(set(Ms))} values of M ({len(censored)} runs did not reach ε)"
            return _scoped_or_plain(claim, records, "inconclusive", reason, "", tuple(rows), plots)
        fit = fit_boundary_slope(Ms, ratios, LEVEL, loglog=True)
        pad = _rounding(used, Ms)
        lo, hi = fit.slope_interval[0] - pad, fit.slope_interval[1] + pad
        verdict: Verdict = "refuted" if not lo <= predicted <= hi else "confirmed" if lo > 0 else "inconclusive"
        per_M = ", ".join(f"M = {M:g}: {np.mean([q for m, q in zip(Ms, ratios, strict=True) if m == M]):.3g}"
                          for M in sorted(set(Ms)))
        reason = (f"{verdict}: ratio ∝ M^b with b = {fit.slope:.3g} [{lo:.3g}, {hi:.3g}] ({100 * LEVEL:g}%, "
                  f"{fit.n} ratios; predicted b = {predicted:g}); mean ratio {per_M}")
        if censored:
            reason += f"; {len(censored)} pairs left out (a run did not reach ε)"
        key = f"b = {fit.slope:.3g} [{lo:.3g}, {hi:.3g}] (predicted {predicted:g})"
        xs = sorted(set(Ms))
        title = f"Iterations in Case 2 (τ = {case2_r:g}‖µ‖) over Case 1 ({case1_r:g}‖µ‖)"
        plots = (Plot(claim.replace(".", "-").lower(), title,
                      "lines", "M", "iteration ratio",
                      (Series("seeds", tuple(Ms), tuple(ratios), style="points"),
                       Series("ratio = M (Theorem 4.2)", tuple(xs), tuple(xs), style="dashed"),
                       Series("ratio = M²", tuple(xs), tuple(x * x for x in xs), style="dashed")),
                      xlog=True, ylog=True),)
        return _scoped_or_plain(claim, records, verdict, reason, key, tuple(rows), plots)

    return check


def _final(rec: RunRecord, name: str) -> float:
    return float(rec.trajectory[-1][name]) if rec.trajectory else math.nan


# ---- the catalogue ----------------------------------------------------------------------------------

_C41 = "Condition 4.1"

CLAIMS = (
    Claim("T4.2.1", "theorem42",
          "Under Condition 4.1, in Case 1 (N·SNR² = Ω(1), τ ≤ O(‖µ‖/log d_h)) and Case 2 (N·SNR² = Ω(1/ε), "
          "ω(‖µ‖/log d_h) ≤ τ ≤ O(‖µ‖)), L_S^rob(θ^(T)) ≤ ε at T = Θ(η⁻¹ε⁻¹‖µ‖⁻²‖w_O‖⁻²) (Case 1) and M times "
          "that (Case 2).",
          "Theorem 4.2, conclusion 1 and the times T (L559–613)",
          "Case-1 runs (τ = 0.05‖µ‖) across SNRs and a Case-2 pair (τ = 1.1‖µ‖/ln d_h, the bottom of the stated "
          "range, against 0.05‖µ‖ at the same η, ε, SNR with N·SNR² ≥ 1/ε) train until the robust training loss "
          f"is below ε. The Θ's constant is unknown: iterations/T is reported, and a run still above ε after "
          f"{tol('T_ALLOWANCE'):g} × its predicted T refutes.",
          ("t42-training",), t421_check("T4.2.1"), hypotheses=_C41, formulas=(formulas.T_CASE1, formulas.T_CASE2),
          kind="paper", quote=('"Under Condition 4.1, we distinguish two cases: Case 1. If we have N · SNR2 = Ω(1) '
                               'and τ ≤ O( ∥µ∥2 log dh ), … In this case, let T = Θ(η−1ϵ−1∥µ∥−2 2 ∥wO∥−2 2 ). Case '
                               '2. If we have N ·SNR2 = Ω( 1ϵ ) and ω( ∥µ∥2 log dh ) ≤ τ ≤ O(∥µ∥2) , … In this case, '
                               'let T = M ·Θ(η−1ϵ−1∥µ∥−2 2 ∥wO∥−2 2 ). In both cases, with probability at least '
                               '1−d−1, the following holds: 1. The robust training loss converges to ϵ: Lrob S (θ(T '
                               ')) ≤ ϵ." (L559–591)')),
    Claim("T4.2.2", "theorem42",
          "Under Condition 4.1, L_D(θ^(T)) ≤ exp(−C·d·SNR²) for an absolute constant C.",
          "Theorem 4.2, conclusion 2 (L559–613)",
          "Converged Case-1 models across SNRs (every seed): Ĉ = −log(clean error)/(d·SNR²) with Clopper–Pearson "
          "intervals; refuted if Ĉ surely decays as g = d·SNR² grows, confirmed if it surely does not and stays "
          "positive (constant_trend).",
          ("t42-errors",), constant_check("T4.2.2", formulas.G_CLEAN, False), hypotheses=_C41,
          formulas=(formulas.G_CLEAN,),
          kind="paper", quote=('"Under Condition 4.1, we distinguish two cases: … In both cases, with probability at '
                               'least 1−d−1, the following holds: … 2. The clean test error satisfies: LD(θ(T )) ≤ '
                               'exp ( −C · d SNR2 ) ." (L559–600)')),
    Claim("T4.2.3", "theorem42",
          "Under Condition 4.1, L_D^rob(θ^(T)) ≤ exp(−C·d·SNR²·(1 − τ/‖µ‖)²) for an absolute constant C.",
          "Theorem 4.2, conclusion 3 (L559–613)",
          "As T4.2.2 with g = d·SNR²(1 − τ/‖µ‖)² and the robust error bracketed: the attack's count (lower "
          "estimate) can refute, the certified count (upper estimate) can confirm; Bonferroni over the two. The "
          "runs: the error grid at τ = 0.05‖µ‖ and the τ sweep (t42-tau) from 0 through Case 1, Case 2's window "
          "and beyond ‖µ‖/√2, so that (1 − τ/‖µ‖)² varies; runs in neither case of the theorem are out of scope.",
          ("t42-errors", "t42-tau"), constant_check("T4.2.3", formulas.G_ROBUST, True), hypotheses=_C41,
          formulas=(formulas.G_ROBUST,),
          kind="paper", quote=('"Under Condition 4.1, we distinguish two cases: … In both cases, with probability at '
                               'least 1−d−1, the following holds: … 3. The robust test error satisfies: Lrob D (θ(T '
                               ')) ≤ exp ( −C · d SNR2(1− τ ∥µ∥2 )2 ) ." (L559–613)')),
    Claim("T4.2.T.slopes", "theorem42",
          "T = Θ(η⁻¹ε⁻¹‖µ‖⁻²‖w_O‖⁻²): the time to reach L_S^rob ≤ ε scales as η⁻¹ and ε⁻¹.",
          "Theorem 4.2, Case 1's T (L559–613); CLAIMS.md §10 item 8",
          "Case 1 at one SNR with η·‖µ‖² small (GD follows its gradient flow). In η: OLS of log(iterations) on "
          "log η at ε₀, one intercept per seed (interval widened by integer rounding). In ε: iterations = "
          "A + B·ε^s at η₀ (A, B per seed), s by least squares with a profile interval (A is the "
          "ε-independent early phase; the plain log-log slope is reported too). Each exponent must be −1: "
          "refuted if an interval excludes −1, confirmed if both contain −1 and exclude 0 (Bonferroni over the "
          "two).",
          ("t42-timing",), check_slopes("T4.2.T.slopes", formulas.T_CASE1, True), hypotheses=_C41,
          formulas=(formulas.T_CASE1,),
          kind="paper", quote=('"Case 1. If we have N · SNR2 = Ω(1) and τ ≤ O( ∥µ∥2 log dh ), … In this case, let T '
                               '= Θ(η−1ϵ−1∥µ∥−2 2 ∥wO∥−2 2 ). … 1. The robust training loss converges to ϵ: Lrob S '
                               '(θ(T )) ≤ ϵ." (L562–591); "According to Theorem 4.2, for the degenerated linear '
                               'model, the convergence time T is M times slower than that of the ViT" (L663–665)')),
    Claim("T4.2.T.case2-over-case1", "theorem42",
          "Case 2 takes M times longer than Case 1 at matched (η, ε, ‖µ‖, ‖w_O‖).",
          "Theorem 4.2, Case 2's T; Remark R4.2.c; CLAIMS.md IC-6",
          "Case 1 at Appendix B.1's τ/‖µ‖ = 0.02 and Case 2 at 1.1/ln d_h, inside Case 2's stated range for the "
          "simulated d_h (B.1's own 0.1 is Case 1 there), at matched η, ε, SNR for M ∈ {2, 4}, every seed; a "
          "pair whose Case-2 run does not reach ε is counted and left out of the fit. "
          "OLS of log(iterations ratio) on log M: its slope b must be 1 (ratio ∝ M); refuted if b's interval "
          "excludes 1, confirmed if it contains 1 and excludes 0.",
          ("t42-ratio",), check_ratio("T4.2.T.case2-over-case1", formulas.CASE_RATIO), hypotheses=_C41,
          formulas=(formulas.CASE_RATIO,),
          kind="paper", quote=('"In this case, let T = M ·Θ(η−1ϵ−1∥µ∥−2 2 ∥wO∥−2 2 )." (L573–584); "According to '
                               'Theorem 4.2, for the degenerated linear model, the convergence time T is M times '
                               'slower than that of the ViT" (L663–665)')),
)

MUTANTS = (
    Claim("T4.2.1.mutant.never", "theorem42",
          "Mutant (the conclusion negated): the robust training loss stays above ε: no run reaches L_S^rob ≤ ε "
          f"within {tol('T_ALLOWANCE'):g} × its predicted T.",
          "T4.2.1 with its conclusion negated",
          "As T4.2.1 on the same runs: a run that reaches ε within the allowance refutes; every run staying above "
          "ε for the allowance confirms.",
          ("t42-training",), t421_check("T4.2.1.mutant.never", converges=False), mutant_of="T4.2.1",
          hypotheses=_C41, formulas=(formulas.T_CASE1, formulas.T_CASE2)),
    # exp(−C·d·SNR⁴) would be the natural wrong exponent, but it cannot be refuted here: where errors are
    # measurable (SNR < 1) SNR⁴ < SNR², so that bound is *weaker* than the paper's, and where it is stronger
    # (SNR > 1) the error is 0 of n. The Ĉ-trend test refutes only a g that grows while the error does not
    # fall, so the wrong exponent tested is −2: error ≤ exp(−C·d/SNR²).
    Claim("T4.2.2.mutant.snr-inverse", "theorem42",
          "Mutant (a wrong exponent): L_D(θ^(T)) ≤ exp(−C·d·SNR⁻²).",
          "T4.2.2 with SNR² replaced by SNR⁻²",
          "As T4.2.2 with g = d·SNR⁻².",
          ("t42-errors",), constant_check("T4.2.2.mutant.snr-inverse", G_INVERSE_SNR, False), mutant_of="T4.2.2",
          formulas=(G_INVERSE_SNR,)),
    # as for T4.2.2: a larger power of the margin's SNR would be a weaker bound where robust errors are measurable
    # (there SNR·(1 − τ/‖µ‖) < 1), so the wrong exponent tested is −2 on the margin's SNR: as the error grows with
    # τ and falls with SNR, the mutant's g grows where the error does
    Claim("T4.2.3.mutant.snr-inverse", "theorem42",
          "Mutant (a wrong exponent): L_D^rob(θ^(T)) ≤ exp(−C·d·[SNR·(1 − τ/‖µ‖)]⁻²), the robust margin's SNR "
          "inverted.",
          "T4.2.3 with [SNR·(1 − τ/‖µ‖)]² replaced by its inverse",
          "As T4.2.3 (the error grid and the τ sweep, robust error bracketed) with g = d·[SNR·(1 − τ/‖µ‖)]⁻².",
          ("t42-errors", "t42-tau"), constant_check("T4.2.3.mutant.snr-inverse", G_ROBUST_INVERSE_SNR, True),
          mutant_of="T4.2.3", hypotheses=_C41, formulas=(G_ROBUST_INVERSE_SNR,)),
    Claim("T4.2.T.mutant.eta-squared", "theorem42",
          "Mutant (a wrong slope): the time to reach ε scales as η⁻².",
          "T4.2.T.slopes with η⁻² in place of η⁻¹",
          "As T4.2.T.slopes, the η exponent only, predicted −2.",
          ("t42-timing",), check_slopes("T4.2.T.mutant.eta-squared", T_ETA_SQUARED, False),
          mutant_of="T4.2.T.slopes", formulas=(T_ETA_SQUARED,)),
    Claim("T4.2.T.mutant.M-squared", "theorem42",
          "Mutant (a wrong factor): Case 2 takes M² times longer than Case 1.",
          "T4.2.T.case2-over-case1 with M² in place of M",
          "As T4.2.T.case2-over-case1, predicted b = 2.",
          ("t42-ratio",), check_ratio("T4.2.T.mutant.M-squared", RATIO_M_SQUARED),
          mutant_of="T4.2.T.case2-over-case1", formulas=(RATIO_M_SQUARED,)),
)
