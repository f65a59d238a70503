"""Polish and English text for the whole suite.

Every demo keeps its own table ``TEXTS = {"en": {...}, "pl": {...}}`` with keys prefixed by
the demo's name (``"mnist_cnn.title"``) and registers it here. Static UI text goes to the
browser as a translation key (``ui_text``), and the browser's language picks the table
(``gr.I18n``). Text made in Python while an event runs (``gr.Error`` messages, Markdown
returned by a function) is translated here, ``message``, in the language the browser asked
for in its ``Accept-Language`` header.
"""

from __future__ import annotations

import string

import gradio as gr
from gradio.context import LocalContext

LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "en"  # what a browser asking for neither language gets, like gr.I18n

_TABLES: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}


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


def make_i18n() -> gr.I18n:
    """The ``gr.I18n`` for ``launch(i18n=...)``, holding every registered table."""
    return gr.I18n(**tables())


def ui_text(key: str) -> gr.i18n.I18nData:
    """A label, placeholder or Markdown value that the browser translates."""
    if key not in _TABLES[DEFAULT_LANGUAGE]:
        raise KeyError(f"untranslated UI text key {key!r}")
    return gr.i18n.I18nData(key)


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
    request = LocalContext.request.get(None)
    headers = getattr(request, "headers", None)
    if headers is None:
        return DEFAULT_LANGUAGE
    return language_from_header(headers.get("accept-language"))


def message(key: str, language: str | None = None, **values) -> str:
    """Translate ``key`` for the current request and fill in ``{placeholders}``."""
    lang = language or current_language()
    template = _TABLES[lang].get(key) or _TABLES[DEFAULT_LANGUAGE].get(key)
    if template is None:
        raise KeyError(f"untranslated message key {key!r}")
    return template.format(**values) if values else template


def decimal_mark() -> str:
    """The reader's decimal separator: a comma in Polish, a point in English."""
    return "," if current_language() == "pl" else "."


def number(value: float, spec: str = ".1f") -> str:
    """``value`` formatted with ``spec`` and written with the reader's decimal mark."""
    return format(value, spec).replace(".", decimal_mark())


def percent(share: float) -> str:
    """A share in [0, 1] as a percentage with one decimal, e.g. "72,2 %" in Polish."""
    return f"{number(100 * share)} %"


def error(key: str, **values) -> gr.Error:
    """A translated ``gr.Error`` to raise: ``raise error("shared.image.too_small", n=8)``."""
    return gr.Error(message(key, **values), print_exception=False)  # an expected user error, not a bug


def warn(key: str, **values) -> None:
    """Show a translated ``gr.Warning`` toast without stopping the function."""
    gr.Warning(message(key, **values))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _register_shared_texts() -> None:
    from shared.texts import TEXTS

    register(TEXTS)


_register_shared_texts()
