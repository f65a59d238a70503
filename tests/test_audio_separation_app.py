"""The `separate` endpoint of a running app, called as API users call it (gradio_client)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf
from gradio_client import Client, handle_file

from test_audio_separation import RATE, export_tiny_demucs, tone_mix, tones_and_clicks, write_wav
from conftest import local_models

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
    ("short", "The clip is only 0.05 s long", "Nagranie trwa tylko 0.05 s"),
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
