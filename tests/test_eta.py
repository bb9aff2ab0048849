"""The sweep's ETA on a grid that mixes eq. (1) and ViT runs (work of very unequal cost per iteration): after a fifth
of the work the remaining time it shows is within a factor of 2 of the time that was in fact left, and from 35% of
the work on within a factor of 1.5."""

from __future__ import annotations

import time

import pytest

import simulate.sweep as sweep_module
from simulate import data
from simulate.config import RunConfig
from simulate.progress import Progress
from simulate.store import Store
from simulate.sweep import sweep, work_units


def _grid() -> list[RunConfig]:
    # eq. (1) runs whose evaluation (2,000 test points) outweighs their training, and ViT runs (ci's width, 4 heads)
    # whose iterations cost many times an eq. (1) one: weighed in member-iterations, the ETA falls to about 0.56
    # of the truth at 30% and 0.43 at 50% of this grid (measured)
    eq1 = [RunConfig(N=n, snr=s, d=32, M=4, dh=6, dv=6, T_max=60, n_test=2000, seed=k)
           for n in (4, 8, 16) for k, s in enumerate((0.5, 2.0, 8.0))]
    vit = [RunConfig(N=n, snr=2.0, dataset="digits", d=16, M=4, dh=32, dv=32, H=4, model="simplevit", T_max=30,
                     n_test=200, seed=k) for n in (4, 8, 16) for k in range(2)]
    return eq1 + vit


def test_a_vit_iteration_weighs_more_than_an_eq1_one_and_the_evaluation_counts() -> None:
    eq1, vit = _grid()[0], _grid()[-1]
    (t_eq1, e_eq1), (t_vit, _) = work_units(eq1), work_units(vit)
    assert t_vit > t_eq1 > 0 and e_eq1 > 5 * t_eq1  # an evaluation is several iterations' worth


def test_the_eta_on_a_mixed_grid_is_within_2x_at_a_fifth_then_1_5x(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[float, float, float | None]] = []

    class Recording(Progress):
        def advance(self, n: float = 1, note: str = "", kind: str | None = None) -> None:
            super().advance(n, note, kind)
            seen.append((time.monotonic(), self.fraction, self.eta()))

    monkeypatch.setattr(sweep_module, "Progress", Recording)
    # the one-time costs of a process (the image pools read, torch's first ViT pass) are seconds, nothing in a real
    # sweep of minutes but half of this small one: they are paid before the clock starts
    data.image_pools("digits", "", (0, 1))
    with Store(":memory:") as store:
        sweep(_grid()[-1:], store, show_progress=False)
    seen.clear()
    with Store(":memory:") as store:
        sweep(_grid(), store, max_members=3, show_progress=False)
    end = time.monotonic()
    # after a fifth of the work the rates rest on two or three groups of this 8-second grid, and the ETA's ratio to
    # the truth there ranged 0.56–1.0 over 13 repeats on an idle 2-core machine (below 1/1.5 in 2): within 2× there,
    # within 1.5× from 35% on, where the member-iteration weighting this replaced falls to 0.57 at half
    for share, factor in ((0.2, 2.0), (0.35, 1.5), (0.5, 1.5)):
        at, _, eta = next(r for r in seen if r[1] >= share)
        left = end - at
        assert eta is not None and 1 / factor <= eta / left <= factor, (share, eta, left)
