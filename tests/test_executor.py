"""simulate.executor.run_all: in-process, on a real multi-process dask cluster, failures and bad input.

The cluster tests share one ``LocalCluster(n_workers=2, processes=True)`` per module and reach it
through its ``tcp://`` address, exactly as a sweep reaches a remote scheduler. The work functions
below are module level; the workers unpickle them by reference (this test module is importable
there because spawned workers inherit pytest's ``sys.path``) — and, to not depend on that, the
module is also registered with cloudpickle to be pickled by value.
"""

from __future__ import annotations

import io
import os
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from simulate.executor import WorkError, describe, parse_scheduler, run_all
from simulate.progress import Progress


@dataclass(frozen=True)
class Job:
    """A work item with a label (what run_all uses to describe it)."""

    n: int
    fail: bool = False
    sleep: float = 0.0

    def label(self) -> str:
        return f"job[{self.n}]"


def square(job: Job) -> tuple[int, int]:
    """The work: n², and the pid of the process that computed it."""
    if job.sleep:
        time.sleep(job.sleep)
    if job.fail:
        raise ZeroDivisionError(f"job {job.n} divides by zero")
    return job.n * job.n, os.getpid()


def _patch_code_version(value: str | None) -> None:
    """Run on the workers: make them report another simulate code version (None restores it)."""
    import simulate.store as store

    if value is None:
        if hasattr(store, "_real_code_version"):
            store.code_version = store._real_code_version
    else:
        store._real_code_version = getattr(store, "_real_code_version", store.code_version)
        store.code_version = lambda: value


class Collector:
    """An on_result that records what arrived and in which process."""

    def __init__(self) -> None:
        self.got: list[tuple[int, int]] = []
        self.worker_pids: set[int] = set()
        self.callback_pids: set[int] = set()

    def __call__(self, job: Job, result: tuple[int, int]) -> None:
        value, pid = result
        assert value == job.n * job.n
        self.got.append((job.n, value))
        self.worker_pids.add(pid)
        self.callback_pids.add(os.getpid())


def _quiet_bar(total: float) -> Progress:
    return Progress(total, stream=io.StringIO(), tty=False)


# ---- in-process -------------------------------------------------------------------------------------


def test_inline_runs_in_order_in_this_process_and_advances_by_weight() -> None:
    jobs = [Job(n) for n in range(6)]
    weights = [1.0, 2.0, 3.0, 0.5, 0.0, 4.0]
    out = Collector()
    bar = _quiet_bar(sum(weights))
    run_all(jobs, square, out, weights=weights, progress=bar)
    assert out.got == [(n, n * n) for n in range(6)]
    assert out.worker_pids == out.callback_pids == {os.getpid()}
    assert bar.done == pytest.approx(sum(weights))
    assert "job[5]" in bar.stream.getvalue()  # type: ignore[attr-defined]


def test_inline_failure_delivers_the_others_then_raises_naming_the_item() -> None:
    jobs = [Job(0), Job(1), Job(2, fail=True), Job(3), Job(4, fail=True)]
    out = Collector()
    bar = _quiet_bar(len(jobs))
    with pytest.raises(WorkError, match=r"item 3 of 5 \(job\[2\]\).*ZeroDivisionError.*1 more item failed") as info:
        run_all(jobs, square, out, progress=bar)
    assert out.got == [(0, 0), (1, 1), (3, 9)]
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    assert [(i, job.n) for i, job, _ in info.value.failures] == [(2, 2), (4, 4)]
    assert bar.done == len(jobs)  # failures count as done, so the bar still ends at 100%
    assert "FAILED job[2]" in bar.stream.getvalue()  # type: ignore[attr-defined]


def test_inline_fail_fast_stops_at_the_first_failure() -> None:
    out = Collector()
    with pytest.raises(WorkError, match=r"job\[1\]") as info:
        run_all([Job(0), Job(1, fail=True), Job(2)], square, out, fail_fast=True)
    assert out.got == [(0, 0)]
    assert len(info.value.failures) == 1


def test_on_result_errors_propagate_unchanged() -> None:
    def on_result(job: Job, result: tuple[int, int]) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        run_all([Job(0), Job(1)], square, on_result)


def test_no_items_calls_nothing() -> None:
    def fail(*args: object) -> None:
        raise AssertionError("must not be called")

    run_all([], fail, fail)
    run_all([], fail, fail, scheduler="tcp://127.0.0.1:1")  # no connection attempted for no work


def test_describe_prefers_label_then_str_and_truncates() -> None:
    assert describe(Job(3)) == "job[3]"
    assert describe(17) == "17"
    long = describe("x" * 500)
    assert len(long) == 120 and long.endswith("…")


# ---- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scheduler",
    ["", "tcp://", "tcp://host", "tcp://host:", "tcp://host:0", "tcp://host:99999", "tcp://host:80/x",
     "http://host:8786", "host:8786", "local:0", "local:x", "local:-1", "LOCAL", 8786],
)
def test_bad_scheduler_is_a_value_error_naming_it(scheduler: object) -> None:
    with pytest.raises(ValueError, match="scheduler") as info:
        run_all([Job(0)], square, Collector(), scheduler=scheduler)  # type: ignore[arg-type]
    assert repr(scheduler) in str(info.value)


def test_parse_scheduler_accepts_the_documented_forms() -> None:
    assert parse_scheduler(None) == ("inline", None)
    assert parse_scheduler("tcp://10.0.0.5:8786") == ("tcp", "tcp://10.0.0.5:8786")
    assert parse_scheduler("tcp://node-3.cluster:8786") == ("tcp", "tcp://node-3.cluster:8786")
    assert parse_scheduler("tcp://[::1]:8786") == ("tcp", "tcp://[::1]:8786")
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("local") == ("local", os.cpu_count() or 1)


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"items": 5}, "items"),
        ({"items": "abc"}, "items"),
        ({"work": None}, "work"),
        ({"on_result": 3}, "on_result"),
        ({"weights": [1.0]}, "weights"),
        ({"weights": [1.0, -1.0]}, r"weights\[1\]"),
        ({"weights": [1.0, float("nan")]}, r"weights\[1\]"),
        ({"weights": [1.0, float("inf")]}, r"weights\[1\]"),
        ({"progress": "yes"}, "progress"),
        ({"fail_fast": 1}, "fail_fast"),
        ({"connect_timeout": 0}, "connect_timeout"),
        ({"check_code": "no"}, "check_code"),
    ],
)
def test_bad_arguments_are_value_errors_naming_the_parameter(kwargs: dict[str, object], names: str) -> None:
    args: dict[str, object] = {"items": [Job(0), Job(1)], "work": square, "on_result": Collector()}
    args.update(kwargs)
    with pytest.raises(ValueError, match=names):
        run_all(**args)  # type: ignore[arg-type]


def test_unreachable_scheduler_fails_fast_naming_the_address() -> None:
    with socket.socket() as s:  # a port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match=address):
        run_all([Job(0)], square, Collector(), scheduler=address, connect_timeout=1.0)
    assert time.perf_counter() - start < 10


# ---- a real multi-process cluster -------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    try:
        with distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster:
            yield cluster.scheduler_address
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_cluster_delivers_every_result_once_in_the_client_process(scheduler: str) -> None:
    jobs = [Job(n, sleep=0.02) for n in range(24)]
    weights = [float(n + 1) for n in range(24)]
    out = Collector()
    bar = _quiet_bar(sum(weights))
    run_all(jobs, square, out, scheduler=scheduler, weights=weights, progress=bar)
    assert sorted(out.got) == [(n, n * n) for n in range(24)]  # each exactly once
    assert out.callback_pids == {os.getpid()}  # on_result ran here, in the client
    assert os.getpid() not in out.worker_pids  # the work ran elsewhere ...
    assert len(out.worker_pids) == 2  # ... on both worker processes
    assert bar.done == pytest.approx(sum(weights))


def test_cluster_failure_delivers_the_others_then_raises(scheduler: str) -> None:
    jobs = [Job(n, fail=(n == 3)) for n in range(8)]
    out = Collector()
    with pytest.raises(WorkError, match=r"item 4 of 8 \(job\[3\]\): ZeroDivisionError: job 3 divides by zero") as info:
        run_all(jobs, square, out, scheduler=scheduler)
    assert sorted(n for n, _ in out.got) == [0, 1, 2, 4, 5, 6, 7]
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_cluster_fail_fast_cancels_the_rest(scheduler: str) -> None:
    jobs = [Job(0, fail=True)] + [Job(n, sleep=0.2) for n in range(1, 20)]
    out = Collector()
    start = time.perf_counter()
    with pytest.raises(WorkError, match=r"job\[0\]"):
        run_all(jobs, square, out, scheduler=scheduler, fail_fast=True)
    assert time.perf_counter() - start < 19 * 0.2 / 2  # did not wait for all of them
    assert len(out.got) == len(set(out.got)) < 19


def test_cluster_with_other_simulate_code_is_refused(scheduler: str) -> None:
    from distributed import Client

    with Client(scheduler, set_as_default=False) as client:
        client.run(_patch_code_version, "0123456789abcdef")
        try:
            with pytest.raises(RuntimeError, match="different simulate code"):
                run_all([Job(0)], square, Collector(), scheduler=scheduler)
            out = Collector()
            run_all([Job(2)], square, out, scheduler=scheduler, check_code=False)
            assert out.got == [(2, 4)]
        finally:
            client.run(_patch_code_version, None)
    out = Collector()
    run_all([Job(5)], square, out, scheduler=scheduler)
    assert out.got == [(5, 25)]


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning")
def test_local_scheduler_starts_and_stops_its_own_cluster() -> None:
    out = Collector()
    run_all([Job(n) for n in range(4)], square, out, scheduler="local:1")
    assert sorted(out.got) == [(n, n * n) for n in range(4)]
    assert out.callback_pids == {os.getpid()} and os.getpid() not in out.worker_pids
