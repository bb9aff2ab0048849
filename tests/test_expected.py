"""Recorded verdicts: `pytest checks` is green exactly when the observed verdicts match them."""

from __future__ import annotations

import pytest

from checks import expected
from checks.expected import settle, settle_scoped


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expected, "EXPECTED", {"A": ("confirmed", "a"), "B": ("refuted", "b"),
                                              "C": ("out-of-scope", "c")})
    monkeypatch.setattr(expected, "EXPECTED_DATA", {"C": "confirmed"})


def test_a_matching_verdict_passes_and_a_recorded_refutation_xfails(recorded: None) -> None:
    settle("A", "confirmed", "ok")
    with pytest.raises(pytest.xfail.Exception, match="B refuted, as recorded: b"):
        settle("B", "refuted", "evidence")


@pytest.mark.parametrize(("claim", "observed"), [("A", "refuted"), ("A", "inconclusive"), ("B", "confirmed")])
def test_any_change_in_either_direction_fails(recorded: None, claim: str, observed: str) -> None:
    with pytest.raises(pytest.fail.Exception, match=f"{claim}: observed {observed}"):
        settle(claim, observed, "evidence")  # type: ignore[arg-type]


def test_an_unrecorded_claim_fails(recorded: None) -> None:
    with pytest.raises(pytest.fail.Exception, match="no verdict is recorded"):
        settle("Z", "confirmed", "evidence")


def test_out_of_scope_claims_also_compare_what_the_data_say(recorded: None) -> None:
    settle_scoped("C", False, "Condition 4.1 fails", "confirmed", "fine")
    with pytest.raises(pytest.fail.Exception, match="the data now say refuted, recorded confirmed"):
        settle_scoped("C", False, "Condition 4.1 fails", "refuted", "broken")
    with pytest.raises(pytest.fail.Exception, match="observed confirmed, recorded out-of-scope"):
        settle_scoped("C", True, "", "confirmed", "in scope after all")


def test_every_recorded_verdict_is_a_verdict() -> None:
    from checks.stats import VERDICTS

    assert all(v in VERDICTS for v, _ in expected.EXPECTED.values())
    assert all(v in VERDICTS and expected.EXPECTED[c][0] == "out-of-scope" for c, v in expected.EXPECTED_DATA.items())
