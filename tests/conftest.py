"""Shared pytest configuration: hypothesis settings profiles.

Pick a profile with the ``HYPOTHESIS_PROFILE`` environment variable:

- ``ci`` (default): derandomised, 50 examples per property, no deadline;
- ``dev``: 100 random examples per property, no deadline;
- ``thorough``: 1000 random examples per property, no deadline.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import torch
from hypothesis import settings

settings.register_profile("ci", derandomize=True, max_examples=50, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    """Run a module's toy-sized tensors on one intra-op thread, then restore the setting.

    At d ≤ 16 an op is microseconds of work, and on a busy 2-core machine the OpenMP barrier of a second
    thread costs milliseconds per op: test_attacks took ~10× longer with 2 threads than with 1.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
