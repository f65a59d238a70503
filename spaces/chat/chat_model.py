"""The chat models on offer, loading them (cached, at most two in memory), and their reply."""

from __future__ import annotations

import functools
import threading

from shared import models
from shared.device import on_gpu
from shared.errors import LabError
from shared.llm_stream import load_causal_lm

# Registry keys; the first is the default. The first two run on a CPU (the small Qwen and the
# Polish Bielik 1.5B); the others need a GPU: a 7B-12B model would take minutes per answer on two
# CPU cores and more memory than a free Space has.
CHOICES = ("chat", "chat_bielik_small", "chat_large", "chat_bielik", "chat_pllum")
LABELS = {"chat": "Qwen2.5-0.5B-Instruct (CPU/GPU)", "chat_bielik_small": "Bielik-1.5B-v3.0-Instruct, Polish (CPU/GPU)",
          "chat_large": "Qwen2.5-7B-Instruct (GPU)", "chat_bielik": "Bielik-11B-v3.0-Instruct, Polish (GPU)",
          "chat_pllum": "PLLuM-12B-instruct, Polish (GPU)"}
GPU_ONLY = frozenset({"chat_large", "chat_bielik", "chat_pllum"})
# The side-by-side view needs two models at once; a third would only fill the memory, so the one
# used longest ago is let go.
MAX_LOADED = 2

_recent: list[str] = []
_recent_lock = threading.Lock()


def available(choice: str) -> bool:
    return choice not in GPU_ONLY or on_gpu()


def check_available(choice: str) -> str:
    """``choice`` when this server can run it; a model that needs a GPU is refused on a CPU."""
    if not available(choice):
        raise LabError("chat.gpu_only", model=models.model_id(choice))
    return choice


def get(choice: str):
    """(model, tokenizer) of ``choice``, loaded once; loading a third model releases the oldest."""
    with _recent_lock:
        if choice in _recent:
            _recent.remove(choice)
        _recent.append(choice)
        for old in _recent[:-MAX_LOADED]:
            models.release(old)
        del _recent[:-MAX_LOADED]
    # The chat shows text, not probabilities: bfloat16 on a CPU that has it writes twice as fast.
    return models.load(choice, functools.partial(load_causal_lm, cpu_bfloat16=True))


def status(choice: str) -> str:
    return models.status_markdown(choice)
