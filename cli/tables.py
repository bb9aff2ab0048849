"""Text output of the ``bovit`` commands: numbers, plain-text tables and each command's printout."""

from __future__ import annotations

import math
from typing import Any


def g(x: float | str | None) -> str:
    """A number as bovit prints it: 4 significant digits, ∞ for infinities, ? when unknown; strings
    (JSON's "inf") as they are, booleans as true/false."""
    if x is None:
        return "?"
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    value = float(x)
    return f"{value:.4g}" if math.isfinite(value) else ("∞" if value > 0 else "-∞")


def table(rows: list[list[str]], headers: list[str]) -> str:
    """Left-aligned columns under a dashed header rule."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _verdict(item: dict) -> str:
    if item["holds"] is None:
        return f"unknown (needs {', '.join(item['missing'])})"
    margin = item["margin"]
    if item["holds"]:
        return "holds" if margin in (None, "inf") else f"holds ({g(margin)}× to spare)"
    inv = "∞" if not margin else g(1 / margin)
    return f"FAILS (misses by {inv}×)"


def _item_rows(items: list[dict]) -> list[list[str]]:
    return [[i["id"] + ("*" if i.get("derived") else ""), i["statement"], g(i["lhs"]), g(i["rhs"]),
             _verdict(i)] for i in items]


def print_query(ans: dict, notes: list[str]) -> None:
    pt = ans["point"]
    fields = [("d", "d"), ("d_h", "dh"), ("d_v", "dv"), ("M", "M"), ("N", "N"), ("H", "H"), ("‖µ‖", "mu"),
              ("σ_p", "sigma_p"), ("SNR", "snr"), ("τ", "tau"), ("τ/‖µ‖", "tau_rel"), ("norm", "p"),
              ("η", "eta"), ("σ_h", "sigma_h"), ("σ_V", "sigma_V"), ("ε", "eps"), ("δ", "delta"), ("‖w_O‖", "w_O")]
    print("point     " + "  ".join(f"{k}={g(pt[v])}" for k, v in fields if pt.get(v) is not None))
    print(f"          N·SNR² = {g(ans['N_snr2'])}")
    for note in notes:
        print(f"note      {note}")
    print(f"regime    {ans['regime']}: {ans['regime_reason']}")
    if ans["nominal_regime"] != ans["regime"]:
        print(f"nominal   {ans['nominal_regime']} (ignoring Condition 4.1)")
    print()
    print("Condition 4.1 (* = used by the proofs, not stated in the condition)")
    print(table(_item_rows(ans["condition_4_1"]), ["item", "statement", "lhs", "rhs", "verdict"]))
    print()
    print("Theorem 4.2 hypotheses")
    hyps = ans["case_hypotheses"]["case1"] + ans["case_hypotheses"]["case2"]
    print(table(_item_rows(hyps), ["item", "statement", "lhs", "rhs", "verdict"]))
    print()
    b = ans["bounds"]
    tau_known = pt.get("tau") is not None

    def lower(x: float | None) -> str:
        return g(x) if x is not None else ("none" if tau_known else "?")

    applies = "" if b["applies"] else "   [the theorem's hypotheses are not met here]"
    print("Predictions" + applies)
    rows = [
        ["clean error ≤", f"exp({g(b['log_clean_error'])}) = {g(b['clean_error'])}", "Thm 4.2(2): exp(−C·d·SNR²)"],
        ["robust error ≤", f"exp({g(b['log_robust_error'])}) = {g(b['robust_error'])}",
         "Thm 4.2(3): exp(−C·d·SNR²(1−τ/‖µ‖)²)"],
        ["with probability ≥", g(b["probability"]), "1 − 1/d"],
        ["T", g(b["T"]), "Thm 4.2: c_T/(η ε ‖µ‖² ‖w_O‖²), ×M in Case 2"],
        ["T (Case 1, Case 2)", f"{g(b['T_case1'])}, {g(b['T_case2'])}", ""],
        ["T (Lemma G.8)", g(b["T_G8"]), "c_G8/(η ε (‖µ‖+τ)² ‖w_O‖²)"],
        ["robust error ≥", lower(b["robust_error_lower"]), "Thm 4.3 as stated: 1/4 when τ ≥ ‖µ‖"],
        ["robust error ≥", lower(b["robust_error_lower_construction"]), "Thm 4.3's construction: 1/2 when τ ≥ ‖µ‖"],
        ["robust error ≥", lower(b["robust_error_lower_sharp"]), "sharpened: 1/2 when τ ≥ ‖µ‖/√2"],
        ["uniform attention fails", g(b["uniform_attention_fails"]),
         f"IC-1: τ/‖µ‖ > 1/(√2·M) = {g(b['uniform_attention_threshold_rel'])}"],
        ["guideline τ ≤ ‖µ‖/log d_h", g(b["guideline_holds"]), f"τ_max = {g(b['guideline_tau_max'])}"],
        ["Lemma 5.3 / 5.5 from t ≥", f"{g(b['lemma53_time'])} / {g(b['lemma55_time'])}", "c/(η‖µ‖²‖w_O‖²Lδ), ×1/ε"],
    ]
    print(table(rows, ["quantity", "value", "source"]))
    ct = ans["convergence_time_remark"]
    print()
    print(f"Section 4's time remark: N·ε⁻²·max{{SNR², SNR⁻⁴}} = {g(ct['derived_minimum'])} (derived); "
          f"the paper writes N·max{{SNR², SNR⁻⁴}} = {g(ct['paper_statement'])} (drops ε⁻²); "
          f"Wang et al. d²/(‖µ‖²ε²) = {g(ct['wang_et_al'])}")


def print_audit(audits: list[Any]) -> None:
    for a in audits:
        p = a.preset
        print(f"== {p.name}: {p.source} ({a.n_points} point{'s' if a.n_points != 1 else ''})")
        print(f"   {p.description}")
        for text in p.assumed:
            print(f"   assumed: {text}")
        regimes = ", ".join(f"{k} {v}" for k, v in a.regimes.items() if v)
        nominal = ", ".join(f"{k} {v}" for k, v in a.nominal.items() if v)
        print(f"   regime: {regimes}   (ignoring Condition 4.1: {nominal})")
        rows = []
        for r in a.rows:
            holds = f"{r.n_hold}/{r.n_points}" + (f" ({r.n_unknown} unknown)" if r.n_unknown else "")
            if r.margin_min is None:
                span = "?"
            elif math.isclose(r.margin_min, r.margin_max or 0.0, rel_tol=1e-6):
                span = g(r.margin_min)
            else:
                span = f"{g(r.margin_min)} … {g(r.margin_max)}"
            rows.append([r.id + ("*" if r.derived else ""), holds, span, r.worst])
        print(table(rows, ["item", "holds", "margin (≥1 holds)", "worst point"]))
        print()
    print("* = required by the proofs, not stated in Condition 4.1. Margin = slack ratio; "
          "below 1 the item fails by 1/margin.")


def sweep_rows(rows: list[dict[str, Any]]) -> str:
    """``simulate.sweep.rates`` as a table."""
    out = [[str(r["N"]), g(r["snr"]), g(r["tau_rel"]), str(r["seed"]), str(r["iterations"]),
            "yes" if r["converged"] else "no", f"{r['clean_error']:.3f}",
            f"{r['robust_error_attack']:.3f}–" + ("(none)" if r["robust_error_certified"] is None
                                                   else f"{r['robust_error_certified']:.3f}")] for r in rows]
    return table(out, ["N", "SNR", "τ/‖µ‖", "seed", "iters", "conv", "clean err", "robust err (attack–cert.)"])


def print_bench_sim(r: Any) -> None:
    print()
    rows = [["baseline", f"{r.baseline.seconds:.2f}", "1.00", f"{r.baseline.flops / 1e9:.1f}",
             f"{r.baseline.gflops:.1f}", f"{r.baseline.gflops / r.peak_fp32:.0%}", "yes", "-"]]
    for e in r.engines:
        peak = r.peak_bf16 if e.name.startswith("bf16") else r.peak_fp32
        rows.append([e.name, f"{e.seconds:.2f}", f"{r.speedup(e.name):.2f}", f"{e.flops / 1e9:.1f}",
                     f"{e.gflops:.1f}", f"{e.gflops / peak:.0%}", "yes" if e.exact else "no",
                     g(r.max_weight_diff.get(e.name, float("nan")))])
    print(table(rows, ["engine", "seconds", "speed-up", "GFLOP", "GFLOP/s", "of peak", "exact",
                       "W_V after 1 it. vs baseline"]))
    if r.strength:
        print()
        print("attack strength on models trained to robust loss < 0.01 "
              f"(robust test error, {r.strength['direct'][0]['n']} points, 95% Clopper-Pearson):")
        heads = ["point", *r.strength]
        rows = []
        for i, c in enumerate(r.strength_points):
            rows.append([c] + [f"{r.strength[e][i]['rate']:.3f} [{r.strength[e][i]['lo']:.3f}, "
                               f"{r.strength[e][i]['hi']:.3f}]" for e in r.strength])
        print(table(rows, heads))
        ref = r.strength["direct"]
        for e, ok in r.strength_ok.items():
            outside = sum(not (a["lo"] <= b["rate"] <= a["hi"]) for a, b in zip(ref, r.strength[e], strict=True))
            verdict = "passes: within" if ok else f"FAILS: outside at {outside} of {len(ref)} points of"
            print(f"{e}: {verdict} the direct attack's interval")


def print_bench_whole(w: Any) -> None:
    """Whole runs (training to the stopping rule, then the evaluation) against the plain per-point baseline."""
    print()
    print(f"whole runs: {w.points} points, paper's stopping rule (robust loss < 0.01) within {w.T_max} iterations "
          f"(bovit stopped at {min(w.iterations)}-{max(w.iterations)}), {w.n_test} test points each")
    sp = w.speedups
    rows = [["training", f"{w.base_train:.1f}", f"{w.train:.1f}", f"{sp['training']:.2f}",
             f"{w.gflops('training'):.1f}", f"{w.gflops('training') / w.peak_fp32:.0%}"],
            ["evaluation", f"{w.base_eval:.1f}", f"{w.eval:.1f}", f"{sp['evaluation']:.2f}",
             f"{w.gflops('evaluation'):.1f}", f"{w.gflops('evaluation') / w.peak_fp32:.0%}"],
            ["whole run", f"{w.base_train + w.base_eval:.1f}", f"{w.train + w.eval:.1f}", f"{sp['whole']:.2f}", "-",
             "-"]]
    print(table(rows, ["part", "baseline s", "bovit s", "speed-up", "bovit GFLOP/s", "of fp32 peak"]))
    share = w.eval / (w.train + w.eval)
    print(f"bovit's time: {1 - share:.0%} training, {share:.0%} evaluation. The baseline evaluates the test attack "
          "alone; bovit's evaluation also computes the certificate, Theorem 4.3's midpoint attacks and the margins.")


def print_verdicts(result: Any) -> None:
    """The verdict counts, the mutants caught and every difference from checks/expected.py (``run``, ``report``)."""
    print(f"verdicts: {result.counts_line()}")
    caught = result.mutants_caught()
    if caught is not None:
        print(f"mutants caught: {caught[0]} of {caught[1]}")
    problems = result.problems()
    if problems:
        print(f"{len(problems)} finding(s) differ from checks/expected.py:")
        for p in problems:
            print(f"  {p}")


def print_outcomes(outcomes: list[Any]) -> None:
    """``bovit check``'s findings: verdict, reason, scope, whether it matches the record, and the evidence."""
    for i, o in enumerate(outcomes):
        if i:
            print()
        f = o.finding
        if f is None:
            print(f"{o.claim.id}  ERROR  {o.error}")
            continue
        data = f" (the data alone: {f.data_verdict})" if f.data_verdict is not None else ""
        print(f"{f.claim}  {f.verdict}{data}" + (f"  {f.key}" if f.key else ""))
        print(f"  reason: {f.reason}")
        if f.scope:
            print(f"  scope:  {f.scope}")
        problem = o.problem
        print("  recorded: " + ("matches checks/expected.py" if problem is None else f"DIFFERS: {problem}"))
        if f.evidence:
            print()
            head, *body = f.evidence
            print(table([list(r) for r in body], list(head)))


def print_choices(cells: list[Any]) -> None:
    """``bovit run --sensitivity``'s table: one row per claim, one column per choice (checks.choices)."""
    claims = list(dict.fromkeys(c.claim for c in cells))
    choices = list(dict.fromkeys(c.choice for c in cells))
    by = {(c.claim, c.choice): c.verdict for c in cells}
    rows = [["claim", *choices], *([k, *(by.get((k, ch), "") for ch in choices)] for k in claims)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for j, r in enumerate(rows):
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
        if j == 0:
            print("  ".join("-" * w for w in widths))
    print("(verdict) in parentheses: out of scope, what the data alone say; n/a: the claim's grid sets the "
          "choice's field itself")
