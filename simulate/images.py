"""Real images for Section 6 (E6.real, EB.2–EB.4): offline loaders, binary tasks, tokens and the SNR transform.

This module reads image files and turns images into Section 6's tokens; :mod:`simulate.data` draws a run's
training and test images from the pools of a binary task and asks for their tokens here.

Four data sets, read from files already on disk (nothing is ever downloaded):

- ``digits``: scikit-learn's bundled 8×8 grey digits (1797 images, 10 classes), values 0..16 → /16;
- ``mnist``: the IDX files (``train-images-idx3-ubyte[.gz]`` …), 28×28 grey;
- ``cifar10``: the "python version" pickle batches (``cifar-10-batches-py``), 3×32×32;
- ``tiny-imagenet``: the ``tiny-imagenet-200`` folder of 64×64 JPEGs, 200 classes.

Every loader returns an :class:`ImageSet` with images (n, C, H, W) float64 in [0, 1].

Two choices the paper leaves implicit (IC-10), made here:

- **Tokenisation** (:func:`to_tokens`, ``RunConfig.tokens``). The paper does not say how an image becomes M
  tokens; two readings are implemented (TOKENISATIONS). ``"patches"`` (the default, a ViT's patch embedding
  without the linear map): the H×W plane is cut into a √M × √M grid of equal patches of (H/√M)×(W/√M) pixels,
  taken in row-major order (token k is grid row k // √M, grid column k % √M). ``"strips"``: the plane is cut
  into M horizontal strips of H/M whole rows, top to bottom (token k is rows k·H/M … (k+1)·H/M − 1), as a
  sequence model reads an image row by row. Either way a token lists its pixels of all channels channel-major
  (channel, then row, then column inside the piece), so d = C·H·W / M.
- **SNR** (:func:`section6_tokens`). Section 6 scales each image to ℓ₂ norm 5 and adds i.i.d. N(0, σ²)
  pixel noise, "σ² determining the SNR". We read it as Definition 3.1's SNR = ‖µ‖₂ / (σ_p·√d) with the
  whole image as the signal: SNR = ‖signal‖₂ / (σ·√D), D = C·H·W, hence σ = signal_norm / (SNR·√D).
  With this choice the noise map and the signal have equal norms (in expectation of ‖noise‖²) at SNR = 1.
"""

from __future__ import annotations

import gzip
import math
import os
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from bounds.validate import as_int, choice, positive

__all__ = [
    "DATASETS",
    "SIGNAL_NORM",
    "SPLITS",
    "TOKENISATIONS",
    "ImageSet",
    "binary_task",
    "from_tokens",
    "image_dims",
    "image_shape",
    "load_binary_task",
    "load_images",
    "noise_sigma",
    "normalize_images",
    "section6_tokens",
    "to_tokens",
]

DATASETS = ("digits", "mnist", "cifar10", "tiny-imagenet")
# How an image is cut into M tokens (the paper does not say, IC-10): a √M × √M grid of patches, or M row strips.
TOKENISATIONS = ("patches", "strips")
SPLITS = ("train", "test")
# Section 6 scales every image to this ℓ₂ norm (its signal norm ‖µ‖, simulate.config's IMAGE_SIGNAL_NORM)
SIGNAL_NORM = 5.0

# (C, H, W) fixed by each format; MNIST's IDX header is read when its files are at hand.
_SHAPES: dict[str, tuple[int, int, int]] = {
    "digits": (1, 8, 8),
    "mnist": (1, 28, 28),
    "cifar10": (3, 32, 32),
    "tiny-imagenet": (3, 64, 64),
}
_CIFAR10_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")


@dataclass(frozen=True)
class ImageSet:
    """A labelled image data set: images (n, C, H, W) float64 in [0, 1], labels (n,) int64 indexing ``classes``."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.images, np.ndarray) or self.images.ndim != 4:
            raise ValueError(f"images must be a numpy array of shape (n, C, H, W), got {_describe(self.images)}")
        if not isinstance(self.labels, np.ndarray) or self.labels.shape != (self.images.shape[0],):
            raise ValueError(f"labels must be a numpy array of shape ({self.images.shape[0]},), "
                             f"got {_describe(self.labels)}")
        if self.labels.size and (self.labels.min() < 0 or self.labels.max() >= len(self.classes)):
            raise ValueError(f"labels must lie in [0, {len(self.classes) - 1}], "
                             f"got values in [{self.labels.min()}, {self.labels.max()}]")


def _describe(value: object) -> str:
    if isinstance(value, np.ndarray | torch.Tensor):
        return f"{type(value).__name__} of shape {tuple(value.shape)}"
    return repr(value)


def _as_path(root: str | os.PathLike[str] | None, name: str) -> Path:
    if root is None:
        raise ValueError(f"root must be the folder holding the {name} files, got None")
    if not isinstance(root, str | os.PathLike):
        raise ValueError(f"root must be a path, got {root!r}")
    path = Path(root)
    if not path.is_dir():
        raise FileNotFoundError(f"{name}: root folder {path} does not exist (bovit never downloads data)")
    return path


def _keep_mask(labels: np.ndarray, keep: frozenset[int] | None) -> np.ndarray | slice:
    return slice(None) if keep is None else np.isin(labels, sorted(keep))


def _check_keep(keep_classes: Iterable[int] | None, n_classes: int | None) -> frozenset[int] | None:
    if keep_classes is None:
        return None
    if isinstance(keep_classes, str | bytes) or not isinstance(keep_classes, Iterable):
        raise ValueError(f"keep_classes must be a sequence of class indices, got {keep_classes!r}")
    out = frozenset(as_int("keep_classes", k) for k in keep_classes)
    if not out:
        raise ValueError(f"keep_classes must name at least one class, got {keep_classes!r}")
    bad = sorted(k for k in out if k < 0 or (n_classes is not None and k >= n_classes))
    if bad:
        raise ValueError(f"keep_classes must be class indices in [0, {n_classes}), got {bad}")
    return out


# ---------------------------------------------------------------------------------------------------- digits


def _load_digits(root: Path | None, split: str, keep: frozenset[int] | None) -> ImageSet:
    from sklearn.datasets import load_digits  # imported here: sklearn costs ~1 s to import

    bunch = load_digits()
    labels = np.asarray(bunch.target, dtype=np.int64)
    mask = _keep_mask(labels, keep)
    images = np.asarray(bunch.images, dtype=np.float64)[mask][:, None, :, :] / 16.0
    return ImageSet("digits", images, labels[mask], tuple(str(t) for t in bunch.target_names))


# ---------------------------------------------------------------------------------------------------- mnist

_IDX_IMAGES, _IDX_LABELS = 0x00000803, 0x00000801  # ubyte, 3 dims / ubyte, 1 dim


def _mnist_file(root: Path, stem: str) -> Path:
    """``stem`` or ``stem.gz`` in root, or in root/MNIST/raw (torchvision's layout)."""
    for folder in (root, root / "MNIST" / "raw"):
        for candidate in (folder / stem, folder / f"{stem}.gz"):
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(f"mnist: expected {root / stem} or {root / stem}.gz (bovit never downloads data)")


def _read_maybe_gzip(path: Path, limit: int | None = None) -> bytes:
    with path.open("rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"  # the gzip magic, whatever the file is called
    try:
        with (gzip.open(path, "rb") if gzipped else path.open("rb")) as fh:
            return fh.read() if limit is None else fh.read(limit)
    except (OSError, EOFError) as exc:
        raise ValueError(f"mnist: {path} is not a readable gzip file ({exc})") from None


def _idx_header(raw: bytes, path: Path, magic: int) -> tuple[int, ...]:
    ndim = magic & 0xFF
    if len(raw) < 4 + 4 * ndim:
        raise ValueError(f"mnist: {path} is too short for an IDX header ({len(raw)} bytes)")
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise ValueError(f"mnist: {path} has IDX magic number {found:#010x}, expected {magic:#010x}")
    return tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))


def _idx_array(path: Path, magic: int) -> np.ndarray:
    raw = _read_maybe_gzip(path)
    dims = _idx_header(raw, path, magic)
    start, expected = 4 + 4 * len(dims), math.prod(dims)
    if len(raw) - start != expected:
        raise ValueError(f"mnist: {path} holds {len(raw) - start} data bytes, its header {dims} says {expected}")
    return np.frombuffer(raw, dtype=np.uint8, offset=start).reshape(dims)


def _mnist_prefix(split: str) -> str:
    return "train" if split == "train" else "t10k"


def _load_mnist(root: Path | None, split: str, keep: frozenset[int] | None) -> ImageSet:
    assert root is not None  # checked by load_images
    prefix = _mnist_prefix(split)
    image_path = _mnist_file(root, f"{prefix}-images-idx3-ubyte")
    label_path = _mnist_file(root, f"{prefix}-labels-idx1-ubyte")
    pixels = _idx_array(image_path, _IDX_IMAGES)
    labels = _idx_array(label_path, _IDX_LABELS).astype(np.int64)
    if labels.shape[0] != pixels.shape[0]:
        raise ValueError(f"mnist: {label_path} has {labels.shape[0]} labels but {image_path} "
                         f"has {pixels.shape[0]} images")
    if labels.size and labels.max() > 9:
        raise ValueError(f"mnist: {label_path} has label {labels.max()}, expected digits 0..9")
    mask = _keep_mask(labels, keep)
    images = pixels[mask][:, None, :, :].astype(np.float64) / 255.0
    return ImageSet("mnist", images, labels[mask], tuple(str(k) for k in range(10)))


# ---------------------------------------------------------------------------------------------------- cifar10

# The batches are pickles; only what a numpy array needs to unpickle is allowed, so a stray file cannot run code.
_PICKLE_ALLOWED = {
    ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),  # how protocol 2 stores bytes
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _PICKLE_ALLOWED:
            raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a CIFAR batch")
        return super().find_class(module.replace("numpy.core.", "numpy._core."), name)


def _unpickle(path: Path) -> dict[bytes, object]:
    try:
        with path.open("rb") as fh:
            out = _ArrayUnpickler(fh, encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"cifar10: {path} is not a CIFAR-10 python batch ({exc})") from None
    if not isinstance(out, dict):
        raise ValueError(f"cifar10: {path} is not a CIFAR-10 python batch (holds a {type(out).__name__})")
    return out


def _cifar_folder(root: Path) -> Path:
    for folder in (root / "cifar-10-batches-py", root):
        if (folder / "test_batch").is_file() or (folder / "data_batch_1").is_file():
            return folder
    raise FileNotFoundError(f"cifar10: expected {root / 'cifar-10-batches-py' / 'data_batch_1'} "
                            f"(or data_batch_1 in {root}) (bovit never downloads data)")


def _cifar_batch(path: Path, keep: frozenset[int] | None) -> tuple[np.ndarray, np.ndarray]:
    if not path.is_file():
        raise FileNotFoundError(f"cifar10: expected {path} (bovit never downloads data)")
    batch = _unpickle(path)
    data, labels = batch.get(b"data"), batch.get(b"labels")
    if data is None or labels is None:
        raise ValueError(f"cifar10: {path} lacks b'data' or b'labels' (keys {sorted(batch)})")
    data = np.asarray(data)
    labels = np.asarray(labels, dtype=np.int64)
    if data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        raise ValueError(f"cifar10: {path} b'data' must be uint8 of shape (n, 3072), "
                         f"got {data.dtype} of shape {data.shape}")
    if labels.shape != (data.shape[0],):
        raise ValueError(f"cifar10: {path} has {labels.size} labels for {data.shape[0]} images")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"cifar10: {path} has labels in [{labels.min()}, {labels.max()}], expected 0..9")
    mask = _keep_mask(labels, keep)
    return data[mask], labels[mask]


def _load_cifar10(root: Path | None, split: str, keep: frozenset[int] | None) -> ImageSet:
    assert root is not None  # checked by load_images
    folder = _cifar_folder(root)
    names = [f"data_batch_{k}" for k in range(1, 6)] if split == "train" else ["test_batch"]
    parts = [_cifar_batch(folder / name, keep) for name in names]
    data = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    classes: tuple[str, ...] = _CIFAR10_NAMES
    meta_path = folder / "batches.meta"
    if meta_path.is_file():  # optional: the class names are fixed by the data set anyway
        raw = _unpickle(meta_path).get(b"label_names")
        if not isinstance(raw, list) or len(raw) != 10:
            raise ValueError(f"cifar10: {meta_path} b'label_names' must list 10 names, got {raw!r}")
        classes = tuple(n.decode() if isinstance(n, bytes) else str(n) for n in raw)
    images = data.reshape(-1, 3, 32, 32).astype(np.float64) / 255.0  # rows are R plane, G plane, B plane
    return ImageSet("cifar10", images, labels, classes)


# ---------------------------------------------------------------------------------------------------- tiny-imagenet


def _tiny_folder(root: Path) -> Path:
    for folder in (root / "tiny-imagenet-200", root):
        if (folder / "wnids.txt").is_file():
            return folder
    raise FileNotFoundError(f"tiny-imagenet: expected {root / 'tiny-imagenet-200' / 'wnids.txt'} "
                            f"(or wnids.txt in {root}) (bovit never downloads data)")


def _decode_jpeg(path: Path) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError  # Pillow comes with matplotlib

    if not path.is_file():
        raise FileNotFoundError(f"tiny-imagenet: expected image {path}")
    try:
        with Image.open(path) as img:
            rgb = np.asarray(img.convert("RGB"), dtype=np.uint8)  # some Tiny-ImageNet JPEGs are greyscale
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"tiny-imagenet: cannot decode {path} ({exc})") from None
    if rgb.shape != (64, 64, 3):
        raise ValueError(f"tiny-imagenet: {path} is {rgb.shape[1]}×{rgb.shape[0]}, expected 64×64")
    return rgb.transpose(2, 0, 1)


def _load_tiny_imagenet(root: Path | None, split: str, keep: frozenset[int] | None) -> ImageSet:
    assert root is not None  # checked by load_images
    folder = _tiny_folder(root)
    wnids = [w.strip() for w in (folder / "wnids.txt").read_text().splitlines() if w.strip()]
    if len(set(wnids)) != len(wnids) or not wnids:
        raise ValueError(f"tiny-imagenet: {folder / 'wnids.txt'} must list distinct wnids, got {len(wnids)} lines")
    index = {w: k for k, w in enumerate(wnids)}
    if keep is not None and max(keep) >= len(wnids):
        raise ValueError(f"keep_classes must be class indices in [0, {len(wnids)}), got {sorted(keep)}")
    words: dict[str, str] = {}
    words_path = folder / "words.txt"
    if words_path.is_file():  # optional: without it a class is named by its wnid
        for line in words_path.read_text().splitlines():
            wnid, _, text = line.partition("\t")
            words[wnid.strip()] = text.strip()
    files: list[tuple[Path, int]] = []
    if split == "train":
        for wnid, k in index.items():
            if keep is not None and k not in keep:
                continue
            image_dir = folder / "train" / wnid / "images"
            if not image_dir.is_dir():
                raise FileNotFoundError(f"tiny-imagenet: expected folder {image_dir}")
            files += [(p, k) for p in sorted(image_dir.glob("*.JPEG"))]
    else:  # the official test/ split has no labels; val/ is the labelled held-out set
        annotations = folder / "val" / "val_annotations.txt"
        if not annotations.is_file():
            raise FileNotFoundError(f"tiny-imagenet: expected {annotations}")
        for number, line in enumerate(annotations.read_text().splitlines(), start=1):
            fields = line.split("\t")
            if not line.strip():
                continue
            if len(fields) < 2 or fields[1] not in index:
                raise ValueError(f"tiny-imagenet: {annotations} line {number} must be 'file<TAB>wnid…' "
                                 f"with a wnid from wnids.txt, got {line!r}")
            k = index[fields[1]]
            if keep is None or k in keep:
                files.append((folder / "val" / "images" / fields[0], k))
    pixels = np.stack([_decode_jpeg(p) for p, _ in files]) if files else np.zeros((0, 3, 64, 64), np.uint8)
    labels = np.array([k for _, k in files], dtype=np.int64)
    classes = tuple(words.get(w, w) for w in wnids)
    return ImageSet("tiny-imagenet", pixels.astype(np.float64) / 255.0, labels, classes)


_LOADERS = {
    "digits": _load_digits,
    "mnist": _load_mnist,
    "cifar10": _load_cifar10,
    "tiny-imagenet": _load_tiny_imagenet,
}
_N_CLASSES = {"digits": 10, "mnist": 10, "cifar10": 10, "tiny-imagenet": None}  # Tiny-ImageNet: from wnids.txt


def load_images(
    name: str,
    root: str | os.PathLike[str] | None = None,
    split: str = "train",
    *,
    keep_classes: Sequence[int] | None = None,
) -> ImageSet:
    """Load a data set from files on disk as images (n, C, H, W) float64 in [0, 1]; never downloads.

    - ``digits``: scikit-learn's bundled copy (offline). ``root`` and ``split`` are ignored: it has one split.
    - ``mnist``: ``{train,t10k}-{images-idx3,labels-idx1}-ubyte`` in ``root`` (or ``root/MNIST/raw``), gzipped or
      not (detected from the content, the ``.gz`` name is optional); IDX magic numbers and sizes are checked.
    - ``cifar10``: ``data_batch_1..5`` / ``test_batch`` (+ optional ``batches.meta``) in ``root/cifar-10-batches-py``
      or ``root``. Only numpy arrays are unpickled.
    - ``tiny-imagenet``: ``root/tiny-imagenet-200`` (or ``root``) with ``wnids.txt`` (label = line index),
      optional ``words.txt`` (class names), ``train/<wnid>/images/*.JPEG`` and, for ``split="test"``, the labelled
      ``val/images`` + ``val/val_annotations.txt`` (the official test images carry no labels).

    ``keep_classes`` (optional) keeps only the images of those class indices — labels and ``classes`` keep their
    original numbering — so a binary task on Tiny-ImageNet decodes 1000 JPEGs, not 100 000 (the full train split
    is ~10 GB as float64).
    """
    choice("name", name, DATASETS)
    choice("split", split, SPLITS)
    keep = _check_keep(keep_classes, _N_CLASSES[name])
    path = None if name == "digits" else _as_path(root, name)
    return _LOADERS[name](path, split, keep)


def load_binary_task(name: str, root: str | os.PathLike[str] | None, split: str,
                     classes: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The images (n, C, H, W) and labels y = ±1 (n,) of the binary task ``classes`` = (positive, negative) in one
    split of a data set, read from its files (:func:`load_images` of those two classes, then :func:`binary_task`);
    every image must be nonzero (Section 6 scales each to norm 5)."""
    pos, neg = classes
    images, y = binary_task(load_images(name, root, split, keep_classes=classes), pos, neg)
    _check_nonzero(_norms(images))  # Section 6 scales each image to norm 5
    return images, y


def image_shape(name: str, root: str | os.PathLike[str] | None = None) -> tuple[int, int, int]:
    """(C, H, W) of a data set's images; for MNIST with ``root`` given, read from the IDX header alone."""
    choice("name", name, DATASETS)
    if name == "mnist" and root is not None:
        folder = _as_path(root, name)
        try:
            path = _mnist_file(folder, "train-images-idx3-ubyte")
        except FileNotFoundError:
            path = _mnist_file(folder, "t10k-images-idx3-ubyte")
        _, rows, cols = _idx_header(_read_maybe_gzip(path, limit=16), path, _IDX_IMAGES)
        return (1, rows, cols)
    return _SHAPES[name]


def image_dims(name: str, M: int, root: str | os.PathLike[str] | None = None, tokens: str = "patches") -> int:
    """The token dimension d = C·H·W / M of a data set cut into M tokens the way ``tokens`` says (see
    :func:`to_tokens`)."""
    choice("tokens", tokens, TOKENISATIONS)
    C, H, W = image_shape(name, root)
    _check_cut(M, H, W, tokens)
    return C * H * W // as_int("M", M)


# ---------------------------------------------------------------------------------------------------- tasks, tokens


def binary_task(ds: ImageSet, positive: int, negative: int) -> tuple[np.ndarray, np.ndarray]:
    """The images of two classes, in data-set order, with y = +1 for ``positive`` and −1 for ``negative``.

    Returns images (n, C, H, W) float64 and y (n,) int64.
    """
    if not isinstance(ds, ImageSet):
        raise ValueError(f"ds must be an ImageSet, got {type(ds).__name__}")
    k = len(ds.classes)
    pos, neg = as_int("positive", positive), as_int("negative", negative)
    for label, value in (("positive", pos), ("negative", neg)):
        if not 0 <= value < k:
            raise ValueError(f"{label} must be a class index in [0, {k}) of {ds.name}, got {value}")
    if pos == neg:
        raise ValueError(f"negative must differ from positive, got {neg} for both")
    for label, value in (("positive", pos), ("negative", neg)):
        if not np.any(ds.labels == value):
            raise ValueError(f"{label} class {value} ({ds.classes[value]!r}) has no images in this {ds.name} set")
    mask = (ds.labels == pos) | (ds.labels == neg)
    y = np.where(ds.labels[mask] == pos, 1, -1).astype(np.int64)
    return ds.images[mask], y


def _grid_side(M: object, H: int, W: int) -> int:
    m = as_int("M", M)
    side = math.isqrt(m) if m >= 1 else 0
    if m < 1 or side * side != m or H % side or W % side:
        raise ValueError(f"M must be a perfect square whose root divides the image sides {H}×{W}, got {M}")
    return side


def _check_cut(M: object, H: int, W: int, tokens: str) -> None:
    """That images of H×W pixels can be cut into M tokens the way ``tokens`` says, or a one-line error."""
    if tokens == "patches":
        _grid_side(M, H, W)
        return
    m = as_int("M", M)
    if m < 1 or H % m:
        raise ValueError(f"M must divide the image height {H} to cut {H}×{W} images into M row strips, got {M}")


def _cut(x: np.ndarray, M: int, tokens: str) -> np.ndarray:
    """Images x (n, C, H, W), already checked to be cut into M tokens as ``tokens`` says: (n, M, d)."""
    if tokens == "patches":
        return _patches(x, math.isqrt(M))
    n, C, H, W = x.shape
    return x.reshape(n, C, M, H // M, W).transpose(0, 2, 1, 3, 4).reshape(n, M, C * (H // M) * W)


def _images4(images: object, name: str = "images") -> np.ndarray:
    if not isinstance(images, np.ndarray) or images.ndim != 4 or 0 in images.shape[1:]:
        raise ValueError(f"{name} must be a numpy array of shape (n, C, H, W), got {_describe(images)}")
    return images


def to_tokens(images: np.ndarray, M: int, tokens: str = "patches") -> np.ndarray:
    """Cut images (n, C, H, W) into M tokens (n, M, d), d = C·H·W / M.

    ``tokens="patches"``: the H×W plane is split into a √M × √M grid of (H/√M)×(W/√M) patches; token k = grid
    row k // √M, grid column k % √M (row-major). ``tokens="strips"``: into M strips of H/M whole rows, top to
    bottom. Each token lists its pixels channel-major (channel, row, column). The paper does not say how it
    tokenises images (IC-10): patches are a ViT's patching without the embedding, strips a row-by-row reading.
    """
    choice("tokens", tokens, TOKENISATIONS)
    x = _images4(images)
    _check_cut(M, x.shape[2], x.shape[3], tokens)
    return _cut(x, int(M), tokens)


def _patches(x: np.ndarray, g: int) -> np.ndarray:
    """:func:`to_tokens` of images x (n, C, H, W) on a g × g grid that divides H and W."""
    n, C, H, W = x.shape
    ph, pw = H // g, W // g
    return x.reshape(n, C, g, ph, g, pw).transpose(0, 2, 4, 1, 3, 5).reshape(n, g * g, C * ph * pw)


def from_tokens(tokens: np.ndarray, shape: tuple[int, int, int], layout: str = "patches") -> np.ndarray:
    """The inverse of :func:`to_tokens`: tokens (n, M, d) cut as ``layout`` says (one of TOKENISATIONS) back to
    images (n, C, H, W) with (C, H, W) = ``shape``."""
    choice("layout", layout, TOKENISATIONS)
    if not isinstance(tokens, np.ndarray) or tokens.ndim != 3:
        raise ValueError(f"tokens must be a numpy array of shape (n, M, d), got {_describe(tokens)}")
    if not (isinstance(shape, tuple) and len(shape) == 3 and all(isinstance(s, int) and s > 0 for s in shape)):
        raise ValueError(f"shape must be a tuple (C, H, W) of positive ints, got {shape!r}")
    n, M, d = tokens.shape
    C, H, W = shape
    _check_cut(M, H, W, layout)
    if d != C * H * W // M:
        raise ValueError(f"shape {shape} cut into M = {M} tokens gives d = {C * H * W // M}, but tokens have d = {d}")
    if layout == "strips":
        return tokens.reshape(n, M, C, H // M, W).transpose(0, 2, 1, 3, 4).reshape(n, C, H, W)
    g = math.isqrt(M)
    ph, pw = H // g, W // g
    return tokens.reshape(n, g, g, C, ph, pw).transpose(0, 3, 1, 4, 2, 5).reshape(n, C, H, W)


def normalize_images(images: np.ndarray, signal_norm: float = SIGNAL_NORM) -> np.ndarray:
    """Each image scaled to ℓ₂ norm ``signal_norm`` (Section 6, step 1: norm 5); float64 (n, C, H, W)."""
    x = _images4(images).astype(np.float64)
    target = positive("signal_norm", signal_norm)
    if not np.all(np.isfinite(x)):
        raise ValueError("images must be finite, got NaN or inf")
    norms = _norms(x)
    _check_nonzero(norms)
    return _scaled(x, norms, target)


def _norms(x: np.ndarray) -> np.ndarray:
    # the ℓ₂ norm of each image of the batch x (einsum's rounding can depend on the batch: take the batch at hand)
    return np.sqrt(np.einsum("nchw,nchw->n", x, x))


def _check_nonzero(norms: np.ndarray) -> None:
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise ValueError(f"images must be nonzero to be normalised, got an all-zero image at index {int(zero[0])}")


def _scaled(x: np.ndarray, norms: np.ndarray, target: float) -> np.ndarray:
    return x * (target / norms)[:, None, None, None]


def noise_sigma(snr: float, D: int, signal_norm: float = SIGNAL_NORM) -> float:
    """Section 6's pixel noise σ for an SNR, read as SNR = ‖signal‖₂/(σ·√D) over the D = C·H·W pixels (IC-10)."""
    return signal_norm / (snr * math.sqrt(D))


def section6_tokens(
    images: np.ndarray,
    y: np.ndarray | torch.Tensor,
    M: int,
    snr: float,
    generator: torch.Generator,
    signal_norm: float = SIGNAL_NORM,
    dtype: torch.dtype = torch.float64,
    tokens: str = "patches",
) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Section 6's real-data transform: norm-``signal_norm`` images + i.i.d. N(0, σ²) pixel noise, as M tokens.

    SNR = ‖signal‖₂ / (σ·√D) with D = C·H·W (Definition 3.1's ‖µ‖₂/(σ_p√d) with the image as the signal;
    the paper does not state its definition, IC-10), so σ = signal_norm / (snr·√D).
    The noise comes only from ``generator`` (drawn in ``dtype`` on the generator's device, in token layout —
    i.i.d. pixels, so the layout does not change its law); the same seed gives bit-identical tokens.

    The images are cut into M tokens as ``tokens`` says (:func:`to_tokens`).

    Returns X (n, M, d) and y (n,) of ±1, both ``dtype`` on the generator's device, and σ.
    """
    choice("tokens", tokens, TOKENISATIONS)
    target = positive("signal_norm", signal_norm)
    x = normalize_images(images, target)
    n, C, H, W = x.shape
    if isinstance(y, torch.Tensor):
        y = y.detach().cpu().numpy()
    labels = np.asarray(y) if isinstance(y, np.ndarray | list | tuple) else None
    if labels is None or labels.shape != (n,) or not np.all(np.isin(labels, (-1, 1))):
        raise ValueError(f"y must be an array of {n} labels in {{-1, +1}}, got {_describe(y)}")
    _check_cut(M, H, W, tokens)
    snr_value = positive("snr", snr)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating torch dtype, got {dtype!r}")
    sigma = noise_sigma(snr_value, C * H * W, target)
    X = _noisy_tokens(x, int(M), tokens, sigma, generator, dtype)
    return X, torch.from_numpy(labels.astype(np.float64)).to(device=generator.device, dtype=dtype), sigma


def _noisy_tokens(x: np.ndarray, M: int, tokens: str, sigma: float, generator: torch.Generator,
                  dtype: torch.dtype) -> torch.Tensor:
    """Section 6's tokens of normalised images x (n, C, H, W): their M tokens cut as ``tokens`` says + i.i.d.
    N(0, σ²) noise from ``generator`` (drawn in ``dtype`` on its device, in token layout), (n, M, d)."""
    device = generator.device
    signal = torch.from_numpy(_cut(x, M, tokens)).to(device=device, dtype=dtype)
    noise = torch.randn(signal.shape, generator=generator, dtype=dtype, device=device)
    return signal + sigma * noise


def _drawn_tokens(images: np.ndarray, M: int, tokens: str, sigma: float, generator: torch.Generator) -> torch.Tensor:
    """:func:`section6_tokens` in float64 of images a run drew from its pool (nonzero, as :func:`load_binary_task`
    checks), at the run's σ (``RunConfig.sigma_p``, from :func:`noise_sigma`) and M: what :mod:`simulate.data` draws
    image sets with. Its callers validate; nothing is checked again."""
    x = images.astype(np.float64)
    return _noisy_tokens(_scaled(x, _norms(x), SIGNAL_NORM), M, tokens, sigma, generator, torch.float64)
