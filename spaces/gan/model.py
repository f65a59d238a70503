"""A small conditional DCGAN for 28×28 digits: a generator and a discriminator that compete.

    generator      noise (64) + one-hot digit (10) → 64×7×7 → 32×14×14 → 1×28×28 (tanh)
                   (transposed convolutions 4×4, stride 2; BatchNorm and ReLU in between)
    discriminator  1×28×28 → 32×14×14 → 64×7×7 (convolutions 4×4, stride 2, LeakyReLU)
                   → one "real" logit, plus a projection term that checks the digit
                   matches the class it claims to be (Miyato & Koyama's projection)

The generator's pictures are in [-1, 1] (tanh); ``to_unit`` maps them to [0, 1] pixels.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from gan.digits import CLASSES


class Generator(nn.Module):
    def __init__(self, noise_dim: int = 64, channels: int = 64):
        super().__init__()
        self.noise_dim = noise_dim
        self.channels = channels
        self.project = nn.Sequential(
            nn.Linear(noise_dim + CLASSES, channels * 7 * 7, bias=False),
            nn.BatchNorm1d(channels * 7 * 7), nn.ReLU(),
        )
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(channels, channels // 2, 4, stride=2, padding=1, bias=False),  # 7 → 14
            nn.BatchNorm2d(channels // 2), nn.ReLU(),
            nn.ConvTranspose2d(channels // 2, 1, 4, stride=2, padding=1),  # 14 → 28
            nn.Tanh(),
        )

    def forward(self, noise: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """(N, noise_dim) noise and (N,) digits → (N, 1, 28, 28) pictures in [-1, 1].

        ``labels`` may also be (N, 10) weights of the digits (rows of one-hot vectors, or a blend
        of two of them to morph one digit into another).
        """
        if labels.is_floating_point():
            condition = labels.to(noise.dtype)
        else:
            condition = F.one_hot(labels, CLASSES).to(noise.dtype)
        features = self.project(torch.cat([noise, condition], dim=1))
        return self.upsample(features.reshape(len(noise), self.channels, 7, 7))

    def config(self) -> dict:
        return {"noise_dim": self.noise_dim, "channels": self.channels}


class Discriminator(nn.Module):
    def __init__(self, channels: int = 64):
        super().__init__()
        self.channels = channels
        self.features = nn.Sequential(
            nn.Conv2d(1, channels // 2, 4, stride=2, padding=1), nn.LeakyReLU(0.2),  # 28 → 14
            nn.Conv2d(channels // 2, channels, 4, stride=2, padding=1, bias=False),  # 14 → 7
            nn.BatchNorm2d(channels), nn.LeakyReLU(0.2),
            nn.Flatten(),
        )
        self.real_logit = nn.Linear(channels * 7 * 7, 1)
        self.class_projection = nn.Embedding(CLASSES, channels * 7 * 7)
        # The projection sums thousands of products; with Embedding's default N(0, 1) start the
        # first logits would be in the tens and training would diverge. Starting from zero, the
        # discriminator begins unconditional and learns the class check gradually.
        nn.init.zeros_(self.class_projection.weight)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) pictures in [-1, 1] and the digits they claim to be → (N,) logits."""
        features = self.features(images)
        return self.real_logit(features).squeeze(1) + (self.class_projection(labels) * features).sum(1)

    def config(self) -> dict:
        return {"channels": self.channels}


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """Generator output in [-1, 1], (N, 1, 28, 28) → pixels in [0, 1], (N, 28, 28)."""
    return ((images.squeeze(1) + 1.0) / 2.0).clamp(0.0, 1.0)


def from_unit(images: torch.Tensor) -> torch.Tensor:
    """Pixels in [0, 1], (N, 28, 28) → the discriminator's input in [-1, 1], (N, 1, 28, 28)."""
    return images.unsqueeze(1) * 2.0 - 1.0
