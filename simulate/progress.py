"""A dependency-free progress bar with an ETA, for sweeps that run minutes to hours.

On a terminal it keeps one line up to date (redrawn with ``\\r``, at most every ``redraw_s``); on
anything else — a CI log, a file, a pipe — it writes plain lines, one each time another
``every_pct`` percent is done or ``every_s`` seconds have passed, so logs stay short but show
that the job is alive. A line reads::

    12 runs  30/120   25.0%  elapsed 1m05s  ETA 3m15s  run[N=22,snr=2,tau_rel=0.05,seed=3]

The ETA is the remaining amount at the average rate so far; amounts are in any unit (runs, or
work units such as training iterations so that unequal items weigh right). The clock is
injectable, so the output is testable without sleeping; like ``time.monotonic`` (the default) it must
never go backwards, and its readings are used as they are.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

__all__ = ["Progress", "format_duration"]


def format_duration(seconds: float) -> str:
    """``42s``, ``1m05s``, ``2h03m`` (rounded to the second; ``?`` if negative or not finite)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"seconds must be a number, got {seconds!r}")
    return _duration(seconds)


def _duration(seconds: float) -> str:
    """:func:`format_duration` of a number of seconds the bar computed itself."""
    if not math.isfinite(seconds) or seconds < 0:
        return "?"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def _amount(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.1f}"


def _number(name: str, value: object, *, minimum: float = 0.0, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < minimum or (strict and value == minimum):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {minimum:g}, got {value!r}")
    return float(value)


class Progress:
    """Progress of ``total`` units of work, shown on ``stream`` (default ``sys.stderr``).

    ``advance(n, note)`` adds ``n`` units done and shows ``note`` (say, what just finished). ``show_amount=False``
    leaves the units out of the line (when they are an internal cost measure, not something a reader counts).
    ``enabled=False`` shows nothing (the counts are still kept). ``tty`` forces the terminal or
    the plain-line style; by default it is ``stream.isatty()``. Use it as a context manager so the
    last state is always written (and the terminal line ended) even when the work fails.
    Safe to advance from several threads.
    """

    def __init__(
        self,
        total: float,
        *,
        label: str = "",
        stream: TextIO | None = None,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        tty: bool | None = None,
        every_pct: float = 5.0,
        every_s: float = 10.0,
        redraw_s: float = 0.1,
        show_amount: bool = True,
    ) -> None:
        self.total = _number("total", total)
        if not isinstance(show_amount, bool):
            raise ValueError(f"show_amount must be a bool, got {show_amount!r}")
        self.show_amount = show_amount
        if not isinstance(label, str):
            raise ValueError(f"label must be a string, got {label!r}")
        if not isinstance(enabled, bool):
            raise ValueError(f"enabled must be a bool, got {enabled!r}")
        if not callable(clock):
            raise ValueError(f"clock must be a callable returning seconds, got {clock!r}")
        if tty is not None and not isinstance(tty, bool):
            raise ValueError(f"tty must be a bool or None, got {tty!r}")
        self.every_pct = _number("every_pct", every_pct, strict=True)
        self.every_s = _number("every_s", every_s, strict=True)
        self.redraw_s = _number("redraw_s", redraw_s)
        self.label = label
        self.enabled = enabled
        self.stream: TextIO = sys.stderr if stream is None else stream
        if tty is None:
            isatty = getattr(self.stream, "isatty", None)
            try:
                tty = bool(isatty()) if callable(isatty) else False
            except (ValueError, OSError):  # a closed or odd stream
                tty = False
        self.tty = tty
        self._clock = clock
        self._start = clock()
        self._last_advance = self._start
        # per kind of work (advance(kind=...)): its total, the units done and the clock time spent on them, so
        # that the ETA prices each kind's remaining units at that kind's own rate (work of unequal cost per unit)
        self.kind_total: dict[str, float] = {}
        self.kind_done: dict[str, float] = {}
        self.kind_time: dict[str, float] = {}
        self.done = 0.0
        self.note = ""
        self._lock = threading.Lock()
        self._last_write: float | None = None  # clock time of the last line written
        self._next_pct = self.every_pct  # plain style: write when the percentage reaches this
        self._width = 0  # terminal style: length of the line on screen, to blank out leftovers
        self._stale = True  # the state changed since the last line written
        self._finish_written = False  # plain style: the 100% line is written once, not on every later advance
        self._closed = False

    # ---- state -----------------------------------------------------------------------------------
    @property
    def elapsed(self) -> float:
        """Seconds since the bar was created."""
        return self._clock() - self._start

    @property
    def fraction(self) -> float:
        """Share of the work done, in [0, 1] (1 when ``total`` is 0)."""
        return 1.0 if self.total == 0 else min(self.done / self.total, 1.0)

    def set_kinds(self, totals: dict[str, float]) -> None:
        """Declare the work's kinds and each one's total units (summing to ``total``): from then on the ETA prices
        each kind's remaining units at the rate measured on that kind (``advance(kind=...)``), and a kind not yet
        measured at the overall rate."""
        for k, v in totals.items():
            if not isinstance(k, str):
                raise ValueError(f"kinds must be named by strings, got {k!r}")
            _number(f"kinds[{k!r}]", v)
        with self._lock:
            self.kind_total = dict(totals)

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left at the rates so far (per kind where kinds are declared); None until something is done."""
        elapsed = self.elapsed if now is None else now - self._start
        left = max(self.total - self.done, 0.0)
        if left == 0:
            return 0.0
        if self.done <= 0 or elapsed <= 0:
            return None
        overall = elapsed / self.done
        if not self.kind_total:
            return left * overall
        seconds = 0.0
        for kind, total in self.kind_total.items():
            done = self.kind_done.get(kind, 0.0)
            rate = self.kind_time.get(kind, 0.0) / done if done > 0 else overall
            seconds += max(total - done, 0.0) * rate
        return seconds

    def line(self, now: float | None = None) -> str:
        """The status line as it would be written now."""
        now = self._clock() if now is None else now
        total = _amount(self.total)
        eta = self.eta(now)
        parts = [
            *([f"{_amount(self.done):>{len(total)}}/{total}"] if self.show_amount else []),
            f"{100 * self.fraction:5.1f}%",
            f"elapsed {_duration(now - self._start)}",
            f"ETA {'?' if eta is None else _duration(eta)}",
        ]
        if self.label:
            parts.insert(0, self.label)
        if self.note:
            parts.append(self.note)
        return "  ".join(parts)

    # ---- updates ---------------------------------------------------------------------------------
    def advance(self, n: float = 1, note: str = "", kind: str | None = None) -> None:
        """Count ``n`` more units done (``n`` >= 0) and show ``note`` from now on, if given; ``kind`` names the work
        they are of (set_kinds), to which the time since the last advance is counted."""
        n = _number("n", n)
        if not isinstance(note, str):
            raise ValueError(f"note must be a string, got {note!r}")
        if kind is not None and not isinstance(kind, str):
            raise ValueError(f"kind must be a string or None, got {kind!r}")
        with self._lock:
            if self._closed:
                raise ValueError("progress bar is closed")
            now = self._clock()
            if kind is not None:
                self.kind_done[kind] = self.kind_done.get(kind, 0.0) + n
                self.kind_time[kind] = self.kind_time.get(kind, 0.0) + (now - self._last_advance)
            self._last_advance = now
            self.done += n
            if note:
                self.note = note
            if n or note:  # nothing new to show after advance(0)
                self._stale = True
            self._maybe_write()

    def _maybe_write(self) -> None:
        if not self.enabled:
            return
        now = self._clock()
        finished = self.done >= self.total
        since = math.inf if self._last_write is None else now - self._last_write
        if self.tty:
            if finished or since >= self.redraw_s:
                self._write(now)
            return
        pct = 100 * self.fraction
        if (finished and not self._finish_written) or pct + 1e-9 >= self._next_pct or since >= self.every_s:
            self._finish_written = finished
            self._write(now)
            self._next_pct = (math.floor(pct / self.every_pct + 1e-9) + 1) * self.every_pct

    def _write(self, now: float) -> None:
        text = self.line(now)
        if self.tty:
            pad = max(self._width - len(text), 0)
            self.stream.write("\r" + text + " " * pad)
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._last_write = now
        self._stale = False

    def close(self) -> None:
        """Write the final state if it is not on screen yet and end the terminal line (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self.enabled:
                return
            if self._stale:
                self._write(self._clock())
            if self.tty:
                self.stream.write("\n")
                self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
