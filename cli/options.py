"""The options of the ``bovit`` commands, each declared once, and the parser that reports bad usage in one line.

Exit codes: 0 ok, 1 infeasible (``solve``) or findings that differ from the recorded verdicts (``run``,
``report``, ``check``), 2 bad input (one line naming the parameter and its value).
"""

from __future__ import annotations

import argparse
import math
import os
from typing import Any, NoReturn

EXIT_OK, EXIT_INFEASIBLE, EXIT_BAD_INPUT = 0, 1, 2
EXIT_DIFFERS = 1  # run/report/check: some finding differs from checks/expected.py


class Parser(argparse.ArgumentParser):
    """argparse that reports bad usage in one line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"bovit: error: {message}\n")


def default_store() -> str:
    return os.environ.get("BOVIT_STORE", "bovit.sqlite")


SCALE_HELP = "ci (also quick), default (the default), paper or thorough: the sizes of simulate/grid.py's SCALES"

# the options several commands take: name -> ((flag, keywords), ...), help texts overridable per command
_SHARED: dict[str, tuple[tuple[str, dict[str, Any]], ...]] = {
    "json": (("--json", {"action": "store_true", "help": "print JSON instead of text"}),),
    "store": (("--store", {"metavar": "PATH", "help": "the SQLite store (default $BOVIT_STORE or ./bovit.sqlite)"}),),
    "scale": (("--scale", {"default": "default", "metavar": "SCALE", "help": SCALE_HELP}),),
    "progress": (("--no-progress", {"action": "store_true", "help": "no progress bar"}),),
    "images": (
        ("--images", {"default": "digits", "metavar": "NAME",
                      "help": "the real-data claims' images: digits (bundled, the default), mnist, cifar10 or "
                              "tiny-imagenet"}),
        ("--data-root", {"default": "", "metavar": "PATH",
                         "help": "the folder holding the --images files (MNIST IDX, CIFAR-10 batches, Tiny-ImageNet)"}),
    ),
    "claims": (("--claims", {"nargs": "+", "metavar": "ID",
                             "help": "only these claim IDs (default: all; with --images, the real-data claims)"}),),
    "mutants": (("--mutants", {"action": "store_true",
                               "help": "add the mutation suite (the chosen claims' mutants)"}),),
}


def add_shared(parser: argparse.ArgumentParser, *names: str, **helps: str) -> None:
    """Add the shared options ``names`` (keys of _SHARED) to ``parser``; ``helps`` replaces a flag's help,
    keyed by the flag's name without dashes (``scale="..."``, ``json="..."``)."""
    for name in names:
        for flag, keywords in _SHARED[name]:
            kw = dict(keywords)
            if flag == "--store":
                kw["default"] = default_store()  # read when the parser is built, so tests may set it
            key = flag.removeprefix("--").replace("-", "_")
            if key in helps:
                kw["help"] = helps[key]
            parser.add_argument(flag, **kw)


# -- the point of query/solve: (flag, Params.from_inputs keyword, help) ---------------------------

POINT_OPTIONS: tuple[tuple[str, str, str], ...] = (
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


def add_point(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the point (any subset; unknown values give 'unknown' items)")
    for flag, dest, text in POINT_OPTIONS:
        group.add_argument(flag, dest=dest, metavar="X", help=text)
    add_constants(parser)


def add_constants(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("hidden constants")
    group.add_argument("--const", action="append", default=[], metavar="NAME=VALUE",
                       help="override a hidden constant or log exponent, e.g. c_1a=2 or k_4=-1 (repeatable)")
    group.add_argument("--log-base", default="e", metavar="B",
                       help="base of the paper's unspecified logs: e (default), 2 or 10")
    add_shared(parser, "json", json="print JSON instead of tables")


def point(args: argparse.Namespace) -> tuple[dict[str, object], list[str]]:
    """The point as given, plus notes on what bovit assumed."""
    spec = {dest: getattr(args, dest) for _, dest, _ in POINT_OPTIONS if getattr(args, dest) is not None}
    notes: list[str] = []
    if "snr" in spec and "mu" not in spec and "sigma_p" not in spec:
        spec["sigma_p"] = math.sqrt(0.4)
        notes.append("σ_p = √0.4 assumed (Section 6's noise N(0, 0.4·I)); give --mu or --sigma-p to change it")
    if "p" not in spec:
        spec["p"] = "2"
    return spec, notes


def constants(args: argparse.Namespace):  # -> bounds.params.Constants
    from bounds.params import Constants

    return Constants.parse(args.const, log_base=args.log_base)
