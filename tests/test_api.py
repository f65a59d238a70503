"""What ``Client.view_api()`` documents for every public endpoint (names, types, defaults) is what
the server accepts: each endpoint is called with its documented defaults, written in the types
the documentation gives, with tiny models of the real classes behind every tab.

Parameters without a default get the example value below (a test fails on an endpoint that has
a required parameter without one, so a new endpoint must be added here). Where the documented
defaults alone are deliberately not a valid request (a chat needs a message), ``NOT_ENOUGH`` says
which value is given instead and why; no override changes a type or widens a range.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import local_models
from gradio_client import Client, handle_file
from tiny_models import every_model

REPO = Path(__file__).resolve().parents[1]
DIGIT = REPO / "spaces" / "mnist_cnn" / "examples" / "mnist_test_0000_digit_7.png"
OTHER_DIGIT = REPO / "spaces" / "mnist_cnn" / "examples" / "mnist_test_0001_digit_2.png"
PHOTO = REPO / "spaces" / "deep_dream" / "examples" / "coffee.jpg"
PAINTING = REPO / "spaces" / "style_transfer" / "examples" / "style_van_gogh_starry_night.jpg"
SONG = REPO / "spaces" / "audio_separation" / "examples" / "Kevin_MacLeod_-_Vibe_Ace.ogg"
SPOKEN_DIGIT = REPO / "spaces" / "spoken_digits" / "examples" / "7_jackson_0.wav"
# Six spoken digits of one FSDD speaker in a row: a recording of a voice, as long as cloning asks for.
SPEECH_CLIP = REPO / "spaces" / "speech" / "examples" / "fsdd" / "jackson_digits.wav"
CONVERSATION = [{"role": "user", "content": [{"type": "text", "text": "What is a neural network?"}]},
                {"role": "assistant", "content": [{"type": "text", "text": "A function with many weights."}]}]

# Parameters that have no default: what a caller would send.
REQUIRED = {
    ("/chat", "user_message"): "Hello!",
    ("/chat_compare", "message"): "Hello!",
    ("/poll_vote", "choice"): "ChatGPT",
    ("/generate_image", "prompt"): "a lighthouse at sunset",
    ("/image_generation_sweep", "prompt"): "a lighthouse at sunset",
    ("/image_generation_tokens", "prompt"): "a lighthouse at sunset",
    ("/generate_video", "prompt"): "a paper boat drifts down a rainy street",
    ("/generate_music", "prompt"): "calm jazz piano, 90 bpm",
    ("/generate_song", "prompt"): "upbeat pop, female vocals",
    ("/generate_song", "lyrics"): "[verse]\nChalk on the board and a song in my head",
    ("/style_transfer", "content"): PHOTO,
    ("/style_transfer", "style"): PAINTING,
    ("/separate", "audio_path"): SONG,
    ("/mnist_classify", "image"): DIGIT,
    ("/spoken_digit_classify", "audio"): SPOKEN_DIGIT,
    ("/class_visualize", "sketch"): None,  # nothing drawn: the documented start (noise) needs no picture
    ("/class_visualize", "upload"): None,
    ("/deep_dream_fool", "sketch"): None,
    ("/deep_dream_fool", "upload"): None,
    ("/deep_dream", "photo"): PHOTO,
    ("/ae_reconstruct", "image"): DIGIT,
    ("/vae_decode", "point"): [0.5, -1.0],
    ("/vae_similar", "image"): DIGIT,
    ("/vae_interpolate", "image_a"): DIGIT,
    ("/vae_interpolate", "image_b"): OTHER_DIGIT,
    ("/tts", "text"): "Dzień dobry, to jest synteza mowy.",
    ("/clone_voice", "reference"): SPEECH_CLIP,
    ("/clone_voice", "text"): "Dzień dobry, to mój sklonowany głos.",
}
# Where the documented defaults alone are not a request the tab can answer, on purpose, or one
# that would take minutes even with the tiny models on the CI machine's CPU.
SLOW_CLIP = "a 33-frame 832×480 clip in 30 steps is the GPU's default: minutes with the tiny Wan on a CPU"
NOT_ENOUGH = {
    ("/generate_video", "frames"): (5, SLOW_CLIP),
    ("/generate_video", "steps"): (2, SLOW_CLIP),
    ("/chat_regenerate", "history"): (CONVERSATION, "the chat starts empty: there is no answer yet to write again"),
    ("/deep_dream_fool", "start"): ("mnist", "fooling changes a real digit; the shared start control opens on noise"),
    ("/clone_voice", "consent"): (True, "cloning is refused without the speaker's consent, and the default is no"),
}


@pytest.fixture(scope="module")
def client(serve_app, tmp_path_factory):
    with local_models(**every_model(tmp_path_factory.mktemp("every-model"))):
        yield Client(serve_app(None), verbose=False, headers={"Accept-Language": "en"})


@pytest.fixture(scope="module")
def endpoints(client) -> dict:
    return client.view_api(return_format="dict", print_info=False)["named_endpoints"]


def documented(parameter: dict):
    """The parameter's default, in the type the documentation gives it: a radio of numbers is
    documented as ``{"type": "string", "enum": [2, 8, 32]}`` and shown as ``Literal['2', '8', '32']``,
    so a client that follows it sends "8"."""
    value = parameter["parameter_default"]
    kind = parameter["type"].get("type")
    if kind == "string" and value is not None and not isinstance(value, str):
        value = str(value)
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


def as_sent(value):
    return handle_file(str(value)) if isinstance(value, Path) else value


def arguments(name: str, endpoint: dict) -> dict:
    values = {}
    for parameter in endpoint["parameters"]:
        key = (name, parameter["parameter_name"])
        if key in NOT_ENOUGH:
            values[parameter["parameter_name"]] = as_sent(NOT_ENOUGH[key][0])
        elif parameter["parameter_has_default"]:
            values[parameter["parameter_name"]] = documented(parameter)
        else:
            assert key in REQUIRED, f"{name}: no example for the required parameter {key[1]!r}; add one above"
            values[parameter["parameter_name"]] = as_sent(REQUIRED[key])
    return values


def accepted(client: Client, name: str, values: dict, timeout: float = 300) -> None:
    """The endpoint answers without an error: the whole answer, or for a stream its first part
    (every check runs before a stream's first output), after which the run is stopped."""
    job = client.submit(**values, api_name=name)
    deadline = time.monotonic() + timeout
    while not job.done() and not job.outputs():
        assert time.monotonic() < deadline, f"{name}: no answer within {timeout} s"
        time.sleep(0.1)
    if job.done():
        job.result()  # raises the server's message if it refused
        return
    job.cancel()
    while not job.done() and time.monotonic() < deadline:  # a live run holds the server's slot until it ends
        time.sleep(0.1)


def test_every_public_endpoint_documents_a_default_or_has_an_example(endpoints):
    assert len(endpoints) >= 26
    for name, endpoint in endpoints.items():
        arguments(name, endpoint)
    for name, parameter in (*REQUIRED, *NOT_ENOUGH):
        assert name in endpoints, f"{name} is no public endpoint any more: remove it here"
        assert parameter in [p["parameter_name"] for p in endpoints[name]["parameters"]], (name, parameter)


def test_documented_defaults_have_the_documented_types(endpoints):
    """Each default as documented: one of the documented choices, else of the documented type (a
    radio of numbers lists them in its ``enum`` while its ``type`` says "string", which the
    endpoints accept both ways)."""
    python = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list}
    for name, endpoint in endpoints.items():
        for parameter in endpoint["parameters"]:
            value, schema = parameter["parameter_default"], parameter["type"]
            if not parameter["parameter_has_default"] or value is None:
                continue
            where = (name, parameter["parameter_name"], value, schema)
            if "enum" in schema:
                assert value in schema["enum"], where
            elif schema.get("type") in python:
                assert isinstance(value, python[schema["type"]]) and not (
                    isinstance(value, bool) and schema["type"] != "boolean"), where


def names_of_public_endpoints() -> list[str]:
    """The endpoints as the suite registers them (a build without serving, for the test ids)."""
    import app

    built = app.build_app()
    return sorted("/" + fn.api_name for fn in built.fns.values() if fn.api_visibility == "public")


@pytest.mark.parametrize("name", names_of_public_endpoints())
def test_every_public_endpoint_accepts_its_documented_defaults(client, endpoints, name):
    accepted(client, name, arguments(name, endpoints[name]))
