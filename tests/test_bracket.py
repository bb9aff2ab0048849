"""The report's certified-bracket section and the evaluation's two certificates."""

from __future__ import annotations

import pytest

from reports.bracket import bracket_plots, bracket_rows, bracket_section, brackets, section6_rows
from simulate.config import RunConfig
from simulate.results import RunResult
from simulate.store import RunRecord
from simulate.train import train_group

pytestmark = pytest.mark.usefixtures("one_thread")


def _record(snr: float, seed: int, attack: int, box: int | None, tight: int, n: int = 100,
            tau_rel: float = 0.05, N: int = 4, perturb: int = 0) -> RunRecord:
    c = RunConfig(N=N, snr=snr, seed=seed, d=8, M=2, dh=2, dv=2, n_test=n, tau_rel=tau_rel, perturb=perturb)
    res = RunResult(iterations=1, converged=True, final_robust_loss=0.0, final_clean_loss=0.0, n_test=n,
                    clean_errors=0, robust_errors_attack=attack, robust_errors_certified=tight,
                    robust_errors_certified_box=box, at_tau_rel={})
    return RunRecord(c.key("t"), c.as_dict(), res, [], 0.0, "t", 0.0)


RECS = [_record(0.5, 0, 10, 60, 30), _record(0.5, 1, 20, 40, 25), _record(2.0, 2, 30, 90, 35),
        _record(2.0, 0, 0, 5, 5, tau_rel=0.3), _record(2.0, 1, 0, 50, 10, tau_rel=0.3),
        _record(8.0, 0, 0, None, 40),  # a run without the box count is left out
        _record(0.5, 0, 99, 99, 99, perturb=1),  # a stability twin repeats its run: left out
        _record(0.5, 0, 0, 0, 0, tau_rel=0.0)]  # no attack, an empty bracket: left out


def test_bracket_rows_give_medians_and_narrow_counts_per_data_and_radius() -> None:
    head, low, high = bracket_rows(brackets(RECS))
    assert head[:2] == ("data", "τ/‖µ‖")
    # τ 0.05: attacked 0.1, 0.2, 0.3 (median 0.2); box widths 0.5, 0.2, 0.6 (median 0.5); tight 0.2, 0.05, 0.05
    # (median 0.05); ≤ 0.1: 0 and 2
    assert low == ("synthetic", "0.05", "3", "0.200", "0.500", "0.050", "0", "2")
    # τ 0.3: box 0.05, 0.5 (median 0.275); tight 0.05, 0.1 (median 0.075); ≤ 0.1: 1 and 2
    assert high == ("synthetic", "0.3", "2", "0.000", "0.275", "0.075", "1", "2")
    text = "\n".join(bracket_section(brackets(RECS), "figures/b.png"))
    assert "1 of 5 with the box bound, 4 of 5 with the tight one" in text
    assert "![Robust error per run: certified against attacked](figures/b.png)" in text
    undrawn = "\n".join(bracket_section(brackets(RECS), None, "boom"))
    assert "The figure could not be drawn: boom." in undrawn and "![" not in undrawn


def test_the_section6_table_pivots_n_by_snr_and_leaves_out_single_seed_cells() -> None:
    recs = [*RECS, _record(0.5, 0, 40, 60, 50, N=8), _record(2.0, 0, 1, 2, 3, N=8)]  # one seed each: left out
    head, row = section6_rows(brackets(recs), "synthetic")
    assert head == ("N \\ SNR", "0.5") and row == ("4", "0.15–0.28")  # SNR 2 at N = 4 has one seed, too
    assert section6_rows(brackets(recs), "digits") == []


def test_the_figure_plots_each_run_once_against_the_diagonals() -> None:
    (plot,) = bracket_plots(brackets(RECS))
    runs, diagonal, narrow = plot.series
    assert runs.x == (0.1, 0.2, 0.3, 0.0, 0.0) and runs.y == (0.3, 0.25, 0.35, 0.05, 0.1)
    assert diagonal.x == diagonal.y == (0.0, 1.0) and narrow.y == (0.1, 1.0)
    assert bracket_plots(brackets([_record(1.0, 0, 5, None, 9)])) == ()


def test_no_section_without_runs_that_stored_both_certificates() -> None:
    assert bracket_section(brackets([_record(1.0, 0, 5, None, 9)])) == []


def test_the_evaluation_stores_the_box_count_which_never_certifies_more_than_the_tight_bound() -> None:
    base = {"d": 32, "M": 4, "dh": 6, "dv": 6, "n_test": 300, "N": 6, "T_max": 40, "tau_rel": 0.1}
    l2 = [r.result for r in train_group([RunConfig(snr=s, seed=k, **base) for s, k in ((2.0, 0), (1.0, 1))])]
    for res in l2:
        assert res.robust_errors_certified_box is not None and res.robust_errors_certified is not None
        assert res.robust_errors_attack <= res.robust_errors_certified <= res.robust_errors_certified_box
    assert any(res.robust_errors_certified < res.robust_errors_certified_box for res in l2)  # the step does work
    linf = train_group([RunConfig(snr=1.0, norm="inf", **base)])[0].result
    assert linf.robust_errors_certified_box is None and linf.robust_errors_certified is not None


def test_one_pass_gives_the_box_and_the_tight_bound_of_certified_margin() -> None:
    import torch

    from simulate.certify import _certified_pair, certified_margin
    from simulate.model import Weights

    gen = torch.Generator().manual_seed(3)
    G, H, d, dh, B, M = 2, 1, 6, 3, 5, 3
    w = Weights(*(torch.randn(*s, generator=gen, dtype=torch.float64) for s in
                  ((G, H, d, dh), (G, H, d, dh), (G, H, d, dh), (G, dh))))
    X = torch.randn(G, B, M, d, generator=gen, dtype=torch.float64)
    y = torch.where(torch.rand(G, B, generator=gen) < 0.5, -1.0, 1.0).double()
    tau = torch.tensor([0.1, 0.4], dtype=torch.float64)
    box, tight = _certified_pair(w, X, y, tau)
    assert torch.equal(box, certified_margin(w, X, y, tau, "2", method="box"))
    assert torch.equal(tight, certified_margin(w, X, y, tau, "2", method="tight"))
    assert bool((tight >= box).all()) and bool((tight > box).any())
