"""The shipped VAE weights: safetensors files whose metadata records the model's shape.

safetensors holds only tensors and strings, so loading can never run code (a pickle could);
the file alone rebuilds the model.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import torch

from shared.mnist_training import load_model, read_metrics, save_model
from vae.model import VAE

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"
# The two shipped models: a 2-D latent space that can be drawn as a map, and a larger one
# that reconstructs and generates better digits.
MAP_MODEL = "vae_2d"
QUALITY_MODEL = "vae_32d"
LATENT_DIMS = {MAP_MODEL: 2, QUALITY_MODEL: 32}


def weights_path(name: str, directory: Path = WEIGHTS_DIR) -> Path:
    return directory / f"{name}.safetensors"


def save(model: VAE, path: Path, **metadata: str) -> None:
    save_model(model, path, **metadata)


def load(path: Path | str) -> VAE:
    return load_model(VAE, path)


@lru_cache(maxsize=None)
def shipped_model(name: str) -> VAE:
    """One of the shipped models, loaded on first use and kept for the life of the process."""
    if name not in LATENT_DIMS:
        raise KeyError(name)
    return load(weights_path(name))


def shipped_metrics() -> dict:
    return read_metrics(METRICS_PATH)


def device_model(name: str, device: torch.device) -> VAE:
    return shipped_model(name).to(device)
