"""How well the shipped VAEs model the MNIST test set (used by ``python -m shared.evaluate``)."""

from __future__ import annotations

import numpy as np
import torch

from shared.mnist_training import count_parameters
from vae import checkpoint
from vae.model import VAE, negative_elbo


@torch.inference_mode()
def mean_negative_elbo(model: VAE, images: np.ndarray, seed: int = 0, batch_size: int = 1000) -> dict[str, float]:
    """Mean −ELBO per image in nats (and its two terms) for uint8 images (N, 28, 28)."""
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    totals = np.zeros(2)
    for start in range(0, len(images), batch_size):
        batch = torch.tensor(np.asarray(images[start:start + batch_size])).float().div_(255)
        logits, mean, log_variance = model(batch, generator)
        reconstruction, kl = negative_elbo(logits, batch, mean, log_variance)
        totals += (reconstruction.sum().item(), kl.sum().item())
    model.train(was_training)
    reconstruction, kl = totals / max(1, len(images))
    return {"negative_elbo": float(reconstruction + kl), "reconstruction": float(reconstruction), "kl": float(kl)}


def evaluate(test_images: np.ndarray, test_labels: np.ndarray) -> list[dict]:
    results = []
    for name in checkpoint.LATENT_DIMS:
        model = checkpoint.shipped_model(name)
        measured = mean_negative_elbo(model, test_images)
        results.append({"model": name, "latent_dim": model.latent_dim,
                        "test_negative_elbo": round(measured["negative_elbo"], 3),
                        "test_reconstruction": round(measured["reconstruction"], 3),
                        "test_kl": round(measured["kl"], 3),
                        "parameters": count_parameters(model), "test_images": int(len(test_images))})
    return results


@torch.inference_mode()
def prior_samples(model: VAE, n: int, seed: int) -> np.ndarray:
    """``n`` digits decoded from points drawn from the prior N(0, I): float32 (n, 28, 28) in [0, 1]."""
    # NumPy fills the array as one stream: asking for fewer samples gives a prefix of the same ones.
    z = torch.from_numpy(np.random.default_rng(seed).standard_normal((n, model.latent_dim), dtype=np.float32))
    if n == 0:
        return np.zeros((0, 28, 28), dtype=np.float32)
    return np.concatenate([model.decode(z[i:i + 1000]).numpy() for i in range(0, n, 1000)]).astype(np.float32)


def samples(n: int, seed: int) -> dict[str, np.ndarray]:
    return {name: prior_samples(checkpoint.shipped_model(name), n, seed) for name in checkpoint.LATENT_DIMS}
