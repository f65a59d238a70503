"""The music tab: tiny MusicGen and CLAP models of the real classes (built in ``music_tiny``)
through the production loaders. The clip equals what MusicGen's own ``generate`` returns; decoding
fewer codebooks equals the residual sum of their codebook vectors; the round trip equals EnCodec's
own forward pass; the CLAP score equals the model's own logits; the tempo meter hears 120 bpm;
Stop, the codes picture, bad input, and the page and API through the app."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import librosa
import numpy as np
import pytest
import soundfile as sf
import torch
from conftest import local_models, refused, register_texts
from music_tiny import CLAP_SECONDS, CODEBOOK_SIZE, build_clap_folder, build_musicgen_folder

from music_generation import codec, compose, generate, loading, meters
from music_generation.compose import Piece, Progress, Result
from shared import code_grid, waveform
from shared.i18n import message

register_texts("music_generation")
SMALL, MEDIUM = "musicgen-small", "musicgen-medium"
TRUMPET = loading.__file__.replace("loading.py", "examples/sorohanro_-_solo-trumpet-06.ogg")


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("music")
    musicgen = build_musicgen_folder(base / "musicgen")
    return {"music": musicgen, "music_medium": musicgen, "music_clap": build_clap_folder(base / "clap")}


@pytest.fixture(scope="module")
def tiny(folders):
    """The tiny models, loaded once for the module (each test reloading them took a second)."""
    with local_models(**folders):
        yield


@pytest.fixture
def composer(tiny):
    return loading.load_composer(SMALL)


def request(*, prompt="calm jazz piano", seconds=1.0, temperature=1.0, top_k=10, top_p=0.0, guidance=3.0, seed=7,
            model=SMALL):
    return generate.check_request(prompt, seconds, temperature, top_k, top_p, guidance, seed, model)


def short(*, prompt="calm jazz piano", seconds=0.4, temperature=1.0, top_k=10, top_p=0.0, guidance=3.0, seed=7):
    """A request of less than the page's shortest length (1 s), made directly, for quick runs."""
    return generate.MusicRequest(model=SMALL, piece=Piece(prompt, seconds, temperature, top_k, top_p, guidance, seed))


def result_of(checked, stop=None) -> Result:
    return generate.result_of(generate.generate(checked, stop))


def library_audio(composer, piece: Piece) -> np.ndarray:
    """MusicGen's own ``generate``, called the documented way, with the same settings and seed."""
    inputs = composer.tokenizer([piece.prompt], return_tensors="pt")
    steps = compose.steps_for(compose.frames_for(piece.seconds, composer.frame_rate), composer.codebooks)
    torch.manual_seed(piece.seed)
    return composer.model.generate(**inputs, max_new_tokens=steps, **compose.sampling(piece))[0, 0].numpy()


# ---------------------------------------------------------------- the clip against the library

@pytest.mark.parametrize("settings", [dict(guidance=3.0), dict(guidance=1.0), dict(guidance=0.0, top_k=0),
                                      dict(top_p=0.9, temperature=0.7)])
def test_the_clip_equals_musicgens_own_generate(composer, settings):
    checked = short(**settings)
    ours = result_of(checked)
    assert np.array_equal(ours.audio, library_audio(composer, checked.piece))


def test_the_clip_lasts_the_asked_frames_at_the_models_rate(composer):
    result = result_of(short(seconds=0.5))
    assert result.rate == composer.model.config.audio_encoder.sampling_rate == 32000
    assert composer.frame_rate == 50 and result.codes.shape == (4, 25)  # 0.5 s × 50 frames/s, 4 codebooks
    hop = int(np.prod(composer.model.config.audio_encoder.upsampling_ratios))
    assert len(result.audio) == 25 * hop and result.seconds == pytest.approx(0.5)
    assert result.steps_done == result.steps_total == 25 + 3  # the last codebook starts 3 steps late
    assert not result.stopped


def test_the_same_seed_writes_the_same_music_and_another_seed_other_music(tiny):
    first, again, other = result_of(short(seed=3)), result_of(short(seed=3)), result_of(short(seed=4))
    assert np.array_equal(first.codes, again.codes) and not np.array_equal(first.codes, other.codes)


def test_the_delay_pattern_is_the_librarys(composer):
    result = result_of(short(seconds=0.2))  # 10 frames, 13 steps
    pad = composer.pad_token
    written = result.written
    assert written.shape == (4, 14)  # the start token and 13 steps
    for k in range(4):
        assert (written[k, :k + 1] == pad).all()  # stream k waits k steps (after the start token)
        assert (written[k, k + 1:k + 11] != pad).all()  # then writes its 10 codes
        assert (written[k, k + 11:] == pad).all()  # and ends with the others
    assert np.array_equal(result.codes[2], written[2, 3:13])


def test_each_step_reports_the_codes_so_far(tiny):
    events = list(generate.generate(short(seconds=0.2)))
    steps = [e for e in events if isinstance(e, Progress)]
    assert [e.step for e in steps] == list(range(1, 14)) and all(e.total == 13 for e in steps)
    assert [e.codes.shape[1] for e in steps] == list(range(2, 15))
    assert np.array_equal(steps[-1].codes, events[-1].written)


# ---------------------------------------------------------------- codebooks and the codec

def test_fewer_codebooks_decode_the_residual_sum_of_their_vectors(composer):
    codes = result_of(short(seconds=0.3)).codes
    quantizer = composer.codec.quantizer
    for used in (1, 2, 4):
        summed = sum(quantizer.layers[k].codebook.embed[torch.as_tensor(codes[k])] for k in range(used))
        with torch.no_grad():
            expected = composer.codec.decoder(summed.T[None])[0, 0].numpy()
        decoded = compose.decode(composer, codes, used)
        assert decoded.shape == expected.shape == (15 * 640,)
        np.testing.assert_allclose(decoded, expected, atol=1e-6)
    assert np.abs(compose.decode(composer, codes, 1) - compose.decode(composer, codes, 4)).max() > 0


def test_the_round_trip_equals_encodecs_own_forward_pass(composer):
    clip = codec.read_clip(TRUMPET, seconds=1.0)
    trip = codec.round_trip(composer, clip)
    assert trip.codes.shape == (4, 50) and sorted(trip.decoded) == [1, 2, 4]
    tensor = torch.as_tensor(trip.original)[None, None]
    with torch.no_grad():
        own = composer.codec(tensor, bandwidth=1.0).audio_values[0, 0].numpy()
    np.testing.assert_allclose(trip.decoded[4], own, atol=1e-6)
    expected = librosa.resample(clip.samples, orig_sr=clip.rate, target_sr=32000)
    np.testing.assert_allclose(trip.original, expected, atol=1e-6)


def test_the_bitrates_are_counted_from_the_codec():
    real = SimpleNamespace(codebooks=4, codebook_size=2048, frame_rate=50)  # EnCodec 32 kHz as MusicGen uses it
    assert codec.codes_bitrate(real) == 2200.0
    assert codec.CD_BITRATE == 1_411_200


def test_the_round_trip_says_what_a_file_costs(composer):
    trip = codec.round_trip(composer, codec.read_clip(TRUMPET, seconds=0.6))
    info = sf.info(TRUMPET)
    assert trip.bitrates == {"cd": 1_411_200.0, "file": float(info.samplerate * info.channels * 16),
                             "pcm": 512_000.0, "codes": 4 * np.log2(CODEBOOK_SIZE) * 50}


# ---------------------------------------------------------------- Stop

def test_stop_keeps_the_frames_written_so_far(tiny):
    stop = threading.Event()
    events = []
    for event in generate.generate(short(seconds=0.4), stop):  # 20 frames, 23 steps
        events.append(event)
        if isinstance(event, Progress) and event.step == 10:
            stop.set()
    result = events[-1]
    assert isinstance(result, Result) and result.stopped and result.steps_done == 10
    assert result.codes.shape == (4, 7)  # 11 positions, the last stream 3 behind and after the start token
    assert len(result.audio) == 7 * 640


def test_stop_before_the_first_frame_leaves_no_music(tiny):
    stop = threading.Event()
    stop.set()
    result = result_of(short(), stop)
    assert result.codes.shape == (4, 0) and len(result.audio) == 0 and result.stopped


def test_a_run_left_early_ends_its_thread(tiny):
    run = generate.generate(short(seconds=2.0))
    next(run), next(run)
    run.close()
    assert not [t for t in threading.enumerate() if t.name == "music-generation"]


# ---------------------------------------------------------------- the pictures

def test_the_codes_picture_fills_in_from_the_left(composer):
    result = result_of(short(seconds=0.2))
    half = result.written[:, :7]
    picture = code_grid.codes_picture(half, CODEBOOK_SIZE, composer.pad_token, positions=14, column_pixels=3)
    rows, gaps = 4 * code_grid.ROW_PIXELS, 3 * code_grid.GAP_PIXELS
    assert picture.shape == (rows + gaps, 14 * 3, 3)
    first_row = picture[0]
    assert (first_row[0] == code_grid.PAD).all()  # the start token
    assert (first_row[7 * 3:] == code_grid.NOT_YET).all()  # not written yet
    last_row = picture[-1]
    assert (last_row[:4 * 3] == code_grid.PAD).all()  # the fourth stream waits three more steps
    full = code_grid.codes_picture(result.written, CODEBOOK_SIZE, composer.pad_token, column_pixels=3)
    assert not (full == code_grid.NOT_YET).all(axis=-1).any()


def test_the_waveform_is_a_picture():
    picture = waveform.picture(np.sin(np.linspace(0, 100, 32000)).astype(np.float32), 32000, "s")
    assert picture.ndim == 3 and picture.shape[1] == 900 and picture.std() > 0


# ---------------------------------------------------------------- the meters

@pytest.mark.parametrize("rate", [22050, 32000, 44100])
def test_the_tempo_of_a_120_bpm_click_track_is_measured(rate):
    clicks = librosa.clicks(times=np.arange(0, 10, 0.5), sr=rate, length=10 * rate)
    assert meters.measure_tempo(clicks, rate) == pytest.approx(120, abs=2)
    assert meters.check_tempo("rock, 120 bpm", clicks, rate).verdict == "match"
    assert meters.check_tempo("rock, 240 BPM", clicks, rate).verdict == "half"
    assert meters.check_tempo("rock, 60 bpm", clicks, rate).verdict == "double"
    assert meters.check_tempo("rock, 90 bpm", clicks, rate).verdict == "miss"
    none = meters.check_tempo("rock", clicks, rate)
    assert none.verdict == "none" and none.asked is None


def test_the_tempo_verdict_allows_4_percent_of_the_asked_tempo_its_half_or_its_double():
    verdict = meters.tempo_verdict
    assert verdict(121.0, 120.0) == meters.TempoCheck(121.0, 120.0, "match")
    assert verdict(115.3, 120.0).verdict == "match" and verdict(124.7, 120.0).verdict == "match"
    assert verdict(115.0, 120.0).verdict == "miss" and verdict(125.0, 120.0).verdict == "miss"
    # the half and the double with 4 % of themselves: 60 ± 2.4 and 240 ± 9.6
    assert verdict(62.3, 120.0) == meters.TempoCheck(62.3, 120.0, "half") and verdict(62.5, 120.0).verdict == "miss"
    assert verdict(249.5, 120.0) == meters.TempoCheck(249.5, 120.0, "double")
    assert verdict(230.0, 120.0).verdict == "miss"
    assert verdict(98.0, None) == meters.TempoCheck(98.0, None, "none")
    assert verdict(0.0, 90.0) == meters.TempoCheck(0.0, 90.0, "no_beat")
    assert verdict(0.5, 90.0).verdict == "miss"  # a slow tempo is a tempo, not silence


@pytest.mark.parametrize("rate, hop", [(22050, 64), (25600, 128), (32000, 128), (96000, 256)])
def test_the_tempo_is_tracked_on_onsets_every_3_to_6_ms(rate, hop):
    """librosa's beat tracker at a hop of the power of two just under rate/200 (at least 64 samples)."""
    # 145 bpm: a tempo the tracker reads a little differently at neighbouring hops
    clicks = librosa.clicks(times=np.arange(0, 6, 0.4137), sr=rate, length=6 * rate).astype(np.float64)
    expected, _ = librosa.beat.beat_track(y=clicks.astype(np.float32), sr=rate, hop_length=hop)
    assert meters.measure_tempo(clicks, rate) == float(np.atleast_1d(expected)[0])
    assert meters.check_tempo("115 bpm", clicks, rate).measured == meters.measure_tempo(clicks, rate)


def test_silence_has_no_beat_to_measure():
    silent = meters.check_tempo("jazz, 90 bpm", np.zeros(32000 * 3, dtype=np.float32), 32000)
    assert silent.verdict == "no_beat" and silent.asked == 90


def test_the_asked_tempo_is_read_from_the_prompt():
    assert meters.asked_tempo("calm jazz, 90 bpm") == 90
    assert meters.asked_tempo("lo-fi at 85,5 BPM") == 85.5
    assert meters.asked_tempo("spokojny jazz, 100 uderzeń na minutę") == 100
    assert meters.asked_tempo("a 1990s rock song") is None


def test_the_clap_score_is_the_cosine_the_model_scales_into_its_logits(tiny):
    listener = loading.load_listener()
    audio = np.random.default_rng(0).normal(0, 0.1, int(1.5 * 32000)).astype(np.float32)
    ours = meters.clap_similarity(listener, "jazz piano", audio, 32000)
    samples = librosa.resample(audio, orig_sr=32000, target_sr=48000)
    sound = listener.features(samples, sampling_rate=48000, return_tensors="pt")
    words = listener.tokenizer(["jazz piano"], return_tensors="pt")
    with torch.no_grad():
        out = listener.model(input_ids=words.input_ids, attention_mask=words.attention_mask, **sound)
    assert -1 <= ours <= 1
    assert ours * listener.model.logit_scale_a.exp().item() == pytest.approx(out.logits_per_audio.item(), rel=1e-5)


def test_a_prompt_longer_than_clap_reads_is_scored_by_its_beginning(tiny):
    listener = loading.load_listener()
    audio = np.random.default_rng(2).normal(0, 0.1, 32000).astype(np.float32)
    limit = listener.tokenizer.model_max_length
    long_prompt = " ".join(["jazz"] * (limit + 50))
    kept = listener.tokenizer.decode(listener.tokenizer([long_prompt], truncation=True).input_ids[0],
                                     skip_special_tokens=True)
    assert len(kept.split()) < limit + 50
    assert meters.clap_similarity(listener, long_prompt, audio, 32000) == pytest.approx(
        meters.clap_similarity(listener, kept, audio, 32000), abs=1e-5)


def test_a_clip_longer_than_claps_window_is_scored_by_its_windows(tiny):
    listener = loading.load_listener()
    rng = np.random.default_rng(1)
    window = rng.normal(0, 0.1, CLAP_SECONDS * 32000).astype(np.float32)
    twice = np.concatenate([window, window])
    assert meters.clap_similarity(listener, "rock drums", twice, 32000) == pytest.approx(
        meters.clap_similarity(listener, "rock drums", window, 32000), abs=1e-4)


def test_without_clap_the_clip_is_still_made_and_the_reason_given(folders, tmp_path):
    with local_models(music=folders["music"], music_clap=tmp_path / "missing"):
        checked = short()
        measured = generate.measure(checked.piece.prompt, result_of(checked))
    assert measured.clap is None and "could not be loaded" in measured.clap_missing
    assert isinstance(measured.tempo, meters.TempoCheck)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("values", [dict(prompt=""), dict(prompt="   "), dict(prompt="x" * 10**6), dict(seconds=0),
                                    dict(seconds=10**4), dict(seconds=float("nan")), dict(temperature=float("nan")),
                                    dict(temperature=0), dict(top_k=-1), dict(top_k=2.5), dict(top_p=1.5),
                                    dict(guidance=float("inf")), dict(seed=-1), dict(model="suno-v5"),
                                    dict(seconds="long"), dict(prompt=None)])
def test_bad_values_are_refused_in_words(tiny, values):
    refused(lambda: request(**values))


def test_the_medium_model_needs_a_gpu(tiny, monkeypatch):
    monkeypatch.setenv("LAB_DEVICE", "cpu")
    text = refused(lambda: request(model=MEDIUM))
    assert "needs a GPU" in text and SMALL in text


def test_bad_clips_are_refused_in_words(tmp_path):
    assert "Upload" in refused(lambda: codec.read_clip(None))
    text_file = tmp_path / "notes.wav"
    text_file.write_text("not a sound")
    assert "could not be read" in refused(lambda: codec.read_clip(text_file))
    short = tmp_path / "short.wav"
    sf.write(short, np.zeros(1000, dtype=np.float32), 16000)
    assert "too short" in refused(lambda: codec.read_clip(short))


def test_the_clip_is_written_as_wav_and_mp3(tmp_path):
    audio = (0.5 * np.sin(np.linspace(0, 2000, 32000))).astype(np.float32)
    for audio_format in ("wav", "mp3"):
        path = generate.write_clip(audio, 32000, audio_format)
        info = sf.info(path)
        assert path.endswith(f".{audio_format}") and info.samplerate == 32000
        assert info.duration == pytest.approx(1.0, abs=0.06)


def test_the_summary_says_what_was_made(tiny):
    checked = short(prompt="calm jazz piano 90 bpm", seconds=0.4)
    result = result_of(checked)
    out = generate.summary(checked, result, generate.measure(checked.piece.prompt, result))
    assert out["sample_rate"] == 32000 and out["duration_s"] == 0.4 and out["frames"] == 20
    assert out["tokens_generated"] == 80 and out["codebooks"] == 4 and out["seed"] == 7
    assert out["tempo_asked_bpm"] == 90 and isinstance(out["clap_score"], float)


def test_the_sweep_changes_only_its_setting(tiny):
    base = short(guidance=2.0, temperature=0.8)
    runs = generate.sweep_requests(base, "guidance")
    assert [r.piece.guidance for r in runs] == [1.0, 3.0, 6.0]
    assert {r.piece.temperature for r in runs} == {0.8} and {r.piece.seed for r in runs} == {7}
    assert [r.piece.temperature for r in generate.sweep_requests(base, "temperature")] == [0.5, 1.0, 1.5]


# ---------------------------------------------------------------- through the app

def _no_progress(*args, **kwargs):
    pass


def test_the_page_streams_its_steps_and_codes_and_ends_with_the_music(tiny):
    from music_generation.ui import TEMPO_VERDICTS, show_music

    outputs = list(show_music("calm jazz piano 90 bpm", 1, 1.0, 10, 0, 3, 5, SMALL, "mp3", None, request=None,
                              progress=_no_progress))
    assert outputs[0][1] == message("music_generation.loading")
    assert [o[1] for o in outputs[1:-1]] == [f"Step {k} of 53" for k in range(1, 54)]
    pictures_shown = [o[2] for o in outputs[1:-1] if isinstance(o[2], np.ndarray)]
    assert len(pictures_shown) == 7  # steps 1, 11, …, 51 and the last
    audio, info, codes, wave, spectrum, last, status, chroma = outputs[-1]
    assert audio.endswith(".mp3") and sf.info(audio).duration == pytest.approx(1.0, abs=0.06)
    assert "**1.00 s** of music from seed **5**: 50 frames × 4 codebooks = 200 codes in 53 steps" in info
    assert "CLAP text–audio similarity" in info
    same = result_of(short(prompt="calm jazz piano 90 bpm", seconds=1, seed=5))
    tempo = meters.check_tempo("calm jazz piano 90 bpm", same.audio, same.rate)
    assert info.endswith(message(TEMPO_VERDICTS.key(tempo.verdict), measured=f"{tempo.measured:.1f}", asked="90"))
    assert codes.ndim == wave.ndim == spectrum.ndim == 3 and chroma is None  # no melody, no chroma picture
    assert last["model"] == SMALL and np.asarray(last["codes"]).shape == (4, 50)
    assert "loaded" in status


def test_the_page_decodes_the_last_piece_from_fewer_codebooks(composer):
    from music_generation.ui import show_codebooks

    codes = result_of(short(seconds=0.5)).codes
    path, picture = show_codebooks({"model": SMALL, "codes": codes.tolist()}, 1, "wav")
    np.testing.assert_allclose(sf.read(path, dtype="float32")[0], np.clip(compose.decode(composer, codes, 1), -1, 1),
                               atol=1 / 2**15)
    assert picture.ndim == 3


def test_the_page_asks_for_a_piece_before_decoding_codebooks(tiny):
    import gradio as gr

    from music_generation.ui import show_codebooks

    with pytest.raises(gr.Error, match="Write a piece first"):
        show_codebooks(None, 2, "wav")


def test_the_page_shows_the_round_trip_with_its_bitrates(tiny):
    from music_generation.ui import show_round_trip

    table, original, one, two, four, codes, status = show_round_trip({"path": TRUMPET}, SMALL)
    assert "| **EnCodec codes** | **1.0** |" in table and "| a CD (44.1 kHz, stereo, 16 bits) | 1411.2 |" in table
    assert "512.0" in table and "512 times fewer" in table
    for path in (original, one, two, four):
        assert sf.info(path).samplerate == 32000
    assert codes.ndim == 3


def test_the_page_sweeps_one_setting_from_one_seed(tiny):
    from music_generation.ui import show_sweep

    info, gallery, *players, status = show_sweep("rock drums", 1, 1.0, 10, 0, 3, 9, SMALL, "temperature",
                                                  request=None, progress=_no_progress)
    assert "seed **9**" in info
    assert [caption for _, caption in gallery] == ["temperature 0.5", "temperature 1", "temperature 1.5"]
    assert [p.label for p in players] == ["temperature 0.5", "temperature 1", "temperature 1.5"]


@pytest.fixture(scope="module")
def client(serve_app, folders):
    from gradio_client import Client

    with local_models(**folders):
        yield Client(serve_app(["music_generation"]), verbose=False, headers={"Accept-Language": "en"})


def test_the_api_makes_music_with_its_summary(client):
    out = client.predict(prompt="calm jazz piano, 90 bpm", duration_s=1, seed=11, api_name="/generate_music")
    assert out["seed"] == 11
    summary = out["summary"]
    assert summary["sample_rate"] == 32000 and summary["duration_s"] == 1.0 and summary["tokens_generated"] == 200
    assert isinstance(summary["clap_score"], float) and summary["tempo_asked_bpm"] == 90
    assert sf.info(out["audio"]).duration == pytest.approx(1.0, abs=0.01)


def test_the_api_refuses_bad_input_in_words(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Describe the music"):
        client.predict(prompt="", api_name="/generate_music")
    with pytest.raises(AppError, match="length"):
        client.predict(prompt="jazz", duration_s=10**4, api_name="/generate_music")


def test_a_stopped_sweep_shows_the_clips_finished_so_far(tiny, monkeypatch):
    from music_generation import ui
    from shared.run_control import session_of

    real = generate.generate

    def stop_after_the_first(request, stop=None):
        for event in real(request, stop):
            if isinstance(event, Result):
                ui.STOP.stop(session_of(None))  # Stop pressed as the first clip was done
            yield event

    monkeypatch.setattr(generate, "generate", stop_after_the_first)
    info, gallery, *players, status = ui.show_sweep("rock drums", 1, 1.0, 10, 0, 3, 9, SMALL, "guidance",
                                                     request=None, progress=_no_progress)
    assert info == "Stopped: 1 of 3 clips of 1 s from seed **9**."
    assert [caption for _, caption in gallery] == ["guidance 1"]
    assert players[0].label == "guidance 1" and [p.value for p in players[1:]] == [None, None]
