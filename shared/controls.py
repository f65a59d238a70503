"""Every control a tab offers, declared once: range, step, default, choices, and the text key of
its name.

Both the tab's Gradio component (``shared.ui.component``) and the server's check of what arrives
(``control.check(value)``) are made from the declaration, so the slider and the check cannot
drift apart. Where the API deliberately accepts more than the page offers (say, a larger
picture, capped with a warning on a CPU), the declaration says so with ``api_low``/``api_high``.

Text keys: ``key`` labels the control; with ``info=True`` the line under it is ``<key>.info``;
with ``named=True`` messages call it by the short ``<key>.name`` instead of its label. A
``Choice`` with ``labels`` shows each choice under ``<labels>.<choice>``. Declare controls at
module level: the text test collects them to check that every key they use exists.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field

from shared.errors import LabError
from shared.i18n import message
from shared.texts import Family
from shared.validation import check_number, check_text

SEED_MAX = 2**32 - 1

_declared: list[Control] = []


@dataclass(frozen=True)
class Control:
    key: str
    _: KW_ONLY
    info: bool = False
    named: bool = False

    def __post_init__(self) -> None:
        _declared.append(self)

    @property
    def info_key(self) -> str | None:
        return f"{self.key}.info" if self.info else None

    @property
    def name_key(self) -> str:
        return f"{self.key}.name" if self.named else self.key

    def text_keys(self) -> list[str]:
        """Every text key this control shows or names."""
        return [key for key in (self.key, self.info_key, self.name_key) if key]

    def name(self) -> str:
        """What messages call this control, in the reader's language."""
        return message(self.name_key)


@dataclass(frozen=True, kw_only=True)
class Number(Control):
    """A number: a slider when it has a ``step``, else a number box (``integer`` ones round)."""

    low: float
    high: float
    default: float
    step: float | None = None
    integer: bool = False
    api_low: float | None = None
    api_high: float | None = None

    def check(self, value: object, *, high: float | None = None) -> int | float:
        """``value`` as a number within the accepted range (``high`` narrows it for this call)."""
        low = self.low if self.api_low is None else self.api_low
        top = self.high if self.api_high is None else self.api_high
        return check_number(value, self.name(), low, top if high is None else min(top, high), integer=self.integer)


def Seed(key: str = "shared.seed", *, default: int = 0, **extra) -> Number:
    """A random seed: any whole number a 32-bit generator takes."""
    return Number(key, low=0, high=SEED_MAX, default=default, integer=True, **extra)


@dataclass(frozen=True, kw_only=True)
class Choice(Control):
    """One of ``choices``: radio buttons, or a dropdown with ``dropdown=True``.

    Each choice is shown under the text key ``<labels>.<choice>``, or as ``names[i]`` where the
    names need no translation (model ids, "WAV"), or as itself. With ``translated``, only those
    choices have words of their own (a "default" among scheduler names, "any" among digits)."""

    choices: tuple
    default: object
    labels: str | None = None
    translated: tuple | None = None
    names: tuple | None = None
    dropdown: bool = False
    family: Family | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.labels is not None:
            members = self.choices if self.translated is None else self.translated
            object.__setattr__(self, "family", Family(self.labels, members))

    def label_keys(self) -> list[str]:
        return self.family.keys() if self.family else []

    def label_key(self, choice: object) -> str | None:
        """The text key that shows ``choice``, or None where it is shown as it is (or by name)."""
        return self.family.key(choice) if self.family and str(choice) in self.family.members else None

    def text_keys(self) -> list[str]:
        return super().text_keys() + self.label_keys()

    def check(self, value: object):
        """The choice ``value`` names. A choice may come back as its text (an API client sends
        the number 8 as "8"), so both spellings are accepted; the declared value is returned."""
        for choice in self.choices:
            if value == choice or (not isinstance(value, (bool, type(None))) and str(value) == str(choice)):
                return choice
        raise LabError("shared.choice.unknown", name=self.name(), choices=", ".join(str(c) for c in self.choices))


@dataclass(frozen=True, kw_only=True)
class Flag(Control):
    """Yes or no: a checkbox."""

    default: bool

    def check(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        raise LabError("shared.flag.not_flag", name=self.name())


@dataclass(frozen=True, kw_only=True)
class Text(Control):
    """A text box of at most ``max_chars`` characters; ``empty`` is the key of the message for an
    empty one, or None where empty text is allowed. ``placeholder=True`` shows ``<key>.placeholder``.
    ``default=None``: the box starts empty and the API documents the text as required (where an
    empty default would only be refused)."""

    max_chars: int
    default: str | None = ""
    empty: str | None = "shared.text.empty"
    placeholder: bool = False
    lines: int = 1

    @property
    def placeholder_key(self) -> str | None:
        return f"{self.key}.placeholder" if self.placeholder else None

    def text_keys(self) -> list[str]:
        return super().text_keys() + [key for key in (self.placeholder_key, self.empty) if key]

    def check(self, value: object) -> str:
        if self.empty is None and (value is None or (isinstance(value, str) and not value.strip())):
            return ""
        return check_text(value, self.max_chars, empty_hint=self.empty or "shared.text.empty")


def declared_controls() -> list[Control]:
    """Every control declared so far (those of the modules imported)."""
    return list(_declared)
