"""Seeds are replicates: checks.experiments' seed-level tests do not treat seeds as extra test points."""

from __future__ import annotations

import math

from checks.experiments import Cell, compare, decide, p_seeds_below, p_seeds_vs, seed_lower_bound


def _cell(rates: list[float], n_seed: int) -> Cell:
    ks = [round(r * n_seed) for r in rates]
    return Cell(sum(ks), sum(ks), n_seed * len(rates), tuple(k / n_seed for k in ks), tuple(k / n_seed for k in ks))


def test_seeds_that_disagree_are_not_a_sure_difference_however_many_test_points() -> None:
    a, b = _cell([0.0, 0.4], 2000), _cell([0.2, 0.6], 2000)
    c = compare("a below b", a, b)
    assert c.p_pooled < 1e-6  # pooled, the 8,000 test points look decisive
    assert c.p_seeds > 0.1  # but two seeds that each differ by 0.2 in both directions are not
    assert not decide([c])[0].sure


def test_seeds_that_agree_on_a_large_difference_are_sure() -> None:
    a, b = _cell([0.010, 0.012, 0.011], 2000), _cell([0.40, 0.41, 0.39], 2000)
    assert p_seeds_below(a, b) < 1e-3
    assert decide([compare("a below b", a, b)])[0].sure


def test_seeds_that_agree_exactly_still_carry_their_test_points_variance() -> None:
    a, b = _cell([0.0, 0.0, 0.0], 1000), _cell([0.001, 0.001, 0.001], 1000)
    assert p_seeds_below(a, b) > 0.05


def test_one_seed_leaves_the_comparison_to_that_model_alone() -> None:
    assert math.isnan(p_seeds_below(_cell([0.0], 5000), _cell([0.5], 5000)))
    assert math.isnan(p_seeds_vs(_cell([0.5], 5000), 0.1, above=True))
    c = compare("a below b", _cell([0.0], 5000), _cell([0.5], 5000))
    assert c.p == c.p_pooled < 1e-9 and decide([c])[0].sure


def test_a_lower_bound_needs_the_seeds_too() -> None:
    # pooled 0.3 over 6,000 points is surely above 1/4, but one seed of three sits at 0.05
    spread = _cell([0.05, 0.45, 0.40], 2000)
    v, _ = seed_lower_bound(spread, 0.25, 0.95)
    assert v == "inconclusive"
    tight = _cell([0.48, 0.50, 0.49], 2000)
    assert seed_lower_bound(tight, 0.25, 0.95)[0] == "confirmed"
    low = _cell([0.01, 0.02, 0.015], 2000)
    assert seed_lower_bound(low, 0.25, 0.95)[0] == "refuted"
