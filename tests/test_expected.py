"""Recorded verdicts: `pytest checks` is green exactly when the observed verdicts match them."""

from __future__ import annotations

import pytest

from checks import expected
from checks.claim import Finding, Plot, Series
from checks.settle import settle, settle_mutant


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expected, "EXPECTED", {"A": ("confirmed", "a"), "B": ("refuted", "b"),
                                              "C": ("out-of-scope", "c")})
    monkeypatch.setattr(expected, "EXPECTED_DATA", {"C": "confirmed"})


def test_a_matching_verdict_passes_and_a_recorded_refutation_xfails(recorded: None) -> None:
    settle(Finding("A", "confirmed", "ok"))
    with pytest.raises(pytest.xfail.Exception, match="B refuted, as recorded: b"):
        settle(Finding("B", "refuted", "evidence"))


@pytest.mark.parametrize(("claim", "observed"), [("A", "refuted"), ("A", "inconclusive"), ("B", "confirmed")])
def test_any_change_in_either_direction_fails(recorded: None, claim: str, observed: str) -> None:
    with pytest.raises(pytest.fail.Exception, match=f"{claim}: observed {observed}"):
        settle(Finding(claim, observed, "evidence"))  # type: ignore[arg-type]


def test_an_unrecorded_claim_fails(recorded: None) -> None:
    with pytest.raises(pytest.fail.Exception, match="no verdict is recorded"):
        settle(Finding("Z", "confirmed", "evidence"))


def test_out_of_scope_claims_also_compare_what_the_data_say(recorded: None) -> None:
    settle(Finding("C", "out-of-scope", "fine", data_verdict="confirmed"))
    with pytest.raises(pytest.fail.Exception, match="the data now say refuted, recorded confirmed"):
        settle(Finding("C", "out-of-scope", "broken", data_verdict="refuted"))
    with pytest.raises(pytest.fail.Exception, match="observed confirmed, recorded out-of-scope"):
        settle(Finding("C", "confirmed", "in scope after all"))


def test_a_mutant_must_be_refuted() -> None:
    settle_mutant(Finding("X.mutant", "refuted", "caught"))
    for verdict in ("confirmed", "inconclusive", "out-of-scope"):
        with pytest.raises(pytest.fail.Exception, match=r"mutant X\.mutant survived"):
            settle_mutant(Finding("X.mutant", verdict, "let through"))  # type: ignore[arg-type]


def test_every_recorded_verdict_is_a_verdict() -> None:
    from checks.stats import VERDICTS

    assert all(v in VERDICTS for v, _ in expected.EXPECTED.values())
    assert all(v in VERDICTS and expected.EXPECTED[c][0] == "out-of-scope" for c, v in expected.EXPECTED_DATA.items())


def test_every_catalogued_claim_has_a_recorded_verdict_and_no_record_is_orphaned() -> None:
    from checks.catalogue import CLAIMS, MUTANTS

    ids = {c.id for c in CLAIMS}
    assert ids == set(expected.EXPECTED), "checks/expected.py and the catalogue must list the same claims"
    assert not {m.id for m in MUTANTS} & set(expected.EXPECTED), "mutants are expected refuted by definition"
    assert all(m.mutant_of in ids for m in MUTANTS)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"verdict": "passed"}, "verdict must be one of"),
    ({"verdict": "confirmed", "data_verdict": "confirmed"}, "data_verdict is only for out-of-scope"),
    ({"verdict": "confirmed", "evidence": (("a", "b"), ("c",))}, "evidence rows must all have the same length"),
])
def test_a_malformed_finding_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Finding("A", reason="r", **kwargs)  # type: ignore[arg-type]


def test_a_malformed_plot_is_rejected() -> None:
    with pytest.raises(ValueError, match="y must have len"):
        Series("s", (1.0, 2.0), (1.0,))
    with pytest.raises(ValueError, match="heatmap grid"):
        Plot("p", "t", "heatmap", "x", "y", grid=((1.0,),), xticks=(1.0, 2.0), yticks=(1.0,))
    with pytest.raises(ValueError, match="file stem"):
        Plot("a/b", "t", "lines", "x", "y")


def test_a_profile_record_overrides_the_base_one_and_paper_falls_back_to_default(
        recorded: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expected, "AT_PROFILE", {"default": {"A": ("refuted", None, "at scale")}})
    settle(Finding("A", "confirmed", "ok"), "ci")
    with pytest.raises(pytest.fail.Exception, match="observed confirmed at profile default, recorded refuted"):
        settle(Finding("A", "confirmed", "ok"), "default")
    with pytest.raises(pytest.xfail.Exception, match="A refuted, as recorded: at scale"):
        settle(Finding("A", "refuted", "evidence"), "paper")


def test_every_profile_record_is_well_formed() -> None:
    from checks.catalogue import CLAIMS
    from checks.profiles import PROFILES
    from checks.stats import VERDICTS

    ids = {c.id for c in CLAIMS}
    for profile, table in expected.AT_PROFILE.items():
        assert profile in PROFILES
        for claim, entry in table.items():
            assert claim in ids and len(entry) == 3, (profile, claim)
            verdict, data, _ = entry
            assert verdict in VERDICTS and (data is None) == (verdict != "out-of-scope"), (profile, claim)


def test_a_mutant_recorded_as_uncatchable_xfails_and_fails_once_refuted(monkeypatch: pytest.MonkeyPatch) -> None:
    from checks import expected as expected_module

    monkeypatch.setitem(expected_module.UNCATCHABLE, "Y.mutant", "its claim measures nothing")
    with pytest.raises(pytest.xfail.Exception, match="not caught, as recorded: its claim measures nothing"):
        settle_mutant(Finding("Y.mutant", "inconclusive", "censored"))
    with pytest.raises(pytest.fail.Exception, match="recorded as uncatchable but was refuted"):
        settle_mutant(Finding("Y.mutant", "refuted", "caught after all"))


def test_a_mutant_uncatchable_at_one_profile_must_be_caught_at_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    from checks import expected as expected_module

    monkeypatch.setitem(expected_module.UNCATCHABLE_AT, "ci", {"Z.mutant": "the ci grid is too small"})
    with pytest.raises(pytest.xfail.Exception, match="the ci grid is too small"):
        settle_mutant(Finding("Z.mutant", "inconclusive", "too few points"), "ci")
    with pytest.raises(pytest.fail.Exception, match="survived"):
        settle_mutant(Finding("Z.mutant", "inconclusive", "too few points"), "default")
