"""A walk from one face to another: the starting noise moves along the sphere from seed A's
noise to seed B's, and each point on the way is denoised deterministically (DDIM, η = 0), so the
first and last frames are the two seeds' own faces and the ones between morph one into the other,
as GAN demos do with their latent vectors."""

from __future__ import annotations

import torch

from faces.denoise import seed_noise
from shared.interpolation import slerp


def walk_noise(pipe, seed_a: int, seed_b: int, frames: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The starting noise of ``frames`` faces from seed A to seed B, and where each stands (0 → 1)."""
    noise = seed_noise(pipe, [seed_a, seed_b])
    t = positions(frames)
    return slerp(noise[0], noise[1], t), t


def positions(frames: int) -> torch.Tensor:
    """Where each of ``frames`` faces stands on the way, from 0 (seed A) to 1 (seed B)."""
    return torch.linspace(0.0, 1.0, frames)
