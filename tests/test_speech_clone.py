"""The speech tab's voice cloning: a tiny OmniVoice of the real classes (built in
``speech_tiny_clone``) through the production loader. The clone equals what ``OmniVoice.generate``
returns when called directly with the same arguments and seed, bit for bit (on a model loaded
without the tab's hooks); every step shows the grid of codes filling in; Stop ends a run; no
consent, bad text, the CPU rule and bad recordings are refused in words."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import soundfile as sf
import torch
from conftest import local_models, refused, register_texts
from speech_tiny_clone import CODEBOOKS, FRAME_RATE, SAMPLING_RATE, build_omnivoice_folder

from shared import models
from shared.i18n import message
from speech import clone, recording
from speech.clone import CloneProgress, CloneResult

register_texts("speech")
POLISH = "Dzień dobry, dziś sklonujemy głos."
TRANSCRIPT = "To jest moje nagranie próbne."


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return build_omnivoice_folder(tmp_path_factory.mktemp("omnivoice") / "tiny")


@pytest.fixture(scope="module")
def model(folder):
    with pytest.MonkeyPatch.context() as patch, local_models(speech_clone=folder):
        patch.setenv(clone.CPU_VARIABLE, "1")
        yield clone.load_cloner()


@pytest.fixture(scope="module")
def plain_model(folder):
    """The same folder loaded by OmniVoice itself, without the tab's hooks: the library's answer."""
    from omnivoice import OmniVoice

    return OmniVoice.from_pretrained(str(folder), dtype=torch.float32)


@pytest.fixture(autouse=True)
def cpu_allowed(monkeypatch):
    monkeypatch.setenv(clone.CPU_VARIABLE, "1")


def voice(seconds: float = 3.0, pitch: float = 180.0) -> recording.Recording:
    """A voiced buzz with a little noise, as recording.py hands every visitor's recording on."""
    t = np.arange(int(seconds * recording.RATE)) / recording.RATE
    rng = np.random.default_rng(0)
    buzz = 0.3 * np.sin(2 * np.pi * pitch * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    samples = buzz + 0.01 * rng.normal(size=t.size)
    return recording.from_samples(samples.astype(np.float32), recording.RATE)


def run(model, reference=None, *, text=POLISH, language="pl", seed=7, ref_text=TRANSCRIPT, steps=8, stop=None,
        consent=True):
    reference = reference if reference is not None else voice()
    return list(clone.clone_voice(model, reference, text, language, seed, ref_text, stop, consent=consent,
                                  steps=steps))


def library_call(plain_model, reference, *, text=POLISH, language="pl", seed=7, ref_text=TRANSCRIPT, steps=8):
    """``OmniVoice.generate`` with the tab's arguments and seed, without the tab's watch."""
    request = clone.check_request(True, text, language, seed, steps)
    return clone.seeded_generate(plain_model, clone.generate_arguments(request, reference, ref_text), seed)[0]


# ---------------------------------------------------------------- the clone against the library

def test_the_production_loader_loads_the_real_classes_from_the_folder_and_caches_them(model, folder):
    from omnivoice import OmniVoice
    from transformers import HiggsAudioV2TokenizerModel, Qwen3Model

    assert isinstance(model, OmniVoice) and isinstance(model.llm, Qwen3Model)
    # audio_tokenizer/ inside the folder, not the Hub repository OmniVoice falls back to
    assert isinstance(model.audio_tokenizer, HiggsAudioV2TokenizerModel)
    assert model.audio_tokenizer.name_or_path == str(folder / "audio_tokenizer")
    assert model.sampling_rate == SAMPLING_RATE and model.dtype == torch.float32
    assert clone.load_cloner() is clone.load_cloner() and models.is_loaded(clone.CLONE_KEY, str(folder))


@pytest.mark.parametrize("settings", [dict(), dict(language="en", text="Good morning, everyone.", ref_text=None,
                                                   seed=3), dict(steps=16, seed=11)])
def test_the_clone_equals_omnivoices_own_generate_bit_for_bit(model, plain_model, settings):
    reference = voice()
    events = run(model, reference, **settings)
    ours = events[-1]
    assert isinstance(ours, CloneResult) and ours.waveform.dtype == np.float32 and ours.waveform.size > 0
    assert np.array_equal(ours.waveform, library_call(plain_model, reference, **settings))  # tolerance: none
    assert ours.transcript_used == (settings.get("ref_text", TRANSCRIPT) is not None)


def test_a_direct_generate_on_the_tabs_model_is_untouched_by_its_hooks(model, plain_model):
    reference = voice()
    request = clone.check_request(True, POLISH, "pl", 5, 8)
    arguments = clone.generate_arguments(request, reference, TRANSCRIPT)
    assert np.array_equal(clone.seeded_generate(model, arguments, 5)[0],
                          clone.seeded_generate(plain_model, arguments, 5)[0])


def test_the_same_seed_gives_the_same_voice_and_another_seed_another(model):
    first, again, other = (run(model, seed=seed)[-1].waveform for seed in (7, 7, 8))
    assert np.array_equal(first, again)
    assert first.shape != other.shape or not np.array_equal(first, other)


def test_every_step_shows_the_grid_filling_in_until_the_decoded_codes(model):
    events = run(model, steps=8)
    progress, result = events[:-1], events[-1]
    assert [p.step for p in progress] == list(range(8)) + [8] and all(p.total == 8 for p in progress)
    assert all(isinstance(p, CloneProgress) and p.tokens.shape[0] == CODEBOOKS for p in progress)
    assert progress[0].fixed == 0.0  # every code masked before the first step
    shares = [p.fixed for p in progress]
    assert shares == sorted(shares) and shares[-1] == 1.0 and 0 < shares[4] < 1
    # a code once fixed stays as it is
    for before, after in zip(progress[:-1], progress[1:], strict=True):
        kept = before.tokens >= 0
        assert np.array_equal(after.tokens[kept], before.tokens[kept])
    assert np.array_equal(progress[-1].tokens, result.tokens) and result.tokens.min() >= 0
    # one grid for the whole sentence, as long as OmniVoice's own estimate for it (25 frames a second)
    assert result.tokens.shape[1] == progress[0].tokens.shape[1] and result.rate == SAMPLING_RATE
    assert 1.0 < result.tokens.shape[1] / FRAME_RATE < 10.0


def test_stop_ends_the_run_with_a_message_and_leaves_the_model_usable(model):
    stop = threading.Event()
    events = clone.clone_voice(model, voice(), POLISH, "pl", 7, TRANSCRIPT, stop, steps=8)
    assert next(events).step == 0 and next(events).step == 1
    stop.set()
    assert "Stopped" in refused(lambda: list(events))
    assert isinstance(run(model)[-1], CloneResult)  # the next run is whole
    stop_first = threading.Event()
    stop_first.set()
    assert "Stopped" in refused(lambda: run(model, stop=stop_first))


def test_a_long_recording_is_cut_to_what_the_model_was_made_for_and_said(model):
    result = run(model, voice(seconds=15.0))[-1]
    assert result.trimmed and result.reference_seconds == pytest.approx(clone.REFERENCE_SECONDS)
    clip, trimmed = clone.reference_clip(voice(seconds=4.0))
    assert not trimmed and len(clip) == 4 * recording.RATE
    assert message("speech.clone.trimmed", "en", seconds="10") in english(clone.describe, result)


def english(function, *args) -> str:
    from shared import i18n

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n, "current_language", lambda: "en")
        return function(*args)


def test_describe_and_summary_tell_the_facts_in_both_languages(model):
    from shared import i18n

    result = run(model, ref_text=None)[-1]
    line = english(clone.describe, result)
    codebooks, frames = result.tokens.shape
    assert f"{codebooks * frames} audio codes" in line and "8 steps" in line and "seed 7" in line
    assert "no transcript" in line
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n, "current_language", lambda: "pl")
        assert "ziarno 7" in clone.describe(result)
    facts = clone.summary(result)
    assert facts["sample_rate"] == SAMPLING_RATE and facts["codebooks"] == CODEBOOKS and facts["frames"] == frames
    assert facts["language"] == "pl" and facts["steps"] == 8 and facts["transcript_used"] is False


# ---------------------------------------------------------------- refused in words

def polish(call) -> str:
    """The Polish text of the LabError that ``call()`` raises (``refused`` gives the English one)."""
    from shared.errors import LabError

    with pytest.raises(LabError) as caught:
        call()
    return caught.value.text("pl")


@pytest.mark.parametrize("consent", [False, None])
def test_no_cloning_without_consent_in_either_language(model, consent):
    assert "consent box" in refused(lambda: run(model, consent=consent))
    assert "pole zgody" in polish(lambda: run(model, consent=consent))


def test_consent_must_be_a_yes_or_a_no():
    assert "true or false" in refused(lambda: clone.check_request("yes", POLISH, "pl", 0, 8))


def test_without_consent_nothing_else_is_looked_at():
    # the refusal names consent even when everything else is wrong too
    assert "consent" in refused(lambda: clone.check_request(False, "", "xx", -1, 0))


@pytest.mark.parametrize("text, says", [("", "Write"), ("   \n", "Write"), ("a" * 10**5, "100000"),
                                        ("😀🎉👍", "no words"), ("?!… — 🎤", "no words")])
def test_bad_text_is_refused_in_words(text, says):
    assert says in refused(lambda: clone.check_request(True, text, "pl", 0, 8))


def test_bad_text_is_refused_in_polish_too():
    assert "Napisz, co ma powiedzieć" in polish(lambda: clone.check_request(True, "", "pl", 0, 8))
    assert "emoji" in polish(lambda: clone.check_request(True, "😀🎉👍", "pl", 0, 8))
    assert "100000 znaków" in polish(lambda: clone.check_request(True, "a" * 10**5, "pl", 0, 8))


def test_other_values_are_refused_in_words():
    assert "pl" in refused(lambda: clone.check_request(True, POLISH, "xx", 0, 8))
    assert refused(lambda: clone.check_request(True, POLISH, "pl", -1, 8))
    assert refused(lambda: clone.check_request(True, POLISH, "pl", 0, 1000))


def test_on_a_cpu_cloning_is_refused_unless_asked_for(monkeypatch):
    monkeypatch.setenv("LAB_DEVICE", "cpu")
    monkeypatch.delenv(clone.CPU_VARIABLE)
    assert not clone.can_clone()
    assert "GPU" in refused(lambda: clone.check_request(True, POLISH, "pl", 0, 8))
    assert "karty graficznej" in polish(lambda: clone.check_request(True, POLISH, "pl", 0, 8))
    assert "consent" in refused(lambda: clone.check_request(False, POLISH, "pl", 0, 8))  # consent is asked first
    monkeypatch.setenv(clone.CPU_VARIABLE, "1")
    assert clone.can_clone() and clone.check_request(True, POLISH, "pl", 0, 8).language == "pl"


def test_recordings_too_short_too_long_or_not_sound_are_refused_before_cloning(tmp_path):
    short, long, text = tmp_path / "short.wav", tmp_path / "long.wav", tmp_path / "notes.wav"
    sf.write(short, 0.3 * np.ones(int(0.2 * 16000), dtype=np.float32), 16000)
    sf.write(long, np.zeros(10 * 60 * 8000, dtype=np.int16), 8000, subtype="PCM_16")  # 10 minutes
    text.write_text("not a recording")
    assert "0.2 s" in refused(lambda: recording.read_recording(short))
    assert "600 s" in refused(lambda: recording.read_recording(long))
    assert "not a sound recording" in refused(lambda: recording.read_recording(text))
