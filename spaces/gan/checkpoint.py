"""The shipped GAN: generator and discriminator weights, and the training story (the fixed
noise batch rendered at saved points of training), all in safetensors files.

safetensors holds only tensors and strings, so loading can never run code (a pickle could);
each file's metadata records the network's shape, so the file alone rebuilds it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file as load_numpy
from safetensors.numpy import save_file as save_numpy
from torch import nn

from gan.model import Discriminator, Generator
from shared.mnist_training import load_model, read_metrics, save_model
from shared.run_control import WeightsMissing

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
GENERATOR_PATH = WEIGHTS_DIR / "gan_generator.safetensors"
DISCRIMINATOR_PATH = WEIGHTS_DIR / "gan_discriminator.safetensors"
STORY_PATH = WEIGHTS_DIR / "gan_story.safetensors"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"
MODEL_NAME = "gan"


def save(model: nn.Module, path: Path, **metadata: str) -> None:
    save_model(model, path, **metadata)


def load_generator(path: Path | str = GENERATOR_PATH) -> Generator:
    return load_model(Generator, path)


def load_discriminator(path: Path | str = DISCRIMINATOR_PATH) -> Discriminator:
    return load_model(Discriminator, path)


@lru_cache(maxsize=1)
def shipped_generator() -> Generator:
    return load_generator()


@lru_cache(maxsize=1)
def shipped_discriminator() -> Discriminator:
    return load_discriminator()


def save_story(path: Path, steps: list[int], images: np.ndarray, labels: np.ndarray) -> None:
    """``images``: uint8 (snapshots, n, 28, 28), the same noise and digits at each step."""
    save_numpy({"steps": np.asarray(steps, dtype=np.int64), "images": np.ascontiguousarray(images, dtype=np.uint8),
                "labels": np.asarray(labels, dtype=np.int64)}, str(path))


@lru_cache(maxsize=1)
def shipped_story() -> dict[str, np.ndarray]:
    if not STORY_PATH.is_file():
        raise WeightsMissing(STORY_PATH)
    return load_numpy(str(STORY_PATH))


def shipped_metrics() -> dict:
    return read_metrics(METRICS_PATH)
