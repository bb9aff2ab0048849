"""checks.experiments.nested_balls: what B(X, τ) ⊆ B(X, τ') implies for stored per-point margins."""

from __future__ import annotations

import numpy as np

from checks.experiments import nested_balls


def _m(*rows: tuple[float, list[float], list[float]]) -> list[tuple[float, np.ndarray, np.ndarray]]:
    return [(r, np.array(raw, dtype=np.float32), np.array(cert, dtype=np.float32)) for r, raw, cert in rows]


def test_a_consistent_bracket_has_no_contradiction() -> None:
    clean = [1.0, -0.5, 2.0]
    nb = nested_balls(_m((0.0, clean, clean), (0.1, [0.5, -0.7, 1.5], [0.2, -0.9, 1.0]),
                         (0.2, [0.1, -0.8, 1.2], [-0.3, -1.2, 0.4])))
    assert (nb.points, nb.sure, nb.clean_lost, nb.weaker) == (3, 0, 0, 0)
    # every point's attacked margin at 0.2 is below its certified margin at 0 (the clean one): sure falls
    assert nb.rises == 3


def test_a_certificate_above_a_smaller_radius_attack_is_a_sure_contradiction() -> None:
    clean = [1.0, 1.0]
    # point 0: certified 0.6 at 0.2 above the attack's 0.5 at 0.1 (not adjacent to the clean margin)
    nb = nested_balls(_m((0.0, clean, clean), (0.1, [0.5, 0.9], [0.3, 0.8]), (0.2, [0.55, 0.7], [0.6, 0.6])))
    assert nb.sure == 1
    assert nb.weaker == 1  # point 0's attack at 0.2 found more than at 0.1


def test_an_attack_that_loses_its_start_is_counted() -> None:
    clean = [1.0, -1.0]
    nb = nested_balls(_m((0.0, clean, clean), (0.1, [1.2, -1.1], [0.9, -1.3])))
    assert nb.clean_lost == 1 and nb.sure == 0
