"""Where the suite's words come from: a ``texts.yaml`` per demo, and ``shared/texts.yaml``.

A texts file is key-major: each key holds its English and Polish text side by side::

    intro:
      en: A small convolutional network reads handwritten digits. …
      pl: Niewielka sieć splotowa rozpoznaje odręcznie pisane cyfry. …

In a demo's file the demo's name is the implicit prefix (``intro`` there is ``mnist_cnn.intro``
everywhere else); ``shared/texts.yaml`` holds full keys (``suite.title``, ``shared.seed``,
``widget.stop``). A file is refused when a key lacks a language, has an empty text, or its two
texts differ in their ``{placeholders}``.

Keys are written out in the code, so that a test can check that each one exists and that each
one is used. The few made while the app runs come from a ``Family``, declared once with all
its members (``Family("deep_dream.layer", LAYERS)``), which the same test expands.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from pathlib import Path

import yaml

# libyaml's parser where PyYAML was built with it: the suite reads every texts file at start-up,
# and the pure-Python parser takes a quarter of a second for them.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LANGUAGES = ("pl", "en")
# The words every demo's texts.yaml has: the tab's label, the 2–4 sentences that open it, and
# the line about it on the lecture map.
DEMO_WORDS = ("title", "intro", "teaser")
SHARED_TEXTS = Path(__file__).resolve().with_name("texts.yaml")


class TextsError(ValueError):
    """A texts file that the suite cannot use; the message names the file and the key."""


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def read_texts(path: Path, prefix: str | None = None) -> dict[str, dict[str, str]]:
    """The texts of ``path`` as ``{"en": {key: text}, "pl": {key: text}}``, each key with
    ``prefix.`` in front when a prefix is given."""
    try:
        entries = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise TextsError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(entries, dict):
        raise TextsError(f"{path}: expected a mapping of keys to their texts")
    tables: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for key, texts in entries.items():
        where = f"{path}: {key!r}"
        if not isinstance(texts, dict) or set(texts) != set(LANGUAGES):
            found = sorted(texts) if isinstance(texts, dict) else type(texts).__name__
            raise TextsError(f"{where} needs exactly the languages {sorted(LANGUAGES)}, found {found}")
        for lang, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                raise TextsError(f"{where} has no {lang} text")
        if placeholders(texts["en"]) != placeholders(texts["pl"]):
            raise TextsError(f"{where}: the placeholders differ, en {sorted(placeholders(texts['en']))} "
                             f"vs pl {sorted(placeholders(texts['pl']))}")
        full_key = f"{prefix}.{key}" if prefix else str(key)
        for lang in LANGUAGES:
            tables[lang][full_key] = texts[lang]
    return tables


class Family:
    """Keys made while the app runs, ``<prefix>.<member>``, from members fixed when it is declared.

    Declare it once, at module level, next to the members it names::

        LAYER_LABELS = Family("deep_dream.layer", LAYERS)
        ui_text(LAYER_LABELS.key(name))
    """

    _declared: list[Family] = []

    def __init__(self, prefix: str, members: Iterable[object]):
        self.prefix = prefix
        self.members = tuple(str(member) for member in members)
        Family._declared.append(self)

    def key(self, member: object) -> str:
        if str(member) not in self.members:
            raise KeyError(f"{member!r} is not a member of the text family {self.prefix!r}")
        return f"{self.prefix}.{member}"

    def keys(self) -> list[str]:
        return [f"{self.prefix}.{member}" for member in self.members]

    def __repr__(self) -> str:
        return f"Family({self.prefix!r}, {self.members!r})"


def demo_key(demo: str, word: str) -> str:
    """``<demo>.title``, ``.intro`` or ``.teaser`` (``DEMO_WORDS``)."""
    if word not in DEMO_WORDS:
        raise KeyError(f"{word!r} is not one of {DEMO_WORDS}")
    return f"{demo}.{word}"


def declared_families() -> list[Family]:
    """Every family declared so far (those of the modules imported)."""
    return list(Family._declared)
