"""How much generated digits look like MNIST, judged by the suite's own digit classifier.

- Fréchet distance between the classifier's 128-d penultimate features ("dense") of the
  generated digits and of the test digits: the FID recipe with our CNN instead of Inception,
  so the values compare only within this project (lower is better; the test set's two
  halves against each other give the floor).
- The share of each digit among the classifier's labels of the generated digits: a
  generator that forgot some digits (mode collapse) shows it here.
- The classifier's mean top probability: how sure it is about what it sees.
"""

from __future__ import annotations

import numpy as np
import torch


@torch.inference_mode()
def classifier_outputs(images: np.ndarray, batch_size: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(features (N, 128), probabilities (N, 10)) for images (N, 28, 28): uint8 or float in [0, 1]."""
    from shared.digit_classifier import normalise, shipped_model

    model = shipped_model()
    features, probabilities = [], []
    for start in range(0, len(images), batch_size):
        batch = torch.tensor(np.asarray(images[start:start + batch_size]))  # a copy: the loader's arrays are read-only
        if batch.dtype != torch.uint8:
            batch = batch.float()
        layers = model.layers(normalise(batch))
        features.append(layers["dense"].double().numpy())
        probabilities.append(torch.softmax(layers["logits"].double(), dim=1).numpy())
    return np.concatenate(features), np.concatenate(probabilities)


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa Σb)^½) between two sets of feature vectors."""
    from scipy import linalg

    mean_a, mean_b = features_a.mean(0), features_b.mean(0)
    cov_a, cov_b = np.cov(features_a, rowvar=False), np.cov(features_b, rowvar=False)
    root, _ = linalg.sqrtm(cov_a @ cov_b, disp=False)
    if not np.isfinite(root).all():  # nearly singular product: nudge both diagonals, as FID code does
        offset = np.eye(len(cov_a)) * 1e-6
        root = linalg.sqrtm((cov_a + offset) @ (cov_b + offset))
    root = root.real
    return float(((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * np.trace(root))


def sample_quality(generated: np.ndarray, test_images: np.ndarray) -> dict:
    """The three numbers for generated digits (N, 28, 28) in [0, 1] against uint8 test digits."""
    generated_features, probabilities = classifier_outputs(generated.astype(np.float32))
    test_features, _ = classifier_outputs(test_images)
    labels = probabilities.argmax(1)
    shares = np.bincount(labels, minlength=10) / max(1, len(labels))
    return {
        "frechet_distance_cnn": round(frechet_distance(generated_features, test_features), 3),
        "class_shares": [round(float(s), 4) for s in shares],
        "min_class_share": round(float(shares.min()), 4),
        "max_class_share": round(float(shares.max()), 4),
        "mean_top_probability": round(float(probabilities.max(1).mean()), 4),
        "samples": int(len(generated)),
    }
