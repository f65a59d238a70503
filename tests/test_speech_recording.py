"""speech.recording: a visitor's recording read from its header first, brought to 16 kHz mono
float32, and every kind of bad file refused with its own translated sentence."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from conftest import garble_frames, refused, register_texts

from shared import i18n
from shared.errors import LabError
from shared.texts import Family
from speech import recording

register_texts("speech")


def tone(seconds: float, rate: int, channels: int = 1, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(round(seconds * rate))) / rate
    mono = level * np.sin(2 * np.pi * 220 * t)
    return np.stack([mono * (1 + c) / channels for c in range(channels)], axis=1).astype(np.float32)


def written(tmp_path, samples, rate, name="voice.wav", subtype="FLOAT"):
    path = tmp_path / name
    sf.write(str(path), samples, rate, subtype=subtype)
    return path


def key_of(call) -> tuple[str, dict]:
    with pytest.raises(LabError) as raised:
        call()
    return raised.value.key, raised.value.values


def test_a_stereo_recording_at_48_khz_becomes_its_channels_average_at_16_khz(tmp_path):
    import librosa

    samples = tone(2.0, 48000, channels=2)
    read = recording.read_recording(written(tmp_path, samples, 48000))
    expected = librosa.resample(samples.mean(axis=1), orig_sr=48000, target_sr=16000)
    assert read.rate == 16000 and read.samples.dtype == np.float32 and read.seconds == pytest.approx(2.0)
    np.testing.assert_allclose(read.samples, expected, atol=1e-6)
    at_16k = tone(1.5, 16000)[:, 0]
    assert np.array_equal(recording.read_recording(written(tmp_path, at_16k, 16000, "a.wav")).samples, at_16k)


@pytest.mark.parametrize("rate, accepted", [(7999, False), (8000, True), (192000, True), (192001, False)])
def test_rates_from_8_to_192_khz_are_read(tmp_path, rate, accepted):
    path = written(tmp_path, tone(1.2, rate), rate)
    if accepted:
        assert recording.read_recording(path).seconds == pytest.approx(1.2, abs=1e-3)
    else:
        assert key_of(lambda: recording.read_recording(path))[0] == "speech.error.not_audio"


def test_up_to_eight_channels_are_read(tmp_path):
    assert recording.read_recording(written(tmp_path, tone(1.0, 16000, channels=8), 16000)).seconds == 1.0
    nine = written(tmp_path, tone(1.0, 16000, channels=9), 16000, "nine.wav")
    assert key_of(lambda: recording.read_recording(nine))[0] == "speech.error.not_audio"


def test_the_length_limits_are_inclusive_and_their_refusals_say_the_seconds(tmp_path):
    assert recording.read_recording(written(tmp_path, tone(1.0, 16000), 16000, "one.wav")).seconds == 1.0
    assert recording.read_recording(written(tmp_path, tone(5.0, 16000), 16000, "five.wav"),
                                    max_seconds=5.0).seconds == 5.0
    short = written(tmp_path, tone(0.99, 16000), 16000, "short.wav")
    assert key_of(lambda: recording.read_recording(short)) == ("speech.error.recording_too_short",
                                                               {"seconds": i18n.number(0.99), "low": "1"})
    long = written(tmp_path, tone(5.4, 16000), 16000, "long.wav")
    assert key_of(lambda: recording.read_recording(long, max_seconds=5.0)) == (
        "speech.error.recording_too_long", {"seconds": "5", "high": "5"})


def garbled_flac(folder):
    """A FLAC file whose header is intact (two seconds, 16 kHz) and whose frames are noise: the
    header passes, decoding the samples fails."""
    path = garble_frames(written(folder, tone(2.0, 16000), 16000, "whole.flac", subtype="PCM_16"))
    assert sf.info(str(path)).frames == 32000
    return path


@pytest.mark.parametrize("make, key", [
    (lambda p: None, "speech.error.no_recording"),
    (lambda p: 42, "speech.error.no_recording"),
    (lambda p: str(p), "speech.error.no_recording"),  # a folder
    (lambda p: str(p / "gone.wav"), "speech.error.no_recording"),
    (lambda p: (p / "t.wav").write_text("not sound at all\n" * 40) and str(p / "t.wav"), "speech.error.not_audio"),
    (lambda p: str(written(p, np.zeros((0, 1), np.float32), 16000, "empty.wav")), "speech.error.not_audio"),
    (lambda p: str(written(p, np.full((16000, 1), np.nan, np.float32), 16000, "nan.wav")), "speech.error.not_audio"),
    (lambda p: str(written(p, np.zeros((16000, 1), np.float32), 16000, "silent.wav")), "speech.error.silent_recording"),
    # one sample has a length, just far too short a one
    (lambda p: str(written(p, np.full((1, 1), 0.5, np.float32), 16000, "one.wav")), "speech.error.recording_too_short"),
    (lambda p: str(garbled_flac(p)), "speech.error.not_audio"),
])
def test_each_bad_file_gets_its_own_sentence(tmp_path, make, key):
    path = make(tmp_path)
    assert key_of(lambda: recording.read_recording(path))[0] == key
    assert refused(lambda: recording.read_recording(path))  # a sentence, never empty


def test_a_recording_just_above_minus_60_db_is_a_voice_and_just_below_is_silence():
    quiet = np.full(16000, 1.001 * recording.SILENCE_PEAK, np.float32)
    assert recording.from_samples(quiet, 16000).seconds == 1.0
    with pytest.raises(LabError):
        recording.from_samples(np.full(16000, 0.999 * recording.SILENCE_PEAK, np.float32), 16000)
    with pytest.raises(LabError):
        recording.from_samples(np.zeros(0, np.float32), 16000)
    assert recording.from_samples(np.ones(1, np.float64) * 0.5, 16000).samples.dtype == np.float32


def test_at_rate_gives_float32_at_16_khz():
    samples = np.sin(np.arange(24000) / 10).astype(np.float64)
    moved = recording.at_rate(samples, 24000)
    assert moved.dtype == np.float32 and len(moved) == 16000
    assert recording.at_rate(samples[:16000], 16000).dtype == np.float32


ERRORS = Family("speech.meter.error", recording.SAMPLE_PROBLEMS)


def test_the_sample_check_is_inclusive_at_both_ends_and_names_the_callers_message():
    check = lambda samples: recording.check_samples(samples, errors=ERRORS, min_seconds=0.5, max_seconds=2.0)  # noqa: E731
    assert check(np.zeros(8000, np.float64)).dtype == np.float32  # exactly 0.5 s
    assert len(check(np.zeros(32000))) == 32000  # exactly 2 s
    assert key_of(lambda: check(np.zeros(7999))) == ("speech.meter.error.too_short",
                                                     {"seconds": i18n.number(7999 / 16000), "low": "0.5"})
    assert key_of(lambda: check(np.zeros(32001 + 8000))) == ("speech.meter.error.too_long",
                                                             {"seconds": "3", "high": "2"})
    assert key_of(lambda: check(np.zeros((2, 16000))))[0] == "speech.meter.error.no_audio"
    assert key_of(lambda: check(np.zeros(0)))[0] == "speech.meter.error.no_audio"
    assert key_of(lambda: check(np.full(16000, np.inf)))[0] == "speech.meter.error.broken_audio"
