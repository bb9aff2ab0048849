"""A store's runs, findings and trajectories as flat tables: CSV and JSON with the standard library, Parquet
with pyarrow when it is installed (``pip install 'bovit[parquet]'``).

- ``runs``: one row per stored run: its key, simulation code version and wall time, every configuration field
  (an attack's fields as ``attack_kind``, ``attack_steps``, …) and every result field (a radius's results as
  ``at_<radius>_<field>``, the provenance as ``provenance_<field>``); the per-test-point margins are left out.
- ``findings``: one row per stored finding: claim, profile, data, verdict, data verdict, key number, reason,
  stability and the code versions that made it.
- ``trajectories``: long form, one row per (run, logged iteration, quantity) with its value.

Numbers stay numbers (JSON numbers; CSV cells that read back as floats); a missing value is empty (CSV) or null
(JSON). Columns are the union over the rows, in a fixed order (the first row's, then new ones as they appear).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from simulate.store import Store

__all__ = ["FORMATS", "WHAT", "export", "rows"]

WHAT = ("runs", "findings", "trajectories")
FORMATS = ("csv", "json", "parquet")

Row = dict[str, Any]


def _scalar(value: object) -> object:
    """A cell: numbers, strings, booleans and None as they are; a non-finite float as None; anything else (a list,
    a tuple) as its compact JSON text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _flat(prefix: str, data: Mapping[str, object], out: Row) -> None:
    for k, v in data.items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping):
            _flat(f"{name}_", v, out)
        else:
            out[name] = _scalar(v)


def _run_rows(store: Store) -> Iterator[Row]:
    for rec in store.records():
        row: Row = {"key": rec.key, "code_version": rec.code, "wall_s": rec.wall_s}
        _flat("", rec.config, row)
        result = rec.result.as_dict()
        result.pop("margins", None)
        at = result.pop("at_tau_rel", None) or {}
        provenance = result.pop("provenance", None) or {}
        _flat("", result, row)
        for radius, values in (at.items() if isinstance(at, Mapping) else ()):
            if isinstance(values, Mapping):
                _flat(f"at_{radius}_", values, row)
        if isinstance(provenance, Mapping):
            _flat("provenance_", provenance, row)
        yield row


def _finding_rows(store: Store) -> Iterator[Row]:
    for rec in store.findings():
        f = rec.finding or {}
        yield {"claim": rec.claim, "profile": rec.profile, "images": rec.images, "data_root": rec.data_root,
               "verdict": f.get("verdict"), "data_verdict": f.get("data_verdict"), "key": f.get("key"),
               "reason": f.get("reason"), "stability": f.get("stability"), "scope": f.get("scope"),
               "error": rec.error or None, "checks_version": rec.checks, "code_version": rec.code}


def _trajectory_rows(store: Store) -> Iterator[Row]:
    for rec in store.records():
        for i, point in enumerate(rec.trajectory):
            it = point.get("t", i)  # the iteration a row was logged at
            for name, value in point.items():
                if name == "t":
                    continue
                yield {"key": rec.key, "iteration": _scalar(it), "quantity": name, "value": _scalar(value)}


def rows(store: Store, what: str) -> list[Row]:
    """The table ``what`` (one of WHAT) of ``store`` as a list of flat rows."""
    if what not in WHAT:
        raise ValueError(f"what must be one of {', '.join(WHAT)}, got {what!r}")
    if not isinstance(store, Store):
        raise ValueError(f"store must be a simulate.store.Store, got {type(store).__name__}")
    make = {"runs": _run_rows, "findings": _finding_rows, "trajectories": _trajectory_rows}[what]
    return list(make(store))


def _columns(table: Iterable[Row]) -> list[str]:
    seen: dict[str, None] = {}
    for row in table:
        for k in row:
            seen.setdefault(k, None)
    return list(seen)


def _csv(table: list[Row]) -> str:
    from reports.report import csv_text

    cols = _columns(table)
    def text(v: object) -> str:
        return "" if v is None else repr(v) if isinstance(v, float) else str(v)

    return csv_text([cols, *([text(row.get(c)) for c in cols] for row in table)])


def export(store: Store, what: str, fmt: str, out: str | Path) -> int:
    """Write the table ``what`` of ``store`` to ``out`` in ``fmt`` (one of FORMATS); returns the rows written.
    Parquet needs pyarrow: without it, a ValueError that says how to install it, and nothing is written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    path = Path(out)
    if path.is_dir():
        raise ValueError(f"out must be a file, got the folder {str(out)!r}")
    if fmt == "parquet":
        try:
            import pyarrow as pa  # type: ignore[import-not-found, unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise ValueError("format 'parquet' needs pyarrow: pip install 'bovit[parquet]'") from None
    table = rows(store, what)
    if fmt == "csv":
        path.write_text(_csv(table), encoding="utf-8")
    elif fmt == "json":
        path.write_text(json.dumps(table, ensure_ascii=False, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    else:
        cols = _columns(table)
        pq.write_table(pa.table({c: [row.get(c) for row in table] for c in cols}), path)
    return len(table)
