"""Every message an API client can get is a sentence in its own language: each endpoint is called
with one bad value at a time (a number out of range, a value outside the choices, a value of the
wrong type, nothing at all) in Polish and in English, through the running suite with tiny models.

A call may succeed (a value the tab accepts, e.g. an empty negative prompt). When it fails, its
message must not be empty, must not show Python (a type name, an exception class, a repr of a
list of choices), and must differ between the two languages: Gradio's own checks answer in
English only, so a Polish reader getting the English text is a failure here.

Public endpoints are called as their documentation gives them, with the documented defaults for
the other parameters (test_api.arguments); endpoints that are only undocumented get every other
input at its component's initial value, and there, too, any refusal must be in words.
"""

from __future__ import annotations

import functools
import re
import time

import gradio as gr
import pytest
from conftest import local_models, write_declared_png
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError, ValidationError
from test_api import arguments
from tiny_models import every_model

from shared import i18n
from shared.validation import MAX_IMAGE_PIXELS

LANGUAGES = ("pl", "en")
# What Python looks like in a message: <class 'int'>, "(type: …)", "ValueError", a traceback, or
# Gradio's "Value: x is not in the list of choices: ['a', 'b']".
PYTHON = re.compile(r"<class |\(type: |[A-Z][a-z]+(Error|Exception)\b|Traceback|^Value[: ]|list of choices")
# gradio_client's own words around a message it got no text for.
NO_TEXT = "has not enabled verbose error reporting"


# The valid request each bad value is put into: the documented defaults (test_api calls those),
# made as cheap as their ranges allow where a run is long, because a bad value a tab ignores or
# accepts (a clustering setting while classifying, a seed above any range) runs the whole request.
CHEAPEST = {
    ("/playground_train", "steps"): 1,
    ("/generate_video", "width"): 64,
    ("/generate_video", "height"): 48,
    ("/generate_video", "steps"): 1,
    ("/style_transfer", "passes"): 1,
    ("/style_transfer", "side"): 64,
    ("/separate", "seconds"): 1,
    ("/generate_music", "duration_s"): 1,
    ("/class_visualize", "steps"): 1,
    ("/deep_dream", "iterations"): 1,
    ("/deep_dream", "octaves"): 1,
    ("/deep_dream", "side"): 128,
}


@pytest.fixture(scope="module")
def clients(serve_app, tmp_path_factory):
    with local_models(**every_model(tmp_path_factory.mktemp("every-model"))):
        url = serve_app(None)
        yield {language: Client(url, verbose=False, headers={"Accept-Language": language})
               for language in LANGUAGES}


@pytest.fixture(scope="module")
def documented(clients) -> dict:
    return clients["en"].view_api(return_format="dict", print_info=False)["named_endpoints"]


def bad_values_for_schema(schema: dict) -> dict[str, object]:
    """The bad values of a documented parameter, by its documented type."""
    kind = schema.get("type")
    if "enum" in schema:
        bad = {"not a choice": "evil", "wrong type": [1, 2]}
    elif kind in ("number", "integer"):
        bad = {"above the range": 10**9, "below the range": -(10**9), "wrong type": "abc"}
    elif kind == "string":
        bad = {"wrong type": {"a": 1}}
    elif kind == "boolean":
        bad = {"wrong type": "maybe"}
    else:  # a file, a conversation, a point
        bad = {"wrong type": "not a file"}
    return {**bad, "empty": None}


def bad_values_for_component(component) -> dict[str, object]:
    """The bad values of an undocumented event's input, by its component."""
    if isinstance(component, (gr.Dropdown, gr.Radio)):
        return bad_values_for_schema({"enum": []})
    if isinstance(component, (gr.Slider, gr.Number)):
        return bad_values_for_schema({"type": "number"})
    if isinstance(component, gr.Textbox):
        return bad_values_for_schema({"type": "string"})
    if isinstance(component, gr.Checkbox):
        return bad_values_for_schema({"type": "boolean"})
    return bad_values_for_schema({})


def outcome(client: Client, name: str, values, timeout: float = 120) -> tuple[str, list[str]]:
    """("ok", []) when the call succeeds (a stream: its first part), else ("refused", messages)."""
    job = client.submit(*values, api_name=name) if isinstance(values, list) else client.submit(**values, api_name=name)
    deadline = time.monotonic() + timeout
    while not job.done() and not job.outputs():
        assert time.monotonic() < deadline, f"{name}: no answer within {timeout} s"
        time.sleep(0.05)
    if not job.done():
        job.cancel()
        while not job.done() and time.monotonic() < deadline:
            time.sleep(0.05)
        return "ok", []
    try:
        job.result()
    except ValidationError as refused:  # the door's answer: one line per field, "- name: message"
        return "refused", [line.split(": ", 1)[1] for line in str(refused).splitlines() if line.startswith("- ")]
    except AppError as refused:
        return "refused", [refused.message]
    return "ok", []


def problems_with(messages: dict[str, tuple[str, list[str]]]) -> list[str]:
    """What is wrong with one call's answers in the two languages."""
    found = []
    kinds = {language: kind for language, (kind, _) in messages.items()}
    for language, (kind, texts) in messages.items():
        if kind == "ok":
            continue
        if not texts:
            found.append(f"{language}: no message")
        for text in texts:
            if not text or not text.strip() or NO_TEXT in text:
                found.append(f"{language}: empty message")
            elif PYTHON.search(text):
                found.append(f"{language}: Python in the message: {text[:160]!r}")
    if kinds["pl"] == kinds["en"] == "refused" and messages["pl"][1] == messages["en"][1]:
        found.append(f"the Polish message is the English one: {messages['pl'][1][0][:160]!r}")
    return found


@functools.cache
def suite() -> gr.Blocks:
    """The suite's events as it registers them (built once, without serving)."""
    import app

    return app.build_app()


def public_endpoint_names() -> list[str]:
    return sorted("/" + fn.api_name for fn in suite().fns.values() if fn.api_visibility == "public")


def undocumented_events() -> list[str]:
    return sorted("/" + fn.api_name for fn in suite().fns.values()
                  if fn.api_visibility == "undocumented" and fn.inputs)


@pytest.mark.parametrize("name", public_endpoint_names())
def test_every_refusal_of_a_public_endpoint_is_a_sentence_in_the_callers_language(clients, documented, name):
    endpoint = documented[name]
    cheaper = {parameter: value for (endpoint_name, parameter), value in CHEAPEST.items() if endpoint_name == name}
    valid = arguments(name, endpoint)
    assert set(cheaper) <= set(valid), f"{name} has no parameter {set(cheaper) - set(valid)}: update CHEAPEST"
    valid.update(cheaper)
    found = []
    for parameter in endpoint["parameters"]:
        for kind, value in bad_values_for_schema(parameter["type"]).items():
            values = {**valid, parameter["parameter_name"]: value}
            answers = {language: outcome(clients[language], name, values) for language in LANGUAGES}
            found += [f"{parameter['parameter_name']} {kind}: {problem}" for problem in problems_with(answers)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", undocumented_events())
def test_every_refusal_of_an_undocumented_event_is_a_sentence_in_the_callers_language(clients, name):
    fn = next(fn for fn in suite().fns.values() if "/" + fn.api_name == name)
    # A gr.State input is the server's own: a client sends nothing for it.
    sent = [component for component in fn.inputs if not getattr(component, "stateful", False)]
    initial = [getattr(component, "value", None) for component in sent]
    found = []
    for position, component in enumerate(sent):
        for kind, value in bad_values_for_component(component).items():
            values = [*initial[:position], value, *initial[position + 1:]]
            answers = {language: outcome(clients[language], name, values) for language in LANGUAGES}
            found += [f"input {position} ({type(component).__name__}) {kind}: {problem}"
                      for problem in problems_with(answers)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_chat_history_in_the_older_form_is_refused_in_words(clients, language):
    """``{"role", "content": "text"}``, as Gradio 4 sent it, is not what Gradio 6's chat takes."""
    older = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    kind, texts = outcome(clients[language], "/chat", {"user_message": "And now?", "history": older})
    assert kind == "refused" and texts
    label = i18n.message("chat.chatbot", language)
    assert texts == [i18n.message("shared.request.unreadable", language, name=label)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_drawing_that_declares_a_huge_canvas_gets_the_too_large_message(clients, tmp_path, language):
    """The sketch events leave the drawing to Gradio's own decoding: the door reads the header first."""
    huge = tmp_path / "huge.png"
    write_declared_png(huge, 6000, 6000)
    drawing = {"background": None, "layers": [], "composite": handle_file(str(huge)), "id": None}
    kind, texts = outcome(clients[language], "/mnist_sketch", [drawing])
    limit = f"{MAX_IMAGE_PIXELS:,}".replace(",", " ")
    assert (kind, texts) == ("refused", [i18n.message("shared.image.too_large", language, pixels="36 000 000",
                                                      limit=limit)])
