"""The two nouns of the claim suite: a Claim (one checkable statement of CLAIMS.md) and its Finding.

A claim names the runs it reads (``simulate.grid`` presets, at the profile's scale) and a pure ``check``
that turns those runs into a Finding: confirmed / refuted / inconclusive / out-of-scope, with the evidence.
The same claims drive `pytest checks` (one test per claim, the ID in the test id) and `bovit report` (one section per
claim), so a verdict in the report is the verdict the suite records, derived from the same store.

A mutant is a deliberately false variant of a claim (a wrong exponent, constant, factor or slope) run
through the same machinery: the suite must refute it (`pytest checks --mutants`).

Every claim declares its kind (``KINDS``), so that what the paper says stays apart from what bovit adds:

- ``paper``: the paper states it; ``quote`` holds the paper's exact words with their lines, as one or more
  segments ``"…words…" (L1304–1312)`` (the PDF's broken lines joined, its hyphenation dropped, nothing else;
  `` … `` inside a segment skips words between two verbatim pieces, in order, within the same lines);
- ``derived``: follows from the paper's own argument, but the paper does not state it (a sharpened bound, a
  converse, a heuristic of CLAIMS.md, a stronger form); its statement says so ("Derived…") and ``quote``
  names what it is derived from, with lines;
- ``sanity``: true by definition or construction for any model, so it tests the code, not the paper;
  ``quote`` says why it cannot come out otherwise;
- ``audit``: an item of Condition 4.1 evaluated at the paper's own experimental settings, which the paper does
  not claim to meet: the verdict says met (confirmed) or unmet (refuted); ``quote`` is the item's words.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from bounds.formulas import Formula
from checks.profiles import Profile
from checks.stats import VERDICTS, Verdict
from simulate.config import RunConfig
from simulate.grid import PRESETS, preset
from simulate.results import RadiusResult, RunResult
from simulate.store import RunRecord

Records = Sequence[tuple[RunConfig, RunRecord]]


def attacked_errors(result: RunResult, r: float | None = None) -> int:
    """The attacked robust error count that every claim reads, at the run's τ (``r`` None) or at the extra radius
    ``r`` (a key of ``result.at_tau_rel``): the test points where the test attack or the evaluation's stronger
    attack found an error.

    The stronger attack (``simulate.train.stronger_attack``) runs on the first ``strong_points`` test points only,
    at τ and at every extra radius, and its count there is already the union with the test attack's; so the union
    over all points is the test attack's count plus what the stronger attack added on its subset. Each counted
    point carries an error an attack found, so this is a lower estimate of the robust error like either count
    alone, and never below the test attack's. Without the stronger attack's counts (ViT runs) it is the test
    attack's count."""
    if not isinstance(result, RunResult):
        raise ValueError(f"result must be a RunResult, got {type(result).__name__}")
    if r is not None and r not in result.at_tau_rel:
        raise ValueError(f"r must be one of the run's extra radii {sorted(result.at_tau_rel)}, got {r!r}")
    at: RunResult | RadiusResult = result if r is None else result.at_tau_rel[r]
    strong, own = at.strong_errors_attack, at.default_errors_on_strong_points
    added = 0 if strong is None or own is None else max(0, strong - own)
    return at.robust_errors_attack + added


def companion_id(claim_id: str, tag: str) -> str:
    """A companion claim's ID (the same claim under a second reading or setting): ``.tag`` after the parent claim's
    ID, before ``.mutant.`` (so a mutant's companion is the companion's mutant)."""
    head, sep, tail = claim_id.partition(".mutant.")
    return f"{head}.{tag}{sep}{tail}"


def retitled(check: Callable[[Records, Profile], Finding], note: str) -> Callable[[Records, Profile], Finding]:
    """``check`` whose figures' titles end with `` (note)``: a companion's figures say what sets them apart."""

    def run(records: Records, profile: Profile) -> Finding:
        f = check(records, profile)
        return dataclasses.replace(f, plots=tuple(dataclasses.replace(p, title=f"{p.title} ({note})")
                                                  for p in f.plots))

    return run


GROUPS = ("conditions", "theorem42", "theorem43", "lemmas", "experiments", "derived")
KINDS = ("paper", "derived", "sanity", "audit")
# what each kind means, as the report says it
KIND_MEANING: dict[str, str] = {
    "paper": "the paper states it",
    "derived": "bovit's derived claim: it follows from the paper's own argument, but the paper does not state it",
    "sanity": "true by definition or construction for any model: it tests the code, not the paper",
    "audit": "an item of Condition 4.1 audited at the paper's own settings (met / unmet), which the paper does "
             "not claim to meet",
}
# one quoted segment: "…words…" (L12–34) or (L12)
_SEGMENT = re.compile(r'"(?P<text>[^"]+)" \(L(?P<first>\d+)(?:[–-](?P<last>\d+))?\)')


def quote_segments(quote: str) -> list[tuple[str, int, int]]:
    """The quoted segments of a claim's ``quote``: (words, first line, last line), in order."""
    out = []
    for m in _SEGMENT.finditer(quote):
        first = int(m["first"])
        last = int(m["last"]) if m["last"] else first
        out.append((m["text"], first, last))
    return out


@dataclass(frozen=True)
class Series:
    """One curve, point set or bar set of a Plot: x, y and optional interval bounds (same length)."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    lo: tuple[float, ...] = ()
    hi: tuple[float, ...] = ()
    style: Literal["line", "points", "dashed"] = "line"

    def __post_init__(self) -> None:
        n = len(self.x)
        if len(self.y) != n:
            raise ValueError(f"series {self.label!r}: y must have len(x) = {n} values, got {len(self.y)}")
        for name, values in (("lo", self.lo), ("hi", self.hi)):
            if values and len(values) != n:
                raise ValueError(f"series {self.label!r}: {name} must be empty or have {n} values, got {len(values)}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Series:
        """The Series back from ``as_dict()``, also after a JSON round trip (lists become tuples again)."""
        return cls(data["label"], tuple(data["x"]), tuple(data["y"]), tuple(data["lo"]), tuple(data["hi"]),
                   data["style"])


@dataclass(frozen=True)
class Plot:
    """A figure as data, which ``reports.figures`` renders to PNG (checks never import matplotlib).

    ``kind``: ``lines`` (series over x, with error bars from lo/hi), ``heatmap`` (``grid[i][j]`` at
    y = ``yticks[i]``, x = ``xticks[j]``, with series drawn on top in the same coordinates) or
    ``histogram`` (each series' ``y`` values binned). ``hlines``/``vlines`` are reference lines
    (value, label), e.g. a bound or a threshold. A heatmap's colours span ``zrange`` when given (e.g. (0, 1) for
    accuracies, so that two maps read alike), else its values; with ``levels`` ((value, label), …) it is
    categorical: every cell holds one of the values, drawn in that level's fixed colour, with a legend instead of a
    colour bar.
    """

    name: str
    title: str
    kind: Literal["lines", "heatmap", "histogram"]
    xlabel: str
    ylabel: str
    series: tuple[Series, ...] = ()
    xlog: bool = False
    ylog: bool = False
    hlines: tuple[tuple[float, str], ...] = ()
    vlines: tuple[tuple[float, str], ...] = ()
    grid: tuple[tuple[float, ...], ...] = ()
    xticks: tuple[float, ...] = ()
    yticks: tuple[float, ...] = ()
    zlabel: str = ""
    zrange: tuple[float, float] | None = None
    levels: tuple[tuple[float, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.name or any(ch in self.name for ch in "/\\ "):
            raise ValueError(f"plot name must be a file stem without spaces or slashes, got {self.name!r}")
        if self.kind == "heatmap":
            if len(self.grid) != len(self.yticks) or any(len(row) != len(self.xticks) for row in self.grid):
                raise ValueError(f"plot {self.name!r}: a heatmap grid must be len(yticks) × len(xticks)")
        if self.zrange is not None and not (len(self.zrange) == 2 and self.zrange[0] < self.zrange[1]):
            raise ValueError(f"plot {self.name!r}: zrange must be (low, high) with low < high, got {self.zrange!r}")
        values = [v for v, _ in self.levels]
        if len(set(values)) != len(values):
            raise ValueError(f"plot {self.name!r}: levels must have distinct values, got {self.levels!r}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Plot:
        """The Plot back from ``as_dict()``, also after a JSON round trip (lists become tuples again)."""
        return cls(data["name"], data["title"], data["kind"], data["xlabel"], data["ylabel"],
                   tuple(Series.from_dict(s) for s in data["series"]), data["xlog"], data["ylog"],
                   tuple(tuple(h) for h in data["hlines"]), tuple(tuple(v) for v in data["vlines"]),
                   tuple(tuple(row) for row in data["grid"]), tuple(data["xticks"]), tuple(data["yticks"]),
                   data["zlabel"], tuple(data["zrange"]) if data.get("zrange") is not None else None,
                   tuple((float(v), str(lab)) for v, lab in data.get("levels", ())))


@dataclass(frozen=True)
class Finding:
    """A claim's verdict at one profile, with its evidence.

    ``verdict`` is what the suite records. When the simulated points do not meet the claim's hypotheses
    it is ``out-of-scope``, and ``data_verdict`` says what the data alone would say. ``key`` is the one
    number a summary table shows; ``evidence`` is a table (header row first) the report prints.
    """

    claim: str
    verdict: Verdict
    reason: str
    key: str = ""
    data_verdict: Verdict | None = None
    scope: str = ""
    evidence: tuple[tuple[str, ...], ...] = ()
    plots: tuple[Plot, ...] = ()
    # the stability check (checks.stability): "" when the profile does not check it, "stable", or
    # "unstable: <verdict> as drawn, <verdict> with …" (the verdict is then inconclusive)
    stability: str = ""
    # the runs' training health (checks.health.summary; header row first) and, per tolerance the verdict reads
    # (checks.tolerances), its value and the verdicts at half and at twice it: (name, value, at ½, at 2×)
    health: tuple[tuple[str, ...], ...] = ()
    sensitivity: tuple[tuple[str, ...], ...] = ()
    # for an undecided verdict: what more data would settle it at the observed effect (checks.power), or ""
    settle: str = ""
    # the labels of the diverging runs the verdict read (checks.health.diverging), flagged in the evidence
    diverging: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, got {self.verdict!r}")
        if self.data_verdict is not None and self.data_verdict not in VERDICTS:
            raise ValueError(f"data_verdict must be one of {', '.join(VERDICTS)}, got {self.data_verdict!r}")
        if self.data_verdict is not None and self.verdict != "out-of-scope":
            raise ValueError(f"data_verdict is only for out-of-scope findings, got verdict {self.verdict!r}")
        widths = {len(row) for row in self.evidence}
        if len(widths) > 1:
            raise ValueError(f"evidence rows must all have the same length, got lengths {sorted(widths)}")

    def as_dict(self, *, plots: bool = False) -> dict[str, object]:
        """The finding as plain values; with ``plots``, its figures too (what the store keeps)."""
        out: dict[str, object] = {"claim": self.claim, "verdict": self.verdict, "reason": self.reason,
                                  "key": self.key, "data_verdict": self.data_verdict, "scope": self.scope,
                                  "evidence": [list(row) for row in self.evidence], "stability": self.stability,
                                  "health": [list(row) for row in self.health],
                                  "sensitivity": [list(row) for row in self.sensitivity],
                                  "settle": self.settle, "diverging": list(self.diverging)}
        if plots:
            out["plots"] = [p.as_dict() for p in self.plots]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The Finding back from ``as_dict()`` (with its plots if they were included), also after a JSON
        round trip: lists become the tuples the fields hold, every value otherwise as it was."""
        return cls(data["claim"], data["verdict"], data["reason"], data["key"], data["data_verdict"], data["scope"],
                   tuple(tuple(row) for row in data["evidence"]),
                   tuple(Plot.from_dict(p) for p in data.get("plots", ())), data.get("stability", ""),
                   tuple(tuple(row) for row in data.get("health", ())),
                   tuple(tuple(row) for row in data.get("sensitivity", ())), data.get("settle", ""),
                   tuple(data.get("diverging", ())))


def scoped(claim: str, in_scope: bool, scope: str, verdict: Verdict, reason: str, key: str = "",
           evidence: tuple[tuple[str, ...], ...] = (), plots: tuple[Plot, ...] = ()) -> Finding:
    """A Finding for a claim with hypotheses: out of scope unless they hold, keeping the data's verdict."""
    if in_scope:
        return Finding(claim, verdict, reason, key, None, scope, evidence, plots)
    return Finding(claim, "out-of-scope", reason, key, verdict, scope, evidence, plots)


# the presets of a claim checked without simulation (symbolic claims): none
no_runs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    """One checkable statement of CLAIMS.md: its ID, the paper's words, its source, and how bovit checks it.

    ``presets`` names the ``simulate.grid`` presets whose runs it reads (``{images}`` stands for the profile's
    image data set; ``grid_options`` are passed to each preset, e.g. a mutant's threshold); ``check(records,
    profile)`` derives the Finding from them (it never trains); the Finding carries its figures as data
    (``Plot``). ``formulas`` are the ``bounds.formulas`` the check evaluates (a mutant substitutes one).
    ``mutant_of`` marks a deliberately false variant of another claim, which must come out refuted.
    ``reading`` says where the verdict rests on bovit's reading of something the paper leaves open.
    ``kind`` (one of :data:`KINDS`) and ``quote`` say whether the paper states the claim, in which words
    and at which lines, or what bovit derived it from (see the module's docstring); every claim but a
    mutant must declare them.
    """

    id: str
    group: str
    statement: str
    source: str
    how: str
    presets: tuple[str, ...]
    check: Callable[[Records, Profile], Finding]
    mutant_of: str | None = None
    hypotheses: str = ""
    formulas: tuple[Formula, ...] = ()
    grid_options: tuple[tuple[str, object], ...] = ()
    kind: str = ""
    quote: str = ""
    # where the verdict rests on bovit's reading of something the paper leaves open: which reading, and the
    # second reasonable one (run, or why not); "" when the claim reads nothing the paper leaves open
    reading: str = ""

    def __post_init__(self) -> None:
        if not self.id or " " in self.id:
            raise ValueError(f"id must be a non-empty claim ID without spaces, got {self.id!r}")
        if self.group not in GROUPS:
            raise ValueError(f"group must be one of {', '.join(GROUPS)}, got {self.group!r}")
        unknown = [p for p in self.presets if p.replace("{images}", "digits") not in PRESETS]
        if unknown:
            raise ValueError(f"presets must be simulate.grid presets, got {unknown} for {self.id}")
        if self.mutant_of is not None and not self.kind:
            return  # a mutant is no claim about the paper
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r} for {self.id}")
        if not self.quote.strip():
            raise ValueError(f"quote must say where the claim comes from, got none for {self.id} (kind {self.kind})")
        if self.kind in ("paper", "audit") and not quote_segments(self.quote):
            raise ValueError(f'quote must hold the paper\'s words as "…" (Lfirst–last) for the {self.kind} claim '
                             f"{self.id}, got {self.quote!r}")
        if self.kind == "derived" and not self.statement.startswith("Derived"):
            raise ValueError(f"statement must say it is bovit's derived claim (start with 'Derived') for "
                             f"{self.id}, got {self.statement!r}")

    def configs(self, profile: Profile) -> list[RunConfig]:
        """The runs the claim reads at a profile: its presets' runs at the profile's scale, each once."""
        out: list[RunConfig] = []
        for name in self.presets:
            options = dict(self.grid_options)
            if "{images}" in name:
                name = name.format(images=profile.images)
                options["data_root"] = profile.data_root
            out += preset(name, profile.name, **options).configs()
        return list(dict.fromkeys(out))

    def evaluate(self, records: Records, profile: Profile) -> Finding:
        """The Finding, checked to be about this claim."""
        finding = self.check(records, profile)
        if finding.claim != self.id:
            raise RuntimeError(f"the check of {self.id} returned a finding about {finding.claim}")
        return finding
