"""Train a little, live: a fresh small GAN trained for a few seconds in front of the class.

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

from gan.model import CLASSES, Discriminator, Generator, from_unit, to_unit
from shared.cpu import one_thread
from shared.device import pick_device
from shared.i18n import error
from shared.live_training import exclusive_run  # noqa: F401 (the tab takes the lock through this module)

MAX_SECONDS = 60  # the budget the issue allows on a CPU
# Half the channels of the shipped GAN, so a minute on a laptop CPU shows real progress.
LIVE_CHANNELS = 32
BATCH_SIZE = 64
REPORT_EVERY_SECONDS = 0.5
PREVIEW_ROWS = 2  # the fixed noise: this many examples of each digit

@dataclass
class Snapshot:
    step: int
    elapsed: float
    losses: list[tuple[int, float, float]] = field(default_factory=list)  # (step, G loss, D loss) per report
    d_real: float = float("nan")  # D's mean "real" probability on the last real batch
    d_fake: float = float("nan")  # ... and on the last generated batch
    preview: np.ndarray | None = None  # (PREVIEW_ROWS * 10, 28, 28): the fixed noise drawn now
    done: bool = False


@torch.no_grad()
def _render(generator_net: Generator, noise: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    generator_net.eval()
    pictures = to_unit(generator_net(noise, labels)).cpu().numpy()
    generator_net.train()
    return pictures


def train_live(train_images: np.ndarray, train_labels: np.ndarray, seconds: float, seed: int = 0):
    """Yield a Snapshot about twice a second while a fresh GAN trains for ``seconds``; the last has ``done``."""
    device = pick_device()
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    generator_net = Generator(channels=LIVE_CHANNELS).to(device)
    discriminator = Discriminator(channels=LIVE_CHANNELS).to(device)
    optimizer_g = torch.optim.Adam(generator_net.parameters(), lr=5e-4, betas=(0.5, 0.999))
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=5e-4, betas=(0.5, 0.999))
    x_train = torch.tensor(np.asarray(train_images)).to(device)  # uint8 until a batch is picked
    y_train = torch.tensor(np.asarray(train_labels), dtype=torch.long).to(device)
    preview_labels = torch.arange(CLASSES).repeat(PREVIEW_ROWS).to(device)
    preview_noise = torch.randn(len(preview_labels), generator_net.noise_dim, generator=generator).to(device)
    snapshot = Snapshot(step=0, elapsed=0.0, preview=_render(generator_net, preview_noise, preview_labels))
    yield snapshot
    started = last_report = time.perf_counter()
    window = []
    while True:
        with one_thread():
            while True:
                batch = torch.randint(0, len(x_train), (BATCH_SIZE,), generator=generator).to(device)
                real, labels = from_unit(x_train[batch].float().div_(255)), y_train[batch]
                noise = torch.randn(BATCH_SIZE, generator_net.noise_dim, generator=generator).to(device)
                fake_labels = torch.randint(0, CLASSES, (BATCH_SIZE,), generator=generator).to(device)
                fake = generator_net(noise, fake_labels)
                real_logits, fake_logits = discriminator(real, labels), discriminator(fake.detach(), fake_labels)
                loss_d = (F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, 0.9))
                          + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
                optimizer_d.zero_grad(set_to_none=True)
                loss_d.backward()
                optimizer_d.step()
                fooled = discriminator(fake, fake_labels)
                loss_g = F.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled))
                optimizer_g.zero_grad(set_to_none=True)
                loss_g.backward()
                optimizer_g.step()
                snapshot.step += 1
                window.append((loss_g.item(), loss_d.item()))
                now = time.perf_counter()
                finished = now - started >= seconds
                if now - last_report >= REPORT_EVERY_SECONDS or finished:
                    mean_g, mean_d = np.mean(window, axis=0)
                    snapshot.losses.append((snapshot.step, float(mean_g), float(mean_d)))
                    window = []
                    snapshot.d_real = torch.sigmoid(real_logits.detach()).mean().item()
                    snapshot.d_fake = torch.sigmoid(fake_logits.detach()).mean().item()
                    snapshot.elapsed = now - started
                    snapshot.preview = _render(generator_net, preview_noise, preview_labels)
                    snapshot.done = finished
                    last_report = now
                    break
        yield snapshot
        if snapshot.done:
            return
