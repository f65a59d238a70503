"""Audio separation: Demucs through the production loader (with Demucs' own tiny test model),
the classical separators measured on synthetic mixes, every kind of bad audio, and the tab's
event with its checks, its Stop and its memory messages."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest
import soundfile as sf
import torch
from conftest import garble_frames, register_texts
from tiny_models import export_tiny_demucs

from audio_separation import audio_io, classical, deep, separation
from audio_separation.metrics import level_db, signal_to_distortion_ratio
from shared import i18n, models, spectrogram, ui
from shared.errors import LabError

register_texts("audio_separation")
RATE = 44100
SIX_SOURCES = ["drums", "bass", "other", "vocals", "guitar", "piano"]


@pytest.fixture
def tiny_models(tmp_path, monkeypatch):
    """Both registry entries pointed at tiny local models, and released again afterwards."""
    monkeypatch.setenv("LAB_MODEL_AUDIO_SEPARATION", str(export_tiny_demucs(tmp_path / "four")))
    monkeypatch.setenv("LAB_MODEL_AUDIO_SEPARATION_6S", str(export_tiny_demucs(tmp_path / "six", SIX_SOURCES)))
    yield
    models.release("audio_separation")
    models.release("audio_separation_6s")


def tone_mix(seconds=2.0, rate=RATE, channels=2):
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 1760 * t)
    return np.stack([mono * (1 - 0.2 * c) for c in range(channels)]).astype(np.float32)


def write_wav(path, samples, rate=RATE, subtype="PCM_16"):
    sf.write(str(path), np.asarray(samples).T, rate, subtype=subtype)
    return path


def message_of(raised) -> str:
    """The text the visitor reads: a compute function's LabError, or the event's gr.Error."""
    return str(raised.value.message if isinstance(raised.value, gr.Error) else raised.value)


# --- Demucs through the production path ----------------------------------------------------

def test_tiny_demucs_loads_from_a_local_folder_like_a_hub_id_and_separates(tiny_models, tmp_path):
    clip = write_wav(tmp_path / "song.wav", tone_mix(1.2))
    result = separation.run(str(clip), "htdemucs", use_first=False, seconds=60, shifts=0)
    assert models.is_loaded("audio_separation")
    assert list(result.stems) == ["drums", "bass", "other", "vocals"]
    assert result.rate == 44100 and result.mix.shape == (2, 52920)
    assert all(stem.shape == result.mix.shape and stem.dtype == np.float32 for stem in result.stems.values())
    assert all(np.isfinite(stem).all() for stem in result.stems.values())
    assert np.allclose(result.residual, result.mix - sum(result.stems.values()), atol=1e-6)

    mix_path, stem_paths, residual_path, _ = separation.save(result, "wav", "my song.wav")
    for label, path in [("mix", mix_path), *stem_paths.items(), ("residual", residual_path)]:
        info = sf.info(str(path))
        assert path.name == f"my_song_{label}.wav"
        assert (info.samplerate, info.channels, info.frames, info.subtype) == (44100, 2, 52920, "PCM_16")
    mp3_paths = separation.save(result, "mp3", "clip.flac")[1]
    assert sf.info(str(mp3_paths["vocals"])).format == "MP3"


def test_six_source_model_and_the_two_stem_mode(tiny_models, tmp_path):
    clip = write_wav(tmp_path / "song.wav", tone_mix(1.2))
    full = separation.run(str(clip), "htdemucs_6s", shifts=0)
    assert list(full.stems) == SIX_SOURCES
    karaoke = separation.run(str(clip), "htdemucs_6s", stems="guitar", shifts=0)
    assert list(karaoke.stems) == ["guitar", "no_guitar"]
    # the same (deterministic) network: the two stems are guitar and the sum of the other five
    assert np.allclose(karaoke.stems["guitar"], full.stems["guitar"], atol=1e-5)
    others = sum(full.stems[s] for s in SIX_SOURCES if s != "guitar")
    assert np.allclose(karaoke.stems["no_guitar"], others, atol=1e-4)
    with pytest.raises(LabError) as raised:
        separation.run(str(clip), "htdemucs", stems="guitar")
    assert "guitar" in message_of(raised) and "vocals" in message_of(raised)


def test_demucs_own_test_model_by_name(monkeypatch, tmp_path):
    monkeypatch.setenv("LAB_MODEL_AUDIO_SEPARATION", deep.UNITTEST_MODEL)
    try:
        result = separation.run(str(write_wav(tmp_path / "a.wav", tone_mix(1.2))), "htdemucs", shifts=1)
        assert list(result.stems) == ["drums", "bass", "other", "vocals"]
        assert result.model_id == "demucs_unittest"
    finally:
        models.release("audio_separation")


def test_a_model_that_cannot_be_loaded_is_named_in_the_message(monkeypatch, tmp_path):
    monkeypatch.setenv("LAB_MODEL_AUDIO_SEPARATION", "lab-tests/no-such-demucs")  # offline, not cached
    clip = write_wav(tmp_path / "a.wav", tone_mix(1.2))
    with pytest.raises(models.ModelUnavailable) as raised:
        separation.run(str(clip), "htdemucs")
    assert "lab-tests/no-such-demucs" in message_of(raised) and "network" in message_of(raised)
    assert "could not be loaded" in models.status_markdown("audio_separation")
    # a folder whose metadata names a class outside Demucs is refused, not imported
    monkeypatch.setenv("LAB_MODEL_AUDIO_SEPARATION", str(export_tiny_demucs(tmp_path / "bad", klass="os.system")))
    with pytest.raises(models.ModelUnavailable):
        separation.run(str(clip), "htdemucs")


class RunsOutOfMemoryOnLongChunks(torch.nn.Module):
    """A real (tiny) network that behaves like a GPU without room: chunks longer than
    ``fits`` samples raise torch.OutOfMemoryError. It returns the mix as the only source."""

    def __init__(self, fits: int):
        super().__init__()
        self.gain = torch.nn.Parameter(torch.ones(1))
        self.sources, self.samplerate, self.audio_channels, self.segment = ["all"], RATE, 2, 4.0
        self.fits, self.chunk_lengths = fits, []

    def forward(self, mix):
        self.chunk_lengths.append(mix.shape[-1])
        if mix.shape[-1] > self.fits:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated by the test network)")
        return (mix * self.gain)[:, None]


def test_out_of_memory_is_retried_with_smaller_segments_then_reported():
    mix = tone_mix(6.0)
    network = RunsOutOfMemoryOnLongChunks(fits=int(2.5 * RATE))
    out = deep.separate(network, mix, RATE, device="cpu", shifts=0)
    assert max(network.chunk_lengths) == 4 * RATE and network.chunk_lengths[-1] <= 2 * RATE
    assert np.allclose(out["all"], mix, atol=1e-4)  # the smaller pieces still cover the whole clip
    # Nothing fits: every segment length is tried, down to the smallest, then torch's error goes
    # on to the UI boundary of the event, which turns it into the translated message.
    never_fits = RunsOutOfMemoryOnLongChunks(fits=10)
    with pytest.raises(torch.OutOfMemoryError):
        deep.separate(never_fits, mix, RATE, device="cpu", shifts=0)
    assert min(never_fits.chunk_lengths) == int(deep.SEGMENT_FRACTIONS[-1] * never_fits.segment * RATE)
    with pytest.raises(gr.Error) as raised:
        ui.handler(deep.separate)(RunsOutOfMemoryOnLongChunks(fits=10), mix, RATE, device="cpu", shifts=0)
    assert message_of(raised) == i18n.message("shared.gpu.out_of_memory")


def test_stop_ends_a_demucs_run(tiny_models, tmp_path):
    stop = threading.Event()
    stop.set()
    with pytest.raises(LabError) as raised:
        separation.run(str(write_wav(tmp_path / "a.wav", tone_mix(1.5))), "htdemucs", stop=stop)
    assert message_of(raised) == i18n.message("audio_separation.error.stopped")


# --- classical separators ------------------------------------------------------------------

def tones_and_clicks(seconds=3.0):
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * RATE)) / RATE
    tones = sum(0.2 / k * np.sin(2 * np.pi * 220 * k * t) for k in range(1, 5)) + 0.15 * np.sin(2 * np.pi * 330 * t)
    clicks = np.zeros_like(t)
    for start in range(0, len(t) - 300, RATE // 4):  # four decaying noise bursts per second
        clicks[start:start + 300] += 0.8 * rng.standard_normal(300) * np.exp(-np.arange(300) / 40)
    return np.stack([tones] * 2), np.stack([clicks] * 2)


def test_hpss_improves_the_sdr_of_both_parts_of_tones_plus_clicks():
    tones, clicks = tones_and_clicks()
    mix = (tones + clicks).astype(np.float32)
    parts = classical.harmonic_percussive(mix, RATE)
    for name, reference in (("harmonic", tones), ("percussive", clicks)):
        before = signal_to_distortion_ratio(reference, mix)
        after = signal_to_distortion_ratio(reference, parts[name])
        assert after > 10.0 and after - before > 10.0, (name, before, after)
    # margin 1: the two masks share every cell, the parts add back up to the mix
    assert level_db(mix - parts["harmonic"] - parts["percussive"]) < level_db(mix) - 40
    strict = classical.harmonic_percussive(mix, RATE, margin=4.0)
    assert level_db(mix - strict["harmonic"] - strict["percussive"]) > level_db(mix) - 25


def test_repet_separates_a_repeating_loop_from_a_gliding_voice():
    rng = np.random.default_rng(1)
    seconds, loop = 10.0, RATE // 2
    t = np.arange(int(seconds * RATE)) / RATE
    bar = np.zeros(loop)
    bar[:400] = rng.standard_normal(400) * np.exp(-np.arange(400) / 60)
    within = np.arange(loop) / RATE
    bar += 0.3 * np.where(within < 0.25, np.sin(2 * np.pi * 110 * within), np.sin(2 * np.pi * 165 * within))
    background = np.tile(bar, len(t) // loop + 1)[: len(t)]
    pitch = 600 + 300 * np.sin(2 * np.pi * 0.13 * t)  # never repeats within the clip
    voice = 0.25 * np.sin(2 * np.pi * np.cumsum(pitch) / RATE) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t))
    mix = np.stack([background + voice] * 2).astype(np.float32)
    parts = classical.repeating_background(mix, RATE)
    for name, reference in (("background", background), ("foreground", voice)):
        before = signal_to_distortion_ratio(np.stack([reference] * 2), mix)
        after = signal_to_distortion_ratio(np.stack([reference] * 2), parts[name])
        assert after - before > 4.0, (name, before, after)


def test_classical_methods_run_through_the_same_pipeline(tmp_path):
    tones, clicks = tones_and_clicks(2.0)
    clip = write_wav(tmp_path / "mix.wav", (tones + clicks) * 0.8)
    result = separation.run(str(clip), "hpss")
    assert list(result.stems) == ["harmonic", "percussive"] and result.model_id is None
    assert [row[0] for row in separation.levels(result)] == ["harmonic", "percussive", "residual"]
    assert list(separation.run(str(clip), "repet").stems) == ["foreground", "background"]


def test_spectrograms_share_one_scale():
    tones, clicks = tones_and_clicks(2.0)
    mix_power = spectrogram.mel_power(tones + clicks, RATE)
    picture = spectrogram.render(mix_power, RATE, float(mix_power.max()), time_label="t", frequency_label="f")
    assert picture.ndim == 3 and picture.shape[2] == 3 and picture.dtype == np.uint8
    quiet = spectrogram.render(spectrogram.mel_power(0.01 * clicks, RATE), RATE, float(mix_power.max()),
                               time_label="t", frequency_label="f")
    assert quiet.shape == picture.shape and quiet.mean() < picture.mean()  # darker on the mix's scale


# --- bad audio -----------------------------------------------------------------------------

def read(path, **kw):
    return audio_io.read_clip(str(path), limit=kw.pop("limit", 60.0), use_first=kw.pop("use_first", True),
                              seconds=kw.pop("seconds", 30.0), **kw)


@pytest.mark.parametrize("make, key", [
    (lambda p: p.write_bytes(b""), "audio_separation.error.empty_file"),
    (lambda p: p.write_text("this is not audio, only text\n" * 20), "audio_separation.error.not_audio"),
    (lambda p: p.write_bytes(write_wav(p, tone_mix(2.0)).read_bytes()[:30]), "audio_separation.error.not_audio"),
])
def test_unreadable_files_get_clear_messages(tmp_path, make, key):
    path = tmp_path / "upload.wav"
    make(path)
    with pytest.raises(LabError) as raised:
        read(path)
    assert message_of(raised) == i18n.message(key)


def refusal(call) -> tuple[str, dict]:
    with pytest.raises(LabError) as raised:
        call()
    return raised.value.key, raised.value.values


def test_each_unusable_input_is_refused_with_its_own_key_and_numbers(tmp_path):
    (tmp_path / "folder.wav").mkdir()
    empty_header = write_wav(tmp_path / "no_frames.wav", np.zeros((2, 0)))
    song = write_wav(tmp_path / "song.wav", tone_mix(3.0))
    assert refusal(lambda: audio_io.read_clip("  ", limit=60, use_first=True, seconds=30))[0] == (
        "audio_separation.error.missing")
    for path in (42, tmp_path / "gone.wav", tmp_path / "folder.wav"):
        assert refusal(lambda path=path: audio_io.read_clip(path, limit=60, use_first=True, seconds=30))[0] == (
            "audio_separation.error.not_audio")
    assert refusal(lambda: read(empty_header))[0] == "audio_separation.error.no_samples"
    assert refusal(lambda: read(song, start=3.0)) == ("audio_separation.error.start_after_end",
                                                      {"start": "3", "duration": "3"})
    assert refusal(lambda: read(song, use_first=False, limit=2.5)) == ("audio_separation.error.too_long",
                                                                       {"duration": "3", "limit": "2.5"})
    assert read(song, use_first=False, limit=3.0).seconds == pytest.approx(3.0)  # the limit itself is allowed
    assert refusal(lambda: read(song, start=2.5)) == ("audio_separation.error.too_short",
                                                      {"duration": "0.5", "limit": "1"})


def test_a_window_from_a_start_is_read_from_there_and_said_so(tmp_path):
    samples = tone_mix(4.0)
    song = write_wav(tmp_path / "song.wav", samples, subtype="FLOAT")
    clip = read(song, start=1.5, seconds=2.0)
    assert clip.start == 1.5 and clip.file_seconds == pytest.approx(4.0) and clip.seconds == pytest.approx(2.0)
    np.testing.assert_array_equal(clip.samples, samples[:, int(1.5 * RATE):int(3.5 * RATE)])
    assert clip.notes == [i18n.message("audio_separation.note.window", start="1.5", end="3.5", duration="4")]
    whole = read(song, start=1.5, seconds=2.5)  # exactly what is left: no window to mention
    assert whole.notes == [] and whole.seconds == pytest.approx(2.5)


def cut_mp3(folder, seconds: float, *, parts: int):
    """An MP3 of ``seconds`` of music cut to the first 1/``parts`` of its bytes: its header still
    gives the whole length, as after an interrupted download."""
    sf.write(str(folder / "whole.mp3"), tone_mix(seconds).T, RATE, format="MP3", subtype="MPEG_LAYER_III")
    mp3 = (folder / "whole.mp3").read_bytes()
    (folder / "cut.mp3").write_bytes(mp3[: len(mp3) // parts])
    return folder / "cut.mp3"


def test_a_file_shorter_than_its_header_says_is_noted_with_both_lengths(tmp_path):
    clip = read(cut_mp3(tmp_path, 3.0, parts=2))
    got = clip.samples.shape[-1] / RATE
    assert 1.0 < got < clip.file_seconds
    assert clip.notes == [i18n.message("audio_separation.note.truncated", expected=audio_io._seconds(clip.file_seconds),
                                       got=audio_io._seconds(got))]


def test_missing_input_and_silence_and_tiny_clips(tmp_path):
    with pytest.raises(LabError) as raised:
        audio_io.read_clip(None, limit=60, use_first=True, seconds=30)
    assert message_of(raised) == i18n.message("audio_separation.error.missing")
    with pytest.raises(LabError) as raised:
        read(write_wav(tmp_path / "silence.wav", np.zeros((2, RATE * 2))))
    assert message_of(raised) == i18n.message("audio_separation.error.silent")
    with pytest.raises(LabError) as raised:
        read(write_wav(tmp_path / "blip.wav", tone_mix(0.05)))
    assert "0.05 s" in message_of(raised) and "at least 1 s" in message_of(raised)
    nan = tone_mix(2.0)
    nan[0, 100] = np.nan
    with pytest.raises(LabError) as raised:
        read(write_wav(tmp_path / "nan.wav", nan, subtype="FLOAT"))
    assert message_of(raised) == i18n.message("audio_separation.error.not_finite")


def test_truncated_files_are_read_as_far_as_they_go(tmp_path):
    whole = write_wav(tmp_path / "whole.wav", tone_mix(3.0)).read_bytes()
    (tmp_path / "cut.wav").write_bytes(whole[: len(whole) // 2])
    assert abs(read(tmp_path / "cut.wav").seconds - 1.5) < 0.01
    clip = read(cut_mp3(tmp_path, 3.0, parts=2))
    assert clip.seconds < 2.0 and any("ended early" in note for note in clip.notes)


@pytest.mark.parametrize("rate, channels, note", [
    (44100, 1, "Mono recording"),
    (8000, 2, "Recorded at 8000 Hz: resampled to 44100 Hz. Such a recording has no sound above 4 kHz"),
    (48000, 2, "Recorded at 48000 Hz: resampled to 44100 Hz"),
    (44100, 6, "Six channels (5.1)"),
    (22050, 3, "3 channels"),
])
def test_every_format_becomes_44k_stereo_with_a_note(tmp_path, rate, channels, note):
    path = write_wav(tmp_path / "clip.wav", tone_mix(1.5, rate=rate, channels=channels), rate=rate)
    mix, notes = audio_io.to_working_format(read(path))
    assert mix.shape == (2, int(1.5 * 44100)) and mix.dtype == np.float32
    assert any(n.startswith(note) for n in notes), notes


def test_surround_centre_reaches_both_sides(tmp_path):
    centre_only = np.zeros((6, RATE))
    centre_only[2] = 0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
    mix, _ = audio_io.to_working_format(read(write_wav(tmp_path / "c.wav", centre_only)))
    assert np.allclose(mix[0], mix[1]) and np.abs(mix).max() > 0.1


def test_rates_and_channel_counts_out_of_range_are_refused(tmp_path):
    with pytest.raises(LabError) as raised:
        read(write_wav(tmp_path / "low.wav", tone_mix(2.0, rate=4000), rate=4000))
    assert "4000 Hz" in message_of(raised)
    with pytest.raises(LabError) as raised:
        read(write_wav(tmp_path / "many.wav", tone_mix(1.0, channels=12)))
    assert "12 channels" in message_of(raised)


def test_long_clips_need_the_first_n_seconds_option(tmp_path):
    path = write_wav(tmp_path / "long.wav", tone_mix(70.0, rate=8000, channels=1), rate=8000)
    with pytest.raises(LabError) as raised:
        read(path, use_first=False, limit=60.0)
    assert message_of(raised).startswith("The clip is 70 s long; this server separates at most 60 s per run")
    clip = read(path, use_first=True, seconds=12, start=30.0)
    assert abs(clip.seconds - 12) < 1e-3 and clip.start == 30.0
    assert clip.notes == ["Used 30–42 s of the 70 s clip."]
    with pytest.raises(LabError) as raised:
        read(path, start=80.0)
    assert "past the end" in message_of(raised)


@pytest.mark.parametrize("device, demucs_limit", [("cpu", separation.CPU_LIMIT_S), ("cuda", separation.GPU_LIMIT_S)])
def test_only_demucs_on_a_gpu_takes_longer_clips(monkeypatch, device, demucs_limit):
    monkeypatch.setenv("LAB_DEVICE", device)  # what shared.device.by_hardware asks first
    assert separation.limit_seconds("htdemucs") == separation.limit_seconds("htdemucs_6s") == demucs_limit
    assert separation.limit_seconds("hpss") == separation.limit_seconds("repet") == separation.CPU_LIMIT_S



# --- the tab's event: checks, pictures, Stop, memory ----------------------------------------

def no_progress(fraction, desc=None):
    """What the event's gr.Progress is given, for calls outside a running app."""


def test_a_runs_spectrograms_share_the_mix_scale_and_its_time_axis(tmp_path):
    tones, clicks = tones_and_clicks(3.0)
    result = separation.run(str(write_wav(tmp_path / "mix.wav", 0.8 * (tones + clicks))), "hpss", start=0.5)
    mix_picture, stem_pictures, residual_picture = separation.spectrograms(result)
    mix_power = spectrogram.mel_power(result.mix, RATE)
    drawn_as = {"time_label": i18n.message("audio_separation.axis.time"), "start": 0.5,
                "frequency_label": i18n.message("audio_separation.axis.frequency")}
    assert np.array_equal(mix_picture, spectrogram.render(mix_power, RATE, float(mix_power.max()), **drawn_as))
    assert list(stem_pictures) == ["harmonic", "percussive"]
    for name, picture in stem_pictures.items():  # on the mix's reference, not on the stem's own loudest cell
        power = spectrogram.mel_power(result.stems[name], RATE)
        assert np.array_equal(picture, spectrogram.render(power, RATE, float(mix_power.max()), **drawn_as)), name
    assert residual_picture.shape == mix_picture.shape and residual_picture.mean() < mix_picture.mean()


@pytest.mark.parametrize("setting, value, english", [
    ("method", "evil", "“Method” must be one of: htdemucs, htdemucs_6s, hpss, repet."),
    ("stems", "kazoo", "“Stems (Demucs)” must be one of: all, vocals, drums, bass, other, guitar, piano."),
    ("use_first", "yes", "“Use only the first N seconds” must be true or false."),
    ("seconds", 61, "“N (seconds)” must be between 1 and 60 (got 61)."),  # the classical methods' limit
    ("seconds", 0, "“N (seconds)” must be between 1 and 60 (got 0)."),
    ("start", -5, "“Start at (seconds)” must be between 0 and 3600 (got -5)."),
    ("shifts", 1.5, "“Shifts (Demucs)” must be a whole number."),
    ("margin", 9, "“Margin (HPSS)” must be between 1 and 8 (got 9)."),
    ("audio_format", "ogg", "“File format” must be one of: wav, mp3."),
])
def test_the_event_checks_every_setting_before_any_work(monkeypatch, tmp_path, setting, value, english):
    from audio_separation import ui as tab

    monkeypatch.setenv("LAB_DEVICE", "cpu")
    monkeypatch.setattr(separation, "run", lambda *args, **kwargs: pytest.fail("a refused setting reached the run"))
    settings = {"method": "hpss", "stems": "all", "use_first": True, "seconds": 20, "start": 0, "shifts": 1,
                "margin": 1.0, "audio_format": "wav", setting: value}
    clip = {"path": str(write_wav(tmp_path / "a.wav", tone_mix(1.2)))}
    with pytest.raises(gr.Error) as raised:
        tab.separate(clip, **settings, request=None, progress=no_progress)
    assert raised.value.message == english


def test_the_event_fills_a_slot_per_stem_and_hides_the_others(tmp_path):
    from audio_separation import ui as tab

    tones, clicks = tones_and_clicks(1.5)
    clip = {"path": str(write_wav(tmp_path / "mix.wav", 0.8 * (tones + clicks)))}
    # start None: what an emptied number box sends, read as "from the beginning"
    summary, mix, mix_picture, *slots, residual, residual_picture, files = tab.separate(
        clip, "hpss", "all", True, 20, None, 1, 1.0, "wav", request=None, progress=no_progress)
    assert len(slots) == 2 * tab.STEM_SLOTS == 12
    assert [slot["visible"] for slot in slots] == [True] * 4 + [False] * 8
    assert [slot["value"] for slot in slots[4:]] == [None] * 8
    assert [slot["label"] for slot in slots[:4]] == [
        "Harmonic part (held notes)", "Spectrogram: Harmonic part (held notes)",
        "Percussive part (hits)", "Spectrogram: Percussive part (hits)"]
    assert slots[1]["value"].shape == mix_picture.shape == residual_picture.shape
    assert sf.info(mix).frames == sf.info(residual).frames == int(1.5 * RATE)  # the whole clip, from 0 s
    assert files == [mix, slots[0]["value"], slots[2]["value"], residual]
    assert "| Harmonic part (held notes) |" in summary and "| Residual (mix − sum of stems) |" in summary


def test_stop_ends_the_run_of_its_own_session_only(tiny_models, tmp_path):
    from audio_separation import ui as tab

    clip = {"path": str(write_wav(tmp_path / "a.wav", tone_mix(1.5)))}
    asked = []

    def progress(fraction, desc=None):
        if desc == i18n.message("audio_separation.progress.network") and not asked:
            asked.append(tab.STOP.stop("someone-else"))  # no run of another visitor to stop
            asked.append(tab.STOP.stop("visitor"))       # the Stop button of this one

    with pytest.raises(gr.Error) as raised:
        tab.separate(clip, "htdemucs", "all", True, 20, 0, 0, 1.0, "wav",
                     request=SimpleNamespace(session_hash="visitor"), progress=progress)
    assert raised.value.message == i18n.message("audio_separation.error.stopped")
    assert asked == [False, True]
    assert not tab.STOP.stop("visitor")  # the stopped run is forgotten


def test_the_stop_button_signals_this_session_and_cancels_the_event():
    from app import build_app
    from audio_separation import ui as tab

    page = build_app(["audio_separation"], header=False)
    events = list(page.fns.values())
    run = next(fn for fn in events if fn.api_name == "separate")
    stop = next(fn for fn in events if fn.api_name == "audio_separation_stop")
    assert run.preprocess is False
    assert [fn.cancels for fn in events if fn.is_cancel_function and fn.targets == stop.targets] == [[run._id]]
    with tab.STOP.running("visitor") as visitors_run, tab.STOP.running("other") as others_run:
        stop.fn(SimpleNamespace(session_hash="visitor"))
        assert visitors_run.is_set() and not others_run.is_set()


def test_the_server_running_out_of_memory_gets_a_message_and_its_memory_back(monkeypatch, tmp_path):
    import weakref

    from audio_separation import ui as tab

    held = []

    def fills_the_memory(*args, **kwargs):
        samples = np.zeros(1000)
        held.append(weakref.ref(samples))
        raise MemoryError

    monkeypatch.setattr(separation, "run", fills_the_memory)
    clip = {"path": str(write_wav(tmp_path / "a.wav", tone_mix(1.2)))}
    with pytest.raises(gr.Error) as raised:
        tab.separate(clip, "hpss", "all", True, 20, 0, 1, 1.0, "wav", request=None, progress=no_progress)
    assert raised.value.message == i18n.message("audio_separation.error.memory")
    assert held[0]() is None  # the failed run's arrays went with its frames


# --- against the libraries themselves ------------------------------------------------------------------------

def varied_stereo(seconds=1.2, seed=0):
    """Two different channels: tones, noise and clicks, so that nothing cancels or hides a mix-up."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    left = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(len(t))
    right = 0.2 * np.sin(2 * np.pi * 330 * t) + 0.1 * np.sign(np.sin(2 * np.pi * 3 * t)) + 0.02
    return np.stack([left, right]).astype(np.float32)


def demucs_reference(model, mix, shifts, seed):
    """What Demucs' own Separator (demucs.api.separate_tensor) computes: standardise the mix by its
    mono mean and std, apply_model with the tab's overlap and the model's own segment, scale back."""
    import random

    from demucs.apply import apply_model

    wav = torch.from_numpy(mix)
    mono = wav.mean(0)
    mean, std = mono.mean(), mono.std() + 1e-8
    random.seed(seed)  # the random time shifts of shifts > 0
    with torch.no_grad():
        out = apply_model(model, ((wav - mean) / std)[None], shifts=shifts, split=True, overlap=0.25,
                          device="cpu", progress=False, num_workers=0)[0]
    return {name: (out[i] * std + mean).numpy() for i, name in enumerate(model.sources)}


@pytest.mark.parametrize("shifts", [0, 2])
def test_demucs_path_equals_demucs_apply_model(tmp_path, shifts):
    import random

    model = deep.load_model(str(export_tiny_demucs(tmp_path / "four")))
    for member in model.models:
        member.segment = 0.5  # a 1.2 s clip in overlapping chunks, cross-faded as on a long song
    mix = varied_stereo()
    expected = demucs_reference(model, mix, shifts, seed=3)
    random.seed(3)
    ours = deep.separate(model, mix, RATE, device="cpu", shifts=shifts)
    assert list(ours) == list(model.sources)
    for name in model.sources:
        assert np.abs(expected[name]).max() > 1e-3
        np.testing.assert_allclose(ours[name], expected[name], atol=1e-5, rtol=1e-5, err_msg=name)


def test_a_mix_at_another_rate_goes_to_the_network_at_its_rate_and_comes_back_at_the_mix_s(tmp_path):
    """As Demucs' Separator resamples (demucs.audio.convert_audio) to the model's rate, and back to
    the mix's rate for the tab; float64 samples are read as float32."""
    import random

    from demucs.audio import convert_audio

    model = deep.load_model(str(export_tiny_demucs(tmp_path / "four")))
    for member in model.models:
        member.segment = 0.5
    rate = 22050
    mix = varied_stereo(1.2)[:, ::2].astype(np.float64)  # 1.2 s at 22.05 kHz
    at_model_rate = convert_audio(torch.from_numpy(mix.astype(np.float32)), rate, model.samplerate, 2).numpy()
    expected = demucs_reference(model, at_model_rate, shifts=0, seed=0)
    random.seed(0)
    ours = deep.separate(model, mix, rate, device="cpu", shifts=0)
    for name in model.sources:
        back = convert_audio(torch.from_numpy(expected[name]), model.samplerate, rate, 2).numpy()[:, :mix.shape[-1]]
        assert ours[name].shape == mix.shape and ours[name].dtype == np.float32
        np.testing.assert_allclose(ours[name], back, atol=1e-5, rtol=1e-5, err_msg=name)


def test_fit_trims_or_pads_with_silence_to_the_mix_s_length_as_float32():
    samples = np.arange(12, dtype=np.float64).reshape(2, 6)
    trimmed = deep._fit(samples, 4)
    assert trimmed.dtype == np.float32 and np.array_equal(trimmed, samples[:, :4])
    padded = deep._fit(samples, 9)
    assert padded.dtype == np.float32 and padded.shape == (2, 9)
    assert np.array_equal(padded[:, :6], samples) and not padded[:, 6:].any()
    assert np.array_equal(deep._fit(samples, 6), samples)


def two_member_bag(folder: Path, yaml_extra: str = "") -> Path:
    """The tiny network and a second one with other random weights, as one bag."""
    from demucs.pretrained import demucs_unittest
    from safetensors.torch import save_file

    export_tiny_demucs(folder)
    torch.manual_seed(1)
    other = demucs_unittest()
    args, kwargs = other._init_args_kwargs
    save_file({k: v.contiguous() for k, v in other.state_dict().items()}, str(folder / "tiny0002.safetensors"),
              metadata={"klass": "demucs.hdemucs.HDemucs", "args": json.dumps(list(args)),
                        "kwargs": json.dumps(kwargs)})
    (folder / "tiny.yaml").write_text("models: ['tiny0001', 'tiny0002']\n" + yaml_extra)
    return folder


def test_a_bag_s_weights_and_segment_come_from_its_yaml(tmp_path):
    """A bag such as htdemucs_ft takes each source from one member: the yaml's weights say which;
    its segment replaces the members' own."""
    import random

    from demucs.apply import BagOfModels

    mix = varied_stereo(0.8)
    equal = deep.load_model(str(two_member_bag(tmp_path / "equal")))
    assert equal.weights == [[1.0] * 4, [1.0] * 4]
    chosen = deep.load_model(str(two_member_bag(
        tmp_path / "chosen", "weights: [[1, 0, 0, 0], [0, 1, 1, 1]]\nsegment: 0.4\n")))
    assert chosen.weights == [[1, 0, 0, 0], [0, 1, 1, 1]]
    assert [member.segment for member in chosen.models] == [0.4, 0.4]
    first, second = (BagOfModels([member]) for member in chosen.models)
    for bag in (first, second):
        for member in bag.models:
            member.segment = 0.4
    random.seed(0)
    ours = deep.separate(chosen, mix, RATE, device="cpu", shifts=0)
    alone = [deep.separate(bag, mix, RATE, device="cpu", shifts=0) for bag in (first, second)]
    names = chosen.sources
    np.testing.assert_allclose(ours[names[0]], alone[0][names[0]], atol=1e-5)
    for name in names[1:]:
        np.testing.assert_allclose(ours[name], alone[1][name], atol=1e-5)
    assert not np.allclose(alone[0][names[1]], alone[1][names[1]], atol=1e-4)  # the members do differ


def test_a_folder_that_is_not_one_demucs_bag_is_refused_naming_what_is_wrong(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match=r"empty must hold exactly one Demucs bag \(\.yaml\), found 0"):
        deep.load_model(str(empty))
    folder = export_tiny_demucs(tmp_path / "bare")
    from safetensors.torch import load_file, save_file

    save_file(load_file(str(folder / "tiny0001.safetensors")), str(folder / "tiny0001.safetensors"))  # no metadata
    with pytest.raises(ValueError, match=r"tiny0001.safetensors names the class '', which is not a Demucs model"):
        deep.load_model(str(folder))


def test_demucs_progress_comes_after_each_chunk_and_rises_to_one(tmp_path):
    """One report per chunk the network has finished (not when it starts one), over every shift
    and every member of the bag: each shift of each member ends at its share of the way, and the
    run at exactly 1. (A shifted pass is up to half a second longer than the mix, so its last
    chunk may report the share its previous one did.)"""
    import random

    model = deep.load_model(str(two_member_bag(tmp_path / "bag")))
    for member in model.models:
        member.segment = 0.5
    chunks_run = []
    for member in model.models:
        member.register_forward_hook(lambda module, args, output: chunks_run.append(1))
    reports = []
    random.seed(0)
    deep.separate(model, varied_stereo(1.2), RATE, device="cpu", shifts=2,
                  on_progress=lambda fraction: reports.append((fraction, len(chunks_run))))
    fractions = [fraction for fraction, _ in reports]
    assert [done for _, done in reports] == list(range(1, len(reports) + 1))  # each after its chunk
    assert len(reports) == len(chunks_run) >= 2 * 2 * 3  # 2 members × 2 shifts × 3 or more chunks
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and max(fractions.count(f) for f in fractions) <= 2
    assert fractions[0] < 0.1  # the first of about 16 chunks
    for share in (0.25, 0.5, 0.75):
        assert share in fractions


def test_the_tab_s_demucs_run_equals_apply_model_on_its_mix(tiny_models, tmp_path):
    import random

    clip = write_wav(tmp_path / "song.wav", varied_stereo(1.0))
    model = models.load("audio_separation", deep.load_model)
    random.seed(5)
    result = separation.run(str(clip), "htdemucs", shifts=1)
    expected = demucs_reference(model, result.mix, shifts=1, seed=5)
    for name in model.sources:
        np.testing.assert_allclose(result.stems[name], expected[name], atol=1e-5, rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("margin", [1.0, 3.0])
def test_hpss_equals_librosa_effects_hpss(margin):
    import librosa

    tones, clicks = tones_and_clicks(1.5)
    mono = (tones[0] + clicks[0]).astype(np.float32)
    harmonic, percussive = librosa.effects.hpss(mono, kernel_size=31, margin=margin, n_fft=classical.N_FFT,
                                                hop_length=classical.HOP)
    # one channel, and two identical ones (the masks come from the channels' average)
    for mix in (mono[None], np.stack([mono, mono])):
        parts = classical.harmonic_percussive(mix, RATE, margin=margin)
        assert parts["harmonic"].dtype == parts["percussive"].dtype == np.float32
        for channel in range(mix.shape[0]):
            np.testing.assert_allclose(parts["harmonic"][channel], harmonic, atol=1e-5)
            np.testing.assert_allclose(parts["percussive"][channel], percussive, atol=1e-5)


def test_mel_spectrogram_equals_librosa_s_mel_filters_on_the_power_stft():
    import librosa

    mix = varied_stereo(1.5)
    power = np.abs(librosa.stft(librosa.to_mono(mix), n_fft=spectrogram.N_FFT, hop_length=spectrogram.HOP)) ** 2
    filters = librosa.filters.mel(sr=RATE, n_fft=spectrogram.N_FFT, n_mels=spectrogram.N_MELS, fmax=RATE / 2)
    expected = filters @ power
    ours = spectrogram.mel_power(mix, RATE)
    assert ours.shape == (spectrogram.N_MELS, 1 + mix.shape[-1] // spectrogram.HOP)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-6 * expected.max())


def assert_files_add_up(result):
    """The saved mix, stems and residual share one gain (turned down together if any would clip):
    read back, the stems and the residual still add up to the mix, to 16-bit steps."""
    mix_path, stem_paths, residual_path, notes = separation.save(result, "wav", "song")
    read_back = [sf.read(str(path), dtype="float32")[0].T for path in (*stem_paths.values(), residual_path)]
    mix_file = sf.read(str(mix_path), dtype="float32")[0].T
    np.testing.assert_allclose(sum(read_back), mix_file, atol=len(read_back) / 32768)
    peak = max(np.abs(s).max() for s in (result.mix, result.residual, *result.stems.values()))
    gain = 0.99 / peak if peak > 0.999 else 1.0
    np.testing.assert_allclose(mix_file, result.mix * gain, atol=1 / 32768)
    assert bool(notes) == (gain < 1.0)


@pytest.mark.parametrize("method, stems", [("hpss", "all"), ("repet", "all"), ("htdemucs", "all"),
                                           ("htdemucs", "vocals")])
def test_the_stems_and_the_residual_add_up_to_the_mix_in_memory_and_in_the_files(tiny_models, tmp_path, method,
                                                                                  stems):
    mix = varied_stereo(1.0)
    clip = write_wav(tmp_path / "song.wav", 0.9 * mix / np.abs(mix).max())
    result = separation.run(str(clip), method, stems=stems, shifts=0, hpss_margin=2.0)
    np.testing.assert_allclose(sum(result.stems.values()) + result.residual, result.mix, atol=1e-5)
    assert_files_add_up(result)


def test_stems_louder_than_full_scale_turn_every_file_down_together():
    mix = 0.5 * varied_stereo(0.5)
    loud = 3.0 * np.roll(mix, 100, axis=1)  # two stems far above full scale that cancel in the sum
    result = separation.Separation("hpss", RATE, mix, {"harmonic": loud, "percussive": mix - 1.2 * loud}, 0.0, 0.5)
    assert np.abs(result.residual).max() > 0.1
    assert_files_add_up(result)


def test_repet_equals_librosas_documented_vocal_separation_recipe():
    """librosa's gallery example "Vocal separation" (REPET-SIM): the median of each frame's
    cosine-nearest neighbours at least 2 s away, capped by the mix, soft masks of power 2 with
    margins 2 (background) and 10 (foreground); ours averages the channels' magnitudes first.
    A clip too short for 2 s keeps half its frames as candidates."""
    import librosa

    rng = np.random.default_rng(4)
    for samples in (6 * RATE, 44 * classical.REPET_HOP):  # the short one has an odd number of frames, 45
        seconds = samples / RATE
        mix = (0.3 * rng.standard_normal((2, samples))).astype(np.float32)
        spectrum = librosa.stft(mix, n_fft=2048, hop_length=classical.REPET_HOP)
        magnitude = np.abs(spectrum).mean(axis=0)
        width = int(librosa.time_to_frames(2, sr=RATE, hop_length=classical.REPET_HOP))
        if seconds < 2:
            width = (magnitude.shape[1] - 1) // 2 - 1
        repeating = np.minimum(magnitude, librosa.decompose.nn_filter(magnitude, aggregate=np.median,
                                                                      metric="cosine", width=width))
        leftover = magnitude - repeating
        masks = {"background": librosa.util.softmask(repeating, 2 * leftover, power=2),
                 "foreground": librosa.util.softmask(leftover, 10 * repeating, power=2)}
        parts = classical.repeating_background(mix, RATE)
        for name, mask in masks.items():
            expected = librosa.istft(spectrum * mask, hop_length=classical.REPET_HOP, n_fft=2048, length=mix.shape[1])
            assert parts[name].dtype == np.float32 and parts[name].shape == mix.shape
            np.testing.assert_allclose(parts[name], expected, atol=1e-5, err_msg=f"{name}, {seconds} s")


def test_sdr_and_level_are_the_textbook_formulas_in_double_precision():
    rng = np.random.default_rng(5)
    reference = rng.standard_normal((2, RATE)).astype(np.float32)
    estimate = (reference + 0.1 * rng.standard_normal((2, RATE))).astype(np.float32)
    r, e = reference.astype(np.float64), estimate.astype(np.float64)
    assert signal_to_distortion_ratio(reference, estimate) == pytest.approx(
        10 * np.log10(np.sum(r**2) / np.sum((r - e) ** 2)), abs=1e-9)
    assert signal_to_distortion_ratio(np.ones(1000), np.full(1000, 1.1)) == pytest.approx(20.0)  # error 1/100
    assert signal_to_distortion_ratio(reference, reference) == pytest.approx(10 * np.log10(np.sum(r**2) / 1e-12))
    assert signal_to_distortion_ratio(np.zeros(100), np.zeros(100)) == 0.0  # nothing to get wrong
    # float32 sums would be off by about 1e-6 dB here
    assert level_db(reference) == pytest.approx(20 * np.log10(np.sqrt(np.mean(r**2))), abs=1e-9)
    sine = np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
    assert level_db(sine) == pytest.approx(-3.0103, abs=1e-3)
    assert level_db(np.zeros(100)) == pytest.approx(-240.0)  # silence: the floor, not minus infinity


def test_a_run_with_the_defaults_takes_the_first_20_seconds_of_a_long_file_and_splits_it_whole(tmp_path):
    path = write_wav(tmp_path / "long.wav", tone_mix(65.0, rate=8000, channels=1), rate=8000)
    calls = []
    result = separation.run(str(path), "hpss", on_progress=lambda fraction, text: calls.append((fraction, text)))
    assert result.mix.shape == (2, 20 * audio_io.WORKING_RATE) and result.start == 0.0
    assert result.file_seconds == pytest.approx(65.0) and 0.0 <= result.seconds_taken < 60.0
    assert level_db(result.residual) < level_db(result.mix) - 60  # margin 1: every cell goes to a part
    assert calls == [(0.1, i18n.message("audio_separation.progress.classical"))]
    five = separation.run(str(path), "hpss", seconds=5)
    strict = separation.run(str(path), "hpss", hpss_margin=3.0, seconds=5)
    assert level_db(strict.residual) > level_db(five.residual) + 6  # a wider margin leaves more to neither
    calls.clear()
    separation.run(str(path), "repet", seconds=5, on_progress=lambda fraction, text: calls.append((fraction, text)))
    assert calls == [(0.1, i18n.message("audio_separation.progress.classical"))]


def test_an_unknown_method_or_stem_is_refused_with_the_choices(tmp_path, tiny_models):
    path = write_wav(tmp_path / "song.wav", tone_mix(1.2))
    with pytest.raises(LabError) as raised:
        separation.run(str(path), "karaoke")
    assert (raised.value.key, raised.value.values) == ("audio_separation.error.method",
                                                       {"choices": "htdemucs, htdemucs_6s, hpss, repet"})
    with pytest.raises(LabError) as raised:
        separation.run(str(path), "htdemucs", stems="guitar")
    model = models.load("audio_separation", deep.load_model)
    assert (raised.value.key, raised.value.values) == ("audio_separation.error.stem",
                                                       {"stem": "guitar", "choices": ", ".join(model.sources)})


def test_a_demucs_run_reports_loading_then_the_networks_share_of_the_way(tmp_path, tiny_models):
    path = write_wav(tmp_path / "song.wav", tone_mix(1.2))
    calls = []
    separation.run(str(path), "htdemucs", on_progress=lambda fraction, text: calls.append((fraction, text)))
    loading, network = (i18n.message(f"audio_separation.progress.{k}") for k in ("loading", "network"))
    assert calls[:2] == [(0.0, loading), (0.05, network)] and len(calls) > 2
    fractions = [fraction for fraction, _ in calls]
    assert all(text == network for _, text in calls[1:]) and fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(0.95)  # the network's whole run: 0.05 + 0.9 × 1


def test_the_files_levels_and_names_of_a_separation(tmp_path, monkeypatch):
    monkeypatch.setattr(separation, "OUTPUT_ROOT", tmp_path / "not" / "yet")
    mix = tone_mix(1.0)
    loud = separation.Separation("hpss", RATE, 4.0 * mix, {"harmonic": 3.0 * mix, "percussive": 0.25 * mix}, 0.0, 1.0)
    mix_path, stems, residual, notes = separation.save(loud, "wav")
    assert mix_path.parent.parent == tmp_path / "not" / "yet" and mix_path.name == "clip_mix.wav"
    gain = 0.99 / float(np.max(np.abs(4.0 * mix)))
    assert notes == [i18n.message("audio_separation.note.scaled", db=i18n.number(20 * np.log10(gain)))]
    at_the_edge = separation.Separation("hpss", RATE, 0.999 * (mix / np.abs(mix).max()).astype(np.float64), {},
                                        0.0, 1.0)
    assert separation.save(at_the_edge, "wav")[3] == []  # not above 0.999: left as it is
    mix_level = level_db(loud.mix)
    assert separation.levels(loud) == [
        ("harmonic", level_db(3.0 * mix), level_db(3.0 * mix) - mix_level),
        ("percussive", level_db(0.25 * mix), level_db(0.25 * mix) - mix_level),
        ("residual", level_db(loud.residual), level_db(loud.residual) - mix_level)]
    assert separation._safe_name("__My song!!.mp3") == "My_song"
    assert separation._safe_name("X-ray_") == "X-ray"
    assert separation._safe_name("a" * 50 + ".wav") == "a" * 40
    assert separation._safe_name("!!!.wav") == "clip"


def test_outputs_older_than_two_hours_are_removed_before_a_save(tmp_path, monkeypatch):
    import os

    root = tmp_path / "outputs"
    monkeypatch.setattr(separation, "OUTPUT_ROOT", root)
    separation._remove_old_outputs()  # no folder yet: nothing to do
    old, recent = root / "old", root / "recent"
    old.mkdir(parents=True)
    recent.mkdir()
    hours_ago = time.time() - separation.OUTPUT_TTL_S - 60
    os.utime(old, (hours_ago, hours_ago))
    separation._remove_old_outputs()
    assert not old.exists() and recent.is_dir()


# --- the input's edges, one by one (mutation survivors) ---------------------------------------

@pytest.mark.parametrize("value, english, polish", [
    (0.456, "0.46", "0,46"), (0.5, "0.5", "0,5"), (0.999, "1", "1"), (1.0, "1", "1"), (1.25, "1.2", "1,2"),
    (1.5, "1.5", "1,5"), (9.94, "9.9", "9,9"), (10.0, "10", "10"), (10.4, "10", "10"), (12.5, "12", "12"),
    (70.0, "70", "70"),
])
def test_seconds_are_written_with_as_many_decimals_as_a_person_needs(value, english, polish, monkeypatch):
    """Two decimals below 1 s, one below 10 s, none above; trailing zeros dropped; a comma in Polish."""
    assert audio_io._seconds(value) == english
    monkeypatch.setattr(i18n, "current_language", lambda: "pl")
    assert audio_io._seconds(value) == polish


def test_surround_folds_by_the_itu_weights_and_stereo_is_left_alone(tmp_path):
    """Each of the six channels alone: front and back reach their own side (the back at 1/√2),
    the centre both sides at 1/√2, the LFE neither; the sum scaled by 1/(1 + 2/√2). Stereo passes
    through unchanged, with no note."""
    g = 1 / np.sqrt(2)
    expected = {0: (1, 0), 1: (0, 1), 2: (g, g), 3: (0, 0), 4: (g, 0), 5: (0, g)}
    for channel, (left, right) in expected.items():
        samples = np.zeros((6, RATE), np.float32)
        samples[channel] = 0.5
        clip = audio_io.Clip(samples, RATE, 0.0, 1.0)
        mix, notes = audio_io.to_working_format(clip)
        np.testing.assert_allclose(mix[:, 0], 0.5 * np.array([left, right]) / (1 + 2 * g), rtol=1e-6)
        assert notes == [i18n.message("audio_separation.note.surround")]
    stereo = tone_mix(1.0)
    mix, notes = audio_io.to_working_format(audio_io.Clip(stereo.copy(), RATE, 0.0, 1.0))
    np.testing.assert_array_equal(mix, stereo)
    assert notes == []


@pytest.mark.parametrize("rate, key", [(22050, "audio_separation.note.upsampled"),
                                       (48000, "audio_separation.note.downsampled")])
def test_a_resampled_clip_is_noted_up_or_down(rate, key):
    clip = audio_io.Clip(tone_mix(1.0, rate=rate), rate, 0.0, 1.0)
    _, notes = audio_io.to_working_format(clip)
    assert notes == [i18n.message(key, rate=rate, target=44100, top=i18n.number(rate / 2000, "g"))]


def test_the_header_s_limits_are_inclusive_and_their_refusals_name_them(tmp_path):
    top = write_wav(tmp_path / "top.wav", tone_mix(1.0, rate=192000), rate=192000)
    assert read(top).rate == 192000
    eight = write_wav(tmp_path / "eight.wav", tone_mix(1.0, channels=8))
    assert read(eight).samples.shape[0] == 8
    assert refusal(lambda: read(write_wav(tmp_path / "low.wav", tone_mix(2.0, rate=4000), rate=4000))) == (
        "audio_separation.error.rate", {"rate": 4000, "low": 8000, "high": 192000})
    assert refusal(lambda: read(write_wav(tmp_path / "many.wav", tone_mix(1.0, channels=9)))) == (
        "audio_separation.error.channels", {"channels": 9, "limit": 8})
    one_frame = write_wav(tmp_path / "one.wav", np.full((2, 1), 0.5))
    assert refusal(lambda: read(one_frame)) == ("audio_separation.error.too_short",
                                                {"duration": "0", "limit": "1"})


def test_a_clip_is_float32_and_a_body_that_cannot_be_decoded_or_ends_too_soon_is_refused(tmp_path):
    assert read(write_wav(tmp_path / "pcm.wav", tone_mix(2.0))).samples.dtype == np.float32
    path = garble_frames(write_wav(tmp_path / "whole.flac", tone_mix(2.0)))
    assert sf.info(str(path)).frames == 2 * RATE  # the header is intact
    assert refusal(lambda: read(path))[0] == "audio_separation.error.broken"
    cut = cut_mp3(tmp_path, 3.0, parts=6)  # promises three seconds, holds less than one
    assert sf.info(str(cut)).duration == pytest.approx(3.0, abs=0.1)
    key, values = refusal(lambda: read(cut))
    assert key == "audio_separation.error.too_short" and values["limit"] == "1"
    assert 0.0 < float(values["duration"]) < 1.0
