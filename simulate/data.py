"""The training and test sets of a run, drawn from its seed, batched over a leading grid axis G: Definition 3.1's
data, or Section 6's real images (from the pools :mod:`simulate.images` reads and tokenises).

X = (x₁, …, x_M) ∈ ℝ^{M×d}: the signal token x₁ = µ₊ if y = +1 and µ₋ if y = −1 (y Rademacher),
the noise tokens x₂, …, x_M i.i.d. N(0, σ_p²(I − µ₊µ₊ᵀ/‖µ‖² − µ₋µ₋ᵀ/‖µ‖²)) ("projected", the
theory) or N(0, σ_p² I) ("isotropic", the paper's Section 6 experiments with σ_p² = 0.4).

Every random draw comes from a ``torch.Generator`` seeded by (seed, purpose), one per grid member,
so a member's data do not depend on which other members share its batch.

The public functions validate their arguments; a run's sets are drawn by :func:`_training_sets` and
:func:`_test_sets` from its RunConfigs (validated when they were made), through the same internal draws.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from bounds.validate import choice, positive, positive_int
from simulate import images

if TYPE_CHECKING:
    from simulate.config import RunConfig

__all__ = [
    "ImagePools",
    "Signals",
    "generator",
    "held_out_chunks",
    "image_held_out_chunks",
    "image_pools",
    "make_signals",
    "sample",
    "sample_group",
    "sample_images_group",
]


def generator(seed: int, purpose: str) -> torch.Generator:
    """A CPU generator for one (seed, purpose) stream: 'signal', 'train', 'init', 'attack', 'test', …"""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    digest = hashlib.sha256(f"bovit:{seed}:{purpose}".encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") & ((1 << 63) - 1))


@dataclass(frozen=True)
class Signals:
    """µ₊ and µ₋, shape (d,) each: orthogonal, norm ‖µ‖."""

    plus: torch.Tensor
    minus: torch.Tensor

    @property
    def norm(self) -> float:
        return float(self.plus.norm())


def make_signals(d: int, mu: float, kind: str = "basis", seed: int = 0, dtype: torch.dtype = torch.float64) -> Signals:
    """µ₊ = ‖µ‖e₁, µ₋ = ‖µ‖e₂ ("basis", Section 6) or a random orthonormal pair scaled by ‖µ‖."""
    d = positive_int("d", d, minimum=2)
    mu = positive("mu", mu)
    choice("signal", kind, ("basis", "random"))
    return _make_signals(d, mu, kind, seed, dtype)


def _make_signals(d: int, mu: float, kind: str, seed: int, dtype: torch.dtype) -> Signals:
    if kind == "basis":
        basis = torch.zeros(d, 2, dtype=torch.float64)
        basis[0, 0] = basis[1, 1] = 1.0
    else:
        raw = torch.randn(d, 2, generator=generator(seed, "signal"), dtype=torch.float64)
        basis, _ = torch.linalg.qr(raw)
    pair = (basis * mu).to(dtype)
    return Signals(plus=pair[:, 0].contiguous(), minus=pair[:, 1].contiguous())


def sample(
    n: int, signals: Signals, sigma_p: float, M: int, noise: str, gen: torch.Generator, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor]:
    """n examples of Definition 3.1: X of shape (n, M, d) and y ∈ {±1} of shape (n,)."""
    n = positive_int("n", n)
    M = positive_int("M", M, minimum=2)
    sigma_p = positive("sigma_p", sigma_p)
    choice("noise", noise, ("isotropic", "projected"))
    return _sample(n, signals, sigma_p, M, noise, gen, dtype)


def _sample(n: int, signals: Signals, sigma_p: float, M: int, noise: str, gen: torch.Generator,
            dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    d = signals.plus.shape[0]
    y = torch.randint(0, 2, (n,), generator=gen).to(dtype) * 2 - 1
    xi = torch.randn(n, M - 1, d, generator=gen, dtype=torch.float64) * sigma_p
    if noise == "projected":
        for mu_vec in (signals.plus, signals.minus):
            unit = mu_vec.to(torch.float64) / mu_vec.to(torch.float64).norm()
            xi = xi - (xi @ unit)[..., None] * unit
    signal = torch.where(y[:, None] > 0, signals.plus.to(torch.float64), signals.minus.to(torch.float64))
    X = torch.cat([signal[:, None, :], xi], dim=1).to(dtype)
    return X, y


def sample_group(
    ns: list[int],
    signals: list[Signals],
    sigma_ps: list[float],
    seeds: list[int],
    M: int,
    noise: str,
    dtype: torch.dtype,
    purpose: str = "train",
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Training sets for G members, padded to the largest n.

    Returns X (G, n_max, M, d), y (G, n_max) and a mask (G, n_max) that is 1 on real examples.
    Padded rows repeat a real example (so they stay finite) and carry mask 0.
    """
    if not (len(ns) == len(signals) == len(sigma_ps) == len(seeds)) or not ns:
        raise ValueError(f"sample_group needs equally long non-empty lists, got {len(ns)}, {len(signals)}, "
                         f"{len(sigma_ps)}, {len(seeds)}")
    return _padded([sample(n, sig, sp, M, noise, generator(seed, purpose), dtype)
                    for n, sig, sp, seed in zip(ns, signals, sigma_ps, seeds, strict=True)], dtype)


def _padded(sets: list[tuple[torch.Tensor, torch.Tensor]],
            dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-member training sets stacked to the largest n: X (G, n_max, M, d), y (G, n_max), mask (G, n_max).
    Padded rows repeat a real example (so they stay finite) and carry mask 0."""
    n_max = max(len(y) for _, y in sets)
    Xs, ys, masks = [], [], []
    for X, y in sets:
        n = len(y)
        rep = torch.arange(n_max - n) % n
        Xs.append(torch.cat([X, X[rep]]))
        ys.append(torch.cat([y, y[rep]]))
        mask = torch.zeros(n_max, dtype=dtype)
        mask[:n] = 1
        masks.append(mask)
    return torch.stack(Xs), torch.stack(ys), torch.stack(masks)


def _chunked(n_test: int, chunk: int, draw: Callable[[int], list[tuple[torch.Tensor, torch.Tensor]]]
             ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """n_test points per member in chunks of at most ``chunk``: ``draw(b)`` gives each member's (X, y) of
    b points; yields them stacked, X (G, b, M, d) and y (G, b)."""
    done = 0
    while done < n_test:
        b = min(chunk, n_test - done)
        parts = draw(b)
        yield torch.stack([X for X, _ in parts]), torch.stack([y for _, y in parts])
        done += b


def held_out_chunks(
    n_test: int,
    signals: list[Signals],
    sigma_ps: list[float],
    seeds: list[int],
    M: int,
    noise: str,
    dtype: torch.dtype,
    chunk: int = 500,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """A fresh test set of n_test points per member, drawn chunk by chunk and never stored.

    Yields X (G, b, M, d) and y (G, b). The draw of a member depends only on its seed, its
    signals, σ_p and the chunk size (not on the other members of the group).
    """
    n_test, chunk = positive_int("n_test", n_test), positive_int("chunk", chunk)
    if not (len(signals) == len(sigma_ps) == len(seeds)) or not seeds:
        raise ValueError(f"held_out_chunks needs equally long non-empty lists, got {len(signals)}, {len(sigma_ps)}, "
                         f"{len(seeds)}")
    M = positive_int("M", M, minimum=2)
    sigma_ps = [positive("sigma_p", sp) for sp in sigma_ps]
    choice("noise", noise, ("isotropic", "projected"))
    return _held_out(n_test, signals, sigma_ps, seeds, M, noise, dtype, chunk)


def _held_out(n_test: int, signals: list[Signals], sigma_ps: list[float], seeds: list[int], M: int, noise: str,
              dtype: torch.dtype, chunk: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    gens = [generator(seed, "test") for seed in seeds]
    return _chunked(n_test, chunk, lambda b: [_sample(b, sig, sp, M, noise, g, dtype)
                                              for sig, sp, g in zip(signals, sigma_ps, gens, strict=True)])


# ---------------------------------------------------------------------------------------------------- real images

DIGITS_TRAIN_SHARE = 2 / 3  # digits has one split: a fixed permutation, 2/3 train and 1/3 test


@dataclass(frozen=True)
class ImagePools:
    """A binary image task split once into a train and a test pool: images (n, C, H, W), y ∈ {±1} (n,)."""

    train_images: np.ndarray
    train_y: np.ndarray
    test_images: np.ndarray
    test_y: np.ndarray


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)  # the pools are cached and shared: nobody may change them
    return a


@functools.lru_cache(maxsize=8)
def _image_pools(dataset: str, root: str, classes: tuple[int, int]) -> ImagePools:
    """image_pools of a dataset, root and class pair already validated (a RunConfig's, or image_pools')."""
    path = root or None
    if dataset == "digits":
        images_, y = images.load_binary_task("digits", None, "train", classes)
        perm = torch.randperm(len(y), generator=generator(0, "digits-split")).numpy()
        n_train = int(len(y) * DIGITS_TRAIN_SHARE)
        tr, te = perm[:n_train], perm[n_train:]
        return ImagePools(_frozen(images_[tr]), _frozen(y[tr]), _frozen(images_[te]), _frozen(y[te]))
    tr_images, tr_y = images.load_binary_task(dataset, path, "train", classes)
    te_images, te_y = images.load_binary_task(dataset, path, "test", classes)
    return ImagePools(_frozen(tr_images), _frozen(tr_y), _frozen(te_images), _frozen(te_y))


def image_pools(dataset: str, root: str = "", classes: tuple[int, int] = (0, 1)) -> ImagePools:
    """The train and test pools of the binary task ``classes`` = (positive, negative) of an image data set.

    The split is fixed, independent of any run's seed: digits (one split) by a permutation from
    ``generator(0, "digits-split")``, its first 2/3 train, the rest test; mnist, cifar10 and tiny-imagenet
    by their own train/test splits. Cached per (dataset, root, classes), so a group loads a data set once.
    """
    choice("dataset", dataset, images.DATASETS)
    if not isinstance(root, str):
        raise ValueError(f"root must be a string, got {root!r}")
    if not isinstance(classes, tuple | list) or len(classes) != 2:
        raise ValueError(f"classes must be a pair (positive, negative), got {classes!r}")
    return _image_pools(dataset, root, (int(classes[0]), int(classes[1])))


def _pool_sigmas(snrs: list[float], M: int, pools: ImagePools, tokens: str) -> list[float]:
    """Each SNR's pixel noise σ (:func:`simulate.images.noise_sigma`) for the pools' images cut into M tokens."""
    choice("tokens", tokens, images.TOKENISATIONS)
    _, C, H, W = pools.train_images.shape
    images._check_cut(M, H, W, tokens)
    return [images.noise_sigma(positive("snr", snr), C * H * W) for snr in snrs]


def sample_images_group(
    ns: list[int],
    snrs: list[float],
    seeds: list[int],
    M: int,
    pools: ImagePools,
    dtype: torch.dtype,
    tokens: str = "patches",
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Image training sets for G members, padded like :func:`sample_group`: X (G, n_max, M, d), y, mask; each image
    cut into M tokens as ``tokens`` says (:func:`simulate.images.to_tokens`).

    A member's N images are drawn without replacement from the train pool, class-balanced: ⌈N/2⌉ of the
    positive class and ⌊N/2⌋ of the negative, each class's images in the order of a permutation from
    ``generator(seed, "train-images")``, then shuffled together. (The paper does not say how its training sets
    were drawn, IC-10. Balancing keeps a small N from holding one class only, which would make the smallest N
    of a seed untrainable, and coupled across N, since every N takes a prefix of the same permutations.)
    Their pixel noise (Section 6: norm-5 images + N(0, σ²), σ from the SNR) comes from ``generator(seed, "train")``.
    """
    if not (len(ns) == len(snrs) == len(seeds)) or not ns:
        raise ValueError(f"sample_images_group needs equally long non-empty lists, got {len(ns)}, {len(snrs)}, "
                         f"{len(seeds)}")
    ns = [positive_int("n", n) for n in ns]
    return _sample_images(ns, _pool_sigmas(snrs, M, pools, tokens), seeds, M, tokens, pools, dtype)


def _sample_images(ns: list[int], sigma_ps: list[float], seeds: list[int], M: int, tokens: str, pools: ImagePools,
                   dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """:func:`sample_images_group` at each member's pixel noise σ (a RunConfig's sigma_p)."""
    by_class = [np.flatnonzero(pools.train_y == label) for label in (1, -1)]
    sets = []
    for n, sigma, seed in zip(ns, sigma_ps, seeds, strict=True):
        want = ((n + 1) // 2, n // 2)
        if any(k > len(pool) for k, pool in zip(want, by_class, strict=True)):
            most = min(2 * len(by_class[0]), 2 * len(by_class[1]) + 1)
            raise ValueError(f"N must be at most {most} (class-balanced draws from a "
                             f"train pool of {len(by_class[0])} positive and {len(by_class[1])} negative images), "
                             f"got {n}")
        gen = generator(seed, "train-images")
        parts = [pool[torch.randperm(len(pool), generator=gen)[:k].numpy()]
                 for k, pool in zip(want, by_class, strict=True)]
        idx = np.concatenate(parts)[torch.randperm(n, generator=gen).numpy()]
        sets.append(_tokens(pools.train_images[idx], pools.train_y[idx], M, tokens, sigma, generator(seed, "train"),
                            dtype))
    return _padded(sets, dtype)


def image_held_out_chunks(
    n_test: int,
    snrs: list[float],
    seeds: list[int],
    M: int,
    pools: ImagePools,
    dtype: torch.dtype,
    chunk: int = 500,
    tokens: str = "patches",
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """n_test test points per member, chunk by chunk like :func:`held_out_chunks`: images drawn with
    replacement from the test pool (``generator(seed, "test-images")``), fresh noise (``generator(seed, "test")``),
    cut into M tokens as ``tokens`` says.

    Yields X (G, b, M, d) and y (G, b); a member's draw depends only on its seed, SNR and the chunk size.
    """
    if len(snrs) != len(seeds) or not seeds:
        raise ValueError(f"snrs and seeds must be equally long non-empty lists, got {len(snrs)}, {len(seeds)}")
    n_test, chunk = positive_int("n_test", n_test), positive_int("chunk", chunk)
    return _image_held_out(n_test, _pool_sigmas(snrs, M, pools, tokens), seeds, M, tokens, pools, dtype, chunk)


def _image_held_out(n_test: int, sigma_ps: list[float], seeds: list[int], M: int, tokens: str, pools: ImagePools,
                    dtype: torch.dtype, chunk: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """:func:`image_held_out_chunks` at each member's pixel noise σ (a RunConfig's sigma_p)."""
    pool = len(pools.test_y)
    gens = [(generator(seed, "test-images"), generator(seed, "test")) for seed in seeds]

    def draw(b: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
        parts = []
        for sigma, (g_img, g_noise) in zip(sigma_ps, gens, strict=True):
            idx = torch.randint(0, pool, (b,), generator=g_img).numpy()
            parts.append(_tokens(pools.test_images[idx], pools.test_y[idx], M, tokens, sigma, g_noise, dtype))
        return parts

    return _chunked(n_test, chunk, draw)


def _tokens(imgs: np.ndarray, y: np.ndarray, M: int, tokens: str, sigma: float, gen: torch.Generator,
            dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """Section 6's tokens of these images (drawn in float64, so the noise does not depend on ``dtype``)."""
    X = images._drawn_tokens(imgs, M, tokens, sigma, gen)
    return X.to(dtype), torch.from_numpy(y.astype(np.float64)).to(dtype)


# ---------------------------------------------------------------------------------------------------- a run's sets


def _training_sets(configs: list[RunConfig], dtype: torch.dtype
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, list[Signals] | None]:
    """The training sets of a group of runs (RunConfigs sharing a group key, validated when made), padded to the
    largest N: X (G, n_max, M, d), y, mask, and each member's µ± (None for an image run, which has none)."""
    cfg = configs[0]
    seeds = [c.seed for c in configs]
    if cfg.dataset != "synthetic":
        pools = _image_pools(cfg.dataset, cfg.data_root, cfg.classes)
        X, y, mask = _sample_images([c.N for c in configs], [c.sigma_p for c in configs], seeds, cfg.M, cfg.tokens,
                                    pools, dtype)
        return X, y, mask, None
    signals = [_make_signals(c.d, c.signal_norm, c.signal, c.seed, dtype) for c in configs]
    X, y, mask = _padded([_sample(c.N, sig, c.sigma_p, cfg.M, cfg.noise, generator(c.seed, "train"), dtype)
                          for c, sig in zip(configs, signals, strict=True)], dtype)
    return X, y, mask, signals


def _test_sets(configs: list[RunConfig], signals: list[Signals] | None, dtype: torch.dtype,
               chunk: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """The fresh test sets of a group of runs (with their µ± from :func:`_training_sets`), chunk by chunk."""
    cfg = configs[0]
    sigma_ps, seeds = [c.sigma_p for c in configs], [c.seed for c in configs]
    if cfg.dataset != "synthetic":
        pools = _image_pools(cfg.dataset, cfg.data_root, cfg.classes)
        return _image_held_out(cfg.n_test, sigma_ps, seeds, cfg.M, cfg.tokens, pools, dtype, chunk)
    assert signals is not None
    return _held_out(cfg.n_test, signals, sigma_ps, seeds, cfg.M, cfg.noise, dtype, chunk)
