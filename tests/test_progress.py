"""simulate.progress: duration format, the terminal and the plain-line styles, ETA, bad input.

Every test drives a fake clock and writes to an ``io.StringIO``, so nothing sleeps and the output
is exact.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulate.progress import Progress, format_duration


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def tick(self, dt: float) -> None:
        self.t += dt


class TTYStream(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"), (0.4, "0s"), (5, "5s"), (59.4, "59s"), (59.6, "1m00s"), (65, "1m05s"), (600, "10m00s"),
        (3599, "59m59s"), (3600, "1h00m"), (7380, "2h03m"), (7399, "2h03m"), (100 * 3600, "100h00m"),
        (-1, "?"), (float("inf"), "?"), (float("nan"), "?"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@given(st.floats(min_value=0, max_value=1e7))
def test_format_duration_is_one_of_three_shapes(seconds: float) -> None:
    text = format_duration(seconds)
    assert text[-1] in "sm" and "?" not in text


def test_plain_style_writes_a_line_every_5_percent_and_at_the_end() -> None:
    clock, out = FakeClock(), io.StringIO()
    with Progress(100, stream=out, clock=clock, label="sweep") as bar:
        assert not bar.tty
        for i in range(100):
            clock.tick(1.0)
            bar.advance(1, note=f"item {i}")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    # the first advance, then 5%, 10%, ..., 100%: 21 lines, never one per item
    assert len(lines) == 21
    assert lines[0] == "sweep    1/100    1.0%  elapsed 1s  ETA 1m39s  item 0"
    assert lines[1].startswith("sweep    5/100    5.0%  elapsed 5s  ETA 1m35s")
    assert lines[-1] == "sweep  100/100  100.0%  elapsed 1m40s  ETA 0s  item 99"


def test_plain_style_also_writes_every_10_seconds_when_progress_is_slow() -> None:
    clock, out = FakeClock(), io.StringIO()
    bar = Progress(1000, stream=out, clock=clock)
    bar.advance(1)  # first line
    for _ in range(6):
        clock.tick(4.0)
        bar.advance(1)  # 0.7% in 24 s: only the time rule fires
    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # at 0 s, then the first advance >= 10 s later (12 s), then at 24 s
    assert lines[-1] == "   7/1000    0.7%  elapsed 24s  ETA 56m45s"  # 993 left at 7/24 per second
    bar.close()
    assert out.getvalue().splitlines() == lines  # the last state is already written


def test_tty_style_redraws_one_line_and_ends_it_on_close() -> None:
    clock, out = FakeClock(), TTYStream()
    with Progress(4, stream=out, clock=clock) as bar:
        assert bar.tty
        for note in ("a long note here", "b", "c", "d"):
            clock.tick(30.0)
            bar.advance(1, note=note)
    text = out.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    frames = text.rstrip("\n").split("\r")[1:]
    assert len(frames) == 4
    assert frames[0] == "1/4   25.0%  elapsed 30s  ETA 1m30s  a long note here"
    assert frames[1].startswith("2/4   50.0%  elapsed 1m00s  ETA 1m00s  b")
    assert len(frames[1]) == len(frames[0])  # blanks out what the longer line left behind
    assert frames[-1].rstrip() == "4/4  100.0%  elapsed 2m00s  ETA 0s  d"


def test_tty_style_throttles_redraws_but_always_draws_the_end() -> None:
    clock, out = FakeClock(), TTYStream()
    with Progress(1000, stream=out, clock=clock) as bar:
        for _ in range(1000):
            clock.tick(0.001)  # 1000 advances in 1 s: about 10 redraws at redraw_s=0.1
            bar.advance(1)
    frames = out.getvalue().rstrip("\n").split("\r")[1:]
    assert 5 <= len(frames) <= 15
    assert frames[-1].startswith("1000/1000  100.0%")


def test_eta_is_the_remaining_amount_at_the_average_rate() -> None:
    clock = FakeClock()
    bar = Progress(200.0, stream=io.StringIO(), clock=clock)
    assert bar.eta() is None  # nothing done yet
    clock.tick(50)
    bar.advance(50.0)
    assert bar.eta() == pytest.approx(150.0)
    clock.tick(50)
    bar.advance(150.0)
    assert bar.eta() == 0.0 and bar.fraction == 1.0
    assert "ETA 0s" in bar.line()


def test_each_kind_of_work_is_priced_at_its_own_rate() -> None:
    """Two kinds of unequal cost per unit: the ETA prices each kind's remaining units at that kind's measured rate
    (the time between advances counted to the advancing kind), a kind not yet measured at the overall rate."""
    clock = FakeClock()
    bar = Progress(20.0, stream=io.StringIO(), clock=clock)
    bar.set_kinds({"cheap": 10.0, "dear": 10.0})
    for _ in range(5):
        clock.tick(1)
        bar.advance(1, kind="cheap")  # 1 s per unit
    assert bar.eta() == pytest.approx(5 * 1 + 10 * 1)  # "dear" unmeasured: the overall 1 s per unit
    clock.tick(10)
    bar.advance(1, kind="dear")  # 10 s per unit
    assert bar.eta() == pytest.approx(5 * 1 + 9 * 10)  # the average rate would say 14 × 15/6 = 35
    with pytest.raises(ValueError, match="kind must be a string"):
        bar.advance(1, kind=3)  # type: ignore[arg-type]


def test_fractional_weights_and_overshoot() -> None:
    clock, out = FakeClock(), io.StringIO()
    bar = Progress(10, stream=out, clock=clock)
    bar.advance(2.5)
    assert bar.line().startswith("2.5/10   25.0%")
    bar.advance(8.0)  # weights that sum past the total: capped at 100%, never an error
    assert "100.0%" in bar.line() and bar.eta() == 0.0


def test_zero_total_and_no_advance_writes_one_final_line() -> None:
    out = io.StringIO()
    with Progress(0, stream=out, clock=FakeClock(), label="0 runs"):
        pass
    assert out.getvalue() == "0 runs  0/0  100.0%  elapsed 0s  ETA 0s\n"


def test_disabled_writes_nothing_but_counts() -> None:
    out = TTYStream()
    with Progress(3, stream=out, enabled=False) as bar:
        bar.advance(2, note="x")
    assert out.getvalue() == ""
    assert bar.done == 2


def test_close_is_idempotent_and_advance_after_close_is_refused() -> None:
    out = io.StringIO()
    bar = Progress(2, stream=out, clock=FakeClock())
    bar.advance(1)
    bar.close()
    bar.close()
    assert len(out.getvalue().splitlines()) == 1
    with pytest.raises(ValueError, match="closed"):
        bar.advance(1)


def test_close_on_error_still_writes_the_last_state() -> None:
    out, clock = io.StringIO(), FakeClock()
    with pytest.raises(KeyError), Progress(100, stream=out, clock=clock) as bar:
        bar.advance(1)
        bar.advance(1, note="last")  # throttled away ...
        raise KeyError("boom")
    assert out.getvalue().splitlines()[-1].endswith("last")  # ... but written on the way out


def test_default_stream_is_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress(1, clock=FakeClock()) as bar:
        bar.advance(1)
    captured = capsys.readouterr()
    assert captured.out == "" and "1/1" in captured.err


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"total": -1}, "total"),
        ({"total": float("nan")}, "total"),
        ({"total": "10"}, "total"),
        ({"total": True}, "total"),
        ({"label": 3}, "label"),
        ({"enabled": "no"}, "enabled"),
        ({"clock": 5}, "clock"),
        ({"tty": 1}, "tty"),
        ({"every_pct": 0}, "every_pct"),
        ({"every_s": -1}, "every_s"),
        ({"redraw_s": float("inf")}, "redraw_s"),
    ],
)
def test_bad_construction_names_the_parameter(kwargs: dict[str, object], name: str) -> None:
    args: dict[str, object] = {"total": 10, "stream": io.StringIO()}
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        Progress(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n", "note", "name"), [(-1, "", "n"), (float("nan"), "", "n"), ("1", "", "n"), (1, 5, "note")]
)
def test_bad_advance_names_the_parameter(n: object, note: object, name: str) -> None:
    bar = Progress(10, stream=io.StringIO())
    with pytest.raises(ValueError, match=f"^{name} must"):
        bar.advance(n, note=note)  # type: ignore[arg-type]


def test_bad_format_duration_input() -> None:
    with pytest.raises(ValueError, match="seconds"):
        format_duration("5")  # type: ignore[arg-type]


def test_plain_style_writes_the_finished_line_once() -> None:
    out = io.StringIO()
    with Progress(100, stream=out, tty=False) as bar:
        bar.advance(95)
        bar.advance(5)
        bar.advance(0)  # a run that stops early reports its remaining budget, possibly 0
        bar.advance(0)
    assert sum("100/100" in line for line in out.getvalue().splitlines()) == 1


def test_a_bar_of_internal_units_shows_its_share_and_note_but_not_the_units() -> None:
    clock, out = FakeClock(), io.StringIO()
    with Progress(8e12, stream=out, clock=clock, label="12 runs", show_amount=False) as bar:
        clock.tick(10.0)
        bar.advance(2e12, note="3/12 runs stored")
        line = bar.line()
    assert line.startswith("12 runs   25.0%  elapsed 10s") and line.endswith("3/12 runs stored")
    assert "8000000000000" not in out.getvalue() and "2000000000000" not in out.getvalue()
    with pytest.raises(ValueError, match="show_amount must be a bool, got 'no'"):
        Progress(1, show_amount="no")  # type: ignore[arg-type]
