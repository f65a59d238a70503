"""Noise, digits and pictures from the generator, reproducible from a seed.

A seed fixes the noise vectors (and, when no digit is chosen, the digits), so the same
seed always gives the same grid, on any machine.
"""

from __future__ import annotations

import numpy as np
import torch

from gan.digits import ANY_DIGIT, CLASSES
from gan.model import Generator, to_unit


def noise_and_labels(seed: int, count: int, noise_dim: int,
                     digit: int = ANY_DIGIT) -> tuple[torch.Tensor, torch.Tensor]:
    """The generator's inputs for ``count`` pictures of ``seed``.

    NumPy's generators fill arrays as one sequential stream, so asking for fewer pictures
    gives a prefix of the same pictures (torch's CPU ``randn`` does not promise that); the
    digits come from a second stream so they do not shift the noise.
    """
    noise = np.random.default_rng([int(seed), 0]).standard_normal((count, noise_dim), dtype=np.float32)
    if digit == ANY_DIGIT:
        labels = np.random.default_rng([int(seed), 1]).integers(0, CLASSES, count)
    else:
        labels = np.full(count, int(digit))
    return torch.from_numpy(noise), torch.from_numpy(labels.astype(np.int64))


@torch.inference_mode()
def generate(generator_net: Generator, noise: torch.Tensor, labels: torch.Tensor, batch_size: int = 1000) -> np.ndarray:
    """Pictures for given noise and digits: float32 (N, 28, 28) in [0, 1]."""
    out = [to_unit(generator_net(noise[i:i + batch_size], labels[i:i + batch_size]))
           for i in range(0, len(noise), batch_size)]
    return torch.cat(out).numpy().astype(np.float32) if out else np.zeros((0, 28, 28), np.float32)
