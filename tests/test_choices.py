"""The sensitivity study over the choices the paper leaves open (simulate.grid.SENSITIVITY, checks.choices,
reports.choices) and Figure 1's stable-step companions (simulate.grid's fig1-stable, checks.experiments)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from checks.catalogue import CLAIMS, MUTANTS
from checks.choices import DEFAULTS, Cell, Fig3Setting, configs_under
from checks.claim import Finding
from checks.experiments import stable_id
from checks.profiles import PROFILES
from reports.choices import choices_line, choices_section, search_finding
from reports.figures import render_panels
from simulate.config import AttackSpec, RunConfig
from simulate.grid import (
    SECTION6_ETA,
    SENSITIVITY,
    STABLE_ETA_MU2,
    applies,
    preset,
    scale,
    sensitivity_choice,
    sensitivity_runs,
    under,
)
from tests.clirun import run_cli

BASE = RunConfig(N=12, snr=2.0, d=256, M=8, dh=32, dv=32, T_max=300)


def test_each_choice_changes_exactly_its_fields() -> None:
    for choice in SENSITIVITY:
        c = under(choice, BASE)
        changed = {f.name for f in dataclasses.fields(RunConfig) if getattr(c, f.name) != getattr(BASE, f.name)}
        wanted = {k.partition(".")[0] for k, _ in choice.changes}
        assert changed == wanted, choice.name
        assert c.key("v") != BASE.key("v"), choice.name  # a new run, never the default's stored one


def test_the_attack_choices_reach_the_attacks() -> None:
    c = under(sensitivity_choice("train-last"), BASE)
    assert c.attack.iterate == "last" and c.test_attack.iterate == "best"
    c = under(sensitivity_choice("restarts"), BASE)
    assert (c.attack.random_start, c.attack.restarts, c.test_attack.random_start, c.test_attack.restarts) == (
        True, 2, True, 2)


def test_a_choice_does_not_apply_where_the_grid_sets_its_field() -> None:
    eta = sensitivity_choice("eta-0.01")
    assert not applies(eta, BASE.replace(eta=0.001))
    assert not applies(sensitivity_choice("test-last"), BASE.replace(test_attack=AttackSpec(kind="apgd")))
    with pytest.raises(ValueError, match=r"choice eta-0\.01 does not apply to run"):
        under(eta, BASE.replace(eta=0.001))
    # L5.4's grid sweeps η: the step-size choice is not applicable there, every other choice is
    assert configs_under("L5.4", "eta-0.01", PROFILES["default"]) is None
    assert configs_under("L5.4", "w_O-half", PROFILES["default"]) is not None


def test_unknown_choices_fail_in_one_line() -> None:
    with pytest.raises(ValueError, match=r"choice must be one of train-last, .*got 'fast'"):
        sensitivity_choice("fast")
    with pytest.raises(ValueError, match=r"choice must be defaults or one of .*got 'x'"):
        configs_under("IC-1", "x", PROFILES["ci"])


def test_the_reduced_grid_keeps_three_seeds_and_every_other_snr() -> None:
    full = preset("fig1", "default").configs()
    reduced = sensitivity_runs(full)
    snrs = sorted({c.snr for c in full})
    assert {c.seed for c in reduced} == {0, 1, 2}
    assert sorted({c.snr for c in reduced}) == sorted({*snrs[::2], snrs[-1]})
    assert {c.N for c in reduced} == {c.N for c in full}
    twins = [c.replace(perturb=1) for c in full[:3]]
    assert sensitivity_runs(twins) == []


def test_the_stable_grid_keeps_every_step_stable() -> None:
    for name in ("ci", "default"):
        s = scale(name)
        for c in preset("fig1-stable", name).configs():
            assert c.eta <= SECTION6_ETA
            assert c.eta * c.signal_norm ** 2 <= STABLE_ETA_MU2 * 1.001, (name, c.snr, c.eta)
            assert c.T_max > s.T_max
        cells = {(c.N, c.snr, c.seed) for c in preset("fig1-stable", name).configs()}
        assert cells == {(c.N, c.snr, c.seed) for c in preset("fig1", name).configs()}


def test_every_figure_1_claim_has_a_stable_step_companion_with_its_mutant() -> None:
    ids = {c.id: c for c in CLAIMS + MUTANTS}
    for parent in ("E6.claim.boundary", "E6.claim.curves", "S.monotone-snr"):
        comp = ids[stable_id(parent)]
        assert comp.presets == ("fig1-stable",) and comp.kind == ids[parent].kind
        assert "stable step" in comp.statement
        mutants = [m for m in MUTANTS if m.mutant_of == comp.id]
        assert mutants and all(m.presets == ("fig1-stable",) for m in mutants)
    assert stable_id("E6.claim.boundary.mutant.slope-1") == "E6.claim.boundary.stable-eta.mutant.slope-1"


def _setting(*verdicts: str) -> Fig3Setting:
    return Fig3Setting((("eta", 0.1),), tuple((f"s{i}", v) for i, v in enumerate(verdicts)),  # type: ignore[misc]
                       ((0.02, 0.5),))


def test_the_search_confirms_only_a_setting_where_every_statement_holds() -> None:
    assert search_finding([_setting("confirmed", "confirmed"), _setting("refuted", "confirmed")]).verdict == "confirmed"
    f = search_finding([_setting("refuted", "confirmed"), _setting("confirmed", "refuted")])
    assert f.verdict == "refuted" and f.key == "0 of 2 settings reproduce Figure 3"
    assert search_finding([_setting("refuted", "confirmed"), _setting("inconclusive", "confirmed")]).verdict == (
        "inconclusive")
    with pytest.raises(ValueError, match="settings must not be empty"):
        search_finding([])


def _cell(claim: str, choice: str, verdict: str | None) -> Cell:
    f = None if verdict is None else Finding(claim, verdict, "r", "k")  # type: ignore[arg-type]
    return Cell(claim, choice, f, "" if f else "not run: no finding")


def test_the_section_says_which_claims_hinge_on_which_choice() -> None:
    cells = [_cell("A", DEFAULTS, "refuted"), _cell("A", "eta-0.01", "refuted"), _cell("A", "w_O-half", "refuted"),
             _cell("B", DEFAULTS, "confirmed"), _cell("B", "eta-0.01", "inconclusive"), _cell("B", "w_O-half", None)]
    text = "\n".join(choices_section(cells))
    assert "**A** is robust to the choices: refuted under bovit's defaults and under all 2 alternatives" in text
    assert "**B** hinges on 1 of 1 choices: confirmed under bovit's defaults, but eta-0.01 → inconclusive" in text
    assert "| B | confirmed | inconclusive | not run |" in text
    assert choices_line(cells).startswith("- *Do the findings survive the choices the paper leaves open?* [1 of 2]")
    assert "Not run at this profile" in "\n".join(choices_section([_cell("A", DEFAULTS, "refuted")]))
    assert choices_line([]) == ""


def test_panels_are_drawn_the_same_every_time(tmp_path: Path) -> None:
    from checks.claim import Plot, Series

    plots = [Plot(f"p{i}", f"panel {i}", "lines", "t", "y", (Series("s", (0.0, 1.0, 2.0), (1.0, 0.5 * i, 0.2)),))
             for i in range(3)]
    render_panels(plots, tmp_path / "a.png", "three panels", columns=2)
    render_panels(plots, tmp_path / "b.png", "three panels", columns=2)
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    with pytest.raises(ValueError, match="columns must be an integer >= 1, got 0"):
        render_panels(plots, tmp_path / "c.png", "x", columns=0)


@pytest.mark.parametrize("argv, message", [
    (["run", "--sensitivity", "--mutants"], "mutants must not be combined with --sensitivity"),
    (["run", "--sensitivity", "--claims", "T4.2.1"], "claims must be among the study's"),
])
def test_bad_sensitivity_requests_fail_in_one_line(argv: list[str], message: str, tmp_path: Path) -> None:
    code, _, err = run_cli([*argv, "--scale", "ci", "--store", str(tmp_path / "s.sqlite")])
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "s.sqlite").exists()


def test_the_reports_opening_holds_at_most_twelve_bullets_with_the_choices_line() -> None:
    from reports.report import QUESTIONS

    assert len(QUESTIONS) + 1 <= 12


def test_bad_choices_and_runs_fail_in_one_line() -> None:
    from simulate.grid import Choice

    with pytest.raises(ValueError, match=r"changes must name RunConfig fields .*got 'attack\.speed'"):
        Choice("x", "c", "d", "a", (("attack.speed", 2),))
    with pytest.raises(ValueError, match=r"changes must name RunConfig fields .*got 'colour'"):
        Choice("x", "c", "d", "a", (("colour", 2),))
    with pytest.raises(ValueError, match=r"choice must be a simulate\.grid\.Choice, got str"):
        applies("eta-0.01", BASE)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="c must be a RunConfig, got dict"):
        under(sensitivity_choice("eta-0.01"), {"N": 2})  # type: ignore[arg-type]


def test_the_study_stores_its_cells_and_the_report_reads_them_back(tmp_path: Path) -> None:
    """IC-1 at ci under every choice, end to end: run_study trains and stores each cell's finding, stored_cells
    reads the same verdicts back without training, and a run with other findings' code reads them as not run."""
    from checks.choices import study
    from reports.choices import cell_id, run_study, stored_cells
    from simulate.store import Store

    profile = PROFILES["ci"]
    with Store(tmp_path / "s.sqlite") as store:
        cells, trained = run_study(profile, store, ("IC-1",), show_progress=False)
        assert trained > 0 and len(cells) == 1 + len(SENSITIVITY)
        back = stored_cells(profile, store, ("IC-1",))
        assert [(c.choice, c.verdict) for c in back] == [(c.choice, c.verdict) for c in cells]
        assert [c.verdict for c in study(profile, store, ("IC-1",))] == [c.verdict for c in cells]
        rec = store.get_finding(cell_id("IC-1", DEFAULTS), profile.name)
        assert rec is not None and rec.finding is not None
        store.put_findings([dataclasses.replace(rec, checks="0" * 16)])
        again = stored_cells(profile, store, ("IC-1",))
        assert again[0].finding is None and again[0].note.startswith("not run")
