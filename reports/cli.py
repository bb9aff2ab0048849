"""The ``bovit`` command line: parse, validate, call a library function, print.

It sits in ``reports`` (the last stage of bounds ← simulate ← checks ← reports) because it
dispatches to every stage; each subcommand imports only what it needs, so ``bovit query``
never imports torch. Exit codes: 0 ok, 1 infeasible (``solve``) or findings that differ from the
recorded verdicts (``report``, ``check``), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import NoReturn

__all__ = ["main"]

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2
EXIT_DIFFERS = 1  # report/check: some finding differs from checks/expected.py


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"bovit: error: {message}\n")


# (flag, Params.from_inputs keyword, help)
_POINT_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--d", "d", "token dimension d"),
    ("--dh", "dh", "attention width d_h"),
    ("--dv", "dv", "value width d_v"),
    ("--M", "M", "tokens per input M"),
    ("--N", "N", "training samples N"),
    ("--mu", "mu", "signal norm ‖µ‖₂"),
    ("--sigma-p", "sigma_p", "noise scale σ_p"),
    ("--snr", "snr", "SNR = ‖µ‖/(σ_p√d); with neither --mu nor --sigma-p, σ_p² = 0.4 (Section 6)"),
    ("--tau", "tau", "per-token attack radius τ (in the norm --p)"),
    ("--tau-rel", "tau_rel", "τ/‖µ‖"),
    ("--p", "p", "attack norm: 1, 2 or inf (default 2)"),
    ("--eta", "eta", "learning rate η"),
    ("--sigma-V", "sigma_V", "std of W_V's initialisation σ_V"),
    ("--sigma-h", "sigma_h", "std of W_Q, W_K's initialisation σ_h"),
    ("--eps", "eps", "target training loss ε in (0,1)"),
    ("--delta", "delta", "failure probability δ in (0,1) (default 0.01)"),
    ("--w-O", "w_O", "‖w_O‖₂ (default 1)"),
    ("--H", "H", "attention heads (default 1)"),
)


def _add_point(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the point (any subset; unknown values give 'unknown' items)")
    for flag, dest, text in _POINT_OPTIONS:
        group.add_argument(flag, dest=dest, metavar="X", help=text)
    _add_constants(parser)


def _add_constants(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("hidden constants")
    group.add_argument("--const", action="append", default=[], metavar="NAME=VALUE",
                       help="override a hidden constant or log exponent, e.g. c_1a=2 or k_4=-1 (repeatable)")
    group.add_argument("--log-base", default="e", metavar="B",
                       help="base of the paper's unspecified logs: e (default), 2 or 10")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")


def _spec(args: argparse.Namespace) -> tuple[dict[str, object], list[str]]:
    """The point as given, plus notes on what bovit assumed."""
    spec = {dest: getattr(args, dest) for _, dest, _ in _POINT_OPTIONS if getattr(args, dest) is not None}
    notes: list[str] = []
    if "snr" in spec and "mu" not in spec and "sigma_p" not in spec:
        spec["sigma_p"] = math.sqrt(0.4)
        notes.append("σ_p = √0.4 assumed (Section 6's noise N(0, 0.4·I)); give --mu or --sigma-p to change it")
    if "p" not in spec:
        spec["p"] = "2"
    return spec, notes


def _constants(args: argparse.Namespace):  # -> Constants
    from bounds.params import Constants

    return Constants.parse(args.const, log_base=args.log_base)


# -- formatting ----------------------------------------------------------------------------------

def _g(x: object) -> str:
    if x is None:
        return "?"
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    value = float(x)  # type: ignore[arg-type]
    return f"{value:.4g}" if math.isfinite(value) else ("∞" if value > 0 else "-∞")


def _table(rows: list[list[str]], headers: list[str]) -> str:
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
        return "holds" if margin in (None, "inf") else f"holds ({_g(margin)}× to spare)"
    inv = "∞" if not margin else _g(1 / margin)
    return f"FAILS (misses by {inv}×)"


def _item_rows(items: list[dict]) -> list[list[str]]:
    return [[i["id"] + ("*" if i.get("derived") else ""), i["statement"], _g(i["lhs"]), _g(i["rhs"]),
             _verdict(i)] for i in items]


def _print_query(ans: dict, notes: list[str]) -> None:
    pt = ans["point"]
    fields = [("d", "d"), ("d_h", "dh"), ("d_v", "dv"), ("M", "M"), ("N", "N"), ("H", "H"), ("‖µ‖", "mu"),
              ("σ_p", "sigma_p"), ("SNR", "snr"), ("τ", "tau"), ("τ/‖µ‖", "tau_rel"), ("norm", "p"),
              ("η", "eta"), ("σ_h", "sigma_h"), ("σ_V", "sigma_V"), ("ε", "eps"), ("δ", "delta"), ("‖w_O‖", "w_O")]
    print("point     " + "  ".join(f"{k}={_g(pt[v])}" for k, v in fields if pt.get(v) is not None))
    print(f"          N·SNR² = {_g(ans['N_snr2'])}")
    for note in notes:
        print(f"note      {note}")
    print(f"regime    {ans['regime']}: {ans['regime_reason']}")
    if ans["nominal_regime"] != ans["regime"]:
        print(f"nominal   {ans['nominal_regime']} (ignoring Condition 4.1)")
    print()
    print("Condition 4.1 (* = used by the proofs, not stated in the condition)")
    print(_table(_item_rows(ans["condition_4_1"]), ["item", "statement", "lhs", "rhs", "verdict"]))
    print()
    print("Theorem 4.2 hypotheses")
    hyps = ans["case_hypotheses"]["case1"] + ans["case_hypotheses"]["case2"]
    print(_table(_item_rows(hyps), ["item", "statement", "lhs", "rhs", "verdict"]))
    print()
    b = ans["bounds"]
    tau_known = pt.get("tau") is not None

    def lower(x: object) -> str:
        return _g(x) if x is not None else ("none" if tau_known else "?")

    applies = "" if b["applies"] else "   [the theorem's hypotheses are not met here]"
    print("Predictions" + applies)
    rows = [
        ["clean error ≤", f"exp({_g(b['log_clean_error'])}) = {_g(b['clean_error'])}", "Thm 4.2(2): exp(−C·d·SNR²)"],
        ["robust error ≤", f"exp({_g(b['log_robust_error'])}) = {_g(b['robust_error'])}",
         "Thm 4.2(3): exp(−C·d·SNR²(1−τ/‖µ‖)²)"],
        ["with probability ≥", _g(b["probability"]), "1 − 1/d"],
        ["T", _g(b["T"]), "Thm 4.2: c_T/(η ε ‖µ‖² ‖w_O‖²), ×M in Case 2"],
        ["T (Case 1, Case 2)", f"{_g(b['T_case1'])}, {_g(b['T_case2'])}", ""],
        ["T (Lemma G.8)", _g(b["T_G8"]), "c_G8/(η ε (‖µ‖+τ)² ‖w_O‖²)"],
        ["robust error ≥", lower(b["robust_error_lower"]), "Thm 4.3 as stated: 1/4 when τ ≥ ‖µ‖"],
        ["robust error ≥", lower(b["robust_error_lower_construction"]), "Thm 4.3's construction: 1/2 when τ ≥ ‖µ‖"],
        ["robust error ≥", lower(b["robust_error_lower_sharp"]), "sharpened: 1/2 when τ ≥ ‖µ‖/√2"],
        ["uniform attention fails", _g(b["uniform_attention_fails"]),
         f"IC-1: τ/‖µ‖ > 1/(√2·M) = {_g(b['uniform_attention_threshold_rel'])}"],
        ["guideline τ ≤ ‖µ‖/log d_h", _g(b["guideline_holds"]), f"τ_max = {_g(b['guideline_tau_max'])}"],
        ["Lemma 5.3 / 5.5 from t ≥", f"{_g(b['lemma53_time'])} / {_g(b['lemma55_time'])}", "c/(η‖µ‖²‖w_O‖²Lδ), ×1/ε"],
    ]
    print(_table(rows, ["quantity", "value", "source"]))
    ct = ans["convergence_time_remark"]
    print()
    print(f"Section 4's time remark: N·ε⁻²·max{{SNR², SNR⁻⁴}} = {_g(ct['derived_minimum'])} (derived); "
          f"the paper writes N·max{{SNR², SNR⁻⁴}} = {_g(ct['paper_statement'])} (drops ε⁻²); "
          f"Wang et al. d²/(‖µ‖²ε²) = {_g(ct['wang_et_al'])}")


# -- subcommands ---------------------------------------------------------------------------------

def _cmd_query(args: argparse.Namespace) -> int:
    from bounds.params import Params
    from bounds.query import answer

    spec, notes = _spec(args)
    consts = _constants(args)
    ans = answer(Params.from_inputs(**spec), consts)
    if args.json:
        ans["notes"] = notes
        print(json.dumps(ans, indent=2, ensure_ascii=False))
    else:
        _print_query(ans, notes)
    return EXIT_OK


def _cmd_solve(args: argparse.Namespace) -> int:
    from bounds.solve import solve

    spec, notes = _spec(args)
    result = solve(args.target, spec, case=args.case, consts=_constants(args), include_derived=args.with_derived)
    if args.json:
        out = result.as_json()
        out["notes"] = notes
        print(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    else:
        for note in notes:
            print(f"note      {note}")
        print(("FEASIBLE    " if result.feasible else "INFEASIBLE  ") + result.explanation)
        print()
        rows = [[c.id, c.status, c.needs] for c in result.constraints]
        print(_table(rows, ["item", "status", f"what it needs of {result.target}"]))
    return EXIT_OK if result.feasible else EXIT_INFEASIBLE


def _cmd_audit(args: argparse.Namespace) -> int:
    from bounds.presets import PRESETS, audit

    names = [args.preset] if args.preset else list(PRESETS)
    consts = _constants(args)
    audits = [audit(name, consts) for name in names]
    if args.json:
        print(json.dumps([a.as_json() for a in audits], indent=2, ensure_ascii=False))
        return EXIT_OK
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
                span = _g(r.margin_min)
            else:
                span = f"{_g(r.margin_min)} … {_g(r.margin_max)}"
            rows.append([r.id + ("*" if r.derived else ""), holds, span, r.worst])
        print(_table(rows, ["item", "holds", "margin (≥1 holds)", "worst point"]))
        print()
    print("* = required by the proofs, not stated in Condition 4.1. Margin = slack ratio; "
          "below 1 the item fails by 1/margin.")
    return EXIT_OK


def _cmd_bench_bounds(args: argparse.Namespace) -> int:
    from bounds.bench import bench_classify

    r = bench_classify(points=args.points, baseline_points=args.baseline_points, seed=args.seed)
    if args.json:
        print(json.dumps(r.as_json(), indent=2))
        return EXIT_OK
    print(f"vectorised classify_many: {r.points:,} points in {r.seconds:.3f} s ({r.rate:,.0f} points/s)")
    print(f"baseline regime() per point: {r.baseline_points} points in {r.baseline_seconds:.3f} s "
          f"({r.baseline_rate:,.0f} points/s)")
    print(f"speed-up: {r.rate / r.baseline_rate:,.0f}x; agree on the baseline subset: {r.agree}")
    print("regimes: " + ", ".join(f"{k} {v:,}" for k, v in r.counts.items()))
    return EXIT_OK


def _default_store() -> str:
    import os

    return os.environ.get("BOVIT_STORE", "bovit.sqlite")


def _cmd_sweep(args: argparse.Namespace) -> int:
    from simulate.executor import parse_scheduler
    from simulate.grid import GridSpec, apply_settings, preset
    from simulate.store import Store, code_version
    from simulate.sweep import sweep

    if args.preset is None and not args.axis:
        raise ValueError("give --preset NAME or at least one --axis FIELD=V1,V2,...")
    parse_scheduler(args.scheduler)  # bad addresses fail before anything starts
    spec = preset(args.preset, args.scale) if args.preset else GridSpec("custom")
    spec = apply_settings(spec, args.set or (), args.axis or ())
    configs = spec.configs()
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ValueError("device must be available, got 'cuda' (torch sees no CUDA device)")
    with Store(args.store) as store:
        summary = sweep(configs, store, scheduler=args.scheduler, device=args.device,
                        max_members=args.max_members, show_progress=not args.no_progress)
        code = code_version()
        records = [store.get(c.key(code)) for c in configs]
    rows = []
    for c, rec in zip(configs, records, strict=True):
        if rec is None:
            continue
        r = rec.result
        n = r["n_test"]
        # the ViT models have no certificate: their robust error is the attack's estimate only (None here)
        cert = r.get("robust_errors_certified")
        rows.append({"id": c.label(), "N": c.N, "snr": c.snr, "tau_rel": c.tau_rel, "seed": c.seed,
                     "iterations": r["iterations"], "converged": r["converged"],
                     "clean_error": r["clean_errors"] / n, "robust_error_attack": r["robust_errors_attack"] / n,
                     "robust_error_certified": None if cert is None else cert / n, "key": rec.key})
    if args.json:
        print(json.dumps({"preset": spec.name, "scale": args.scale if args.preset else None,
                          "store": args.store, "runs": len(configs), "stored_before": summary.stored_before,
                          "trained": summary.trained, "groups": summary.groups, "wall_s": summary.wall_s,
                          "results": rows}, indent=2))
        return EXIT_OK
    print(f"{spec.name}: {len(configs)} runs ({summary.stored_before} already stored, {summary.trained} trained "
          f"in {summary.groups} groups) in {summary.wall_s:.1f} s; store {args.store}")
    table = [[str(r["N"]), _g(r["snr"]), _g(r["tau_rel"]), str(r["seed"]), str(r["iterations"]),
              "yes" if r["converged"] else "no", f"{r['clean_error']:.3f}",
              f"{r['robust_error_attack']:.3f}–" + ("(none)" if r["robust_error_certified"] is None
                                                     else f"{r['robust_error_certified']:.3f}")] for r in rows]
    print(_table(table, ["N", "SNR", "τ/‖µ‖", "seed", "iters", "conv", "clean err", "robust err (attack–cert.)"]))
    return EXIT_OK


def _cmd_bench_sim(args: argparse.Namespace) -> int:
    from simulate.bench import bench

    engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())  # bench() validates them
    if args.threads is not None:
        import torch

        if args.threads < 1:
            raise ValueError(f"threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    r = bench(iterations=args.iterations, n_test=args.n_test, engines=engines,
              strength_iterations=args.strength_iterations, log=None if args.json else print)
    if args.json:
        print(json.dumps(r.as_json(), indent=2))
        return EXIT_OK
    print()
    rows = [["baseline", f"{r.baseline.seconds:.2f}", "1.00", f"{r.baseline.flops / 1e9:.1f}",
             f"{r.baseline.gflops:.1f}", f"{r.baseline.gflops / r.peak_fp32:.0%}", "yes", "-"]]
    for e in r.engines:
        peak = r.peak_bf16 if e.name.startswith("bf16") else r.peak_fp32
        rows.append([e.name, f"{e.seconds:.2f}", f"{r.speedup(e.name):.2f}", f"{e.flops / 1e9:.1f}",
                     f"{e.gflops:.1f}", f"{e.gflops / peak:.0%}", "yes" if e.exact else "no",
                     _g(r.max_weight_diff.get(e.name, float("nan")))])
    print(_table(rows, ["engine", "seconds", "speed-up", "GFLOP", "GFLOP/s", "of peak", "exact",
                        "W_V after 1 it. vs baseline"]))
    if r.strength:
        print()
        print("attack strength on models trained to robust loss < 0.01 "
              f"(robust test error, {r.strength['direct'][0]['n']} points, 95% Clopper-Pearson):")
        heads = ["point", *r.strength]
        table = []
        for i, c in enumerate(r.strength_points):
            table.append([c] + [f"{r.strength[e][i]['rate']:.3f} [{r.strength[e][i]['lo']:.3f}, "
                                f"{r.strength[e][i]['hi']:.3f}]" for e in r.strength])
        print(_table(table, heads))
        ref = r.strength["direct"]
        for e, ok in r.strength_ok.items():
            outside = sum(not (a["lo"] <= b["rate"] <= a["hi"]) for a, b in zip(ref, r.strength[e], strict=True))
            verdict = "passes: within" if ok else f"FAILS: outside at {outside} of {len(ref)} points of"
            print(f"{e}: {verdict} the direct attack's interval")
    return EXIT_OK


def _images_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--images", default="digits", metavar="NAME",
                   help="the real-data claims' images: digits (bundled, the default), mnist, cifar10 or tiny-imagenet")
    p.add_argument("--data-root", default="", metavar="PATH",
                   help="the folder holding the --images files (MNIST IDX, CIFAR-10 batches, Tiny-ImageNet)")


_SCALE_HELP = "ci (= quick), default (the default), paper or thorough: the profile of checks/profiles.py"


def _report_command(args: argparse.Namespace, scale: str, out: str) -> str:
    """The command line that reproduces the report, with every default spelled out (shown in its header)."""
    import shlex

    parts = ["bovit", "report", "--scale", scale, "--store", args.store, "--out", out]
    if args.images != "digits":
        parts += ["--images", args.images, "--data-root", args.data_root]
    if args.claims:
        parts += ["--claims", *args.claims]
    if args.mutants:
        parts.append("--mutants")
    return shlex.join(parts)


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from checks import real
    from checks.evaluate import MissingRuns
    from reports.report import build, choose, profile_for
    from simulate.store import Store

    profile = profile_for(args.scale, args.images, args.data_root)
    ids = args.claims
    if ids is None and profile.images != "digits":  # another image data set: its claims, not the synthetic ones
        ids = [c.id for c in real.CLAIMS]
    claims = choose(ids, mutants=args.mutants)
    stem = profile.name if profile.images == "digits" else f"{profile.images}-{profile.name}"
    out = args.out or ("reports" if stem == "default" else str(Path("reports") / stem))
    if args.render_only and args.store != ":memory:" and not Path(args.store).is_file():
        raise ValueError(f"store must exist with --render-only (it never trains), got {args.store!r}")
    with Store(args.store) as store:
        try:
            report = build(profile, store, out, claims, _report_command(args, profile.name, out),
                           train=not args.render_only, show_progress=not args.no_progress)
        except MissingRuns as exc:
            raise ValueError(f"--render-only never trains: {exc}") from None
    counts = ", ".join(f"{v} {n}" for v, n in report.counts().items() if n or v != "error")
    print(f"report: {report.path} ({len(report.figures)} figures; {report.runs} runs read, {report.trained} trained)")
    print(f"verdicts: {counts}")
    mutants = [o for o in report.outcomes if o.is_mutant]
    if mutants:
        caught = sum(o.verdict == "refuted" for o in mutants)
        print(f"mutants caught: {caught} of {len(mutants)}")
    problems = report.problems()
    if problems:
        print(f"{len(problems)} finding(s) differ from checks/expected.py:")
        for p in problems:
            print(f"  {p}")
        return EXIT_DIFFERS
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from reports.report import choose, evaluate, profile_for
    from simulate.store import Store

    profile = profile_for(args.scale, args.images, args.data_root)
    claims = choose(args.ids)
    with Store(args.store) as store:
        outcomes, _ = evaluate(claims, profile, store, show_progress=not args.no_progress)
    problems = [p for o in outcomes if (p := o.problem) is not None]
    if args.json:
        items = [o.finding.as_dict() if o.finding is not None else {"claim": o.claim.id, "verdict": None,
                                                                    "error": o.error} for o in outcomes]
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return EXIT_DIFFERS if problems else EXIT_OK
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
            print(_table([list(r) for r in body], list(head)))
    return EXIT_DIFFERS if problems else EXIT_OK


def _build() -> argparse.ArgumentParser:
    parser = _Parser(prog="bovit", description="Verify 'Benign Overfitting in Adversarial Training for "
                                               "Vision Transformers': conditions, bounds and regimes.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    q = sub.add_parser("query", help="a point's regime, Condition 4.1 item by item, and the predicted bounds")
    _add_point(q)
    q.set_defaults(run=_cmd_query)

    s = sub.add_parser("solve", help="smallest d/dh/N, largest tau/eta, or the sigma_h window that works")
    s.add_argument("--for", dest="target", required=True, metavar="TARGET",
                   help="d, dh, N (smallest), tau, eta (largest) or sigma_h (window)")
    s.add_argument("--case", default="case1", metavar="CASE", help="case1 (default), case2 or none")
    s.add_argument("--with-derived", action="store_true",
                   help="also require the proofs' derived conditions (Lemma F.1, eq. 61, Lemma G.4)")
    _add_point(s)
    s.set_defaults(run=_cmd_solve)

    a = sub.add_parser("audit", help="Condition 4.1 and the case hypotheses at the paper's own settings")
    a.add_argument("--preset", metavar="NAME", help="one preset (default: all)")
    _add_constants(a)
    a.set_defaults(run=_cmd_audit)

    b = sub.add_parser("bench-bounds", help="time the vectorised regime classification against the per-point one")
    b.add_argument("--points", type=int, default=1_000_000, help="points for the vectorised run (default 10^6)")
    b.add_argument("--baseline-points", type=int, default=300, help="points for the per-point baseline")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--json", action="store_true")
    b.set_defaults(run=_cmd_bench_bounds)

    bs = sub.add_parser("bench-sim", help="time bovit's batched Algorithm 1 against a plain per-point baseline")
    bs.add_argument("--iterations", type=int, default=10, help="iterations of Algorithm 1 per point (default 10)")
    bs.add_argument("--n-test", type=int, default=1000, help="test points per grid point for the attack check")
    bs.add_argument("--engines", default="direct,subspace,bf16,bf16-10",
                    help="engines to time (default all: direct, subspace, bf16, bf16-10)")
    bs.add_argument("--strength-iterations", type=int, default=100,
                    help="training budget of the models the attack-strength check attacks (default 100)")
    bs.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    bs.add_argument("--json", action="store_true")
    bs.set_defaults(run=_cmd_bench_sim)

    w = sub.add_parser("sweep", help="train Algorithm 1 over a grid (a preset or custom axes) into the store")
    w.add_argument("--preset", metavar="NAME",
                   help="fig1, fig2, fig2n, fig3, or <images>-fig1c|apgd|multinorm|vit|vit-b4 for images digits, "
                        "mnist, cifar10, tiny-imagenet (fig1c: digits and mnist)")
    w.add_argument("--scale", default="default", metavar="SCALE", help="quick, default (the default) or paper")
    w.add_argument("--set", action="append", metavar="FIELD=VALUE",
                   help="override a fixed field (e.g. engine=subspace, noise=projected, attack=apgd, attack_steps=50)")
    w.add_argument("--axis", action="append", metavar="FIELD=V1,V2",
                   help="add or replace an axis of the grid (e.g. N=2,6,12 snr=0.5,2,8 seed=0,1,2)")
    w.add_argument("--store", default=_default_store(), metavar="PATH",
                   help="the SQLite store (default $BOVIT_STORE or ./bovit.sqlite)")
    w.add_argument("--scheduler", metavar="ADDR",
                   help="a dask.distributed scheduler tcp://host:port, or local[:N] for a local cluster")
    w.add_argument("--device", default="cpu", metavar="DEV", help="cpu (default) or cuda")
    w.add_argument("--max-members", type=int, default=16, metavar="G", help="grid members per batched group")
    w.add_argument("--no-progress", action="store_true", help="no progress bar")
    w.add_argument("--json", action="store_true")
    w.set_defaults(run=_cmd_sweep)

    r = sub.add_parser("report", help="check the claims (training what is missing) and write REPORT.md with figures")
    r.add_argument("--scale", default="default", metavar="SCALE", help=_SCALE_HELP)
    r.add_argument("--store", default=_default_store(), metavar="PATH",
                   help="the SQLite store (default $BOVIT_STORE or ./bovit.sqlite)")
    r.add_argument("--out", metavar="DIR", help="output folder (default reports/, or reports/<profile>/ for "
                                                "other scales)")
    r.add_argument("--claims", nargs="+", metavar="ID", help="only these claim IDs (default: all; with --images, "
                   "the real-data claims)")
    _images_args(r)
    r.add_argument("--mutants", action="store_true", help="add the mutation suite (the chosen claims' mutants)")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument("--render-only", action="store_true",
                   help="never train: render from the store, failing (exit 2) if runs are missing")
    r.set_defaults(run=_cmd_report)

    c = sub.add_parser("check", help="evaluate claims by ID (training what is missing) and print their findings")
    c.add_argument("ids", nargs="+", metavar="ID", help="claim or mutant IDs, e.g. T4.3 IC-1")
    c.add_argument("--scale", default="default", metavar="SCALE", help=_SCALE_HELP)
    c.add_argument("--store", default=_default_store(), metavar="PATH",
                   help="the SQLite store (default $BOVIT_STORE or ./bovit.sqlite)")
    c.add_argument("--no-progress", action="store_true", help="no progress bar")
    c.add_argument("--json", action="store_true", help="print the findings as JSON (Finding.as_dict())")
    _images_args(c)
    c.set_defaults(run=_cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except ValueError as exc:
        print(f"bovit: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
