"""A fully connected autoencoder for 28×28 digits: 784 pixels squeezed into a few numbers and back.

    encoder  784 → 512 → 256 → code_size     (ReLU between the layers)
    decoder  code_size → 256 → 512 → 784      (sigmoid at the end: pixels in [0, 1])

The code in the middle is the "bottleneck": everything the decoder knows about the digit
has to pass through those ``code_size`` numbers.
"""

from __future__ import annotations

import torch
from torch import nn

PIXELS = 28 * 28


class Autoencoder(nn.Module):
    def __init__(self, code_size: int, hidden: tuple[int, int] = (512, 256)):
        super().__init__()
        self.code_size = code_size
        self.hidden = tuple(hidden)
        wide, narrow = self.hidden
        self.encoder = nn.Sequential(
            nn.Linear(PIXELS, wide), nn.ReLU(),
            nn.Linear(wide, narrow), nn.ReLU(),
            nn.Linear(narrow, code_size),
        )
        self.decoder = nn.Sequential(
            nn.Linear(code_size, narrow), nn.ReLU(),
            nn.Linear(narrow, wide), nn.ReLU(),
            nn.Linear(wide, PIXELS),
        )

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 28, 28) images in [0, 1] → (N, code_size) codes."""
        return self.encoder(images.reshape(len(images), PIXELS))

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """(N, code_size) codes → (N, 28, 28) images in [0, 1]."""
        return torch.sigmoid(self.decoder(codes)).reshape(len(codes), 28, 28)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(images))

    def config(self) -> dict:
        return {"code_size": self.code_size, "hidden": list(self.hidden)}
