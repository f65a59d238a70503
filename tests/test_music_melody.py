"""MusicGen-melody in the music tab: the chroma it follows, made by the checkpoint's own feature
extractor (and equal to what it makes of the clip as recorded), against librosa's ``chroma_stft``;
the piece and its codes against the library's own ``generate`` with ``input_features`` for the same seed (a tiny
MusicgenMelody of the real classes, ``music_tiny``, through the production loader); another melody,
other codes; Stop; the refusals; the chroma picture; the page and the API through the app."""

from __future__ import annotations

import threading

import librosa
import numpy as np
import pytest
import soundfile as sf
import torch
from conftest import local_models, refused, register_texts
from music_tiny import CODEBOOK_SIZE, MELODY_FRAMES, build_musicgen_folder, build_musicgen_melody_folder
from transformers import MusicgenMelodyFeatureExtractor
from transformers.generation.streamers import BaseStreamer

from music_generation import compose, generate, loading, melody, pictures
from music_generation.codec import Clip
from music_generation.compose import Piece, Progress, Result

register_texts("music_generation")
SMALL, MELODY = "musicgen-small", "musicgen-melody"
EXAMPLES = loading.__file__.replace("loading.py", "examples/")
TRUMPET = EXAMPLES + "sorohanro_-_solo-trumpet-06.ogg"
SONG = EXAMPLES + "Kevin_MacLeod_-_Vibe_Ace.ogg"
FEATURES = MusicgenMelodyFeatureExtractor()  # the real checkpoint's settings (its preprocessor_config.json)
RATE, HOP, N_FFT = FEATURES.sampling_rate, FEATURES.hop_length, FEATURES.n_fft  # 32 kHz, 4096, 16384
A4, C4, E4, G4 = 440.0, 261.63, 329.63, 392.0


def tone(hertz: float, seconds: float, rate: int = RATE) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * hertz * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


def clip_of(samples: np.ndarray, rate: int = RATE) -> Clip:
    return Clip(samples=samples, rate=rate, file_bitrate=float(rate * 16), file_seconds=len(samples) / rate)


def librosas_chroma(samples: np.ndarray, rate: int = RATE) -> np.ndarray:
    """librosa's chroma with the extractor's settings: (12, frames)."""
    return librosa.feature.chroma_stft(y=samples, sr=rate, n_fft=N_FFT, hop_length=HOP, window="hann", center=True,
                                       pad_mode="reflect", tuning=0, n_chroma=12)


# ---------------------------------------------------------------- the chroma against librosa

def _clip_at_32k(path):
    clip = melody.read_melody_clip(path)
    return librosa.resample(clip.samples, orig_sr=clip.rate, target_sr=RATE)


def _chord():
    """Half a second of silence, then 3 s of a C major chord, C loudest (1, 0.7, 0.5)."""
    chord = sum(a * tone(f, 3.0) for a, f in ((1.0, C4), (0.7, E4), (0.5, G4)))
    return np.concatenate([np.zeros(RATE // 2, dtype=np.float32), chord]).astype(np.float32)


@pytest.mark.parametrize("source", ["trumpet", "song", "chord"])
def test_the_chromas_strongest_pitch_class_is_librosas(source):
    samples = {"trumpet": lambda: _clip_at_32k(TRUMPET), "song": lambda: _clip_at_32k(SONG), "chord": _chord}[source]()
    energy, one_hot = melody.chroma_of(torch.from_numpy(samples), FEATURES)
    reference = librosas_chroma(samples)
    assert one_hot.shape == energy.shape == (reference.shape[1], 12) == (1 + len(samples) // HOP, 12)
    ranked = np.sort(reference, axis=0)
    silent = ranked[-1] == 0
    # Every frame is compared. The comparison means something only where the winner is clear:
    # none of these frames has a near tie (two strongest within 1e-4 of each other), where float32
    # rounding in either library could pick either one. Silent frames are all zeros in both, and
    # both take the first of the twelve equal values, C.
    assert ((ranked[-1] - ranked[-2]) > 1e-4 * ranked[-1])[~silent].all()
    assert np.array_equal(one_hot.argmax(axis=1), reference.argmax(axis=0))
    assert (one_hot.argmax(axis=1)[silent] == 0).all()
    if source == "chord":
        assert silent[:2].all() and not silent[2:].any()  # the frames whose window sees only the silence
        assert (one_hot.argmax(axis=1)[3:] == 0).all()  # C, the chord's loudest note, once it sounds


def test_a_clip_shorter_than_one_window_is_padded_as_the_extractor_pads_it():
    short = tone(A4, 0.3)  # 9600 samples, under the 16384 of one FFT window
    energy, one_hot = melody.chroma_of(torch.from_numpy(short), FEATURES)
    assert one_hot.shape == energy.shape == (1 + N_FFT // HOP, 12)  # as long as one window: 5 frames
    # The extractor's rule: silence up to one window, split between the two ends, the odd sample at the end.
    missing = N_FFT - len(short)
    padded = np.pad(short, (missing // 2, missing - missing // 2))
    assert np.array_equal(one_hot.argmax(axis=1), librosas_chroma(padded).argmax(axis=0))
    assert np.array_equal(energy.argmax(axis=1), one_hot.argmax(axis=1))  # the greys padded the same way


@pytest.mark.parametrize("source", ["trumpet", "song"])
def test_the_chroma_equals_the_extractors_on_the_clip_as_recorded(source, composer):
    """The clip resampled here, then the extractor at 32 kHz, against the extractor given the
    clip at its own rate (44.1 kHz), which resamples it itself."""
    clip = melody.read_melody_clip({"trumpet": TRUMPET, "song": SONG}[source])
    assert clip.rate != RATE
    found = melody.melody_of(clip, composer)
    # A tensor: given a NumPy array at another rate, the extractor's own resampling call fails.
    libraries = composer.features(torch.from_numpy(clip.samples), sampling_rate=clip.rate,
                                  return_tensors="np")["input_features"][0]
    assert found.frames == min(len(libraries), composer.chroma_length)
    assert np.array_equal(found.chroma, libraries[:found.frames])


@pytest.mark.parametrize("rate", [RATE, 44100, 16000])
def test_a_440_hz_tone_is_a_in_every_frame(rate, composer):
    found = melody.melody_of(clip_of(tone(A4, 2.0, rate), rate), composer)  # resampled to the model's 32 kHz
    assert found.frames == 1 + 2 * RATE // HOP and (found.pitch_classes == 9).all()  # 0 is C, 9 is A


def test_the_chroma_is_one_row_per_frame_with_a_single_one(composer):
    found = melody.melody_of(clip_of(_chord()), composer)
    assert found.chroma.shape == found.energy.shape == (found.frames, 12) and found.chroma.dtype == np.float32
    assert set(np.unique(found.chroma)) == {0.0, 1.0} and (found.chroma.sum(axis=1) == 1).all()
    sounding = found.energy.max(axis=1) > 0
    np.testing.assert_allclose(found.energy.max(axis=1)[sounding], 1.0, rtol=1e-6)  # each frame over its largest
    assert np.array_equal(found.chroma.argmax(axis=1)[sounding], found.energy.argmax(axis=1)[sounding])
    assert found.frame_rate == RATE / HOP and found.seconds == pytest.approx(found.frames * HOP / RATE)


def test_the_melody_is_cut_to_the_frames_the_model_reads(composer):
    assert composer.chroma_length == MELODY_FRAMES
    clip = melody.read_melody_clip(SONG)
    assert clip.samples.shape[0] == pytest.approx(melody.MAX_SECONDS * clip.rate, abs=1)  # a 30 s read of a longer file
    assert melody.melody_of(clip, composer).frames == MELODY_FRAMES  # 235 frames at 32 kHz, cut to the model's 40
    assert melody.melody_of(clip_of(tone(A4, 1.0)), composer).frames == 1 + RATE // HOP  # shorter: as it is


# ---------------------------------------------------------------- the tiny melody model

@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("music-melody")
    return {"music": build_musicgen_folder(base / "musicgen"),
            "music_melody": build_musicgen_melody_folder(base / "musicgen-melody")}


@pytest.fixture(scope="module")
def tiny(folders):
    """The tiny models, loaded once for the module (each test reloading them took a second)."""
    with local_models(**folders):
        yield


@pytest.fixture
def composer(tiny):
    return loading.load_composer(MELODY)


@pytest.fixture
def gpu(monkeypatch):
    """The hardware check answers as on a GPU, so that the GPU-only melody model's checks and the
    page run here with the tiny model (the networks stay on the CPU)."""
    monkeypatch.setattr(loading, "on_gpu", lambda: True)


def melody_request(*, clip: Clip | None, prompt="calm jazz piano", seconds=0.4, temperature=1.0, top_k=10, top_p=0.0,
                   guidance=3.0, seed=7) -> generate.MusicRequest:
    """A request for the melody model made directly: shorter than the page's 1 s, and past the
    hardware check, which refuses the GPU-only model on this CPU (tested below)."""
    piece = Piece(prompt, seconds, temperature, top_k, top_p, guidance, seed)
    return generate.MusicRequest(model=MELODY, piece=piece, melody=clip)


def result_of(request, stop=None) -> Result:
    return generate.result_of(generate.generate(request, stop))


class _Streamer(BaseStreamer):
    """The library's streamer: ``generate`` hands it the start tokens, then every token it samples."""

    def __init__(self):
        self.tokens = []

    def put(self, value):
        self.tokens.append(value.reshape(-1, 1))

    def end(self):
        pass


def library_run(composer, piece: Piece, chroma: np.ndarray | None, guidance: float | None):
    """MusicGen-melody's own ``generate`` with the chroma as ``input_features``, written out the
    documented way (not through compose.sampling): the audio, and the codes from the library's
    streamer with its delay mask applied and its pads dropped, as ``generate`` does before decoding."""
    inputs = dict(composer.tokenizer([piece.prompt], return_tensors="pt"))
    if chroma is not None:
        inputs["input_features"] = torch.as_tensor(chroma[None], dtype=composer.model.dtype)  # the model's own
    if guidance is not None:
        inputs["guidance_scale"] = guidance
    steps = compose.steps_for(compose.frames_for(piece.seconds, composer.frame_rate), composer.codebooks)
    streamer = _Streamer()
    torch.manual_seed(piece.seed)
    audio = composer.model.generate(**inputs, max_new_tokens=steps, do_sample=True, temperature=piece.temperature,
                                    top_k=piece.top_k, streamer=streamer)[0, 0].numpy()
    decoder, pad = composer.model.decoder, composer.pad_token
    written = torch.cat(streamer.tokens, dim=1)
    _, mask = decoder.build_delay_pattern_mask(written[:, :1], pad_token_id=pad, max_length=steps + 1)
    masked = decoder.apply_delay_pattern_mask(written, mask)
    return audio, masked[masked != pad].reshape(composer.codebooks, -1).numpy()


def test_the_melody_model_loads_with_the_same_codec_numbers(composer, folders):
    assert type(composer.model).__name__ == "MusicgenMelodyForConditionalGeneration" and composer.melody
    assert (composer.sampling_rate, composer.frame_rate, composer.codebooks) == (32000, 50, 4)
    assert (composer.codebook_size, composer.pad_token) == (CODEBOOK_SIZE, CODEBOOK_SIZE)
    # the chroma goes in as the dtype of the projection that reads it (bfloat16 on a CPU that has it, beside
    # a float32 EnCodec)
    assert composer.conditioning_dtype == composer.model.audio_enc_to_dec_proj.weight.dtype
    assert not loading.load_composer(SMALL).melody


@pytest.mark.parametrize("guidance", [3.0, 1.0])
def test_the_piece_and_its_codes_equal_the_librarys_generate_with_the_melody(composer, guidance):
    clip = melody.read_melody_clip(TRUMPET)
    ours = result_of(melody_request(clip=clip, guidance=guidance))
    assert ours.melody is not None and ours.melody.frames == MELODY_FRAMES
    audio, codes = library_run(composer, ours_piece(guidance), ours.melody.chroma, guidance)
    assert np.array_equal(ours.codes, codes) and ours.codes.shape == (4, 20)
    assert np.array_equal(ours.audio, audio)
    if guidance > 1:  # the run without prompt and melody counts: guidance 1 writes other codes
        assert not np.array_equal(ours.codes, result_of(melody_request(clip=clip, guidance=1.0)).codes)


def ours_piece(guidance: float) -> Piece:
    return melody_request(clip=None, guidance=guidance).piece


def test_without_a_melody_the_melody_model_is_the_librarys_text_only_run(composer):
    ours = result_of(melody_request(clip=None))
    audio, codes = library_run(composer, ours_piece(3.0), None, 3.0)
    assert ours.melody is None and np.array_equal(ours.codes, codes) and np.array_equal(ours.audio, audio)


def test_guidance_one_is_off_though_the_models_generation_config_asks_for_three(composer):
    """Every MusicGen's generation_config.json on the Hub (and the tiny one) says guidance 3: a
    request for guidance 1 must not fall back to it. (With a melody, where the tiny model's run
    without prompt and melody differs from the one with them, so that guidance shows.)"""
    assert composer.model.generation_config.guidance_scale == 3.0
    ours = result_of(melody_request(clip=clip_of(tone(A4, 2.0)), guidance=1.0))
    chroma = ours.melody.chroma
    default_audio, _ = library_run(composer, ours_piece(1.0), chroma, None)  # no argument: the config's 3
    composer.model.generation_config.guidance_scale = None
    try:
        plain_audio, _ = library_run(composer, ours_piece(1.0), chroma, None)  # a config without guidance
    finally:
        composer.model.generation_config.guidance_scale = 3.0
    assert np.array_equal(ours.audio, plain_audio) and not np.array_equal(ours.audio, default_audio)


def test_another_melody_writes_other_codes(composer):
    a, c = clip_of(tone(A4, 3.0)), clip_of(tone(C4, 3.0))
    on_a, again_on_a = result_of(melody_request(clip=a)), result_of(melody_request(clip=a))
    on_c, without = result_of(melody_request(clip=c)), result_of(melody_request(clip=None))
    assert (on_a.melody.pitch_classes == 9).all() and (on_c.melody.pitch_classes == 0).all()
    assert np.array_equal(on_a.codes, again_on_a.codes)  # the same seed and melody: the same codes
    assert not np.array_equal(on_a.codes, on_c.codes) and not np.array_equal(on_a.codes, without.codes)


def test_the_melody_decoder_keeps_the_delay_pattern(composer):
    result = result_of(melody_request(clip=clip_of(tone(A4, 1.0)), seconds=0.2))  # 10 frames, 13 steps
    written, pad = result.written, composer.pad_token
    assert written.shape == (4, 14)
    for k in range(4):
        assert (written[k, :k + 1] == pad).all() and (written[k, k + 1:k + 11] != pad).all()
        assert (written[k, k + 11:] == pad).all()
        assert np.array_equal(result.codes[k], written[k, k + 1:k + 11])


def test_stop_keeps_the_frames_written_so_far_with_a_melody(composer):
    stop, events = threading.Event(), []
    for event in generate.generate(melody_request(clip=clip_of(tone(A4, 2.0))), stop):  # 20 frames, 23 steps
        events.append(event)
        if isinstance(event, Progress) and event.step == 10:
            stop.set()
    result = events[-1]
    assert isinstance(result, Result) and result.stopped and result.steps_done == 10
    assert result.codes.shape == (4, 7) and len(result.audio) == 7 * 640 and result.melody is not None


# ---------------------------------------------------------------- what is refused, in words

def check(model=MELODY, melody_clip=None, seconds=1.0):
    return generate.check_request("calm jazz piano", seconds, 1.0, 10, 0.0, 3.0, 7, model, melody_clip)


def test_the_melody_model_needs_a_gpu(tiny, monkeypatch):
    monkeypatch.setenv("LAB_DEVICE", "cpu")
    for clip in (None, TRUMPET):
        text = refused(lambda clip=clip: check(melody_clip=clip))
        assert "needs a GPU" in text and MELODY in text and SMALL in text


def test_a_melody_for_another_model_is_refused(tiny, gpu):
    for model in (SMALL, "musicgen-medium"):
        text = refused(lambda model=model: check(model=model, melody_clip=TRUMPET))
        assert text.startswith(f"Only {MELODY} follows a melody") and model in text


def test_the_melody_model_reads_the_clip_when_checked(tiny, gpu, tmp_path):
    checked = check(melody_clip=TRUMPET)
    assert checked.melody is not None and checked.melody.rate == sf.info(TRUMPET).samplerate
    assert check().melody is None  # no clip: the prompt alone, as the library allows
    notes = tmp_path / "notes.wav"
    notes.write_text("not a sound")
    assert "could not be read" in refused(lambda: check(melody_clip=notes))
    assert "Upload" in refused(lambda: check(melody_clip=tmp_path / "missing.wav"))


# ---------------------------------------------------------------- the picture

def test_the_chroma_cells_colour_the_chosen_pitch_class_and_grey_the_rest():
    energy = np.zeros((3, 12), dtype=np.float32)
    energy[0, [9, 4]] = [1.0, 0.5]  # A strongest, E half as strong
    energy[1, 0] = 1.0
    chroma = np.eye(12, dtype=np.float32)[[9, 0, 0]]  # the third frame silent: C, as the argmax of zeros
    cells = pictures.chroma_cells(energy, chroma)
    assert cells.shape == (12, 3, 3)
    assert (cells[9, 0] == pictures.CHOSEN).all() and (cells[0, 1] == pictures.CHOSEN).all()
    assert (cells[0, 2] == pictures.CHOSEN).all()
    half = round((pictures.QUIET + pictures.LOUD) / 2)
    assert (cells[4, 0] == half).all() and (cells[1, 0] == 255).all()  # half as strong: mid grey; none: white


def test_the_chroma_picture_shows_the_melody(composer):
    on_a = melody.melody_of(clip_of(tone(A4, 3.0)), composer)
    on_c = melody.melody_of(clip_of(tone(C4, 3.0)), composer)
    names = "C C♯ D D♯ E F F♯ G G♯ A A♯ B".split()
    first = pictures.chroma_picture(on_a.energy, on_a.chroma, on_a.frame_rate, names, "s", piece_seconds=1.0)
    other = pictures.chroma_picture(on_c.energy, on_c.chroma, on_c.frame_rate, names, "s", piece_seconds=1.0)
    assert first.ndim == 3 and first.shape[2] == 3 and first.shape == other.shape
    assert not np.array_equal(first, other)
    red = (first == pictures.CHOSEN).all(axis=-1)
    assert red.any() and not (other == pictures.CHOSEN).all(axis=-1)[red].all()  # the red row has moved


# ---------------------------------------------------------------- through the app

def _no_progress(*args, **kwargs):
    pass


def test_the_page_follows_a_melody_and_shows_its_chroma(tiny, gpu):
    from music_generation.ui import show_music

    outputs = list(show_music("calm jazz piano", 1, 1.0, 10, 0, 3, 5, MELODY, "wav", {"path": TRUMPET},
                              request=None, progress=_no_progress))
    assert all(len(o) == 8 for o in outputs)
    audio, info, codes, wave, spectrum, last, status, chroma = outputs[-1]
    assert sf.info(audio).duration == pytest.approx(1.0, abs=0.06)
    assert f"**Melody:** {MELODY_FRAMES} chroma frames" in info and last["model"] == MELODY
    assert isinstance(chroma, np.ndarray) and chroma.ndim == 3


def test_the_page_refuses_a_melody_for_the_small_model(tiny):
    import gradio as gr

    from music_generation.ui import show_music

    with pytest.raises(gr.Error, match=f"Only {MELODY} follows a melody"):
        list(show_music("calm jazz piano", 1, 1.0, 10, 0, 3, 5, SMALL, "wav", TRUMPET, request=None,
                        progress=_no_progress))


@pytest.fixture(scope="module")
def client(serve_app, folders):
    from gradio_client import Client

    with local_models(**folders):
        yield Client(serve_app(["music_generation"]), verbose=False, headers={"Accept-Language": "en"})


def test_the_api_follows_a_melody_file(client, gpu):
    from gradio_client import handle_file

    out = client.predict(prompt="calm jazz piano", duration_s=1, seed=3, model=MELODY, melody=handle_file(TRUMPET),
                         api_name="/generate_music")
    summary = out["summary"]
    assert summary["model"] == MELODY and summary["melody_frames"] == MELODY_FRAMES
    assert summary["melody_seconds"] == pytest.approx(MELODY_FRAMES * HOP / RATE, abs=1e-3)
    assert sf.info(out["audio"]).duration == pytest.approx(1.0, abs=0.01)
    plain = client.predict(prompt="calm jazz piano", duration_s=1, seed=3, model=MELODY, api_name="/generate_music")
    assert "melody_frames" not in plain["summary"]


def test_the_api_refuses_a_melody_for_the_small_model_in_words(client):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=f"Only {MELODY} follows a melody"):
        client.predict(prompt="jazz", duration_s=1, melody=handle_file(TRUMPET), api_name="/generate_music")
