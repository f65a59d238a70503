"""Run the shipped network on one prepared 28×28 digit and keep what every layer computed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from shared import digit_classifier
from shared.digit_classifier import normalise


@dataclass(frozen=True)
class Analysis:
    digit: np.ndarray  # (28, 28) float32 in [0, 1]: what the network sees
    probabilities: np.ndarray  # (10,) softmax of the logits
    activations: dict[str, np.ndarray]  # layer name → activations of this one digit (no batch axis)

    @property
    def predicted(self) -> int:
        return int(self.probabilities.argmax())


@torch.inference_mode()
def analyse(digit: np.ndarray) -> Analysis:
    model = digit_classifier.shipped_model()
    batch = normalise(torch.from_numpy(np.ascontiguousarray(digit, dtype=np.float32))[None])
    layers = model.layers(batch)
    probabilities = torch.softmax(layers["logits"], dim=1)
    activations = {name: value[0].numpy() for name, value in layers.items()}
    activations["softmax"] = probabilities[0].numpy()
    return Analysis(digit=np.asarray(digit, dtype=np.float32), probabilities=probabilities[0].numpy(),
                    activations=activations)


def one_hot(probabilities: np.ndarray) -> np.ndarray:
    """The network's answer as the lecture writes a label: 1 for the most likely digit, 0 elsewhere."""
    vector = np.zeros(len(probabilities), dtype=np.int64)
    vector[int(np.argmax(probabilities))] = 1
    return vector


def first_layer_filters() -> np.ndarray:
    """The first convolution's kernels, (channels, 5, 5)."""
    return digit_classifier.shipped_model().conv1.weight.detach()[:, 0].numpy()
