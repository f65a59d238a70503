"""The speech tab through the running app (``/tts``, ``/clone_voice``) and its page handlers, with
tiny models of the real classes behind every part (tests/tiny_models.py). The compute modules have
their own tests (test_speech_vits, _voice, _meters, _clone); here: what a caller gets, that it is
what those modules compute, and that bad input is refused in words."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from conftest import local_models, register_texts
from tiny_models import every_model

from shared import code_grid
from speech import alignment, clone, tts, vits, voice

SPEECH_KEYS = ("speech_pl", "speech_en", "speech_t5", "speech_t5_vocoder", "speech_xvector", "speech_asr",
               "speech_similarity", "speech_clone")
POLISH = "Dzień dobry, to jest synteza mowy."
ENGLISH = "Good morning, this is speech synthesis."


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    every = every_model(tmp_path_factory.mktemp("speech-models"))
    return {key: every[key] for key in SPEECH_KEYS}


@pytest.fixture(scope="module")
def tiny(folders):
    register_texts("speech")
    with local_models(**folders):
        yield folders


@pytest.fixture(scope="module")
def client(serve_app, tiny):
    from gradio_client import Client

    return Client(serve_app(["speech"]), verbose=False, headers={"Accept-Language": "en"})


@pytest.fixture(scope="module")
def voice_clip(tmp_path_factory):
    """Two seconds of one FSDD speaker (the tab's example voice), as a file to upload."""
    return str(voice.EXAMPLE_RECORDING)


def app_error(client, **call) -> str:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as caught:
        client.predict(**call)
    text = str(caught.value)
    assert text.strip()
    for leak in ("Traceback", "Error:", "None", "nan", "_"):
        assert leak not in text, text
    return text


# ---------------------------------------------------------------- /tts


def test_tts_reads_polish_and_its_durations_add_up_to_the_file(client, tiny):
    out = client.predict(text=POLISH, language="pl", engine="vits", speaking_rate=1.0, seed=7, api_name="/tts")
    summary = out["summary"]
    samples, rate = sf.read(out["audio"], dtype="float32")
    assert summary["engine"] == "vits" and summary["language"] == "pl" and summary["seed"] == 7
    assert rate == summary["sample_rate"] == vits.load_reader("pl").model.config.sampling_rate
    assert len(samples) == summary["samples"]
    frames = [c["frames"] for c in summary["characters"]]
    assert sum(frames) * summary["hop"] == len(samples)
    assert summary["duration_s"] == pytest.approx(len(samples) / rate, abs=1e-3)
    assert [c["char"] for c in summary["characters"] if not c["blank"]][:5] == list("dzień")
    assert summary["characters"][0]["blank"] and min(frames) >= 1


def test_tts_gives_what_synthesize_gives_for_the_same_seed(client, tiny):
    out = client.predict(text=POLISH, language="pl", engine="vits", speaking_rate=1.25, seed=3, api_name="/tts")
    samples, _ = sf.read(out["audio"], dtype="float32")
    speech = vits.synthesize(vits.load_reader("pl"), POLISH, speaking_rate=1.25, seed=3)
    assert len(samples) == len(speech.waveform)
    np.testing.assert_allclose(samples, np.clip(speech.waveform, -1, 1), atol=1.5 / 32768)  # 16-bit WAV
    assert out["summary"]["characters"] == alignment.summary(speech)["characters"]


def test_tts_speaks_english_with_speecht5_in_an_fsdd_voice(client, tiny):
    out = client.predict(text=ENGLISH, language="en", engine="speecht5", speaking_rate=1.0, seed=2, api_name="/tts")
    summary = out["summary"]
    samples, rate = sf.read(out["audio"], dtype="float32")
    assert summary["engine"] == "speecht5" and summary["voice"] == voice.DEFAULT_SPEAKER
    assert rate == summary["sample_rate"] == 16000 and len(samples) == summary["samples"] > 0
    embedding = voice.speaker_voice(voice.load_embedder(), voice.DEFAULT_SPEAKER)
    direct = voice.speak(voice.load_talker(), ENGLISH, embedding, seed=2)
    np.testing.assert_allclose(samples, np.clip(direct.waveform, -1, 1), atol=1.5 / 32768)


@pytest.mark.parametrize(("call", "words"), [
    ({"text": ""}, "Write something"),
    ({"text": "a" * 10**5}, "400"),
    ({"text": "🙂🎉🙂"}, "Nothing here for the model to read"),
    ({"text": "123 456"}, "Nothing here for the model to read"),
    ({"text": POLISH, "language": "xx"}, "Language"),
    ({"text": POLISH, "engine": "bark"}, "Engine"),
    ({"text": ENGLISH, "language": "pl", "engine": "speecht5"}, "SpeechT5 speaks English only"),
    ({"text": ENGLISH, "language": "en", "engine": "speecht5", "speaking_rate": 1.5}, "no speaking-rate control"),
    ({"text": POLISH, "speaking_rate": 9.0}, "Speaking rate"),
    ({"text": POLISH, "seed": -1}, "Seed"),
])
def test_tts_refuses_bad_input_in_words(client, call, words):
    assert words in app_error(client, api_name="/tts", **call)


# ---------------------------------------------------------------- /clone_voice


def test_clone_voice_needs_consent_before_anything_else(client):
    from gradio_client import handle_file

    text = app_error(client, reference=handle_file(str(voice.EXAMPLE_RECORDING)), text=POLISH, api_name="/clone_voice")
    assert "consent" in text
    # Without consent not even the recording is looked at: a broken one gets the same answer.
    assert "consent" in app_error(client, reference=None, text=POLISH, consent=False, api_name="/clone_voice")


def test_clone_voice_returns_the_voice_and_both_meters(client, voice_clip):
    from gradio_client import handle_file

    out = client.predict(reference=handle_file(voice_clip), text=POLISH, language="pl", consent=True,
                         api_name="/clone_voice")
    samples, rate = sf.read(out["audio"], dtype="float32")
    summary, meters = out["summary"], out["meters"]
    assert rate == summary["sample_rate"] and len(samples) / rate == pytest.approx(summary["duration_s"], abs=1e-3)
    assert summary["codebooks"] == 8 and summary["frames"] > 0 and summary["language"] == "pl"
    # the example lasts 10.25 s: the model hears its first 10 s, and the summary says it was cut
    assert sf.info(voice_clip).duration > clone.REFERENCE_SECONDS
    assert summary["reference_s"] == pytest.approx(clone.REFERENCE_SECONDS) and summary["reference_trimmed"]
    assert summary["transcript_used"]  # the tab's Whisper wrote the reference's transcript
    assert isinstance(meters["transcript"], str) and meters["cer"] >= 0
    assert -1.0 <= meters["speaker_similarity"] <= 1.0 and meters["same_speaker_threshold"] == 0.86


@pytest.fixture(scope="module")
def bad_recordings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-recordings")
    rate = 16000
    tone = lambda seconds: (0.3 * np.sin(2 * np.pi * 220 * np.arange(int(seconds * rate)) / rate)).astype(np.float32)  # noqa: E731
    sf.write(folder / "short.wav", tone(0.2), rate)
    sf.write(folder / "long.wav", tone(600), rate)
    sf.write(folder / "silent.wav", np.zeros(3 * rate, dtype=np.float32), rate)
    (folder / "text.wav").write_text("this is not a recording")
    return folder


@pytest.mark.parametrize(("name", "words"), [
    ("short.wav", "at least 1 s"),
    ("long.wav", "at most 60 s"),
    ("silent.wav", "silent"),
    ("text.wav", "not a sound recording"),
])
def test_clone_voice_refuses_a_bad_reference_in_words(client, bad_recordings, name, words):
    from gradio_client import handle_file

    text = app_error(client, reference=handle_file(str(bad_recordings / name)), text=POLISH, consent=True,
                     api_name="/clone_voice")
    assert words in text


def test_clone_voice_refuses_text_without_words(client, voice_clip):
    from gradio_client import handle_file

    assert "no words" in app_error(client, reference=handle_file(voice_clip), text="🙂 🎉 !!!", consent=True,
                                   api_name="/clone_voice")


# ---------------------------------------------------------------- the page's handlers


def test_the_page_speaks_then_measures(tiny):
    from speech import ui

    audio, info, running, picture, spectrum, heard, status = ui.show_speech(POLISH, "pl", "vits", 1.0, 0.667, 0.8, 5)
    assert sf.info(audio).frames == len(heard["samples"]) and "seed 5" in info
    assert picture.shape[1] == 900 and spectrum is not None
    line = ui.show_meters(heard)
    assert "Whisper heard" in line and "character error rate" in line


def test_a_word_too_short_for_a_voice_is_still_transcribed(tiny):
    from conftest import refused

    from speech import meters

    word = 0.1 * np.sin(2 * np.pi * 200 * np.arange(1600) / 16000).astype(np.float32)  # 0.1 s
    assert isinstance(meters.transcribe(word, "pl", max_new_tokens=4), str)
    assert "at least 0.5 s" in refused(lambda: meters.speaker_embedding(word))


def test_the_page_reads_one_sentence_from_five_seeds(tiny):
    from speech import ui

    text, picture, *players = ui.show_five_seeds(POLISH, "pl", 1.0, 0.667, 0.8, 10)
    assert len(players) == vits.SEEDS_SHOWN and "Seeds 10–14" in text
    waves = [sf.read(player.value["path"] if isinstance(player.value, dict) else player.value)[0] for player in players]
    assert len({w.tobytes() for w in waves}) == vits.SEEDS_SHOWN  # every seed its own reading


def test_the_page_mixes_two_voices_maps_them_and_measures_the_result_against_both(tiny):
    from speech import speaker_map, ui

    audio, line, running, picture, heard = ui.show_voice("george", "mine", 0.25, str(voice.EXAMPLE_RECORDING),
                                                         "Hello there.", 4)
    assert sf.info(audio).samplerate == 16000 and "25 % of the way from George to Your recording" in line
    assert picture.shape == (600, 900, 3) and heard["voices"] == ["george", "mine"]
    # what was spoken is SpeechT5 in the mix of the two x-vectors
    embedder = voice.load_embedder()
    mine = voice.xvector(embedder, heard["mine"])
    mixed = voice.mix(voice.speaker_voice(embedder, "george"), mine, 0.25)
    expected = voice.speak(voice.load_talker(), "Hello there.", mixed, seed=4)
    np.testing.assert_allclose(sf.read(audio, dtype="float32")[0], np.clip(expected.waveform, -1, 1), atol=1.5 / 32768)
    # and the map's star and cross are that recording and that mix, projected as the map projects them
    points = speaker_map.map_points(speaker_map.speaker_points(embedder), visitor=mine, mixed=mixed)
    assert points["mine"] is not None and points["mixed"] is not None
    measured = ui.show_voice_meters(heard)  # the tiny SpeechT5 said 0.3 s: too little for a voice
    assert "Whisper heard" in measured and "shorter than 0.5 s" in measured
    assert "no reference recording" not in measured  # the voices are named, not said to be missing
    # a longer result (here: Lucas's own digits) is compared with both voices, by WavLM
    from speech import meters

    lucas = voice.speaker_samples("lucas")
    measured = ui.show_voice_meters({**heard, "samples": lucas, "rate": 16000})
    expected = meters.speaker_similarity(meters.speaker_embedding(voice.speaker_samples("george")),
                                         meters.speaker_embedding(lucas))
    assert f"George {expected:.2f}" in measured and "Your recording" in measured


def test_the_page_asks_for_a_recording_where_a_voice_is_the_visitors_own(tiny):
    import gradio as gr

    from speech import ui

    with pytest.raises(gr.Error, match="Record your voice or upload a recording first"):
        ui.show_voice("mine", "jackson", 0.5, None, "Hello there.", 0)


def test_the_page_refuses_cloning_without_consent_before_reading_the_recording(tiny):
    import gradio as gr

    from speech import ui

    with pytest.raises(gr.Error, match="consent"):
        list(ui.show_clone(False, None, POLISH, "pl", 0, 8, request=None, progress=lambda *a, **k: None))


def test_cloning_is_refused_on_a_cpu_unless_asked_for(monkeypatch):
    from conftest import refused

    monkeypatch.delenv(clone.CPU_VARIABLE, raising=False)
    register_texts("speech")
    assert "GPU" in refused(lambda: clone.check_request(True, POLISH, "pl", 0, 8))


def test_the_grid_picture_leaves_masked_codes_blank():
    tokens = np.array([[5, -1, 7], [-1, -1, 1023]])
    picture = code_grid.codes_picture(tokens, 1024, column_pixels=2)
    assert picture.shape == (2 * code_grid.ROW_PIXELS + code_grid.GAP_PIXELS, 6, 3)
    assert (picture[0, 2:4] == code_grid.NOT_YET).all() and not (picture[0, 0:2] == code_grid.NOT_YET).all()
    last_row = picture[-1]
    assert (last_row[:4] == code_grid.NOT_YET).all() and not (last_row[4:] == code_grid.NOT_YET).all()


def test_an_engine_name_is_checked_before_a_model_loads():
    from shared.errors import LabError

    with pytest.raises(LabError):
        tts.speak(POLISH, "pl", "bark")
