"""Train a little, live: a fresh small autoencoder learns to squeeze digits through its code while the
class watches. shared.live_training runs it against the clock; the shipped weights stay as they are.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from autoencoder.model import Autoencoder
from shared import live_training
from shared.device import pick_device
from shared.mnist import load_mnist

# Small and quick: one hidden layer each way, so a minute on a laptop CPU shows real progress.
LIVE_HIDDEN = (256, 64)
PREVIEW_COUNT = 8


def train_live(train_images: np.ndarray, test_images: np.ndarray, code_size: int, seconds: float, seed: int = 0):
    """Yield a snapshot about twice a second while a fresh autoencoder trains for ``seconds``: the
    training and test MSE, and as preview (2, PREVIEW_COUNT, 28, 28) test digits above their
    reconstructions."""
    device = pick_device()
    torch.manual_seed(seed)
    batches = live_training.RandomBatches(train_images, seed=seed, device=device)
    model = Autoencoder(code_size, LIVE_HIDDEN).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    test = live_training.first_test_digits(test_images, device)

    def train_step() -> float:
        images, _ = batches.next()
        return live_training.optimiser_step(optimizer, F.mse_loss(model(images), images))

    @torch.no_grad()
    def measure(snapshot: live_training.Snapshot) -> None:
        model.eval()
        rebuilt = model(test)
        model.train()
        snapshot.test_loss = float(F.mse_loss(rebuilt, test))
        snapshot.preview = torch.stack([test[:PREVIEW_COUNT], rebuilt[:PREVIEW_COUNT]]).cpu().numpy()

    yield from live_training.train_for(seconds, train_step, live_training.Snapshot(), measure)


def train_on_mnist(code_size: int, seconds: float):
    """``train_live`` on the MNIST training digits, measured on the test digits (loaded here, so
    that the tab can say it is preparing while they load)."""
    train_images, _ = load_mnist("train")
    test_images, _ = load_mnist("test")
    yield from train_live(train_images, test_images, code_size, seconds)
