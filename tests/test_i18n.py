"""Every text exists in Polish and English, with the same placeholders, and the right one is served."""

import pytest

from shared import i18n
from shared.suite import _ensure_import_path, installed_demos


def all_tables():
    _ensure_import_path()
    import importlib

    for name in installed_demos():
        i18n.register(importlib.import_module(name).TEXTS)
    return i18n.tables()


def test_every_key_is_in_both_languages_with_the_same_placeholders():
    tables = all_tables()
    assert set(tables["pl"]) == set(tables["en"])
    for key in tables["en"]:
        assert tables["en"][key].strip() and tables["pl"][key].strip(), key
        assert i18n.placeholders(tables["en"][key]) == i18n.placeholders(tables["pl"][key]), key


def test_polish_and_english_differ_for_the_suite_text():
    tables = all_tables()
    for key in ("suite.title", "suite.header", "suite.footer"):
        assert tables["pl"][key] != tables["en"][key]


def test_every_demo_has_a_title_and_a_two_to_four_sentence_intro():
    tables = all_tables()
    for name in installed_demos():
        for lang in i18n.LANGUAGES:
            assert tables[lang][f"{name}.title"]
            intro = tables[lang][f"{name}.intro"]
            sentences = [s for s in intro.replace("!", ".").replace("?", ".").split(". ") if s.strip()]
            assert 2 <= len(sentences) <= 4, (name, lang, intro)


@pytest.mark.parametrize("header, expected", [
    ("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", "pl"),
    ("pl", "pl"),
    ("en-US,en;q=0.9,pl;q=0.8", "en"),
    ("de-DE,pl;q=0.5", "en"),  # like gr.I18n: the browser's first language, else English
    ("", "en"),
    (None, "en"),
])
def test_language_follows_the_first_accept_language_entry(header, expected):
    assert i18n.language_from_header(header) == expected


def test_message_fills_placeholders_in_the_chosen_language():
    assert i18n.message("shared.text.too_long", language="pl", n=12, limit=10) == \
        "Tekst ma 12 znaków; limit to 10. Skróć go, proszę."
    assert "12 characters" in i18n.message("shared.text.too_long", language="en", n=12, limit=10)


def test_message_outside_a_request_is_english():
    assert i18n.current_language() == "en"
    assert i18n.message("shared.image.missing") == "Please provide an image first."


def test_unknown_keys_and_half_translated_tables_are_refused():
    with pytest.raises(KeyError):
        i18n.ui_text("no.such.key")
    with pytest.raises(KeyError):
        i18n.message("no.such.key")
    with pytest.raises(ValueError, match="both languages"):
        i18n.register({"en": {"x.only_en": "a"}, "pl": {}})
    with pytest.raises(ValueError, match="registered twice"):
        i18n.register({"en": {"shared.seed": "other"}, "pl": {"shared.seed": "inne"}})


def test_error_is_a_gradio_error_with_the_translated_text():
    import gradio as gr

    exc = i18n.error("shared.number.not_finite", name="x")
    assert isinstance(exc, gr.Error)
    assert exc.message == "“x” must be a finite number (not NaN or infinity)."


@pytest.mark.parametrize("header,expected", [("pl-PL,pl;q=0.9", ("3,14", "72,2 %", "−0,50")),
                                             ("en-GB", ("3.14", "72.2 %", "−0.50"))])
def test_numbers_are_written_with_the_readers_decimal_mark(header, expected):
    from types import SimpleNamespace

    from gradio.context import LocalContext

    token = LocalContext.request.set(SimpleNamespace(headers={"accept-language": header}))
    try:
        written = (i18n.number(3.14159, ".2f"), i18n.percent(0.7222), i18n.number(-0.5, ".2f").replace("-", "−"))
    finally:
        LocalContext.request.reset(token)
    assert written == expected
