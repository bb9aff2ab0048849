"""A grid's stored runs as one compact file, so that a grid too long for one sitting can be trained over several.

A store is a local SQLite file that a fresh clone does not have. ``bovit sweep --archive FILE`` loads the runs
``FILE`` holds into the store before it trains (those of the current simulation code; runs of other code are
counted and left out, since their numbers may differ), trains what is still missing (within ``--budget-min``
minutes, if given) and then writes every run of the grid the store holds back to ``FILE``. Committing ``FILE``
carries the grid's progress to the next sitting; the runs in it are the runs the store would hold.

Each run keeps its key, config, result (without the per-test-point margins), wall time, simulation code version
and its trajectory thinned to at most TRAJECTORY_ROWS rows (the first and the last always kept, the others evenly
spaced). So a claim that reads per-point margins (S.robust-ge-clean) cannot be re-evaluated from an archive, and
one that reads whole trajectories sees the thinned rows. The file is gzipped JSON with sorted keys and no
timestamp: the same runs give the same bytes.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import Store, code_version

__all__ = ["FORMAT", "TRAJECTORY_ROWS", "Loaded", "read", "read_document", "thinned", "write", "write_document"]

FORMAT = 1
TRAJECTORY_ROWS = 25


@dataclass(frozen=True)
class Loaded:
    """What :func:`read` did: runs put into the store, runs it held already, runs of other simulation code."""

    added: int
    present: int
    other_code: int
    other_versions: tuple[str, ...]


def thinned(rows: Sequence[dict[str, Any]], keep: int = TRAJECTORY_ROWS) -> list[dict[str, Any]]:
    """At most ``keep`` (≥ 2) of ``rows``: the first, the last and evenly spaced ones between, in order."""
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 2:
        raise ValueError(f"keep must be an integer >= 2, got {keep!r}")
    n = len(rows)
    if n <= keep:
        return [dict(r) for r in rows]
    picks = sorted({round(i * (n - 1) / (keep - 1)) for i in range(keep)})
    return [dict(rows[i]) for i in picks]


def write(store: Store, configs: Sequence[RunConfig], path: str | Path) -> int:
    """Write the runs of ``configs`` that ``store`` holds (current simulation code) to ``path``, beside the runs of
    the current code an archive already there holds for other grids (so one file can carry several grids, e.g. a
    grid and its stability twins); returns how many of ``configs`` were written."""
    code = code_version()
    kept: dict[str, dict[str, Any]] = {}
    if Path(path).is_file():
        kept = {str(r["key"]): r for r in _doc(Path(path))["runs"] if r.get("code") == code}
    runs = []
    for c in configs:
        if not isinstance(c, RunConfig):
            raise ValueError(f"configs must hold RunConfig objects, got {type(c).__name__}")
        rec = store.get(c.key(code))
        if rec is None:
            continue
        result = dataclasses.replace(rec.result, margins=None).as_dict()
        runs.append({"key": rec.key, "config": rec.config, "result": result, "wall_s": rec.wall_s, "code": rec.code,
                     "trajectory": thinned(rec.trajectory)})
    written = len(runs)
    runs += [r for key, r in kept.items() if key not in {str(x["key"]) for x in runs}]
    runs.sort(key=lambda r: str(r["key"]))
    write_document(path, {"format": FORMAT, "runs": runs}, "archive")
    return written


def write_document(path: str | Path, doc: dict[str, Any], noun: str) -> Path:
    """``doc`` as gzipped JSON at ``path``: sorted keys, no timestamp, so the same content gives the same bytes
    (a run archive here, a report's results in reports.results). ``noun`` names the file in the error."""
    data = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out = Path(path)
    try:
        out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    except OSError as exc:
        raise ValueError(f"{noun} must name a writable file, got {str(out)!r} ({exc.__class__.__name__})") from None
    return out


def read_document(path: str | Path, noun: str, writer: str, fmt: int) -> dict[str, Any]:
    """The gzipped JSON document at ``path`` that ``writer`` wrote with format ``fmt`` (see :func:`write_document`);
    a missing or unreadable file, or one of another format, is a ValueError naming ``noun`` and the path."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{noun} must be a file written by {writer}, got {str(p)!r} (no such file)")
    try:
        doc = json.loads(gzip.decompress(p.read_bytes()).decode("utf-8"))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{noun} must be gzipped JSON written by {writer}, got {str(p)!r} ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        got = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise ValueError(f"{noun} must be of bovit's format {fmt}, got {str(p)!r} (format {got!r})")
    return doc


def _doc(p: Path) -> dict[str, Any]:
    """The archive file at ``p`` as JSON, checked for its format and its list of runs."""
    doc = read_document(p, "archive", "bovit sweep --archive", FORMAT)
    if not isinstance(doc.get("runs"), list) or not all(isinstance(r, dict) for r in doc["runs"]):
        raise ValueError(f"archive must hold bovit runs, got {str(p)!r} (no list of run objects)")
    return doc


def read(path: str | Path, store: Store) -> Loaded:
    """Put the runs of the archive at ``path`` that the current simulation code made into ``store``. A missing or
    unreadable file, one of another format, or a run whose config does not give its key is a ValueError naming the
    path, raised before anything is stored."""
    p = Path(path)
    doc = _doc(p)
    code = code_version()
    mine, others = [], set()
    try:
        for r in doc["runs"]:
            if r["code"] != code:
                others.add(str(r["code"]))
                continue
            config = RunConfig.from_dict(r["config"])
            if config.key(code) != r["key"]:
                raise ValueError(f"run {r['key']!r} holds a config whose key is {config.key(code)!r}")
            mine.append((str(r["key"]), dict(r["config"]), RunResult.from_dict(r["result"]), list(r["trajectory"]),
                         float(r["wall_s"])))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"archive must hold bovit runs, got {str(p)!r} ({exc!r:.120})") from None
    added = sum(store.put(key, config, result, trajectory, wall, code) for key, config, result, trajectory, wall
                in mine)
    other_code = len(doc["runs"]) - len(mine)
    return Loaded(added, len(mine) - added, other_code, tuple(sorted(others)))
