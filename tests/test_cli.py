"""Behaviour of the ``bovit`` command line: ``query``, ``solve`` and ``audit``.

Expected numbers are computed here from the paper's formulas (Condition 4.1, Theorem 4.2,
Theorem 4.3), never copied from bovit's output. Points whose solutions are checked are re-evaluated
through the library (``bounds.regime.regime``) at the solved value and just past it.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from clirun import run_cli
from hypothesis import given
from hypothesis import strategies as st
from strategies import log_uniform

from bounds.params import Params
from bounds.presets import PRESETS
from bounds.regime import regime
from bounds.solve import solve
from bounds.symbolic import ItemResult

ROOT = Path(__file__).resolve().parents[1]

# Condition 4.1's items as the claim catalogue numbers them (CLAIMS.md §2).
C41_IDS = ("C4.1.1a", "C4.1.1b", "C4.1.2", "C4.1.3a", "C4.1.3b", "C4.1.3c", "C4.1.4",
           "C4.1.5a", "C4.1.5b", "C4.1.5c", "C4.1.6")
# Items that need η, σ_V or σ_h: (4), (5a), (5b), (5c).
NEEDS_TRAINING = {"C4.1.4", "C4.1.5a", "C4.1.5b", "C4.1.5c"}
REGIMES = {"case1", "case2", "thm4.3", "gap", "unmet"}

# The paper's Section 6 point (σ_p² = 0.4 is what the CLI assumes with --snr alone).
SEC6 = ["--d", "1024", "--N", "22", "--M", "16", "--dh", "128", "--snr", "2", "--tau-rel", "0.05",
        "--eps", "0.01", "--eta", "0.1"]
SEC6_MU = 2 * math.sqrt(0.4) * math.sqrt(1024)  # ‖µ‖ = SNR·σ_p·√d


def run_json(argv: Sequence[str], expect: int = 0) -> object:
    code, out, err = run_cli([*argv, "--json"])
    assert code == expect, err
    assert "Traceback" not in out + err
    return json.loads(out)


def query(*argv: str) -> dict:
    ans = run_json(["query", *argv])
    assert isinstance(ans, dict)
    return ans


def item(ans: dict, item_id: str) -> dict:
    (found,) = [i for i in ans["condition_4_1"] if i["id"] == item_id]
    return found


def to_argv(spec: dict[str, object]) -> list[str]:
    """A spec of Params.from_inputs keywords as CLI flags (floats as their exact repr)."""
    flags = {"sigma_p": "--sigma-p", "tau_rel": "--tau-rel", "sigma_V": "--sigma-V", "sigma_h": "--sigma-h",
             "w_O": "--w-O"}
    argv: list[str] = []
    for key, value in spec.items():
        argv += [flags.get(key, f"--{key}"), repr(value) if isinstance(value, float) else str(value)]
    return argv


def known_items(params: Params, case: str = "case1") -> list[ItemResult]:
    """Condition 4.1's stated items and the case's hypotheses at ``params`` that can be decided."""
    result = regime(params)
    hyps = {"case1": result.case1, "case2": result.case2, "none": ()}[case]
    items = [i for i in result.condition if not i.derived] + list(hyps)
    return [i for i in items if i.holds is not None]


def all_hold(params: Params, case: str = "case1") -> bool:
    return all(i.holds for i in known_items(params, case))


def failing(params: Params, case: str = "case1") -> list[str]:
    return [i.id for i in known_items(params, case) if i.holds is False]


# -- query --json: shape -----------------------------------------------------------------------

def test_query_json_has_the_documented_keys() -> None:
    ans = query(*SEC6)
    for key in ("snr", "regime", "regime_reason", "condition_4_1", "bounds"):
        assert key in ans
    assert ans["regime"] in REGIMES
    assert isinstance(ans["regime_reason"], str) and ans["regime_reason"]
    ids = [i["id"] for i in ans["condition_4_1"]]
    for item_id in ("C4.1.1a", "C4.1.1b", "C4.1.2", "C4.1.3a", "C4.1.4", "C4.1.5a", "C4.1.5b", "C4.1.5c",
                    "C4.1.6"):
        assert item_id in ids
    for entry in ans["condition_4_1"]:
        assert {"id", "holds", "lhs", "rhs", "margin"} <= set(entry)
        assert entry["holds"] in (True, False, None)
    for key in ("clean_error", "robust_error", "T", "robust_error_lower"):
        assert key in ans["bounds"]


# -- query --json: values, derived here ----------------------------------------------------------

def test_query_values_match_the_papers_formulas() -> None:
    ans = query(*SEC6)
    assert ans["snr"] == pytest.approx(2, rel=1e-12)

    c1a = item(ans, "C4.1.1a")  # d ≥ ε⁻²·N²·d_h
    rhs = 0.01**-2 * 22**2 * 128
    assert c1a["lhs"] == 1024
    assert c1a["rhs"] == pytest.approx(rhs, rel=1e-12)
    assert c1a["margin"] == pytest.approx(1024 / rhs, rel=1e-12)
    assert c1a["holds"] is False

    c4 = item(ans, "C4.1.4")  # η ≤ min{‖µ‖⁻², (σ_p²d)⁻¹}·d_h^(-1/2)
    assert c4["lhs"] == pytest.approx(0.1)
    assert c4["rhs"] == pytest.approx(min(1 / SEC6_MU**2, 1 / (0.4 * 1024)) / math.sqrt(128), rel=1e-12)
    assert c4["holds"] is False

    c2 = item(ans, "C4.1.2")  # N ≥ ln d (natural log by default)
    assert c2["rhs"] == pytest.approx(math.log(1024), rel=1e-12)
    assert c2["holds"] is (22 >= math.log(1024))

    c3a = item(ans, "C4.1.3a")  # M ≤ ln d
    assert c3a["holds"] is (16 <= math.log(1024))

    # Case 1 (N·SNR² = 88 ≥ 1, τ/‖µ‖ = 0.05 ≤ 1/ln 128): T = 1/(η ε ‖µ‖² ‖w_O‖²).
    assert ans["bounds"]["T"] == pytest.approx(1 / (0.1 * 0.01 * SEC6_MU**2), rel=1e-12)
    # Condition 4.1 fails, so the point is in no case of the theorem.
    assert ans["regime"] == "unmet"


def test_mu_and_snr_give_the_same_answer() -> None:
    d, mu, sigma_p = 4096, 3.0, 0.7
    common = ["--d", str(d), "--N", "40", "--M", "2", "--dh", "5000", "--eps", "0.02", "--tau", "0.1",
              "--eta", "1e-9", "--sigma-p", str(sigma_p)]
    by_mu = query(*common, "--mu", str(mu))
    by_snr = query(*common, "--snr", repr(mu / (sigma_p * math.sqrt(d))))
    assert by_snr["snr"] == pytest.approx(by_mu["snr"], rel=1e-12)
    assert by_snr["regime"] == by_mu["regime"]
    for a, b in zip(by_mu["condition_4_1"], by_snr["condition_4_1"], strict=True):
        assert (a["id"], a["holds"]) == (b["id"], b["holds"])
        assert b["rhs"] == pytest.approx(a["rhs"], rel=1e-9)
    assert by_snr["bounds"]["T_case1"] == pytest.approx(by_mu["bounds"]["T_case1"], rel=1e-9)
    assert by_mu["bounds"]["T_case1"] == pytest.approx(1 / (1e-9 * 0.02 * mu**2), rel=1e-12)


def test_tau_and_tau_rel_give_the_same_answer() -> None:
    common = [*SEC6[:10], "--eps", "0.01", "--eta", "0.1"]  # SEC6 without --tau-rel
    by_rel = query(*common, "--tau-rel", "0.3")
    by_tau = query(*common, "--tau", repr(0.3 * SEC6_MU))
    assert by_tau["tau_rel"] == pytest.approx(0.3, rel=1e-12)
    assert (by_tau["regime"], by_tau["nominal_regime"]) == (by_rel["regime"], by_rel["nominal_regime"])
    for key in ("case1", "case2"):
        for a, b in zip(by_rel["case_hypotheses"][key], by_tau["case_hypotheses"][key], strict=True):
            assert a["holds"] == b["holds"]
            assert b["lhs"] == pytest.approx(a["lhs"], rel=1e-12)


def test_query_text_shows_every_item_and_the_regime() -> None:
    code, out, err = run_cli(["query", *SEC6])
    assert code == 0 and err == ""
    for item_id in C41_IDS:
        assert item_id in out
    regime_lines = [line for line in out.splitlines() if line.startswith("regime")]
    assert len(regime_lines) == 1 and "unmet" in regime_lines[0]


@pytest.mark.parametrize("tau_rel", ["1", "1.5"])
def test_tau_at_least_mu_is_theorem_4_3(tau_rel: str) -> None:
    ans = query("--d", "1024", "--mu", "2", "--M", "4", "--tau-rel", tau_rel)
    assert ans["regime"] == "thm4.3"
    assert ans["bounds"]["robust_error_lower"] == 0.25
    assert ans["bounds"]["robust_error_lower_construction"] == 0.5
    assert ans["bounds"]["robust_error_lower_sharp"] == 0.5


def test_sharpened_lower_bound_between_mu_over_sqrt2_and_mu() -> None:
    assert 1 / math.sqrt(2) < 0.75 < 1
    ans = query("--d", "1024", "--mu", "2", "--M", "4", "--tau-rel", "0.75")
    assert ans["regime"] != "thm4.3"
    assert ans["bounds"]["robust_error_lower_sharp"] == 0.5
    assert ans["bounds"]["robust_error_lower"] is None
    assert ans["bounds"]["robust_error_lower_construction"] is None


def test_const_scales_the_hidden_constant() -> None:
    base = item(query(*SEC6), "C4.1.1a")
    doubled = item(query(*SEC6, "--const", "c_1a=2"), "C4.1.1a")
    assert doubled["rhs"] == pytest.approx(2 * base["rhs"], rel=1e-12)
    assert doubled["lhs"] == base["lhs"]


def test_log_base_2_changes_the_polylog() -> None:
    ans = query(*SEC6, "--log-base", "2")
    assert item(ans, "C4.1.2")["rhs"] == pytest.approx(math.log2(1024), rel=1e-12)
    assert item(ans, "C4.1.6")["rhs"] == pytest.approx(1 / math.log2(1024), rel=1e-12)


def test_const_log_base_is_honoured_or_rejected() -> None:
    code, out, _ = run_cli(["query", *SEC6, "--const", "log_base=2", "--json"])
    assert code == 2 or item(json.loads(out), "C4.1.2")["rhs"] == pytest.approx(math.log2(1024))


# -- solve ---------------------------------------------------------------------------------------

BASE = {"N": 30, "M": 2, "snr": 1.0, "sigma_p": 1.0, "eps": 0.03, "tau_rel": 0.01}
D_STAR = 1_200_000_000_000  # ε⁻²·N²·d_h with d_h = 1.2e6: C4.1.1a's smallest d
DH = 1_200_000


def solve_json(target: str, spec: dict[str, object], *extra: str) -> dict:
    out = run_json(["solve", "--for", target, *to_argv(spec), *extra])
    assert isinstance(out, dict)
    assert out["feasible"] is True, out["explanation"]
    return out


def test_solve_smallest_d() -> None:
    spec = {**BASE, "dh": DH}
    value = solve_json("d", spec)["value"]
    assert abs(value - 0.03**-2 * 30**2 * DH) <= 1
    v = round(value)
    at = Params.from_inputs(d=v, **spec)
    items = {i.id: i for i in regime(at).condition if not i.derived}
    for item_id in C41_IDS:
        if item_id in NEEDS_TRAINING:
            assert items[item_id].holds is None  # η, σ_V, σ_h not given
        else:
            assert items[item_id].holds is True, items[item_id]
    assert all_hold(at)
    assert failing(Params.from_inputs(d=v - 1, **spec))


def test_solve_smallest_dh() -> None:
    spec = {**BASE, "d": D_STAR}
    value = solve_json("dh", spec)["value"]
    # C4.1.1b: d_h ≥ max{SNR⁴, SNR⁻⁴}·N²·ε⁻² = 1e6 at SNR = 1 (C4.1.1a caps d_h at 1.2e6)
    assert abs(value - 30**2 / 0.03**2) <= 1
    v = round(value)
    assert all_hold(Params.from_inputs(dh=v, **spec))
    assert "C4.1.1b" in failing(Params.from_inputs(dh=v - 1, **spec))


def test_solve_smallest_N() -> None:
    spec = {**{k: v for k, v in BASE.items() if k != "N"}, "d": D_STAR, "dh": DH}
    value = solve_json("N", spec)["value"]
    assert value == math.ceil(math.log(D_STAR))  # C4.1.2: N ≥ ln d
    v = round(value)
    assert all_hold(Params.from_inputs(N=v, **spec))
    assert "C4.1.2" in failing(Params.from_inputs(N=v - 1, **spec))


def test_solve_largest_tau() -> None:
    spec = {k: v for k, v in BASE.items() if k != "tau_rel"} | {"d": D_STAR, "dh": DH}
    value = solve_json("tau", spec)["value"]
    mu = 1.0 * 1.0 * math.sqrt(D_STAR)  # SNR·σ_p·√d
    assert value == pytest.approx(mu / math.log(DH), rel=1e-6)  # Case 1: τ ≤ ‖µ‖/ln d_h
    assert all_hold(Params.from_inputs(tau=value, **spec))
    assert failing(Params.from_inputs(tau=value * (1 + 1e-6), **spec))


def _scales(d: int, dh: int, mu: float, sigma_p: float, N: int, M: int, delta: float = 0.01) -> dict[str, float]:
    """C4.1.4's η cap, C4.1.5a's σ_V cap and the σ_h window of C4.1.5b-c, at unit constants."""
    a = min(mu**-2, 1 / (sigma_p**2 * d)) / math.sqrt(dh)
    l_delta = math.log(6 * N**2 * M**2 / delta)
    return {"eta_max": a,
            "sigma_V_max": min(1 / mu, 1 / (sigma_p * math.sqrt(d))) * dh**-0.25 * d**-0.5,
            "sigma_h_lo": math.sqrt(a * l_delta**-2), "sigma_h_hi": math.sqrt(a * l_delta**-1.5)}


def test_solve_largest_eta() -> None:
    s = _scales(D_STAR, DH, math.sqrt(D_STAR), 1.0, 30, 2)
    spec = {**BASE, "d": D_STAR, "dh": DH, "sigma_V": 0.5 * s["sigma_V_max"],
            "sigma_h": math.sqrt(s["sigma_h_lo"] * s["sigma_h_hi"])}
    value = solve_json("eta", spec)["value"]
    assert value == pytest.approx(s["eta_max"], rel=1e-6)
    at = Params.from_inputs(eta=value, **spec)
    assert all_hold(at)
    assert all(i.holds is not None for i in regime(at).condition if not i.derived)  # every item decided
    assert "C4.1.4" in failing(Params.from_inputs(eta=value * (1 + 1e-6), **spec))


def test_solve_sigma_h_window() -> None:
    s = _scales(D_STAR, DH, math.sqrt(D_STAR), 1.0, 30, 2)
    spec = {**BASE, "d": D_STAR, "dh": DH, "sigma_V": 0.5 * s["sigma_V_max"], "eta": 0.5 * s["eta_max"]}
    lo, hi = solve_json("sigma_h", spec)["window"]
    assert lo == pytest.approx(s["sigma_h_lo"], rel=1e-6)
    assert hi == pytest.approx(s["sigma_h_hi"], rel=1e-6)
    assert all_hold(Params.from_inputs(sigma_h=lo, **spec))
    assert all_hold(Params.from_inputs(sigma_h=hi, **spec))
    assert "C4.1.5b" in failing(Params.from_inputs(sigma_h=lo * (1 - 1e-6), **spec))
    assert "C4.1.5c" in failing(Params.from_inputs(sigma_h=hi * (1 + 1e-6), **spec))


def test_solve_section6_is_infeasible_and_names_the_conflict() -> None:
    argv = ["solve", *SEC6[2:], "--sigma-h", "0.00113", "--sigma-V", "0.00113", "--for", "d"]  # d is solved for
    out = run_json(argv, expect=1)
    assert isinstance(out, dict) and out["feasible"] is False and out["value"] is None
    # With SNR and σ_p fixed, C4.1.4's cap min{‖µ‖⁻², (σ_p²d)⁻¹}/√d_h = 1/(SNR²·0.4·d·√128) falls with d and
    # is below η = 0.1 already at d = 2; C4.1.1b (d_h ≥ SNR⁴N²ε⁻²) does not depend on d and fails.
    assert 1 / (4 * 0.4 * 2 * math.sqrt(128)) < 0.1
    assert 128 < 2**4 * 22**2 * 0.01**-2
    assert "C4.1.4" in out["explanation"]
    assert "C4.1.1b" in out["explanation"]
    code, text, err = run_cli(argv)
    assert code == 1 and err == ""
    assert any(line.startswith("INFEASIBLE") for line in text.splitlines())


@st.composite
def d_specs(draw: st.DrawFn) -> tuple[dict[str, object], str]:
    """Points missing d near Condition 4.1's corner: feasible for some N, ε, d_h, infeasible for others."""
    n = draw(st.integers(15, 60))
    eps = min(draw(st.floats(0.5, 1.5)) / n, 0.5)
    snr = draw(log_uniform(0.6, 1.6))
    dh = math.ceil(max(snr**4, snr**-4) * n**2 / eps**2 * draw(st.floats(0.3, 3.0)))
    spec: dict[str, object] = {"N": n, "M": draw(st.integers(2, 3)), "snr": snr,
                               "sigma_p": draw(log_uniform(1e-3, 1e3)), "eps": eps, "dh": dh,
                               "tau_rel": draw(st.floats(0.0, 0.3))}
    return spec, draw(st.sampled_from(["case1", "case2", "none"]))


@given(d_specs())
def test_solve_d_answers_are_sound(case_spec: tuple[dict[str, object], str]) -> None:
    spec, case = case_spec
    result = solve("d", spec, case=case)
    if result.feasible:
        assert result.value is not None
        v = round(result.value)
        at = Params.from_inputs(d=v, **spec)
        assert all_hold(at, case), failing(at, case)
        if v > 2:
            assert failing(Params.from_inputs(d=v - 1, **spec), case)
    else:
        assert result.explanation.strip()
        code, _, err = run_cli(["solve", "--for", "d", "--case", case, *to_argv(spec)])
        assert code == 1, err


# -- audit ---------------------------------------------------------------------------------------

def test_audit_json_covers_every_preset() -> None:
    audits = run_json(["audit"])
    assert isinstance(audits, list)
    assert sorted(a["preset"] for a in audits) == sorted(PRESETS)
    by_name = {a["preset"]: a for a in audits}
    for name in ("sec6-synthetic", "appB1"):
        rows = {r["id"]: r for r in by_name[name]["items"]}
        for item_id in C41_IDS:
            assert item_id in rows, (name, item_id)
            assert rows[item_id]["margin_min"] is not None and rows[item_id]["margin_max"] is not None
            assert rows[item_id]["margin_min"] <= rows[item_id]["margin_max"]
    c1a = {r["id"]: r for r in by_name["sec6-synthetic"]["items"]}["C4.1.1a"]
    # d = 1024 against ε⁻²N²d_h: worst at the largest N = 22, best at the smallest N = 2.
    assert c1a["margin_min"] == pytest.approx(1024 / (0.01**-2 * 22**2 * 128), rel=1e-12)
    assert c1a["margin_max"] == pytest.approx(1024 / (0.01**-2 * 2**2 * 128), rel=1e-12)
    assert c1a["holds"] == 0


def test_audit_text_for_one_preset() -> None:
    code, out, err = run_cli(["audit", "--preset", "appB1"])
    assert code == 0 and err == ""
    assert "appB1" in out and "sec6-synthetic" not in out
    for item_id in C41_IDS:
        assert item_id in out


# -- a real process ------------------------------------------------------------------------------

def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=False)


def test_query_as_a_real_process() -> None:
    done = _python("-m", "cli", "query", *SEC6, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["snr"] == pytest.approx(2)
    bad = _python("-m", "cli", "query", "--d", "1")
    assert bad.returncode == 2
    assert bad.stdout == "" and bad.stderr.count("\n") == 1 and bad.stderr.startswith("bovit: error:")


def test_query_does_not_import_torch() -> None:
    argv = ["query", *SEC6, "--json"]
    code = (f"import sys, contextlib, io, cli.main as c\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    c.main({argv!r})\n"
            f"print('torch' in sys.modules)")
    done = _python("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
