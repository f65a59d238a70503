"""Every pretrained model of the suite, in one place, loaded on first use and cached.

Each entry can be replaced without touching code: set its environment variable (listed in
the README) to another Hub id or to a local directory, e.g.
``LAB_MODEL_TEXT_GENERATION=/models/my-gpt2``. The loaders pass that string straight to the
library's ``from_pretrained``, where a directory and a Hub id work the same way.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Callable, TypeVar

import gradio as gr

from shared.gpu import free_gpu_memory
from shared.i18n import message

T = TypeVar("T")


@dataclass(frozen=True)
class PretrainedModel:
    key: str
    default: str
    source: str  # "hub": a Hugging Face Hub repository; "torchvision": a weights enum name
    license: str
    tab: str

    @property
    def env_var(self) -> str:
        return "LAB_MODEL_" + self.key.upper()

    @property
    def card_url(self) -> str:
        if self.source == "hub":
            return f"https://huggingface.co/{self.default}"
        return "https://docs.pytorch.org/vision/stable/models.html"


PRETRAINED: dict[str, PretrainedModel] = {
    m.key: m
    for m in (
        PretrainedModel("text_generation", "openai-community/gpt2", "hub", "MIT", "text_generation"),
        PretrainedModel("text_generation_pl", "OPI-PG/Qra-1b", "hub", "Apache-2.0", "text_generation"),
        PretrainedModel("chat", "Qwen/Qwen2.5-0.5B-Instruct", "hub", "Apache-2.0", "chat"),
        PretrainedModel("chat_large", "Qwen/Qwen2.5-7B-Instruct", "hub", "Apache-2.0", "chat"),
        PretrainedModel("chat_bielik", "speakleash/Bielik-11B-v2.3-Instruct", "hub", "Apache-2.0", "chat"),
        PretrainedModel("sentiment_en", "cardiffnlp/twitter-roberta-base-sentiment-latest", "hub", "CC-BY-4.0",
                        "sentiment"),
        PretrainedModel("sentiment_pl", "bardsai/twitter-sentiment-pl-base", "hub",
                        "not stated on the model card", "sentiment"),
        PretrainedModel("audio_separation", "adefossez/HTDemucs", "hub", "MIT (Demucs)", "audio_separation"),
        PretrainedModel("audio_separation_6s", "adefossez/HTDemucs-6s", "hub", "MIT (Demucs)", "audio_separation"),
        PretrainedModel("image_generation", "stabilityai/sd-turbo", "hub",
                        "Stability AI Non-Commercial Research Community License", "image_generation"),
        PretrainedModel("image_generation_quality", "stable-diffusion-v1-5/stable-diffusion-v1-5", "hub",
                        "CreativeML OpenRAIL-M", "image_generation"),
        PretrainedModel("image_generation_safety", "stable-diffusion-v1-5/stable-diffusion-v1-5", "hub",
                        "CreativeML OpenRAIL-M", "image_generation"),
        PretrainedModel("style_transfer", "VGG19_Weights.IMAGENET1K_V1", "torchvision", "BSD-3-Clause (torchvision)",
                        "style_transfer"),
        PretrainedModel("deep_dream", "GoogLeNet_Weights.IMAGENET1K_V1", "torchvision", "BSD-3-Clause (torchvision)",
                        "deep_dream"),
    )
}


def model_id(key: str) -> str:
    """The Hub id or local directory to load for ``key``: its variable if set, else the default."""
    spec = PRETRAINED[key]
    return os.environ.get(spec.env_var, "").strip() or spec.default


class ModelUnavailable(gr.Error):
    """A pretrained model could not be loaded; the message says which and why, translated."""

    def __init__(self, key: str, ident: str, cause: BaseException):
        self.key, self.ident, self.cause = key, ident, cause
        reason_key = "shared.model.offline" if _looks_offline(cause) else "shared.model.failed"
        super().__init__(message("shared.model.unavailable", model=ident,
                                 reason=message(reason_key, detail=cause.__class__.__name__)))


def _looks_offline(exc: BaseException) -> bool:
    """True for the errors a Hub download raises without network or cache."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    offline_names = {"LocalEntryNotFoundError", "OfflineModeIsEnabled", "ConnectError", "ConnectionError",
                     "ConnectTimeout", "URLError", "GatedRepoError", "RepositoryNotFoundError"}
    if names & offline_names:
        return True
    text = str(exc).lower()
    return any(s in text for s in ("offline", "connect", "network", "not find", "couldn't", "could not find"))


_cache: dict[tuple[str, str], object] = {}
_failures: dict[str, str] = {}
_lock = threading.Lock()
_key_locks: dict[str, threading.Lock] = {}


def load(key: str, loader: Callable[[str], T], ident: str | None = None) -> T:
    """Return the cached model for ``key``, calling ``loader(model_id)`` the first time.

    Only one model per key stays in memory: choosing another one (``ident``) releases the
    previous. A failure raises ``ModelUnavailable`` and is not cached, so the next request
    tries again (the network may be back).
    """
    ident = ident or model_id(key)
    with _lock:
        key_lock = _key_locks.setdefault(key, threading.Lock())
    with key_lock:
        cached = _cache.get((key, ident))
        if cached is not None:
            return cached  # type: ignore[return-value]
        release(key)
        try:
            model = loader(ident)
        except Exception as exc:
            _failures[key] = f"{ident}: {exc.__class__.__name__}"
            raise ModelUnavailable(key, ident, exc) from exc
        _failures.pop(key, None)
        _cache[(key, ident)] = model
        return model


def release(key: str) -> None:
    """Forget every cached model of ``key`` and give its memory back."""
    for cache_key in [k for k in _cache if k[0] == key]:
        del _cache[cache_key]
    free_gpu_memory()


def is_loaded(key: str, ident: str | None = None) -> bool:
    ident = ident or model_id(key)
    return (key, ident) in _cache


def last_failure(key: str) -> str | None:
    return _failures.get(key)


def status_markdown(key: str, ident: str | None = None) -> str:
    """One translated line for a tab: which model, with a link, and whether it is loaded."""
    ident = ident or model_id(key)
    spec = PRETRAINED[key]
    if os.path.isdir(ident):
        link = f"`{ident}`"
    elif spec.source == "hub":
        link = f"[{ident}](https://huggingface.co/{ident})"
    else:
        link = f"[{ident}]({spec.card_url})"
    if is_loaded(key, ident):
        state = message("shared.model.loaded")
    elif last_failure(key):
        state = message("shared.model.failed_before", detail=last_failure(key))
    else:
        state = message("shared.model.not_loaded")
    return message("shared.model.status", model=link, state=state)


def status_component(key: str) -> gr.Markdown:
    """A line in the tab naming the model (linked to its card) and whether it is loaded.

    Filled when the page opens, in the visitor's language; return ``status_markdown(key)``
    from an event to refresh it after a run, e.g. to show a loading failure.
    """
    line = gr.Markdown(elem_classes="lab-model-status")
    gr.on(triggers=None, fn=lambda: status_markdown(key), inputs=None, outputs=line,
          api_name=f"{key}_model_status", api_visibility="private", queue=False, show_progress="hidden")
    return line
