"""The chat models on offer, and loading them (one in memory at a time, cached)."""

from __future__ import annotations

from shared import models
from shared.device import on_gpu

# Registry keys; the first is the default and runs on a CPU. The others need a GPU: a 7B or
# 11B model would take minutes per answer on two CPU cores and more memory than a free Space has.
CHOICES = ("chat", "chat_large", "chat_bielik")
LABELS = {"chat": "Qwen2.5-0.5B-Instruct (CPU/GPU)", "chat_large": "Qwen2.5-7B-Instruct (GPU)",
          "chat_bielik": "Bielik-11B-v2.3-Instruct, Polish (GPU)"}
GPU_ONLY = frozenset({"chat_large", "chat_bielik"})
CACHE_KEY = "chat"


def available(choice: str) -> bool:
    return choice not in GPU_ONLY or on_gpu()


def load_chat_model(ident: str):
    """(model, tokenizer) from a Hub id or a local folder, half precision on a GPU, in eval mode."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from shared.device import pick_device, pick_dtype

    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(ident)
    model = AutoModelForCausalLM.from_pretrained(ident, dtype=pick_dtype(device)).to(device).eval()
    return model, tokenizer


def get(choice: str):
    return models.load(CACHE_KEY, load_chat_model, ident=models.model_id(choice))


def status(choice: str) -> str:
    return models.status_markdown(CACHE_KEY, models.model_id(choice))
