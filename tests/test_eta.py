"""The sweep's ETA on a grid that mixes eq. (1) and ViT runs (work of very unequal cost per iteration): after a fifth
of the work, the remaining time it shows is within a factor of 1.5 of the time that was in fact left."""

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
    eq1 = [RunConfig(N=n, snr=s, d=32, M=4, dh=6, dv=6, T_max=100, n_test=1000, seed=k)
           for n in (4, 8, 16) for k, s in enumerate((0.5, 2.0, 8.0))]
    vit = [RunConfig(N=n, snr=2.0, dataset="digits", d=16, M=4, dh=16, dv=16, H=2, model="simplevit", T_max=40,
                     n_test=200, seed=k) for n in (4, 8, 16) for k in range(2)]
    return eq1 + vit


def test_a_vit_iteration_weighs_more_than_an_eq1_one_and_the_evaluation_counts() -> None:
    eq1, vit = _grid()[0], _grid()[-1]
    (t_eq1, e_eq1), (t_vit, _) = work_units(eq1), work_units(vit)
    assert t_vit > t_eq1 > 0 and e_eq1 > 5 * t_eq1  # an evaluation is several iterations' worth


def test_the_eta_on_a_mixed_grid_is_within_a_factor_of_1_5_after_a_fifth(monkeypatch: pytest.MonkeyPatch) -> None:
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
    at, _, eta = next(r for r in seen if r[1] >= 0.2)
    left = end - at
    assert eta is not None and 1 / 1.5 <= eta / left <= 1.5, (eta, left)
