"""Report builder: run the claims into the store's findings, render REPORT.md and figures from them
(bounds ← simulate ← checks ← reports ← cli, the command line)."""
