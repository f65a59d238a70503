"""Train a little, live: a fresh small VAE learns a map of digits (and how to draw from it) in front
of the class, run against the clock by shared.live_training. The shipped weights stay as they are.
"""

from __future__ import annotations

import numpy as np
import torch

from shared import live_training
from shared.device import pick_device
from shared.mnist import load_mnist
from vae.model import VAE, negative_elbo

# Small and quick, so a minute on a laptop CPU shows real progress.
LIVE_HIDDEN = (256, 128)
PREVIEW_COUNT = 8


def train_live(train_images: np.ndarray, test_images: np.ndarray, latent_dim: int, seconds: float, seed: int = 0):
    """Yield a snapshot about twice a second while a fresh VAE trains for ``seconds``: the training
    −ELBO, the test −ELBO, and as preview (2, PREVIEW_COUNT, 28, 28) reconstructed test digits
    above digits drawn from the prior."""
    device = pick_device()
    torch.manual_seed(seed)
    batches = live_training.RandomBatches(train_images, seed=seed, device=device)
    model = VAE(latent_dim, LIVE_HIDDEN).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    test = live_training.first_test_digits(test_images, device)
    prior_noise = torch.randn(PREVIEW_COUNT, latent_dim, generator=batches.generator).to(device)
    evaluation_generator = torch.Generator(device=device).manual_seed(seed)

    def train_step() -> float:
        images, _ = batches.next()
        logits, mean, log_variance = model(images)
        reconstruction, kl = negative_elbo(logits, images, mean, log_variance)
        return live_training.optimiser_step(optimizer, (reconstruction + kl).mean())

    @torch.no_grad()
    def measure(snapshot: live_training.Snapshot) -> None:
        model.eval()
        logits, mean, log_variance = model(test, evaluation_generator)
        reconstruction, kl = negative_elbo(logits, test, mean, log_variance)
        rebuilt = torch.sigmoid(logits[:PREVIEW_COUNT]).reshape(-1, 28, 28)
        samples = model.decode(prior_noise)
        model.train()
        snapshot.test_loss = float((reconstruction + kl).mean())
        snapshot.preview = torch.stack([rebuilt, samples]).cpu().numpy()

    yield from live_training.train_for(seconds, train_step, live_training.Snapshot(), measure)


def train_on_mnist(latent_dim: int, seconds: float):
    """``train_live`` on the MNIST training digits, measured on the test digits (loaded here, so
    that the tab can say it is preparing while they load)."""
    train_images, _ = load_mnist("train")
    test_images, _ = load_mnist("test")
    yield from train_live(train_images, test_images, latent_dim, seconds)
