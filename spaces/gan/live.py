"""Train a little, live: a fresh small GAN, generator against discriminator, for a few seconds in front
of the class, run against the clock by shared.live_training. The shipped weights stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from gan.digits import CLASSES
from gan.model import Discriminator, Generator, from_unit, to_unit
from shared import live_training
from shared.device import pick_device
from shared.mnist import load_mnist

# Half the channels of the shipped GAN, so a minute on a laptop CPU shows real progress.
LIVE_CHANNELS = 32
PREVIEW_ROWS = 2  # the fixed noise: this many examples of each digit


@dataclass
class Snapshot(live_training.Snapshot):
    # losses: (step, G loss, D loss); preview: (PREVIEW_ROWS * 10, 28, 28), the fixed noise drawn now
    d_real: float = float("nan")  # D's mean "real" probability on the last real batch
    d_fake: float = float("nan")  # ... and on the last generated batch


def train_live(train_images: np.ndarray, train_labels: np.ndarray, seconds: float, seed: int = 0):
    """Yield a Snapshot about twice a second while a fresh GAN trains for ``seconds``; the last has ``done``."""
    device = pick_device()
    torch.manual_seed(seed)
    batches = live_training.RandomBatches(train_images, train_labels, seed=seed, device=device)
    generator = batches.generator
    generator_net = Generator(channels=LIVE_CHANNELS).to(device)
    discriminator = Discriminator(channels=LIVE_CHANNELS).to(device)
    optimizer_g = torch.optim.Adam(generator_net.parameters(), lr=5e-4, betas=(0.5, 0.999))
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=5e-4, betas=(0.5, 0.999))
    preview_labels = torch.arange(CLASSES).repeat(PREVIEW_ROWS).to(device)
    preview_noise = torch.randn(len(preview_labels), generator_net.noise_dim, generator=generator).to(device)
    last_logits = {}  # of the latest step, for D's verdicts in the report

    def train_step() -> tuple[float, float]:
        batch_size = live_training.BATCH_SIZE
        images, labels = batches.next()
        real = from_unit(images)
        noise = torch.randn(batch_size, generator_net.noise_dim, generator=generator).to(device)
        fake_labels = torch.randint(0, CLASSES, (batch_size,), generator=generator).to(device)
        fake = generator_net(noise, fake_labels)
        real_logits, fake_logits = discriminator(real, labels), discriminator(fake.detach(), fake_labels)
        loss_d = (F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, 0.9))
                  + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        loss_d = live_training.optimiser_step(optimizer_d, loss_d)
        fooled = discriminator(fake, fake_labels)
        loss_g = F.binary_cross_entropy_with_logits(fooled, torch.ones_like(fooled))
        loss_g = live_training.optimiser_step(optimizer_g, loss_g)
        last_logits.update(real=real_logits.detach(), fake=fake_logits.detach())
        return loss_g, loss_d

    @torch.no_grad()
    def measure(snapshot: Snapshot) -> None:
        if last_logits:
            snapshot.d_real = torch.sigmoid(last_logits["real"]).mean().item()
            snapshot.d_fake = torch.sigmoid(last_logits["fake"]).mean().item()
        generator_net.eval()
        snapshot.preview = to_unit(generator_net(preview_noise, preview_labels)).cpu().numpy()
        generator_net.train()

    yield from live_training.train_for(seconds, train_step, Snapshot(), measure)


def train_on_mnist(seconds: float):
    """``train_live`` on the MNIST training digits (loaded here, so that the tab can say it is
    preparing while they load)."""
    yield from train_live(*load_mnist("train"), seconds)
