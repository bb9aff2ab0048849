"""The report's section on the choices the paper leaves open: the headline claims under each alternative.

``bovit run --sensitivity`` (:func:`run_study`) trains the study's runs (checks.choices: the headline claims'
reduced grids under bovit's defaults and under each alternative of simulate.grid.SENSITIVITY alone), evaluates
each (claim, choice) cell and stores its finding under the ID ``<claim>@<choice>`` with the current code
versions, as ``bovit run`` stores a claim's. The report reads them back (:func:`stored_cells`, never training or
evaluating) and prints the table claim × choice, which findings hold under every alternative and which hinge on
one, and Figure 1's robust-accuracy map and Figure 3's entropy curves side by side under the alternatives.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from checks.choices import (
    DEFAULTS,
    HEADLINE,
    Cell,
    Fig3Setting,
    cell,
    configs_under,
    fig3_runs,
    fig3_search,
    study,
    study_configs,
)
from checks.claim import Finding, Plot
from checks.profiles import Profile
from checks.tolerances import FACTORS, scaled, tol
from reports.extras import table
from simulate.grid import FIG3_SEARCH, SENSITIVITY
from simulate.store import FindingRecord, Store, code_version

__all__ = [
    "CHOICES_CSV",
    "CHOICE_NAMES",
    "FIG1_PANEL",
    "FIG3_PANEL",
    "SEARCH_ID",
    "cell_id",
    "choices_line",
    "choices_plots",
    "choices_section",
    "run_study",
    "search_finding",
    "stored_cells",
    "stored_search",
]

CHOICES_CSV = "choices.csv"  # the cells as data, in the report's evidence folder

FIG1_PANEL = "choices-fig1b-robust-accuracy"
FIG3_PANEL = "choices-fig3b-entropy"
# the plots of the headline findings drawn side by side: (panel figure, claim, plot name)
_PANELS = ((FIG1_PANEL, "E6.claim.boundary", "fig1b_robust_accuracy"), (FIG3_PANEL, "EB.1.fig3", "fig3b_entropy"))


def cell_id(claim: str, choice: str) -> str:
    """The ID a cell's finding is stored under: ``<claim>@<choice>``."""
    return f"{claim}@{choice}"


CHOICE_NAMES: tuple[str, ...] = (DEFAULTS, *(c.name for c in SENSITIVITY))  # the study's columns, in order
SEARCH_ID = cell_id("EB.1.fig3", "search")  # Figure 3's search over choices, stored as one finding


def search_finding(settings: Sequence[Fig3Setting], at: Mapping[float, int] | None = None) -> Finding:
    """Figure 3's search as a finding: confirmed when some setting reproduces every statement of the paper's
    Figure 3 in every seed, refuted when every setting fails some statement in every seed, else inconclusive;
    one evidence row per setting. ``at`` maps a factor on FIG3_NEAR_ZERO to the settings reproducing there."""
    if not settings:
        raise ValueError("settings must not be empty")
    names = [k for k, _ in settings[0].values]
    sids = [sid for sid, _ in settings[0].verdicts]
    taus = [r for r, _ in settings[0].entropies]
    rows: list[tuple[str, ...]] = [(*names, *sids, *(f"entropy/log M at {r:g}" for r in taus), "reproduces")]
    for st in settings:
        values = (f"{v:g}" if isinstance(v, float) else str(v) for _, v in st.values)
        rows.append((*values, *(v for _, v in st.verdicts), *(f"{e:.2f}" for _, e in st.entropies),
                     "yes" if st.reproduces else "no"))
    good = [st for st in settings if st.reproduces]
    failing = [st for st in settings if any(v == "refuted" for _, v in st.verdicts)]
    verdict = "confirmed" if good else "refuted" if len(failing) == len(settings) else "inconclusive"
    fails: dict[str, int] = {}
    for st in settings:
        for sid, v in st.verdicts:
            if v == "refuted":
                fails[sid] = fails.get(sid, 0) + 1
    which = "; ".join(", ".join(f"{k} = {v}" for k, v in st.values) for st in good)
    failed = ", ".join(f"{sid} at {k} setting{'s' if k != 1 else ''}" for sid, k in fails.items()) or "none"
    reason = (f"{len(good)} of {len(settings)} settings of {' × '.join(names)} reproduce every statement in every "
              f"seed{': ' + which if good else ''}; statements failing in every seed: {failed}")
    if at:
        reason += "; settings reproducing with FIG3_NEAR_ZERO at " + ", ".join(
            f"{f:g}×: {k}" for f, k in sorted(at.items()))
    key = f"{len(good)} of {len(settings)} settings reproduce Figure 3"
    return Finding(SEARCH_ID, verdict, reason, key, evidence=tuple(rows))  # type: ignore[arg-type]


def run_study(profile: Profile, store: Store, claims: Sequence[str] = HEADLINE, *,
              show_progress: bool = True) -> tuple[list[Cell], int]:
    """Train the study's runs the store lacks, evaluate every cell and store each finding; (cells, runs trained)."""
    from reports.report import checks_version
    from simulate.sweep import sweep

    summary = sweep(study_configs(profile, claims), store, show_progress=show_progress)
    cells = study(profile, store, claims)
    checks, code = checks_version(), code_version()
    found = [(cell_id(c.claim, c.choice), c.finding) for c in cells if c.finding is not None]
    if "EB.1.fig3" in claims and (runs := fig3_runs(profile, store)):
        at: dict[float, int] = {}
        for factor in FACTORS:  # the same runs read once, judged at half and twice FIG3_NEAR_ZERO
            with scaled("FIG3_NEAR_ZERO", factor):
                at[factor] = sum(st.reproduces for st in fig3_search(runs))
        found.append((SEARCH_ID, search_finding(fig3_search(runs), at)))
    store.put_findings([FindingRecord(i, profile.name, profile.images, profile.data_root, f.as_dict(plots=True), "",
                                      checks, code) for i, f in found])
    return cells, summary.trained


def stored_search(profile: Profile, store: Store) -> Finding | None:
    """Figure 3's search as ``run_study`` stored it, or None (not run, or by other code)."""
    from reports.report import checks_version

    rec = store.get_finding(SEARCH_ID, profile.name, profile.images, profile.data_root)
    if rec is None or rec.finding is None or rec.checks != checks_version() or rec.code != code_version():
        return None
    return Finding.from_dict(rec.finding)


def stored_cells(profile: Profile, store: Store, claims: Sequence[str] = HEADLINE) -> list[Cell]:
    """Every (claim, choice) cell as ``run_study`` stored it: ``n/a`` cells from the grid, and ``not run`` where the
    store holds no finding of the current code for the cell."""
    from reports.report import checks_version

    checks, code = checks_version(), code_version()
    out = []
    for claim in claims:
        for choice in CHOICE_NAMES:
            if configs_under(claim, choice, profile) is None:
                out.append(cell(claim, choice, profile, store))  # n/a: decided by the grid, reads no run
                continue
            rec = store.get_finding(cell_id(claim, choice), profile.name, profile.images, profile.data_root)
            if rec is None or rec.finding is None or rec.checks != checks or rec.code != code:
                out.append(Cell(claim, choice, None, "not run: no finding of the current code; run `bovit run "
                                                     f"--sensitivity --scale {profile.name}`"))
            else:
                out.append(Cell(claim, choice, Finding.from_dict(rec.finding)))
    return out


def choices_plots(cells: Sequence[Cell]) -> list[tuple[str, str, list[Plot]]]:
    """The side-by-side figures: (name, title, panels), each panel one choice's plot titled by the choice."""
    out = []
    for name, claim, plot_name in _PANELS:
        panels = []
        for c in cells:
            if c.claim != claim or c.finding is None:
                continue
            plot = next((p for p in c.finding.plots if p.name == plot_name), None)
            if plot is not None:
                panels.append(dataclasses.replace(plot, name=f"{name}-{c.choice}", title=f"{c.choice}: {c.verdict}"))
        if panels:
            title = next(p.title for c in cells if c.claim == claim and c.finding is not None
                         for p in c.finding.plots if p.name == plot_name)
            out.append((name, f"{title}, under each choice (reduced grid)", panels))
    return out


def _flips(cells: Sequence[Cell]) -> list[tuple[str, Cell | None, list[Cell], list[Cell], list[str]]]:
    """Per claim: (claim, its defaults' cell when run, the alternatives run, those whose verdict differs from the
    defaults', the alternatives not applicable or not run)."""
    out = []
    for claim in dict.fromkeys(c.claim for c in cells):
        mine = [c for c in cells if c.claim == claim]
        base = next((c for c in mine if c.choice == DEFAULTS and c.finding is not None), None)
        run = [c for c in mine if c.choice != DEFAULTS and c.finding is not None]
        flips = [c for c in run if base is not None and c.verdict != base.verdict]
        skipped = [c.choice for c in mine if c.finding is None and c.choice != DEFAULTS]
        out.append((claim, base, run, flips, skipped))
    return out


def choices_line(cells: Sequence[Cell], search: Finding | None = None) -> str:
    """The synthesis bullet: how many headline claims keep their verdict under every alternative run, which hinge
    on which choice, and Figure 3's search; "" when the study is not stored."""
    judged = [(claim, flips) for claim, base, run, flips, _ in _flips(cells) if base is not None and run]
    if not judged:
        return ""
    hinge = [(claim, flips) for claim, flips in judged if flips]
    text = (f"- *Do the findings survive the choices the paper leaves open?* [{len(judged) - len(hinge)} of "
            f"{len(judged)}](#choices) headline claims keep their verdict under every alternative run")
    if hinge:
        text += "; " + "; ".join(f"{claim} changes under {', '.join(c.choice for c in flips)}"
                                 for claim, flips in hinge)
    if search is not None:
        text += f"; Figure 3's search: {search.key}"
    return text + "."


def _robustness(cells: Sequence[Cell]) -> list[str]:
    """One line per claim: holds under every alternative run, or which alternatives change its verdict."""
    lines = []
    for claim, base, run, flips, skipped in _flips(cells):
        if base is None or not run:
            lines.append(f"- **{claim}**: not run under the alternatives yet.")
            continue
        tail = f" ({', '.join(skipped)}: not applicable or not run)" if skipped else ""
        if not flips:
            lines.append(f"- **{claim}** is robust to the choices: {base.verdict} under bovit's defaults and under "
                         f"all {len(run)} alternatives run{tail}.")
        else:
            moved = "; ".join(f"{c.choice} → {c.verdict}" for c in flips)
            lines.append(f"- **{claim}** hinges on {len(flips)} of {len(run)} choices: {base.verdict} under bovit's "
                         f"defaults, but {moved}{tail}.")
    return lines


def _search_lines(search: Finding | None) -> list[str]:
    axes = "; ".join(f"{k} ∈ {{{', '.join(f'{v:g}' if isinstance(v, float) else str(v) for v in vs)}}}"
                     for k, vs in FIG3_SEARCH.items())
    lines = ["### Figure 3 under other choices", "",
             f"Under bovit's defaults attention does not concentrate at τ/‖µ‖ = 0.02 as Appendix B.1's Figure 3 shows "
             "(EB.1.fig3). The search trains Figure 3's runs (its three radii, every seed of the scale) at every "
             f"setting of {axes} (simulate.grid.FIG3_SEARCH), and checks at each the paper's own Figure 3 statements: "
             "EB.1.a (the loss reaches ε at 0.02 and 0.1 and fails to decrease at 0.5), EB.1.b (faster at 0.02), "
             "B.1's part of EB.1.c at its levels (final entropy/log M at most FIG3_NEAR_ZERO = "
             f"{tol('FIG3_NEAR_ZERO'):g} at 0.02, 'nearly zero', and at least 1 − FIG3_NEAR_ZERO at 0.1, 'remains "
             "high') and EB.1.d (‖W_V‖ grows most at 0.1, least at 0.5); a setting reproduces Figure 3 when every "
             "statement holds in every seed.", ""]
    if search is None:
        return [*lines, "Not run at this profile: `bovit run --sensitivity` trains and evaluates it.", ""]
    return [*lines, f"**{search.key}** ({search.verdict}): {search.reason}.", "", *table(search.evidence), ""]


def choices_section(cells: Sequence[Cell], figures: Sequence[tuple[str, str | None]] = (),
                    search: Finding | None = None) -> list[str]:
    """The section's markdown lines; ``figures`` are (title, path relative to the report or None when not drawn),
    ``search`` Figure 3's search as stored."""
    lines = ['<a id="choices"></a>', "", "## Sensitivity to the choices the paper leaves open", "",
             "Section 6 does not report these choices (CLAIMS.md IC-10); bovit fixes one reading of each (its "
             "defaults, listed under Limits and in the provenance). Each row below is one alternative, taken alone "
             "from the defaults; the headline claims are re-evaluated by their own checks on reduced grids (the "
             "first 3 seeds, every other SNR of Figure 1's axis; simulate.grid.sensitivity_runs), so the defaults' "
             "column can differ from the full-grid verdicts above. Made by `bovit run --sensitivity`; no stability "
             "check is repeated here.", ""]
    crow: list[tuple[str, ...]] = [("name", "choice", "bovit's default", "alternative")]
    crow += [(c.name, c.choice, c.default, c.alternative) for c in SENSITIVITY]
    lines += [*table(crow), ""]
    if not cells or all(c.finding is None for c in cells if c.choice != DEFAULTS):
        return [*lines, "Not run at this profile: `bovit run --sensitivity` trains and evaluates the study.", "",
                *_search_lines(search)]
    choices = list(dict.fromkeys(c.choice for c in cells))
    by = {(c.claim, c.choice): c for c in cells}
    rows: list[tuple[str, ...]] = [("claim", *choices)]
    for claim in dict.fromkeys(c.claim for c in cells):
        rows.append((claim, *(by[(claim, ch)].verdict if (claim, ch) in by else "" for ch in choices)))
    lines += ["Verdicts (in parentheses: the claim is out of scope, as every Theorem 4.2 and Section 5 claim on "
              "simulated runs is; the data's verdict is shown). n/a: the claim's grid sets the choice's field "
              "itself.", "", *table(rows), ""]
    krows: list[tuple[str, ...]] = [("claim", "choice", "verdict", "key number")]
    krows += [(c.claim, c.choice, c.verdict, c.finding.key) for c in cells if c.finding is not None]
    lines += ["<details><summary>The key number of every cell</summary>", "", *table(krows), "", "</details>", "",
              "**Which findings hold under every choice.**", "", *_robustness(cells), ""]
    lines += [f"Every cell as data: [evidence/{CHOICES_CSV}](evidence/{CHOICES_CSV}).", ""]
    for title, path in figures:
        lines += [f"![{title}]({path})" if path else f"*{title}: not drawn.*", ""]
    return [*lines, *_search_lines(search)]
