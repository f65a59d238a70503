"""The shipped VAE weights: safetensors files whose metadata records the model's shape.

safetensors holds only tensors and strings, so loading can never run code (a pickle could);
the file alone rebuilds the model.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from vae.model import VAE

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"
# The two shipped models: a 2-D latent space that can be drawn as a map, and a larger one
# that reconstructs and generates better digits.
MAP_MODEL = "vae_2d"
QUALITY_MODEL = "vae_32d"
LATENT_DIMS = {MAP_MODEL: 2, QUALITY_MODEL: 32}

_CONFIG_KEY = "config"


def weights_path(name: str, directory: Path = WEIGHTS_DIR) -> Path:
    return directory / f"{name}.safetensors"


def save(model: VAE, path: Path, **metadata: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(path), metadata={_CONFIG_KEY: json.dumps(model.config()), **metadata})


def load(path: Path | str) -> VAE:
    with safe_open(str(path), framework="pt") as f:
        config = json.loads((f.metadata() or {})[_CONFIG_KEY])
    model = VAE(config["latent_dim"], tuple(config["hidden"]))
    model.load_state_dict(load_file(str(path)))
    model.requires_grad_(False)
    return model.eval()


@lru_cache(maxsize=None)
def shipped_model(name: str) -> VAE:
    """One of the shipped models, loaded on first use and kept for the life of the process."""
    if name not in LATENT_DIMS:
        raise KeyError(name)
    return load(weights_path(name))


def shipped_metrics() -> dict:
    return json.loads(METRICS_PATH.read_text()) if METRICS_PATH.is_file() else {}


def device_model(name: str, device: torch.device) -> VAE:
    return shipped_model(name).to(device)
