"""``python -m cli``: the ``bovit`` command line."""

import sys

from cli.main import main

sys.exit(main())
