"""Mark the functions that need a GPU for Hugging Face's ZeroGPU hardware.

On ZeroGPU the ``spaces`` package lends a GPU only inside functions decorated with
``spaces.GPU``. Elsewhere the package is absent (or a no-op), and the function is returned
unchanged. The repository's own ``spaces/`` folder has no ``__init__.py``: it is never a
package, so it can not stand in for Hugging Face's.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable

# Every event that runs on the GPU is registered with ``**GPU_EVENT``: one shared queue, so
# the tabs take turns on the GPU instead of running out of its memory together.
CONCURRENCY_ID = "gpu"
GPU_EVENT = {"concurrency_id": CONCURRENCY_ID, "concurrency_limit": 1}


def spaces_package():
    """Hugging Face's ``spaces`` module when installed, else None."""
    spec = importlib.util.find_spec("spaces")
    # A folder without __init__.py is found as a namespace package with no file; that is
    # our demos folder, never the real package.
    if spec is None or spec.origin in (None, "namespace"):
        return None
    module = importlib.import_module("spaces")
    return module if callable(getattr(module, "GPU", None)) else None


def gpu(fn: Callable | None = None, *, duration: int | Callable = 60):
    """``@gpu`` or ``@gpu(duration=120)``: ``spaces.GPU`` when available, else nothing."""

    def wrap(f: Callable) -> Callable:
        spaces = spaces_package()
        return f if spaces is None else spaces.GPU(duration=duration)(f)

    return wrap(fn) if fn is not None else wrap


def free_gpu_memory() -> None:
    """Give cached GPU memory back after an out-of-memory error or a model swap, so that the
    next request starts clean. Does nothing without CUDA."""
    import gc

    gc.collect()
    if "torch" not in sys.modules:  # nothing can be on a GPU yet
        return
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()
