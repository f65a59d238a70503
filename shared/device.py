"""Where the networks run: CUDA, then Apple's MPS, then the CPU.

``LAB_DEVICE`` (``cuda``, ``mps`` or ``cpu``) overrides the choice, e.g. to try the CPU
defaults on a GPU machine.
"""

from __future__ import annotations

import os

import torch


def pick_device() -> torch.device:
    forced = os.environ.get("LAB_DEVICE", "").strip().lower()
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def pick_dtype(device: torch.device | None = None) -> torch.dtype:
    """Half precision on a GPU (half the memory, tensor cores), full precision on the CPU,
    where float16 kernels are slow or missing."""
    device = device or pick_device()
    return torch.float16 if device.type in ("cuda", "mps") else torch.float32


def on_gpu() -> bool:
    return pick_device().type != "cpu"
