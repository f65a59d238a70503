"""A voice is 512 numbers: a tiny SpeechT5, HiFi-GAN and speechbrain x-vector of the real classes
(built in ``speech_tiny_voice``) through the production loaders. The x-vector is speechbrain's own
``encode_batch`` normalised as the SpeechT5 model card does; the mix stays on the unit sphere and
ends at its two voices; ``speak`` is ``generate_speech`` with the vocoder, seeded, and holds within
the decoder's positions; the speaker map is sklearn's PCA of the FSDD points; the x-vector's
checkpoints are read weights-only; bad input is refused with the right key."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import local_models, register_texts
from speech_tiny_voice import (
    EMBEDDING,
    MAX_SPEECH_POSITIONS,
    MEL_BINS,
    build_hifigan_folder,
    build_speecht5_folder,
    build_xvector_folder,
)

from shared import models
from shared.errors import LabError
from speech import speaker_map, voice

register_texts("speech")
RATE = voice.RATE
TEXT = "Hello, my dog is cute."


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("voice")
    return {"speech_t5": build_speecht5_folder(root / "speecht5"),
            "speech_t5_vocoder": build_hifigan_folder(root / "hifigan"),
            "speech_xvector": build_xvector_folder(root / "xvector")}


@pytest.fixture(scope="module")
def loaded(folders):
    with local_models(**folders):
        yield voice.load_talker(), voice.load_embedder()


@pytest.fixture(scope="module")
def talker(loaded):
    return loaded[0]


@pytest.fixture(scope="module")
def embedder(loaded):
    return loaded[1]


def buzz(seconds: float = 2.0, pitch: float = 150.0, seed: int = 0) -> np.ndarray:
    """A voiced buzz with a little noise at 16 kHz."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = 0.3 * np.sin(2 * np.pi * pitch * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return (tone + 0.01 * np.random.default_rng(seed).normal(size=t.size)).astype(np.float32)


def unit(seed: int, size: int = EMBEDDING) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=size)
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def refused_key(call) -> LabError:
    """The LabError ``call()`` raises; its message renders in both languages (its placeholders filled)."""
    with pytest.raises(LabError) as caught:
        call()
    assert caught.value.text("en") and caught.value.text("pl")
    return caught.value


# ---------------------------------------------------------------- the production loaders

def test_the_loaders_load_the_real_classes_from_the_folders_and_cache_them(loaded, folders):
    from speechbrain.inference.classifiers import EncoderClassifier
    from speechbrain.lobes.models.Xvector import Xvector
    from transformers import SpeechT5ForTextToSpeech, SpeechT5HifiGan, SpeechT5Processor, SpeechT5Tokenizer

    talker, embedder = loaded
    assert isinstance(talker.processor, SpeechT5Processor) and isinstance(talker.processor.tokenizer,
                                                                          SpeechT5Tokenizer)
    assert isinstance(talker.model, SpeechT5ForTextToSpeech) and not talker.model.training
    assert isinstance(talker.vocoder, SpeechT5HifiGan) and not talker.vocoder.training
    assert talker.model.dtype == torch.float32 and talker.vocoder.dtype == torch.float32
    assert isinstance(embedder, EncoderClassifier) and isinstance(embedder.mods.embedding_model, Xvector)
    for key, folder in folders.items():
        assert models.model_id(key) == str(folder) and models.is_loaded(key)
    again = voice.load_talker()
    assert again.model is talker.model and again.vocoder is talker.vocoder and again.lock is talker.lock
    assert voice.load_embedder() is embedder


def test_the_x_vector_checkpoint_is_read_from_its_own_folder_not_from_the_hub_path(embedder, folders):
    # the hyperparams.yaml names speechbrain/spkrec-xvect-voxceleb as pretrained_path; the weights
    # loaded are the folder's (the tests run offline, so the Hub could not have given any)
    from speechbrain.utils.checkpoints import torch_patched_state_dict_load

    saved = torch_patched_state_dict_load(folders["speech_xvector"] / "embedding_model.ckpt")
    for name, tensor in embedder.mods.embedding_model.state_dict().items():
        assert torch.equal(tensor.cpu(), saved[name]), name


# ---------------------------------------------------------------- the x-vector

def test_the_x_vector_is_speechbrains_encode_batch_normalised_as_the_model_card_does(embedder, folders, tmp_path):
    from speechbrain.inference.classifiers import EncoderClassifier

    samples = buzz(seconds=2.5, seed=7)
    # speechbrain's own loading of the same folder, elsewhere, and the card's recipe
    own = EncoderClassifier.from_hparams(source=str(folders["speech_xvector"]), savedir=str(tmp_path / "own"),
                                         overrides={"pretrained_path": str(folders["speech_xvector"])},
                                         run_opts={"device": "cpu"})
    with torch.no_grad():
        torch.manual_seed(voice.XVECTOR_SEED)  # the pooling's noise, seeded as xvector seeds it
        raw = own.encode_batch(torch.tensor(samples))
        card = torch.nn.functional.normalize(raw, dim=2).squeeze().cpu().numpy()
    ours = voice.xvector(embedder, samples)
    assert ours.shape == (EMBEDDING,) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, card, rtol=1e-6, atol=1e-7)
    assert np.linalg.norm(ours) == pytest.approx(1.0, abs=1e-6)
    assert abs(float(raw.norm()) - 1.0) > 1e-3  # the normalisation did something


def test_one_recording_always_gives_one_voice_though_speechbrain_pools_with_noise(embedder):
    samples = buzz(seed=8)
    with torch.no_grad():  # unseeded, speechbrain's own embedding of one clip differs from call to call
        first, second = (embedder.encode_batch(torch.tensor(samples)) for _ in range(2))
    assert not torch.equal(first, second)
    state = torch.random.get_rng_state()
    np.testing.assert_array_equal(voice.xvector(embedder, samples), voice.xvector(embedder, samples))
    assert torch.equal(torch.random.get_rng_state(), state)  # the caller's generator is left as it was


def test_the_cosine_of_identical_x_vectors_is_one_and_of_two_voices_less(embedder):
    from speech import meters

    a, b = voice.xvector(embedder, buzz(pitch=110.0, seed=1)), voice.xvector(embedder, buzz(pitch=240.0, seed=2))
    assert meters.speaker_similarity(a, a) == pytest.approx(1.0, abs=1e-6)
    assert float(a @ a) == pytest.approx(1.0, abs=1e-6)  # unit vectors: the cosine is the dot product
    assert meters.speaker_similarity(a, b) < 1 - 1e-4


# ---------------------------------------------------------------- moving between two voices

def test_the_mix_ends_at_its_two_voices_and_stays_on_the_unit_sphere_in_between():
    a, b = unit(1), unit(2)
    np.testing.assert_allclose(voice.mix(a, b, 0.0), a, atol=1e-6)
    np.testing.assert_allclose(voice.mix(a, b, 1.0), b, atol=1e-6)
    half = voice.mix(a, b, 0.5)
    assert half.dtype == np.float32 and np.linalg.norm(half) == pytest.approx(1.0, abs=1e-6)
    np.testing.assert_allclose(half, (a + b) / np.linalg.norm(a + b), atol=1e-6)
    assert float(half @ a) == pytest.approx(float(half @ b), abs=1e-6) and float(half @ a) > float(a @ b)
    # further along, closer to b
    closeness = [float(voice.mix(a, b, t) @ b) for t in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert closeness == sorted(closeness) and closeness[-1] == pytest.approx(1.0, abs=1e-6)


def test_the_mix_is_refused_outside_zero_to_one_and_where_no_direction_is_left():
    a = unit(3)
    assert refused_key(lambda: voice.mix(a, unit(4), 1.5)).key == "shared.number.out_of_range"
    assert refused_key(lambda: voice.mix(a, -a, 0.5)).key == "speech.voice.error.no_direction"
    with pytest.raises(ValueError):
        voice.mix(a, unit(4, size=192), 0.5)  # an ECAPA embedding is not an x-vector


# ---------------------------------------------------------------- speaking

def test_speak_is_generate_speech_with_the_vocoder_on_the_same_seed(talker):
    embedding = unit(5)
    result = voice.speak(talker, TEXT, embedding, seed=3)
    ids = talker.processor(text=TEXT, return_tensors="pt")["input_ids"]
    speaker = torch.from_numpy(embedding)[None]
    torch.manual_seed(3)
    waveform = talker.model.generate_speech(ids, speaker, vocoder=talker.vocoder)
    torch.manual_seed(3)
    mel = talker.model.generate_speech(ids, speaker)
    np.testing.assert_array_equal(result.waveform, waveform.numpy())
    np.testing.assert_array_equal(result.mel, mel.numpy())
    assert result.mel.shape[1] == MEL_BINS and result.mel.dtype == np.float32
    assert result.hop == 16 and result.mel.shape[0] * result.hop == result.waveform.size
    assert result.rate == 16000 and result.seed == 3 and result.unknown == []
    # the tiny model never says stop: it runs maxlenratio (20) × tokens / reduction factor (2) steps
    assert result.mel.shape[0] == 2 * int(ids.shape[1] * 20 / 2)


def test_the_same_seed_gives_the_same_voice_and_another_seed_another(talker):
    embedding = unit(6)
    first, again = voice.speak(talker, TEXT, embedding, seed=0), voice.speak(talker, TEXT, embedding, seed=0)
    other = voice.speak(talker, TEXT, embedding, seed=1)
    np.testing.assert_array_equal(first.waveform, again.waveform)
    # the decoder prenet's dropout, drawn from the seed, changes the mel and so the sound
    assert np.abs(first.mel - other.mel).max() > 1e-3 * np.abs(first.mel).max()
    assert np.abs(first.waveform - other.waveform).max() > 1e-3 * np.abs(first.waveform).max()


def test_the_voice_changes_what_is_spoken(talker):
    a, b = voice.speak(talker, TEXT, unit(7), seed=0), voice.speak(talker, TEXT, unit(8), seed=0)
    assert np.abs(a.mel - b.mel).max() > 1e-3 * np.abs(a.mel).max()


def test_a_long_run_stops_at_the_decoders_last_position_instead_of_failing(talker):
    text = "The quick brown fox jumps over the lazy dog!"
    result = voice.speak(talker, text, unit(9), seed=0)
    config = talker.model.config
    assert result.mel.shape[0] == MAX_SPEECH_POSITIONS * config.reduction_factor
    ids = talker.processor(text=text, return_tensors="pt")["input_ids"]
    assert ids.shape[1] * 20 / 2 > MAX_SPEECH_POSITIONS  # the library's own limit would go past the end
    with pytest.raises(RuntimeError):
        talker.model.generate_speech(ids, torch.from_numpy(unit(9))[None])


def test_numbers_are_spoken_as_words_and_unknown_characters_reported(talker):
    embedding = unit(10)
    digits, words = voice.speak(talker, "my dog is 12", embedding), voice.speak(talker, "my dog is twelve", embedding)
    np.testing.assert_array_equal(digits.waveform, words.waveform)
    smiling = voice.speak(talker, "my dog 🙂 is cute ☺", embedding)
    assert smiling.unknown == ["🙂", "☺"]
    assert voice.unknown_characters(talker.processor.tokenizer, "Hello dog") == []


@pytest.mark.parametrize(("text", "key"), [
    ("", "speech.voice.error.empty_text"),
    ("   \n ", "speech.voice.error.empty_text"),
    (None, "speech.voice.error.empty_text"),
    ("a" * 10**5, "shared.text.too_long"),
    ("🙂🙂 🎉", "speech.voice.error.nothing_to_say"),
    ("1999 " * 10, "speech.voice.error.too_long_spoken"),  # 50 characters, some 400 once written out in words
])
def test_text_the_model_cannot_speak_is_refused(talker, text, key):
    assert refused_key(lambda: voice.speak(talker, text, unit(11))).key == key


def test_bad_seeds_and_embeddings_are_refused(talker):
    assert refused_key(lambda: voice.speak(talker, TEXT, unit(12), seed=-1)).key == "shared.number.out_of_range"
    assert refused_key(lambda: voice.speak(talker, TEXT, unit(12), seed=0.5)).key == "shared.number.not_integer"
    with pytest.raises(ValueError):
        voice.speak(talker, TEXT, unit(12, size=EMBEDDING // 2))
    with pytest.raises(ValueError):
        voice.speak(talker, TEXT, np.full(EMBEDDING, np.nan, dtype=np.float32))


@pytest.mark.parametrize(("samples", "key"), [
    (np.zeros(int(0.2 * RATE), dtype=np.float32), "speech.voice.error.too_short"),
    (np.zeros(0, dtype=np.float32), "speech.voice.error.no_audio"),
    (np.zeros((2, RATE), dtype=np.float32), "speech.voice.error.no_audio"),
    (np.full(2 * RATE, np.nan, dtype=np.float32), "speech.voice.error.broken_audio"),
    (np.zeros(61 * RATE, dtype=np.float32), "speech.voice.error.too_long"),
])
def test_a_recording_that_cannot_give_a_voice_is_refused(embedder, samples, key):
    error = refused_key(lambda: voice.xvector(embedder, samples))
    assert error.key == key
    if key == "speech.voice.error.too_short":
        assert error.values == {"seconds": "0.2", "low": "1"}


# ---------------------------------------------------------------- the six FSDD voices

def test_six_speakers_ship_with_their_attribution():
    clips = voice.speaker_clips()
    assert tuple(clips) == voice.SPEAKERS
    for speaker, paths in clips.items():
        assert len(paths) == 16 and all(path.stem.split("_")[1] == speaker for path in paths)
    assert sum(path.stat().st_size for paths in clips.values() for path in paths) < 1_000_000
    attribution = (voice.EXAMPLES / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in attribution and "Free Spoken Digit Dataset" in attribution


def test_a_speakers_voice_is_the_x_vector_of_their_clips_joined(embedder):
    import soundfile as sf

    samples = voice.speaker_samples("theo")
    clips = voice.speaker_clips()["theo"]
    at_8k = sum(sf.info(str(path)).frames for path in clips)
    assert samples.dtype == np.float32 and samples.size == 2 * at_8k and samples.size / RATE >= 2.0
    expected = voice.xvector(embedder, samples)
    got = voice.speaker_voice(embedder, "theo")
    np.testing.assert_array_equal(got, expected)
    got[:] = 0  # a copy: the kept voice is untouched
    np.testing.assert_array_equal(voice.speaker_voice(embedder, "theo"), expected)
    assert float(voice.speaker_voice(embedder, "george") @ expected) < 1 - 1e-4
    with pytest.raises(ValueError):
        voice.speaker_voice(embedder, voice.MINE)


def test_the_voice_choices_are_the_six_speakers_and_the_visitors_recording():
    assert voice.VOICE_A.check("lucas") == "lucas" and voice.VOICE_B.check(voice.MINE) == voice.MINE
    assert voice.VOICE_A.label_key(voice.MINE) == "speech.voice.voice.mine" and voice.VOICE_A.label_key("theo") is None
    assert refused_key(lambda: voice.VOICE_A.check("alice")).key == "shared.choice.unknown"
    assert voice.DEFAULT_SPEAKER in voice.SPEAKERS


# ---------------------------------------------------------------- the speaker map

def test_the_speaker_points_are_x_vectors_of_groups_of_clips(embedder):
    points = speaker_map.speaker_points(embedder)
    assert tuple(points) == voice.SPEAKERS
    for speaker, vectors in points.items():
        assert vectors.shape == (speaker_map.POINTS_PER_SPEAKER, EMBEDDING)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        assert len({tuple(v) for v in vectors}) == speaker_map.POINTS_PER_SPEAKER, speaker  # four different groups
    group = speaker_map.speaker_groups()["nicolas"][2]
    np.testing.assert_array_equal(points["nicolas"][2], voice.xvector(embedder, voice.joined_clips(group)))
    all_clips = [path for groups in speaker_map.speaker_groups().values() for g in groups for path in g]
    assert sorted(all_clips) == sorted(p for paths in voice.speaker_clips().values() for p in paths)


def test_the_map_is_sklearns_pca_of_the_speakers_with_the_visitor_projected(embedder):
    from sklearn.decomposition import PCA

    points = speaker_map.speaker_points(embedder)
    mine, mixed = voice.xvector(embedder, buzz(seed=13)), unit(14)
    flat = speaker_map.map_points(points, visitor=mine, mixed=mixed)
    stacked = np.concatenate(list(points.values()))
    pca = PCA(n_components=2, random_state=speaker_map.RANDOM_STATE).fit(stacked)
    expected = pca.transform(stacked)
    got = np.concatenate([flat["speakers"][speaker] for speaker in voice.SPEAKERS])
    assert got.shape == (6 * speaker_map.POINTS_PER_SPEAKER, 2)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    np.testing.assert_allclose(flat["mine"], pca.transform(mine[None])[0], atol=1e-5)
    np.testing.assert_allclose(flat["mixed"], pca.transform(mixed[None])[0], atol=1e-5)
    np.testing.assert_allclose(flat["explained"], pca.explained_variance_ratio_)
    # the visitor does not move the speakers
    alone = speaker_map.map_points(points)
    assert alone["mine"] is None and alone["mixed"] is None
    for speaker in voice.SPEAKERS:
        np.testing.assert_allclose(alone["speakers"][speaker], flat["speakers"][speaker], atol=1e-6)


def test_the_map_picture_is_rgb_with_every_speakers_colour_and_the_star(embedder):
    points = speaker_map.map_points(speaker_map.speaker_points(embedder), visitor=unit(15), mixed=unit(16))
    labels = {"mine": "your recording", "mixed": "the mixed voice", "x": "first", "y": "second"}
    picture = speaker_map.map_picture(points, labels)
    assert picture.shape == (600, 900, 3) and picture.dtype == np.uint8
    colours = {tuple(pixel) for pixel in picture.reshape(-1, 3)}
    for colour in speaker_map.COLOURS + (speaker_map.MIXED_COLOUR,):
        assert tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5)) in colours, colour
    without = speaker_map.map_picture({**points, "mine": None}, labels)
    assert not np.array_equal(picture, without)


# ---------------------------------------------------------------- weights only

def _ran(marker: str) -> None:
    Path(marker).write_text("unpickled", encoding="utf-8")


class Trap:
    """An object whose unpickling calls ``_ran``: a weights-only load refuses it instead."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return _ran, (self.marker,)


@pytest.mark.parametrize("checkpoint", ["embedding_model.ckpt", "mean_var_norm_emb.ckpt"])
def test_a_checkpoint_holding_a_pickled_object_is_refused_not_run(folders, tmp_path, checkpoint):
    folder = tmp_path / "xvector"
    shutil.copytree(folders["speech_xvector"], folder)
    marker = tmp_path / "ran.txt"
    torch.save({"weights": torch.zeros(2), "trap": Trap(marker)}, folder / checkpoint)
    with local_models(speech_xvector=folder):
        with pytest.raises(models.ModelUnavailable) as caught:
            voice.load_embedder()
    assert not marker.exists()
    assert "weights_only" in str(caught.value.cause) or "Unpickl" in type(caught.value.cause).__name__
    torch.load(folder / checkpoint, weights_only=False)  # the trap is real: an unrestricted load runs it
    assert marker.read_text(encoding="utf-8") == "unpickled"


def test_the_x_vector_is_not_loaded_where_torch_is_told_to_unpickle_anything(folders, monkeypatch):
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    with local_models(speech_xvector=folders["speech_xvector"]):
        with pytest.raises(models.ModelUnavailable) as caught:
            voice.load_embedder()
    assert "TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD" in str(caught.value.cause)
