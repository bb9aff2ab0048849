"""Run independent work items in-process or on a dask.distributed cluster; hand back each result at once.

:func:`run_all` calls ``work(item)`` for every item and ``on_result(item, result)`` in the calling
(client) process as each result arrives, so the caller can write it to its local SQLite store
straight away: a sweep killed half-way keeps every result delivered so far. Where the work runs
is the ``scheduler`` argument:

- ``None``: in this process, in the order given;
- ``"tcp://host:port"``: an existing dask scheduler (``dask scheduler`` plus ``dask worker`` on
  other machines); ``work`` and the items are pickled to the workers, so ``work`` must be a
  module-level function importable there (the same checkout of bovit);
- ``"local"`` or ``"local:N"``: a ``LocalCluster`` of N single-threaded worker processes (default:
  one per CPU) started for this call and shut down after it. The workers are spawned, so a script
  (not the ``bovit`` command) must make the call under ``if __name__ == "__main__":``.

A failing item does not stop the others: every other result is still delivered, then the first
failure is raised as a :class:`WorkError` naming the item (the original exception is its
``__cause__``). ``fail_fast=True`` instead stops at the first failure, after delivering what had
already finished.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from simulate.progress import Progress

__all__ = ["WorkError", "check_reachable", "describe", "parse_scheduler", "run_all"]

T = TypeVar("T")
R = TypeVar("R")

_TCP = re.compile(r"^tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>[0-9]{1,5})$")
_LOCAL = re.compile(r"^local(?::(?P<n>[0-9]+))?$")


class WorkError(RuntimeError):
    """``work`` raised on one or more items; the first failure is the ``__cause__``.

    ``failures`` lists ``(index, item, exception)`` for every failed item, in the order they failed.
    """

    def __init__(self, message: str, failures: list[tuple[int, Any, BaseException]]) -> None:
        super().__init__(message)
        self.failures = failures


def describe(item: object, limit: int = 120) -> str:
    """A short description of a work item: its ``label()`` if it has one, else ``str(item)``."""
    label = getattr(item, "label", None)
    try:
        text = str(label()) if callable(label) else str(item)
    except Exception:  # a broken __str__ must not hide the real error
        text = object.__repr__(item)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_scheduler(scheduler: str | None) -> tuple[str, str | int | None]:
    """``("inline", None)``, ``("tcp", "tcp://host:port")`` or ``("local", n_workers)``; ValueError otherwise."""
    if scheduler is None:
        return "inline", None
    if not isinstance(scheduler, str):
        raise ValueError(f"scheduler must be None, 'local', 'local:N' or 'tcp://host:port', got {scheduler!r}")
    text = scheduler.strip()
    m = _TCP.match(text)
    if m:
        port = int(m["port"])
        if not 1 <= port <= 65535:
            raise ValueError(f"scheduler port must be in 1..65535, got {scheduler!r}")
        return "tcp", text
    m = _LOCAL.match(text)
    if m:
        n = (os.cpu_count() or 1) if m["n"] is None else int(m["n"])
        if n < 1:
            raise ValueError(f"scheduler 'local:N' needs N >= 1 workers, got {scheduler!r}")
        return "local", n
    raise ValueError(f"scheduler must be None, 'local', 'local:N' or 'tcp://host:port', got {scheduler!r}")


def check_reachable(scheduler: str | None, timeout: float = 10.0) -> None:
    """For a ``tcp://host:port`` scheduler, a ValueError naming it when nothing accepts a connection there within
    ``timeout`` seconds (checked before a sweep creates its store, so an unreachable cluster leaves no file)."""
    kind, arg = parse_scheduler(scheduler)
    if kind != "tcp":
        return
    import socket

    address = str(arg).removeprefix("tcp://")
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        raise ValueError(f"scheduler {scheduler!r} is unreachable (no connection within {timeout:g} s: "
                         f"{exc.strerror or type(exc).__name__})") from None


def _check_weights(weights: Sequence[float] | None, n: int) -> list[float]:
    if weights is None:
        return [1.0] * n
    if isinstance(weights, str | bytes) or not isinstance(weights, Sequence):
        raise ValueError(f"weights must be a sequence of numbers >= 0 or None, got {weights!r:.80}")
    if len(weights) != n:
        raise ValueError(f"weights must have one number per item ({n}), got {len(weights)}")
    out = []
    for i, w in enumerate(weights):
        if isinstance(w, bool) or not isinstance(w, int | float) or not w >= 0 or w == float("inf"):
            raise ValueError(f"weights[{i}] must be a finite number >= 0, got {w!r}")
        out.append(float(w))
    return out


def run_all(
    items: Sequence[T],
    work: Callable[[T], R],
    on_result: Callable[[T, R], None],
    scheduler: str | None = None,
    weights: Sequence[float] | None = None,
    progress: Progress | None = None,
    *,
    fail_fast: bool = False,
    connect_timeout: float = 10.0,
    check_code: bool = True,
) -> None:
    """Run ``work`` on every item and call ``on_result(item, result)`` here as each one finishes.

    ``progress`` (if given) advances by the item's weight (default 1) when its result — or its
    failure — arrives, with the item's :func:`describe` as the note. Exceptions raised by
    ``on_result`` propagate at once (pending work is cancelled). An unreachable ``tcp://``
    scheduler raises ConnectionError naming the address after ``connect_timeout`` seconds.

    With ``check_code`` (the default) every worker connected at the start must import this
    ``simulate`` package with the same :func:`simulate.store.code_version` as this process, else
    RuntimeError: results are stored under the client's code version, so a worker running other
    code would file its results under the wrong key. (Workers that join later are not checked.)
    """
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise ValueError(f"items must be a sequence of work items, got {type(items).__name__}")
    if not callable(work):
        raise ValueError(f"work must be a callable item -> result, got {work!r}")
    if not callable(on_result):
        raise ValueError(f"on_result must be a callable (item, result) -> None, got {on_result!r}")
    kind, arg = parse_scheduler(scheduler)
    w = _check_weights(weights, len(items))
    if progress is not None and not isinstance(progress, Progress):
        raise ValueError(f"progress must be a Progress or None, got {progress!r}")
    if not isinstance(fail_fast, bool):
        raise ValueError(f"fail_fast must be a bool, got {fail_fast!r}")
    if not isinstance(check_code, bool):
        raise ValueError(f"check_code must be a bool, got {check_code!r}")
    if isinstance(connect_timeout, bool) or not isinstance(connect_timeout, int | float) or not connect_timeout > 0:
        raise ValueError(f"connect_timeout must be a number > 0 (seconds), got {connect_timeout!r}")
    if not items:
        return
    runner = _Runner(list(items), w, on_result, progress, fail_fast, check_code)
    if kind == "inline":
        runner.inline(work)
    elif kind == "tcp":
        runner.distributed(work, str(arg), None, float(connect_timeout))
    else:
        assert isinstance(arg, int)  # parse_scheduler gives "local" its worker count
        runner.distributed(work, None, int(arg), float(connect_timeout))
    runner.finish()


class _Runner:
    """The bookkeeping shared by both paths: deliver, advance the bar, collect failures."""

    def __init__(
        self,
        items: list[Any],
        weights: list[float],
        on_result: Callable[[Any, Any], None],
        progress: Progress | None,
        fail_fast: bool,
        check_code: bool,
    ) -> None:
        self.items = items
        self.check_code = check_code
        self.weights = weights
        self.on_result = on_result
        self.progress = progress
        self.fail_fast = fail_fast
        self.failures: list[tuple[int, Any, BaseException]] = []

    def deliver(self, index: int, result: Any) -> None:
        item = self.items[index]
        self.on_result(item, result)
        if self.progress is not None:
            self.progress.advance(self.weights[index], note=describe(item))

    def failed(self, index: int, exc: BaseException) -> bool:
        """Record a failure; True if the run should stop now."""
        item = self.items[index]
        self.failures.append((index, item, exc))
        if self.progress is not None:
            self.progress.advance(self.weights[index], note=f"FAILED {describe(item)}")
        return self.fail_fast

    def finish(self) -> None:
        if not self.failures:
            return
        index, item, exc = self.failures[0]
        more = len(self.failures) - 1
        tail = f" ({more} more item{'s' * (more != 1)} failed)" if more else ""
        message = (
            f"work failed on item {index + 1} of {len(self.items)} ({describe(item)}): "
            f"{type(exc).__name__}: {exc}{tail}"
        )
        raise WorkError(message, self.failures) from exc

    # ---- in-process ------------------------------------------------------------------------------
    def inline(self, work: Callable[[Any], Any]) -> None:
        for index, item in enumerate(self.items):
            try:
                result = work(item)
            except Exception as exc:
                if self.failed(index, exc):
                    return
                continue
            self.deliver(index, result)

    # ---- dask.distributed ------------------------------------------------------------------------
    def distributed(
        self, work: Callable[[Any], Any], address: str | None, n_workers: int | None, timeout: float
    ) -> None:
        from distributed import Client, LocalCluster

        if address is None:
            assert n_workers is not None
            try:
                cluster = LocalCluster(
                    n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            except RuntimeError as exc:
                raise RuntimeError(
                    f"scheduler 'local:{n_workers}': the worker processes failed to start ({exc}); "
                    "a script that starts them must call run_all under `if __name__ == \"__main__\":`"
                ) from exc
            with cluster, Client(cluster, set_as_default=False) as client:
                self._submit_and_collect(client, work)
            return
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(
                f"scheduler {address!r} is unreachable (no answer within {timeout:g} s): {exc}"
            ) from exc
        with client:
            self._submit_and_collect(client, work)

    def _same_code(self, client: Any) -> None:
        from simulate.store import code_version

        where = getattr(client.scheduler, "address", "the scheduler")
        try:
            versions: dict[str, str] = client.run(_worker_code_version)
        except Exception as exc:
            raise RuntimeError(
                f"workers of {where} cannot run bovit's simulate package ({type(exc).__name__}: {exc}); "
                "start them from the same checkout/environment, or pass check_code=False"
            ) from exc
        mine = code_version()
        other = {w: v for w, v in versions.items() if v != mine}
        if other:
            shown = ", ".join(f"{w}: {v}" for w, v in sorted(other.items()))
            raise RuntimeError(
                f"workers of {where} run different simulate code than this process ({mine}): {shown}; "
                "their results would be stored under the wrong code version"
            )

    def _submit_and_collect(self, client: Any, work: Callable[[Any], Any]) -> None:
        from distributed import as_completed

        if self.check_code:
            self._same_code(client)

        # earlier items get higher priority, so the order given is (roughly) the order run
        n = len(self.items)
        pending = {
            client.submit(work, item, pure=False, priority=n - i): i for i, item in enumerate(self.items)
        }
        completed = as_completed(list(pending), loop=client.loop)
        try:
            for future in completed:
                index = pending.pop(future)
                if future.status == "error":
                    exc = future.exception()
                    future.release()
                    if self.failed(index, exc):
                        return
                    continue
                try:
                    result = future.result()
                except Exception as exc:  # cancelled elsewhere, or lost with its worker
                    if self.failed(index, exc):
                        return
                    continue
                finally:
                    future.release()  # the worker may drop its copy once we have ours
                self.deliver(index, result)
        finally:
            if pending:
                client.cancel(list(pending))
            completed.clear()


def _worker_code_version() -> str:
    """Run on each worker by ``client.run``: the simulate code version the worker would use."""
    from simulate.store import code_version

    return code_version()
