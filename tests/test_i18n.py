"""The reader's language: picked from the request, used for messages and numbers."""

from types import SimpleNamespace

import gradio as gr
import pytest
from gradio.context import LocalContext

from shared import i18n
from shared.errors import LabError


def test_polish_and_english_differ_for_the_suite_text():
    tables = i18n.tables()
    for key in ("suite.title", "suite.header", "suite.footer", "suite.map", "suite.projector"):
        assert tables["pl"][key] != tables["en"][key]


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


def test_a_text_inside_a_message_is_translated_in_the_same_language():
    reason = i18n.Text("shared.model.failed", {"detail": i18n.Text("shared.model.reason.memory")})
    polish = i18n.message("shared.model.unavailable", language="pl", model="m", reason=reason)
    assert polish == "Nie udało się wczytać modelu m: serwerowi brakuje na niego pamięci. Szczegóły są w logu serwera."


def test_message_outside_a_request_is_english():
    assert i18n.current_language() == "en"
    assert i18n.message("shared.image.missing") == "Please provide an image first."


def in_request(accept_language: str):
    """What Gradio sets while it serves an event (the boundary of shared.ui reads it)."""
    import shared.ui  # noqa: F401  (installs the request's language into shared.i18n)

    return LocalContext.request.set(SimpleNamespace(headers={"accept-language": accept_language}))


def test_messages_during_a_request_follow_its_language():
    token = in_request("pl-PL,pl;q=0.9")
    try:
        assert i18n.current_language() == "pl"
        assert str(LabError("shared.image.missing")) == "Najpierw podaj obraz."
    finally:
        LocalContext.request.reset(token)
    assert str(LabError("shared.image.missing")) == "Please provide an image first."


def test_unknown_keys_and_half_translated_tables_are_refused():
    from shared.ui import ui_text

    with pytest.raises(KeyError):
        ui_text("no.such.key")
    with pytest.raises(KeyError):
        i18n.message("no.such.key")
    with pytest.raises(ValueError, match="both languages"):
        i18n.register({"en": {"x.only_en": "a"}, "pl": {}})
    with pytest.raises(ValueError, match="registered twice"):
        i18n.register({"en": {"shared.seed": "other"}, "pl": {"shared.seed": "inne"}})


def test_a_widget_word_is_the_demos_own_where_it_has_one():
    i18n.register({"en": {"lab_test_demo.widget.stop": "Halt"}, "pl": {"lab_test_demo.widget.stop": "Stój"}})
    assert i18n.widget_key("lab_test_demo", "stop") == "lab_test_demo.widget.stop"
    assert i18n.widget_key("another_demo", "stop") == "widget.stop"
    with pytest.raises(KeyError):
        i18n.widget_key("lab_test_demo", "no_such_word")


def test_a_lab_error_survives_pickling_with_its_values():
    """A GPU worker process (ZeroGPU) hands exceptions back pickled."""
    import pickle

    from shared.run_control import WeightsMissing

    for error in (LabError("shared.text.too_long", n=12, limit=10), WeightsMissing("/tmp/x.safetensors")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error) and again.values == error.values


def test_the_boundary_makes_a_gradio_error_with_the_translated_text():
    from shared.ui import handler

    def fails():
        raise LabError("shared.number.not_finite", name="x")

    with pytest.raises(gr.Error) as caught:
        handler(fails)()
    assert caught.value.message == "“x” must be a finite number (not NaN or infinity)."


@pytest.mark.parametrize("header,expected", [("pl-PL,pl;q=0.9", ("3,14", "72,2 %", "−0,50")),
                                             ("en-GB", ("3.14", "72.2 %", "−0.50"))])
def test_numbers_are_written_with_the_readers_decimal_mark(header, expected):
    token = in_request(header)
    try:
        written = (i18n.number(3.14159, ".2f"), i18n.percent(0.7222), i18n.number(-0.5, ".2f").replace("-", "−"))
    finally:
        LocalContext.request.reset(token)
    assert written == expected
