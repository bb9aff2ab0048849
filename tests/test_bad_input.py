"""Bad input to the ``bovit`` command line: one table, one test.

Every row goes through the real CLI in-process (``cli.main.main``) and must exit 2 with exactly
one line on stderr, ``bovit: error: ...``, naming the offending parameter(s) and showing the value
given, and never a traceback. The same rows, where they are about a point, a constant, a preset or
a solve request, must also fail at the library level with a ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from bounds.params import Constants, Params
from bounds.presets import preset
from bounds.regime import regime
from bounds.solve import solve
from cli.main import main
from simulate.config import RunConfig
from simulate.results import RunResult

# A valid point (the paper's Section 6 setting) that some rows complete.
_D = ("--d", "1024")

# (argv, names the message must contain, the value it must show)
BAD_INPUTS = [
    # -- integer fields ---------------------------------------------------------------------------
    pytest.param(["query", "--d", "0"], ("d",), "0", id="d-zero"),
    pytest.param(["query", "--d", "-5"], ("d",), "-5", id="d-negative"),
    pytest.param(["query", "--d", "1"], ("d",), "1", id="d-one"),
    pytest.param(["query", "--d", "2.5"], ("d",), "2.5", id="d-non-integer"),
    pytest.param(["query", "--d", "abc"], ("d",), "abc", id="d-not-a-number"),
    pytest.param(["query", "--d", ""], ("d",), "''", id="d-empty"),
    pytest.param(["query", "--dh", "1"], ("dh",), "1", id="dh-one"),
    pytest.param(["query", "--dv", "0"], ("dv",), "0", id="dv-zero"),
    pytest.param(["query", "--M", "2.5"], ("M",), "2.5", id="M-non-integer"),
    pytest.param(["query", "--M", "1"], ("M",), "1", id="M-one"),
    pytest.param(["query", "--N", "0"], ("N",), "0", id="N-zero"),
    pytest.param(["query", "--N", "-3"], ("N",), "-3", id="N-negative"),
    pytest.param(["query", "--H", "0"], ("H",), "0", id="H-zero"),
    # -- radii -----------------------------------------------------------------------------------
    pytest.param(["query", "--tau", "-0.1"], ("tau",), "-0.1", id="tau-negative"),
    pytest.param(["query", "--mu", "1", "--tau-rel", "-0.1"], ("tau_rel",), "-0.1", id="tau_rel-negative"),
    # -- positive reals --------------------------------------------------------------------------
    pytest.param(["query", *_D, "--sigma-p", "1", "--snr", "0"], ("snr",), "0", id="snr-zero"),
    pytest.param(["query", *_D, "--snr", "-1"], ("snr",), "-1", id="snr-negative"),
    pytest.param(["query", "--eta", "0"], ("eta",), "0", id="eta-zero"),
    pytest.param(["query", "--eta", "-1"], ("eta",), "-1", id="eta-negative"),
    pytest.param(["query", "--sigma-h", "0"], ("sigma_h",), "0", id="sigma_h-zero"),
    pytest.param(["query", "--sigma-V", "-1"], ("sigma_V",), "-1", id="sigma_V-negative"),
    pytest.param(["query", "--mu", "0"], ("mu",), "0", id="mu-zero"),
    pytest.param(["query", "--sigma-p", "0"], ("sigma_p",), "0", id="sigma_p-zero"),
    pytest.param(["query", "--w-O", "0"], ("w_O",), "0", id="w_O-zero"),
    # -- open unit interval ----------------------------------------------------------------------
    pytest.param(["query", "--eps", "0"], ("eps",), "0", id="eps-zero"),
    pytest.param(["query", "--eps", "1"], ("eps",), "1", id="eps-one"),
    pytest.param(["query", "--eps", "1.5"], ("eps",), "1.5", id="eps-above-one"),
    pytest.param(["query", "--delta", "0"], ("delta",), "0", id="delta-zero"),
    pytest.param(["query", "--delta", "1"], ("delta",), "1", id="delta-one"),
    # -- attack norm ------------------------------------------------------------------------------
    pytest.param(["query", "--p", "3"], ("p",), "3", id="norm-3"),
    pytest.param(["query", "--p", "foo"], ("p",), "foo", id="norm-foo"),
    # -- non-finite ------------------------------------------------------------------------------
    pytest.param(["query", "--d", "nan"], ("d",), "nan", id="d-nan"),
    pytest.param(["query", "--eta", "nan"], ("eta",), "nan", id="eta-nan"),
    pytest.param(["query", "--mu", "inf"], ("mu",), "inf", id="mu-inf"),
    pytest.param(["query", "--eps", "inf"], ("eps",), "inf", id="eps-inf"),
    pytest.param(["query", "--M", "1e400"], ("M",), "1e400", id="M-overflows-to-inf"),
    # -- inconsistent or incomplete combinations --------------------------------------------------
    pytest.param(["query", "--d", "100", "--mu", "1", "--sigma-p", "1", "--snr", "5"], ("snr", "mu", "sigma_p"), "5",
                 id="mu-sigma_p-contradict-snr"),
    pytest.param(["query", "--mu", "2", "--tau", "1", "--tau-rel", "0.1"], ("tau", "tau_rel"), "0.1",
                 id="tau-contradicts-tau_rel"),
    pytest.param(["query", "--tau-rel", "0.1"], ("tau_rel", "mu"), "0.1", id="tau_rel-without-mu"),
    pytest.param(["query", "--d", "100", "--tau-rel", "0.1", "--sigma-p", "1"], ("tau_rel", "mu"), "0.1",
                 id="tau_rel-with-sigma_p-but-no-snr"),
    pytest.param(["query", "--snr", "2"], ("snr", "d"), "2", id="snr-without-d"),
    # -- presets, targets, cases ------------------------------------------------------------------
    pytest.param(["audit", "--preset", "nope"], ("preset",), "nope", id="audit-unknown-preset"),
    pytest.param(["solve", "--for", "foo", *_D], ("target",), "foo", id="solve-unknown-target"),
    pytest.param(["solve", "--for", "d", "--case", "case3", "--N", "3"], ("case",), "case3",
                 id="solve-unknown-case"),
    pytest.param(["solve", "--for", "tau", *_D], ("tau", "mu"), "None", id="solve-tau-without-mu"),
    pytest.param(["solve", "--for", "d", "--N", "0"], ("N",), "0", id="solve-bad-point"),
    pytest.param(["solve", "--for", "d", "--d", "0", "--N", "5"], ("d",), "0", id="solve-for-d-given-invalid-d"),
    pytest.param(["solve", "--for", "d", "--d", "1024", "--N", "22"], ("d",), "1024", id="solve-for-d-given-d"),
    pytest.param(["solve", "--for", "tau", "--mu", "2", "--tau", "1", *_D], ("tau",), "1",
                 id="solve-for-tau-given-tau"),
    # -- hidden constants and the log base --------------------------------------------------------
    pytest.param(["query", "--const", "c_zz=1"], ("const",), "c_zz", id="const-unknown-name"),
    pytest.param(["query", "--const", "c_1a"], ("const",), "c_1a", id="const-no-equals"),
    pytest.param(["query", "--const", "c_1a=abc"], ("c_1a",), "abc", id="const-non-numeric"),
    pytest.param(["query", "--const", "c_1a=-1"], ("c_1a",), "-1", id="const-negative"),
    pytest.param(["query", "--const", "c_B=0"], ("c_B",), "0", id="const-zero"),
    pytest.param(["query", "--const", "k_1a=nan"], ("k_1a",), "nan", id="const-exponent-nan"),
    pytest.param(["query", "--const", "c_omega=0.5"], ("c_omega", "c_B"), "0.5", id="const-c_omega-below-c_B"),
    pytest.param(["audit", "--preset", "appB1", "--const", "c_4=0"], ("c_4",), "0", id="audit-const-zero"),
    pytest.param(["query", "--log-base", "3"], ("log_base",), "3", id="log-base-3"),
    pytest.param(["query", "--const", "log_base=3"], ("log_base",), "3", id="const-log_base-3"),
    # -- a data folder the bundled digits would ignore --------------------------------------------------------
    pytest.param(["report", "--data-root", "/nonexistent"], ("data_root",), "'/nonexistent'",
                 id="report-data-root-with-digits"),
    pytest.param(["run", "--data-root", "/nonexistent", "--store", ":memory:"], ("data_root",), "'/nonexistent'",
                 id="run-data-root-with-digits"),
    # -- a sweep told both the SNR and ‖µ‖ -------------------------------------------------------------------
    pytest.param(["sweep", "--axis", "snr=1,2", "--set", "mu=3", "--store", ":memory:"], ("snr", "mu"), "snr=1,2",
                 id="sweep-axis-snr-and-set-mu"),
    pytest.param(["bench-sim", "--engines", ""], ("engines",), "''", id="bench-sim-no-engines"),
    pytest.param(["bench-sim", "--n-test", "0"], ("n_test",), "0", id="bench-sim-n-test-zero"),
    pytest.param(["bench-sim", "--n-test", "-5"], ("n_test",), "-5", id="bench-sim-n-test-negative"),
    pytest.param(["bench-sim", "--strength-iterations", "-1"], ("strength_iterations",), "-1",
                 id="bench-sim-strength-iterations-negative"),
    pytest.param(["bench-sim", "--engines", " , "], ("engines",), "' , '", id="bench-sim-blank-engines"),
    # -- the sweep's device ----------------------------------------------------------------------------------
    pytest.param(["sweep", "--axis", "N=4", "--set", "snr=1", "--store", ":memory:", "--device", "foo"], ("device",),
                 "'foo'", id="sweep-device-foo"),
    pytest.param(["sweep", "--axis", "N=4", "--set", "snr=1", "--store", ":memory:", "--device", "meta"],
                 ("device",), "'meta'", id="sweep-device-not-cpu-or-cuda"),
    # -- runs that training cannot do, refused when the grid is made ---------------------------------------
    pytest.param(["sweep", "--axis", "N=4", "--set", "snr=1", "--set", "eps=2", "--store", ":memory:"], ("eps",),
                 "2.0", id="sweep-eps-above-one"),
    pytest.param(["sweep", "--axis", "N=4", "--set", "snr=1", "--set", "M=1", "--store", ":memory:"], ("M",),
                 "1", id="sweep-one-token"),
    pytest.param(["sweep", "--axis", "N=4", "--set", "mu=1e308", "--store", ":memory:"], ("mu",),
                 "1e+308", id="sweep-mu-overflows-float32"),
    pytest.param(["sweep", "--axis", "N=4", "--set", "snr=1e-300", "--store", ":memory:"], ("mu",),
                 "1e-300", id="sweep-snr-underflows-float32"),
    pytest.param(["sweep", "--axis", "N=4", "--set", "snr=1", "--set", "d=1000000000", "--store", ":memory:"],
                 ("d",), "1000000000", id="sweep-run-larger-than-memory"),
    # -- points whose formulas overflow or underflow in floating point -------------------------------------
    pytest.param(["query", "--d", "1024", "--M", "16", "--dh", "128", "--snr", "2", "--sigma-p", "1", "--N", "1e300"],
                 ("N",), "1e+300", id="N-overflows-the-formulas"),
    pytest.param(["query", "--d", "1e308", "--M", "16", "--dh", "128", "--snr", "2", "--sigma-p", "1", "--N", "22"],
                 ("d",), "1e+308", id="d-overflows-the-formulas"),
    pytest.param(["query", "--d", "1024", "--M", "16", "--dh", "128", "--mu", "1e-200", "--sigma-p", "1", "--N", "22"],
                 ("mu",), "1e-200", id="mu-underflows-the-formulas"),
]


def _run(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``bovit argv`` run in-process (argparse exits count too)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own errors end in SystemExit
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def _shows(message: str, value: str) -> bool:
    """Whether ``value`` appears in ``message`` as a token (not as part of a longer number or word)."""
    return re.search(rf"(?<![\w.]){re.escape(value)}(?![\w])", message) is not None


@pytest.mark.parametrize(("argv", "names", "value"), BAD_INPUTS)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], names: tuple[str, ...], value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(argv, capsys)
    assert "Traceback" not in out + err
    assert code == 2, (out, err)
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("bovit: error:"), err
    message = err.removeprefix("bovit: error:")
    for name in names:
        assert re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message), f"{name!r} not named in {err!r}"
    assert _shows(message, value), f"value {value!r} not shown in {err!r}"


# -- the same table at the library level --------------------------------------------------------

def _library_call(argv: Sequence[str]) -> None:
    """Do what ``bovit argv`` asks through the library (no argparse), raising what it raises."""
    command, rest = argv[0], list(argv[1:])
    spec: dict[str, object] = {}
    consts: list[str] = []
    options: dict[str, str] = {}
    for flag, value in zip(rest[::2], rest[1::2], strict=True):
        key = flag.removeprefix("--").replace("-", "_")
        if key == "const":
            consts.append(value)
        elif key in ("log_base", "preset", "for", "case"):
            options[key] = value
        else:
            spec[key] = value
    log_base = {"log_base": options["log_base"]} if "log_base" in options else {}
    constants = Constants.parse(consts, **log_base)
    if command == "audit":
        preset(options["preset"])
    elif command == "solve":
        solve(options["for"], spec, case=options.get("case", "case1"), consts=constants)
    else:
        regime(Params.from_inputs(**spec), constants)


def _library_cases() -> list[object]:
    """The table's rows, with the marks of the bugs that live in the library (not the CLI)."""
    # const-log_base-3: the bug is in the command line (Constants.parse itself rejects log_base=3);
    # M-overflows-to-inf: the message names M, which is all this test asks of it.
    not_here = {"const-log_base-3", "M-overflows-to-inf"}
    # the command line's own options
    cli_only = {"bench-sim-no-engines", "bench-sim-blank-engines", "bench-sim-n-test-zero", "bench-sim-n-test-negative",
                "bench-sim-strength-iterations-negative", "sweep-axis-snr-and-set-mu", "sweep-device-foo",
                "sweep-device-not-cpu-or-cuda",
                "report-data-root-with-digits", "run-data-root-with-digits"}
    # sweeps: their library form is RunConfig's and check_memory's cases in _api_cases
    cli_only |= {case.id for case in BAD_INPUTS if case.values[0][0] == "sweep"}  # type: ignore[index]
    cases = []
    for case in BAD_INPUTS:
        if case.id in cli_only:
            continue
        marks = () if case.id in not_here else case.marks
        cases.append(pytest.param(*case.values, id=case.id, marks=marks))
    return cases


@pytest.mark.parametrize(("argv", "names", "value"), _library_cases())
def test_bad_input_raises_value_error_in_library(argv: list[str], names: tuple[str, ...], value: str) -> None:
    with pytest.raises(ValueError) as info:
        _library_call(argv)
    message = str(info.value)
    assert any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", message) for name in names), message
    assert "\n" not in message


# -- calls of the library's public functions with bad arguments: (call, names, value shown) ---------------------

def _columns(**change: object) -> dict[str, object]:
    base: dict[str, object] = dict(d=1024, dh=128, N=22, M=16, mu=40.5, sigma_p=0.63, tau=2.0, eta=0.1, eps=0.01,
                                   delta=0.01, sigma_h=1e-3, sigma_V=1e-3, w_O=1.0)
    return {**base, **change}


def _api_cases() -> list[object]:
    import numpy as np

    from bounds.condition41 import condition_4_1
    from bounds.query import answer
    from bounds.regime import classify_many

    return [
        pytest.param(lambda: regime(None), ("params",), "None", id="regime-None"),  # type: ignore[arg-type]
        pytest.param(lambda: regime("x"), ("params",), "'x'", id="regime-str"),  # type: ignore[arg-type]
        pytest.param(lambda: condition_4_1(42), ("params",), "42", id="condition_4_1-int"),  # type: ignore[arg-type]
        pytest.param(lambda: answer(None), ("params",), "None", id="answer-None"),  # type: ignore[arg-type]
        pytest.param(lambda: regime(Params(d=8), "c"), ("consts",), "'c'", id="regime-consts-str"),  # type: ignore[arg-type]
        pytest.param(lambda: classify_many(_columns(d=np.array([1024.0, -5.0]))), ("d",), "-5.0",
                     id="classify_many-d-negative"),
        pytest.param(lambda: classify_many(_columns(d=0.5)), ("d",), "0.5", id="classify_many-d-fraction"),
        pytest.param(lambda: classify_many(_columns(d=1e308)), ("d",), "1e+308", id="classify_many-d-huge"),
        pytest.param(lambda: classify_many(_columns(eps=2.0)), ("eps",), "2.0", id="classify_many-eps-above-one"),
        pytest.param(lambda: RunConfig(N=4, snr=1.0, M=1), ("M",), "1", id="RunConfig-one-token"),
        pytest.param(lambda: RunConfig(N=4, snr=1.0, eps=1.0), ("eps",), "1.0", id="RunConfig-eps-one"),
        pytest.param(lambda: RunConfig(N=4, mu=1e308), ("mu",), "1e+308", id="RunConfig-mu-overflows"),
        pytest.param(lambda: RunConfig(N=4, snr=1.0, tau_rel=1e30), ("tau", "tau_rel"), "1e+30",
                     id="RunConfig-tau-overflows"),
        pytest.param(lambda: RunResult.from_dict({**_result(), "drop_over_tau_u_max": math.inf}),
                     ("drop_over_tau_u_max",), "inf", id="RunResult-infinite-drop"),
        pytest.param(lambda: RunResult.from_dict({**_result(), "V_plus": math.nan}),
                     ("V_plus",), "nan", id="RunResult-nan-V_plus"),
    ]


def _result() -> dict[str, object]:
    return {"iterations": 3, "converged": False, "final_robust_loss": 0.5, "final_clean_loss": 0.4, "n_test": 10,
            "clean_errors": 1, "robust_errors_attack": 2, "at_tau_rel": {}}


def test_a_grid_larger_than_memory_creates_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "new.sqlite"
    code, _, err = _run(["sweep", "--axis", "N=4", "--set", "snr=1", "--set", "d=1000000000", "--store", str(store)],
                        capsys)
    assert code == 2 and "GiB" in err and not store.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("call", "names", "value"), _api_cases())
def test_bad_library_calls_raise_one_line_value_errors(call: object, names: tuple[str, ...], value: str) -> None:
    with pytest.raises(ValueError) as info:
        call()  # type: ignore[operator]
    message = str(info.value)
    assert "\n" not in message and all(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", message) for n in names), message
    assert _shows(message, value), message


def test_an_unreachable_scheduler_creates_no_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "new.sqlite"
    code, _, err = _run(["sweep", "--axis", "N=4", "--set", "snr=1", "--set", "d=16", "--set", "M=4", "--set", "dh=4",
                         "--set", "dv=4", "--store", str(store), "--scheduler", "tcp://127.0.0.1:1"], capsys)
    assert code == 2 and "scheduler 'tcp://127.0.0.1:1' is unreachable" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []
