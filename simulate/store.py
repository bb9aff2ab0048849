"""The store of finished runs: one embedded SQLite file, one row per run, written atomically.

Why SQLite: a sweep may be killed at any moment (Ctrl-C, a batch scheduler, SIGKILL) and started
again; each run is committed in its own transaction, so a run is either fully in the file or not
at all, and a restarted sweep skips exactly the keys that are there (``INSERT OR IGNORE``: writing
a key that is already stored is a no-op, never a duplicate and never an error). The file is in WAL
mode with ``synchronous=FULL``, so readers (a report, a notebook) can read while one writer writes,
and a committed run survives the writer being killed; a busy timeout makes a second writer wait
instead of failing.

Table ``runs``: ``key`` (primary key, :meth:`simulate.config.RunConfig.key`), ``config`` and
``result`` (JSON text, so ``json_extract`` works in SQL; a :class:`simulate.results.RunResult` is stored as
its :meth:`~simulate.results.RunResult.as_dict` and read back with ``from_dict``), ``trajectory``
(zlib-compressed JSON, a list of rows — a few hundred dicts of floats compress about 3×),
``code_version``, ``created`` (Unix time, s) and ``wall_s``.

Table ``findings`` (schema version 2): one claim's Finding per profile and image data set, written by
``bovit run`` and read by ``bovit report``. Key ``(claim, profile, images, data_root)``; ``finding`` (the
Finding as JSON, its plots included; NULL when the check raised, ``error`` then saying why),
``checks_version`` (the claim-checks code that made it) and ``code_version`` (the simulation code of the
runs it read). It holds no timestamp: the same runs and code give the same row. Writing a key again
replaces the row (a finding is the latest evaluation, not an archive). A version-1 store (runs only)
is upgraded when opened: its runs are kept and the empty findings table is added.

JSON encoding rules (what :meth:`Store.put` accepts and what :meth:`Store.get` gives back):

- floats round-trip bit for bit (JSON text is ``float.__repr__``, the shortest exact form);
- numpy and torch scalars (and arrays/tensors, via ``.tolist()``) become Python numbers/lists;
  tuples become lists; dict keys must be strings (JSON would silently turn ``1`` into ``"1"``);
- **non-finite floats are kept, losslessly**: NaN, +inf and −inf are written as the JSON objects
  ``{"$float": "nan"}``, ``{"$float": "inf"}``, ``{"$float": "-inf"}`` (valid JSON, unlike
  Python's bare ``NaN`` token) and decoded back to floats, so a diverged run is stored as data
  rather than aborting a sweep. In SQL, ``json_extract`` sees such a value as that object. A dict
  with a key ``"$float"`` is therefore reserved and rejected on write;
- anything else (sets, arbitrary objects, non-string keys) is rejected with a ``ValueError``
  naming the field, e.g. ``trajectory[3]['loss']``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from simulate.results import RunResult, read_mapping

__all__ = ["CLAIM_LEASE_S", "SCHEMA_VERSION", "FindingRecord", "RunRecord", "Store", "code_version", "source_hash"]

_PROCESS_START = time.time()
SCHEMA_VERSION = 3  # 1: runs only; 2: runs and findings; 3: and the claims of runs being trained
_FLOAT_TAG = "$float"
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_COLUMNS = "key, config, result, trajectory, code_version, created, wall_s"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    key          TEXT PRIMARY KEY NOT NULL,
    config       TEXT NOT NULL,
    result       TEXT NOT NULL,
    trajectory   BLOB NOT NULL,
    code_version TEXT NOT NULL,
    created      REAL NOT NULL,
    wall_s       REAL NOT NULL
)
"""
_FINDING_COLUMNS = "claim, profile, images, data_root, finding, error, checks_version, code_version"
_FINDINGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS findings (
    claim          TEXT NOT NULL,
    profile        TEXT NOT NULL,
    images         TEXT NOT NULL,
    data_root      TEXT NOT NULL,
    finding        TEXT,
    error          TEXT NOT NULL,
    checks_version TEXT NOT NULL,
    code_version   TEXT NOT NULL,
    PRIMARY KEY (claim, profile, images, data_root)
)
"""

_CLAIM_COLUMNS = "key, owner, since"
_CLAIMS_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    key   TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL,
    since REAL NOT NULL
)
"""
# A claim on a run (a sweep training it) lapses after this many seconds, or at once when its owner is a process of
# this host that no longer runs: a sweep that died leaves nothing another sweep waits for forever.
CLAIM_LEASE_S = 24 * 3600.0


# The modules whose code decides a run's numbers, relative to the repository root: the simulation
# (the eq. (1) model and the ViTs, the synthetic and image data, the result they build) and bounds/lemmas.py
# (Lemma 5.6's bound is part of every result). Editing the store, the executor,
# the progress bar, the grid presets or the benchmark does not change any result, so it does not
# invalidate runs.
RESULT_MODULES = (
    "simulate/config.py", "simulate/data.py", "simulate/model.py", "simulate/attacks.py", "simulate/certify.py",
    "simulate/train.py", "simulate/images.py", "simulate/vit.py", "simulate/results.py", "bounds/lemmas.py",
)


@functools.cache
def code_version() -> str:
    """A 16-hex-digit hash of the simulation code that decides a run's numbers (RESULT_MODULES).

    Part of every run's key, so that any edit to the simulation code makes earlier runs miss the
    cache instead of being silently reused. Computed once per process (see :func:`source_hash`).
    """
    return source_hash(Path(__file__).resolve().parent.parent, RESULT_MODULES)


def source_hash(root: str | os.PathLike[str], only: tuple[str, ...] | None = None) -> str:
    """A 16-hex-digit hash of the ``.py`` files under ``root`` (or only the relative paths ``only``):
    their relative paths and contents.

    Files are taken in sorted order of their path relative to ``root`` (``__pycache__`` skipped),
    so the hash does not depend on the file system's listing order or on ``root``'s location.
    """
    if isinstance(root, bool) or not isinstance(root, str | os.PathLike) or not Path(root).is_dir():
        raise ValueError(f"root must be a directory, got {root!r}")
    base = Path(root)
    digest = hashlib.sha256()
    if only is not None:  # just these files (no walk of the tree, which may hold a virtualenv)
        rels = sorted((Path(r) for r in only if (base / r).is_file()), key=lambda r: r.as_posix())
    else:
        rels = sorted((p.relative_to(base) for p in base.rglob("*.py")), key=lambda r: r.as_posix())
    for rel in (r for r in rels if "__pycache__" not in r.parts):
        data = (base / rel).read_bytes()
        digest.update(rel.as_posix().encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class RunRecord:
    """One stored run as read back: its key, config, final result, trajectory rows and provenance."""

    key: str
    config: dict[str, Any]
    result: RunResult
    trajectory: list[dict[str, Any]]
    wall_s: float
    code: str
    created: float


@dataclass(frozen=True)
class FindingRecord:
    """One stored finding: whose (claim, profile, image data set), the Finding as plain JSON values (None when
    the check raised, ``error`` then saying why), and the code versions that made it."""

    claim: str
    profile: str
    images: str
    data_root: str
    finding: dict[str, Any] | None
    error: str
    checks: str  # the claim-checks code version
    code: str  # the simulation code version (code_version())

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.claim, self.profile, self.images, self.data_root)


# ---- JSON ----------------------------------------------------------------------------------------


def _plain(value: object, path: str) -> object:
    """``value`` as plain JSON-able Python (see the module docstring), or a ValueError naming ``path``."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        out = float(value)
        if math.isfinite(out):
            return out
        return {_FLOAT_TAG: "nan" if math.isnan(out) else ("inf" if out > 0 else "-inf")}
    if isinstance(value, Mapping):
        out_map: dict[str, object] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"{path} must have string keys, got key {k!r} ({type(k).__name__})")
            if k == _FLOAT_TAG:
                raise ValueError(f"{path} uses the reserved key {_FLOAT_TAG!r} (it encodes non-finite floats)")
            out_map[k] = _plain(v, f"{path}[{k!r}]")
        return out_map
    if isinstance(value, list | tuple):
        return [_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    tolist = getattr(value, "tolist", None)  # numpy scalars/arrays, torch tensors
    if callable(tolist) and hasattr(value, "shape"):
        converted = tolist()
        if converted is value:  # pragma: no cover - defensive against odd array-likes
            raise ValueError(f"{path} must be JSON-serialisable, got {type(value).__name__}")
        return _plain(converted, path)
    raise ValueError(
        f"{path} must be a number, string, bool, None, list or dict, got {type(value).__name__}: {value!r:.80}"
    )


def _dumps(value: object, path: str) -> str:
    try:
        return json.dumps(_plain(value, path), allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except RecursionError:
        raise ValueError(f"{path} must be nested at most a few hundred levels deep, got a deeper value") from None


def _hook(obj: dict[str, Any]) -> object:
    if len(obj) == 1 and _FLOAT_TAG in obj and obj[_FLOAT_TAG] in _NONFINITE:
        return _NONFINITE[obj[_FLOAT_TAG]]
    return obj


def _loads(text: str | bytes) -> Any:
    return json.loads(text, object_hook=_hook)


# ---- validation ----------------------------------------------------------------------------------


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ValueError(f"key must be a non-empty string, got {key!r}")
    return key


def _check_trajectory(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"trajectory must be a list of dicts, got {type(value).__name__}: {value!r:.80}")
    for i, row in enumerate(value):
        if not isinstance(row, Mapping):
            raise ValueError(f"trajectory[{i}] must be a dict, got {type(row).__name__}: {row!r:.80}")
    return list(value)


def _check_wall(wall_s: object) -> float:
    if isinstance(wall_s, bool | str | bytes):
        raise ValueError(f"wall_s must be a finite number >= 0 (seconds), got {wall_s!r}")
    try:
        out = float(wall_s)  # type: ignore[arg-type]  # any object: numpy/torch scalars too; TypeError is caught
    except (TypeError, ValueError):
        raise ValueError(f"wall_s must be a finite number >= 0 (seconds), got {wall_s!r}") from None
    if not math.isfinite(out) or out < 0:
        raise ValueError(f"wall_s must be a finite number >= 0 (seconds), got {wall_s!r}")
    return out


# ---- the store -----------------------------------------------------------------------------------


class Store:
    """The SQLite file of finished runs (see the module docstring); ``":memory:"`` for a private one.

    One connection per ``Store``; its methods may be called from several threads (a lock
    serialises them). Several processes may open the same file: any number of readers and one
    writer at a time, others waiting up to ``timeout`` seconds for the write lock.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 60.0, readonly: bool | None = None) -> None:
        if isinstance(path, bool) or not isinstance(path, str | os.PathLike):
            raise ValueError(f"path must be a file path or ':memory:', got {path!r}")
        text = os.fspath(path)
        if not text:
            raise ValueError("path must be a file path or ':memory:', got ''")
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise ValueError(f"timeout must be a number > 0 (seconds), got {timeout!r}")
        if readonly is not None and not isinstance(readonly, bool):
            raise ValueError(f"readonly must be a bool or None (decided from the file), got {readonly!r}")
        self.path = text
        self._timeout = float(timeout)
        self._lock = threading.RLock()
        memory = text == ":memory:"
        if readonly is None:  # a store on read-only media (or without write permission) is opened for reading
            target = Path(text)
            readonly = not memory and target.is_file() and not (
                os.access(target, os.W_OK) and os.access(target.parent, os.W_OK))
        self.readonly = readonly
        self._conn: sqlite3.Connection | None = None
        if readonly:
            if memory or not Path(text).is_file():
                raise ValueError(f"path must be an existing store file to open it read-only, got {text!r}")
            try:
                # immutable: nothing else writes read-only media, and SQLite then needs no -wal or -shm file
                conn = sqlite3.connect(f"{Path(text).resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                       isolation_level=None, check_same_thread=False)
                why = self._foreign(conn)
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            except sqlite3.DatabaseError as exc:
                raise ValueError(f"path {text!r} is not a bovit run store: {exc}") from None
            if why is not None or version not in (2, SCHEMA_VERSION):
                conn.close()
                raise ValueError(f"path {text!r} cannot be read as a bovit store: "
                                 f"{why or f'store schema version {version}'}")
            self._conn = conn
            return
        if not memory:
            target = Path(text)
            if target.is_dir():
                raise ValueError(f"path must be a file, got the directory {text!r}")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(f"path {text!r} cannot be opened as a store: its folder cannot be made "
                                 f"({exc.strerror or exc})") from None
        try:
            conn = sqlite3.connect(text, timeout=float(timeout), isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ValueError(f"path {text!r} cannot be opened as a store: {exc}") from exc
        self._conn = conn
        try:
            self._setup(conn, memory)
        except sqlite3.OperationalError as exc:  # locked past the timeout, no permission, ...
            conn.close()
            self._conn = None
            raise ValueError(f"path {text!r} cannot be opened as a store: {exc}") from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database"
            conn.close()
            self._conn = None
            raise ValueError(f"path {text!r} is not a bovit run store: {exc}") from exc
        except BaseException:
            conn.close()
            self._conn = None
            raise

    def _foreign(self, conn: sqlite3.Connection) -> str | None:
        """Why the open database is not a bovit store (read only, before anything is written to it), or None.

        A bovit store at schema 2 holds exactly the tables runs and findings with bovit's columns, at schema 1
        runs alone; a database at user_version 0 must hold no table yet (a new or empty file)."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        want = {SCHEMA_VERSION: {"claims": _CLAIM_COLUMNS, "findings": _FINDING_COLUMNS, "runs": _COLUMNS},
                2: {"findings": _FINDING_COLUMNS, "runs": _COLUMNS}, 1: {"runs": _COLUMNS}, 0: {}}.get(version)
        if want is None:
            return None  # another schema version: refused, with the versions, by _setup
        if sorted(want) != names:
            held = ", ".join(names) if names else "none"
            return f"it holds the tables {held} at user_version {version}, not a bovit store's"
        for table, columns in want.items():
            have = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            if have != [c.strip() for c in columns.split(",")]:
                return f"its table {table} has the columns {', '.join(have)}, not a bovit store's"
        return None

    def _wal(self, conn: sqlite3.Connection) -> None:
        """Switch the file to write-ahead logging. SQLite answers "database is locked" at once, without waiting
        for the busy timeout, when another process opens the same new file at the same moment (two sweeps starting
        together): the switch is retried until the store's timeout."""
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
                if str(mode).lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)

    def _setup(self, conn: sqlite3.Connection, memory: bool) -> None:
        why = self._foreign(conn)
        if why is not None:  # checked before any pragma or table is written: a foreign file stays as it was
            raise ValueError(f"path {self.path!r} is not a bovit run store: {why}")
        if not memory:
            self._wal(conn)
        conn.execute("PRAGMA synchronous=FULL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version not in (0, 1, 2):  # 0: a new file; 1 and 2: upgraded in place
            raise ValueError(f"path {self.path!r} has store schema version {version}, this code reads "
                             f"{SCHEMA_VERSION} (and upgrades 1 and 2)")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_SCHEMA)
            conn.execute(_FINDINGS_SCHEMA)
            conn.execute(_CLAIMS_SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # ---- plumbing ----------------------------------------------------------------------------
    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError(f"store {self.path!r} is closed")
        return self._conn

    def close(self) -> None:
        """Close the connection (idempotent); the file stays consistent whether or not this runs."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._conn is None else "open"
        return f"Store({self.path!r}, {state})"

    # ---- reading -----------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        """Whether a run with this key is stored."""
        key = _check_key(key)
        with self._lock:
            return self._db.execute("SELECT 1 FROM runs WHERE key = ?", (key,)).fetchone() is not None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(key.strip()) and self.has(key)

    def keys(self) -> set[str]:
        """Every stored key."""
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT key FROM runs")}

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    @staticmethod
    def _record(row: tuple[Any, ...]) -> RunRecord:
        key, config, result, trajectory, code, created, wall_s = row
        return RunRecord(
            key=key,
            config=_loads(config),
            result=RunResult.from_dict(_loads(result)),
            trajectory=_loads(zlib.decompress(trajectory)),
            wall_s=float(wall_s),
            code=code,
            created=float(created),
        )

    def get(self, key: str) -> RunRecord | None:
        """The stored run with this key, or None."""
        key = _check_key(key)
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM runs WHERE key = ?", (key,)).fetchone()
        return None if row is None else self._record(row)

    def records(
        self,
        where: Callable[[RunRecord], bool] | None = None,
        *,
        code: str | None = None,
        **config_equals: object,
    ) -> Iterator[RunRecord]:
        """Stored runs, oldest first, optionally filtered.

        ``code`` keeps runs of that code version (in SQL); each ``name=value`` keeps runs whose
        ``config[name] == value`` (e.g. ``records(N=22, seed=0)``); ``where`` is any predicate on
        the decoded record. The keys are listed when iteration starts (runs written later are not
        included) and rows are read in batches of 64, so a large store is not loaded at once.
        """
        if where is not None and not callable(where):
            raise ValueError(f"where must be a callable RunRecord -> bool or None, got {where!r}")
        if code is not None and (not isinstance(code, str) or not code):
            raise ValueError(f"code must be a non-empty string or None, got {code!r}")
        sql = f"SELECT {_COLUMNS} FROM runs"
        args: tuple[object, ...] = ()
        if code is not None:
            sql += " WHERE code_version = ?"
            args = (code,)
        sql += " ORDER BY created, key"
        missing = object()
        with self._lock:
            keys = [row[0] for row in self._db.execute(sql.replace(_COLUMNS, "key", 1), args)]
        for start in range(0, len(keys), 64):
            chunk = keys[start : start + 64]
            marks = ", ".join("?" * len(chunk))
            with self._lock:
                rows = self._db.execute(f"SELECT {_COLUMNS} FROM runs WHERE key IN ({marks})", chunk).fetchall()
            by_key = {row[0]: row for row in rows}
            for key in chunk:
                record = self._record(by_key[key])
                if any(record.config.get(k, missing) != v for k, v in config_equals.items()):
                    continue
                if where is not None and not where(record):
                    continue
                yield record

    def __iter__(self) -> Iterator[RunRecord]:
        return self.records()

    def check(self) -> list[str]:
        """Problems found in the file (``PRAGMA integrity_check`` and decoding every run); [] if none."""
        problems: list[str] = []
        with self._lock:
            problems += [row[0] for row in self._db.execute("PRAGMA integrity_check") if row[0] != "ok"]
            keys = [row[0] for row in self._db.execute("SELECT key FROM runs")]
        for key in keys:
            try:
                record = self.get(key)
                assert record is not None
                if not isinstance(record.config, dict):
                    raise ValueError("config is not a JSON object")
                if not isinstance(record.trajectory, list) or not all(isinstance(r, dict) for r in record.trajectory):
                    raise ValueError("trajectory is not a list of JSON objects")
            except Exception as exc:
                problems.append(f"run {key}: {type(exc).__name__}: {exc}")
        with self._lock:
            rows = self._db.execute(f"SELECT {_FINDING_COLUMNS} FROM findings").fetchall()
        for row in rows:
            try:
                finding = self._finding(row).finding
                if finding is not None and not isinstance(finding, dict):
                    raise ValueError("finding is not a JSON object")
            except Exception as exc:
                problems.append(f"finding {row[:4]}: {type(exc).__name__}: {exc}")
        return problems

    # ---- findings ----------------------------------------------------------------------------
    @staticmethod
    def _finding(row: tuple[Any, ...]) -> FindingRecord:
        claim, profile, images, data_root, finding, error, checks, code = row
        return FindingRecord(claim, profile, images, data_root, None if finding is None else _loads(finding),
                             error, checks, code)

    def get_finding(
        self, claim: str, profile: str, images: str = "digits", data_root: str = ""
    ) -> FindingRecord | None:
        """The stored finding of ``claim`` at this profile and image data set, or None."""
        key = (_check_key(claim), profile, images, data_root)
        with self._lock:
            row = self._db.execute(f"SELECT {_FINDING_COLUMNS} FROM findings WHERE claim = ? AND profile = ? "
                                   "AND images = ? AND data_root = ?", key).fetchone()
        return None if row is None else self._finding(row)

    def findings(self) -> list[FindingRecord]:
        """Every stored finding, in key order."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_FINDING_COLUMNS} FROM findings "
                                    "ORDER BY claim, profile, images, data_root").fetchall()
        return [self._finding(row) for row in rows]

    def put_findings(self, records: Sequence[FindingRecord]) -> None:
        """Store findings in one transaction (all or none), replacing any stored under the same key.

        Everything is validated and encoded first, so a bad value raises a ValueError naming its field
        (``finding['plots'][0]['series'][1]['y'][2]``) and writes nothing.
        """
        self._writable()
        rows = []
        for i, r in enumerate(records):
            if not isinstance(r, FindingRecord):
                raise ValueError(f"records[{i}] must be a FindingRecord, got {type(r).__name__}")
            _check_key(r.claim)
            for name in ("profile", "checks", "code"):
                value = getattr(r, name)
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"{name} must be a non-empty string, got {value!r} (finding of {r.claim})")
            for name in ("images", "data_root", "error"):
                if not isinstance(getattr(r, name), str):
                    raise ValueError(f"{name} must be a string, got {getattr(r, name)!r} (finding of {r.claim})")
            if r.finding is None and not r.error:
                raise ValueError(f"error must say why a check raised when finding is None, got '' ({r.claim})")
            finding = None if r.finding is None else _dumps(read_mapping("finding", r.finding), "finding")
            rows.append((*r.key, finding, r.error, r.checks, r.code))
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(f"INSERT OR REPLACE INTO findings ({_FINDING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    # ---- writing -----------------------------------------------------------------------------
    # ---- claims: which sweep is training which run ------------------------------------------------------
    @staticmethod
    def owner_id() -> str:
        """This process as a claim's owner: host, process ID and start time (a reused PID is another owner)."""
        import platform

        return f"{platform.node()}:{os.getpid()}:{_PROCESS_START:.6f}"

    @staticmethod
    def _lapsed(owner: str, since: float, now: float) -> bool:
        """Whether a claim no longer holds: past the lease, or its owner a process of this host that has ended."""
        if now - since > CLAIM_LEASE_S:
            return True
        import platform

        host, _, rest = owner.partition(":")
        pid_text = rest.partition(":")[0]
        if host != platform.node() or not pid_text.isdigit():
            return False
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except OSError:  # it exists (another user's, say)
            return False
        return False

    def claim(self, keys: Sequence[str], owner: str) -> list[str]:
        """Claim the runs ``keys`` for ``owner`` (a sweep about to train them), in one transaction: the keys
        returned are now this owner's, in order; a key already stored, or claimed by another owner whose claim
        holds, is left out (lapsed claims are cleared first). A sweep trains only what it claimed."""
        self._writable()
        keys = [_check_key(k) for k in keys]
        if not isinstance(owner, str) or not owner:
            raise ValueError(f"owner must be a non-empty string, got {owner!r}")
        now = time.time()
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                owners = db.execute("SELECT owner, MIN(since) FROM claims GROUP BY owner").fetchall()
                for other, since in owners:
                    if other != owner and self._lapsed(other, since, now):
                        db.execute("DELETE FROM claims WHERE owner = ?", (other,))
                mine = []
                for key in dict.fromkeys(keys):
                    if db.execute("SELECT 1 FROM runs WHERE key = ?", (key,)).fetchone() is not None:
                        continue
                    held = db.execute("SELECT owner FROM claims WHERE key = ?", (key,)).fetchone()
                    if held is None:
                        db.execute("INSERT INTO claims (key, owner, since) VALUES (?, ?, ?)", (key, owner, now))
                    elif held[0] != owner:
                        continue
                    mine.append(key)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return mine

    def release(self, keys: Sequence[str], owner: str) -> None:
        """Drop ``owner``'s claims on ``keys`` (trained and stored, or given up)."""
        self._writable()
        keys = [_check_key(k) for k in keys]
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("DELETE FROM claims WHERE key = ? AND owner = ?", [(k, owner) for k in keys])
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def claimed(self) -> dict[str, str]:
        """Every claim in the store: run key → owner."""
        with self._lock:
            return dict(self._db.execute("SELECT key, owner FROM claims ORDER BY key").fetchall())

    def _writable(self) -> None:
        if self.readonly:
            raise ValueError(f"store {self.path!r} is read-only (opened from read-only media or without write "
                             f"permission): it can be read, not written")

    def put(
        self,
        key: str,
        config: Mapping[str, object],
        result: RunResult,
        trajectory: Sequence[Mapping[str, object]],
        wall_s: float,
        code: str,
    ) -> bool:
        """Store one finished run in one transaction; True if written, False if ``key`` was already there.

        Everything is validated and encoded before the transaction starts, so a bad value raises a
        ValueError naming its field (``trajectory[3]['loss']``) and writes nothing.
        """
        self._writable()
        key = _check_key(key)
        config_json = _dumps(read_mapping("config", config), "config")
        if not isinstance(result, RunResult):
            raise ValueError(f"result must be a RunResult (simulate.results), got {type(result).__name__}: "
                             f"{result!r:.80}")
        result_json = _dumps(result.as_dict(), "result")
        trajectory_blob = zlib.compress(_dumps(_check_trajectory(trajectory), "trajectory").encode(), 6)
        wall = _check_wall(wall_s)
        if not isinstance(code, str) or not code.strip():
            raise ValueError(f"code must be a non-empty string (the code version), got {code!r}")
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                cursor = db.execute(
                    f"INSERT OR IGNORE INTO runs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (key, config_json, result_json, trajectory_blob, code, time.time(), wall),
                )
                written = cursor.rowcount == 1
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return written
