"""The music tab's song with lyrics: a tiny ACE-Step 1.5 pipeline of the real classes (built in
``acestep_tiny``) through the production loader. The song equals what ``AceStepPipeline`` returns
when called directly with the same arguments, bit for bit; every step reports the whole song's
latent; Stop after step k returns what the pipeline returns then; the language reaches the text
encoder; the GPU rule, bad input in words, and the latent picture."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
import torch
from acestep_tiny import ACOUSTIC, SAMPLING_RATE, STRIDES, build_acestep_folder
from conftest import local_models, refused, register_texts

from music_generation import pictures, song
from music_generation.song import Song, SongProgress, SongResult
from shared import models
from shared.i18n import message

register_texts("music_generation")
LYRICS = "[verse]\nThe morning train is running late\n[chorus]\nSing it loud"
FRAMES_PER_SECOND = SAMPLING_RATE / math.prod(STRIDES)  # 25, as in the real VAE


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return build_acestep_folder(tmp_path_factory.mktemp("acestep") / "tiny")


@pytest.fixture(scope="module")
def pipe(folder):
    """Loaded once for the module (every run works on a copy of the pipeline object, so none
    changes it for the next)."""
    with pytest.MonkeyPatch.context() as patch, local_models(music_song=folder):
        patch.setenv(song.CPU_VARIABLE, "1")
        yield song.load_singer()


def request(*, prompt="upbeat pop, female vocal, acoustic guitar", lyrics=LYRICS, seconds=10, language="en", steps=8,
            seed=7) -> Song:
    return song.check_song(prompt, lyrics, seconds, language, steps, seed)


def library_call(pipe, checked: Song, **extra):
    """AceStepPipeline's own ``__call__`` with the tab's arguments, without the tab's watch."""
    return pipe(**song.pipeline_arguments(pipe, checked), output_type="np", **extra).audios[0]


# ---------------------------------------------------------------- the song against the library

def test_the_production_loader_loads_the_real_classes_in_one_precision_and_caches_them(pipe, folder):
    from diffusers import AceStepPipeline
    from transformers import Qwen2Tokenizer, Qwen3Model

    from shared.device import pick_device

    assert isinstance(pipe, AceStepPipeline) and pipe.is_turbo
    assert isinstance(pipe.tokenizer, Qwen2Tokenizer) and isinstance(pipe.text_encoder, Qwen3Model)
    # One dtype for every part: the pipeline hands the transformer's latent to the VAE as it is.
    assert pipe.transformer.dtype == pipe.vae.dtype == pipe.text_encoder.dtype == song.song_dtype(pick_device())
    assert song.load_singer() is song.load_singer() and models.is_loaded(song.SONG_KEY, str(folder))


@pytest.mark.parametrize("settings", [dict(), dict(language="pl", seed=3), dict(steps=3, seconds=12.5)])
def test_the_song_equals_the_pipelines_own_call_bit_for_bit(pipe, settings):
    checked = request(**settings)
    ours = song.song_of(song.sing(pipe, checked))
    assert ours.audio.dtype == np.float32
    assert np.array_equal(ours.audio, library_call(pipe, checked))  # tolerance: none


def test_the_song_is_stereo_at_the_vaes_rate_and_as_long_as_asked(pipe):
    result = song.song_of(song.sing(pipe, request(seconds=10)))
    assert result.rate == pipe.vae.config.sampling_rate == SAMPLING_RATE
    assert result.audio.shape == (2, 10 * SAMPLING_RATE) and result.seconds == pytest.approx(10.0)
    assert result.steps_done == result.steps_total == 8 and not result.stopped
    assert 0 < np.abs(result.audio).max() <= 1.0  # the pipeline brings the peak to −1 dBFS


def test_every_step_reports_the_whole_songs_latent_and_the_last_is_what_was_decoded(pipe):
    checked = request(seconds=10, steps=5)
    events = list(song.sing(pipe, checked))
    steps, result = events[:-1], events[-1]
    assert all(isinstance(e, SongProgress) for e in steps) and isinstance(result, SongResult)
    assert [e.step for e in steps] == [1, 2, 3, 4, 5] and all(e.total == 5 for e in steps)
    frames = math.ceil(10 * FRAMES_PER_SECOND)
    assert frames == song.latent_frames(pipe, 10) == 250
    assert all(e.latents.shape == (ACOUSTIC, frames) and e.latents.dtype == np.float32 for e in steps)
    # The pipeline's own latent output ([1, frames, channels]) is the last step's latent, transposed.
    latent = pipe(**song.pipeline_arguments(pipe, checked), output_type="latent").audios
    assert np.array_equal(steps[-1].latents, latent[0].numpy().T) and np.array_equal(result.latents, steps[-1].latents)
    # Every step changes the whole song, not one more slice of it (as MusicGen's steps do).
    for before, after in zip(steps, steps[1:], strict=False):
        changed = np.abs(after.latents - before.latents).max(axis=0) > 0
        assert changed.all()


def test_the_same_seed_sings_the_same_song_and_another_seed_another(pipe):
    first, again, other = (song.song_of(song.sing(pipe, request(seed=s))).audio for s in (3, 3, 4))
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_the_language_and_the_lyrics_reach_the_pipeline(pipe):
    english = song.song_of(song.sing(pipe, request(language="en"))).audio
    polish = song.song_of(song.sing(pipe, request(language="pl"))).audio
    other_words = song.song_of(song.sing(pipe, request(lyrics="[verse]\nZupełnie inne słowa"))).audio
    assert not np.array_equal(english, polish) and not np.array_equal(english, other_words)


# ---------------------------------------------------------------- Stop

@pytest.mark.parametrize("k", [1, 3])
def test_stop_after_step_k_returns_what_the_pipeline_returns_then(pipe, k):
    checked = request(steps=8)
    stop = threading.Event()
    result = None
    for event in song.sing(pipe, checked, stop):
        if isinstance(event, SongProgress) and event.step == k:
            stop.set()  # as the Stop button does, between two steps
        result = event
    assert isinstance(result, SongResult)
    assert result.steps_done == k and result.steps_total == 8 and result.stopped
    assert "Stopped after" in song.describe(result)

    def interrupt_after_k(pipeline, i, t, tensors):
        if i + 1 == k:
            pipeline._interrupt = True
        return {}

    assert np.array_equal(result.audio, library_call(pipe, checked, callback_on_step_end=interrupt_after_k))
    assert not np.array_equal(result.audio, library_call(pipe, checked))  # still partly noise


def test_stop_before_the_first_step_leaves_no_song(pipe):
    stop = threading.Event()
    stop.set()
    assert "no song yet" in refused(lambda: song.song_of(song.sing(pipe, request(), stop)))


def test_a_run_left_early_ends_its_thread(pipe):
    run = song.sing(pipe, request(steps=8))
    assert next(run).step == 1
    run.close()
    assert not any(t.name == "music-song" and t.is_alive() for t in threading.enumerate())


def test_two_runs_on_one_pipeline_do_not_share_their_schedule(pipe):
    short, long = song.sing(pipe, request(steps=2)), song.sing(pipe, request(steps=6))
    assert next(short).step == 1 and next(long).step == 1
    # Both have started (each has set its schedule); the short one finishes while the long one waits.
    rest_short, rest_long = list(short), list(long)
    assert rest_short[-1].steps_done == 2 and rest_long[-1].steps_done == 6
    assert np.array_equal(rest_short[-1].audio, library_call(pipe, request(steps=2)))
    assert np.array_equal(rest_long[-1].audio, library_call(pipe, request(steps=6)))


# ---------------------------------------------------------------- hardware and the model files

def test_a_cpu_is_refused_without_the_variable(pipe, monkeypatch):
    monkeypatch.setenv("LAB_DEVICE", "cpu")  # a CPU even where the tests run on a GPU machine
    monkeypatch.delenv(song.CPU_VARIABLE)
    assert not song.can_sing()
    assert "needs a GPU" in refused(lambda: request())
    monkeypatch.setenv(song.CPU_VARIABLE, "1")
    assert song.can_sing() and request().steps == 8


def test_the_gpu_memory_decides_where_the_pipeline_goes():
    assert song.placement(None) == "resident"  # no CUDA memory to read (Apple's MPS)
    assert song.placement(80) == song.placement(20) == "resident"
    assert song.placement(16) == song.placement(12) == "offload"
    assert song.placement(8) == "refuse"


def test_a_small_gpu_is_refused_in_words(monkeypatch):
    monkeypatch.setattr(song, "on_gpu", lambda: True)
    monkeypatch.setattr(song, "gpu_memory_gib", lambda: 8.0)
    text = refused(lambda: request())
    assert "at least 12 GB" in text and "has 8 GB" in text


def test_half_precision_on_a_gpu_full_precision_on_a_cpu():
    assert song.song_dtype(torch.device("cpu")) == torch.float32
    assert song.song_dtype(torch.device("cuda")) == song.song_dtype(torch.device("mps")) == torch.bfloat16


def test_pickled_weights_are_not_loaded(folder, tmp_path):
    """``use_safetensors=True``: a folder with the transformer's weights only as a pickle is
    reported missing instead of unpickled."""
    import shutil

    from safetensors.torch import load_file

    copy = shutil.copytree(folder, tmp_path / "pickled")
    weights = copy / "transformer" / "diffusion_pytorch_model.safetensors"
    torch.save(load_file(weights), copy / "transformer" / "diffusion_pytorch_model.bin")
    weights.unlink()
    with local_models(music_song=copy), pytest.raises(models.ModelUnavailable):
        song.load_singer()


# ---------------------------------------------------------------- what is refused, in words

@pytest.mark.parametrize(("values", "words"), [
    (dict(prompt=""), "Describe the style"),
    (dict(prompt="   "), "Describe the style"),
    (dict(prompt="x" * (song.PROMPT_MAX_CHARS + 1)), "the limit is 300"),
    (dict(lyrics=""), "[Instrumental]"),
    (dict(lyrics="la " * 333_334), "the limit is 2000"),  # a million characters
    (dict(lyrics=12), "must be text"),
    (dict(seconds=0), "between 10 and 60"),
    (dict(seconds=10_000), "between 10 and 60"),
    (dict(seconds=float("nan")), "finite"),
    (dict(seconds="long"), "must be a number"),
    (dict(language="xx"), "en, zh, ja"),
    (dict(language=None), "must be one of"),
    (dict(steps=0), "between 1 and 60"),
    (dict(steps=2.5), "whole number"),
    (dict(seed=-1), "between 0 and"),
])
def test_bad_input_is_refused_in_words(values, words):
    assert words in refused(lambda: request(**values))


def test_the_languages_start_with_english_and_mark_polish_experimental():
    assert song.LANGUAGE.choices[0] == "en" and song.LANGUAGE.default == "en" and "pl" in song.LANGUAGE.choices
    assert len(song.LANGUAGE_NAMES) == len(song.LANGUAGE.choices)
    assert "experimental" in message(song.LANGUAGE.label_key("pl"), "en")
    assert "eksperymentalnie" in message(song.LANGUAGE.label_key("pl"), "pl")
    assert all(song.LANGUAGE.label_key(code) is None for code in song.LANGUAGE.choices if code != "pl")
    assert request(language="pl").language == "pl"


def test_the_summary_and_the_caption_say_what_was_made(pipe):
    result = song.song_of(song.sing(pipe, request(seconds=10, steps=2, seed=5)))
    assert song.summary(result) == {"sample_rate": 48000, "channels": 2, "duration_s": 10.0, "latent_frames": 250,
                                    "latent_channels": ACOUSTIC, "language": "en", "steps_done": 2, "steps_total": 2,
                                    "stopped": False, "seed": 5}
    caption = song.describe(result)
    assert "**10.0 s**" in caption and "seed **5**" in caption and f"{ACOUSTIC} channels × 250 frames" in caption


# ---------------------------------------------------------------- the latent picture

def test_the_latent_picture_has_a_row_per_channel_and_a_column_per_frame():
    latents = np.zeros((8, 250), dtype=np.float32)
    latents[0], latents[1] = 3.0, -3.0
    picture = pictures.latents_picture(latents)
    assert picture.dtype == np.uint8 and picture.shape == (256, 750, 3)  # 32 pixels a row, 3 a column
    top, second, rest = picture[0, 0], picture[32, 0], picture[-1, 0]
    assert top[0] > top[2] and second[2] > second[0]  # positive red, negative blue
    assert rest.min() > 240  # zero is white


def test_the_latent_picture_keeps_one_scale_and_fits_a_long_song():
    noise = np.random.default_rng(0).standard_normal((64, 1500)).astype(np.float32)
    picture = pictures.latents_picture(noise)
    assert picture.shape == (256, 900, 3)  # 60 s: an even choice of 900 of the 1500 frames
    quieter = pictures.latents_picture(noise / 10)
    # A fixed scale: a latent ten times smaller is drawn paler, not stretched to the same colours.
    assert np.abs(quieter.astype(int) - 247).mean() < np.abs(picture.astype(int) - 247).mean()
    assert pictures.latents_picture(np.full((2, 3), np.nan)).shape == (256, 900, 3)


# ---------------------------------------------------------------- the page and the API

def _no_progress(*args, **kwargs):
    return None


def test_the_page_shows_the_latent_at_every_step_then_the_song(pipe, folder):
    import soundfile as sf

    from music_generation import ui

    with local_models(music_song=folder):
        events = list(ui.show_song("upbeat pop", LYRICS, 10, "en", 3, 4, "wav", request=None,
                                   progress=_no_progress))
    assert len(events) == 1 + 3 + 1  # loading, a picture per step, the song
    steps = [event[2] for event in events[1:-1]]
    assert all(picture.shape == (256, 750, 3) for picture in steps)
    assert not np.array_equal(steps[0], steps[-1])  # the latent changes from step to step
    audio, caption, latents, spectrum = events[-1]
    info = sf.info(audio)
    assert (info.samplerate, info.channels) == (48000, 2) and info.duration == pytest.approx(10.0, abs=0.01)
    direct = song.song_of(song.sing(pipe, request(seconds=10, steps=3, seed=4, prompt="upbeat pop")))
    played, _ = sf.read(audio, dtype="float32", always_2d=True)
    assert np.abs(played.T - np.clip(direct.audio, -1, 1)).max() < 1 / 2**14  # the same song, as 16-bit samples
    assert caption == song.describe(direct) and spectrum.ndim == 3


def test_the_page_refuses_bad_input_in_words(pipe, folder):
    import gradio as gr

    from music_generation import ui

    with local_models(music_song=folder), pytest.raises(gr.Error, match=r"\[Instrumental\]"):
        list(ui.show_song("pop", "", 10, "en", 3, 4, "wav", request=None, progress=_no_progress))


@pytest.fixture(scope="module")
def client(serve_app, folder):
    from gradio_client import Client

    with local_models(music_song=folder):
        yield Client(serve_app(["music_generation"]), verbose=False, headers={"Accept-Language": "en"})


def test_the_api_sings_with_its_summary(client):
    import soundfile as sf

    out = client.predict(prompt="calm folk", lyrics=LYRICS, duration_s=10, language="pl", steps=2, seed=3,
                         api_name="/generate_song")
    assert out["seed"] == 3
    summary = out["summary"]
    assert summary["language"] == "pl" and summary["steps_done"] == 2 and summary["latent_frames"] == 250
    info = sf.info(out["audio"])
    assert (info.samplerate, info.channels) == (48000, 2) and info.duration == pytest.approx(10.0, abs=0.01)


def test_the_api_refuses_bad_input_in_words(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="language"):
        client.predict(prompt="calm folk", lyrics=LYRICS, language="klingon", api_name="/generate_song")
    with pytest.raises(AppError, match="between 10 and 60"):
        client.predict(prompt="calm folk", lyrics=LYRICS, duration_s=10**4, api_name="/generate_song")
