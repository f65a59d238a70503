"""Which causal language models the explorer offers, and loading them (once, then cached)."""

from __future__ import annotations

from shared import models
from shared.device import on_gpu
from shared.errors import LabError
from shared.llm_stream import load_causal_lm

# Registry keys of the models a person can choose; the first is the default. The GPT-2 of the
# lecture (English) and Qra, the Polish base models of Gdańsk University of Technology and OPI
# (the lecture's Polish LLMs slide): 1B runs on a CPU, 7B and 13B need a GPU.
CHOICES = ("text_generation", "text_generation_pl", "text_generation_pl_7b", "text_generation_pl_13b")
LABELS = {"text_generation": "GPT-2 (English, 124M)", "text_generation_pl": "Qra-1b (Polish, 1.1B)",
          "text_generation_pl_7b": "Qra-7b (Polish, GPU)", "text_generation_pl_13b": "Qra-13b (Polish, GPU)"}
GPU_ONLY = frozenset({"text_generation_pl_7b", "text_generation_pl_13b"})
CACHE_KEY = "text_generation"  # one explorer model in memory at a time


def get(choice: str):
    """The chosen model, loaded on first use; ``choice`` is one of ``CHOICES``. A model that needs
    a GPU is refused on a CPU, in words."""
    if choice in GPU_ONLY and not on_gpu():
        raise LabError("text_generation.gpu_only", model=models.model_id(choice))
    return models.load(CACHE_KEY, load_causal_lm, ident=models.model_id(choice))


def status(choice: str) -> str:
    return models.status_markdown(CACHE_KEY, models.model_id(choice))
