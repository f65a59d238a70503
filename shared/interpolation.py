"""The way between two noise inputs of a generator, on the sphere rather than the straight line
(the GAN tab's walk between digits, the faces tab's walk between faces)."""

from __future__ import annotations

import torch


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Points on the great circle from ``a`` to ``b``, one for each value of ``t`` in [0, 1]:
    shape ``(len(t), *a.shape)``.

    Gaussian noise of many numbers has nearly the same length every time; a straight line between
    two such points passes through shorter ones, which the network rarely saw, so the walk
    follows the sphere instead.
    """
    flat_a, flat_b = a.reshape(-1).float(), b.reshape(-1).float()
    cosine = (flat_a / flat_a.norm()) @ (flat_b / flat_b.norm())
    omega = torch.arccos(cosine.clamp(-1 + 1e-7, 1 - 1e-7))
    t = t.float()[:, None]
    if omega.abs() < 1e-4:  # (nearly) the same direction: the line is the arc
        points = (1 - t) * flat_a + t * flat_b
    else:
        points = (torch.sin((1 - t) * omega) * flat_a + torch.sin(t * omega) * flat_b) / torch.sin(omega)
    return points.reshape(len(t), *a.shape).to(a.dtype)
