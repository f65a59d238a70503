"""The shipped models: load them, and turn a prepared waveform into ten probabilities."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from shared.errors import LabError
from shared.mnist_training import load_model, read_metadata
from shared.run_control import WeightsMissing
from spoken_digits.mfcc_baseline import logits as mfcc_logits
from spoken_digits.model import ARCHITECTURES

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
MODELS = ("m5", "mel_cnn", "mfcc_logreg")  # the shipped ones, best first: the tab's choice


def classes_from_logits(logits: torch.Tensor) -> np.ndarray:
    """The predicted digit of each row; a single sigmoid output can only say 0 or 1."""
    if logits.shape[1] == 1:
        return (logits[:, 0] > 0).long().numpy()
    return logits.argmax(dim=1).numpy()


@cache
def load(name: str, weights_dir: Path = WEIGHTS_DIR):
    """A network (frozen, evaluation mode) or, for ``mfcc_logreg``, its tensors."""
    path = weights_dir / f"{name}.safetensors"
    if not path.is_file():
        raise WeightsMissing(path)
    if name == "mfcc_logreg":
        return load_file(str(path))
    return load_model(ARCHITECTURES[read_metadata(path)["architecture"]], path)


def logits(model, waveforms: np.ndarray) -> torch.Tensor:
    """(N, 8000) prepared waveforms → (N, 10) logits, for a network or the MFCC baseline."""
    if isinstance(model, dict):
        return mfcc_logits(model, waveforms)
    with torch.no_grad():
        return model(torch.as_tensor(np.asarray(waveforms, dtype=np.float32)))


def probabilities(model, waveform: np.ndarray) -> np.ndarray:
    """One prepared waveform (8000,) → ten probabilities."""
    return torch.softmax(logits(model, waveform[None]), dim=1)[0].numpy()


def read_metrics(weights_dir: Path = WEIGHTS_DIR) -> dict:
    """The models' numbers recorded by train.py: ``{model: {"parameters", "official", "loso"?, ...}}``."""
    path = weights_dir / "metrics.json"
    if not path.is_file():
        raise LabError("spoken_digits.metrics_missing")
    return json.loads(path.read_text())["models"]
