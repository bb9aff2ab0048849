"""`pytest checks`: settings profiles and the run store the claim checks read.

The profile comes from ``BOVIT_PROFILE``: ``ci`` (tiny models, minutes on 2 cores; the CI default),
``default`` (the main job's scale), ``paper`` (the paper's sizes) or ``thorough``. Runs are read from
the store at ``$BOVIT_STORE`` (a fresh temporary store when it is unset); what is missing is trained
first, so a second run of the suite against the same store trains nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from checks.profiles import PROFILES, Profile
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
