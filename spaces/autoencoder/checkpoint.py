"""The shipped autoencoders: one safetensors file per bottleneck size, whose metadata records
the model's shape (so the file alone rebuilds it; loading can never run code)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from safetensors import safe_open
from safetensors.torch import load_file, save_file

from autoencoder.model import CODE_SIZES, Autoencoder

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"

_CONFIG_KEY = "config"


def model_name(code_size: int) -> str:
    return f"autoencoder_{code_size}"


def weights_path(code_size: int, directory: Path = WEIGHTS_DIR) -> Path:
    return directory / f"{model_name(code_size)}.safetensors"


def save(model: Autoencoder, path: Path, **metadata: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(path), metadata={_CONFIG_KEY: json.dumps(model.config()), **metadata})


def load(path: Path | str) -> Autoencoder:
    with safe_open(str(path), framework="pt") as f:
        config = json.loads((f.metadata() or {})[_CONFIG_KEY])
    model = Autoencoder(config["code_size"], tuple(config["hidden"]))
    model.load_state_dict(load_file(str(path)))
    model.requires_grad_(False)
    return model.eval()


@lru_cache(maxsize=None)
def shipped_model(code_size: int) -> Autoencoder:
    """The shipped model with this bottleneck, loaded on first use and then kept."""
    if code_size not in CODE_SIZES:
        raise KeyError(code_size)
    return load(weights_path(code_size))


def shipped_metrics() -> dict:
    return json.loads(METRICS_PATH.read_text()) if METRICS_PATH.is_file() else {}
