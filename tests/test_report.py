"""``bovit run``, ``bovit report`` and ``bovit check``, and the figures they draw (reports/report.py,
reports/figures.py).

Everything runs at the ``ci`` profile against a temporary store, with two cheap claims (T4.3, IC-1.jump):
``bovit run`` trains and evaluates them once into the store's findings, and every report test renders
from those; the catalogue grows while other claims are added, so no test assumes its size. Figures are
tested with synthetic Plots of every kind, the report's layout with synthetic claims (no simulation),
and the Finding's round trip through the store with hand-made and hypothesis-drawn findings.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from clirun import run_cli
from hypothesis import given
from hypothesis import strategies as st

import reports.report as report_module
from checks import expected
from checks.catalogue import MUTANTS
from checks.claim import Claim, Finding, Plot, Records, Series, no_runs
from checks.profiles import PROFILES, Profile
from checks.stats import VERDICTS
from reports.figures import DPI, SIZE, cell_edges, render
from reports.report import (
    MissingFindings,
    build,
    checks_version,
    choose,
    profile_for,
    report_command,
    run,
    run_command,
    stored,
)
from reports.report import render as render_report
from simulate.store import FindingRecord, Store, code_version

CLAIMS = ("T4.3", "IC-1.jump")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature, its IHDR and its IEND."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    assert data[-8:-4] == b"IEND"
    return struct.unpack(">II", data[16:24])


# ---- a run and a report of two real claims at ci, shared by the CLI tests ------------------------


def files(out: Path) -> dict[str, bytes]:
    """Every file a report wrote, by its path relative to the report's folder."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("store") / "runs.sqlite")


@pytest.fixture(scope="module")
def first_run(store_path: str) -> tuple[int, str, str]:
    return run_cli(["run", "--scale", "ci", "--store", store_path, "--claims", *CLAIMS, "--no-progress"])


@pytest.fixture(scope="module")
def first_report(first_run: tuple[int, str, str], store_path: str,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str, Path]:
    out = tmp_path_factory.mktemp("report")
    code, stdout, stderr = run_cli(["report", "--scale", "ci", "--store", store_path, "--out", str(out),
                                    "--claims", *CLAIMS, "--no-progress"])
    return code, stdout, stderr, out


def test_run_trains_evaluates_and_stores_each_finding(first_run: tuple[int, str, str], store_path: str) -> None:
    code, stdout, stderr = first_run
    assert code == 0, stdout + stderr
    with Store(store_path) as store:
        runs = len(store)
        records = {r.claim: r for r in store.findings()}
    assert runs > 0
    assert stdout.splitlines()[0] == (f"run: 2 findings at profile ci stored in {store_path} "
                                      f"({runs} runs read, {runs} trained)")
    assert "verdicts: confirmed 2, refuted 0, inconclusive 0, out-of-scope 0\n" in stdout
    assert sorted(records) == sorted(CLAIMS)
    for claim_id, rec in records.items():
        assert (rec.profile, rec.images, rec.data_root, rec.error) == ("ci", "digits", "", "")
        assert (rec.checks, rec.code) == (checks_version(), code_version())
        assert rec.finding is not None and rec.finding["verdict"] == expected.EXPECTED[claim_id][0]
        assert isinstance(rec.finding["plots"], list)  # the figures are stored as data with the finding
    assert any(rec.finding["plots"] for rec in records.values() if rec.finding is not None)
    # a second run trains nothing, evaluates again and prints the same verdicts as JSON
    code, stdout, stderr = run_cli(["run", "--scale", "quick", "--store", store_path, "--claims", *CLAIMS,
                                    "--no-progress", "--json"])
    assert code == 0, stderr
    out = json.loads(stdout)
    assert (out["profile"], out["runs"], out["trained"], out["problems"]) == ("ci", runs, 0, [])
    assert out["verdicts"]["confirmed"] == 2 and [f["claim"] for f in out["findings"]] == list(CLAIMS)
    with Store(store_path) as store:
        assert len(store) == runs and len(store.findings()) == 2


def test_report_writes_provenance_summary_and_a_section_per_claim(first_report: tuple[int, str, str, Path],
                                                                  store_path: str) -> None:
    code, stdout, stderr, out = first_report
    assert code == 0, stdout + stderr
    md = (out / "REPORT.md").read_text(encoding="utf-8")
    with Store(store_path) as store:
        runs = len(store)
    assert stdout.startswith(f"report: {out / 'REPORT.md'} (")
    assert f"; {runs} runs read)\n" in stdout and "trained" not in stdout
    assert "verdicts: confirmed" in stdout
    assert runs > 0
    assert "## Provenance" in md and f"| runs | {runs} |" in md
    assert "runs' wall time, summed" in md and "not the job's time" in md and "| device | cpu |" in md
    assert f"claim checks {checks_version()})" in md
    assert "M=4, d=32, dh=6, dv=6" in md  # the ci profile's dims
    assert f"`bovit report --scale ci --store {store_path} --out {out} --claims T4.3 IC-1.jump`" in md
    assert "| claim | statement | source | verdict | key number | matches recorded |" in md
    for claim_id in CLAIMS:
        verdict = expected.EXPECTED[claim_id][0]
        row = next(line for line in md.splitlines() if line.startswith(f"| [{claim_id}]"))
        assert f"| {verdict} |" in row and row.endswith("| yes |")
        assert f"## {claim_id}: {verdict}" in md
        assert f"BOVIT_PROFILE=ci BOVIT_STORE={store_path} python -m pytest checks -k '{claim_id}'" in md
        assert f"bovit check {claim_id} --scale ci --store {store_path}" in md
    assert "**Evidence.**" in md and "**How bovit checks it.**" in md and "**Hypotheses.**" in md
    assert "Every finding matches its recorded verdict." in md
    assert "## Mutation suite" not in md


def test_report_renders_stored_findings_byte_identically_to_building_in_one_step(
        first_report: tuple[int, str, str, Path], store_path: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, _, out = first_report
    rendered = files(out)
    assert {"REPORT.md", "verdicts.json"} < set(rendered) and any(k.startswith("figures/") for k in rendered)
    profile = profile_for("ci")
    with Store(store_path) as store:
        runs = len(store)
        # today's path: train what is missing (nothing), evaluate, write, with the command the report showed
        build(profile, store, tmp_path, choose(list(CLAIMS)), report_command(profile, store_path, str(out),
                                                                              list(CLAIMS)), show_progress=False)
    # the same files; the results file beside them is bovit report's (the command line's), not build's
    assert files(tmp_path) == {k: v for k, v in rendered.items() if k != "results.json.gz"}
    # rendering again never trains or evaluates: with both made to fail, the files come out the same
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("bovit report evaluated or trained")

    monkeypatch.setattr(report_module, "evaluate", refuse)
    monkeypatch.setattr(report_module, "finding", refuse)
    monkeypatch.setattr("simulate.sweep.sweep", refuse)
    code, stdout, stderr = run_cli(["report", "--scale", "quick", "--store", store_path, "--out", str(out),
                                    "--claims", *CLAIMS, "--no-progress"])
    assert code == 0, stdout + stderr
    assert files(out) == rendered  # `quick` is the ci profile: the same report
    with Store(store_path) as store:
        assert len(store) == runs


def test_report_exits_1_and_names_the_claim_when_a_finding_differs(first_report: tuple[int, str, str, Path],
                                                                   store_path: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(expected.EXPECTED, "T4.3", ("refuted", "a deliberately wrong record"))
    code, stdout, _ = run_cli(["report", "--scale", "ci", "--store", store_path, "--out", str(tmp_path),
                               "--claims", "T4.3"])
    assert code == 1
    assert "differ from checks/expected.py" in stdout and "T4.3: observed confirmed, recorded refuted" in stdout
    md = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert "Differences from the recorded verdicts:" in md and "| no |" in md
    code, stdout, _ = run_cli(["report", "--scale", "ci", "--store", store_path, "--out", str(tmp_path),
                               "--claims", "T4.3", "--json"])
    assert code == 1 and json.loads(stdout)["problems"][0].startswith("T4.3: observed confirmed, recorded refuted")


def test_default_out_is_reports_slash_profile_for_other_scales(first_report: tuple[int, str, str, Path],
                                                               store_path: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr = run_cli(["report", "--scale", "quick", "--store", store_path, "--claims", "T4.3"])
    assert code == 0, stdout + stderr
    assert (tmp_path / "reports" / "ci" / "REPORT.md").is_file()
    assert not (tmp_path / "reports" / "REPORT.md").exists()  # the committed default report is left alone


def test_report_without_stored_findings_fails_in_one_line_and_trains_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    with Store(path):
        pass
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(["report", "--scale", "ci", "--store", str(path), "--out", str(out),
                                    "--claims", "T4.3", "IC-1.jump"])
    assert code == 2 and stdout == "" and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert stderr.startswith("bovit: error: claims must have findings from the current code at profile 'ci'")
    assert "no stored finding for T4.3, IC-1.jump" in stderr
    assert f"run `bovit run --scale ci --store {path} --claims T4.3 IC-1.jump` first" in stderr
    with Store(path) as store:
        assert len(store) == 0 and store.findings() == []
    assert not out.exists()
    # a store that does not exist is not created
    missing = tmp_path / "missing.sqlite"
    code, _, stderr = run_cli(["report", "--scale", "ci", "--store", str(missing), "--out", str(out)])
    assert code == 2 and stderr.count("\n") == 1 and "store must exist" in stderr
    assert f"run `bovit run --scale ci --store {missing}` first" in stderr and not missing.exists()


@pytest.mark.parametrize(("patched", "why"), [("checks_version", "findings made by other claim-check code"),
                                              ("code_version", "findings made by other simulation code")],
                         ids=["checks", "simulation"])
def test_report_refuses_findings_made_by_other_code(first_report: tuple[int, str, str, Path], store_path: str,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, patched: str,
                                                    why: str) -> None:
    monkeypatch.setattr(report_module, patched, lambda: "0123456789abcdef")  # the code has changed since `run`
    code, stdout, stderr = run_cli(["report", "--scale", "ci", "--store", store_path, "--out", str(tmp_path),
                                    "--claims", *CLAIMS, "L5.3", "--mutants"])  # L5.3 was never run
    assert code == 2 and stdout == "" and stderr.count("\n") == 1
    never = ", ".join(["L5.3", *(m.id for m in MUTANTS if m.mutant_of in (*CLAIMS, "L5.3"))])  # never run
    assert f"got no stored finding for {never}; {why} for T4.3, IC-1.jump; run `bovit run" in stderr
    assert f"run `bovit run --scale ci --store {store_path} --claims T4.3 IC-1.jump L5.3 --mutants` first" in stderr
    assert not (tmp_path / "REPORT.md").exists()


def test_check_prints_verdict_reason_and_evidence(first_report: tuple[int, str, str, Path], store_path: str) -> None:
    code, stdout, stderr = run_cli(["check", "T4.3", "IC-1.jump", "--scale", "ci", "--store", store_path,
                                    "--no-progress"])
    assert code == 0, stdout + stderr
    assert stdout.startswith(f"T4.3  {expected.EXPECTED['T4.3'][0]}  smallest exact reference error")
    assert f"\nIC-1.jump  {expected.EXPECTED['IC-1.jump'][0]}" in stdout
    assert "  reason: " in stdout and "recorded: matches checks/expected.py" in stdout
    assert "errors (attack)" in stdout and "robust errors below" in stdout  # the two evidence tables


def test_check_json_is_the_findings_as_dicts(first_report: tuple[int, str, str, Path], store_path: str) -> None:
    code, stdout, stderr = run_cli(["check", "T4.3", "--scale", "ci", "--store", store_path, "--json",
                                    "--no-progress"])
    assert code == 0, stderr
    items = json.loads(stdout)
    assert [i["claim"] for i in items] == ["T4.3"]
    item = items[0]
    assert set(item) == {"claim", "verdict", "reason", "key", "data_verdict", "scope", "evidence", "stability",
                         "health", "sensitivity", "settle", "diverging"}
    assert item["verdict"] == expected.EXPECTED["T4.3"][0]
    assert item["evidence"][0][0] == "classifier"
    kinds = [row[0].split("[")[0].split(":")[0] for row in item["evidence"][1:]]
    assert kinds == ["run"] * 4 + ["reference"] * 3  # the 4 runs at ci, then the exact reference classifiers


@pytest.mark.parametrize("argv", [
    ["run", "--scale", "big", "--claims", "T4.3"],
    ["report", "--scale", "big", "--claims", "T4.3"],
    ["check", "T4.3", "--scale", "big"],
], ids=["run", "report", "check"])
def test_a_bad_scale_is_rejected_with_the_valid_ones(argv: list[str], tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    code, _, stderr = run_cli([*argv, "--store", str(store)])
    assert code == 2
    assert "scale must be one of ci, quick, default, paper, thorough, got 'big'" in stderr
    assert not store.exists()


@pytest.mark.parametrize("argv", [
    ["run", "--scale", "ci", "--claims", "T4.3", "NOPE"],
    ["report", "--scale", "ci", "--claims", "T4.3", "NOPE"],
    ["check", "NOPE", "--scale", "ci"],
], ids=["run", "report", "check"])
def test_an_unknown_claim_is_rejected_with_the_valid_ids(argv: list[str], tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    code, stdout, stderr = run_cli([*argv, "--store", str(store), "--no-progress"])
    assert code == 2
    assert "'NOPE'" in stderr and "T4.3" in stderr and "IC-1" in stderr and "mutants:" in stderr
    assert not store.exists() and stdout == ""


def test_quick_is_the_ci_profile_and_mutants_follow_their_claims() -> None:
    assert profile_for("quick") == PROFILES["ci"] and profile_for("ci").images == "digits"
    with pytest.raises(ValueError, match="data_root must hold the cifar10 train files, got '/nonexistent'"):
        profile_for("ci", "cifar10", "/nonexistent")  # the files are read before anything trains

    chosen = choose(["IC-1"], mutants=True)
    assert chosen[0].id == "IC-1"
    assert all(m.mutant_of == "IC-1" for m in chosen[1:])
    assert [c.id for c in choose(["IC-1"])] == ["IC-1"]


# ---- the report's layout, from synthetic claims (no simulation) -----------------------------------


def _plots() -> tuple[Plot, ...]:
    nan = math.nan
    return (
        Plot("syn-lines", "Error against SNR", "lines", "SNR", "error",
             (Series("attack", (0.5, 1.0, 2.0, 8.0), (0.4, 0.2, nan, 0.01), (0.3, 0.1, 0.0, 0.0),
                     (0.5, 0.3, 0.1, 0.05), "points"),
              Series("bound", (0.5, 1.0, 2.0, 8.0), (0.6, 0.4, 0.2, 0.02), style="dashed"),
              Series("fit", (0.5, 8.0), (0.45, 0.02))),
             xlog=True, ylog=True, hlines=((0.25, "1/4"),), vlines=((1.5, "threshold"),)),
        Plot("syn-heatmap", "Robust error over (SNR, N)", "heatmap", "SNR", "N",
             (Series("predicted boundary", (0.5, 2.0, 8.0), (12.0, 6.0, 2.0), style="dashed"),),
             xlog=True, ylog=True, grid=((0.5, 0.4, nan), (0.3, 0.2, 0.1), (0.1, 0.05, 0.0)),
             xticks=(8.0, 0.5, 2.0), yticks=(2.0, 6.0, 12.0), zlabel="robust error"),
        Plot("syn-histogram", "Implied constants", "histogram", "Ĉ", "runs",
             (Series("seed 0", (0.0,) * 6, (0.1, 0.2, 0.2, 0.3, math.inf, 0.9)),
              Series("seed 1", (0.0,) * 3, (0.15, 0.25, 0.5))),
             vlines=((math.e / 2, "e/2"),)),
    )


def _with_plots(records: Records, profile: Profile) -> Finding:
    return Finding("SYN-1", "confirmed", "synthetic | with a pipe", "key 0.123",
                   evidence=(("a", "b"), ("1", "x|y")), plots=_plots())


def _broken(records: Records, profile: Profile) -> Finding:
    raise ZeroDivisionError("a synthetic failure")


def _mutant(records: Records, profile: Profile) -> Finding:
    return Finding("SYN-1.mutant", "confirmed", "the mutant slipped through", "k")


SYN_QUOTE = '"synthetic words" (L1–2)'
SYNTHETIC = (
    Claim("SYN-1", "derived", "A synthetic claim\nover two lines.", "nowhere", "It returns a fixed Finding.",
          no_runs, _with_plots, kind="paper", quote=SYN_QUOTE),
    Claim("SYN-ERR", "derived", "A claim whose check raises.", "nowhere", "It raises.", no_runs, _broken,
          kind="paper", quote=SYN_QUOTE),
    Claim("SYN-1.mutant", "derived", "A mutant that survives.", "nowhere", "As SYN-1.", no_runs, _mutant,
          mutant_of="SYN-1"),
)


@pytest.fixture
def memory_store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


def test_build_twice_gives_byte_identical_reports_and_figures(tmp_path: Path, memory_store: Store,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(expected.EXPECTED, "SYN-1", ("confirmed", "synthetic"))
    profile = PROFILES["ci"]
    (tmp_path / "a" / "figures").mkdir(parents=True)
    (tmp_path / "a" / "figures" / "stale.png").write_bytes(PNG_SIGNATURE)
    reports = [build(profile, memory_store, tmp_path / d, SYNTHETIC, "bovit report --claims SYN-1",
                     show_progress=False) for d in ("a", "b")]
    a, b = (tmp_path / d for d in ("a", "b"))
    assert (a / "REPORT.md").read_bytes() == (b / "REPORT.md").read_bytes()
    assert (a / "verdicts.json").read_bytes() == (b / "verdicts.json").read_bytes()
    items = {item["claim"]: item for item in json.loads((a / "verdicts.json").read_text(encoding="utf-8"))}
    assert items["SYN-1"]["verdict"] == "confirmed" and items["SYN-1"]["matches_recorded"] is True
    assert any("bovit check SYN-1 --scale ci" in cmd for cmd in items["SYN-1"]["reproduce"])
    names = sorted(p.name for p in (a / "figures").iterdir() if p.suffix == ".png")
    assert names == ["syn-heatmap.png", "syn-histogram.png", "syn-lines.png"]  # the stale one is gone
    # each figure's data beside it, the same on both builds
    assert sorted(p.name for p in (a / "figures").iterdir() if p.suffix == ".csv") == [
        n.replace(".png", ".csv") for n in names]
    lines_csv = (a / "figures" / "syn-lines.csv").read_text(encoding="utf-8").splitlines()
    assert lines_csv[0] == "series,x,y,lo,hi,value" and "attack,0.5,0.4,0.3,0.5," in lines_csv
    assert "attack,2.0,,0.0,0.1," in lines_csv  # a NaN point is an empty cell, not "nan"
    heat_csv = (a / "figures" / "syn-heatmap.csv").read_text(encoding="utf-8").splitlines()
    assert "robust error,8.0,2.0,,,0.5" in heat_csv and len(heat_csv) == 1 + 3 + 9  # header, boundary, 3×3 cells
    for name in names:
        data = (a / "figures" / name).read_bytes()
        assert data == (b / "figures" / name).read_bytes()
        assert png_size(data) == (round(SIZE[0] * DPI), round(SIZE[1] * DPI))
    report = reports[0]
    assert report.runs == 0 and report.trained == 0
    assert report.counts()["confirmed"] == 1 and report.counts()["error"] == 1  # the mutant is not counted
    problems = report.problems()
    assert any(p.startswith("SYN-ERR: the check raised ZeroDivisionError: a synthetic failure") for p in problems)
    assert any(p.startswith("mutant SYN-1.mutant survived") for p in problems)


def test_report_layout_error_rows_figures_and_mutants(tmp_path: Path, memory_store: Store,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(expected.EXPECTED, "SYN-1", ("confirmed", "synthetic"))
    build(PROFILES["ci"], memory_store, tmp_path, SYNTHETIC, "cmd", show_progress=False)
    md = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    syn = next(line for line in lines if line.startswith("| [SYN-1]("))
    assert "| A synthetic claim over two lines. |" in syn and syn.endswith("| confirmed | key 0.123 | yes |")
    err = next(line for line in lines if line.startswith("| [SYN-ERR]("))
    assert "| error |" in err and "ZeroDivisionError" in err and err.endswith("| no (error) |")
    assert "Paper claims: confirmed 1, refuted 0, inconclusive 0, out-of-scope 0, error 1 (2 claims)." in md
    assert "> A synthetic claim\n> over two lines." in md  # the statement as given
    assert "| 1 | x\\|y |" in md  # pipes in cells are escaped
    for name in ("syn-lines", "syn-heatmap", "syn-histogram"):
        assert f"(figures/{name}.png)" in md
    assert "**Error.** The check raised `ZeroDivisionError: a synthetic failure`" in md
    assert "## Mutation suite" in md and "Caught 0 of 1 mutants (0%)." in md
    assert "python -m pytest checks -k 'SYN-1.mutant' --mutants" in md
    assert "| runs | 0 |" in md and "| command | `cmd` |" in md


def _fixed(claim_id: str, verdict: str) -> Callable[[Records, Profile], Finding]:
    def check(records: Records, profile: Profile) -> Finding:
        return Finding(claim_id, verdict, f"fabricated {verdict}", f"key of {claim_id}")  # type: ignore[arg-type]

    return check


# one fabricated claim of each kind (and two audited items), with the verdict its check returns
KINDED = (
    ("PAP-1", "paper", "confirmed", "A paper claim.", '"the paper\'s words" (L10–12)'),
    ("PAP-2", "paper", "refuted", "Another paper claim.", '"more words" (L20)'),
    ("DER-1", "derived", "confirmed", "Derived: bovit's claim.", "from the proof of Theorem 4.3 (L14960–15014)"),
    ("SAN-1", "sanity", "confirmed", "Robust error is at least clean error.", "B(X, τ) holds X (L308–312)"),
    ("AUD-1", "audit", "confirmed", "An item that holds.", '"(6) an item" (L539–540)'),
    ("AUD-2", "audit", "refuted", "An item that fails.", '"(4) another item" (L482–492)'),
)


def _kinded(monkeypatch: pytest.MonkeyPatch) -> tuple[Claim, ...]:
    for cid, _, verdict, _, _ in KINDED:
        monkeypatch.setitem(expected.EXPECTED, cid, (verdict, "fabricated"))
    return tuple(Claim(cid, "derived", statement, "nowhere", "It returns a fixed Finding.", no_runs,
                       _fixed(cid, verdict), kind=kind, quote=quote)
                 for cid, kind, verdict, statement, quote in KINDED)


def _summary_parts(md: str) -> dict[str, str]:
    """The summary's text under each of its ### headings, and the Condition 4.1 audit section's."""
    summary = md.split("## Summary\n", 1)[1].split("\n## ", 1)[0]
    parts = {head.split("\n", 1)[0]: head for head in summary.split("### ")[1:]}
    parts["audit"] = md.split("## Condition 4.1 audit\n", 1)[1].split("\n## ", 1)[0]
    return parts


def test_the_summary_keeps_kinds_apart_and_reads_the_C4_audit_as_met_or_unmet(
        tmp_path: Path, memory_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    claims = _kinded(monkeypatch)
    built = [build(PROFILES["ci"], memory_store, tmp_path / d, claims, "cmd", show_progress=False) for d in "ab"]
    assert files(tmp_path / "a") == files(tmp_path / "b")  # still a pure function of the store
    md = (tmp_path / "a" / "REPORT.md").read_text(encoding="utf-8")
    assert ("**Headline.** Paper claims: confirmed 1, refuted 1, inconclusive 0, out-of-scope 0; derived: confirmed 1, "
            "refuted 0, inconclusive 0, out-of-scope 0; sanity checks (test the code, not the paper): confirmed 1, "
            "refuted 0, inconclusive 0, out-of-scope 0; Condition 4.1 audit: met 1, unmet 1.") in md
    assert built[0].headline() == md.split("**Headline.** ", 1)[1].split(".\n", 1)[0]
    parts = _summary_parts(md)
    assert set(parts) == {"Paper claims", "Derived claims", "Sanity checks", "audit"}
    # the sanity check is in the sanity table, never among the paper's claims or in their counts
    assert "| [SAN-1](" in parts["Sanity checks"] and "SAN-1" not in parts["Paper claims"]
    assert "Paper claims: confirmed 1, refuted 1, inconclusive 0, out-of-scope 0 (2 claims)." in parts["Paper claims"]
    assert "Sanity checks: confirmed 1, refuted 0, inconclusive 0, out-of-scope 0 (1 claim)." in parts["Sanity checks"]
    assert "| [DER-1](" in parts["Derived claims"] and "DER-1" not in parts["Paper claims"]
    assert not any(f"[{cid}](" in parts["Paper claims"] for cid in ("AUD-1", "AUD-2", "DER-1"))
    # the audited items: their own section, met / unmet in place of confirmed / refuted
    audit = parts["audit"]
    assert next(line for line in audit.splitlines() if line.startswith("| [AUD-1](")).endswith(
        "| met | key of AUD-1 | yes |")
    assert next(line for line in audit.splitlines() if line.startswith("| [AUD-2](")).endswith(
        "| unmet | key of AUD-2 | yes |")
    assert "Condition 4.1 audit: met 1, unmet 1 (2 items)." in audit
    assert "## AUD-2: unmet" in md and "**Verdict.** unmet (stored verdict: refuted) — key of AUD-2." in md
    assert "## PAP-2: refuted" in md and "**Verdict.** refuted — key of PAP-2." in md
    # each claim's section shows its kind and its quote
    assert "**Kind.** sanity: true by definition or construction for any model" in md
    assert "**Why it cannot come out otherwise.** B(X, τ) holds X (L308–312)" in md
    assert "**The paper's words.** \"the paper's words\" (L10–12)" in md
    assert "**Derived from.** from the proof of Theorem 4.3 (L14960–15014)" in md
    # verdicts.json: the stored verdict, with the kind and the quote
    items = {i["claim"]: i for i in json.loads((tmp_path / "a" / "verdicts.json").read_text(encoding="utf-8"))}
    assert (items["AUD-2"]["verdict"], items["AUD-2"]["kind"]) == ("refuted", "audit")
    assert items["SAN-1"]["kind"] == "sanity" and items["PAP-1"]["quote"] == '"the paper\'s words" (L10–12)'


def test_a_report_without_audited_items_has_no_C4_audit_section(tmp_path: Path, memory_store: Store,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    claims = [c for c in _kinded(monkeypatch) if c.kind in ("derived", "sanity")]
    build(PROFILES["ci"], memory_store, tmp_path, claims, "cmd", show_progress=False)
    md = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert "## Condition 4.1 audit" not in md and "Condition 4.1 audit:" not in md
    # no paper claim: the headline says so, and counts none
    assert ("**Headline.** Paper claims: confirmed 0, refuted 0, inconclusive 0, out-of-scope 0; derived: "
            "confirmed 1") in md
    assert "### Paper claims" in md and "None." in md


def test_run_then_render_equals_building_in_one_step(tmp_path: Path, memory_store: Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Error rows, a surviving mutant, NaN and ∞ in the figures: the stored findings render the same files."""
    monkeypatch.setitem(expected.EXPECTED, "SYN-1", ("confirmed", "synthetic"))
    profile = PROFILES["ci"]
    ran = run(SYNTHETIC, profile, memory_store, show_progress=False)
    assert (ran.runs, ran.trained, ran.counts()["confirmed"], ran.counts()["error"]) == (0, 0, 1, 1)
    assert ran.mutants_caught() == (0, 1) and len(ran.problems()) == 2
    assert ran.counts_line() == "confirmed 1, refuted 0, inconclusive 0, out-of-scope 0, error 1"
    failed = memory_store.get_finding("SYN-ERR", "ci")
    assert failed is not None and failed.finding is None and failed.error.startswith("ZeroDivisionError")
    rendered = render_report(profile, memory_store, tmp_path / "a", SYNTHETIC, "cmd")
    built = build(profile, memory_store, tmp_path / "b", SYNTHETIC, "cmd", show_progress=False)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert len(files(tmp_path / "a")) == 8  # REPORT.md, verdicts.json and three figures with their data
    assert rendered.outcomes == built.outcomes and rendered.problems() == built.problems()
    assert rendered.trained == 0 and rendered.mutants_caught() == (0, 1)


def test_render_refuses_missing_and_stale_findings_and_writes_nothing(tmp_path: Path, memory_store: Store) -> None:
    profile = PROFILES["ci"]
    with pytest.raises(MissingFindings, match=r"got no stored finding for SYN-1, SYN-ERR, SYN-1.mutant$"):
        render_report(profile, memory_store, tmp_path, SYNTHETIC, "cmd")
    run(SYNTHETIC, profile, memory_store, show_progress=False)
    assert [o.claim.id for o in stored(SYNTHETIC, profile, memory_store)] == [c.id for c in SYNTHETIC]
    syn = memory_store.get_finding("SYN-1", "ci")
    err = memory_store.get_finding("SYN-ERR", "ci")
    assert syn is not None and err is not None
    memory_store.put_findings([replace(syn, checks="other"), replace(err, code="other")])
    with pytest.raises(MissingFindings) as info:
        render_report(profile, memory_store, tmp_path, SYNTHETIC, "cmd")
    assert str(info.value) == ("claims must have findings from the current code at profile 'ci' in the store "
                               ":memory:, got findings made by other claim-check code for SYN-1; findings made by "
                               "other simulation code for SYN-ERR")
    with pytest.raises(MissingFindings, match=r"got no stored finding for SYN-1$"):  # another profile's are not used
        render_report(PROFILES["default"], memory_store, tmp_path, SYNTHETIC[:1], "cmd")
    assert not (tmp_path / "REPORT.md").exists()
    assert run_command(profile, "s.sqlite", ["SYN-1"], True) == ("bovit run --scale ci --store s.sqlite "
                                                                 "--claims SYN-1 --mutants")


def test_build_without_training_refuses_missing_runs(tmp_path: Path, memory_store: Store) -> None:
    from checks.catalogue import claim
    from checks.evaluate import MissingRuns

    with pytest.raises(MissingRuns, match="not in the store"):
        build(PROFILES["ci"], memory_store, tmp_path, (claim("T4.3"),), "cmd", train=False)
    assert len(memory_store) == 0 and not (tmp_path / "REPORT.md").exists()


# ---- the Finding's round trip through the store ---------------------------------------------------


def same(a: object, b: object) -> bool:
    """Equal with the same types all the way down (a tuple is not a list, 1 is not 1.0), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a.hex() == b.hex()  # type: ignore[arg-type]
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, Finding | Plot | Series):
        return all(same(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    return a == b


def through_store(f: Finding) -> Finding:
    with Store(":memory:") as store:
        store.put_findings([FindingRecord(f.claim, "ci", "digits", "", f.as_dict(plots=True), "", "c", "s")])
        rec = store.get_finding(f.claim, "ci")
    assert rec is not None and rec.finding is not None
    return Finding.from_dict(rec.finding)


def test_a_hand_made_finding_round_trips_through_the_store() -> None:
    plots = _plots()
    findings = [
        Finding("SYN-1", "confirmed", "synthetic | with a pipe", "key 0.123", evidence=(("a", "b"), ("1", "x|y")),
                plots=plots),
        Finding("SYN-2", "out-of-scope", "r", "", "refuted", "C4.1.1a fails", (), (plots[1],)),
        Finding("SYN-3", "inconclusive", "", plots=(Plot("ints", "t", "lines", "x", "y",
                                                         (Series("s", (1, 2, 3), (0, -0.0, 1e-300)),),
                                                         hlines=((2, "two"),)),)),
    ]
    for f in findings:
        back = through_store(f)
        assert same(back, f), f.claim
        assert back.as_dict() == f.as_dict() and not (back.as_dict() == f.as_dict(plots=True))
    assert math.isnan(through_store(findings[0]).plots[0].series[0].y[2])


_FLOATS = st.floats() | st.integers(-(2**60), 2**60)
_TEXT = st.text(max_size=6)
_FINITE = st.floats(allow_nan=False, allow_infinity=False, width=32)


@st.composite
def series(draw: st.DrawFn, n: int | None = None) -> Series:
    n = draw(st.integers(0, 4)) if n is None else n
    values = st.tuples(*[_FLOATS] * n)
    return Series(draw(_TEXT), draw(values), draw(values), draw(st.just(()) | values), draw(st.just(()) | values),
                  draw(st.sampled_from(["line", "points", "dashed"])))


@st.composite
def plots(draw: st.DrawFn) -> Plot:
    kind = draw(st.sampled_from(["lines", "heatmap", "histogram"]))
    rows, cols = (draw(st.integers(0, 3)), draw(st.integers(0, 3))) if kind == "heatmap" else (0, 0)
    ref = st.tuples(_FLOATS, _TEXT)
    return Plot(draw(st.from_regex(r"[a-z][a-z0-9_.-]{0,8}", fullmatch=True)), draw(_TEXT), kind, draw(_TEXT),
                draw(_TEXT), tuple(draw(st.lists(series(), max_size=3))), draw(st.booleans()), draw(st.booleans()),
                tuple(draw(st.lists(ref, max_size=2))), tuple(draw(st.lists(ref, max_size=2))),
                tuple(tuple(draw(st.lists(_FLOATS, min_size=cols, max_size=cols))) for _ in range(rows)),
                tuple(draw(st.lists(_FLOATS, min_size=cols, max_size=cols))),
                tuple(draw(st.lists(_FLOATS, min_size=rows, max_size=rows))), draw(_TEXT),
                draw(st.none() | st.just((0.0, 1.0)) | st.just((-2.5, 3.0))),
                tuple(draw(st.lists(st.tuples(_FINITE, _TEXT), max_size=3, unique_by=lambda lv: lv[0]))))


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    verdict = draw(st.sampled_from(VERDICTS))
    data = draw(st.none() | st.sampled_from(VERDICTS)) if verdict == "out-of-scope" else None
    width = draw(st.integers(1, 3))
    evidence = tuple(draw(st.lists(st.tuples(*[_TEXT] * width), max_size=3)))
    return Finding(draw(st.from_regex(r"[A-Z][A-Za-z0-9.-]{0,8}", fullmatch=True)), verdict, draw(st.text()),
                   draw(_TEXT), data, draw(_TEXT), evidence, tuple(draw(st.lists(plots(), max_size=2))))


@given(findings())
def test_any_finding_round_trips_through_the_store_exactly(f: Finding) -> None:
    assert same(through_store(f), f)


# ---- figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize("plot", _plots(), ids=lambda p: p.kind)
def test_every_kind_renders_to_a_deterministic_png(plot: Plot, tmp_path: Path) -> None:
    render(plot, tmp_path / "one" / "fig.png")
    render(plot, tmp_path / "two.png")
    data = (tmp_path / "one" / "fig.png").read_bytes()
    assert png_size(data) == (round(SIZE[0] * DPI), round(SIZE[1] * DPI))
    assert data == (tmp_path / "two.png").read_bytes()
    assert b"Software" not in data and b"tIME" not in data


def test_different_plots_give_different_pngs(tmp_path: Path) -> None:
    base = _plots()[0]
    other = Plot(base.name, base.title, base.kind, base.xlabel, base.ylabel, base.series[:1])
    render(base, tmp_path / "a.png")
    render(other, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() != (tmp_path / "b.png").read_bytes()


def test_a_categorical_heatmap_draws_fixed_colours_per_level_and_a_fixed_range_ignores_the_values(
        tmp_path: Path) -> None:
    from matplotlib.image import imread

    from reports.figures import LEVEL_COLOURS

    levels = ((0.0, "surely below"), (0.5, "undecided"), (1.0, "surely above"))
    # only two of the three levels present: "undecided" must not take the colour of "surely above"
    grid = ((0.0, 0.5), (0.5, 0.0))
    cat = Plot("cat", "cut-off map", "heatmap", "N", "SNR", grid=grid, xticks=(1.0, 2.0), yticks=(1.0, 2.0),
               levels=levels, zlabel="accuracy vs 0.75")
    render(cat, tmp_path / "cat.png")
    pixels = {tuple(int(255 * float(c) + 0.5) for c in px[:3]) for row in imread(tmp_path / "cat.png") for px in row}
    rgb = [tuple(int(LEVEL_COLOURS[k][i:i + 2], 16) for i in (1, 3, 5)) for k in range(3)]
    assert rgb[0] in pixels and rgb[1] in pixels  # both present levels in their own colours
    assert rgb[2] in pixels  # the absent level is still in the legend
    # a fixed range: the same low values give a different picture than the auto-scaled one
    low = ((0.1, 0.2), (0.3, 0.4))
    render(Plot("a", "t", "heatmap", "x", "y", grid=low, xticks=(1.0, 2.0), yticks=(1.0, 2.0)), tmp_path / "a.png")
    render(Plot("a", "t", "heatmap", "x", "y", grid=low, xticks=(1.0, 2.0), yticks=(1.0, 2.0), zrange=(0.0, 1.0)),
           tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() != (tmp_path / "b.png").read_bytes()
    with pytest.raises(ValueError, match="zrange"):
        Plot("z", "t", "heatmap", "x", "y", zrange=(1.0, 0.0))
    with pytest.raises(ValueError, match="levels"):
        Plot("z", "t", "heatmap", "x", "y", levels=((0.0, "a"), (0.0, "b")))


def test_empty_plots_still_render(tmp_path: Path) -> None:
    for kind in ("lines", "heatmap", "histogram"):
        render(Plot(f"empty-{kind}", "nothing", kind, "x", "y"), tmp_path / f"{kind}.png")  # type: ignore[arg-type]
        png_size((tmp_path / f"{kind}.png").read_bytes())


def test_cell_edges_are_midpoints_arithmetic_or_geometric() -> None:
    assert cell_edges([1.0, 2.0, 4.0]) == [0.5, 1.5, 3.0, 5.0]
    assert cell_edges([1.0, 4.0, 16.0], log=True) == pytest.approx([0.5, 2.0, 8.0, 32.0])
    assert cell_edges([3.0]) == [2.5, 3.5]
    assert cell_edges([3.0], log=True) == [1.5, 6.0]
    with pytest.raises(ValueError, match="strictly increasing"):
        cell_edges([2.0, 1.0])
    with pytest.raises(ValueError, match="log axis must be > 0"):
        cell_edges([0.0, 1.0], log=True)
    with pytest.raises(ValueError, match="must not be empty"):
        cell_edges([])


def test_the_report_needs_no_test_dependencies() -> None:
    """The main job installs bovit without its test extras: the report must not import pytest. (hypothesis is a
    dependency of the main job: the searched claims of checks.search draw their points with it.)"""
    import subprocess
    import sys

    code = ("import sys, cli.main, cli.commands, reports.report, checks.catalogue, checks.expected; "
            "bad = sorted(m for m in ('pytest', '_pytest') if m in sys.modules); "
            "sys.exit(', '.join(bad) or None)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the report imports {done.stderr.strip()}"


def _long(n: int) -> Callable[[Records, Profile], Finding]:
    def check(records: Records, profile: Profile) -> Finding:
        return Finding("LONG-1", "confirmed", "many rows", "k",
                       evidence=(("run", "value"), *((f"run {i}", f"{i},{i}") for i in range(n))))

    return check


def test_a_long_evidence_table_is_cut_in_the_section_and_whole_in_a_csv_beside_it(
        tmp_path: Path, memory_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import csv as csv_module

    from reports.report import EVIDENCE_INLINE

    monkeypatch.setitem(expected.EXPECTED, "LONG-1", ("confirmed", "synthetic"))
    claims = (Claim("LONG-1", "derived", "Many rows.", "nowhere", "Fixed.", no_runs, _long(EVIDENCE_INLINE + 15),
                    kind="paper", quote=SYN_QUOTE),)
    build(PROFILES["ci"], memory_store, tmp_path, claims, "cmd", show_progress=False)
    md = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert f"The first {EVIDENCE_INLINE} of {EVIDENCE_INLINE + 15} rows; every row in [evidence/" in md
    assert f"| run {EVIDENCE_INLINE - 1} |" in md and f"| run {EVIDENCE_INLINE} |" not in md
    files_ = list((tmp_path / "evidence").glob("*.csv"))
    assert len(files_) == 1 and files_[0].name in md
    rows = list(csv_module.reader(files_[0].open(encoding="utf-8")))
    assert rows[0] == ["run", "value"] and len(rows) == EVIDENCE_INLINE + 16 and rows[-1][1] == "34,34"
    # the whole table stays in verdicts.json too
    items = json.loads((tmp_path / "verdicts.json").read_text(encoding="utf-8"))
    assert len(items[0]["evidence"]) == EVIDENCE_INLINE + 16
    # a short table stands in the section, and the CSV an earlier render wrote is removed
    short = (Claim("LONG-1", "derived", "Few rows.", "nowhere", "Fixed.", no_runs, _long(3), kind="paper",
                   quote=SYN_QUOTE),)
    build(PROFILES["ci"], memory_store, tmp_path, short, "cmd", show_progress=False)
    assert not list((tmp_path / "evidence").glob("*.csv"))
    assert "| run 2 |" in (tmp_path / "REPORT.md").read_text(encoding="utf-8")


def test_the_report_opens_with_findings_per_question_and_the_limits(tmp_path: Path, memory_store: Store,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from reports.report import QUESTIONS

    # two claims of the first question, with fabricated findings: each bullet names them, their verdicts, keys, links
    first, ids = QUESTIONS[0]
    for cid in ids[:2]:
        monkeypatch.setitem(expected.EXPECTED, cid, ("refuted", "fabricated"))
    claims = tuple(Claim(cid, "derived", "A claim.", "nowhere", "Fixed.", no_runs, _fixed(cid, "refuted"),
                         kind="paper", quote=SYN_QUOTE) for cid in ids[:2])
    build(PROFILES["ci"], memory_store, tmp_path, claims, "cmd", show_progress=False)
    md = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    opening = md.split("## Provenance")[0]
    assert "## What bovit finds" in opening and "**Limits of what bovit can test.**" in opening
    bullet = next(line for line in opening.splitlines() if line.startswith(f"- *{first}*"))
    for cid in ids[:2]:
        assert f"[{cid}](#claim-{cid.replace('.', '-')}) **refuted** (key of {cid})" in bullet
    questions = [line for line in opening.splitlines() if line.startswith("- *") and not line.startswith("- **")]
    assert len(questions) == 1  # questions without claims are left out
    # the limits follow the profile: ci has no stability check and is not the paper's scale
    assert "does not re-evaluate its verdicts on perturbed runs" in opening and "profile ci" in opening


def test_render_only_rebuilds_the_report_byte_for_byte_from_the_results_beside_it(
        first_report: tuple[int, str, str, Path], store_path: str, tmp_path: Path) -> None:
    import gzip

    from reports.results import RESULTS_FILE

    code, stdout, stderr, out = first_report
    assert code == 0, stdout + stderr
    written = files(out)
    assert RESULTS_FILE in written
    doc = json.loads(gzip.decompress(written[RESULTS_FILE]))
    with Store(store_path) as store:
        assert len(doc["runs"]) == len(store) and all("margins" not in r["result"] for r in doc["runs"])
    assert [f["claim"] for f in doc["findings"]] == list(CLAIMS) and doc["store"] == store_path
    # a clone holds the report's folder only: no store, the results file beside REPORT.md
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / RESULTS_FILE).write_bytes(written[RESULTS_FILE])
    code, stdout, stderr = run_cli(["report", "--scale", "ci", "--out", str(clone), "--claims", *CLAIMS,
                                    "--render-only", "--store", str(tmp_path / "absent.sqlite"), "--no-progress"])
    assert code == 0, stdout + stderr
    assert files(clone) == written  # the markdown, verdicts.json, figures and the results themselves
    assert not (tmp_path / "absent.sqlite").exists()  # no store was made


def test_render_only_refuses_a_missing_or_foreign_results_file_in_one_line(tmp_path: Path) -> None:
    from reports.results import RESULTS_FILE

    for content in (None, b"not gzip", __import__("gzip").compress(b'{"format": 99}')):
        if content is not None:
            (tmp_path / RESULTS_FILE).write_bytes(content)
        before = files(tmp_path)
        code, stdout, stderr = run_cli(["report", "--scale", "ci", "--out", str(tmp_path), "--claims", *CLAIMS,
                                        "--render-only", "--no-progress"])
        assert code == 2 and stdout == "" and len(stderr.strip().splitlines()) == 1, stderr
        assert "results must be" in stderr and RESULTS_FILE in stderr
        assert files(tmp_path) == before  # nothing written


def test_report_refuses_an_output_folder_it_cannot_write_before_any_work(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    target = tmp_path / "ro"
    target.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == target else real_access(p, mode))
    code, _, stderr = run_cli(["report", "--scale", "ci", "--out", str(target / "sub"), "--render-only"])
    assert code == 2 and len(stderr.strip().splitlines()) == 1 and "out must be a folder bovit can write" in stderr
    assert list(target.iterdir()) == []
    (tmp_path / "f.txt").write_text("x")
    code, _, stderr = run_cli(["report", "--scale", "ci", "--out", str(tmp_path / "f.txt"), "--render-only"])
    assert code == 2 and "out must be a folder, got the file" in stderr


def test_verdicts_json_holds_evidence_numbers_as_numbers() -> None:
    from reports.report import evidence_value

    assert evidence_value("1.27e-06") == 1.27e-06 and evidence_value("496") == 496 and evidence_value("-0.16") == -0.16
    assert evidence_value("7.08 [5.78, 8.68]") == {"estimate": 7.08, "interval": [5.78, 8.68]}
    assert evidence_value("47/117") == {"count": 47, "of": 117}
    for text in ("yes", "N=2", "0.5%", "run 3", "34,34", ""):
        assert evidence_value(text) == text
    committed = json.loads((Path(__file__).resolve().parents[1] / "reports" / "verdicts.json").read_text("utf-8"))
    cells = [c for item in committed for row in item.get("evidence") or [] if isinstance(row, list) for c in row]
    assert any(isinstance(c, float) for c in cells)  # the committed report's numbers are numbers
    assert all(evidence_value(c) == c for c in cells if isinstance(c, str))  # and no number is left as text


def test_figures_for_papers_as_svg_and_pdf_the_same_on_every_render(tmp_path: Path) -> None:
    plot = _plots()[0]
    for folder in ("a", "b"):
        render(plot, tmp_path / folder / "f.png", ("svg", "pdf"))
    for ext in ("png", "svg", "pdf"):
        a, b = (tmp_path / "a" / f"f.{ext}").read_bytes(), (tmp_path / "b" / f"f.{ext}").read_bytes()
        assert a == b and len(a) > 1000, ext
    assert (tmp_path / "a" / "f.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (tmp_path / "a" / "f.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match="formats must be among svg, pdf"):
        render(plot, tmp_path / "c.png", ("eps",))


def test_the_opening_lists_the_paper_scale_reports_verdicts(tmp_path: Path) -> None:
    """A paper-scale report beside the default one (reports/paper/verdicts.json) gives the opening a bullet with
    its claims' verdicts, linked, its mutants left out; none, or an unreadable file, gives no bullet."""
    from reports.report import paper_scale_line, paper_scale_verdicts

    assert paper_scale_verdicts(tmp_path) == [] and paper_scale_line([]) == ""
    (tmp_path / "paper").mkdir()
    (tmp_path / "paper" / "verdicts.json").write_text("not json", encoding="utf-8")
    assert paper_scale_verdicts(tmp_path) == []
    items = [{"claim": "EB.1.fig3", "verdict": "refuted", "data_verdict": None, "key": "entropy 0.4",
              "mutant_of": None},
             {"claim": "EB.1.fig3.mutant.reversed", "verdict": "refuted", "mutant_of": "EB.1.fig3"}]
    (tmp_path / "paper" / "verdicts.json").write_text(json.dumps(items), encoding="utf-8")
    paper = paper_scale_verdicts(tmp_path)
    assert [p["claim"] for p in paper] == ["EB.1.fig3"]
    line = paper_scale_line(paper)
    assert line.startswith("at the paper's own sizes ([paper/REPORT.md](paper/REPORT.md)")
    assert "[EB.1.fig3](paper/REPORT.md#" in line and "**refuted**" in line and "entropy 0.4" in line
    assert "mutant" not in line
