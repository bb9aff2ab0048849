"""simulate.testsets.image_test_images: the distinct images behind a real-image test set, and the n it gives."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from simulate.data import image_held_out_chunks, image_pools
from simulate.testsets import image_test_images


def test_the_count_matches_the_images_the_test_set_actually_holds() -> None:
    pools = image_pools("digits")
    # a huge SNR makes the pixel noise negligible, so equal images give equal tokens
    chunks = list(image_held_out_chunks(300, [1e9], [2], 4, pools, torch.float64, chunk=70))
    X = torch.cat([X for X, _ in chunks], 1)[0].reshape(300, -1).numpy()
    seen = len(np.unique(np.round(X, 4), axis=0))
    assert image_test_images("digits", 2, 300) == seen
    assert seen < 300  # drawn with replacement from a pool of about 120


def test_the_count_saturates_at_the_pool() -> None:
    pool = len(image_pools("digits").test_y)
    assert image_test_images("digits", 0, 5000) == pool
    assert image_test_images("digits", 0, 1) == 1


@pytest.mark.parametrize(("kwargs", "name"), [({"dataset": "svhn"}, "dataset"), ({"seed": -1}, "seed"),
                                              ({"n_test": 0}, "n_test"), ({"classes": (0,)}, "classes")])
def test_bad_input_names_the_parameter(kwargs: dict[str, object], name: str) -> None:
    args: dict[str, object] = {"dataset": "digits", "seed": 0, "n_test": 10} | kwargs
    with pytest.raises(ValueError, match=name):
        image_test_images(**args)  # type: ignore[arg-type]
