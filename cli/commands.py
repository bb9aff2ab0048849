"""The ``bovit`` commands: each parses its namespace, validates, calls one library function and prints.

Each imports only what it needs when it runs, so ``bovit query`` never imports torch.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from cli import tables
from cli.options import EXIT_DIFFERS, EXIT_INFEASIBLE, EXIT_OK, constants, point

if TYPE_CHECKING:
    from checks.profiles import Profile

# -- bounds --------------------------------------------------------------------------------------


def query(args: argparse.Namespace) -> int:
    from bounds.params import Params
    from bounds.query import answer

    spec, notes = point(args)
    ans = answer(Params.from_inputs(**spec), constants(args))
    if args.json:
        ans["notes"] = notes
        if args.latex:
            from bounds.latex import catalogue

            ans["latex"] = {e.id: e.latex for e in catalogue()}
        print(json.dumps(ans, indent=2, ensure_ascii=False))
    else:
        tables.print_query(ans, notes)
        if args.latex:
            from bounds.latex import catalogue

            print()
            print("The conditions, bounds and times as LaTeX (from the expressions bovit evaluates):")
            rows = [[e.id, f"${e.latex}$"] for e in catalogue()]
            print(tables.table(rows, ["item", "LaTeX"]))
    return EXIT_OK


def solve(args: argparse.Namespace) -> int:
    from bounds.solve import solve

    spec, notes = point(args)
    result = solve(args.target, spec, case=args.case, consts=constants(args), include_derived=args.with_derived)
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
        print(tables.table(rows, ["item", "status", f"what it needs of {result.target}"]))
    return EXIT_OK if result.feasible else EXIT_INFEASIBLE


def audit(args: argparse.Namespace) -> int:
    from bounds.presets import PRESETS, audit

    names = [args.preset] if args.preset else list(PRESETS)
    consts = constants(args)
    audits = [audit(name, consts) for name in names]
    if args.json:
        print(json.dumps([a.as_json() for a in audits], indent=2, ensure_ascii=False))
    else:
        tables.print_audit(audits)
    return EXIT_OK


def bench_bounds(args: argparse.Namespace) -> int:
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


# -- simulate ------------------------------------------------------------------------------------


def sweep(args: argparse.Namespace) -> int:
    from simulate import gridfile
    from simulate.executor import check_reachable, parse_scheduler
    from simulate.grid import GridSpec, apply_settings, preset
    from simulate.store import Store
    from simulate.sweep import rates, sweep

    if args.preset is not None and args.config is not None:
        raise ValueError(f"give --preset or --config, not both (got preset={args.preset!r}, config={args.config!r})")
    if args.preset is None and args.config is None and not args.axis:
        raise ValueError("give --preset NAME, --config FILE or at least one --axis FIELD=V1,V2,...")
    if args.dump_config is not None and args.preset is None:
        raise ValueError(f"dump-config writes a preset's grid: give --preset NAME "
                         f"(got dump_config={args.dump_config!r})")
    parse_scheduler(args.scheduler)  # bad addresses fail before anything starts
    if args.config is not None:
        spec = gridfile.read(args.config)
    else:
        spec = preset(args.preset, args.scale) if args.preset else GridSpec("custom")
    spec = apply_settings(spec, args.set or (), args.axis or ())
    configs = spec.configs()
    if args.dump_config is not None:
        text = gridfile.dump(spec, args.scale)
        if args.dump_config == "-":
            print(text, end="")
        else:
            out = Path(args.dump_config)
            if out.exists():
                raise ValueError(f"dump-config must name a new file, got {args.dump_config!r} (it exists)")
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"dump-config must name a writable file, got {args.dump_config!r} "
                                 f"({exc.__class__.__name__})") from None
            print(f"{spec.name} at scale {args.scale}: {len(configs)} runs written to {args.dump_config}")
        return EXIT_OK
    import torch

    try:
        kind = torch.device(args.device).type
    except RuntimeError:
        raise ValueError(f"device must be cpu, cuda or cuda:N, got {args.device!r}") from None
    if kind not in ("cpu", "cuda"):
        raise ValueError(f"device must be cpu, cuda or cuda:N, got {args.device!r}")
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device must be available, got {args.device!r} (torch sees no CUDA device)")
    from simulate.grid import GROUP_MEMBERS, group
    from simulate.sweep import check_memory

    members = GROUP_MEMBERS if args.max_members is None else args.max_members
    check_memory(group(configs, max_members=members))  # before the store file is created
    check_reachable(args.scheduler)  # likewise: an unreachable cluster leaves no store behind
    budget = None if args.budget_min is None else args.budget_min * 60
    if budget is not None and not budget > 0:
        raise ValueError(f"budget-min must be a positive number of minutes, got {args.budget_min!r}")
    if args.archive is not None and Path(args.archive).is_dir():
        raise ValueError(f"archive must name a file, got {args.archive!r} (a folder)")
    with Store(args.store) as store:
        loaded_line = ""
        if args.archive is not None and Path(args.archive).exists():
            from simulate import archive

            loaded = archive.read(args.archive, store)
            stale = (f"; {loaded.other_code} runs of other simulation code ({', '.join(loaded.other_versions)}) left "
                     "out" if loaded.other_code else "")
            loaded_line = f"archive {args.archive}: {loaded.added} runs loaded, {loaded.present} already stored{stale}"
            if not args.json:
                print(loaded_line)
        try:
            summary = sweep(configs, store, scheduler=args.scheduler, device=args.device,
                            max_members=members, show_progress=not args.no_progress, budget_s=budget)
        finally:  # an interrupted sweep still archives what it stored
            if args.archive is not None:
                from simulate import archive

                written = archive.write(store, configs, args.archive)
                if not args.json:
                    print(f"archive {args.archive}: {written} of the grid's {len(configs)} runs written (beside the "
                          "runs of other grids it held)")
        rows = rates(configs, store)
    if args.json:
        print(json.dumps({"preset": spec.name, "scale": args.scale if args.preset else None,
                          "config": args.config,
                          "store": args.store, "runs": len(configs), "stored_before": summary.stored_before,
                          "trained": summary.trained, "by_others": summary.by_others, "left": summary.left,
                          "groups": summary.groups,
                          "wall_s": summary.wall_s,
                          "results": rows}, indent=2))
        return EXIT_OK
    others = f", {summary.by_others} trained meanwhile by another sweep" if summary.by_others else ""
    if summary.left:
        others += f", {summary.left} left untrained when the {args.budget_min:g}-minute budget ran out"
    print(f"{spec.name}: {len(configs)} runs ({summary.stored_before} already stored, {summary.trained} trained "
          f"in {summary.groups} groups{others}) in {summary.wall_s:.1f} s; store {args.store}")
    print(tables.sweep_rows(rows))
    return EXIT_OK


def bench_sim(args: argparse.Namespace) -> int:
    from simulate.bench import bench, bench_whole

    engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())  # bench() validates them
    if not engines:
        raise ValueError(f"engines must name at least one engine (direct, subspace, bf16, bf16-10), got "
                         f"{args.engines!r}")
    if args.threads is not None:
        import torch

        if args.threads < 1:
            raise ValueError(f"threads must be >= 1, got {args.threads}")
        torch.set_num_threads(args.threads)
    if not args.no_whole:  # checked before the long part runs
        if args.whole_T_max < 1:
            raise ValueError(f"whole-T-max must be >= 1, got {args.whole_T_max}")
        if args.whole_n_test < 1:
            raise ValueError(f"whole-n-test must be >= 1, got {args.whole_n_test}")
    r = bench(iterations=args.iterations, n_test=args.n_test, engines=engines,
              strength_iterations=args.strength_iterations, log=None if args.json else print)
    whole = None if args.no_whole else bench_whole(args.whole_T_max, args.whole_n_test, r.peak_fp32,
                                                   log=None if args.json else print)
    if args.json:
        print(json.dumps({**r.as_json(), "whole": None if whole is None else whole.as_json()}, indent=2))
    else:
        tables.print_bench_sim(r)
        if whole is not None:
            tables.print_bench_whole(whole)
    return EXIT_OK


# -- claims and reports --------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    from reports.report import claims_for, profile_for, run
    from simulate.store import Store

    profile = profile_for(args.scale, args.images, args.data_root)
    if args.sensitivity:
        return _sensitivity(args, profile)
    claims = claims_for(args.claims, profile, mutants=args.mutants)
    with Store(args.store) as store:
        result = run(claims, profile, store, show_progress=not args.no_progress)
    if args.json:
        print(json.dumps({"profile": profile.name, "images": profile.images, "store": args.store,
                          "runs": result.runs, "trained": result.trained, "verdicts": result.counts(),
                          "mutants_caught": result.mutants_caught(), "problems": result.problems(),
                          "findings": [o.as_dict() for o in result.outcomes]}, indent=2, ensure_ascii=False))
    else:
        on = f" on {profile.images}" if profile.images != "digits" else ""
        print(f"run: {len(result.outcomes)} findings at profile {profile.name}{on} stored in {args.store} "
              f"({result.runs} runs read, {result.trained} trained)")
        tables.print_verdicts(result)
    return EXIT_DIFFERS if result.problems() else EXIT_OK


def _sensitivity(args: argparse.Namespace, profile: Profile) -> int:
    """``bovit run --sensitivity``: train the study's runs the store lacks, then print claim × choice."""
    from checks.choices import HEADLINE, study_configs
    from reports.choices import run_study
    from simulate.store import Store

    if args.mutants:
        raise ValueError("mutants must not be combined with --sensitivity, got --mutants")
    claims = tuple(args.claims) if args.claims else HEADLINE
    unknown = [c for c in claims if c not in HEADLINE]
    if unknown:
        raise ValueError(f"claims must be among the study's {', '.join(HEADLINE)} with --sensitivity, "
                         f"got {unknown[0]!r}")
    configs = study_configs(profile, claims)
    with Store(args.store) as store:
        cells, trained = run_study(profile, store, claims, show_progress=not args.no_progress)
    if args.json:
        print(json.dumps({"profile": profile.name, "store": args.store, "runs": len(configs),
                          "trained": trained,
                          "cells": [{"claim": c.claim, "choice": c.choice, "verdict": c.verdict,
                                     "key": c.finding.key if c.finding else c.note} for c in cells]},
                         indent=2, ensure_ascii=False))
    else:
        print(f"run --sensitivity: {len(configs)} runs at profile {profile.name} ({trained} trained); findings "
              f"stored in {args.store}")
        tables.print_choices(cells)
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reports.export import export as write_table
    from simulate.store import Store

    if not Path(args.store).is_file():
        raise ValueError(f"store must be an existing bovit store, got {args.store!r}")
    out = Path(args.out)
    writable_folder("out", str(out.parent) if str(out.parent) else ".")
    with Store(args.store) as store:
        n = write_table(store, args.what, args.fmt, out)
    print(f"export: {n} {args.what} rows to {out} ({args.fmt})")
    return EXIT_OK


def docs(args: argparse.Namespace) -> int:
    from reports.docs import write_docs

    writable_folder("out", args.out)
    for path in write_docs(args.out):
        print(f"docs: {path}")
    return EXIT_OK


def writable_folder(name: str, path: str) -> None:
    """A ValueError naming ``name`` unless ``path`` is a folder bovit may write, or one it can make (its nearest
    existing ancestor is a writable folder)."""
    import os
    from pathlib import Path

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise ValueError(f"{name} must be a folder, got the file {path!r}")
    probe = p
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise ValueError(f"{name} must be a folder bovit can write, got {path!r} ({str(probe)!r} is not writable)")


def report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reports.figures import EXTRA_FORMATS
    from reports.report import (
        MissingFindings,
        claims_for,
        default_out,
        profile_for,
        render,
        report_command,
        run_command,
    )
    from reports.results import RESULTS_FILE, export, load
    from simulate.store import Store

    profile = profile_for(args.scale, args.images, args.data_root)
    claims = claims_for(args.claims, profile, mutants=args.mutants)
    formats = tuple(dict.fromkeys(f.strip().lower() for f in (args.formats or "").split(",") if f.strip()))
    bad = [f for f in formats if f not in EXTRA_FORMATS]
    if bad:
        raise ValueError(f"formats must be among {', '.join(EXTRA_FORMATS)} (beside each PNG), got {args.formats!r}")
    out = args.out or default_out(profile)
    writable_folder("out", out)  # before any work: a folder that cannot be written fails now, not after it
    again = run_command(profile, args.store, args.claims, args.mutants)
    if args.render_only:
        results = load(Path(out) / RESULTS_FILE)
        with results.store as store:
            try:
                result = render(profile, store, out, claims, results.command, store_label=results.store_label,
                                formats=formats)
            except MissingFindings as exc:
                raise ValueError(f"{exc}; the results in {out} were made by other code or for other claims: "
                                 f"run `{again}`, then bovit report, to make them anew") from None
    else:
        if args.store != ":memory:" and not Path(args.store).is_file():
            raise ValueError(f"store must exist (bovit report renders the findings bovit run stored), got "
                             f"{args.store!r}; run `{again}` first")
        command = report_command(profile, args.store, out, args.claims, args.mutants)
        with Store(args.store) as store:
            try:
                result = render(profile, store, out, claims, command, formats=formats)
            except MissingFindings as exc:
                raise ValueError(f"{exc}; run `{again}` first") from None
            export(store, profile, claims, Path(out) / RESULTS_FILE, args.store, command)
    if args.json:
        print(json.dumps({"report": str(result.path), "figures": len(result.figures), "runs": result.runs,
                          "verdicts": result.counts(), "mutants_caught": result.mutants_caught(),
                          "problems": result.problems()}, indent=2, ensure_ascii=False))
    else:
        print(f"report: {result.path} ({len(result.figures)} figures; {result.runs} runs read)")
        tables.print_verdicts(result)
    return EXIT_DIFFERS if result.problems() else EXIT_OK


def check(args: argparse.Namespace) -> int:
    from reports.report import choose, evaluate, profile_for
    from simulate.store import Store

    profile = profile_for(args.scale, args.images, args.data_root)
    claims = choose(args.ids)
    with Store(args.store) as store:
        outcomes, _ = evaluate(claims, profile, store, show_progress=not args.no_progress)
    if args.json:
        print(json.dumps([o.as_dict() for o in outcomes], indent=2, ensure_ascii=False))
    else:
        tables.print_outcomes(outcomes)
    return EXIT_DIFFERS if any(o.problem is not None for o in outcomes) else EXIT_OK
