"""Every pretrained model of the suite, declared by the demo that uses it, loaded on first use
and cached.

A demo lists its models in its ``__init__.py`` (``MODELS = (PretrainedModel(...), ...)``, with
the licence); ``registry()`` collects them from every demo. Each can be replaced without touching
code: set its environment variable (listed in the README) to another Hub id or to a local
directory, e.g. ``LAB_MODEL_TEXT_GENERATION=/models/my-gpt2``. The loaders pass that string
straight to the library's ``from_pretrained``, where a directory and a Hub id work the same way.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from shared.errors import LabError
from shared.gpu import free_gpu_memory
from shared.i18n import Text, message

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PretrainedModel:
    key: str
    default: str
    license: str
    source: str = "hub"  # "hub": a Hugging Face Hub repository; "torchvision": a weights enum name
    card: str | None = None  # the model's page, where it is not the Hub repository of ``default``
    tab: str = ""  # the demo that declares it (filled in by ``registry``)

    @property
    def env_var(self) -> str:
        return "LAB_MODEL_" + self.key.upper()

    @property
    def card_url(self) -> str:
        if self.card:
            return self.card
        if self.source == "hub":
            return f"https://huggingface.co/{self.default}"
        return "https://docs.pytorch.org/vision/stable/models.html"


@lru_cache(maxsize=1)
def registry() -> dict[str, PretrainedModel]:
    """Every demo's models, by key."""
    from shared import demos

    found: dict[str, PretrainedModel] = {}
    for demo in demos.installed():
        for spec in demo.models:
            if spec.key in found:
                raise ValueError(f"model key {spec.key!r} declared by both {found[spec.key].tab} and {demo.name}")
            found[spec.key] = dataclasses.replace(spec, tab=demo.name)
    return found


def model_id(key: str) -> str:
    """The Hub id or local directory to load for ``key``: its variable if set, else the default."""
    spec = registry()[key]
    return os.environ.get(spec.env_var, "").strip() or spec.default


class ModelUnavailable(LabError):
    """A pretrained model could not be loaded; the message says which and why, translated."""

    def __init__(self, key: str, ident: str, cause: BaseException):
        super().__init__("shared.model.unavailable", model=ident, reason=failure_reason(cause))
        self.model_key, self.ident, self.cause = key, ident, cause


def failure_reason(exc: BaseException) -> Text:
    """Why a model did not load, as a sentence for the visitor (the exception itself goes to the
    log): no network, not enough memory, files missing or damaged, or something else."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if any(type(cause).__name__ == "GatedRepoError" for cause in _causes(exc)):
        # reachable, but its makers ask each user to accept their terms first (transformers and
        # diffusers raise an OSError from the Hub's GatedRepoError)
        return Text("shared.model.failed", {"detail": Text("shared.model.reason.gated")})
    if _looks_offline(exc):
        return Text("shared.model.offline")
    if names & {"MemoryError", "OutOfMemoryError"}:
        return Text("shared.model.failed", {"detail": Text("shared.model.reason.memory")})
    if names & {"FileNotFoundError", "EntryNotFoundError", "NotADirectoryError"}:
        return Text("shared.model.failed", {"detail": Text("shared.model.reason.missing_files")})
    if names & {"SafetensorError", "UnicodeDecodeError", "JSONDecodeError", "HeaderTooLarge"}:
        return Text("shared.model.failed", {"detail": Text("shared.model.reason.damaged")})
    return Text("shared.model.failed", {"detail": Text("shared.model.reason.other")})


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from or during, innermost last."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def _looks_offline(exc: BaseException) -> bool:
    """True for the errors a Hub download raises without network or cache."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    offline_names = {"LocalEntryNotFoundError", "OfflineModeIsEnabled", "ConnectError", "ConnectionError",
                     "ConnectTimeout", "URLError", "RepositoryNotFoundError"}
    if names & offline_names:
        return True
    text = str(exc).lower()
    return any(s in text for s in ("offline", "connect", "network", "not find", "couldn't", "could not find"))


_cache: dict[tuple[str, str], object] = {}
_failures: dict[str, Text] = {}
_lock = threading.Lock()
_key_locks: dict[str, threading.Lock] = {}
# One loader at a time in the whole process: loaders import diffusers and transformers pieces on
# first use, and those libraries' lazy modules break when two threads import them at once (the
# video tab's configuration, read when a page opens, failed beside a song being loaded). No
# loader calls ``load`` itself, so this lock is never awaited while a key's lock is wanted.
_loading = threading.RLock()


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
            with _loading:
                model = loader(ident)
        except Exception as exc:
            log.warning("model %s (%s) could not be loaded", key, ident, exc_info=True)
            _failures[key] = failure_reason(exc)
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


def last_failure(key: str) -> Text | None:
    """Why the last attempt to load ``key`` failed (a reason to translate), if it did."""
    return _failures.get(key)


def model_link(key: str, ident: str | None = None) -> str:
    """The model as Markdown: a local folder as it is, a Hub id linked to its page, else its card."""
    ident = ident or model_id(key)
    spec = registry()[key]
    if os.path.isdir(ident):
        return f"`{ident}`"
    if spec.source == "hub":
        return f"[{ident}](https://huggingface.co/{ident})"
    return f"[{ident}]({spec.card_url})"


def status_markdown(key: str, ident: str | None = None) -> str:
    """One translated line for a tab: which model, with a link, and whether it is loaded."""
    ident = ident or model_id(key)
    link = model_link(key, ident)
    if is_loaded(key, ident):
        state = message("shared.model.loaded")
    elif last_failure(key):
        state = message("shared.model.failed_before", reason=last_failure(key))
    else:
        state = message("shared.model.not_loaded")
    return message("shared.model.status", model=link, state=state)
