"""Where the networks run: CUDA, then Apple's MPS, then the CPU; and the one way a tab picks a
value by hardware (``by_hardware(cpu=256, gpu=512)``).

``LAB_DEVICE`` (``cuda``, ``mps`` or ``cpu``) overrides the choice, e.g. to try the CPU
defaults on a GPU machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def pick_device():
    import torch

    forced = os.environ.get("LAB_DEVICE", "").strip().lower()
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def pick_dtype(device=None, *, cpu_bfloat16: bool = False):
    """Half precision on a GPU (half the memory, tensor cores), full precision on the CPU,
    where float16 kernels are slow or missing. With ``cpu_bfloat16``, bfloat16 on a CPU whose
    oneDNN kernels support it (AVX-512 BF16 or AMX): a language model reads all its weights for
    every token, so half the bytes is about twice the speed there (1.9 → 4.0 tokens/s for a
    1.6 B model on the 2-core development machine); other CPUs keep float32, where bfloat16
    would be emulated and slower."""
    import torch

    device = device or pick_device()
    if device.type in ("cuda", "mps"):
        return torch.float16
    if cpu_bfloat16 and torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported():
        return torch.bfloat16
    return torch.float32


def _may_have_accelerator() -> bool:
    """False where torch could only answer "cpu": no NVIDIA driver, not a Mac, not a ZeroGPU Space.
    Tabs ask ``on_gpu()`` while the page is built, and importing torch just to hear "cpu" would
    cost every start about a second."""
    from shared.gpu import spaces_package  # Hugging Face's package: ZeroGPU lends a GPU per call

    nvidia = Path("/proc/driver/nvidia").exists() or Path("/dev/nvidiactl").exists()
    return sys.platform == "darwin" or nvidia or spaces_package() is not None


def on_gpu() -> bool:
    forced = os.environ.get("LAB_DEVICE", "").strip().lower()
    if forced:
        return forced != "cpu"
    return _may_have_accelerator() and pick_device().type != "cpu"


def by_hardware(*, cpu: T, gpu: T) -> T:
    """``gpu`` when the networks run on a GPU, else ``cpu``: the defaults and caps of a tab."""
    return gpu if on_gpu() else cpu
