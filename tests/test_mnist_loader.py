"""The MNIST loader: IDX parsing, the order of places it looks in, and a clear failure."""

import gzip
import hashlib
from pathlib import Path

import numpy as np
import pytest

from shared import mnist

# md5 of the uncompressed files, as published with the original distribution
# (listed in ../shared/data/README.md).
PUBLISHED_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_split(folder: Path, split: str, images: np.ndarray, labels: np.ndarray, gz: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    image_stem, label_stem = mnist.IDX_FILES[split]
    for stem, data in ((image_stem, idx_bytes(images, mnist.IMAGES_MAGIC)),
                       (label_stem, idx_bytes(labels, mnist.LABELS_MAGIC))):
        if gz:
            with gzip.open(folder / (stem + ".gz"), "wb") as f:
                f.write(data)
        else:
            (folder / stem).write_bytes(data)


@pytest.fixture(autouse=True)
def fresh_cache():
    mnist.load_mnist.cache_clear()
    yield
    mnist.load_mnist.cache_clear()


def test_course_copy_is_the_original_database():
    train_x, train_y = mnist.load_mnist("train")
    test_x, test_y = mnist.load_mnist("test")
    assert train_x.shape == (60000, 28, 28) and train_y.shape == (60000,)
    assert test_x.shape == (10000, 28, 28) and test_y.shape == (10000,)
    assert train_x.dtype == np.uint8 and set(np.unique(test_y)) == set(range(10))
    for stem, md5 in PUBLISHED_MD5.items():
        with gzip.open(mnist.COURSE_DATA_DIR / (stem + ".gz"), "rb") as f:
            assert hashlib.md5(f.read()).hexdigest() == md5
    assert not train_x.flags.writeable  # shared between callers, so read-only


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_dir_comes_first(tmp_path, monkeypatch, gz):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    write_split(tmp_path, "test", images, labels, gz)
    monkeypatch.setenv("MNIST_DIR", str(tmp_path))
    got_x, got_y = mnist.load_mnist("test")
    assert np.array_equal(got_x, images) and np.array_equal(got_y, labels)
    assert mnist.checksum(got_x, got_y) == mnist.checksum(images, labels)
    assert mnist.checksum(got_x, got_y) != mnist.checksum(images, labels[::-1])


def test_a_folder_without_the_files_falls_through_to_the_next(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "empty"))
    assert mnist.load_mnist("test")[0].shape == (10000, 28, 28)


def test_without_any_copy_and_offline_the_error_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "nothing"))
    monkeypatch.setattr(mnist, "COURSE_DATA_DIR", tmp_path / "also-nothing")
    with pytest.raises(mnist.MnistNotFound) as caught:
        mnist.load_mnist("train")
    text = str(caught.value)
    assert "nothing" in text and "also-nothing" in text and mnist.HUB_DATASET_ID in text


def test_bad_idx_files_are_refused():
    good = idx_bytes(np.zeros((2, 28, 28)), mnist.IMAGES_MAGIC)
    with pytest.raises(ValueError, match="magic"):
        mnist.parse_idx(good, mnist.LABELS_MAGIC)
    with pytest.raises(ValueError, match="payload"):
        mnist.parse_idx(good[:-5], mnist.IMAGES_MAGIC)
    with pytest.raises(ValueError, match="too short"):
        mnist.parse_idx(b"\x00\x00", mnist.IMAGES_MAGIC)
    with pytest.raises(ValueError, match="split"):
        mnist.load_mnist("validation")
