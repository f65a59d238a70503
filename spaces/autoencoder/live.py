"""Train a little, live: a fresh small autoencoder trained for a few seconds in front of the class.

The shipped weights are never touched: the model lives only in this run. One such run at a
time per server, all tabs together (shared.live_training).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from autoencoder.model import Autoencoder
from shared.cpu import one_thread
from shared.device import pick_device
from shared.i18n import error
from shared.live_training import exclusive_run  # noqa: F401 (the tab takes the lock through this module)

MAX_SECONDS = 60  # the budget the issue allows on a CPU
# Small and quick: one hidden layer each way, so a minute on a laptop CPU shows real progress.
LIVE_HIDDEN = (256, 64)
BATCH_SIZE = 64
REPORT_EVERY_SECONDS = 0.5
PREVIEW_COUNT = 8

@dataclass
class Snapshot:
    step: int
    elapsed: float
    train_losses: list[tuple[int, float]] = field(default_factory=list)  # (step, MSE) averaged per report
    test_loss: float = float("nan")
    preview: np.ndarray | None = None  # (2, PREVIEW_COUNT, 28, 28): test digits and their reconstructions
    done: bool = False


@torch.no_grad()
def _evaluate(model: Autoencoder, test: torch.Tensor) -> tuple[float, np.ndarray]:
    model.eval()
    rebuilt = model(test)
    model.train()
    loss = float(F.mse_loss(rebuilt, test))
    preview = torch.stack([test[:PREVIEW_COUNT], rebuilt[:PREVIEW_COUNT]]).cpu().numpy()
    return loss, preview


def train_live(train_images: np.ndarray, test_images: np.ndarray, code_size: int, seconds: float, seed: int = 0):
    """Yield a Snapshot about twice a second while a fresh model trains for ``seconds``; the last has ``done``."""
    device = pick_device()
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = Autoencoder(code_size, LIVE_HIDDEN).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    x_train = torch.tensor(np.asarray(train_images)).to(device)  # uint8 until a batch is picked
    test = torch.tensor(np.asarray(test_images[:500])).float().div_(255).to(device)
    snapshot = Snapshot(step=0, elapsed=0.0)
    snapshot.test_loss, snapshot.preview = _evaluate(model, test)
    yield snapshot
    started = last_report = time.perf_counter()
    window = []
    while True:
        with one_thread():
            while True:
                batch = torch.randint(0, len(x_train), (BATCH_SIZE,), generator=generator).to(device)
                images = x_train[batch].float().div_(255)
                loss = F.mse_loss(model(images), images)
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
                    snapshot.test_loss, snapshot.preview = _evaluate(model, test)
                    snapshot.done = finished
                    last_report = now
                    break
        yield snapshot
        if snapshot.done:
            return
