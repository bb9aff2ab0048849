"""Report builder and the ``bovit`` command line (the last stage: bounds ← simulate ← checks ← reports)."""
