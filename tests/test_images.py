"""Real-image data layer (simulate/images.py): loaders on tiny files in the exact on-disk formats, tokens, SNR.

The MNIST, CIFAR-10 and Tiny-ImageNet fixtures are written here byte by byte (IDX headers with their magic
numbers, pickled batch dicts, a miniature JPEG tree), a few images each, so no test needs the real data.
"""

from __future__ import annotations

import dataclasses
import gzip
import math
import os
import pickle
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from simulate.config import RunConfig
from simulate.images import (
    DATASETS,
    ImageSet,
    binary_task,
    from_tokens,
    image_dims,
    image_shape,
    load_binary_task,
    load_images,
    noise_sigma,
    normalize_images,
    section6_tokens,
    to_tokens,
)

# ---------------------------------------------------------------------------------------------------- writers


def _idx_bytes(array: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big") + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist(folder: Path, prefix: str, pixels: np.ndarray, labels: np.ndarray, gz: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, data, magic in ((f"{prefix}-images-idx3-ubyte", pixels, 0x803), (f"{prefix}-labels-idx1-ubyte",
                                                                                labels, 0x801)):
        raw = _idx_bytes(data, magic)
        if gz:
            (folder / f"{stem}.gz").write_bytes(gzip.compress(raw))
        else:
            (folder / stem).write_bytes(raw)


def _mnist_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), np.arange(n, dtype=np.uint8) % 10


def _cifar_batch(n: int, first_label: int, seed: int) -> dict[bytes, object]:
    rng = np.random.default_rng(seed)
    labels = [(first_label + i) % 10 for i in range(n)]
    return {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"labels": labels, b"batch_label": b"x"}


def write_cifar(folder: Path, protocol: int = 2) -> dict[str, dict[bytes, object]]:
    folder.mkdir(parents=True, exist_ok=True)
    batches = {f"data_batch_{k}": _cifar_batch(2, 2 * k, seed=k) for k in range(1, 6)}
    batches["test_batch"] = _cifar_batch(3, 0, seed=9)
    for name, batch in batches.items():
        (folder / name).write_bytes(pickle.dumps(batch, protocol=protocol))
    names = [f"class{k}".encode() for k in range(10)]
    (folder / "batches.meta").write_bytes(pickle.dumps({b"label_names": names, b"num_vis": 3072}, protocol=2))
    return batches


_WNIDS = ("n01443537", "n01629819")
_COLOURS = {("n01443537", 0): (200, 30, 30), ("n01443537", 1): (180, 60, 20), ("n01629819", 0): (20, 40, 220),
            ("n01629819", 1): (128, 128, 128)}


def _jpeg(path: Path, colour: tuple[int, int, int], size: int = 64, mode: str = "RGB") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", (size, size), colour)
    (img.convert("L") if mode == "L" else img).save(path, "JPEG", quality=95)


def write_tiny(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wnids.txt").write_text("\n".join(_WNIDS) + "\n")
    (folder / "words.txt").write_text("n01443537\tgoldfish, Carassius auratus\nn01629819\tEuropean fire salamander\n"
                                      "n99999999\tunused\n")
    for (wnid, k), colour in _COLOURS.items():
        # the grey one is stored as a greyscale JPEG, as some Tiny-ImageNet files are
        _jpeg(folder / "train" / wnid / "images" / f"{wnid}_{k}.JPEG", colour, mode="L" if k and wnid == _WNIDS[1]
              else "RGB")
    _jpeg(folder / "val" / "images" / "val_0.JPEG", (10, 200, 10))
    _jpeg(folder / "val" / "images" / "val_1.JPEG", (250, 250, 0))
    (folder / "val" / "val_annotations.txt").write_text(
        "val_0.JPEG\tn01629819\t0\t0\t63\t63\nval_1.JPEG\tn01443537\t1\t2\t60\t61\n")


def _check_imageset(ds: ImageSet, name: str, shape: tuple[int, ...]) -> None:
    assert ds.name == name
    assert ds.images.shape == shape and ds.images.dtype == np.float64
    assert ds.labels.shape == (shape[0],) and ds.labels.dtype == np.int64
    assert ds.images.min() >= 0.0 and ds.images.max() <= 1.0


# ---------------------------------------------------------------------------------------------------- digits


def test_digits_loads_offline_as_1797_grey_8x8_images() -> None:
    ds = load_images("digits", root="/nonexistent/ignored", split="test")  # root and split are ignored
    _check_imageset(ds, "digits", (1797, 1, 8, 8))
    assert ds.classes == tuple(str(k) for k in range(10))
    assert set(ds.labels.tolist()) == set(range(10))
    assert ds.images.max() == 1.0  # values 0..16 divided by 16
    assert np.all(np.isin(ds.images * 16, np.arange(17)))
    only = load_images("digits", keep_classes=[3, 8])
    assert set(only.labels.tolist()) == {3, 8} and only.classes == ds.classes
    assert len(only.labels) == int(np.isin(ds.labels, [3, 8]).sum())


# ---------------------------------------------------------------------------------------------------- mnist


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_mnist_reads_idx_files(tmp_path: Path, gz: bool) -> None:
    pixels, labels = _mnist_data(5, seed=0)
    test_pixels, test_labels = _mnist_data(3, seed=1)
    write_mnist(tmp_path, "train", pixels, labels, gz)
    write_mnist(tmp_path, "t10k", test_pixels, test_labels, gz)
    train = load_images("mnist", tmp_path)
    _check_imageset(train, "mnist", (5, 1, 28, 28))
    np.testing.assert_array_equal(train.images[:, 0] * 255, pixels)
    np.testing.assert_array_equal(train.labels, labels)
    test = load_images("mnist", str(tmp_path), split="test")
    np.testing.assert_array_equal(test.images[:, 0] * 255, test_pixels)
    assert load_images("mnist", tmp_path, keep_classes=[1, 3]).labels.tolist() == [1, 3]
    assert image_shape("mnist", tmp_path) == (1, 28, 28) and image_dims("mnist", 16, tmp_path) == 49


def test_mnist_torchvision_layout_and_gzip_without_suffix(tmp_path: Path) -> None:
    pixels, labels = _mnist_data(2, seed=2)
    write_mnist(tmp_path / "MNIST" / "raw", "train", pixels, labels, gz=False)
    gz_path = tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"
    gz_path.write_bytes(gzip.compress(gz_path.read_bytes()))  # gzipped content under the plain name
    np.testing.assert_array_equal(load_images("mnist", tmp_path).images[:, 0] * 255, pixels)


def _corrupt_magic(folder: Path) -> None:
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes((0x801).to_bytes(4, "big") + path.read_bytes()[4:])


def _truncate(folder: Path) -> None:
    path = folder / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-10])


def _extra_label(folder: Path) -> None:
    (folder / "train-labels-idx1-ubyte").write_bytes(_idx_bytes(np.zeros(4, np.uint8), 0x801))


def _bad_label(folder: Path) -> None:
    (folder / "train-labels-idx1-ubyte").write_bytes(_idx_bytes(np.array([0, 1, 12]), 0x801))


def _missing_labels(folder: Path) -> None:
    (folder / "train-labels-idx1-ubyte").unlink()


def _bad_gzip(folder: Path) -> None:
    (folder / "train-images-idx3-ubyte").write_bytes(b"\x1f\x8b" + b"not really gzip")


@pytest.mark.parametrize(
    ("damage", "error", "match"),
    [
        pytest.param(_corrupt_magic, ValueError, r"magic number 0x00000801, expected 0x00000803", id="bad-magic"),
        pytest.param(_truncate, ValueError, r"holds 2342 data bytes, its header \(3, 28, 28\) says 2352",
                     id="wrong-size"),
        pytest.param(_extra_label, ValueError, r"4 labels but .* 3 images", id="label-count"),
        pytest.param(_bad_label, ValueError, r"label 12, expected digits 0\.\.9", id="label-range"),
        pytest.param(_missing_labels, FileNotFoundError, r"mnist: expected .*train-labels-idx1-ubyte", id="missing"),
        pytest.param(_bad_gzip, ValueError, r"not a readable gzip file", id="bad-gzip"),
    ],
)
def test_mnist_damaged_files_give_clear_errors(
    tmp_path: Path, damage: Callable[[Path], None], error: type[Exception], match: str
) -> None:
    pixels, labels = _mnist_data(3, seed=3)
    write_mnist(tmp_path, "train", pixels, labels, gz=False)
    damage(tmp_path)
    with pytest.raises(error, match=match):
        load_images("mnist", tmp_path)


# ---------------------------------------------------------------------------------------------------- cifar10


@pytest.mark.parametrize("nested", [True, False], ids=["cifar-10-batches-py", "root"])
@pytest.mark.parametrize("protocol", [2, 5])
def test_cifar10_reads_python_batches(tmp_path: Path, nested: bool, protocol: int) -> None:
    batches = write_cifar(tmp_path / "cifar-10-batches-py" if nested else tmp_path, protocol)
    train = load_images("cifar10", tmp_path)
    _check_imageset(train, "cifar10", (10, 3, 32, 32))
    assert train.classes == tuple(f"class{k}" for k in range(10))
    first = batches["data_batch_1"][b"data"][0]
    for c in range(3):  # each row is the R plane, then G, then B, each 32×32 row-major
        np.testing.assert_array_equal(train.images[0, c] * 255, first[1024 * c: 1024 * (c + 1)].reshape(32, 32))
    assert train.labels.tolist() == [(2 * k + i) % 10 for k in range(1, 6) for i in range(2)]
    test = load_images("cifar10", tmp_path, "test")
    _check_imageset(test, "cifar10", (3, 3, 32, 32))
    assert test.labels.tolist() == [0, 1, 2]
    assert load_images("cifar10", tmp_path, keep_classes=[2, 9]).labels.tolist() == [2, 9]


def test_cifar10_reads_batches_pickled_by_old_numpy(tmp_path: Path) -> None:
    """The distributed batches name numpy.core.multiarray (numpy 1.x); they load without numpy 2's shim warnings."""
    batches = write_cifar(tmp_path, protocol=2)
    for name in batches:
        raw = (tmp_path / name).read_bytes()
        assert b"numpy._core.multiarray" in raw
        (tmp_path / name).write_bytes(raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train = load_images("cifar10", tmp_path)
    np.testing.assert_array_equal(train.images[1].reshape(-1) * 255, batches["data_batch_1"][b"data"][1])


class _Evil:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo should-never-run",))


def test_cifar10_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"cifar10: expected .*cifar-10-batches-py.*data_batch_1"):
        load_images("cifar10", tmp_path)
    batches = write_cifar(tmp_path)
    (tmp_path / "data_batch_3").unlink()
    with pytest.raises(FileNotFoundError, match=r"cifar10: expected .*data_batch_3"):
        load_images("cifar10", tmp_path)
    (tmp_path / "data_batch_3").write_bytes(pickle.dumps({b"data": np.zeros((2, 3000), np.uint8), b"labels": [0, 1]}))
    with pytest.raises(ValueError, match=r"data_batch_3 b'data' must be uint8 of shape \(n, 3072\)"):
        load_images("cifar10", tmp_path)
    (tmp_path / "data_batch_3").write_bytes(pickle.dumps({b"data": _Evil(), b"labels": [0]}))
    with pytest.raises(ValueError, match=r"not a CIFAR-10 python batch \(global \w+\.system is not allowed"):
        load_images("cifar10", tmp_path)
    bad_labels = {**batches["data_batch_3"], b"labels": [0, 1, 2]}
    (tmp_path / "data_batch_3").write_bytes(pickle.dumps(bad_labels))
    with pytest.raises(ValueError, match=r"3 labels for 2 images"):
        load_images("cifar10", tmp_path)


# ---------------------------------------------------------------------------------------------------- tiny-imagenet


@pytest.mark.parametrize("nested", [True, False], ids=["tiny-imagenet-200", "root"])
def test_tiny_imagenet_reads_jpeg_tree(tmp_path: Path, nested: bool) -> None:
    write_tiny(tmp_path / "tiny-imagenet-200" if nested else tmp_path)
    train = load_images("tiny-imagenet", tmp_path)
    _check_imageset(train, "tiny-imagenet", (4, 3, 64, 64))
    assert train.classes == ("goldfish, Carassius auratus", "European fire salamander")
    assert train.labels.tolist() == [0, 0, 1, 1]
    means = train.images.mean(axis=(2, 3)) * 255  # flat colours survive JPEG within a few levels
    expected = [_COLOURS[(w, k)] for w in _WNIDS for k in (0, 1)]
    np.testing.assert_allclose(means, expected, atol=4)
    val = load_images("tiny-imagenet", tmp_path, split="test")
    _check_imageset(val, "tiny-imagenet", (2, 3, 64, 64))
    assert val.labels.tolist() == [1, 0]
    np.testing.assert_allclose(val.images.mean(axis=(2, 3)) * 255, [(10, 200, 10), (250, 250, 0)], atol=4)
    assert load_images("tiny-imagenet", tmp_path, keep_classes=[1]).labels.tolist() == [1, 1]


def test_tiny_imagenet_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"tiny-imagenet: expected .*tiny-imagenet-200.*wnids\.txt"):
        load_images("tiny-imagenet", tmp_path)
    write_tiny(tmp_path)
    with pytest.raises(ValueError, match=r"keep_classes must be class indices in \[0, 2\), got \[5\]"):
        load_images("tiny-imagenet", tmp_path, keep_classes=[5])
    _jpeg(tmp_path / "train" / _WNIDS[0] / "images" / "small.JPEG", (0, 0, 0), size=32)
    with pytest.raises(ValueError, match=r"small\.JPEG is 32×32, expected 64×64"):
        load_images("tiny-imagenet", tmp_path)
    (tmp_path / "train" / _WNIDS[0] / "images" / "small.JPEG").write_bytes(b"not a jpeg")
    with pytest.raises(ValueError, match=r"cannot decode .*small\.JPEG"):
        load_images("tiny-imagenet", tmp_path)
    annotations = tmp_path / "val" / "val_annotations.txt"
    annotations.write_text("val_0.JPEG\tn00000000\t0\t0\t1\t1\n")
    with pytest.raises(ValueError, match=r"val_annotations\.txt line 1 .*'val_0\.JPEG\\tn00000000"):
        load_images("tiny-imagenet", tmp_path, "test")
    annotations.unlink()
    with pytest.raises(FileNotFoundError, match=r"tiny-imagenet: expected .*val_annotations\.txt"):
        load_images("tiny-imagenet", tmp_path, "test")


# ---------------------------------------------------------------------------------------------------- tasks, dims


def _toy_set() -> ImageSet:
    images = np.arange(5 * 4, dtype=np.float64).reshape(5, 1, 2, 2) / 20
    return ImageSet("toy", images, np.array([0, 1, 2, 1, 0], dtype=np.int64), ("a", "b", "c"))


def test_binary_task_picks_two_classes_in_order() -> None:
    ds = _toy_set()
    images, y = binary_task(ds, positive=1, negative=0)
    np.testing.assert_array_equal(images, ds.images[[0, 1, 3, 4]])
    assert y.tolist() == [-1, 1, 1, -1] and y.dtype == np.int64


def test_image_dims_match_known_shapes() -> None:
    assert [image_dims(name, 4) for name in DATASETS] == [16, 196, 768, 3072]
    assert image_dims("digits", 64) == 1 and image_dims("cifar10", 16) == 192 and image_dims("tiny-imagenet", 16) == 768


def test_digits_pipeline_end_to_end() -> None:
    images, y = binary_task(load_images("digits"), positive=1, negative=0)
    X, y_t, sigma = section6_tokens(images, y, 4, snr=2.0, generator=torch.Generator().manual_seed(0))
    assert X.shape == (len(y), 4, image_dims("digits", 4)) == (360, 4, 16)
    assert set(y_t.tolist()) == {-1.0, 1.0} and sigma == pytest.approx(5 / (2 * 8))


def test_load_binary_task_reads_two_classes_and_refuses_an_all_zero_image(tmp_path: Path) -> None:
    images, y = load_binary_task("digits", None, "train", (1, 0))
    want_images, want_y = binary_task(load_images("digits"), positive=1, negative=0)
    np.testing.assert_array_equal(images, want_images)
    np.testing.assert_array_equal(y, want_y)
    pixels, labels = _mnist_data(20, 3)
    pixels[4] = 0  # a blank 4
    write_mnist(tmp_path, "train", pixels, labels, gz=False)
    with pytest.raises(ValueError, match="images must be nonzero to be normalised, got an all-zero image at index 0"):
        load_binary_task("mnist", tmp_path, "train", (4, 5))
    assert load_binary_task("mnist", tmp_path, "train", (3, 5))[1].tolist() == [1, -1, 1, -1]  # data-set order


def test_noise_sigma_is_the_snr_reading_of_section6_tokens() -> None:
    images, y = binary_task(load_images("digits"), positive=1, negative=0)
    assert section6_tokens(images, y, 4, 2.5, torch.Generator().manual_seed(0))[2] == noise_sigma(2.5, 64)
    assert noise_sigma(1.0, 64) == 5 / 8 and noise_sigma(2.0, 100, signal_norm=1.0) == 1 / 20


# ---------------------------------------------------------------------------------------------------- tokens


def test_to_tokens_places_pixels_by_hand() -> None:
    x = np.arange(2 * 4 * 4, dtype=np.float64).reshape(1, 2, 4, 4)  # value = 16c + 4r + col
    tokens = to_tokens(x, 4)
    assert tokens.shape == (1, 4, 8)

    def pixel(c: int, r: int, col: int) -> float:
        return 16 * c + 4 * r + col

    # token 1 = grid row 0, grid column 1: rows 0..1, columns 2..3; channel 0 first, then channel 1
    assert tokens[0, 1].tolist() == [pixel(c, r, col) for c in (0, 1) for r in (0, 1) for col in (2, 3)]
    assert tokens[0, 2].tolist() == [pixel(c, r, col) for c in (0, 1) for r in (2, 3) for col in (0, 1)]
    assert tokens[0, 0].tolist() == [0, 1, 4, 5, 16, 17, 20, 21]
    np.testing.assert_array_equal(to_tokens(x, 1)[0, 0], x.ravel())  # M = 1: the whole image
    np.testing.assert_array_equal(to_tokens(x, 16)[0, 5], [pixel(0, 1, 1), pixel(1, 1, 1)])  # M = 16: pixels


@pytest.mark.parametrize(("shape", "M"), [((1, 8, 8), 4), ((3, 32, 32), 16), ((3, 12, 6), 9), ((2, 4, 4), 1)])
def test_tokens_round_trip(shape: tuple[int, int, int], M: int) -> None:
    x = np.random.default_rng(0).random((3, *shape))
    tokens = to_tokens(x, M)
    assert tokens.shape == (3, M, math.prod(shape) // M)
    np.testing.assert_array_equal(from_tokens(tokens, shape), x)


def test_strips_place_whole_rows_by_hand() -> None:
    x = np.arange(2 * 4 * 4, dtype=np.float64).reshape(1, 2, 4, 4)  # value = 16c + 4r + col

    def pixel(c: int, r: int, col: int) -> float:
        return 16 * c + 4 * r + col

    tokens = to_tokens(x, 2, "strips")  # two strips of two whole rows each
    assert tokens.shape == (1, 2, 16)
    assert tokens[0, 1].tolist() == [pixel(c, r, col) for c in (0, 1) for r in (2, 3) for col in range(4)]
    four = to_tokens(x, 4, "strips")  # one row per token: not the 2 × 2 patches of the same M
    assert four[0, 1].tolist() == [pixel(c, 1, col) for c in (0, 1) for col in range(4)]
    assert four[0, 1].tolist() != to_tokens(x, 4)[0, 1].tolist()
    np.testing.assert_array_equal(to_tokens(x, 1, "strips"), to_tokens(x, 1))  # M = 1: the whole image either way


@pytest.mark.parametrize(("shape", "M"), [((1, 8, 8), 4), ((3, 32, 32), 16), ((3, 12, 6), 3), ((1, 28, 28), 7)])
def test_strips_round_trip(shape: tuple[int, int, int], M: int) -> None:
    x = np.random.default_rng(1).random((2, *shape))
    tokens = to_tokens(x, M, "strips")
    assert tokens.shape == (2, M, math.prod(shape) // M)
    np.testing.assert_array_equal(from_tokens(tokens, shape, "strips"), x)


def test_a_tokenisation_that_does_not_fit_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match=r"M must divide the image height 28 .* got 16"):
        image_dims("mnist", 16, None, "strips")
    with pytest.raises(ValueError, match=r"tokens must be one of .*got 'columns'"):
        to_tokens(_IMG, 4, "columns")


def test_a_strips_run_reads_digits_in_rows() -> None:
    """A digits run with tokens="strips" has the same d as patches at M = 4 (16 pixels a token), a key of its own, and
    tokens that are the image's rows: its token 0 holds the image's top two rows."""
    patches = RunConfig(N=4, snr=2.0, dataset="digits", M=4, d=16, dh=4, dv=4, T_max=2, n_test=10)
    strips = dataclasses.replace(patches, tokens="strips")
    assert strips.key("v") != patches.key("v") and "strips" in strips.label()
    images, y = binary_task(load_images("digits"), positive=0, negative=1)
    X_p, _, _ = section6_tokens(images[:5], y[:5], 4, 2.0, torch.Generator().manual_seed(3))
    X_s, _, _ = section6_tokens(images[:5], y[:5], 4, 2.0, torch.Generator().manual_seed(3), tokens="strips")
    # the noise is drawn in token layout, the same draw for both cuts: they differ by the images' cuts alone
    x = normalize_images(images[:5])
    np.testing.assert_allclose((X_s - X_p).numpy(), to_tokens(x, 4, "strips") - to_tokens(x, 4), atol=1e-12)
    assert to_tokens(x, 4, "strips")[0, 0].tolist() == x[0, 0, :2].ravel().tolist()  # token 0: the top two rows
    with pytest.raises(ValueError, match="tokens apply to image datasets only"):
        RunConfig(N=4, snr=1.0, tokens="strips")
    with pytest.raises(ValueError, match="tokens applies to model='eq1' only"):
        RunConfig(N=4, snr=1.0, dataset="digits", M=4, d=16, dh=8, dv=8, H=4, model="simplevit", tokens="strips")


# ---------------------------------------------------------------------------------------------------- section 6


def _images(n: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, 3, 8, 8)), np.where(np.arange(n) % 2 == 0, 1, -1)


def test_section6_signal_has_norm_5_before_noise() -> None:
    images, y = _images()
    scaled = normalize_images(images)
    np.testing.assert_allclose(np.linalg.norm(scaled.reshape(6, -1), axis=1), 5.0, rtol=1e-12)
    X, y_t, sigma = section6_tokens(images, y, 4, snr=1e12, generator=torch.Generator().manual_seed(0))
    assert X.shape == (6, 4, 48) and X.dtype == torch.float64
    assert sigma == pytest.approx(5 / (1e12 * math.sqrt(192)))
    np.testing.assert_allclose(X.flatten(1).norm(dim=1).numpy(), 5.0, rtol=1e-9)  # zero-noise limit
    np.testing.assert_allclose(X.numpy(), to_tokens(scaled, 4), atol=1e-9)
    assert y_t.tolist() == y.tolist() and y_t.dtype == torch.float64
    assert normalize_images(images, 2.0)[0].ravel() @ normalize_images(images, 2.0)[0].ravel() == pytest.approx(4)


def test_section6_noise_std_matches_sigma() -> None:
    images, y = _images(n=100)
    snr = 0.5
    X, _, sigma = section6_tokens(images, y, 16, snr, torch.Generator().manual_seed(1))
    assert sigma == pytest.approx(5 / (snr * math.sqrt(3 * 64)))  # SNR = ‖signal‖ / (σ√D)
    noise = X.numpy() - to_tokens(normalize_images(images), 16)
    # 19 200 draws: the sample std is within 1.5 % of σ with overwhelming probability (SE ≈ 0.5 %)
    assert noise.std() == pytest.approx(sigma, rel=0.015)
    assert abs(noise.mean()) < 4 * sigma / math.sqrt(noise.size)
    ratio = 5 / np.linalg.norm(noise.reshape(100, -1), axis=1).mean()  # ≈ SNR: ‖signal‖/‖noise‖ ≈ 1/(σ√D)·5
    assert ratio == pytest.approx(snr, rel=0.02)


def test_section6_is_deterministic_for_a_seed() -> None:
    images, y = _images()
    a = section6_tokens(images, y, 4, 2.0, torch.Generator().manual_seed(7))
    b = section6_tokens(images, y, 4, 2.0, torch.Generator().manual_seed(7))
    c = section6_tokens(images, y, 4, 2.0, torch.Generator().manual_seed(8))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) and a[2] == b[2]
    assert not torch.equal(a[0], c[0])
    torch.manual_seed(0)
    d = section6_tokens(images, y, 4, 2.0, torch.Generator().manual_seed(7))
    torch.manual_seed(1)  # the global RNG plays no part
    e = section6_tokens(images, y, 4, 2.0, torch.Generator().manual_seed(7))
    assert torch.equal(d[0], e[0]) and torch.equal(a[0], d[0])
    f32 = section6_tokens(images, torch.tensor(y), 4, 2.0, torch.Generator().manual_seed(7), dtype=torch.float32)
    assert f32[0].dtype == torch.float32 and f32[1].dtype == torch.float32


# ---------------------------------------------------------------------------------------------------- bad input

_IMG, _Y = _images()
_ZERO = _IMG.copy()
_ZERO[3] = 0.0
_G = torch.Generator


BAD_INPUTS = [
    pytest.param(lambda: load_images("imagenet"), ValueError, r"name must be one of .*got 'imagenet'", id="name"),
    pytest.param(lambda: load_images("digits", split="val"), ValueError, r"split must be one of .*got 'val'",
                 id="split"),
    pytest.param(lambda: load_images("mnist"), ValueError, r"root must be the folder holding the mnist files, got None",
                 id="root-none"),
    pytest.param(lambda: load_images("cifar10", "/nonexistent/bovit"), FileNotFoundError,
                 r"cifar10: root folder /nonexistent/bovit does not exist", id="root-missing"),
    pytest.param(lambda: load_images("mnist", 5), ValueError, r"root must be a path, got 5", id="root-type"),
    pytest.param(lambda: load_images("digits", keep_classes=[10]), ValueError,
                 r"keep_classes must be class indices in \[0, 10\), got \[10\]", id="keep-range"),
    pytest.param(lambda: load_images("digits", keep_classes=[]), ValueError, r"keep_classes must name at least one",
                 id="keep-empty"),
    pytest.param(lambda: load_images("digits", keep_classes="3"), ValueError, r"keep_classes must be a sequence",
                 id="keep-str"),
    pytest.param(lambda: binary_task(_toy_set(), 1, 1), ValueError, r"negative must differ from positive, got 1",
                 id="task-same"),
    pytest.param(lambda: binary_task(_toy_set(), 3, 0), ValueError, r"positive must be a class index in \[0, 3\) "
                 r"of toy, got 3", id="task-range"),
    pytest.param(lambda: binary_task(_toy_set(), 0, -1), ValueError, r"negative must be a class index .*got -1",
                 id="task-negative"),
    pytest.param(lambda: binary_task(ImageSet("toy", np.zeros((1, 1, 2, 2)), np.array([0]), ("a", "b")), 0, 1),
                 ValueError, r"negative class 1 \('b'\) has no images", id="task-empty-class"),
    pytest.param(lambda: binary_task(_IMG, 0, 1), ValueError, r"ds must be an ImageSet, got ndarray", id="task-ds"),
    pytest.param(lambda: ImageSet("toy", np.zeros((2, 1, 2, 2)), np.array([0, 2]), ("a", "b")), ValueError,
                 r"labels must lie in \[0, 1\], got values in \[0, 2\]", id="imageset-labels"),
    pytest.param(lambda: to_tokens(_IMG, 5), ValueError,
                 r"M must be a perfect square whose root divides the image sides 8×8, got 5", id="M-not-square"),
    pytest.param(lambda: to_tokens(_IMG, 9), ValueError, r"M must be .* got 9", id="M-root-not-dividing"),
    pytest.param(lambda: to_tokens(_IMG, 0), ValueError, r"M must be .* got 0", id="M-zero"),
    pytest.param(lambda: to_tokens(_IMG, 2.5), ValueError, r"M must be an integer, got 2\.5", id="M-fraction"),
    pytest.param(lambda: to_tokens(_IMG[0], 4), ValueError, r"images must be a numpy array of shape \(n, C, H, W\), "
                 r"got ndarray of shape \(3, 8, 8\)", id="images-3d"),
    pytest.param(lambda: from_tokens(to_tokens(_IMG, 4), (3, 8, 4)), ValueError, r"gives d = 24, but tokens have "
                 r"d = 48", id="from-tokens-shape"),
    pytest.param(lambda: image_dims("digits", 9), ValueError, r"M must be .*sides 8×8, got 9", id="dims-M"),
    pytest.param(lambda: section6_tokens(_IMG, _Y, 4, 0, _G()), ValueError, r"snr must be > 0, got 0", id="snr-zero"),
    pytest.param(lambda: section6_tokens(_IMG, _Y, 4, -1.0, _G()), ValueError, r"snr must be > 0, got -1\.0",
                 id="snr-negative"),
    pytest.param(lambda: section6_tokens(_IMG, _Y, 4, float("nan"), _G()), ValueError, r"snr must be finite",
                 id="snr-nan"),
    pytest.param(lambda: section6_tokens(_IMG, _Y, 3, 1.0, _G()), ValueError, r"M must be .* got 3", id="s6-M"),
    pytest.param(lambda: section6_tokens(_ZERO, _Y, 4, 1.0, _G()), ValueError,
                 r"all-zero image at index 3", id="zero-image"),
    pytest.param(lambda: section6_tokens(_IMG, _Y[:5], 4, 1.0, _G()), ValueError, r"y must be an array of 6 labels",
                 id="y-length"),
    pytest.param(lambda: section6_tokens(_IMG, _Y * 2, 4, 1.0, _G()), ValueError, r"y must be .*in \{-1, \+1\}",
                 id="y-values"),
    pytest.param(lambda: section6_tokens(_IMG, _Y, 4, 1.0, 0), ValueError, r"generator must be a torch\.Generator, "
                 r"got int", id="generator"),
    pytest.param(lambda: section6_tokens(_IMG, _Y, 4, 1.0, _G(), signal_norm=0), ValueError,
                 r"signal_norm must be > 0, got 0", id="signal-norm"),
    pytest.param(lambda: section6_tokens(_IMG, _Y, 4, 1.0, _G(), dtype=torch.int64), ValueError,
                 r"dtype must be a floating torch dtype, got torch\.int64", id="dtype"),
]


@pytest.mark.parametrize(("call", "error", "match"), BAD_INPUTS)
def test_bad_input_names_parameter_and_value(call: Callable[[], object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("case", ["train-missing", "garbage-gz"])
def test_a_bad_mnist_folder_is_one_line_before_any_store_or_report_is_made(tmp_path: Path, case: str) -> None:
    """bovit run/report/check read both splits up front: a folder with the test files only, or a .gz with a gzip
    header and garbage inside, is refused in one line and leaves no store and no report behind."""
    import contextlib
    import io

    from cli.main import main

    data = tmp_path / "mnist"
    pixels, labels = _mnist_data(40, 1)
    write_mnist(data, "t10k", pixels, labels, gz=True)
    if case == "garbage-gz":
        write_mnist(data, "train", pixels, labels, gz=True)
        body = gzip.compress(b"x")
        (data / "train-images-idx3-ubyte.gz").write_bytes(body[:10] + b"garbage, not deflate" * 20)
    work = tmp_path / "work"
    work.mkdir()
    store, out = work / "runs.sqlite", work / "report"
    for verb in (["run"], ["report", "--out", str(out)], ["check", "E6.real.boundary"]):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main([*verb, "--scale", "ci", "--images", "mnist", "--data-root", str(data), "--store", str(store)])
        lines = err.getvalue().strip().splitlines()
        assert code == 2 and len(lines) == 1 and "data_root" in lines[0] and "train" in lines[0], err.getvalue()
    assert list(work.iterdir()) == []  # no store, no report
