"""The results a clone needs to render a committed report without training or a store.

``bovit report`` writes ``results.json.gz`` beside REPORT.md: every run the report's claims read (its config, its
result without the per-test-point margins, its simulation code version and wall time; no trajectory) and each
claim's stored finding, with the store's name and the command that made the report. ``bovit report
--render-only`` loads it into an in-memory store and renders the same REPORT.md, figures and verdicts.json, byte
for byte, from it alone. The file is gzip-compressed JSON with sorted keys and no timestamp, so the same results
give the same bytes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.claim import Claim
from checks.profiles import Profile
from simulate.archive import read_document, write_document
from simulate.results import RunResult
from simulate.store import FindingRecord, Store, code_version

__all__ = ["FORMAT", "RESULTS_FILE", "Results", "export", "load"]

FORMAT = 1
RESULTS_FILE = "results.json.gz"


@dataclass(frozen=True)
class Results:
    """Loaded results: an in-memory store holding their runs and findings, and where they came from."""

    store: Store
    store_label: str
    command: str
    runs: int


def export(store: Store, profile: Profile, claims: Sequence[Claim], path: str | Path, store_label: str,
           command: str) -> Path:
    """Write the runs ``claims`` read at ``profile`` that ``store`` holds (current simulation code) and their
    stored findings (with the sensitivity study's, reports.choices) to ``path``; returns the path."""
    from reports.report import read_configs

    code = code_version()
    runs: list[dict[str, Any]] = []
    for c in read_configs(claims, profile, store):
        rec = store.get(c.key(code))
        if rec is None:
            continue
        result = dataclasses.replace(rec.result, margins=None).as_dict()  # None fields are left out
        runs.append({"key": rec.key, "config": rec.config, "result": result, "code": rec.code, "wall_s": rec.wall_s})
    from checks.choices import HEADLINE
    from reports.choices import CHOICE_NAMES, SEARCH_ID, cell_id

    findings = []
    ids = [c.id for c in claims]
    if any(h in ids for h in HEADLINE):  # the sensitivity study's cells, which the report's section reads
        ids += [*(cell_id(h, choice) for h in HEADLINE for choice in CHOICE_NAMES), SEARCH_ID]
    for claim_id in ids:
        f = store.get_finding(claim_id, profile.name, profile.images, profile.data_root)
        if f is not None:
            findings.append({"claim": f.claim, "profile": f.profile, "images": f.images, "data_root": f.data_root,
                             "finding": f.finding, "error": f.error, "checks": f.checks, "code": f.code})
    runs.sort(key=lambda r: str(r["key"]))
    doc = {"format": FORMAT, "store": store_label, "command": command, "runs": runs, "findings": findings}
    return write_document(path, doc, "results")


def load(path: str | Path) -> Results:
    """The results file at ``path`` as an in-memory store; a missing, unreadable or foreign file is a ValueError
    naming the path."""
    p = Path(path)
    doc = read_document(p, "results", "bovit report", FORMAT)
    store = Store(":memory:")
    try:
        for r in doc["runs"]:
            store.put(r["key"], r["config"], RunResult.from_dict(r["result"]), [], float(r["wall_s"]), r["code"])
        store.put_findings([FindingRecord(f["claim"], f["profile"], f["images"], f["data_root"], f["finding"],
                                          f["error"], f["checks"], f["code"]) for f in doc["findings"]])
    except (KeyError, TypeError, ValueError) as exc:
        store.close()
        raise ValueError(f"results must hold bovit runs and findings, got {str(p)!r} ({exc!r:.120})") from None
    return Results(store, str(doc["store"]), str(doc["command"]), len(doc["runs"]))
