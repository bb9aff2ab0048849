"""What a run's test set is made of, for the statistics of its error counts (not part of the numbers a run
produces, so not among ``simulate.store.RESULT_MODULES``: reading it never invalidates a stored run)."""

from __future__ import annotations

import functools

import torch

from bounds.validate import choice, positive_int
from simulate import images
from simulate.data import _image_pools, generator

__all__ = ["image_test_images"]


def image_test_images(dataset: str, seed: int, n_test: int, root: str = "",
                      classes: tuple[int, int] = (0, 1)) -> int:
    """How many distinct test-pool images the ``n_test`` test points of a run with this seed are drawn from
    (:func:`simulate.data.image_held_out_chunks` draws images with replacement from
    ``generator(seed, "test-images")``; the draw does not depend on the chunk size). The n of an honest
    interval on such a test set: fresh noise on the same image is not a new image."""
    choice("dataset", dataset, images.DATASETS)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    n_test = positive_int("n_test", n_test)
    if not isinstance(root, str):
        raise ValueError(f"root must be a string, got {root!r}")
    if (not isinstance(classes, tuple | list) or len(classes) != 2
            or not all(isinstance(k, int) and not isinstance(k, bool) for k in classes)):
        raise ValueError(f"classes must be a pair of class indices, got {classes!r}")
    return _distinct_test_images(dataset, seed, n_test, root, (int(classes[0]), int(classes[1])))


@functools.lru_cache(maxsize=4096)
def _distinct_test_images(dataset: str, seed: int, n_test: int, root: str, classes: tuple[int, int]) -> int:
    pool = len(_image_pools(dataset, root, classes).test_y)
    idx = torch.randint(0, pool, (n_test,), generator=generator(seed, "test-images"))
    return int(torch.unique(idx).numel())
