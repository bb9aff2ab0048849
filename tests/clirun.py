"""Running the `bovit` command line in-process, for the CLI tests."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence

from cli.main import main


def run_cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """``bovit argv`` in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()
