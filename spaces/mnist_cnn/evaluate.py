"""How well the shipped network classifies the MNIST test set (used by ``python -m shared.evaluate``)."""

from __future__ import annotations

import numpy as np
import torch

from shared import digit_classifier
from shared.digit_classifier import MnistCNN, normalise
from shared.mnist_training import count_parameters

MODEL_NAME = "mnist_cnn"


@torch.inference_mode()
def predict_labels(model: MnistCNN, images: np.ndarray | torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """The predicted digit for each uint8 image of shape (N, 28, 28)."""
    if not isinstance(images, torch.Tensor):
        images = torch.tensor(np.asarray(images))  # a copy: the loader's arrays are read-only
    was_training = model.training
    model.eval()
    predictions = [model(normalise(images[i:i + batch_size])).argmax(1) for i in range(0, len(images), batch_size)]
    model.train(was_training)
    return torch.cat(predictions) if predictions else torch.empty(0, dtype=torch.long)


def accuracy(model: MnistCNN, images, labels) -> float:
    predicted = predict_labels(model, images)
    return float((predicted == torch.tensor(np.asarray(labels), dtype=torch.long)).float().mean())


def evaluate(test_images: np.ndarray, test_labels: np.ndarray) -> list[dict]:
    model = digit_classifier.shipped_model()
    return [{
        "model": MODEL_NAME,
        "test_accuracy": round(accuracy(model, test_images, test_labels), 4),
        "parameters": count_parameters(model),
        "test_images": int(len(test_images)),
    }]
