"""The `separate` endpoint of a running app, called as API users call it (gradio_client)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf
from conftest import local_models
from gradio_client import Client, handle_file
from test_audio_separation import RATE, tone_mix, tones_and_clicks, write_wav
from tiny_models import export_tiny_demucs

from audio_separation.ui import SECONDS

# audio, method, stems, use_first, seconds, start, shifts, margin, format
DEFAULTS = ("htdemucs", "all", True, 20, 0, 0, 1, "wav")


@pytest.fixture(scope="module")
def url(serve_app, tmp_path_factory):
    folder = export_tiny_demucs(tmp_path_factory.mktemp("tiny-demucs"))
    with local_models(audio_separation=folder):
        yield serve_app(["audio_separation"])


def call(client, path, *settings):
    values = list(DEFAULTS)
    values[: len(settings)] = settings
    return client.predict(handle_file(str(path)), *values, api_name="/separate")


def test_separate_returns_every_stem_as_a_file_and_a_picture(url, tmp_path):
    outputs = call(Client(url, verbose=False), write_wav(tmp_path / "song.wav", tone_mix(1.2, rate=22050, channels=1),
                                                          rate=22050))
    summary, mix, mix_picture, *rest = outputs
    # the stem slots come back as updates (their label names the stem): {"value": path, "label": ...}
    stem_audio, stem_pictures = [[slot.get("value") for slot in rest[i:12:2]] for i in (0, 1)]
    assert [slot.get("label") for slot in rest[0:8:2]] == ["Drums", "Bass", "Other instruments", "Vocals"]
    residual, residual_picture, files = rest[12:]
    assert "| part | level (dBFS) | relative to the mix (dB) |" in summary
    assert "Mono recording" in summary and "Recorded at 22050 Hz" in summary
    # four sources: four filled slots, the two six-source slots hidden and empty
    assert [isinstance(a, str) and os.path.isfile(a) for a in stem_audio] == [True] * 4 + [False] * 2
    assert [isinstance(p, str) and os.path.isfile(p) for p in stem_pictures] == [True] * 4 + [False] * 2
    for path in [mix, residual, *stem_audio[:4]]:
        info = sf.info(path)
        assert (info.samplerate, info.channels, info.frames) == (44100, 2, int(1.2 * 44100))
    assert len(files) == 6 and os.path.isfile(mix_picture) and os.path.isfile(residual_picture)


def test_the_classical_baseline_needs_no_model(url, tmp_path):
    tones, clicks = tones_and_clicks(1.5)
    summary, *_ , files = call(Client(url, verbose=False), write_wav(tmp_path / "m.wav", 0.8 * (tones + clicks)),
                               "hpss", "all", True, 20, 0, 0, 2.0, "mp3")
    assert "Harmonic part" in summary and "Percussive part" in summary
    assert [os.path.basename(f) for f in files] == ["m_mix.mp3", "m_harmonic.mp3", "m_percussive.mp3",
                                                    "m_residual.mp3"]


def write_bad(tmp_path, kind):
    path = tmp_path / f"{kind}.wav"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("not audio\n" * 50)
    elif kind == "short":
        write_wav(path, tone_mix(0.05))
    elif kind == "silence":
        write_wav(path, np.zeros((2, RATE)))
    return path


@pytest.mark.parametrize("kind, english, polish", [
    ("empty", "The file is empty (0 bytes).", "Plik jest pusty (0 bajtów)."),
    ("text", "This file is not audio that can be read here.", "Ten plik nie jest nagraniem"),
    ("short", "The clip is only 0.05 s long", "Nagranie trwa tylko 0,05 s"),
    ("silence", "The clip is silent", "Nagranie jest ciche"),
])
def test_bad_audio_gets_a_clear_message_in_both_languages(url, tmp_path, kind, english, polish):
    path = write_bad(tmp_path, kind)
    for language, expected in (("en-US", english), ("pl-PL", polish)):
        with pytest.raises(Exception) as raised:
            call(Client(url, headers={"Accept-Language": language}, verbose=False), path)
        assert expected in str(raised.value) and "Traceback" not in str(raised.value)


def test_too_long_a_clip_explains_the_limit_and_the_server_stays_up(url, tmp_path):
    path = write_wav(tmp_path / "long.wav", tone_mix(65.0, rate=8000, channels=1), rate=8000)
    client = Client(url, verbose=False)
    with pytest.raises(Exception) as raised:
        call(client, path, "repet", "all", False)
    assert "at most 60 s per run" in str(raised.value)
    summary = call(client, path, "hpss", "all", True, 3)[0]
    assert "Used 0–3 s of the 65 s clip." in summary


@pytest.mark.parametrize("settings, english, polish", [
    (("evil",), "“Method” must be one of: htdemucs, htdemucs_6s, hpss, repet.",
     "„Metoda” musi być jedną z wartości: htdemucs, htdemucs_6s, hpss, repet."),
    (("htdemucs", "kazoo"), "“Stems (Demucs)” must be one of: all, vocals, drums, bass, other, guitar, piano.",
     "„Ścieżki (Demucs)” musi być jedną z wartości: all, vocals, drums, bass, other, guitar, piano."),
    (("htdemucs", "all", True, 20, -5), "“Start at (seconds)” must be between 0 and 3600 (got -5).",
     "„Początek (sekunda)” musi mieścić się między 0 a 3600 (podano -5)."),
])
def test_settings_the_page_cannot_send_are_refused_in_the_readers_language(url, tmp_path, settings, english, polish):
    """Gradio's own checks of a radio, a dropdown or a number box would answer in English only."""
    path = write_wav(tmp_path / "song.wav", tone_mix(1.2))
    for language, expected in (("en-US", english), ("pl-PL", polish)):
        with pytest.raises(Exception) as raised:
            call(Client(url, headers={"Accept-Language": language}, verbose=False), path, *settings)
        assert expected in str(raised.value) and "Traceback" not in str(raised.value)


def test_the_documented_defaults_are_accepted(url, tmp_path):
    """What Client.view_api() documents for /separate (names, order, defaults) is what the server takes."""
    client = Client(url, verbose=False)
    parameters = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/separate"]["parameters"]
    assert [p["parameter_name"] for p in parameters] == ["audio_path", "method", "stems", "use_first", "seconds",
                                                         "start", "shifts", "margin", "audio_format"]
    defaults = {p["parameter_name"]: p["parameter_default"] for p in parameters if p["parameter_has_default"]}
    assert defaults == {"method": "htdemucs", "stems": "all", "use_first": True, "seconds": SECONDS.default,
                        "start": 0, "shifts": 1, "margin": 1, "audio_format": "wav"}
    summary = client.predict(handle_file(str(write_wav(tmp_path / "song.wav", tone_mix(1.2)))), **defaults,
                             api_name="/separate")[0]
    assert "| Drums |" in summary and "`" in summary  # Demucs (the tiny model) ran, and its id is named
