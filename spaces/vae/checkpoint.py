"""The shipped VAE weights: safetensors files whose metadata records the model's shape.

safetensors holds only tensors and strings, so loading can never run code (a pickle could);
the file alone rebuilds the model. Light to import: the page reads the names and sizes before
torch is loaded; loading a model imports it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vae.model import VAE

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"
# The two shipped models: a 2-D latent space that can be drawn as a map, and a larger one
# that reconstructs and generates better digits.
MAP_MODEL = "vae_2d"
QUALITY_MODEL = "vae_32d"
LATENT_DIMS = {MAP_MODEL: 2, QUALITY_MODEL: 32}


def model_with(latent_dim: int) -> str:
    """The shipped model whose latent space has ``latent_dim`` numbers (2 or 32)."""
    return {dims: name for name, dims in LATENT_DIMS.items()}[latent_dim]


def weights_path(name: str, directory: Path = WEIGHTS_DIR) -> Path:
    return directory / f"{name}.safetensors"


def save(model: VAE, path: Path, **metadata: str) -> None:
    from shared.mnist_training import save_model

    save_model(model, path, **metadata)


def load(path: Path | str) -> VAE:
    """The VAE in ``path``: frozen, in evaluation mode."""
    from shared.mnist_training import load_model
    from vae.model import VAE

    return load_model(VAE, path)


@cache
def shipped_model(name: str) -> VAE:
    """One of the shipped models, loaded on first use and kept for the life of the process."""
    if name not in LATENT_DIMS:
        raise KeyError(name)
    return load(weights_path(name))


def shipped_metrics() -> dict:
    from shared.mnist_training import read_metrics

    return read_metrics(METRICS_PATH)
