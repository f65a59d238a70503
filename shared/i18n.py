"""Polish and English for the whole suite: the translation tables and the reader's language.

Every texts file (``shared.texts``) is registered here. Static text goes to the browser as a key,
and the browser's language picks the table (``gr.I18n``, built in ``shared.ui``). Text made in
Python while an event runs is translated here, by ``message``, in the language of the request
being served; ``shared.ui`` tells this module how to find that language, so nothing here
depends on Gradio.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from shared.texts import LANGUAGES, SHARED_TEXTS, read_texts

DEFAULT_LANGUAGE = "en"  # what a browser asking for neither language gets, like gr.I18n

_TABLES: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}


def _outside_requests() -> str | None:
    return None


_language_source: Callable[[], str | None] = _outside_requests  # shared.ui installs the request's


def register(texts: dict[str, dict[str, str]]) -> None:
    """Add one table of translations. Each key must exist in both languages."""
    missing = set(texts.get("en", {})) ^ set(texts.get("pl", {}))
    if missing:
        raise ValueError(f"keys not translated into both languages: {sorted(missing)}")
    for lang in LANGUAGES:
        for key, text in texts[lang].items():
            known = _TABLES[lang].get(key)
            if known is not None and known != text:
                raise ValueError(f"translation key {key!r} registered twice with different text")
            _TABLES[lang][key] = text


def tables() -> dict[str, dict[str, str]]:
    return {lang: dict(table) for lang, table in _TABLES.items()}


def has(key: str) -> bool:
    return key in _TABLES[DEFAULT_LANGUAGE]


def require(key: str) -> str:
    """``key`` itself, once it is known to be translated."""
    if not has(key):
        raise KeyError(f"untranslated text key {key!r}")
    return key


def widget_key(demo: str | None, word: str) -> str:
    """The key of a shared widget's ``word`` (``widget.<word>``), or the demo's own wording of it
    (``<demo>.widget.<word>`` in its texts.yaml) where the demo has one."""
    own = f"{demo}.widget.{word}"
    return own if demo and has(own) else require(f"widget.{word}")


def set_language_source(source: Callable[[], str | None]) -> None:
    """How to find the language of the request being served (``shared.ui`` reads Gradio's)."""
    global _language_source
    _language_source = source


def language_from_header(accept_language: str | None) -> str:
    """"pl" or "en" from an Accept-Language header.

    Only the first, preferred entry counts, as in the browser, where ``gr.I18n`` follows
    ``navigator.language`` and falls back to English; so messages made here always match
    the language of the page.
    """
    first = (accept_language or "").split(",")[0].split(";")[0].strip().lower()
    primary = first.split("-")[0]
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the request being served, or the default outside an event."""
    return _language_source() or DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Text:
    """A text key with its values, translated only when it is shown (a reason inside a message)."""

    key: str
    values: dict = field(default_factory=dict)


def message(key: str, language: str | None = None, **values) -> str:
    """Translate ``key`` for the current request and fill in ``{placeholders}``; a value that is
    a ``Text`` is translated first."""
    lang = language or current_language()
    template = _TABLES[lang].get(key) or _TABLES[DEFAULT_LANGUAGE].get(key)
    if template is None:
        raise KeyError(f"untranslated message key {key!r}")
    if not values:
        return template
    filled = {name: message(value.key, lang, **value.values) if isinstance(value, Text) else value
              for name, value in values.items()}
    return template.format(**filled)


def decimal_mark() -> str:
    """The reader's decimal separator: a comma in Polish, a point in English."""
    return "," if current_language() == "pl" else "."


def number(value: float, spec: str = ".1f") -> str:
    """``value`` formatted with ``spec`` and written with the reader's decimal mark."""
    return format(value, spec).replace(".", decimal_mark())


def percent(share: float) -> str:
    """A share in [0, 1] as a percentage with one decimal, e.g. "72,2 %" in Polish."""
    return f"{number(100 * share)} %"


register(read_texts(SHARED_TEXTS))
