"""`pytest checks`: settings profiles and the run store the claim checks read.

The profile comes from ``BOVIT_PROFILE``: ``ci`` (tiny models, minutes on 2 cores; the CI default),
``default`` (the main job's scale), ``paper`` (the paper's sizes) or ``thorough``. Runs are read from
the store at ``$BOVIT_STORE`` (a fresh temporary store when it is unset); what is missing is trained
first, so a second run of the suite against the same store trains nothing.

``--mutants`` also runs the mutation suite (checks/test_mutants.py) and prints how many mutants the
checks caught.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.profiles import PROFILES, Profile
from checks.settle import CAUGHT
from simulate.store import Store


@pytest.fixture(scope="session")
def profile() -> Profile:
    name = os.environ.get("BOVIT_PROFILE", "ci")
    if name not in PROFILES:
        raise pytest.UsageError(f"BOVIT_PROFILE must be one of {', '.join(PROFILES)}, got {name!r}")
    return PROFILES[name]


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = os.environ.get("BOVIT_STORE") or str(Path(tmp_path_factory.mktemp("store")) / "checks.sqlite")
    with Store(path) as s:
        yield s


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mutants", action="store_true", default=False,
                     help="also run the mutation suite: deliberately false claims the checks must refute")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mutant: a deliberately false claim the checks must refute (--mutants)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--mutants"):
        return
    skip = pytest.mark.skip(reason="the mutation suite runs with --mutants")
    for item in items:
        if item.get_closest_marker("mutant") is not None:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    caught = config.stash.get(CAUGHT, [])
    if not caught:
        return
    k = sum(ok for _, ok, _ in caught)
    terminalreporter.section("mutation suite")
    terminalreporter.write_line(f"mutants caught: {k} of {len(caught)} ({100 * k / len(caught):.0f}%) at profile "
                                f"{os.environ.get('BOVIT_PROFILE', 'ci')}")
    for mutant, ok, verdict in caught:
        terminalreporter.write_line(f"  {'caught  ' if ok else 'SURVIVED'} {mutant}: {verdict}")
