"""The shipped autoencoders: one safetensors file per bottleneck size, whose metadata records
the model's shape (so the file alone rebuilds it; loading can never run code).

Light to import: the page reads the sizes before torch is loaded; loading a model imports it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autoencoder.model import Autoencoder

CODE_SIZES = (2, 8, 32)  # the shipped bottlenecks
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"


def model_name(code_size: int) -> str:
    return f"autoencoder_{code_size}"


def weights_path(code_size: int, directory: Path = WEIGHTS_DIR) -> Path:
    return directory / f"{model_name(code_size)}.safetensors"


def save(model: Autoencoder, path: Path, **metadata: str) -> None:
    from shared.mnist_training import save_model

    save_model(model, path, **metadata)


def load(path: Path | str) -> Autoencoder:
    """The autoencoder in ``path``: frozen, in evaluation mode."""
    from autoencoder.model import Autoencoder
    from shared.mnist_training import load_model

    return load_model(Autoencoder, path)


@cache
def shipped_model(code_size: int) -> Autoencoder:
    """The shipped model with this bottleneck, loaded on first use and then kept."""
    if code_size not in CODE_SIZES:
        raise KeyError(code_size)
    return load(weights_path(code_size))


def shipped_metrics() -> dict:
    from shared.mnist_training import read_metrics

    return read_metrics(METRICS_PATH)
