"""Moved: the ``bovit`` command line is the top-level package ``cli`` (``cli.main.main``, ``python -m cli``).

This alias is kept only because tests/test_train.py still runs ``python -m reports.cli`` and imports
``reports.cli.main``; nothing in reports imports it, and it imports ``cli`` only when called, so the
import order (bounds ← simulate ← checks ← reports ← cli) holds for every other module.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    from cli.main import main as bovit

    return bovit(argv)


if __name__ == "__main__":
    sys.exit(main())
