"""The shipped autoencoders: one safetensors file per bottleneck size, whose metadata records
the model's shape (so the file alone rebuilds it; loading can never run code)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from autoencoder.model import CODE_SIZES, Autoencoder
from shared.mnist_training import load_model, read_metrics, save_model

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"


def model_name(code_size: int) -> str:
    return f"autoencoder_{code_size}"


def weights_path(code_size: int, directory: Path = WEIGHTS_DIR) -> Path:
    return directory / f"{model_name(code_size)}.safetensors"


def save(model: Autoencoder, path: Path, **metadata: str) -> None:
    save_model(model, path, **metadata)


def load(path: Path | str) -> Autoencoder:
    return load_model(Autoencoder, path)


@lru_cache(maxsize=None)
def shipped_model(code_size: int) -> Autoencoder:
    """The shipped model with this bottleneck, loaded on first use and then kept."""
    if code_size not in CODE_SIZES:
        raise KeyError(code_size)
    return load(weights_path(code_size))


def shipped_metrics() -> dict:
    return read_metrics(METRICS_PATH)
