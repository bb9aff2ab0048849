"""Section 5's lemmas against trained models: Lemma 5.3 (L5.3), Lemma 5.4 (L5.4), Lemma 5.5 (L5.5) and its
frozen-attention sharpening (L5.5.frozen), and Lemma 5.6's data-dependent robust-error bound with two
variants (L5.6, L5.6.with-M, L5.6.per-class).

Δ = y·f(X) − min_{X̃∈B(X,τ)} y·f(X̃) is bracketed per test point: the test attack gives a lower
estimate, the certified margin an upper one. Each run reports the largest ratio Δ/(τ‖W_V w_O‖) over
its test points for both estimates.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from typing import Literal

import sympy as sp

from bounds import formulas
from bounds.params import Constants
from bounds.regime import regime
from bounds.symbolic import S
from checks.claim import Claim, Finding, Plot, Records, Series, attacked_errors, scoped
from checks.profiles import Profile
from checks.scope import params_of, scope_of, snr_of
from checks.stats import (
    LEVEL,
    Verdict,
    bonferroni_level,
    bound_verdict,
    clopper_pearson,
    fit_boundary_slope,
    implied_constant,
)
from checks.tolerances import tol
from simulate.config import RunConfig
from simulate.results import RunResult, need
from simulate.store import RunRecord

Rows = tuple[tuple[str, ...], ...]


def _drops(res: RunResult) -> tuple[float, float]:
    """A run's largest margin drop Δ/(τ‖u‖), attacked (lower estimate) and certified (upper)."""
    return (need(res.drop_over_tau_u_max, "drop_over_tau_u_max"),
            need(res.cert_drop_over_tau_u_max, "cert_drop_over_tau_u_max"))


def drop_plot(claim: str, records: Records) -> Plot:
    """Each run's largest Δ/(τ‖u‖), attacked (lower) and certified (upper), against SNR, with the
    frozen-attention value 1 and Lemma 5.5's M."""
    Ms = sorted({c.M for c, _ in records})
    return Plot(f"{claim.replace('.', '_')}_drop", f"{claim}: largest margin drop Δ/(τ‖u‖) per run", "lines",
                "SNR", "max Δ/(τ‖u‖)",
                (Series("attacked (lower estimate)", tuple(snr_of(c) for c, _ in records),
                        tuple(_drops(rec.result)[0] for _, rec in records), style="points"),
                 Series("certified (upper estimate)", tuple(snr_of(c) for c, _ in records),
                        tuple(_drops(rec.result)[1] for _, rec in records), style="points")),
                xlog=True, hlines=((1.0, "1 (frozen attention)"), *((float(M), f"M = {M} (Lemma 5.5)") for M in Ms)))


def check_drop(records: Records, bound_of: Callable[[RunConfig], float]) -> tuple[Verdict, str, str, Rows]:
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
        lo, hi = _drops(rec.result)
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


# Lemma 5.5's factor M, the frozen-attention reading (no factor M) and the mutant (M inverted)
L55_FROZEN = formulas.L55_FACTOR.substitute("L5.5.frozen", "Δ/(τ‖u‖) ≤ 1", {S.M: 1})
L55_OVER_M = formulas.L55_FACTOR.substitute("L5.5.mutant.over-M", "Δ/(τ‖u‖) ≤ 1/M", {S.M: 1 / S.M})
# the frozen reading's mutant: the model's average over the M queries taken to divide the frozen drop, τ‖u‖/M
L55_FROZEN_OVER_M = formulas.L55_FACTOR.substitute("L5.5.frozen.mutant.over-M", "Δ/(τ‖u‖) ≤ 1/M", {S.M: 1 / S.M})


def _factor(f: formulas.Formula) -> Callable[[RunConfig], float]:
    return lambda c: f(M=c.M)


def check_l55(records: Records, profile: Profile) -> Finding:
    verdict, reason, key, rows = check_drop(records, _factor(formulas.L55_FACTOR))
    in_scope, why = scope_of(records)
    return scoped("L5.5", in_scope, why, verdict, reason, key, rows, (drop_plot("L5.5", records),))


def near_uniform(c: RunConfig, rec: RunRecord) -> bool:
    """Whether a run's final attention on the signal token is near uniform: M·|φ − 1/M| ≤ tol('L54_TOL_REL'),
    the reading of Lemma 5.4's "1/M ± o(1)" (the attention a frozen-attention argument assumes)."""
    phi = float(rec.trajectory[-1]["signal_attention"])
    return c.M * abs(phi - 1 / c.M) <= tol("L54_TOL_REL")


def drop_check(claim: str, bound: formulas.Formula, frozen: bool = False) -> Callable[[Records, Profile], Finding]:
    """Δ ≤ k·τ‖u‖ at every test point with k = ``bound`` at the run's M (:func:`check_drop`), judged on the data.

    With ``frozen`` (the frozen-attention reading, whose hypothesis is attention that does not move): only the
    runs whose final attention is near uniform (:func:`near_uniform`) are in its scope and decide the verdict;
    the others are counted and left out, and with none in scope the finding is out of scope, the data verdict
    that of all runs."""

    def check(records: Records, profile: Profile) -> Finding:
        inside = [(c, rec) for c, rec in records if near_uniform(c, rec)] if frozen else list(records)
        if frozen and not inside:
            verdict, reason, key, rows = check_drop(records, _factor(bound))
            why = (f"none of the {len(records)} runs has near-uniform attention (M·|φ − 1/M| ≤ "
                   f"{tol('L54_TOL_REL'):g} on the signal token)")
            return scoped(claim, False, why, verdict, reason, key, rows, (drop_plot(claim, records),))
        verdict, reason, key, rows = check_drop(inside, _factor(bound))
        if frozen:
            out = len(records) - len(inside)
            reason += (f"; on the {len(inside)} runs whose attention stays near uniform (M·|φ − 1/M| ≤ "
                       f"{tol('L54_TOL_REL'):g}), {out} runs whose attention concentrated left out as outside the "
                       "frozen-attention hypothesis")
            key += f" ({len(inside)} near-uniform runs of {len(records)})"
        return Finding(claim, verdict, reason, key, evidence=rows, plots=(drop_plot(claim, records),))

    return check


def check_l55_over_m(records: Records, profile: Profile) -> Finding:
    """Mutant: Δ ≤ τ‖u‖/M (the factor M inverted)."""
    verdict, reason, key, rows = check_drop(records, _factor(L55_OVER_M))
    return Finding("L5.5.mutant.over-M", verdict, reason, key, evidence=rows)


L53_C = formulas.L53_RATIO.value()  # e/2
LOG_L53_C = math.log(L53_C)
# the mutant: the constant e/2 replaced by 1, i.e. no point of the ball moves any attention weight
L53_RATIO_ONE = formulas.L53_RATIO.substitute("L5.3.mutant.ratio-1", "max/min attention ratio ≤ 1",
                                              {formulas.L53_RATIO.expr: sp.Integer(1)})


def _ratio_text(log_ratio: float, digits: int = 4) -> str:
    """exp(log_ratio) as text, without overflow: "20.88", or "e^812" beyond floating point."""
    if log_ratio > 700:
        return f"e^{log_ratio:.0f}"
    return f"{math.exp(log_ratio):.{digits}g}"


def l53_check(claim: str, bound: formulas.Formula, name: str) -> Callable[[Records, Profile], Finding]:
    """max_{X̃} φ_{l,j} / min_{X̃} φ_{l,j} ≤ C for every query/key pair, at the final weights; C = ``bound`` (e/2
    for Lemma 5.3), written ``name`` in the text.

    The ratio comes from an attack that maximises and minimises each attention weight over the ball
    (a lower estimate of the true ratio), so one value above C refutes the lemma; there is no upper
    estimate, so values below it leave the claim inconclusive rather than confirmed.
    """
    C = bound.value()
    log_c = math.log(C)
    shown = name if name == f"{C:.4g}" else f"{name} = {C:.4g}"

    def check(records: Records, profile: Profile) -> Finding:
        ratios = [(c, need(rec.result.attention_log_ratio_final, "attention_log_ratio_final")) for c, rec in records]
        rows: list[tuple[str, ...]] = [("run", "attacked max/min attention", "log ratio", f"log({name})")]
        rows += [(c.label(), _ratio_text(r), f"{r:.3f}", f"{log_c:.3f}") for c, r in ratios]
        top_c, top = max(ratios, key=lambda cr: cr[1])
        key = f"largest ratio {_ratio_text(top, 3)} ({shown})"
        over = [(c, r) for c, r in ratios if r > log_c]
        verdict: Verdict
        if over:
            verdict, reason = "refuted", (f"{len(over)} of {len(ratios)} runs exceed {shown}; the largest is "
                                          f"{_ratio_text(top, 3)} at {top_c.label()} (log ratio {top:.3f} > "
                                          f"{log_c:.3f})")
        else:
            verdict, reason = "inconclusive", (f"largest attacked ratio {_ratio_text(top)} ≤ {name}, but no upper "
                                               f"estimate exists")
        plot = Plot(f"{claim.replace('.', '_').replace('-', '_')}_ratios", f"{claim}: log of the attacked max/min "
                    "attention ratio per run (log axis; values below 1e-4 drawn at 1e-4)", "histogram",
                    "log(max/min attention)", "runs",
                    (Series("attacked log ratio", tuple(float(i) for i in range(len(ratios))),
                            tuple(max(r, 1e-4) for _, r in ratios)),),
                    xlog=True, vlines=((log_c, f"log({name})"),))
        return _scoped(claim, records, verdict, reason, key, tuple(rows), (plot,))

    return check


def _scoped(claim: str, records: Records, verdict: Verdict, reason: str, key: str, rows: Rows,
            plots: tuple[Plot, ...]) -> Finding:
    """The lemmas hold under Condition 4.1, so their Findings are scoped by it; a mutant (``.mutant.`` in its ID)
    is judged on the data alone."""
    if ".mutant." in claim:
        return Finding(claim, verdict, reason, key, evidence=rows, plots=plots)
    in_scope, why = scope_of(records)
    return scoped(claim, in_scope, why, verdict, reason, key, rows, plots)


# ---- Lemma 5.4 ---------------------------------------------------------------------------------------

# τ/‖µ‖ inside Case 2's range ω(‖µ‖/log d_h) ≤ τ ≤ O(‖µ‖) at unit constants (1/ln d_h = 0.56 at ci's d_h = 6,
# 0.29 at d_h = 32, 0.21 at d_h = 128)
# "1/M ± o(1)" has no rate: bovit's stated tolerance is |φ − 1/M| ≤ 1/(2M), i.e. every attention weight
# within [1/(2M), 3/(2M)], a relative deviation M·|φ − 1/M| ≤ 1/2


def _meets(c: RunConfig, item: str) -> bool:
    """Whether the run meets one item of Condition 4.1 at unit constants."""
    return any(i.id == item and i.holds is True for i in regime(params_of(c)).condition)


def _rel_dev(c: RunConfig, row: dict[str, float]) -> tuple[float, float]:
    return c.M * row["uniform_dev_clean"], c.M * row["uniform_dev_adv"]


def l54_check(claim: str, near_uniform: bool = True) -> Callable[[Records, Profile], Finding]:
    """M·max|φ − 1/M| over every training example, attention entry and logged t (clean inputs and the training
    attack's X̃ᵗ, the inputs Lemma 5.4 is about) against the stated tolerance 1/2.

    The maximum is measured, not estimated, at the logged iterations, so one run above the tolerance
    refutes the lemma at that tolerance, and all runs below it confirm it there. ``near_uniform=False`` is the
    reversed statement a mutant makes (for every t, attention is outside the tolerance): one logged t of one run
    within it refutes that, and every logged t of every run outside it confirms it.
    """

    def check(records: Records, profile: Profile) -> Finding:
        return _l54(claim, records, profile, near_uniform)

    return check


def _l54(claim: str, records: Records, profile: Profile, near_uniform: bool) -> Finding:
    dh0 = profile.dims["dh"]
    rows: list[tuple[str, ...]] = [("τ/‖µ‖", "d_h", "η", "seed", "max M·|φ−1/M| clean", "max M·|φ−1/M| attacked",
                                    f"first t above {tol('L54_TOL_REL'):g}", "min entropy/log M", "clean errors",
                                    "robust errors (attack)")]
    over: list[tuple[RunConfig, float, float]] = []
    nearest: list[tuple[float, float, RunConfig]] = []  # per run: its smallest M·max|φ − 1/M| over t, and that t
    devs: dict[tuple[float, int, float], list[float]] = {}
    for c, rec in records:
        tr = rec.trajectory
        clean, adv = (max(_rel_dev(c, row)[k] for row in tr) for k in (0, 1))
        worst = max(clean, adv)
        first = next((row["t"] for row in tr if max(_rel_dev(c, row)) > tol("L54_TOL_REL")), None)
        devs.setdefault((c.tau_rel, c.dh, c.eta), []).append(worst)
        if first is not None:
            over.append((c, first, worst))
        nearest.append(min(((max(_rel_dev(c, row)), row["t"], c) for row in tr), key=lambda x: (x[0], x[1])))
        rows.append((f"{c.tau_rel:g}", str(c.dh), f"{c.eta:g}", str(c.seed), f"{clean:.3g}", f"{adv:.3g}",
                     "—" if first is None else f"{first:g}", f"{min(row['entropy_rel'] for row in tr):.3f}",
                     f"{rec.result.clean_errors}/{rec.result.n_test}",
                     f"{attacked_errors(rec.result)}/{rec.result.n_test}"))
    taus = sorted({c.tau_rel for c, _ in records})
    etas = sorted({c.eta for c, _ in records}, reverse=True)
    by_eta = "; ".join(
        f"η = {eta:g}: " + ", ".join(f"τ/‖µ‖ = {r:g} median {statistics.median(devs[(r, dh0, eta)]):.3g}"
                                     for r in taus if (r, dh0, eta) in devs) for eta in etas)
    eta_min = min(etas)
    dhs = sorted({c.dh for c, _ in records if c.eta == eta_min})
    pts = [(float(c.dh), max(max(_rel_dev(c, row)) for row in rec.trajectory)) for c, rec in records
           if c.eta == eta_min]
    scaling = "; ".join(f"d_h = {dh}: median {statistics.median(v for d, v in pts if d == dh):.3g}" for dh in dhs)
    if len({d for d, _ in pts}) >= 2 and len(pts) >= 3 and all(v > 0 for _, v in pts) \
            and len({v for _, v in pts}) > 1:
        fit = fit_boundary_slope([d for d, _ in pts], [v for _, v in pts], LEVEL, loglog=True)
        scaling += (f" (slope of log deviation on log d_h {fit.slope:.2f} [{fit.slope_interval[0]:.2f}, "
                    f"{fit.slope_interval[1]:.2f}]; o(1) in d_h needs it negative)")
    summary = f"largest M·|φ − 1/M| per run, {by_eta}. At η = {eta_min:g} over d_h: {scaling}"
    # the runs whose η meets Condition 4.1(4) (unit constants): the step size the lemma's proof assumes
    small_eta = [c for c, _ in records if _meets(c, "C4.1.4")]
    small_over = sum(x[0] in small_eta for x in over)
    summary += (f". Runs whose η meets Condition 4.1(4): {len(small_eta)} of {len(records)}"
                + (f", {small_over} of them leave the tolerance" if small_eta else ""))
    largest = {eta: max(max(v) for (_, _, e), v in devs.items() if e == eta) for eta in etas}
    key = ("max M·|φ − 1/M| " + ", ".join(f"{largest[eta]:.3g} at η = {eta:g}" for eta in (max(etas), eta_min))
           + f" (tolerance {tol('L54_TOL_REL'):g}; {records[0][0].M - 1} = one-hot)")
    verdict: Verdict
    if not near_uniform:
        # the reversed statement: one logged t of one run within the tolerance refutes it
        near = sorted((x for x in nearest if x[0] <= tol("L54_TOL_REL")), key=lambda x: x[0])
        if near:
            dev, t, c = near[0]
            verdict = "refuted"
            reason = (f"{len(near)} of {len(records)} runs have a logged t with M·|φ − 1/M| ≤ {tol('L54_TOL_REL'):g} "
                      f"(clean and attacked inputs); e.g. {c.label()} (η = {c.eta:g}, d_h = {c.dh}) has {dev:.3g} at "
                      f"t = {t:g}. {summary}")
        else:
            verdict = "confirmed"
            reason = (f"at every logged t of all {len(records)} runs some weight leaves the tolerance "
                      f"M·|φ − 1/M| ≤ {tol('L54_TOL_REL'):g}. {summary}")
    elif over:
        over.sort(key=lambda x: -x[2])
        c, first, worst = over[0]
        small = [x for x in over if x[0].eta == eta_min]
        verdict = "refuted"
        reason = (f"{len(over)} of {len(records)} runs leave the tolerance M·|φ − 1/M| ≤ {tol('L54_TOL_REL'):g} "
                  f"({len(small)} of them at the smallest η = {eta_min:g}); e.g. {c.label()} (η = {c.eta:g}, "
                  f"d_h = {c.dh}) reaches {worst:.3g} from t = {first:g}. {summary}")
    else:
        verdict = "confirmed"
        reason = f"all {len(records)} runs keep M·|φ − 1/M| ≤ {tol('L54_TOL_REL'):g} at every logged t. {summary}"
    plots = (_l54_trajectory_plot(records, dh0), _l54_dh_plot(records, eta_min))
    return _scoped(claim, records, verdict, reason, key, tuple(rows), plots)


def _l54_trajectory_plot(records: Records, dh0: int) -> Plot:
    series = []
    groups = sorted({(c.tau_rel, c.eta) for c, _ in records if c.dh == dh0}, key=lambda x: (x[0], -x[1]))
    for r, eta in groups:
        runs = [(c, rec) for c, rec in records if c.dh == dh0 and c.tau_rel == r and c.eta == eta]
        ts = [row["t"] for row in runs[0][1].trajectory]
        lines: tuple[tuple[int, str, Literal["line", "dashed"]], ...] = (
            (1, "attacked", "line"), (0, "clean", "dashed"))
        for k, name, style in lines:
            ys = []
            for i in range(len(ts)):
                ys.append(max(_rel_dev(c, rec.trajectory[i])[k] for c, rec in runs if i < len(rec.trajectory)))
            series.append(Series(f"τ/‖µ‖ = {r:g}, η = {eta:g}, {name}", tuple(ts), tuple(max(y, 1e-4) for y in ys),
                                 style=style))
    return Plot("L5_4_uniform_dev", f"L5.4: M·max|φ − 1/M| over training (max over seeds; d_h = {dh0})", "lines",
                "iteration t", "M·max|φ − 1/M|", tuple(series), ylog=True,
                hlines=((tol("L54_TOL_REL"), "tolerance"), (float(records[0][0].M - 1), "one-hot")))


def _l54_dh_plot(records: Records, eta: float) -> Plot:
    series = []
    for r in sorted({c.tau_rel for c, _ in records}):
        pts = [(float(c.dh), max(max(_rel_dev(c, row)) for row in rec.trajectory)) for c, rec in records
               if c.eta == eta and c.tau_rel == r]
        series.append(Series(f"τ/‖µ‖ = {r:g}", tuple(d for d, _ in pts), tuple(max(v, 1e-4) for _, v in pts),
                             style="points"))
    return Plot("L5_4_dh_scaling", f"L5.4: largest M·|φ − 1/M| per run against d_h (η = {eta:g})", "lines", "d_h",
                "max over t of M·max|φ − 1/M|", tuple(series), xlog=True, ylog=True,
                hlines=((tol("L54_TOL_REL"), "tolerance"),))


# ---- Lemma 5.6 ---------------------------------------------------------------------------------------

L56_C = Constants().c_L56  # the constant bounds.lemmas.lemma56_bound uses (the Gaussian tail of ξᵀu)
L56_VARIANTS = {"L5.6": "paper", "L5.6.with-M": "with_M", "L5.6.per-class": "per_class"}
PLOT_FLOOR = 1e-6


def _cp_text(lo: float, hi: float) -> str:
    return f"[{lo:.3g}, {hi:.3g}]"


def check_l56(claim: str, variant: str, c_tail: float = L56_C) -> Callable[[Records, Profile], Finding]:
    """The bracketed robust error [attack, certified] of each run against its Lemma 5.6 bound at c = ``c_tail``
    (1/2, the Gaussian tail of ξᵀu; a mutant's other constant scales the stored bound's exponent): refuted if
    some run's attack count is surely above the bound, confirmed if every certified count is surely below it
    (Clopper–Pearson, Bonferroni over runs) and some bound is not vacuous. The implied constant
    ĉ = −log(err)/x², x = the bound's standardised margin, is bracketed per run too: the largest c the data
    allow at that run is ĉ_hi (from the attack's lower limit)."""
    if not c_tail > 0:
        raise ValueError(f"c_tail must be > 0, got {c_tail!r}")
    c_name = "1/2" if c_tail == L56_C else f"{c_tail:g}"

    def check(records: Records, profile: Profile) -> Finding:
        level = bonferroni_level(LEVEL, len(records))
        rows: list[tuple[str, ...]] = [("run", f"bound (c = {c_name})", "x²", "errors attack–certified / n",
                                        "interval (attack lower, certified upper)", "implied c range", "verdict")]
        results = []
        c_his: list[tuple[float, RunConfig]] = []
        for c, rec in records:
            res = rec.result
            n, k_lo = res.n_test, attacked_errors(res)
            k_up = need(res.robust_errors_certified, "robust_errors_certified")
            stored = float(need(res.lemma56(variant), f"lemma56_{variant}"))  # the bound at c = L56_C
            x2 = -math.log(stored) / L56_C if 0 < stored < 1 else (math.inf if stored == 0 else 0.0)
            b = stored if c_tail == L56_C else math.exp(-c_tail * x2)
            v = bound_verdict(k_lo, k_up, n, b, level)
            results.append((c, v, b))
            if 0 < x2 < math.inf:
                c_lo = implied_constant(k_up, n, x2, level).c_lo
                c_hi = implied_constant(k_lo, n, x2, level).c_hi
                c_his.append((c_hi, c))
                c_text = f"[{c_lo:.3g}, {c_hi:.3g}]"
            else:
                c_text = "— (vacuous)" if x2 == 0 else "—"
            rows.append((c.label(), f"{b:.3g}", f"{x2:.3g}", f"{k_lo}–{k_up} / {n}",
                         _cp_text(v.lower_interval[0], v.upper_interval[1]), c_text, v.verdict))
        vacuous = sum(b >= 1 for _, _, b in results)
        refuted = [(c, v) for c, v, _ in results if v.verdict == "refuted"]
        c_text = ""
        if c_his:
            c_min, c_at = min(c_his, key=lambda x: x[0])
            c_text = (f"; the largest c the data allow at every run is {c_min:.3g} (at {c_at.label()}), "
                      f"{'below' if c_min < c_tail else 'above'} the c = {c_tail:g} used")
        key = f"{len(refuted)} of {len(results)} runs above the bound" + (
            f"; c ≤ {min(c_his, key=lambda x: x[0])[0]:.3g}" if c_his else "")
        verdict: Verdict
        if refuted:
            refuted.sort(key=lambda cv: cv[1].lower_interval[0] - cv[1].bound, reverse=True)
            c, v = refuted[0]
            verdict, reason = "refuted", (f"{len(refuted)} of {len(results)} runs: the attack's robust error is "
                                          f"surely above the bound; e.g. {c.label()}: {v.reason}{c_text}")
        elif vacuous == len(results):
            verdict, reason = "inconclusive", f"the bound is vacuous (1) at every run{c_text}"
        elif all(v.verdict == "confirmed" for _, v, _ in results):
            verdict, reason = "confirmed", (f"every run's certified robust error is surely below its bound "
                                            f"({vacuous} vacuous){c_text}")
        else:
            open_ = [f"{c.label()}: {v.reason}" for c, v, _ in results if v.verdict != "confirmed"]
            verdict, reason = "inconclusive", "; ".join(open_[:2]) + c_text
        return _scoped(claim, records, verdict, reason, key, tuple(rows), (_l56_plot(claim, records, level),))

    return check


def _l56_plot(claim: str, records: Records, level: float) -> Plot:
    series = []
    for name, variant in L56_VARIANTS.items():
        xs, ys, los, his = [], [], [], []
        for _, rec in records:
            res = rec.result
            n, k_lo = res.n_test, attacked_errors(res)
            k_up = need(res.robust_errors_certified, "robust_errors_certified")
            xs.append(max(float(need(res.lemma56(variant), f"lemma56_{variant}")), PLOT_FLOOR))
            ys.append(max(k_lo / n, PLOT_FLOOR))
            los.append(max(clopper_pearson(k_lo, n, level)[0], PLOT_FLOOR))
            his.append(max(clopper_pearson(k_up, n, level)[1], PLOT_FLOOR))
        series.append(Series(f"{name} ({variant})", tuple(xs), tuple(ys), tuple(los), tuple(his), style="points"))
    series.append(Series("observed = bound", (PLOT_FLOOR, 1.0), (PLOT_FLOOR, 1.0), style="dashed"))
    return Plot(f"{claim.replace('.', '_').replace('-', '_')}_bound",
                f"{claim}: robust error (attack; interval to the certified upper limit) against Lemma 5.6's bound "
                f"(c = 1/2; values below {PLOT_FLOOR:g} drawn at {PLOT_FLOOR:g})", "lines",
                "bound", "robust test error", tuple(series), xlog=True, ylog=True)


CLAIMS = (
    Claim("L5.3", "lemmas",
          "Under Condition 4.1 and τ ≤ O(‖µ‖/log d_h), for t past Ω(1/(η‖µ‖²w²Lδ)), max/min of every softmax "
          "attention weight over B(X, τ) is at most C ≤ e/2.",
          "Lemma 5.3 (L1074–1101; = Lemma G.7)",
          "At the final weights an attack maximises and minimises each attention weight over the per-token "
          "balls; the largest max/min ratio (a lower estimate of the true one) is compared with e/2. One value "
          "above refutes; values below cannot confirm (no upper estimate).",
          ("trained",), l53_check("L5.3", formulas.L53_RATIO, "e/2"), formulas=(formulas.L53_RATIO,),
          hypotheses="Condition 4.1",
          kind="paper", quote=('"Lemma 5.3. Under Condition 4.1, suppose the perturbation satisfies τ ≤ O( ∥µ∥2 log '
                               'dh ) and t ≥ Ω ( 1 η∥µ∥2 2∥wO∥2 2 log(6N2M2/δ) ) . Then, there exists a universal '
                               'constant C ≤ e/2 such that maxX̃∈B(X,τ) softmax ( ⟨q(t),k(t)⟩ ) minX̃∈B(X,τ) softmax '
                               '( ⟨q(t),k(t)⟩ ) ≤ C." (L1074–1104)')),
    Claim("L5.5", "lemmas",
          # narrowed: "(constant 1)" is bovit's reading of ≲, which the check states, not the paper
          "y·f(X) − min_{X̃∈B(X,τ)} y·f(X̃) ≲ M·‖W_V w_O‖·τ.",
          "Lemma 5.5 (L1160–1183)",
          "Δ is bracketed per test point by the attack (lower) and the certified margin (upper); the largest "
          "Δ/(τ‖u‖) of each run is compared with M (≲ read with constant 1).",
          ("trained",), check_l55, formulas=(formulas.L55_FACTOR,), hypotheses="Condition 4.1",
          kind="paper", quote=('"Lemma 5.5. Under Condition 4.1, if t ≥ Ω ( η−1ϵ−1∥µ∥−2 2 ∥wO∥−2 2 log−1 ( 6N2M2 δ '
                               ')) and τ ≤ ∥µ∥2 log(dh) , we have: yf(X, θ(t))− min X̃∈B(X,τ) yf(X̃, θ(t)) ≲ M '
                               '∥∥W(t) V wO ∥∥ 2 τ." (L1160–1192)')),
    Claim("L5.5.frozen", "lemmas",
          # derived: a heuristic of CLAIMS.md, which the paper does not state
          "Derived (CLAIMS.md's frozen-attention heuristic): with attention frozen the exact worst drop is τ‖u‖ "
          "(no factor M), so Δ ≤ τ‖u‖.",
          "CLAIMS.md §5 L5.5 (the frozen-attention heuristic)",
          "As L5.5, with bound 1·τ‖u‖, on the runs that meet its hypothesis: final attention on the signal "
          "token near uniform (M·|φ − 1/M| ≤ tol('L54_TOL_REL')); runs whose attention concentrated are counted "
          "and left out.",
          ("trained",), drop_check("L5.5.frozen", L55_FROZEN, frozen=True), formulas=(L55_FROZEN,),
          kind="derived", quote=('Derived (CLAIMS.md §5 L5.5, the frozen-attention heuristic; IC-12) from eq. (1), '
                                 'which averages over the M queries, "f(X, θ) = 1 M M∑ l=1 φ(x⊤ l WQW ⊤ KX⊤)XWV wO. '
                                 '(1)" (L249–261), and the paper\'s own bound on one token\'s value shift, "∣∣⟨x̃−x, '
                                 'WV wO⟩ ∣∣ ≤ τ∥WV wO∥2." (L1150–1154): with the attention weights held fixed, f is '
                                 "a convex combination of the tokens' values, so the worst drop is τ‖u‖ (moving "
                                 "every token by −y·τ·u/‖u‖), not Lemma 5.5's M·τ‖u‖ (L1160–1192), whose eq. (102) "
                                 "drops the model's 1/M. The paper states no such bound; bovit checks it on trained "
                                 'models, whose attention is not frozen.')),
    Claim("L5.4", "lemmas",
          "Under Condition 4.1 and ω(‖µ‖/log d_h) ≤ τ ≤ O(‖µ‖), for any t ≥ 0: 1/M − o(1) ≤ softmax(⟨q(t), k(t)⟩) "
          "≤ 1/M + o(1).",
          "Lemma 5.4 (L1117–1131)",
          "Models adversarially trained at Case-2 radii (τ/‖µ‖ = 0.5, 0.8; 0.6, 0.8 at ci) at the largest SNR, "
          "for η ∈ {0.1, 0.01, 0.001} and, at η = 0.001, d_h/2 and 2·d_h. M·max|φ − 1/M| over training examples, "
          "entries and logged t, on clean inputs and on the training attack's X̃ᵗ, is compared with the stated "
          "tolerance 1/2 (o(1) has no rate); its dependence on η and its slope in d_h are reported.",
          ("l54",), l54_check("L5.4"), hypotheses="Condition 4.1",
          kind="paper", quote=('"Lemma 5.4. Under Condition 4.1, supposing the perturbation satisfies ω( ∥µ∥2 log dh '
                               ') ≤ τ ≤ O(∥µ∥2), for any t ≥ 0, we have: 1 M − o(1) ≤ softmax(⟨q(t),k(t)⟩) ≤ 1 M + '
                               'o(1)" (L1117–1130)')),
    Claim("L5.6", "lemmas",
          "Under the conditions of Lemma 5.5, with high probability, for some c > 0: P(∃X̃ ∈ B(X, τ): y f(X̃) ≤ 0) "
          "≤ exp(−c·[((V₊ − V₋) − ‖u‖τ)/(σ_p‖u‖)]²), u = W_V w_O.",
          "Lemma 5.6 (L1197–1219)",
          "Each trained model's robust test error, bracketed by the attack (lower) and the certificate (upper), "
          "is compared with the bound at c = 1/2 (Clopper–Pearson, Bonferroni over runs); the implied constant "
          "per run is bracketed too, since c is unspecified.",
          ("trained",), check_l56("L5.6", "paper"), hypotheses="Condition 4.1",
          kind="paper", quote=('"Lemma 5.6. Under the same conditions of Lemma 5.5, with high probability, we have '
                               'for some constant c > 0: P (∃ X̃ ∈ B(X, τ) : yf(X̃, θ(t)) ≤ 0) … ≤ exp ( − c( (V (t) '
                               '+ − V (t) − )− ∥W(t) V wO∥2τ σp∥W(t) V wO∥2 )2 ) ." (L1197–1228)')),
    Claim("L5.6.with-M", "lemmas",
          "Derived (IC-12): Lemma 5.6 with Lemma 5.5's factor M on the drop: "
          "exp(−c·[((V₊ − V₋) − M‖u‖τ)/(σ_p‖u‖)]²).",
          "CLAIMS.md §5 L5.6 and IC-12",
          "As L5.6, with M·‖u‖τ in the margin.",
          ("trained",), check_l56("L5.6.with-M", "with_M"), hypotheses="Condition 4.1",
          kind="derived", quote=('Derived (CLAIMS.md §5 L5.6, IC-12): Lemma 5.6 (L1197–1228) is proved from Lemma '
                                 '5.5, whose drop carries a factor M, "yf(X, θ(t))− min X̃∈B(X,τ) yf(X̃, θ(t)) ≲ M '
                                 '∥∥W(t) V wO ∥∥ 2 τ." (L1182–1192), but its bound writes the drop as ‖W_V w_O‖τ '
                                 "without it; this variant puts Lemma 5.5's M back.")),
    Claim("L5.6.per-class", "lemmas",
          "Derived (IC-13): Lemma 5.6 with the per-class margin y·V_y: "
          "exp(−c·[(min(V₊, −V₋) − ‖u‖τ)/(σ_p‖u‖)]²).",
          "CLAIMS.md §5 L5.6 and IC-13",
          "As L5.6, with the margin min(V₊, −V₋).",
          ("trained",), check_l56("L5.6.per-class", "per_class"), hypotheses="Condition 4.1",
          kind="derived", quote=('Derived (CLAIMS.md §5 L5.6, IC-13): Lemma 5.6 (L1197–1228) uses the difference V₊ '
                                 "− V₋ as every test point's margin; the margin of a point of class y is y·V_y (V₊ "
                                 "for y = +1, −V₋ for y = −1), so this variant uses the worse class's, min(V₊, −V₋).")),
)

# Lemma 5.6's mutants: the tail's constant four times the Gaussian's, exp(−2·x²), a tail lighter than that of the
# Gaussian ξᵀu the bound rests on (P(ξᵀu/(σ_p‖u‖) > x) is about exp(−x²/2)/(x·√(2π)), above exp(−2·x²) once x ≳ 1)
L56_MUTANT_C = 4 * L56_C

MUTANTS = (
    Claim("L5.5.mutant.over-M", "lemmas",
          "Mutant (a factor inverted): Δ ≤ τ‖u‖/M.",
          "L5.5 with M replaced by 1/M",
          "As L5.5, with bound τ‖u‖/M.",
          ("trained",), check_l55_over_m, mutant_of="L5.5", formulas=(L55_OVER_M,)),
    Claim("L5.3.mutant.ratio-1", "lemmas",
          "Mutant (a bound tightened to 1): max/min of every softmax attention weight over B(X, τ) is at most 1, "
          "i.e. no point of the ball moves any attention weight.",
          "L5.3 with C ≤ e/2 replaced by C ≤ 1",
          "As L5.3, with the attacked max/min ratio compared with 1.",
          ("trained",), l53_check("L5.3.mutant.ratio-1", L53_RATIO_ONE, "1"), mutant_of="L5.3",
          hypotheses="Condition 4.1", formulas=(L53_RATIO_ONE,)),
    Claim("L5.5.frozen.mutant.over-M", "lemmas",
          "Mutant (a factor 1/M too many): Δ ≤ τ‖u‖/M, as if the model's average over the M queries also divided "
          "the frozen-attention drop τ‖u‖.",
          "L5.5.frozen with bound τ‖u‖/M in place of τ‖u‖",
          "As L5.5.frozen, with bound τ‖u‖/M.",
          ("trained",), drop_check("L5.5.frozen.mutant.over-M", L55_FROZEN_OVER_M, frozen=True),
          mutant_of="L5.5.frozen",
          formulas=(L55_FROZEN_OVER_M,)),
    Claim("L5.4.mutant.never-uniform", "lemmas",
          "Mutant (the conclusion reversed): for any t ≥ 0 some softmax attention weight is outside 1/M ± 1/(2M): "
          "attention is never near uniform.",
          "L5.4 reversed",
          "As L5.4 on the same runs: a logged t of a run at which M·|φ − 1/M| is within the tolerance 1/2 on clean "
          "and attacked inputs refutes; every logged t of every run outside it confirms.",
          ("l54",), l54_check("L5.4.mutant.never-uniform", near_uniform=False), mutant_of="L5.4",
          hypotheses="Condition 4.1"),
    *(Claim(f"{cid}.mutant.c-2", "lemmas",
            f"Mutant (a tail's constant four times too large): {cid}'s bound with c = {L56_MUTANT_C:g} in place of "
            f"{L56_C:g}, exp(−{L56_MUTANT_C:g}·x²), a tail lighter than that of the Gaussian ξᵀu it rests on.",
            f"{cid} with c = {L56_MUTANT_C:g}",
            f"As {cid}, with the bound at c = {L56_MUTANT_C:g} (the stored bound's exponent times "
            f"{L56_MUTANT_C / L56_C:g}).",
            ("trained",), check_l56(f"{cid}.mutant.c-2", variant, L56_MUTANT_C), mutant_of=cid,
            hypotheses="Condition 4.1")
      for cid, variant in L56_VARIANTS.items()),
)
