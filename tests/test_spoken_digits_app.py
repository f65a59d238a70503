"""The spoken-digits tab through a running app: the API endpoint in both languages, with good and
bad recordings, and the page's own event (a hint, not a guess, for silence)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import register_texts
from gradio_client import Client, handle_file

import spoken_digits
from shared import i18n

register_texts("spoken_digits")

EXAMPLES = Path(spoken_digits.__file__).resolve().parent / "examples"
LANGUAGES = (("en", "en-GB,en;q=0.9"), ("pl", "pl-PL,pl;q=0.9,en;q=0.5"))


@pytest.fixture(scope="module")
def clients(serve_app):
    url = serve_app(["spoken_digits"])
    return {lang: Client(url, headers={"Accept-Language": accept}, verbose=False) for lang, accept in LANGUAGES}


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recordings")
    said, rate = soundfile.read(EXAMPLES / "3_nicolas_0.wav", dtype="float32")
    import librosa

    at_44k = librosa.resample(said, orig_sr=rate, target_sr=44100)
    soundfile.write(folder / "phone.flac", np.stack([at_44k, at_44k], axis=1), 44100)  # a stereo 44.1 kHz recording
    soundfile.write(folder / "silence.wav", np.zeros(16000, np.float32), 16000)
    soundfile.write(folder / "long.wav", np.zeros(8000 * 30, np.int16), 8000)  # 30 s
    (folder / "notes.wav").write_text("this is a text file with a .wav name\n")
    return folder


def top_label(value: dict) -> str:
    return value["label"]


@pytest.mark.parametrize("example", ["0_george_0.wav", "5_yweweler_0.wav", "9_nicolas_0.wav"])
def test_the_endpoint_recognises_test_recordings(clients, example):
    value = clients["en"].predict(handle_file(EXAMPLES / example), api_name="/spoken_digit_classify")
    assert top_label(value) == example[0]
    assert len(value["confidences"]) == 10
    assert sum(c["confidence"] for c in value["confidences"]) == pytest.approx(1.0, abs=1e-4)


def test_a_44_khz_stereo_recording_in_another_format_is_recognised(clients, recordings):
    value = clients["pl"].predict(handle_file(recordings / "phone.flac"), api_name="/spoken_digit_classify")
    assert top_label(value) == "3"


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("case,key,values", [("notes.wav", "spoken_digits.not_audio", {}),
                                             ("long.wav", "spoken_digits.too_long", {"seconds": 10}),
                                             ("silence.wav", "spoken_digits.silence", {})])
def test_bad_recordings_get_a_translated_message(clients, recordings, lang, case, key, values):
    with pytest.raises(Exception) as raised:
        clients[lang].predict(handle_file(recordings / case), api_name="/spoken_digit_classify")
    assert str(raised.value) == i18n.message(key, language=lang, **values)


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_the_page_answers_silence_with_a_hint_and_no_guess(clients, recordings, lang):
    silence = handle_file(recordings / "silence.wav")
    answer, top3, bars = clients[lang].predict(silence, "m5", api_name="/spoken_digits_analyse")
    assert answer == i18n.message("spoken_digits.silence", language=lang)
    assert not top3 and bars is None
    pictures = clients[lang].predict(silence, "m5", api_name="/spoken_digits_pictures")
    assert all(p is None for p in pictures)


def test_the_page_shows_the_answer_and_every_picture(clients):
    said = handle_file(EXAMPLES / "4_theo_0.wav")
    answer, top3, bars = clients["pl"].predict(said, "mel_cnn", api_name="/spoken_digits_analyse")
    stages, spectrogram, filters, layers = clients["pl"].predict(said, "mel_cnn", api_name="/spoken_digits_pictures")
    assert top_label(top3) == "4" and "→ **4**" in answer
    assert i18n.message("spoken_digits.answer", language="pl").split("`")[0][:10] in answer
    for picture in (stages, spectrogram, filters, layers):
        assert Path(picture).is_file() and Path(picture).stat().st_size > 5000
