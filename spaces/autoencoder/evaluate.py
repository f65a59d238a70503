"""How well the shipped autoencoders reconstruct the MNIST test set (``python -m shared.evaluate``)."""

from __future__ import annotations

import numpy as np
import torch

from autoencoder import checkpoint
from autoencoder.model import Autoencoder
from shared.mnist_training import count_parameters


@torch.inference_mode()
def reconstruction_error(model: Autoencoder, images: np.ndarray, batch_size: int = 1000) -> float:
    """Mean squared error per pixel (pixels in [0, 1]) over uint8 images (N, 28, 28)."""
    was_training = model.training
    model.eval()
    total = 0.0
    for start in range(0, len(images), batch_size):
        batch = torch.tensor(np.asarray(images[start:start + batch_size])).float().div_(255)
        total += float(((model(batch) - batch) ** 2).sum())
    model.train(was_training)
    return total / max(1, len(images) * 28 * 28)


def evaluate(test_images: np.ndarray, test_labels: np.ndarray) -> list[dict]:
    results = []
    for size in checkpoint.CODE_SIZES:
        model = checkpoint.shipped_model(size)
        mse = reconstruction_error(model, test_images)
        results.append({"model": checkpoint.model_name(size), "code_size": size, "test_mse_per_pixel": round(mse, 6),
                        "test_psnr_db": round(float(10 * np.log10(1.0 / mse)), 2),
                        "parameters": count_parameters(model), "test_images": int(len(test_images))})
    return results
