"""The spoken-digits tab's compute: data split, preprocessing, models, augmentation, the MFCC
baseline and the pictures' numbers, each against the library or the formula it stands for;
and the shipped weights on the dataset's own test split."""

from __future__ import annotations

import json

import librosa
import numpy as np
import pytest
import soundfile
import torch
from conftest import register_texts
from scipy.signal import freqz

from shared.errors import LabError
from shared.mnist_training import file_sha256
from spoken_digits import analysis, augment, data, evaluate, mfcc_baseline, predict, train
from spoken_digits.model import M5, LogMel, MelCNN, SlideNet
from spoken_digits.preprocess import LENGTH, SAMPLE_RATE, prepare, prepare_clip, to_mono

register_texts("spoken_digits")

RECORDINGS = data.list_recordings()


def clip(digit: int, speaker: str = "jackson", index: int = 0) -> np.ndarray:
    return data.read_clip(data.recordings_dir() / f"{digit}_{speaker}_{index}.wav")


def tone(seconds: float, rate: int = SAMPLE_RATE, hz: float = 220.0) -> np.ndarray:
    """A vowel-like tone that swells and fades, as a spoken word's loudness does."""
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * hz * t) * np.sin(np.pi * t / seconds) ** 2).astype(np.float32)


# ---------------------------------------------------------------- the dataset and its two splits

def test_the_dataset_has_six_speakers_saying_each_digit_fifty_times():
    assert len(RECORDINGS) == 3000
    assert {r.speaker for r in RECORDINGS} == set(data.SPEAKERS)
    counts = {(r.speaker, r.digit) for r in RECORDINGS}
    assert len(counts) == 60 and all(r.index < 50 for r in RECORDINGS)


def test_the_official_split_puts_recordings_0_to_4_in_the_test_set():
    training, testing = data.official_split(RECORDINGS)
    assert len(training) == 2700 and len(testing) == 300
    assert {r.index for r in testing} == set(range(5)) and min(r.index for r in training) == 5
    assert {(r.speaker, r.digit) for r in testing} == {(r.speaker, r.digit) for r in training}  # speakers shared


def test_leave_one_speaker_out_holds_every_clip_of_that_speaker_out():
    training, testing = data.speaker_split(RECORDINGS, "nicolas")
    assert len(testing) == 500 and {r.speaker for r in testing} == {"nicolas"}
    assert "nicolas" not in {r.speaker for r in training} and len(training) == 2500


def test_a_missing_dataset_folder_is_a_message(tmp_path):
    with pytest.raises(LabError) as raised:
        data.list_recordings(tmp_path / "nowhere")
    assert raised.value.key == "spoken_digits.data_missing"


# ---------------------------------------------------------------- preprocessing

def test_a_48_khz_stereo_recording_reaches_the_network_as_an_8_khz_one_does():
    said = clip(3)
    at_48k = librosa.resample(said, orig_sr=SAMPLE_RATE, target_sr=48000)
    stereo = np.stack([at_48k, 0.5 * at_48k], axis=1)
    prepared = prepare(stereo, 48000)
    assert prepared.model_input.shape == (LENGTH,) and prepared.model_input.dtype == np.float32
    assert np.max(np.abs(prepared.model_input)) == pytest.approx(1.0)
    direct = prepare_clip(said)
    # the same word, once through a 48 kHz round trip: nearly the same input (trimming may move a few samples)
    spoken = np.abs(direct) > 0.05
    correlation = max(np.dot(np.roll(prepared.model_input, k), direct) for k in range(-40, 41))
    assert correlation / np.dot(direct, direct) > 0.9 and spoken.sum() > 500


def test_the_tab_prepares_a_clip_exactly_as_training_did():
    said = clip(8, "lucas", 3)
    np.testing.assert_array_equal(prepare(said, SAMPLE_RATE).model_input, prepare_clip(said))


def test_the_word_is_centred_and_a_long_one_cropped_to_its_middle_second():
    short = prepare(tone(0.4), SAMPLE_RATE)
    loud = np.flatnonzero(np.abs(short.model_input) > 0.01)
    assert abs((loud[0] + loud[-1]) / 2 - LENGTH / 2) < 80 and not short.cropped
    long = prepare(tone(3.0), SAMPLE_RATE)
    assert long.model_input.shape == (LENGTH,) and long.cropped


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.uint8, np.float64])
def test_pcm_of_any_width_becomes_the_same_float_signal(dtype):
    signal = 0.5 * np.sin(np.linspace(0, 20, 1000))
    if np.dtype(dtype).kind == "f":
        samples = signal.astype(dtype)
    else:
        info = np.iinfo(dtype)
        half = 2.0 ** (8 * np.dtype(dtype).itemsize - 1)
        samples = np.round(signal * half + (half if info.min == 0 else 0)).astype(dtype)
    np.testing.assert_allclose(to_mono(samples), signal, atol=1 / 100)


@pytest.mark.parametrize("samples,rate,key", [
    (np.zeros(8000, np.float32), 8000, "spoken_digits.silence"),
    (np.zeros(0, np.float32), 8000, "spoken_digits.empty"),
    (np.full(8000, np.nan, np.float32), 8000, "spoken_digits.not_audio"),
    (tone(0.05), 8000, "spoken_digits.too_short"),
    (tone(0.1, rate=48000), 48000, "spoken_digits.too_short"),  # 0.1 s in all: less once the fades are trimmed
    (tone(11.0, rate=8000), 8000, "spoken_digits.too_long"),
    (tone(30.0, rate=16000), 16000, "spoken_digits.too_long"),
    (np.random.default_rng(0).standard_normal(16000).astype(np.float32) * 0.3, 8000, "spoken_digits.noise"),
    (np.array(["a", "b"]), 8000, "spoken_digits.not_audio"),
    (np.ones(8000, dtype=np.complex64), 8000, "spoken_digits.not_audio"),
    (np.ones(8000, dtype=bool), 8000, "spoken_digits.not_audio"),
    (np.zeros((4000, 2, 2), np.float32), 8000, "spoken_digits.not_audio"),  # no (n,) nor (n, channels)
    (tone(0.5), 0, "spoken_digits.empty"),  # no rate
    (tone(0.5), -8000, "spoken_digits.empty"),
    (tone(0.005), 8000, "spoken_digits.too_short"),  # 40 samples: less than one frame of the trimming
    (tone(0.005, rate=48000), 48000, "spoken_digits.too_short"),
])
def test_what_is_no_spoken_digit_is_refused_with_its_reason(samples, rate, key):
    with pytest.raises(LabError) as raised:
        prepare(samples, rate)
    assert raised.value.key == key


@pytest.mark.parametrize("samples, rate, key, seconds", [
    (tone(10.5), SAMPLE_RATE, "spoken_digits.too_long", "10"),
    (tone(0.005), SAMPLE_RATE, "spoken_digits.too_short", "0.12"),  # before trimming
    (tone(0.05), SAMPLE_RATE, "spoken_digits.too_short", "0.12"),  # once trimmed
])
def test_the_refusals_name_their_limit(samples, rate, key, seconds):
    with pytest.raises(LabError) as raised:
        prepare(samples, rate)
    assert raised.value.key == key and f"than {seconds} s" in raised.value.text("en")


def test_ten_seconds_are_accepted_and_one_sample_more_is_too_long():
    ten = tone(10.0)
    assert len(ten) == 10 * SAMPLE_RATE and prepare(ten, SAMPLE_RATE).cropped
    with pytest.raises(LabError) as raised:
        prepare(np.append(ten, np.float32(0)), SAMPLE_RATE)
    assert raised.value.key == "spoken_digits.too_long"


def test_the_shortest_spoken_part_accepted_is_0_12_seconds():
    """Words whose trimmed part is 960 samples (0.12 s at 8 kHz) pass; 64 samples less do not."""
    from spoken_digits.preprocess import trim

    words = {}
    for samples in range(700, 1300, 8):
        word = np.concatenate([np.zeros(2000, np.float32), tone(samples / SAMPLE_RATE), np.zeros(2000, np.float32)])
        words.setdefault(len(trim(word)[0]), word)
    assert {896, 960} <= set(words)
    assert prepare(words[960], SAMPLE_RATE).trimmed.shape == (960,)
    with pytest.raises(LabError) as raised:
        prepare(words[896], SAMPLE_RATE)
    assert raised.value.key == "spoken_digits.too_short"


def test_every_stage_is_what_librosa_makes_of_the_recording():
    """The stages the tab shows: the mono original, librosa's resampling to 8 kHz, the spoken part
    as librosa.effects.trim finds it 30 dB below the peak (frames of 256 samples, hop 64)."""
    said = clip(6, "yweweler", 2)
    at_22k = librosa.resample(said, orig_sr=SAMPLE_RATE, target_sr=22050)
    stereo = np.stack([at_22k, at_22k], axis=1)
    prepared = prepare(stereo, 22050)
    assert prepared.original_rate == 22050 and np.array_equal(prepared.original, at_22k)
    resampled = librosa.resample(at_22k, orig_sr=22050, target_sr=SAMPLE_RATE)
    np.testing.assert_array_equal(prepared.resampled, resampled)
    trimmed, (start, end) = librosa.effects.trim(resampled, top_db=30, frame_length=256, hop_length=64)
    assert prepared.trim_start == start and end - start == len(prepared.trimmed) < len(resampled)
    np.testing.assert_array_equal(prepared.trimmed, trimmed)
    assert not prepared.cropped and not prepared.clipped


@pytest.mark.parametrize("dtype, subtype", [(np.int16, "PCM_16"), (np.int32, "PCM_32"), (np.uint8, "PCM_U8")])
def test_pcm_reads_as_soundfile_reads_it(tmp_path, dtype, subtype):
    """PCM samples become the floats soundfile reads from the same samples written as a WAV file."""
    info = np.iinfo(dtype)
    samples = np.random.default_rng(0).integers(info.min, info.max, size=500, endpoint=True).astype(dtype)
    samples[:2] = info.min, info.max
    path = tmp_path / "pcm.wav"
    if dtype == np.uint8:  # soundfile writes unsigned PCM from the signed values it stands for
        soundfile.write(path, (samples.astype(np.int16) - 128).astype(np.float64) / 128, SAMPLE_RATE, subtype=subtype)
    else:
        soundfile.write(path, samples, SAMPLE_RATE, subtype=subtype)
    read, _ = soundfile.read(path, dtype="float64")
    assert to_mono(samples).dtype == np.float32
    np.testing.assert_allclose(to_mono(samples), read, rtol=0, atol=1e-7)


def test_channels_are_averaged_whichever_way_round_they_come():
    rng = np.random.default_rng(1)
    for channels in (2, 8):  # (n, channels), as Gradio gives it
        samples = rng.uniform(-1, 1, size=(1000, channels)).astype(np.float32)
        np.testing.assert_allclose(to_mono(samples), samples.mean(axis=1), atol=1e-7)
    for length in (9, 12):  # (channels, n): more than 8 "channels" means samples
        samples = rng.uniform(-1, 1, size=(2, length)).astype(np.float32)
        np.testing.assert_allclose(to_mono(samples), samples.mean(axis=0), atol=1e-7)
    assert to_mono(rng.uniform(-1, 1, 100)).dtype == np.float32  # float64 in


def test_centring_pads_or_crops_around_the_middle():
    from spoken_digits.preprocess import centre

    long = np.arange(10001, dtype=np.float32)
    cropped, was_cropped = centre(long)
    assert was_cropped and np.array_equal(cropped, long[1000:9000])
    exact, was_cropped = centre(long[:LENGTH])
    assert not was_cropped and np.array_equal(exact, long[:LENGTH])
    padded, was_cropped = centre(np.ones(101, dtype=np.float32))
    assert not was_cropped and padded.shape == (LENGTH,) and np.flatnonzero(padded).tolist() == list(range(3949, 4050))


def test_peak_normalisation_leaves_silence_and_nothing_alone():
    from spoken_digits.preprocess import normalise

    assert np.array_equal(normalise(np.array([0.5, -0.25])), [1.0, -0.5])
    silent = normalise(np.zeros(10))
    assert silent.dtype == np.float32 and np.array_equal(silent, np.zeros(10))
    empty = normalise(np.zeros(0))
    assert empty.dtype == np.float32 and empty.shape == (0,)


def test_clipped_means_more_than_one_percent_within_one_percent_of_the_peak():
    from spoken_digits.preprocess import is_clipped

    quiet = np.full(10000, 0.5, dtype=np.float32)
    quiet[0] = 1.0
    near_peak = quiet.copy()
    near_peak[1:101] = np.float32(0.99) * near_peak[0]  # 100 more at exactly 99 % of the peak: 1.01 %
    assert is_clipped(near_peak)
    exactly = quiet.copy()
    exactly[1:100] = 1.0  # 100 of 10 000 at the peak: 1 %, not more
    assert not is_clipped(exactly) and not is_clipped(quiet)
    exactly[100] = 1.0
    assert is_clipped(exactly)


def test_the_loudness_range_is_the_spread_of_the_frames_levels():
    """The 95th minus the 5th percentile of 20·log10(RMS + 1e-10) over frames of 256 samples every
    64, written out with numpy (librosa's centred frames: 128 zeros padded on each side)."""
    from spoken_digits.preprocess import loudness_range_db

    t = np.arange(8000) / SAMPLE_RATE
    rising = (np.sin(2 * np.pi * 300 * t) * 10 ** (-2 + 2 * t)).astype(np.float32)  # -40 dB → 0 dB
    rising[6000:6500] = 0.0  # a pause: silent frames at -200 dB
    padded = np.pad(rising.astype(np.float64), 128)
    frames = np.lib.stride_tricks.sliding_window_view(padded, 256)[::64]
    level = 20 * np.log10(np.sqrt((frames ** 2).mean(axis=1)) + 1e-10)
    assert len(level) == 1 + len(rising) // 64
    expected = np.percentile(level, 95) - np.percentile(level, 5)
    assert 35 < expected < 200
    assert loudness_range_db(rising) == pytest.approx(expected, abs=1e-3)


def test_a_clipped_recording_is_prepared_and_marked():
    clipped = np.clip(clip(4) * 8, -0.3, 0.3)  # cut flat well below full scale
    prepared = prepare(clipped, SAMPLE_RATE)
    assert np.max(np.abs(prepared.model_input)) == pytest.approx(1.0) and prepared.clipped
    assert not prepare(clip(4), SAMPLE_RATE).clipped


@pytest.mark.parametrize("digit,speaker", [(4, "jackson"), (7, "george"), (2, "theo"), (9, "lucas")])
def test_mild_clipping_does_not_change_the_answer(digit, speaker):
    said = clip(digit, speaker)
    louder = np.clip(1.5 * said / np.abs(said).max(), -1, 1)
    model = predict.load("m5")
    assert predict.probabilities(model, prepare(louder, SAMPLE_RATE).model_input).argmax() == digit


# ---------------------------------------------------------------- the networks

def test_the_slide_model_has_the_parameters_keras_would_count():
    flat = 64 * (((8000 - 2) // 2 - 2) // 2)  # conv 'valid' → 7998, pool → 3999, conv → 3997, pool → 1998
    assert flat == 127_872
    body = (3 * 1 * 32 + 32) + (3 * 32 * 64 + 64) + (flat * 128 + 128)
    assert sum(p.numel() for p in SlideNet("sigmoid").parameters()) == body + 128 + 1 == 16_374_209
    assert sum(p.numel() for p in SlideNet("softmax").parameters()) == body + 128 * 10 + 10 == 16_375_370


def test_the_raw_waveform_network_is_well_under_a_million_weights_and_sees_the_whole_second():
    model = M5().eval()
    assert sum(p.numel() for p in model.parameters()) < 1_000_000
    assert model(torch.zeros(2, LENGTH)).shape == (2, 10)
    # global average pooling: the answer barely depends on where in the second the word is
    word = torch.from_numpy(prepare_clip(clip(5)))[None]
    with torch.no_grad():
        moved = torch.roll(word, 400, dims=1)
        assert torch.allclose(model(word).softmax(1), model(moved).softmax(1), atol=0.05)


def test_the_keras_binary_cross_entropy_equals_torch_for_targets_0_and_1():
    logits = torch.tensor([[-2.0], [0.3], [4.0], [1.0]])
    labels = torch.tensor([0, 1, 1, 0])
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits[:, 0], labels.float())
    assert torch.allclose(train.loss_of("slide_sigmoid", logits, labels), expected, atol=1e-6)


def test_a_single_sigmoid_output_can_only_answer_0_or_1():
    assert set(predict.classes_from_logits(torch.randn(500, 1) * 10).tolist()) == {0, 1}
    assert predict.classes_from_logits(torch.eye(10)).tolist() == list(range(10))


def test_the_spectrogram_network_computes_librosas_mel_spectrogram():
    waveform = prepare_clip(clip(6, "theo", 1))
    ours = LogMel()(torch.from_numpy(waveform)[None])[0].numpy()
    theirs = librosa.feature.melspectrogram(y=waveform, sr=SAMPLE_RATE, n_fft=256, hop_length=80, n_mels=40,
                                            window="hann", center=True, pad_mode="reflect", power=2.0)
    np.testing.assert_allclose(ours, np.log(theirs + 1e-6), atol=1e-3)
    assert MelCNN()(torch.from_numpy(waveform)[None]).shape == (1, 10)


# ---------------------------------------------------------------- augmentation

def test_augmentation_is_reproducible_and_ends_at_peak_one():
    batch = torch.from_numpy(np.stack([prepare_clip(clip(d)) for d in range(4)]))
    first = augment.augment(batch, torch.Generator().manual_seed(1))
    again = augment.augment(batch, torch.Generator().manual_seed(1))
    other = augment.augment(batch, torch.Generator().manual_seed(2))
    assert torch.equal(first, again) and not torch.allclose(first, other)
    assert torch.allclose(first.abs().amax(dim=1), torch.ones(4))


def test_a_faster_voice_is_a_shorter_word():
    word = torch.from_numpy(prepare_clip(clip(9)))[None]
    generator = torch.Generator().manual_seed(0)
    factor = 1 + 0.15 * (2 * torch.rand(1, generator=torch.Generator().manual_seed(0)).item() - 1)
    changed = augment.change_speed(word, generator)

    def length(x):
        loud = torch.nonzero(x[0].abs() > 0.05)
        return int(loud[-1] - loud[0])

    assert length(changed) == pytest.approx(length(word) / factor, rel=0.03)


def test_noise_is_added_at_the_signal_to_noise_ratio_asked_for():
    word = torch.from_numpy(prepare_clip(clip(2)))[None].repeat(64, 1)
    noisy = augment.add_noise(word, torch.Generator().manual_seed(0), probability=1.0, snr_db=(20.0, 20.0))
    snr = 10 * torch.log10(word.pow(2).mean(1) / (noisy - word).pow(2).mean(1))
    assert snr.mean().item() == pytest.approx(20.0, abs=0.3)


def test_a_room_echoes_a_click_after_it_and_the_echo_dies_away():
    click = torch.zeros(1, LENGTH)
    click[0, 1000] = 1.0
    wet = augment.reverberate(click, torch.Generator().manual_seed(0), probability=1.0)[0]
    assert wet[:1000].abs().max() < 1e-5  # nothing before the sound: the room is causal
    assert wet[1000] > 0  # the direct sound comes first
    early, late = wet[1000:1500].pow(2).sum(), wet[2500:3000].pow(2).sum()
    assert early > 10 * late > 0  # decaying: 60 dB down at the reverberation time (0.05-0.4 s)


# Each change against the same change written out with numpy, from the same generator's draws in
# the order the docstrings give: the changes' own parameters at their defaults (speed 1 ± 0.15,
# shifts up to 800 samples, a room or noise for half the clips, rooms of 0.05-0.4 s, tilts up to
# ± 12 dB, noise at 10-40 dB).

def some_words(count=6):
    return torch.from_numpy(np.stack([prepare_clip(clip(d % 10, "theo", d // 10)) for d in range(count)]))


def test_a_speed_change_is_a_linear_resampling_centred_again():
    words = some_words()
    draws = torch.Generator().manual_seed(1)
    factors = (0.85 + 0.3 * torch.rand(len(words), generator=draws)).tolist()
    got = augment.change_speed(words, torch.Generator().manual_seed(1)).numpy()
    assert min(factors) < 0.95 and max(factors) > 1.05  # slower and faster ones among them
    for word, factor, changed in zip(words.numpy(), factors, got, strict=True):
        size = round(LENGTH / factor)
        # linear interpolation at the centres of the new samples (torch's align_corners=False)
        where = np.clip((np.arange(size) + 0.5) * LENGTH / size - 0.5, 0, LENGTH - 1)
        stretched = np.interp(where, np.arange(LENGTH), word)
        expected = np.zeros(LENGTH)
        if size >= LENGTH:
            expected = stretched[(size - LENGTH) // 2:][:LENGTH]
        else:
            expected[(LENGTH - size) // 2:][:size] = stretched
        np.testing.assert_allclose(changed, expected, atol=1e-3)  # torch places the samples in float32


def test_shifts_are_rolls_by_every_offset_up_to_the_most_asked_for():
    impulses = torch.zeros(3000, 12)
    impulses[:, 5] = 1.0
    moved = augment.shift(impulses, torch.Generator().manual_seed(0), most=3)
    offsets = moved.argmax(dim=1) - 5
    assert torch.equal(moved.sum(dim=1), torch.ones(3000))  # rolled, nothing lost
    assert sorted(set(offsets.tolist())) == [-3, -2, -1, 0, 1, 2, 3]
    wide = torch.zeros(3000, 2000)
    wide[:, 1000] = 1.0
    offsets = augment.shift(wide, torch.Generator().manual_seed(0)).argmax(dim=1) - 1000
    assert offsets.abs().max() == 800 and offsets.min() < -700 and offsets.max() > 700


def test_a_room_is_the_convolution_with_its_decaying_impulse_response():
    words = some_words(8)
    draws = torch.Generator().manual_seed(5)
    chosen = (torch.rand(len(words), generator=draws) < 0.5).numpy()
    rt60 = (0.05 + 0.35 * torch.rand(len(words), generator=draws)).numpy()
    noise = torch.randn(len(words), SAMPLE_RATE // 4, generator=draws).numpy().astype(np.float64)
    got = augment.reverberate(words, torch.Generator().manual_seed(5)).numpy()
    assert 1 < chosen.sum() < len(words)
    t = np.arange(SAMPLE_RATE // 4) / SAMPLE_RATE
    for word, room, seconds, response, wet in zip(words.numpy(), chosen, rt60, noise, got, strict=True):
        if not room:
            assert np.array_equal(wet, word)
            continue
        response = response * np.exp(-6.9 * t / seconds)  # a factor 1000 (e^6.9) down at the reverberation time
        response[0] = 1.0  # the direct sound
        response /= np.linalg.norm(response)
        np.testing.assert_allclose(wet, np.convolve(word, response)[:LENGTH], atol=2e-5)


def test_a_microphone_tilts_the_spectrum_linearly_in_decibels():
    words = some_words()
    tilts = (-12 + 24 * torch.rand(len(words), generator=torch.Generator().manual_seed(7))).numpy()
    got = augment.colour(words, torch.Generator().manual_seed(7)).numpy()
    assert tilts.min() < -3 and tilts.max() > 3
    for word, tilt, coloured in zip(words.numpy().astype(np.float64), tilts, got, strict=True):
        spectrum = np.fft.rfft(word)
        gain_db = tilt * np.linspace(-1, 1, len(spectrum))  # -tilt dB at 0 Hz, +tilt dB at 4 kHz
        np.testing.assert_allclose(coloured, np.fft.irfft(spectrum * 10 ** (gain_db / 20), LENGTH), atol=2e-5)


def test_noise_is_white_noise_scaled_to_each_clips_own_power():
    words = some_words() * torch.tensor([1.0, 0.1, 0.5, 1.0, 0.2, 0.05])[:, None]  # loud and quiet clips
    draws = torch.Generator().manual_seed(9)
    snr = (10 + 30 * torch.rand(len(words), generator=draws)).numpy()
    white = torch.randn(len(words), LENGTH, generator=draws).numpy()
    chosen = (torch.rand(len(words), generator=draws) < 0.5).numpy()
    got = augment.add_noise(words, torch.Generator().manual_seed(9)).numpy()
    assert 0 < chosen.sum() < len(words)
    for word, ratio, noise, noisy, with_noise in zip(words.numpy(), snr, white, got, chosen, strict=True):
        power = np.mean(word.astype(np.float64) ** 2)
        expected = word + noise * np.sqrt(power / 10 ** (ratio / 10)) if with_noise else word
        np.testing.assert_allclose(noisy, expected, atol=1e-6)


# ---------------------------------------------------------------- the classical baseline and the pictures' numbers

def test_the_mfcc_baseline_gives_scikit_learns_own_decision_function():
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    chosen = RECORDINGS[::15]
    waveforms = np.stack([prepare_clip(data.read_clip(r.path)) for r in chosen])
    labels = np.array([r.digit for r in chosen])
    tensors = mfcc_baseline.fit(waveforms, labels, seed=0)
    features = np.stack([np.concatenate([m.mean(1), m.std(1)]) for m in (
        librosa.feature.mfcc(y=w, sr=SAMPLE_RATE, n_mfcc=20, n_fft=256, hop_length=80, n_mels=40) for w in waveforms)])
    scaler = StandardScaler().fit(features)
    reference = LogisticRegression(C=1.0, max_iter=2000, random_state=0).fit(scaler.transform(features), labels)
    np.testing.assert_allclose(mfcc_baseline.logits(tensors, waveforms).numpy(),
                               reference.decision_function(scaler.transform(features)), rtol=1e-4, atol=1e-3)
    assert {name: tensor.dtype for name, tensor in tensors.items()} == dict.fromkeys(
        ("mean", "scale", "weight", "bias"), torch.float32)  # as the safetensors file stores them
    # float64 clips are read as the float32 clips that training reads
    assert np.array_equal(mfcc_baseline.mfcc_statistics(waveforms[:3].astype(np.float64)),
                          mfcc_baseline.mfcc_statistics(waveforms[:3]))
    with pytest.raises(ValueError, match="must cover the digits 0-9"):
        mfcc_baseline.fit(waveforms[labels < 5], labels[labels < 5])


def test_filter_frequency_responses_equal_scipys_freqz():
    kernels = np.random.default_rng(0).standard_normal((5, 80))
    frequencies, decibels = analysis.filter_responses(kernels, n_fft=512)
    responses = [np.abs(freqz(k, worN=np.linspace(0, SAMPLE_RATE / 2, 257), fs=SAMPLE_RATE)[1]) for k in kernels]
    peaks = [int(np.argmax(r)) for r in responses]
    for row, index in zip(decibels, np.argsort(peaks, kind="stable"), strict=True):
        expected = 20 * np.log10(responses[index] / responses[index].max() + 1e-6)
        np.testing.assert_allclose(row, expected, atol=1e-6)
    np.testing.assert_allclose(frequencies, np.linspace(0, 4000, 257))


def test_scores_count_a_confusion_matrix_as_scikit_learn_does():
    from sklearn.metrics import confusion_matrix

    rng = np.random.default_rng(0)
    labels, predicted = rng.integers(0, 10, 200), rng.integers(0, 10, 200)
    speakers = np.array(["a", "b"] * 100)
    result = evaluate.scores(predicted, labels, speakers)
    np.testing.assert_array_equal(result["confusion"], confusion_matrix(labels, predicted, labels=range(10)))
    assert result["per_speaker"]["a"] == pytest.approx(np.mean(predicted[::2] == labels[::2]))
    assert result["accuracy"] == pytest.approx(np.mean(predicted == labels))


# ---------------------------------------------------------------- the shipped models

def test_the_shipped_raw_waveform_network_recognises_the_official_test_split():
    _, testing = data.official_split(RECORDINGS)
    chosen = testing[::3]  # 100 of the 300 test clips, every speaker and digit
    waveforms = np.stack([prepare_clip(data.read_clip(r.path)) for r in chosen])
    predicted = predict.logits(predict.load("m5"), waveforms).argmax(1).numpy()
    assert np.mean(predicted == [r.digit for r in chosen]) >= 0.99


def test_the_shipped_files_are_the_ones_metrics_json_describes():
    metrics = json.loads((predict.WEIGHTS_DIR / "metrics.json").read_text())
    assert not metrics["quick"]
    for name in predict.MODELS:
        record = metrics["models"][name]
        assert file_sha256(predict.WEIGHTS_DIR / record["weights_file"]) == record["weights_sha256"]
        assert record["official"]["accuracy"] >= 0.9
        assert set(record["loso"]["per_speaker"]) == set(data.SPEAKERS)
        assert record["loso"]["mean"] == pytest.approx(np.mean(list(record["loso"]["per_speaker"].values())))
    # the targets for the shipped raw-waveform network, as train.py measured them
    assert metrics["models"]["m5"]["official"]["accuracy"] >= 0.99
    assert metrics["models"]["m5"]["loso"]["mean"] >= 0.85
    for name in ("slide_sigmoid", "slide_softmax"):
        assert metrics["models"][name]["parameters"] > 16_000_000  # recorded, not shipped


def test_the_page_offers_the_shipped_models_in_their_order():
    from spoken_digits import ui  # its own list: the page is built without importing torch

    assert ui.MODELS == predict.MODELS == ui.MODEL.choices


def test_an_analysis_shows_every_layer_over_time(tmp_path):
    result = analysis.analyse(clip(7)[:, None].repeat(2, axis=1), SAMPLE_RATE, "m5")
    assert result.probabilities.shape == (10,) and result.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert [a.shape for a in result.activations] == [(64, 125), (64, 31), (128, 7), (128, 7)]
    assert analysis.analyse(clip(7), SAMPLE_RATE, "mfcc_logreg").activations == []


@pytest.mark.parametrize("model_name", ["m5", "mel_cnn"])
def test_an_analysis_holds_the_prepared_clip_the_model_s_probabilities_and_each_layer_over_time(model_name):
    """Each layer's maps as the network computes them; a spectrogram network's (channels, bands,
    frames) averaged over the bands, so that every layer is drawn as channels over time."""
    samples = clip(3)
    result = analysis.analyse(samples, SAMPLE_RATE, model_name)
    prepared = prepare(samples, SAMPLE_RATE)
    model = predict.load(model_name)
    assert result.model == model_name and np.array_equal(result.prepared.model_input, prepared.model_input)
    np.testing.assert_allclose(result.probabilities, predict.probabilities(model, prepared.model_input), atol=1e-7)
    with torch.no_grad():
        layers = [layer[0] for layer in model.features(torch.from_numpy(prepared.model_input)[None])]
    assert len(result.activations) == len(layers)
    for shown, layer in zip(result.activations, layers, strict=True):
        expected = layer.mean(dim=1) if layer.dim() == 3 else layer
        np.testing.assert_allclose(shown, expected.numpy(), atol=1e-6)
        assert shown.ndim == 2
    assert analysis.one_hot(np.array([0.1, 0.6, 0.3])) == [0, 1, 0]
    assert analysis.one_hot(result.probabilities) == [int(i == result.predicted) for i in range(10)]


def test_filter_responses_are_computed_in_double_precision_and_ties_keep_the_filters_order():
    taps = np.arange(80)
    # 40 filters, 4 of each of ten frequencies (interleaved), each with its own amplitude: every
    # group peaks at one frequency bin, so only a stable sort keeps the group in its order.
    kernels = np.stack([(1 + i) * np.sin(2 * np.pi * (100 + 300 * (i % 10)) * taps / SAMPLE_RATE)
                        * np.hanning(80) ** (1 + i // 10) for i in range(40)])
    _, from_float32 = analysis.filter_responses(kernels.astype(np.float32))
    _, from_float64 = analysis.filter_responses(kernels.astype(np.float32).astype(np.float64))
    np.testing.assert_allclose(from_float32, from_float64, atol=1e-9)
    peaks = np.abs(np.fft.rfft(kernels, 512, axis=1)).argmax(axis=1)
    order = np.argsort(peaks, kind="stable")
    _, decibels = analysis.filter_responses(kernels)
    for row, index in zip(decibels, order, strict=True):
        magnitude = np.abs(np.fft.rfft(kernels[index], 512))
        np.testing.assert_allclose(row, 20 * np.log10(magnitude / magnitude.max() + 1e-6), atol=1e-9)


def test_training_runs_end_to_end_on_a_subset(tmp_path):
    train.main(["--quick", "--models", "m5,mfcc_logreg", "--out", str(tmp_path), "--threads", "1"])
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["quick"] and set(metrics["models"]) == {"m5", "mfcc_logreg"}
    assert len(metrics["models"]["m5"]["official"]["history"]) == 1
    model = predict.load.__wrapped__("m5", tmp_path)
    assert isinstance(model, M5)
    written = soundfile.info(str(data.recordings_dir() / "0_george_0.wav"))
    assert written.samplerate == SAMPLE_RATE


def test_the_first_layer_learned_band_pass_filters_mostly_below_1_khz():
    """What the tab's text says of the shipped network's first layer."""
    kernels = analysis.first_layer_kernels("m5")
    peaks = np.fft.rfftfreq(512, 1 / SAMPLE_RATE)[np.abs(np.fft.rfft(kernels, 512, axis=1)).argmax(axis=1)]
    assert kernels.shape == (64, 80) and np.mean(peaks < 1000) > 0.5


def test_a_long_waveform_is_drawn_from_its_envelope_with_every_peak_kept():
    from shared.waveform import envelope

    samples = np.random.default_rng(0).standard_normal(480_000).astype(np.float32)
    times, values = envelope(samples, 48_000, points=2000)
    assert len(values) <= 2000 and times[-1] < 10.0
    assert values.max() == samples.max() and values.min() == samples.min()
    short_times, short = envelope(samples[:100], 48_000)
    np.testing.assert_array_equal(short, samples[:100])
