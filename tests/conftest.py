"""Shared pytest configuration: hypothesis settings profiles.

Pick a profile with the ``HYPOTHESIS_PROFILE`` environment variable:

- ``ci`` (default): derandomised, 50 examples per property, no deadline;
- ``dev``: 100 random examples per property, no deadline;
- ``thorough``: 1000 random examples per property, no deadline.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, max_examples=50, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
