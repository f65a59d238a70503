"""Which causal language models the explorer offers, and loading them (once, then cached)."""

from __future__ import annotations

from shared import models
from shared.llm_stream import load_causal_lm

# Registry keys of the models a person can choose; the first is the default. The GPT-2 of the
# lecture (English) and Qra-1b, a Polish model from Gdańsk University of Technology and OPI.
CHOICES = ("text_generation", "text_generation_pl")
LABELS = {"text_generation": "GPT-2 (English, 124M)", "text_generation_pl": "Qra-1b (Polish, 1.1B)"}
CACHE_KEY = "text_generation"  # one explorer model in memory at a time


def get(choice: str):
    """The chosen model, loaded on first use; ``choice`` is one of ``CHOICES``."""
    return models.load(CACHE_KEY, load_causal_lm, ident=models.model_id(choice))


def status(choice: str) -> str:
    return models.status_markdown(CACHE_KEY, models.model_id(choice))
