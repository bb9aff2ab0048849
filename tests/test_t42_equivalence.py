"""checks.stats.equivalence_verdict: an equality claim is confirmed only by an equivalence test.

- an interval that excludes the prediction refutes, whatever its width;
- an interval that contains it confirms only when it lies wholly within prediction ± margin; a wide one that
  merely contains it is inconclusive (the noise that used to confirm);
- an open end never confirms; bad input raises one ValueError naming the parameter.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checks.stats import equivalence_verdict


@pytest.mark.parametrize(("estimate", "interval", "verdict"), [
    (-1.02, (-1.1, -0.95), "confirmed"),  # within −1 ± 0.5
    (-1.0, (-1.5, -0.5), "confirmed"),  # the band's own ends count as inside
    (-1.0, (-2.2, 0.1), "inconclusive"),  # contains −1 and also 0 and −2: noise, not a confirmation
    (-1.2, (-1.6, -0.9), "inconclusive"),  # reaches past −1.5
    (-0.6, (-0.7, -0.55), "refuted"),  # excludes −1 though inside the band's reach
    (-2.0, (-2.1, -1.9), "refuted"),
    (-1.0, (-math.inf, -0.8), "inconclusive"),  # an open end never confirms
])
def test_the_three_verdicts(estimate: float, interval: tuple[float, float], verdict: str) -> None:
    got, text = equivalence_verdict(estimate, interval, -1.0, 0.5)
    assert got == verdict
    assert "−1" in text.replace("-", "−") and "0.5" in text


@given(lo=st.floats(-5, 5), width=st.floats(0, 5), pred=st.floats(-5, 5), margin=st.floats(0.01, 3))
def test_confirmed_implies_inside_the_band_and_refuted_implies_excluded(lo: float, width: float, pred: float,
                                                                       margin: float) -> None:
    hi = lo + width
    verdict, _ = equivalence_verdict((lo + hi) / 2, (lo, hi), pred, margin)
    if verdict == "confirmed":
        assert pred - margin <= lo <= pred <= hi <= pred + margin
    elif verdict == "refuted":
        assert pred < lo or pred > hi
    else:
        assert lo <= pred <= hi and (lo < pred - margin or hi > pred + margin)


@given(center=st.floats(-3, 3), half=st.floats(0.01, 2))
def test_widening_an_interval_never_turns_an_open_question_into_a_confirmation(center: float, half: float) -> None:
    narrow, _ = equivalence_verdict(center, (center - half, center + half), 0.0, 1.0)
    wide, _ = equivalence_verdict(center, (center - 2 * half, center + 2 * half), 0.0, 1.0)
    if narrow == "inconclusive":
        assert wide == "inconclusive"
    if wide == "confirmed":
        assert narrow in ("confirmed", "refuted")  # inside the band either way; only coverage of 0 can differ


@pytest.mark.parametrize(("args", "message"), [
    ((float("nan"), (0.0, 1.0), 0.5, 0.1), "estimate must be"),
    ((0.5, (0.0, 1.0), float("inf"), 0.1), "predicted must be"),
    ((0.5, (0.0, 1.0), 0.5, 0.0), "margin must be > 0"),
    ((0.5, (0.0, 1.0), 0.5, -1.0), "margin must be > 0"),
    ((0.5, (0.0,), 0.5, 0.1), "interval must be a pair"),
    ((0.5, "ab", 0.5, 0.1), "interval must be a pair"),
    ((0.5, (0.0, float("nan")), 0.5, 0.1), r"interval\[1\] must be a number"),
    ((0.5, (math.inf, math.inf), 0.5, 0.1), "interval must not start at"),
    ((2.0, (0.0, 1.0), 0.5, 0.1), "estimate must lie in its interval"),
    ((0.5, (1.0, 0.0), 0.5, 0.1), "estimate must lie in its interval"),
])
def test_bad_input_raises_one_line_naming_the_parameter(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        equivalence_verdict(*args)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
