"""The chat models on offer, loading them (one in memory at a time, cached), and their reply."""

from __future__ import annotations

from shared import models
from shared.device import on_gpu
from shared.errors import LabError
from shared.llm_stream import load_causal_lm

# Registry keys; the first is the default and runs on a CPU. The others need a GPU: a 7B or
# 11B model would take minutes per answer on two CPU cores and more memory than a free Space has.
CHOICES = ("chat", "chat_large", "chat_bielik")
LABELS = {"chat": "Qwen2.5-0.5B-Instruct (CPU/GPU)", "chat_large": "Qwen2.5-7B-Instruct (GPU)",
          "chat_bielik": "Bielik-11B-v2.3-Instruct, Polish (GPU)"}
GPU_ONLY = frozenset({"chat_large", "chat_bielik"})
CACHE_KEY = "chat"


def available(choice: str) -> bool:
    return choice not in GPU_ONLY or on_gpu()


def check_available(choice: str) -> str:
    """``choice`` when this server can run it; a model that needs a GPU is refused on a CPU."""
    if not available(choice):
        raise LabError("chat.gpu_only", model=models.model_id(choice))
    return choice


def get(choice: str):
    return models.load(CACHE_KEY, load_causal_lm, ident=models.model_id(choice))


def status(choice: str) -> str:
    return models.status_markdown(CACHE_KEY, models.model_id(choice))
