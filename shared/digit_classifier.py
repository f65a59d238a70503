"""The MNIST digit classifier of the CNN tab, shared with the tabs that reuse its shipped
weights (class visualisation, the GAN's quality metrics). The CNN tab trains it; the weights
live in ``shared/weights/``.

The network: two convolution stages and a dense layer, as in Harley's picture.

    input 1×28×28
    conv1  32 filters 5×5  → 32×28×28   (BatchNorm, ReLU)
    pool1  max 2×2         → 32×14×14
    conv2  64 filters 5×5  → 64×14×14   (BatchNorm, ReLU)
    pool2  max 2×2         → 64×7×7
    dense  3136 → 128      (ReLU, dropout while training)
    output 128 → 10        (logits; softmax gives the probabilities)

``layers`` returns every intermediate result by name, so a tab can show them without hooks.
The weights are one safetensors file whose metadata records the layer sizes: the file alone
rebuilds the model, and loading it can never run code (a pickle could). It is written and read
as the other MNIST networks' are (shared.mnist_training).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from shared.mnist_training import load_model, save_model

# Mean and standard deviation of the MNIST training pixels (scaled to [0, 1]); the network
# sees (pixel - MEAN) / STD, so a blank pixel is about -0.42 and full ink about 2.8.
PIXEL_MEAN = 0.1307
PIXEL_STD = 0.3081

CLASSES = tuple(str(d) for d in range(10))
# Names of the intermediate results, in the order the data flows through them.
LAYER_NAMES = ("conv1", "pool1", "conv2", "pool2", "dense", "logits")


class MnistCNN(nn.Module):
    def __init__(self, conv1_channels: int = 32, conv2_channels: int = 64, dense_units: int = 128,
                 dropout: float = 0.3):
        super().__init__()
        # BatchNorm follows each convolution, so the convolutions need no bias of their own.
        self.conv1 = nn.Conv2d(1, conv1_channels, kernel_size=5, padding=2, bias=False)
        self.bn1 = nn.BatchNorm2d(conv1_channels)
        self.conv2 = nn.Conv2d(conv1_channels, conv2_channels, kernel_size=5, padding=2, bias=False)
        self.bn2 = nn.BatchNorm2d(conv2_channels)
        self.dense = nn.Linear(conv2_channels * 7 * 7, dense_units)
        self.dropout = nn.Dropout(dropout)
        self.output = nn.Linear(dense_units, 10)

    def config(self) -> dict[str, int]:
        """The layer sizes, recorded in the weights file (dropout leaves the weights alone)."""
        return {
            "conv1_channels": self.conv1.out_channels,
            "conv2_channels": self.conv2.out_channels,
            "dense_units": self.dense.out_features,
        }

    def layers(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate result for a batch ``x`` of shape (N, 1, 28, 28), normalised."""
        conv1 = F.relu(self.bn1(self.conv1(x)))
        pool1 = F.max_pool2d(conv1, 2)
        conv2 = F.relu(self.bn2(self.conv2(pool1)))
        pool2 = F.max_pool2d(conv2, 2)
        dense = F.relu(self.dense(torch.flatten(pool2, 1)))
        logits = self.output(self.dropout(dense))
        return {"conv1": conv1, "pool1": pool1, "conv2": conv2, "pool2": pool2, "dense": dense, "logits": logits}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)["logits"]


def normalise(images: torch.Tensor) -> torch.Tensor:
    """uint8 or [0, 1] float images of shape (N, 28, 28) → the network's (N, 1, 28, 28) input."""
    if images.dtype == torch.uint8:
        images = images.float() / 255.0
    return ((images - PIXEL_MEAN) / PIXEL_STD).unsqueeze(1)


def class_confidences(probabilities: np.ndarray) -> dict[str, float]:
    """The ten probabilities as a gr.Label value: {"0": p0, …, "9": p9}."""
    return {label: float(p) for label, p in zip(CLASSES, probabilities, strict=True)}


def probability_table(probabilities: np.ndarray):
    """The ten probabilities as a bar chart's data: one row per digit."""
    import pandas as pd

    return pd.DataFrame({"digit": list(CLASSES), "probability": [float(p) for p in probabilities]})


# The shipped weights are trained by the CNN tab's train.py and shared by every tab that uses them.
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
WEIGHTS_PATH = WEIGHTS_DIR / "digit_classifier.safetensors"
METRICS_PATH = WEIGHTS_DIR / "metrics.json"


def save(model: MnistCNN, path: Path = WEIGHTS_PATH, **metadata: str) -> None:
    save_model(model, path, **metadata)


def load(path: Path | str = WEIGHTS_PATH) -> MnistCNN:
    """A fresh model with the weights from ``path``: frozen, in evaluation mode."""
    return load_model(MnistCNN, path)


@lru_cache(maxsize=1)
def shipped_model() -> MnistCNN:
    """The shipped network, loaded on first use and kept for the life of the process.

    Several tabs share it: the CNN tab runs it under ``torch.inference_mode``, while class
    visualisation needs gradients with respect to the input. Weights created in inference
    mode can never take part in autograd, so they are always loaded outside it.
    """
    with torch.inference_mode(False):
        return load(WEIGHTS_PATH)
