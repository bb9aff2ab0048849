"""The report: every claim's Finding at one profile, from one store, as markdown with PNG figures.

Running and rendering are apart. ``run`` trains whatever the claims need and the store lacks (one sweep
over all their runs, with a progress bar), evaluates each claim from the store, and writes each Finding
into the store's ``findings`` table with the claim-checks and simulation code versions that made it.
``render`` writes ``REPORT.md``, ``figures/<plot>.png`` and ``verdicts.json`` from those stored findings
alone: it never trains and never evaluates a check, and refuses (``MissingFindings``) when a claim has
no finding from the current code. ``build`` is both in one call (evaluate, then write), the path the
two-step one reproduces byte for byte. A claim whose check raises becomes an error row, not a failed report.

The summary keeps the claims' kinds apart (checks/claim.py KINDS): one table per kind (paper, derived,
sanity), each with its own verdict counts, and Condition 4.1's audited items in a section of their own,
where a confirmed item reads "met" and a refuted one "unmet" (the stored verdict is unchanged). Its
headline counts only the paper claims as findings about the paper. Each claim's section shows its kind
and its quote: the paper's words with their lines, or what bovit derived it from.

The markdown is a pure function of the store, the claims' code and the environment: no clock, no
rendering time (the wall time shown is the sum of the stored runs' own wall times), dict contents
sorted, floats formatted explicitly. Building twice from the same store gives byte-identical files.
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
import io
import json
import math
import platform
import re
import shlex
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from checks import real
from checks.catalogue import CLAIMS, MUTANTS, select
from checks.choices import Cell
from checks.claim import KIND_MEANING, Claim, Finding, Plot
from checks.evaluate import MissingRuns, all_configs, claim_configs, claim_runs, finding
from checks.expected import mismatch, uncatchable
from checks.profiles import PROFILES, Profile
from checks.stability import perturbed
from checks.stats import VERDICTS
from reports.bracket import PLOT_NAME, bracket_plots, bracket_section, brackets
from reports.choices import CHOICES_CSV, choices_line, choices_plots, choices_section, stored_cells, stored_search
from reports.extras import cell as _cell
from reports.extras import finding_lines, flag_diverging, stability_section, tolerance_section
from reports.extras import table as _table
from reports.multinorm import multinorm_section
from reports.searched import searched_section
from reports.strength import strength_section
from simulate.config import RunConfig
from simulate.progress import format_duration
from simulate.store import FindingRecord, RunRecord, Store, code_version, source_hash

__all__ = ["SCALES", "MissingFindings", "Outcome", "Report", "Run", "build", "checks_version", "choose",
           "claims_for", "default_out", "evaluate", "headline", "kind_counts", "profile_for", "render",
           "report_command", "run", "run_command", "stored", "write"]

# the --scale names: the profiles, and `quick` for the ci profile (the sweep presets' name for it)
SCALES: dict[str, str] = {"ci": "ci", "quick": "ci", "default": "default", "paper": "paper", "thorough": "thorough"}
ERROR = "error"  # the verdict column of a claim whose check raised
# the summary's tables, one per kind of claim, and what each says of its claims (audited items: their own section)
SUMMARY_KINDS: dict[str, tuple[str, str]] = {
    "paper": ("Paper claims", "What the paper states; each claim's section quotes its words and lines. These "
                              "verdicts are the findings about the paper."),
    "derived": ("Derived claims", "bovit's claims that follow from the paper's own argument (a sharpened bound, a "
                                  "converse, a heuristic, a stronger form), which the paper does not state: a "
                                  "verdict here is about bovit's claim, not about what the paper says."),
    "sanity": ("Sanity checks", "True by definition or construction for any model: they test bovit's code (its "
                                "attacks, certificates and counting), not the paper."),
}
AUDIT = "audit"
# how an audited item's verdict reads: whether the paper's setting meets the item (the stored verdict is kept)
AUDIT_WORDS: dict[str, str] = {"confirmed": "met", "refuted": "unmet"}
_ROOT = Path(__file__).resolve().parent.parent


def profile_for(scale: str, images: str = "digits", data_root: str = "") -> Profile:
    """The profile a ``--scale`` name stands for, with the real-data claims on ``images`` (from ``data_root``)."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, got {scale!r}")
    if images == "digits" and data_root:  # the bundled digits are read from scikit-learn, never from a folder
        raise ValueError(f"data_root must be left out for the bundled digits (it names the folder of --images "
                         f"mnist, cifar10 or tiny-imagenet), got {data_root!r}")
    profile = replace(PROFILES[SCALES[scale]], images=images, data_root=data_root)
    if images != "digits":  # read both splits now, so a wrong folder is one clear line before anything is made
        import zlib

        from simulate.images import load_images

        for split in ("train", "test"):
            try:
                load_images(images, data_root, split, keep_classes=(0, 1))
            except (OSError, EOFError, zlib.error, ValueError) as exc:  # missing, unreadable or corrupt files
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise ValueError(f"data_root must hold the {images} {split} files, got {data_root!r} ({first})"
                                 ) from None
    return profile


def choose(ids: Sequence[str] | None, *, mutants: bool = False) -> tuple[Claim, ...]:
    """The claims named (all when ``ids`` is None; unknown IDs raise ValueError listing the valid ones),
    plus, with ``mutants``, the mutants of the chosen claims."""
    if ids is not None:
        known = {c.id for c in CLAIMS + MUTANTS}
        unknown = [i for i in dict.fromkeys(ids) if i not in known]
        if unknown:
            raise ValueError(f"claim IDs must be in the catalogue, got unknown {', '.join(map(repr, unknown))}; "
                             f"claims: {', '.join(c.id for c in CLAIMS)}; mutants: "
                             f"{', '.join(m.id for m in MUTANTS) or 'none'}")
    chosen = select(list(dict.fromkeys(ids)) if ids is not None else None)
    if not mutants:
        return chosen
    named = {c.id for c in chosen}
    return chosen + tuple(m for m in MUTANTS if m.mutant_of in named and m.id not in named)


def claims_for(ids: Sequence[str] | None, profile: Profile, *, mutants: bool = False) -> tuple[Claim, ...]:
    """The claims ``bovit run``/``report`` work on: ``choose(ids)``, where no IDs mean every claim on the
    bundled digits and the real-data claims alone on another image data set (the synthetic ones do not
    read images)."""
    if ids is None and profile.images != "digits":
        ids = [c.id for c in real.CLAIMS]
    return choose(ids, mutants=mutants)


def default_out(profile: Profile) -> str:
    """The report's folder: reports/ for the default profile on digits, else reports/<profile> (on
    another image data set reports/<images>-<profile>)."""
    stem = profile.name if profile.images == "digits" else f"{profile.images}-{profile.name}"
    return "reports" if stem == "default" else str(Path("reports") / stem)


def _command(verb: str, profile: Profile, store_path: str, ids: Sequence[str] | None, mutants: bool,
             out: str | None = None) -> str:
    parts = ["bovit", verb, "--scale", profile.name, "--store", store_path]
    if out is not None:
        parts += ["--out", out]
    if profile.images != "digits":
        parts += ["--images", profile.images, "--data-root", profile.data_root]
    if ids:
        parts += ["--claims", *ids]
    if mutants:
        parts.append("--mutants")
    return shlex.join(parts)


def report_command(profile: Profile, store_path: str, out: str, ids: Sequence[str] | None = None,
                   mutants: bool = False) -> str:
    """The command line that renders the report, with every default spelled out (shown in its header)."""
    return _command("report", profile, store_path, ids, mutants, out)


def run_command(profile: Profile, store_path: str, ids: Sequence[str] | None = None, mutants: bool = False) -> str:
    """The command line that trains and evaluates what ``report_command`` renders."""
    return _command("run", profile, store_path, ids, mutants)


@functools.cache
def checks_version() -> str:
    """The claim-checks code version: a 16-hex-digit hash of checks/' claim modules (the claims and their
    statistics, not the recorded verdicts or the tests), shown in the report's provenance and stored with
    every finding. Computed once per process, as ``code_version`` is."""
    checks = _ROOT / "checks"
    # the claims and their statistics decide a finding; the recorded verdicts (expected.py, compared when a
    # report is rendered) and the pytest files do not, so editing them leaves stored findings current
    modules = tuple(sorted(p.name for p in checks.glob("*.py")
                           if p.name != "expected.py" and p.name != "conftest.py" and not p.name.startswith("test_")))
    return source_hash(checks, only=modules)


@dataclass(frozen=True)
class Outcome:
    """One claim in a report: its Finding, or why its check raised; the figures written for it."""

    claim: Claim
    finding: Finding | None
    error: str = ""
    figures: tuple[tuple[str, str], ...] = ()  # (title, path relative to the report)
    figure_errors: tuple[str, ...] = ()
    profile: str = "ci"
    # the real-data claims' verdicts are recorded for the bundled digits only; on another image data set
    # (Profile.images) there is nothing to compare with, and the report says so instead of differing
    unrecorded: str = ""

    @property
    def verdict(self) -> str:
        return self.finding.verdict if self.finding is not None else ERROR

    @property
    def is_mutant(self) -> bool:
        return self.claim.mutant_of is not None

    @property
    def problem(self) -> str | None:
        """Why this outcome differs from what the suite records (checks/expected.py; a mutant must be
        refuted), or None when it matches."""
        if self.finding is None:
            return f"{self.claim.id}: the check raised {self.error}"
        if self.is_mutant:
            why = uncatchable(self.claim.id, self.profile)
            if self.finding.verdict == "refuted":
                return None if why is None else (
                    f"mutant {self.claim.id} is recorded as uncatchable but was refuted: remove its record")
            if why is not None:
                return None  # not caught, for the recorded reason (the mutation table says so)
            return f"mutant {self.claim.id} survived: observed {self.finding.verdict}. Evidence: {self.finding.reason}"
        if self.unrecorded:
            return None
        return mismatch(self.finding, self.profile)

    def as_dict(self) -> dict[str, object]:
        """The finding as ``Finding.as_dict()``, or the claim, no verdict and why its check raised."""
        if self.finding is None:
            return {"claim": self.claim.id, "verdict": None, "error": self.error}
        return self.finding.as_dict()


class _Verdicts:
    """What ``run`` and ``render`` both report about their outcomes."""

    outcomes: tuple[Outcome, ...]

    def counts(self) -> dict[str, int]:
        """Claims (not mutants) per verdict, in the order of VERDICTS, then errors."""
        c = Counter(o.verdict for o in self.outcomes if not o.is_mutant)
        return {v: c.get(v, 0) for v in (*VERDICTS, ERROR)}

    def counts_line(self) -> str:
        """The counts as one line, e.g. ``confirmed 2, refuted 0, inconclusive 0, out-of-scope 0``
        (errors only when there are some)."""
        return _counts_line(self.counts())

    def headline(self) -> str:
        """The counts kind by kind, the paper's claims first (see :func:`headline`)."""
        return headline(self.outcomes)

    def mutants_caught(self) -> tuple[int, int] | None:
        """(mutants refuted, mutants), or None when there are no mutants among the outcomes."""
        mutants = [o for o in self.outcomes if o.is_mutant]
        return (sum(o.verdict == "refuted" for o in mutants), len(mutants)) if mutants else None

    def problems(self) -> list[str]:
        """Every difference from the recorded verdicts (and every surviving mutant or failed check)."""
        return [p for o in self.outcomes if (p := o.problem) is not None]


@dataclass(frozen=True)
class Report(_Verdicts):
    """What ``render``/``build`` wrote: the markdown file, the profile, each claim's outcome and the runs read."""

    path: Path
    profile: Profile
    outcomes: tuple[Outcome, ...]
    runs: int
    trained: int
    figures: tuple[Path, ...] = field(default=())


@dataclass(frozen=True)
class Run(_Verdicts):
    """What ``run`` did: each claim's outcome (now stored), the runs its claims read and how many were trained."""

    profile: Profile
    outcomes: tuple[Outcome, ...]
    runs: int
    trained: int


def evaluate(claims: Sequence[Claim], profile: Profile, store: Store, *, train: bool = True,
             show_progress: bool = True) -> tuple[list[Outcome], int]:
    """Each claim's Outcome, and how many runs were trained for them.

    With ``train``, every missing run of every claim is trained first in one sweep; without it, missing
    runs raise ``MissingRuns`` before anything is evaluated. Checks then read the store only.
    """
    configs = all_configs(claims, profile)
    code = code_version()
    missing = [c for c in configs if not store.has(c.key(code))]
    trained = 0
    if train and missing:
        from simulate.sweep import sweep

        trained = sweep(missing, store, show_progress=show_progress).trained
    elif missing:
        raise MissingRuns(f"{len(missing)} of the {len(configs)} runs these claims read at profile "
                          f"{profile.name!r} are not in the store {store.path} (e.g. {missing[0].label()}); "
                          f"train them first (bovit run or pytest checks at this profile)")
    outcomes = []
    for claim in claims:
        try:
            outcomes.append(Outcome(claim, finding(claim, profile, store, train=train), profile=profile.name,
                                    unrecorded=_unrecorded(claim, profile)))
        except Exception as exc:  # one broken check is an error row, not a broken report
            outcomes.append(Outcome(claim, None, error=f"{type(exc).__name__}: {exc}", profile=profile.name,
                                    unrecorded=_unrecorded(claim, profile)))
    return outcomes, trained


def read_configs(claims: Sequence[Claim], profile: Profile, store: Store) -> list[RunConfig]:
    """Every run the claims' findings read: their grid runs (with stability twins, ``all_configs``) and the points
    the searched claims drew, as the store holds them (a search whose points the store lacks adds none)."""
    from checks.search import SEARCHES

    out = all_configs(claims, profile)
    for claim in claims:
        if claim.id not in SEARCHES:
            continue
        try:
            drawn = claim_runs(claim, profile, store, train=False)
        except MissingRuns:
            continue
        out += drawn + (perturbed(drawn, profile.stability_ulps) if profile.stability_ulps else [])
    return list(dict.fromkeys(out))


def _unrecorded(claim: Claim, profile: Profile) -> str:
    """The image data set when the suite records no verdict of this claim on it (Outcome.unrecorded), else ''."""
    real_ids = {c.id for c in real.CLAIMS + real.MUTANTS}
    return profile.images if profile.images != "digits" and claim.id in real_ids else ""


# ---- stored findings -----------------------------------------------------------------------------


class MissingFindings(ValueError):
    """Claims have no finding in the store from the current claim-check and simulation code."""


def run(claims: Sequence[Claim], profile: Profile, store: Store, *, show_progress: bool = True) -> Run:
    """Train what the claims read and the store lacks (one sweep), evaluate every claim, and store each
    Finding (or why its check raised) under (claim, profile, image data set) with the current claim-check
    and simulation code versions, replacing what was stored there."""
    if not claims:
        raise ValueError("claims must name at least one claim, got none")
    before = len(store.keys())
    outcomes, _ = evaluate(claims, profile, store, train=True, show_progress=show_progress)
    trained = len(store.keys()) - before  # the grid's sweep and the searched points trained as they were drawn
    checks, code = checks_version(), code_version()
    store.put_findings([FindingRecord(o.claim.id, profile.name, profile.images, profile.data_root,
                                      None if o.finding is None else o.finding.as_dict(plots=True), o.error,
                                      checks, code) for o in outcomes])
    return Run(profile, tuple(outcomes), len(read_configs(claims, profile, store)), trained)


def stored(claims: Sequence[Claim], profile: Profile, store: Store) -> list[Outcome]:
    """Each claim's Outcome as ``run`` stored it; ``MissingFindings`` (one line naming the claims) when a
    claim has no stored finding, or one made by other claim-check code or other simulation code."""
    checks, code = checks_version(), code_version()
    outcomes: list[Outcome] = []
    why: dict[str, list[str]] = {"none": [], "other claim-check code": [], "other simulation code": []}
    for claim in claims:
        rec = store.get_finding(claim.id, profile.name, profile.images, profile.data_root)
        if rec is None:
            why["none"].append(claim.id)
        elif rec.checks != checks:
            why["other claim-check code"].append(claim.id)
        elif rec.code != code:
            why["other simulation code"].append(claim.id)
        else:
            found = Finding.from_dict(rec.finding) if rec.finding is not None else None
            outcomes.append(Outcome(claim, found, error=rec.error, profile=profile.name,
                                    unrecorded=_unrecorded(claim, profile)))
    if any(why.values()):
        on = f" on {profile.images}" if profile.images != "digits" else ""
        parts = [("no stored finding" if k == "none" else f"findings made by {k}") + f" for {', '.join(ids)}"
                 for k, ids in why.items() if ids]
        raise MissingFindings(f"claims must have findings from the current code at profile {profile.name!r}{on} "
                              f"in the store {store.path}, got {'; '.join(parts)}")
    return outcomes


# ---- rendering -----------------------------------------------------------------------------------


def plot_rows(plot: Plot) -> list[tuple[str, ...]]:
    """A figure's data as rows (the header first): every plotted point of every series (x, y and its interval) and,
    for a heatmap, every cell (x, y, value), so the numbers behind a figure can be read or replotted."""
    def num(v: float) -> str:
        return repr(float(v)) if math.isfinite(v) else ""

    rows: list[tuple[str, ...]] = [("series", "x", "y", "lo", "hi", "value")]
    for s in plot.series:
        for i, (x, y) in enumerate(zip(s.x, s.y, strict=True)):
            lo = num(s.lo[i]) if i < len(s.lo) else ""
            hi = num(s.hi[i]) if i < len(s.hi) else ""
            rows.append((s.label, num(x), num(y), lo, hi, ""))
    for i, row in enumerate(plot.grid):
        for j, z in enumerate(row):
            rows.append((plot.zlabel or "grid", num(plot.xticks[j]), num(plot.yticks[i]), "", "", num(z)))
    return rows


def _draw(plot: Plot, path: Path, formats: tuple[str, ...] = ()) -> str:
    """Render ``plot`` to ``path`` (and in ``formats`` beside it) and its data beside it (the same stem, .csv): ''
    when drawn, else why not (a figure that cannot be drawn is noted and the report goes on)."""
    from reports.figures import render

    try:
        render(plot, path, formats)
    except Exception as exc:
        return f"{plot.name}: {type(exc).__name__}: {exc}"
    path.with_suffix(".csv").write_text(csv_text(plot_rows(plot)), encoding="utf-8")
    return ""


# a figure of the report's own sections: its path relative to the report when drawn, else None and why not
Drawn = dict[str, tuple[str | None, str]]


Panels = Sequence[tuple[str, str, Sequence[Plot]]]


def _draw_panels(name: str, title: str, plots: Sequence[Plot], path: Path) -> str:
    """Render ``plots`` side by side to ``path`` and their data beside it (one CSV, a column naming the panel): ''
    when drawn, else why not."""
    from reports.figures import render_panels

    try:
        render_panels(plots, path, title)
    except Exception as exc:
        return f"{name}: {type(exc).__name__}: {exc}"
    rows: list[tuple[str, ...]] = []
    for p in plots:
        data = plot_rows(p)
        if not rows:
            rows.append(("panel", *data[0]))
        rows += [(p.title, *r) for r in data[1:]]
    path.with_suffix(".csv").write_text(csv_text(rows), encoding="utf-8")
    return ""


def _figures(outcomes: list[Outcome], out_dir: Path, extra: Sequence[Plot] = (),
             formats: tuple[str, ...] = (), panels: Panels = ()) -> tuple[list[Outcome], list[Path], Drawn]:
    """Render every claim's plot to out_dir/figures/<name>.png (the claim ID is prefixed when a name repeats),
    and the ``extra`` plots of the report's own sections under their names, each also in ``formats`` (svg, pdf),
    and each of ``panels`` (name, title, plots) as one figure of side-by-side plots; figures left there by an
    earlier report and not written now are removed."""
    fig_dir = out_dir / "figures"
    written: list[Path] = []
    used: set[str] = set()
    done = []
    for o in outcomes:
        figures, errors = [], []
        for plot in o.finding.plots if o.finding is not None else ():
            stem = plot.name if plot.name not in used else f"{o.claim.id}-{plot.name}"
            k = 2
            while stem in used:  # one claim giving two plots the same name
                stem, k = f"{o.claim.id}-{plot.name}-{k}", k + 1
            used.add(stem)
            path = fig_dir / f"{stem}.png"
            if error := _draw(plot, path, formats):
                errors.append(error)
                continue
            written.append(path)
            figures.append((plot.title, f"figures/{stem}.png"))
        done.append(replace(o, figures=tuple(figures), figure_errors=tuple(errors)))
    drawn: Drawn = {}
    for plot in extra:
        path = fig_dir / f"{plot.name}.png"
        error = _draw(plot, path, formats)
        drawn[plot.name] = (None, error) if error else (f"figures/{plot.name}.png", "")
        if not error:
            written.append(path)
    for name, title, plots in panels:
        path = fig_dir / f"{name}.png"
        error = _draw_panels(name, title, plots, path)
        drawn[name] = (None, error) if error else (f"figures/{name}.png", "")
        if not error:
            written.append(path)
    if fig_dir.is_dir():
        keep = {p.with_suffix(ext).name for p in written for ext in (".png", ".csv", *(f".{f}" for f in formats))}
        for stale in sorted(p for ext in ("png", "csv", "svg", "pdf") for p in fig_dir.glob(f"*.{ext}")):
            if stale.name not in keep:
                stale.unlink()
    return done, written, drawn


def _one_line(text: str, limit: int = 110) -> str:
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=_ROOT).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return rev or "unknown"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _listed(values: Sequence[str] | set[str]) -> str:
    items = sorted(set(values))
    return ", ".join(items) if items else "none"


def _provenance(records: list[RunRecord], profile: Profile, command: str) -> list[str]:
    prov = [r.result.provenance or {} for r in records]

    def runs(name: str) -> str:
        return _listed({str(p.get(name, "unknown")) for p in prov})

    wall = sum(r.wall_s for r in records)
    seeds = sorted({int(r.config["seed"]) for r in records if "seed" in r.config})
    dims = ", ".join(f"{k}={v}" for k, v in sorted(profile.dims.items()))
    rows = [
        ("item", "value"),
        ("bovit", f"{_version('bovit')} (git {_git_revision()}; claim checks {checks_version()})"),
        ("libraries", f"python {platform.python_version()}, torch {_version('torch')}, numpy {_version('numpy')}, "
                      f"scipy {_version('scipy')}, sympy {_version('sympy')}, matplotlib {_version('matplotlib')}"),
        ("runs made by", f"git {runs('git')}; python {runs('python')}; torch {runs('torch')}"),
        ("device", runs("device")),
        ("simulation code version", _listed({r.code for r in records})),
        ("profile", f"{profile.name}: {dims}, N={profile.N}, SNR ∈ {{{', '.join(f'{s:g}' for s in profile.snrs)}}}, "
                    f"T_max={profile.T_max}, n_test={profile.n_test}; real-data claims on {profile.images}"
                    + (f" from {profile.data_root}" if profile.data_root else " (scikit-learn's bundled 8×8 digits)")),
        ("seeds", f"profile {', '.join(str(s) for s in profile.seeds)}; in the runs "
                  f"{', '.join(str(s) for s in seeds) if seeds else 'none'}"),
        ("runs", str(len(records))),
        ("runs' wall time, summed", f"{format_duration(wall)} ({wall:.1f} s; a run's time is its batched group's "
                                    "until it stopped, plus its share of the group's evaluation, so runs trained "
                                    "together each count the time they shared: not the job's time)"),
        ("choices the paper leaves open (IC-10), as every run makes them unless its grid says otherwise",
         default_choices()),
        ("command", f"`{command}`"),
    ]
    return _table(rows)


def default_choices() -> str:
    """The choices the paper leaves open, as a default RunConfig makes them (read from simulate.config, so the
    report cannot list a default the runs do not use), and the ones fixed in the code."""
    c = RunConfig(N=2, snr=1.0)
    return (f"noise {c.noise} N(0, σ_p²·I); signals {c.signal} (µ₊ = ‖µ‖e₁, µ₋ = ‖µ‖e₂); initialisation {c.init} "
            f"(PyTorch's Linear default × 1/16); ‖w_O‖ = {c.w_O_norm:g}, direction {c.w_O_dir} (1/√d_v each); "
            f"{c.dtype}; η = {c.eta:g}, ε = {c.eps:g}, stopping on the {c.stop_on} training loss; training attack "
            f"{c.attack.describe()}, test attack {c.test_attack.describe()}, both keeping per example the iterate of "
            f"lowest margin (not the last), from zero, per-token balls (Section 3); n_test = {c.n_test}")


def _verdict_text(o: Outcome) -> str:
    if o.finding is None:
        return ERROR
    if o.finding.verdict == "out-of-scope" and o.finding.data_verdict is not None:
        return f"out-of-scope (data: {o.finding.data_verdict})"
    if o.claim.kind == AUDIT and not o.is_mutant:
        return AUDIT_WORDS.get(o.finding.verdict, o.finding.verdict)
    return o.finding.verdict


def _matches(o: Outcome) -> str:
    problem = o.problem
    if problem is None:
        return f"not recorded ({o.unrecorded})" if o.unrecorded and not o.is_mutant else "yes"
    if o.finding is None:
        return "no (error)"
    return "no"


def _anchor(claim_id: str) -> str:
    return "claim-" + re.sub(r"[^A-Za-z0-9-]", "-", claim_id)


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(f"{v} {n}" for v, n in counts.items() if n or v != ERROR)


def kind_counts(outcomes: Sequence[Outcome], kind: str) -> dict[str, int]:
    """The claims (not mutants) of one kind per verdict, in the order of VERDICTS, then errors."""
    c = Counter(o.verdict for o in outcomes if not o.is_mutant and o.claim.kind == kind)
    return {v: c.get(v, 0) for v in (*VERDICTS, ERROR)}


def _kind_line(outcomes: Sequence[Outcome], kind: str) -> str:
    """One kind's counts as one line; an audit's read met / unmet (other verdicts only when there are some)."""
    counts = kind_counts(outcomes, kind)
    if kind != AUDIT:
        return _counts_line(counts)
    shown = {AUDIT_WORDS.get(v, v): n for v, n in counts.items()}
    return ", ".join(f"{v} {n}" for v, n in shown.items() if n or v in AUDIT_WORDS.values())


def _claims(n: int, noun: str = "claim") -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def headline(outcomes: Sequence[Outcome]) -> str:
    """The verdicts kind by kind in one sentence, only the paper's claims counted as findings about the paper,
    e.g. ``Paper claims: confirmed 3, refuted 5, …; derived: …; sanity checks (test the code, not the paper): …;
    Condition 4.1 audit: met 1, unmet 6`` (a kind without claims is left out, the paper's never)."""
    present = {o.claim.kind for o in outcomes if not o.is_mutant}
    parts = [f"Paper claims: {_kind_line(outcomes, 'paper')}"]
    if "derived" in present:
        parts.append(f"derived: {_kind_line(outcomes, 'derived')}")
    if "sanity" in present:
        parts.append(f"sanity checks (test the code, not the paper): {_kind_line(outcomes, 'sanity')}")
    if AUDIT in present:
        parts.append(f"Condition 4.1 audit: {_kind_line(outcomes, AUDIT)}")
    return "; ".join(parts)


# The report's synthesis up front: the questions a referee asks of the paper, each answered by the stored findings of
# its claims (verdict and key number, linked to the section), so the summary cannot drift from the evidence.
QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Do the paper's own experiments meet Condition 4.1?",
     ("S6.condition5", "C4.1.1", "C4.1.4", "C4.1.5a", "C4.1.5b", "C4.1.6")),
    ("Does adversarial training reach robust training loss ε in Theorem 4.2's time T?",
     ("T4.2.1", "T4.2.T.dependence", "T4.2.T.case2-over-case1")),
    ("Do the clean and robust errors follow exp(−C·d·SNR²) and exp(−C·d·SNR²(1 − τ/‖µ‖)²)?",
     ("T4.2.2", "T4.2.3", "T4.2.3.search")),
    ("Is Case 2 consistent with the uniform-attention argument (IC-1)?", ("IC-1", "IC-1.case2-bound", "IC-1.jump")),
    ("Does Theorem 4.3's lower bound hold, and where does it start?",
     ("T4.3", "T4.3.sharp", "T4.3.sharp.threshold", "T4.3.search")),
    ("Do Section 5's lemmas describe trained models?", ("L5.3", "L5.4", "L5.5", "L5.5.frozen", "L5.6")),
    ("Is Figure 1's phase boundary N·SNR² = const, and does error fall with SNR and N as Figure 2 shows?",
     ("E6.claim.boundary", "E6.claim.boundary.stable-eta", "E6.real.boundary", "E6.real.boundary.strips",
      "E6.real.vit.boundary",
      "E6.claim.curves", "E6.claim.curves.stable-eta", "E6.real.monotone-snr", "E6.real.vit.monotone")),
    ("Does attention concentrate less at large τ, as Figure 3 shows?", ("EB.1.fig3",)),
    ("Appendix B.2: does the picture survive APGD?", ("EB.2.transition", "EB.2.monotone")),
    ("Appendix B.3: does it survive multi-norm attacks (ℓ₁ per token, and for the whole image)?",
     ("EB.3.lower", "EB.3.transition", "EB.3.monotone", "EB.3.lower.image", "EB.3.transition.image",
      "EB.3.monotone.image")),
    ("Appendix B.4: does it survive on a larger ViT with only the last QKV trained?",
     ("EB.4.transition", "EB.4.monotone")),
)

# What bovit cannot test, and why: the limits every verdict of the report is read within (the scale's and the
# stability check's lines follow from the profile, see :func:`limitations`).
LIMITATIONS: tuple[str, ...] = (
    "**Condition 4.1 is out of reach.** Its dimension items need d ≥ ε⁻²N²d_h and more (the audit shows the paper's "
    "own settings miss them by factors of thousands to billions), so no simulable run meets it: every Theorem 4.2 "
    "and Section 5 verdict on simulated runs is out-of-scope, with what the data alone say beside it.",
    "**Hidden constants.** Θ, O, Ω and their tildes hide constants the paper never gives; bovit takes them as 1 where "
    "a number is needed (named and overridable in bounds/), and judges \"there is a constant C\" by whether the "
    "implied constant drifts with the parameter, since any finite data admit a small enough C.",
    "**The certificate is loose once attention concentrates.** The certified robust error, an upper estimate, is "
    "vacuous (near 1) where trained attention is one-hot, so a statement that robust error is at most something "
    "rests there on the attack's lower estimate; the certified bracket section shows where.",
    "**Stand-ins and readings.** B.4's pretrained ViT-B/16 in21k cannot be fetched offline (a randomly initialised "
    "stand-in is trained); images become tokens as square patches, and for Figure 1c's claims also as row strips "
    "(the .strips claims; the Appendix B grids in patches only); B.3's ℓ₁ radius is run in both readings. Claims "
    "marked ‡ rest on such a reading.",
)


def limitations(profile: Profile) -> tuple[str, ...]:
    """LIMITATIONS with the profile's scale and whether its verdicts were checked against rounding."""
    dims = profile.dims
    scale = (f"**Scale.** This report's synthetic runs are at d = {dims.get('d')}, M = {dims.get('M')}, d_h = "
             f"{dims.get('dh')} (profile {profile.name})" + (
                 ", Section 6's sizes; Figure 3's runs (EB.1) at Appendix B.1's own, d = 1024, M = 2, d_h = d_v = 512."
                 if profile.name == "paper" else
                 ", not Section 6's d = 1024, M = 16, d_h = 128: its findings are about a miniature of the paper's "
                 "experiments."))
    chaos = ("**Chaotic training.** At the paper's η = 0.1 gradient descent is chaotic at these sizes (it diverges at "
             "the largest SNRs), so a last-bit difference acts like a new seed; "
             + (f"every verdict is re-evaluated on runs with each initial weight moved {profile.stability_ulps} ulp, "
                "and one that flips is recorded inconclusive." if profile.stability_ulps else
                "this profile does not re-evaluate its verdicts on perturbed runs (the default profile does), so a "
                "verdict here may turn on rounding.")
             + " Figure 1's grid is also trained at a stable step (η·‖µ‖² ≤ 0.5 at every SNR), and its claims are "
               "checked there too (the .stable-eta companions), so a verdict that hinges on the erratic step shows.")
    choices = (f"**Choices the paper leaves open** are fixed once: {default_choices()}; the section on them "
               "(#choices) re-evaluates the headline claims under one alternative to each, on reduced grids.")
    return (*LIMITATIONS[:3], scale, choices, *LIMITATIONS[3:], chaos)


# The paper-scale report (``bovit report --scale paper``) lives in the default report's folder under this name; the
# default report's opening lists its verdicts when it is there.
PAPER_DIR = "paper"


def paper_scale_verdicts(out_dir: str | Path) -> list[dict[str, str]]:
    """The paper-scale report's claims beside the report at ``out_dir`` (its ``paper/verdicts.json``): claim, verdict,
    data verdict and key number of each claim that is not a mutant; [] when there is none or it cannot be read."""
    path = Path(out_dir) / PAPER_DIR / "verdicts.json"
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(items, list):
        return []
    return [{k: str(item.get(k) or "") for k in ("claim", "verdict", "data_verdict", "key")}
            for item in items if isinstance(item, dict) and not item.get("mutant_of") and item.get("claim")]


def paper_scale_line(paper: Sequence[dict[str, str]]) -> str:
    """The paper-scale report's verdicts as the opening states them ('' without any): each claim linked to its
    section there, with its verdict and key number."""
    if not paper:
        return ""
    parts = [f"[{p['claim']}]({PAPER_DIR}/REPORT.md#{_anchor(p['claim'])}) **{p['verdict']}**"
             + (f" (data: {p['data_verdict']})" if p["data_verdict"] else "") + (f" ({_cell(p['key'])})" if p["key"]
                                                                                  else "") for p in paper]
    return (f"at the paper's own sizes ([{PAPER_DIR}/REPORT.md]({PAPER_DIR}/REPORT.md), profile `paper`): "
            + "; ".join(parts))


def synthesis(outcomes: Sequence[Outcome], profile: Profile, choices: Sequence[Cell] = (),
              search: Finding | None = None, paper: Sequence[dict[str, str]] = ()) -> list[str]:
    """The report's opening: one bullet per question of QUESTIONS whose claims the report holds, each claim with its
    verdict, key number and a link to its section, one on the choices the paper leaves open (from the sensitivity
    study's ``choices`` cells and Figure 3's ``search``, when stored), then the limitations."""
    by_id = {o.claim.id: o for o in outcomes if not o.is_mutant}
    lines = ["## What bovit finds", ""]
    # a paper-scale verdict joins the bullet of its question (the opening stays at one bullet per question)
    at_paper = [p for p in paper if profile.name != "paper"]
    placed: set[str] = set()
    for question, ids in QUESTIONS:
        parts = []
        for cid in ids:
            o = by_id.get(cid)
            if o is None:
                continue
            key = o.finding.key if o.finding is not None and o.finding.key else ""
            parts.append(f"[{cid}](#{_anchor(cid)}) **{_verdict_text(o)}**" + (f" ({_cell(key)})" if key else ""))
        mine = [p for p in at_paper if p["claim"] in ids]
        if parts and mine:
            parts.append(paper_scale_line(mine))
            placed.update(p["claim"] for p in mine)
        if parts:
            lines.append(f"- *{question}* " + "; ".join(parts) + ".")
    if len(lines) == 2:
        return []
    if line := choices_line(choices, search):
        lines.append(line)
    if line := paper_scale_line([p for p in at_paper if p["claim"] not in placed]):
        lines.append(f"- {line[0].upper()}{line[1:]}.")
    return [*lines, "", "**Limits of what bovit can test.**", "", *(f"- {item}" for item in limitations(profile)), ""]


_QUOTE_LABEL = {"paper": "The paper's words", "derived": "Derived from", "sanity": "Why it cannot come out otherwise",
                AUDIT: "The item's words"}


# An evidence table longer than this many rows is shown cut to them, the whole table in a CSV file beside the
# report (evidence/<claim>.csv, linked) and in verdicts.json: a section stays readable, every row stays reachable.
EVIDENCE_INLINE = 20
EVIDENCE_DIR = "evidence"


def evidence_csv(o: Outcome) -> str | None:
    """The path, relative to the report, of the CSV file holding an outcome's whole evidence table, or None when
    the table is short enough to stand in the section."""
    f = o.finding
    if f is None or len(f.evidence) <= EVIDENCE_INLINE + 1:
        return None
    return f"{EVIDENCE_DIR}/{_anchor(o.claim.id)}.csv"


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    """Rows as CSV text (RFC 4180 quoting, "\n" line ends), the header first."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _evidence_lines(o: Outcome, f: Finding) -> list[str]:
    rows = flag_diverging(f)
    head = ("**Evidence.**" + (" Runs marked ⚠ diverged (checks.health: the robust training loss rose past "
                               "DIVERGENCE_RISE × its best); their numbers come from an unstable path."
                               if f.diverging else ""))
    path = evidence_csv(o)
    if path is None:
        return [head, "", *_table(rows), ""]
    return [head + f" The first {EVIDENCE_INLINE} of {len(rows) - 1} rows; every row in [{path}]({path}).", "",
            *_table(rows[:EVIDENCE_INLINE + 1]), ""]


def _section(o: Outcome, profile: Profile, store_path: str) -> list[str]:
    c, f = o.claim, o.finding
    lines = [f'<a id="{_anchor(c.id)}"></a>', "", f"## {c.id}: {_verdict_text(o)}", ""]
    lines += [f"*{c.source}*", ""]
    lines += ["> " + line if line else ">" for line in c.statement.strip().splitlines()]
    if c.kind:
        lines += ["", f"**Kind.** {c.kind}: {KIND_MEANING[c.kind]}.", "",
                  f"**{_QUOTE_LABEL[c.kind]}.** {_cell(c.quote)}"]
    lines += ["", f"**How bovit checks it.** {c.how.strip()}", ""]
    if c.reading:
        lines += [f"**Rests on bovit's reading.** {_cell(c.reading[0].upper() + c.reading[1:])}.", ""]
    out_of_scope = f is not None and f.verdict == "out-of-scope"
    hyp = c.hypotheses or ("the conditions the check states" if out_of_scope else "none beyond the statement")
    if f is None:
        lines += [f"**Hypotheses.** {hyp}.", "", f"**Error.** The check raised `{_cell(o.error)}`; no verdict.", ""]
    else:
        if out_of_scope:
            met = (f"not met by the simulated points, so the verdict is out-of-scope; the data alone say "
                   f"**{f.data_verdict}**.")
        elif c.hypotheses:
            met = "met by the simulated points."
        else:
            met = ""
        lines += [f"**Hypotheses.** {hyp}" + (f": {met}" if met else ".")]
        if f.scope:
            lines += ["", f"**Scope.** {f.scope.strip()}"]
        audited = c.kind == AUDIT and not o.is_mutant and f.verdict in AUDIT_WORDS
        verdict = f"{AUDIT_WORDS[f.verdict]} (stored verdict: {f.verdict})" if audited else f.verdict
        lines += ["", f"**Verdict.** {verdict}" + (f" — {f.key}" if f.key else "") + ".",
                  "", f"**Reason.** {f.reason.strip()}", ""]
        problem = o.problem
        if o.is_mutant:
            lines += [f"**Mutation suite.** A deliberately false variant of {c.mutant_of}: "
                      + ("caught (refuted)." if problem is None else "NOT caught."), ""]
        elif problem is None:
            lines += ["**Recorded verdict** (checks/expected.py): matches.", ""]
        else:
            lines += [f"**Recorded verdict** (checks/expected.py): DIFFERS. {problem}", ""]
        if f.evidence:
            lines += _evidence_lines(o, f)
        lines += finding_lines(f)
    for title, path in o.figures:
        alt = title.replace("[", "(").replace("]", ")")
        lines += [f"![{alt}]({path})", ""]
    for err in o.figure_errors:
        lines += [f"*A figure could not be drawn: {_cell(err)}*", ""]
    lines += ["**Reproduce.**", "", "```sh", *reproduce(o, profile, store_path), "```", ""]
    return lines


def reproduce(o: Outcome, profile: Profile, store_path: str) -> list[str]:
    """The commands that reproduce an outcome's numbers: the suite's test, and `bovit check` (only the latter on
    images other than the bundled digits, whose verdicts the suite records)."""
    c = o.claim
    check = f"bovit check {c.id} --scale {profile.name} --store {store_path}"
    if profile.images != "digits":
        return [f"{check} --images {profile.images} --data-root {profile.data_root}"]
    return [f"BOVIT_PROFILE={profile.name} BOVIT_STORE={store_path} python -m pytest checks -k '{c.id}'"
            + (" --mutants" if o.is_mutant else ""), check]


def verdicts_json(outcomes: Sequence[Outcome], profile: Profile, store_path: str) -> str:
    """Every verdict as JSON, with its evidence, whether it matches the record, and the commands that
    reproduce it (deterministic: the same store gives the same text)."""
    items = []
    for o in outcomes:
        item: dict[str, object] = {"claim": o.claim.id, "mutant_of": o.claim.mutant_of, "profile": profile.name,
                                   "source": o.claim.source, "statement": o.claim.statement}
        if o.finding is None:
            item.update({"verdict": ERROR, "error": o.error})
        else:
            item.update(o.finding.as_dict())
            if isinstance(rows := item.get("evidence"), list):
                item["evidence"] = [[evidence_value(c) for c in row] if isinstance(row, list) else row for row in rows]
        item["kind"] = o.claim.kind or None  # a mutant has none
        item["quote"] = o.claim.quote or None
        item["matches_recorded"] = o.problem is None
        item["reproduce"] = reproduce(o, profile, store_path)
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_INTERVAL = re.compile(rf"({_NUMBER})\s*\[({_NUMBER}),\s*({_NUMBER})\]")
_FRACTION = re.compile(r"(\d+)\s*/\s*(\d+)")


def evidence_value(text: object) -> object:
    """An evidence cell as data for verdicts.json: a number as a number (``"1.27e-06"`` → 1.27e-06, ``"496"`` →
    496), an estimate with its interval as ``{"estimate", "interval"}`` (``"7.08 [5.78, 8.68]"``), a count as
    ``{"count", "of"}`` (``"47/117"``), anything else as its text. Numbers carry the precision the evidence
    printed them with (three significant digits, as in the report)."""
    if not isinstance(text, str):
        return text
    t = text.strip()
    if re.fullmatch(_NUMBER, t):
        return int(t) if re.fullmatch(r"[-+]?\d+", t) else float(t)
    if m := _INTERVAL.fullmatch(t):
        return {"estimate": float(m[1]), "interval": [float(m[2]), float(m[3])]}
    if m := _FRACTION.fullmatch(t):
        return {"count": int(m[1]), "of": int(m[2])}
    return text


def _real_overview(outcomes: Sequence[Outcome], profile: Profile) -> list[str]:
    """The real-image claims' own section: the data, transform and models they use, then each claim's verdict
    and headline figure (its heatmaps, cut-off maps and fitted boundary are in the claim's section)."""
    where = (f"`{profile.images}` from `{profile.data_root}`" if profile.data_root
             else "scikit-learn's bundled 8×8 digits")
    lines = ['<a id="real-images"></a>', "", "## Real images (Section 6, Appendix B.2–B.4)", "",
             f"The claims below run on {where}, classes 0 vs 1, through Section 6's transform as bovit reads it "
             "(IC-10): each image scaled to ℓ₂ norm 5 = ‖µ‖, i.i.d. N(0, σ²) pixel noise with SNR = 5/(σ·√(C·H·W)), "
             "cut into M patch tokens (4 for the 8×8 digits, 16 otherwise; the .strips claims cut the same images "
             "into M strips of whole rows); class-balanced training sets, fresh "
             "test draws. Models: eq. (1) (with a certified upper estimate of robust error), Section 6's simplified "
             "ViT and Appendix B.4's last-layer-QKV setting (robust error is PGD's: neither ViT has a certificate, "
             "and neither is the analysed model, IC-18). Phase transitions are read from cut-off maps (Figures 4–6: "
             "each cell surely above, surely below or undecided against the cut-off).", ""]
    rows: list[tuple[str, ...]] = [("claim", "model and grid", "verdict", "key number")]
    for o in outcomes:
        rows.append((f"[{o.claim.id}](#{_anchor(o.claim.id)})", real.SETTING.get(o.claim.id, ""), _verdict_text(o),
                     o.finding.key if o.finding is not None else _one_line(o.error, 80)))
    return [*lines, *_table(rows), ""]


def markdown(outcomes: Sequence[Outcome], profile: Profile, records: list[RunRecord], store_path: str,
             command: str, drawn: Drawn | None = None, choices: Sequence[Cell] = (),
             panels: Sequence[tuple[str, str]] = (), search: Finding | None = None,
             paper: Sequence[dict[str, str]] = ()) -> str:
    """REPORT.md's text (a pure function of its arguments; ``drawn`` maps the report's own figures to their
    paths, as :func:`_figures` returns it; ``choices`` are the sensitivity study's stored cells, ``panels`` the
    (name, title) of its side-by-side figures, ``search`` its Figure 3 search, ``paper`` the paper-scale report's
    verdicts beside it, :func:`paper_scale_verdicts`)."""
    claims = [o for o in outcomes if not o.is_mutant]
    mutants = [o for o in outcomes if o.is_mutant]
    lines = ["# bovit report: Benign Overfitting in Adversarial Training for Vision Transformers", "",
             f"Profile `{profile.name}`, store `{store_path}`. Verdicts follow bovit's protocol (docs/PROTOCOL.md; "
             "its claims are docs/CLAIMS.md) "
             "(confirmed / refuted / inconclusive / out-of-scope); the recorded verdicts are checks/expected.py.",
             "", *synthesis(claims, profile, choices, search, paper), "## Provenance", "",
             *_provenance(records, profile, command), "",
             "## Summary", "",
             f"**Headline.** {headline(claims)}.", ""]
    for kind, (title, meaning) in SUMMARY_KINDS.items():
        of_kind = [o for o in claims if o.claim.kind == kind]
        if not of_kind and kind != "paper":
            continue
        rows: list[tuple[str, ...]] = [("claim", "statement", "source", "verdict", "key number", "matches recorded")]
        rows += [(f"[{o.claim.id}](#{_anchor(o.claim.id)})", _one_line(o.claim.statement),
                  _one_line(o.claim.source, 60), _verdict_text(o) + (" ‡" if o.claim.reading else ""),
                  o.finding.key if o.finding is not None else _one_line(o.error, 80), _matches(o)) for o in of_kind]
        lines += [f"### {title}", "", meaning, "", *(_table(rows) if of_kind else ["None."]), "",
                  f"{title}: {_kind_line(claims, kind)} ({_claims(len(of_kind))}).", ""]
        if any(o.claim.reading for o in of_kind):
            lines += ["‡ The verdict rests on bovit's reading of something the paper leaves open (the image "
                      "tokenisation, B.3's ℓ₁ radius, B.4's backbone); the claim's section says which, and the "
                      "second reading.", ""]
    problems = [p for o in claims if (p := o.problem) is not None]
    if problems:
        lines += ["Differences from the recorded verdicts:", ""] + [f"- {_cell(p)}" for p in problems] + [""]
    else:
        lines += ["Every finding matches its recorded verdict.", ""]
    lines += stability_section(claims, profile.stability_ulps)
    lines += tolerance_section(claims)
    lines += choices_section(choices, [(title, (drawn or {}).get(name, (None, ""))[0]) for name, title in panels],
                             search)
    lines += searched_section(outcomes)
    lines += bracket_section(brackets(records), *(drawn or {}).get(PLOT_NAME, (None, "")))
    lines += strength_section([o.claim for o in claims], {o.claim.id: claim_configs(o.claim, profile) for o in claims},
                              records)
    audited = [o for o in claims if o.claim.kind == AUDIT]
    if audited:
        arows: list[tuple[str, ...]] = [("item", "statement", "result", "key number", "matches recorded")]
        arows += [(f"[{o.claim.id}](#{_anchor(o.claim.id)})", _one_line(o.claim.statement), _verdict_text(o),
                   o.finding.key if o.finding is not None else _one_line(o.error, 80), _matches(o)) for o in audited]
        lines += ['<a id="condition-4-1-audit"></a>', "", "## Condition 4.1 audit", "",
                  "Condition 4.1's items at the paper's own experimental settings (Section 6 and Appendix B.1, every "
                  "hidden constant 1). The paper does not claim that its settings meet them, so an item is met or "
                  "unmet there, a finding about the experiments' regime, not about what the paper says (the one "
                  "such claim it makes, on item (5), is the paper claim S6.condition5). The stored verdict of a met "
                  "item is confirmed, of an unmet one refuted.", "", *_table(arows), "",
                  f"Condition 4.1 audit: {_kind_line(claims, AUDIT)} ({_claims(len(audited), 'item')}).", ""]
    lines += multinorm_section(records)
    lines += formulas_section()
    real_ids = {c.id for c in real.CLAIMS}
    for i, o in enumerate(claims):
        if o.claim.id in real_ids and not any(p.claim.id in real_ids for p in claims[:i]):
            lines += _real_overview([p for p in claims if p.claim.id in real_ids], profile)
        lines += _section(o, profile, store_path)
    if mutants:
        caught = sum(o.verdict == "refuted" for o in mutants)
        lines += ["## Mutation suite", "",
                  "Deliberately false variants of the claims (a wrong exponent, constant or factor), checked by the "
                  "same machinery; each must come out refuted.", ""]
        mrows: list[tuple[str, ...]] = [("mutant", "of", "statement", "verdict", "key number", "caught")]
        mrows += [(f"[{o.claim.id}](#{_anchor(o.claim.id)})", o.claim.mutant_of or "", _one_line(o.claim.statement),
                   _verdict_text(o), o.finding.key if o.finding is not None else _one_line(o.error, 80),
                   "yes" if o.verdict == "refuted" else
                   f"no (recorded: {why})" if (why := uncatchable(o.claim.id, o.profile)) else "NO")
                  for o in mutants]
        lines += [*_table(mrows), "",
                  f"Caught {caught} of {len(mutants)} mutants ({100 * caught / len(mutants):.0f}%).", "",
                  *catch_rates(claims, mutants), ""]
        for o in mutants:
            lines += _section(o, profile, store_path)
    return "\n".join(lines).rstrip("\n") + "\n"


def formulas_section() -> list[str]:
    """The paper's conditions, bounds, times and lemmas as bovit encodes them, as LaTeX generated from the sympy
    expressions the checks evaluate (bounds.latex; GitHub renders $…$)."""
    from bounds.latex import catalogue

    rows: list[tuple[str, ...]] = [("item", "source", "as bovit evaluates it")]
    rows += [(e.id, e.source, f"${e.latex}$") for e in catalogue()]
    return ['<a id="formulas"></a>', "", "## The paper's statements as bovit encodes them", "",
            "Generated from the expressions the checks evaluate (`bounds.latex`; `bovit query --latex` prints the "
            "same), with every hidden constant named (c_…, k_…) and log_b the paper's unspecified logarithm. A test "
            "parses the text written beside each expression and checks that it computes the same thing.", "",
            *_table(rows), ""]


def catch_rates(claims: Sequence[Outcome], mutants: Sequence[Outcome]) -> list[str]:
    """The mutation suite's catch rate per kind of the claim each mutant varies, and the paper and derived
    claims of the report that no mutant varies (each must have one: a verdict that cannot come out otherwise)."""
    kind_of = {o.claim.id: o.claim.kind for o in claims}
    rows: list[tuple[str, ...]] = [("kind of the claim varied", "mutants", "caught", "catch rate")]
    for kind in (*SUMMARY_KINDS, AUDIT):
        these = [o for o in mutants if kind_of.get(o.claim.mutant_of or "") == kind]
        if these:
            k = sum(o.verdict == "refuted" for o in these)
            rows.append((kind, str(len(these)), str(k), f"{100 * k / len(these):.0f}%"))
    varied = {o.claim.mutant_of for o in mutants}
    bare = [o.claim.id for o in claims if o.claim.kind in ("paper", "derived") and o.claim.id not in varied]
    return [*_table(rows), "", "Paper and derived claims without a mutant in this report: "
            + (", ".join(bare) if bare else "none") + "."]


def write(outcomes: Sequence[Outcome], profile: Profile, store: Store, out_dir: str | Path, command: str,
          trained: int = 0, store_label: str | None = None, formats: tuple[str, ...] = ()) -> Report:
    """Write ``out_dir/REPORT.md`` with ``out_dir/figures/*.png`` and every verdict, its evidence and the
    commands that reproduce it in ``out_dir/verdicts.json``, from the outcomes and the store's runs of
    their claims (read for the provenance only). ``command`` is the command line shown in the header."""
    out = _out_dir(out_dir)
    claims = [o.claim for o in outcomes]
    code = code_version()
    records = [r for c in read_configs(claims, profile, store) if (r := store.get(c.key(code))) is not None]
    out.mkdir(parents=True, exist_ok=True)
    cells = stored_cells(profile, store)
    panels = choices_plots(cells)
    done, figures, drawn = _figures(list(outcomes), out, bracket_plots(brackets(records)), formats, panels)
    _write_evidence(done, out, cells)
    path = out / "REPORT.md"
    label = store.path if store_label is None else store_label  # the store the runs are in (results: their origin)
    path.write_text(markdown(done, profile, records, label, command, drawn, cells,
                             [(name, title) for name, title, _ in panels], stored_search(profile, store),
                             paper_scale_verdicts(out)), encoding="utf-8")
    (out / "verdicts.json").write_text(verdicts_json(done, profile, label), encoding="utf-8")
    return Report(path, profile, tuple(done), len(records), trained, tuple(figures))


def _write_evidence(outcomes: Sequence[Outcome], out: Path, cells: Sequence[Cell] = ()) -> None:
    """Every long evidence table as out/evidence/<claim>.csv, and the sensitivity study's cells (claim, choice,
    verdict, key number) as out/evidence/choices.csv; CSV files there that nothing names any more (an earlier
    render's, in the folder bovit owns) are removed."""
    files: Mapping[str, Outcome] = {p: o for o in outcomes if (p := evidence_csv(o)) is not None}
    folder = out / EVIDENCE_DIR
    if not any(c.finding is not None for c in cells):
        cells = ()  # the study was not run: no cells file
    if files or cells:
        folder.mkdir(exist_ok=True)
    for rel, o in files.items():
        assert o.finding is not None
        (out / rel).write_text(csv_text(flag_diverging(o.finding)), encoding="utf-8")
    keep = set(files)
    if cells:
        rows = [("claim", "choice", "verdict", "data verdict", "key number", "note")]
        rows += [(c.claim, c.choice, c.finding.verdict if c.finding else "", (c.finding.data_verdict or "")
                  if c.finding else "", c.finding.key if c.finding else "", c.note) for c in cells]
        (folder / CHOICES_CSV).write_text(csv_text(rows), encoding="utf-8")
        keep.add(f"{EVIDENCE_DIR}/{CHOICES_CSV}")
    if folder.is_dir():
        for old in folder.glob("*.csv"):
            if f"{EVIDENCE_DIR}/{old.name}" not in keep:
                old.unlink()


def _out_dir(out_dir: str | Path) -> Path:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out_dir must be a directory, got the file {str(out)!r}")
    return out


def render(profile: Profile, store: Store, out_dir: str | Path, claims: Sequence[Claim], command: str,
           store_label: str | None = None, formats: tuple[str, ...] = ()) -> Report:
    """The report from the findings ``run`` stored, alone: never trains, never evaluates a check
    (``MissingFindings`` when a claim has no current finding; nothing is written then). ``store_label`` names the
    store in the report when it is not ``store.path`` (results loaded into memory, reports.results)."""
    if not claims:
        raise ValueError("claims must name at least one claim, got none")
    _out_dir(out_dir)
    return write(stored(claims, profile, store), profile, store, out_dir, command, store_label=store_label,
                 formats=formats)


def build(profile: Profile, store: Store, out_dir: str | Path, claims: Sequence[Claim], command: str,
          train: bool = True, show_progress: bool = True) -> Report:
    """Evaluate and write in one call, storing no finding: train what the claims need (unless ``train`` is
    false: then missing runs raise ``MissingRuns``), evaluate every claim from the store, and ``write``.
    ``run`` then ``render`` give the same files byte for byte.
    """
    if not claims:
        raise ValueError("claims must name at least one claim, got none")
    _out_dir(out_dir)
    outcomes, trained = evaluate(claims, profile, store, train=train, show_progress=show_progress)
    return write(outcomes, profile, store, out_dir, command, trained)
