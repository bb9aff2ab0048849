"""The report's "Searched points" section (reports/searched.py), rendered from a search's Finding as the store
gives it back: its points in the order drawn, its worst point and the command that trains that point's run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bounds import formulas
from checks.catalogue import claim
from checks.claim import Finding
from checks.profiles import PROFILES
from checks.search import COLUMNS, Drawn, summarise_constant, sweep_command
from checks.stats import bonferroni_level
from reports.report import checks_version, render
from reports.searched import searched_section
from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import FindingRecord, RunRecord, Store, code_version

BASE = RunConfig(N=8, snr=0.5, d=32, M=4, dh=6, dv=6, tau_rel=0.05, eps=0.04, eta=0.0625, n_test=400)
# the second point has the smaller g and the more errors: the smallest constant, the worst point
POINTS = ((BASE, 20, 30), (dataclasses.replace(BASE, snr=0.4, mu=None, seed=1), 150, 170),
          (dataclasses.replace(BASE, snr=0.9, mu=None), 2, 4))


def _finding(claim_id: str) -> Finding:
    seen = []
    for c, attack, cert in POINTS:
        fields = {f.name: None for f in dataclasses.fields(RunResult)}
        result = RunResult(**{**fields, "iterations": 10, "converged": True,  # type: ignore[arg-type]
                              "final_robust_loss": 0.01, "final_clean_loss": 0.01, "n_test": c.n_test,
                              "clean_errors": 0, "robust_errors_attack": attack, "robust_errors_certified": cert,
                              "at_tau_rel": {}})
        rec = RunRecord("k", {}, result, [], 0.0, "c", 0.0)
        seen.append(Drawn(c, rec, ("inconclusive", 0.0, "")))
    # steering values as the search computes them, so that the worst row is the judge's
    from checks.search import SEARCHES

    level = bonferroni_level(0.95, 2 * 4)
    judge = SEARCHES["T4.2.3.search"].judge
    seen = [Drawn(d.config, d.record, judge(d.config, d.record, level)) for d in seen]
    return summarise_constant(claim_id, seen, formulas.G_ROBUST, 0.0, level)


def _stored(tmp_path: Path, claim_id: str) -> Store:
    store = Store(str(tmp_path / "s.sqlite"))
    store.put_findings([FindingRecord(claim_id, "ci", "digits", "", _finding(claim_id).as_dict(plots=True), "",
                                      checks_version(), code_version())])
    return store


def test_the_section_renders_the_stored_points_and_the_worst_points_command(tmp_path: Path) -> None:
    with _stored(tmp_path, "T4.2.3.search") as store:
        rec = store.get_finding("T4.2.3.search", "ci")
        assert rec is not None and rec.finding is not None
        found = Finding.from_dict(rec.finding)

    class Stored:
        def __init__(self) -> None:
            self.claim, self.finding = claim("T4.2.3.search"), found

    lines = searched_section([Stored()])
    text = "\n".join(lines)
    assert "## Searched points" in text and "### T4.2.3.search (of T4.2.3)" in text
    for c, attack, cert in POINTS:
        assert c.label() in text and f"robust errors {attack} (attack) – {cert} (certified)" in text
    worst = POINTS[1][0]
    assert f"Worst point: draw 2, {worst.label()}" in text
    assert sweep_command(worst) in lines
    assert sweep_command(POINTS[0][0]) not in lines  # the command is shown for the worst point only
    assert COLUMNS[-1] not in lines[lines.index("### T4.2.3.search (of T4.2.3)") + 4]  # no command column


def test_the_report_has_the_section_from_stored_findings_alone(tmp_path: Path) -> None:
    with _stored(tmp_path, "T4.2.3.search") as store:
        report = render(PROFILES["ci"], store, tmp_path / "out", [claim("T4.2.3.search")], "bovit report")
    text = report.path.read_text(encoding="utf-8")
    assert "## Searched points" in text
    assert sweep_command(POINTS[1][0]) in text.splitlines()


def test_no_search_among_the_outcomes_gives_no_section() -> None:
    class Plain:
        def __init__(self) -> None:
            self.claim, self.finding = claim("T4.3"), Finding("T4.3", "confirmed", "r")

    assert searched_section([Plain()]) == []


def test_a_finding_without_points_says_so() -> None:
    class Empty:
        def __init__(self) -> None:
            self.claim, self.finding = claim("T4.3.search"), Finding("T4.3.search", "inconclusive", "r")

    assert "*No searched points were stored with this finding.*" in searched_section([Empty()])
