"""A variational autoencoder (Kingma & Welling) for 28×28 digits.

    encoder  784 → 512 → 256 → (mean, log-variance), each latent_dim numbers
    sample   z = mean + exp(log-variance / 2) · ε,  ε ~ N(0, I)   (the reparameterisation trick)
    decoder  latent_dim → 256 → 512 → 784 logits (sigmoid: pixel intensities in [0, 1])

Unlike a plain autoencoder, the encoder gives every digit a small *region* of the latent
space (a Gaussian), and the loss keeps those regions close to N(0, I). Neighbouring points
therefore decode to similar digits, and any point drawn from N(0, I) decodes to a digit.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

PIXELS = 28 * 28


class VAE(nn.Module):
    def __init__(self, latent_dim: int, hidden: tuple[int, int] = (512, 256)):
        super().__init__()
        self.latent_dim = latent_dim
        self.hidden = tuple(hidden)
        wide, narrow = self.hidden
        self.encoder = nn.Sequential(nn.Linear(PIXELS, wide), nn.ReLU(), nn.Linear(wide, narrow), nn.ReLU())
        self.to_mean = nn.Linear(narrow, latent_dim)
        self.to_log_variance = nn.Linear(narrow, latent_dim)
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, narrow), nn.ReLU(),
            nn.Linear(narrow, wide), nn.ReLU(),
            nn.Linear(wide, PIXELS),
        )

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(N, 28, 28) images in [0, 1] → the mean and log-variance of each digit's region."""
        hidden = self.encoder(images.reshape(len(images), PIXELS))
        return self.to_mean(hidden), self.to_log_variance(hidden)

    def decode_logits(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(N, latent_dim) points → (N, 28, 28) images in [0, 1]."""
        return torch.sigmoid(self.decoder(z)).reshape(len(z), 28, 28)

    def forward(self, images: torch.Tensor, generator: torch.Generator | None = None):
        mean, log_variance = self.encode(images)
        noise = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
        z = mean + torch.exp(0.5 * log_variance) * noise
        return self.decode_logits(z), mean, log_variance

    def config(self) -> dict:
        return {"latent_dim": self.latent_dim, "hidden": list(self.hidden)}


def negative_elbo(logits: torch.Tensor, images: torch.Tensor, mean: torch.Tensor,
                  log_variance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per image, in nats: the reconstruction term and the KL term of −ELBO.

    Reconstruction: Bernoulli cross-entropy of the decoded intensities against the pixel
    intensities in [0, 1], summed over the 784 pixels (as pytorch/examples/vae reports it).
    KL: how far the digit's Gaussian region is from N(0, I), in closed form.
    """
    reconstruction = F.binary_cross_entropy_with_logits(
        logits, images.reshape(len(images), PIXELS), reduction="none").sum(1)
    kl = 0.5 * (mean.pow(2) + log_variance.exp() - 1.0 - log_variance).sum(1)
    return reconstruction, kl
