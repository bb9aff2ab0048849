"""The stability check (checks.stability): a last-bit perturbation of the initial weights, and verdicts that
turn on it recorded as unstable (inconclusive), never as confirmed or refuted."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np
import pytest
import torch

from checks.claim import Claim, Finding, Records
from checks.evaluate import all_configs, finding
from checks.profiles import PROFILES, Profile
from checks.stability import combine, perturbed
from simulate.config import RunConfig
from simulate.model import init_weights
from simulate.store import Store

CFG = RunConfig(N=4, snr=2.0, d=16, M=4, dh=4, dv=4, T_max=20, n_test=40)


def test_the_perturbation_moves_every_initial_weight_exactly_one_ulp_up() -> None:
    args = (16, 4, 4, 2, [3, 4], "pytorch16", [None, None], [None, None], [1.0, 1.0], "ones", torch.float32)
    drawn = init_weights(*args)
    nudged = init_weights(*args, perturb=[0, 1])
    for a, b in zip((drawn.W_Q, drawn.W_K, drawn.W_V, drawn.w_O), (nudged.W_Q, nudged.W_K, nudged.W_V, nudged.w_O),
                    strict=True):
        assert torch.equal(a[0], b[0])  # member 0 is not perturbed
        want = np.nextafter(a[1].numpy(), np.float32(np.inf))
        assert np.array_equal(b[1].numpy(), want) and not np.array_equal(b[1].numpy(), a[1].numpy())


def test_a_perturbed_run_is_another_run_with_another_key_and_label() -> None:
    (twin,) = perturbed([CFG], 1)
    assert twin.perturb == 1 and dataclasses.replace(twin, perturb=0) == CFG
    assert twin.key("v") != CFG.key("v") and "perturb=1" in twin.label() and "perturb" not in CFG.label()
    assert twin.group_key() != CFG.group_key()  # perturbed runs batch apart, as their originals do


@pytest.mark.parametrize("ulps", [0, -1, 1.5, True, "1"])
def test_perturbed_refuses_a_bad_ulp_count(ulps: object) -> None:
    with pytest.raises(ValueError, match=r"^ulps must be an integer >= 1, got"):
        perturbed([CFG], ulps)  # type: ignore[arg-type]


@pytest.mark.parametrize("perturb", [-1, 1001, 0.5])
def test_runconfig_refuses_a_bad_perturbation(perturb: object) -> None:
    with pytest.raises(ValueError, match=r"^perturb must be an integer"):
        RunConfig(N=4, snr=1.0, perturb=perturb)  # type: ignore[arg-type]


def _f(verdict: str, data_verdict: str | None = None) -> Finding:
    return Finding("X.1", verdict, f"{verdict} because", "k", data_verdict)  # type: ignore[arg-type]


def test_combine_keeps_a_verdict_that_survives_and_marks_it_stable() -> None:
    out = combine(_f("refuted"), _f("refuted"), 1)
    assert out.verdict == "refuted" and out.stability == "stable" and out.reason == "refuted because"


@pytest.mark.parametrize("a, b", [("confirmed", "refuted"), ("refuted", "inconclusive"), ("confirmed", "inconclusive")])
def test_combine_records_a_flipping_verdict_as_unstable_and_inconclusive(a: str, b: str) -> None:
    for drawn, nudged in ((a, b), (b, a)):
        out = combine(_f(drawn), _f(nudged), 1)
        assert out.verdict == "inconclusive"
        assert out.stability == f"unstable: {drawn} as drawn, {nudged} with every initial weight moved 1 ulp"
        assert f"{drawn} because" in out.reason and f"{nudged} because" in out.reason


def test_combine_compares_the_data_verdicts_of_out_of_scope_findings() -> None:
    same = combine(_f("out-of-scope", "confirmed"), _f("out-of-scope", "confirmed"), 1)
    assert same.verdict == "out-of-scope" and same.data_verdict == "confirmed" and same.stability == "stable"
    flip = combine(_f("out-of-scope", "confirmed"), _f("out-of-scope", "refuted"), 1)
    assert flip.verdict == "out-of-scope" and flip.data_verdict == "inconclusive"
    assert flip.stability.startswith("unstable")


def test_combine_refuses_findings_about_different_claims() -> None:
    with pytest.raises(ValueError, match=r"^nudged must be a finding about X\.1, got one about Y"):
        combine(_f("confirmed"), Finding("Y", "confirmed", "r"), 1)


def _by_perturbation(records: Records, profile: Profile) -> Finding:
    """A check whose verdict turns on the last bit: it reads which twin it was given."""
    nudged = any(c.perturb for c, _ in records)
    return Finding("X.1", "refuted" if nudged else "confirmed", f"{len(records)} runs, perturbed: {nudged}")


def _by_data(records: Records, profile: Profile) -> Finding:
    """A check that survives a last-bit difference: whether the runs fit their training set at all."""
    ok = all(rec.result.final_robust_loss < 1.0 for _, rec in records)
    return Finding("X.2", "confirmed" if ok else "refuted", "every run's robust training loss is below 1")


@pytest.fixture
def memory_store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


def test_a_claim_is_evaluated_on_its_runs_and_their_perturbed_twins(memory_store: Store) -> None:
    profile = dataclasses.replace(PROFILES["ci"], stability_ulps=1)
    fragile = Claim("X.1", "derived", "Derived: s", "src", "how", ("trained",), _by_perturbation,
                    kind="derived", quote="a test claim")
    robust = Claim("X.2", "derived", "Derived: s", "src", "how", ("trained",), _by_data, kind="derived",
                   quote="a test claim")
    configs = all_configs([fragile], profile)
    assert len(configs) == 2 * len(fragile.configs(profile))
    assert [c.perturb for c in configs] == [0] * (len(configs) // 2) + [1] * (len(configs) // 2)
    f = finding(fragile, profile, memory_store)
    assert f.verdict == "inconclusive"
    assert f.stability == "unstable: confirmed as drawn, refuted with every initial weight moved 1 ulp"
    assert "perturbed: False" in f.reason and "perturbed: True" in f.reason
    g = finding(robust, profile, memory_store)
    assert g.stability == "stable"
    assert g.verdict == robust.evaluate(_stored(memory_store, robust.configs(profile)), profile).verdict
    # at ci the stability check is off: the finding is the drawn one, unmarked
    assert finding(robust, PROFILES["ci"], memory_store).stability == ""


def _stored(store: Store, configs: list[RunConfig]) -> Records:
    out = []
    for c in configs:
        rec = store.get(c.key(_code()))
        assert rec is not None
        out.append((c, rec))
    return out


def _code() -> str:
    from simulate.store import code_version

    return code_version()
