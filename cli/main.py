"""The ``bovit`` parser and ``main``: the commands of ``cli.commands``, with the options of ``cli.options``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import commands
from cli.options import EXIT_BAD_INPUT, EXIT_OK, Parser, add_constants, add_point, add_shared

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="bovit", description="Verify 'Benign Overfitting in Adversarial Training for "
                                              "Vision Transformers': conditions, bounds and regimes.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    q = sub.add_parser("query", help="a point's regime, Condition 4.1 item by item, and the predicted bounds")
    add_point(q)
    q.add_argument("--latex", action="store_true",
                   help="also print Condition 4.1, Theorem 4.2's bounds and times and the lemmas as LaTeX")
    q.set_defaults(run=commands.query)

    s = sub.add_parser("solve", help="smallest d/dh/N, largest tau/eta, or the sigma_h window that works")
    s.add_argument("--for", dest="target", required=True, metavar="TARGET",
                   help="d, dh, N (smallest), tau, eta (largest) or sigma_h (window)")
    s.add_argument("--case", default="case1", metavar="CASE", help="case1 (default), case2 or none")
    s.add_argument("--with-derived", action="store_true",
                   help="also require the proofs' derived conditions (Lemma F.1, eq. 61, Lemma G.4)")
    add_point(s)
    s.set_defaults(run=commands.solve)

    a = sub.add_parser("audit", help="Condition 4.1 and the case hypotheses at the paper's own settings")
    a.add_argument("--preset", metavar="NAME", help="one preset (default: all)")
    add_constants(a)
    a.set_defaults(run=commands.audit)

    b = sub.add_parser("bench-bounds", help="time the vectorised regime classification against the per-point one")
    b.add_argument("--points", type=int, default=1_000_000, help="points for the vectorised run (default 10^6)")
    b.add_argument("--baseline-points", type=int, default=300, help="points for the per-point baseline")
    b.add_argument("--seed", type=int, default=0)
    add_shared(b, "json")
    b.set_defaults(run=commands.bench_bounds)

    bs = sub.add_parser("bench-sim", help="time bovit's batched Algorithm 1 against a plain per-point baseline")
    bs.add_argument("--iterations", type=int, default=10, help="iterations of Algorithm 1 per point (default 10)")
    bs.add_argument("--n-test", type=int, default=1000, help="test points per grid point for the attack check")
    bs.add_argument("--engines", default="direct,subspace,bf16,bf16-10",
                    help="engines to time (default all: direct, subspace, bf16, bf16-10)")
    bs.add_argument("--strength-iterations", type=int, default=100,
                    help="training budget of the models the attack-strength check attacks (default 100)")
    bs.add_argument("--whole-T-max", type=int, default=150, dest="whole_T_max",
                    help="whole runs: at most this many iterations to the paper's stopping rule (default 150)")
    bs.add_argument("--whole-n-test", type=int, default=1000, dest="whole_n_test",
                    help="whole runs: test points evaluated per run (default 1000)")
    bs.add_argument("--no-whole", action="store_true", help="skip the whole-run timing (training iterations only)")
    bs.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    add_shared(bs, "json")
    bs.set_defaults(run=commands.bench_sim)

    w = sub.add_parser("sweep", help="train Algorithm 1 over a grid (a preset or custom axes) into the store")
    w.add_argument("--preset", metavar="NAME",
                   help="fig1, fig2, fig2n, fig3, or <images>-fig1c|apgd|multinorm|vit|vit-b4 for images digits, "
                        "mnist, cifar10, tiny-imagenet (fig1c: digits and mnist)")
    w.add_argument("--config", metavar="FILE",
                   help="a grid saved as a TOML file (base fields and axes per [[block]]; see simulate/gridfile.py)")
    w.add_argument("--dump-config", nargs="?", const="-", metavar="FILE",
                   help="write the preset's grid (with --set/--axis applied) as a TOML grid file to FILE, or to "
                        "stdout without FILE, and train nothing")
    add_shared(w, "scale")
    w.add_argument("--set", action="append", metavar="FIELD=VALUE",
                   help="override a fixed field (e.g. engine=subspace, noise=projected, attack=apgd, attack_steps=50)")
    w.add_argument("--axis", action="append", metavar="FIELD=V1,V2",
                   help="add or replace an axis of the grid (e.g. N=2,6,12 snr=0.5,2,8 seed=0,1,2)")
    add_shared(w, "store")
    w.add_argument("--scheduler", metavar="ADDR",
                   help="a dask.distributed scheduler tcp://host:port, or local[:N] for a local cluster")
    w.add_argument("--device", default="cpu", metavar="DEV", help="cpu (default) or cuda")
    w.add_argument("--max-members", type=int, default=None, metavar="G",
                   help="grid members per batched group (default simulate.grid.GROUP_MEMBERS, 32)")
    w.add_argument("--archive", metavar="FILE",
                   help="load the grid's runs FILE holds into the store first (if it exists), then write every run of "
                        "the grid the store holds back to it (simulate/archive.py): a grid trained over several "
                        "sittings, its progress committed as FILE")
    w.add_argument("--budget-min", type=float, default=None, metavar="MIN",
                   help="start no group after MIN minutes (those begun finish and are stored); in-process only")
    add_shared(w, "progress", "json")
    w.set_defaults(run=commands.sweep)

    r = sub.add_parser("run", help="train what the chosen claims read and the store lacks, evaluate every claim "
                                   "and store its finding")
    add_shared(r, "scale", "store", "claims", "images", "mutants", "progress", "json")
    r.add_argument("--sensitivity", action="store_true",
                   help="instead: train and evaluate the headline claims under each choice the paper leaves open, "
                        "one at a time (checks.choices; --claims picks among them)")
    r.set_defaults(run=commands.run)

    rp = sub.add_parser("report", help="write REPORT.md, figures and verdicts.json from the findings bovit run "
                                       "stored (never trains)")
    add_shared(rp, "scale", "store")
    rp.add_argument("--out", metavar="DIR", help="output folder (default reports/, or reports/<profile>/ for "
                                                 "other scales)")
    rp.add_argument("--formats", metavar="LIST",
                    help="also write every figure as svg and/or pdf beside its PNG (e.g. svg,pdf), for papers")
    rp.add_argument("--render-only", action="store_true",
                    help="render from the results file beside the report (DIR/results.json.gz, which bovit report "
                         "writes), without a store: a clone renders the committed report without training")
    add_shared(rp, "claims", "images", "mutants", "progress", "json")
    rp.set_defaults(run=commands.report)

    ex = sub.add_parser("export", help="write a store's runs, findings or trajectories as a flat table (CSV, JSON, "
                                       "or Parquet with pyarrow)")
    add_shared(ex, "store")
    ex.add_argument("--what", choices=("runs", "findings", "trajectories"), default="runs",
                    help="runs (one row per run), findings (one per claim) or trajectories (long form)")
    ex.add_argument("--format", dest="fmt", choices=("csv", "json", "parquet"), default="csv", help="csv (default), "
                    "json, or parquet (needs pip install 'bovit[parquet]')")
    ex.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    ex.set_defaults(run=commands.export)

    dc = sub.add_parser("docs", help="write the claim catalogue and the verdict protocol (docs/CLAIMS.md, "
                                     "docs/PROTOCOL.md), generated from the code")
    dc.add_argument("--out", default="docs", metavar="DIR", help="output folder (default docs/)")
    dc.set_defaults(run=commands.docs)

    c = sub.add_parser("check", help="evaluate claims by ID (training what is missing) and print their findings")
    c.add_argument("ids", nargs="+", metavar="ID", help="claim or mutant IDs, e.g. T4.3 IC-1")
    add_shared(c, "scale", "store", "progress", "images")
    add_shared(c, "json", json="print the findings as JSON (Finding.as_dict())")
    c.set_defaults(run=commands.check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ValueError, ConnectionError) as exc:  # bad input, or a scheduler that does not answer: one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"bovit: error: {first}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head`: stop quietly
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
