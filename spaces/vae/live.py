"""Train a little, live: a fresh small VAE trained for a few seconds in front of the class.

The shipped weights are never touched: the model lives only in this run. One such run at a
time per server, all tabs together (shared.live_training).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from vae.model import VAE, negative_elbo
from shared.cpu import one_thread
from shared.device import pick_device
from shared.i18n import error
from shared.live_training import exclusive_run  # noqa: F401 (the tab takes the lock through this module)

MAX_SECONDS = 60  # the budget the issue allows on a CPU
# Small and quick, so a minute on a laptop CPU shows real progress.
LIVE_HIDDEN = (256, 128)
BATCH_SIZE = 64
REPORT_EVERY_SECONDS = 0.5
PREVIEW_COUNT = 8

@dataclass
class Snapshot:
    step: int
    elapsed: float
    train_losses: list[tuple[int, float]] = field(default_factory=list)  # (step, −ELBO) averaged per report
    test_loss: float = float("nan")
    preview: np.ndarray | None = None  # (2, PREVIEW_COUNT, 28, 28): reconstructions of test digits, prior samples
    done: bool = False


@torch.no_grad()
def _evaluate(model: VAE, test: torch.Tensor, prior_noise: torch.Tensor, generator: torch.Generator):
    model.eval()
    logits, mean, log_variance = model(test, generator)
    reconstruction, kl = negative_elbo(logits, test, mean, log_variance)
    rebuilt = torch.sigmoid(logits[:PREVIEW_COUNT]).reshape(-1, 28, 28)
    samples = model.decode(prior_noise)
    model.train()
    return float((reconstruction + kl).mean()), torch.stack([rebuilt, samples]).cpu().numpy()


def train_live(train_images: np.ndarray, test_images: np.ndarray, latent_dim: int, seconds: float, seed: int = 0):
    """Yield a Snapshot about twice a second while a fresh VAE trains for ``seconds``; the last has ``done``."""
    device = pick_device()
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = VAE(latent_dim, LIVE_HIDDEN).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    x_train = torch.tensor(np.asarray(train_images)).to(device)  # uint8 until a batch is picked
    test = torch.tensor(np.asarray(test_images[:500])).float().div_(255).to(device)
    prior_noise = torch.randn(PREVIEW_COUNT, latent_dim, generator=generator).to(device)
    evaluation_generator = torch.Generator(device=device).manual_seed(seed)
    snapshot = Snapshot(step=0, elapsed=0.0)
    snapshot.test_loss, snapshot.preview = _evaluate(model, test, prior_noise, evaluation_generator)
    yield snapshot
    started = last_report = time.perf_counter()
    window = []
    while True:
        with one_thread():
            while True:
                batch = torch.randint(0, len(x_train), (BATCH_SIZE,), generator=generator).to(device)
                images = x_train[batch].float().div_(255)
                logits, mean, log_variance = model(images)
                reconstruction, kl = negative_elbo(logits, images, mean, log_variance)
                loss = (reconstruction + kl).mean()
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                snapshot.step += 1
                window.append(loss.item())
                now = time.perf_counter()
                finished = now - started >= seconds
                if now - last_report >= REPORT_EVERY_SECONDS or finished:
                    snapshot.train_losses.append((snapshot.step, float(np.mean(window))))
                    window = []
                    snapshot.elapsed = now - started
                    snapshot.test_loss, snapshot.preview = _evaluate(model, test, prior_noise, evaluation_generator)
                    snapshot.done = finished
                    last_report = now
                    break
        yield snapshot
        if snapshot.done:
            return
