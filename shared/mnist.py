"""The MNIST database of handwritten digits, as uint8 arrays.

Looked up in this order: the folder named by ``$MNIST_DIR``, the course's data folder
(``../shared/data/mnist`` beside the repository), then the Hugging Face Hub dataset
``ylecun/mnist`` through ``datasets`` (on a Space, where the course folder is absent).
The IDX files may be gzipped or not.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from shared.errors import LabError

REPO_ROOT = Path(__file__).resolve().parents[1]
COURSE_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "mnist"
HUB_DATASET_ID = "ylecun/mnist"

IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# The IDX magic number is 0x0000 (two zero bytes), a type code (0x08 = unsigned byte) and
# the number of dimensions: 3 for images, 1 for labels.
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801


class MnistNotFound(LabError, FileNotFoundError):
    """Neither a local copy nor the Hub dataset could be read (a translated message in a tab)."""

    def __init__(self, looked: str):
        super().__init__("shared.mnist.missing", looked=looked, dataset=HUB_DATASET_ID)


def candidate_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("MNIST_DIR"):
        dirs.append(Path(os.environ["MNIST_DIR"]))
    dirs.append(COURSE_DATA_DIR)
    return dirs


def _open_idx(directory: Path, stem: str) -> bytes | None:
    for name, opener in ((stem, open), (stem + ".gz", gzip.open)):
        path = directory / name
        if path.is_file():
            with opener(path, "rb") as f:
                return f.read()
    return None


def parse_idx(raw: bytes, expected_magic: int) -> np.ndarray:
    """Decode one IDX file (big-endian header, then the uint8 payload)."""
    if len(raw) < 8:
        raise ValueError("IDX file too short")
    magic = int.from_bytes(raw[:4], "big")
    if magic != expected_magic:
        raise ValueError(f"IDX magic {magic:#010x}, expected {expected_magic:#010x}")
    ndim = raw[3]
    header_end = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header_end)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"IDX payload has {data.size} bytes, header says {shape}")
    return data.reshape(shape)


def _load_local(split: str, directory: Path) -> tuple[np.ndarray, np.ndarray] | None:
    image_stem, label_stem = IDX_FILES[split]
    raw_images = _open_idx(directory, image_stem)
    raw_labels = _open_idx(directory, label_stem)
    if raw_images is None or raw_labels is None:
        return None
    images = parse_idx(raw_images, IMAGES_MAGIC)
    labels = parse_idx(raw_labels, LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels in {directory}")
    return images, labels


def _load_hub(split: str) -> tuple[np.ndarray, np.ndarray]:
    import datasets

    ds = datasets.load_dataset(HUB_DATASET_ID, split=split)
    images = np.stack([np.asarray(im, dtype=np.uint8) for im in ds["image"]])
    labels = np.asarray(ds["label"], dtype=np.uint8)
    return images, labels


@lru_cache(maxsize=2)
def load_mnist(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Return ``(images, labels)``: uint8 arrays of shape (N, 28, 28) and (N,).

    ``split`` is "train" (60 000 digits) or "test" (10 000). The arrays are read-only and
    shared between callers in this process.
    """
    if split not in IDX_FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    for directory in candidate_dirs():
        found = _load_local(split, directory)
        if found is not None:
            break
    else:
        try:
            found = _load_hub(split)
        except Exception as exc:  # offline, no cache, no `datasets`: say where we looked
            looked = ", ".join(str(d) for d in candidate_dirs())
            raise MnistNotFound(looked) from exc
    images, labels = (np.ascontiguousarray(a) for a in found)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def checksum(images: np.ndarray, labels: np.ndarray) -> str:
    """A short fingerprint of a split, recorded in each model's metrics.json."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(images).tobytes())
    digest.update(np.ascontiguousarray(labels).tobytes())
    return "sha256:" + digest.hexdigest()[:16]
