"""The speech tab's two meters: a tiny Whisper and a tiny WavLM x-vector model of the real classes
(built in ``speech_tiny_meters``) through the production loaders. The transcript equals what
``generate`` and the ASR pipeline return with the same forced language and task; the CER is jiwer's
after the documented normalisation, checked on strings whose answer is known; the alignment gives
both strings back; the similarity is the model card's recipe; bad input is refused in words."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import local_models, refused, register_texts
from speech_tiny_meters import MAX_TARGET_POSITIONS, build_wavlm_folder, build_whisper_folder

from shared import i18n, models
from speech import meters

register_texts("speech")
RATE = meters.RATE


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("meters")
    return build_whisper_folder(root / "whisper"), build_wavlm_folder(root / "wavlm")


@pytest.fixture(scope="module")
def loaded(folders):
    whisper, wavlm = folders
    with local_models(speech_asr=whisper, speech_similarity=wavlm):
        yield meters.load_recogniser(), meters.load_verifier()


def voice(seconds: float = 2.0, pitch: float = 150.0, seed: int = 0) -> np.ndarray:
    """A voiced buzz with a little noise at 16 kHz."""
    t = np.arange(int(seconds * RATE)) / RATE
    buzz = 0.3 * np.sin(2 * np.pi * pitch * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return (buzz + 0.01 * np.random.default_rng(seed).normal(size=t.size)).astype(np.float32)


def in_language(language: str, function, *args):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n, "current_language", lambda: language)
        return function(*args)


def polish(call) -> str:
    from shared.errors import LabError

    with pytest.raises(LabError) as caught:
        call()
    return caught.value.text("pl")


# ---------------------------------------------------------------- the production loaders

def test_the_loaders_load_the_real_classes_from_the_folders_and_cache_them(loaded, folders):
    from transformers import WavLMForXVector, WhisperFeatureExtractor, WhisperForConditionalGeneration

    (whisper, processor), (wavlm, extractor) = loaded
    assert isinstance(whisper, WhisperForConditionalGeneration) and not whisper.training
    assert isinstance(processor.feature_extractor, WhisperFeatureExtractor)
    assert isinstance(wavlm, WavLMForXVector) and not wavlm.training
    assert type(extractor).__name__ == "Wav2Vec2FeatureExtractor"
    assert models.model_id("speech_asr") == str(folders[0]) and models.is_loaded("speech_asr")
    assert meters.load_recogniser()[0] is whisper and meters.load_verifier()[0] is wavlm


# ---------------------------------------------------------------- the transcript against the library

@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_transcript_is_what_generate_writes_with_the_forced_language_and_task(loaded, language):
    (whisper, processor), _ = loaded
    samples = voice(seed=3)
    features = processor.feature_extractor(samples, sampling_rate=RATE, return_tensors="pt").input_features
    tokens = whisper.generate(features.to(whisper.device), language=language, task="transcribe",
                              return_timestamps=False, max_new_tokens=20)
    expected = processor.batch_decode(tokens, skip_special_tokens=True)[0].strip()
    assert meters.transcribe(samples, language, max_new_tokens=20) == expected
    assert expected  # random weights still write something, so the comparison is not of two empty strings


def test_the_language_is_forced_not_detected(loaded):
    # the language token is the decoder's second input: another language, another (random) transcript
    samples = voice(seed=3)
    assert meters.transcribe(samples, "pl", max_new_tokens=20) != meters.transcribe(samples, "en", max_new_tokens=20)




def test_the_transcript_is_what_the_asr_pipeline_writes_greedily(loaded):
    from transformers import pipeline

    (whisper, processor), _ = loaded
    samples = voice(seed=5)
    recognise = pipeline("automatic-speech-recognition", model=whisper, tokenizer=processor.tokenizer,
                         feature_extractor=processor.feature_extractor, device=whisper.device)
    # the pipeline would search with 5 beams by default; the meter decodes greedily (one beam)
    heard = recognise({"raw": samples, "sampling_rate": RATE}, return_timestamps=False,
                      generate_kwargs=dict(language="pl", task="transcribe", max_new_tokens=12, num_beams=1))
    assert meters.transcribe(samples, "pl", max_new_tokens=12) == heard["text"].strip() != ""


def test_the_transcript_is_capped_by_the_decoder_and_by_the_budget(loaded):
    (whisper, processor), _ = loaded
    room = MAX_TARGET_POSITIONS - meters.PROMPT_TOKENS
    unlimited = meters.transcript_tokens(voice(seed=1), "en")
    # random weights never say "end of text" early: the decoder's whole room is used, not more
    assert len(unlimited) == room
    assert len(meters.transcript_tokens(voice(seed=1), "en", max_new_tokens=3)) == 3
    assert meters.transcribe(voice(seed=1), "en", max_new_tokens=3) == processor.decode(
        unlimited[:3], skip_special_tokens=True).strip()
    text = "Dzień dobry"
    length = len(processor.tokenizer(text, add_special_tokens=False).input_ids)
    assert meters.transcript_budget(text) == 2 * length + 16


# ---------------------------------------------------------------- the character error rate

@pytest.mark.parametrize(("reference", "hypothesis", "cer"), [
    ("kot", "kat", 1 / 3),  # one substitution in three letters
    ("kot", "kot", 0.0),
    ("kot", "", 1.0),  # nothing heard: every letter deleted
    ("kot", "kotkotkot", 2.0),  # six insertions over three letters: above 1
    ("Kot, pies!", "kot pies", 0.0),  # case and punctuation do not count
    ("kot  \n pies", "kot pies", 0.0),  # whitespace collapsed
    ("są", "sa", 0.5),  # ą is not a: one of two letters wrong
    ("ą", "a\u0328", 0.0),  # a composed ą and a + combining ogonek are one letter (NFC)
])
def test_character_error_rate_on_known_strings(reference, hypothesis, cer):
    assert meters.character_error_rate(reference, hypothesis) == pytest.approx(cer, abs=1e-12)


def test_character_error_rate_is_jiwers_on_the_normalised_strings():
    import jiwer

    reference, hypothesis = "Zażółć gęślą jaźń.", "zazolc gesla jazn"
    assert meters.normalise(reference) == "zażółć gęślą jaźń"
    assert meters.character_error_rate(reference, hypothesis) == jiwer.cer("zażółć gęślą jaźń", hypothesis)
    assert meters.character_error_rate(reference, hypothesis) == pytest.approx(9 / 17)


@pytest.mark.parametrize(("reference", "hypothesis"), [
    ("kot", "kat"), ("Ala ma kota.", "ala kota ma psa"), ("kot", ""), ("kot", "kotkotkot"), ("gęś", "ges"),
])
def test_the_alignment_gives_both_strings_back_and_counts_the_errors(reference, hypothesis):
    alignment = meters.character_alignment(reference, hypothesis)
    assert "".join(chunk.reference for chunk in alignment) == meters.normalise(reference)
    assert "".join(chunk.hypothesis for chunk in alignment) == meters.normalise(hypothesis)
    assert {chunk.op for chunk in alignment} <= {"equal", "substitute", "delete", "insert"}
    for chunk in alignment:
        if chunk.op == "equal":
            assert chunk.reference == chunk.hypothesis
        if chunk.op == "insert":
            assert chunk.reference == ""
        if chunk.op == "delete":
            assert chunk.hypothesis == ""
    errors = sum(max(len(c.reference), len(c.hypothesis)) for c in alignment if c.op != "equal")
    assert errors / len(meters.normalise(reference)) == pytest.approx(meters.character_error_rate(reference,
                                                                                                  hypothesis))


def test_kot_and_kat_align_as_one_substitution():
    assert meters.character_alignment("kot", "kat") == [
        meters.AlignedChunk("equal", "k", "k"), meters.AlignedChunk("substitute", "o", "a"),
        meters.AlignedChunk("equal", "t", "t")]


# ---------------------------------------------------------------- speaker similarity

def test_the_cosine_of_identical_embeddings_is_one(loaded):
    embedding = meters.speaker_embedding(voice())
    assert embedding.shape == (8,) and embedding.dtype == np.float32
    assert meters.speaker_similarity(embedding, embedding) == pytest.approx(1.0, abs=1e-6)
    assert meters.speaker_similarity(embedding, -embedding) == pytest.approx(-1.0, abs=1e-6)
    assert meters.speaker_similarity(embedding, 3 * embedding) == pytest.approx(1.0, abs=1e-6)


def test_the_similarity_is_the_model_cards_recipe_on_the_same_model(loaded):
    _, (wavlm, extractor) = loaded
    a, b = voice(pitch=120.0, seed=1), voice(seconds=3.0, pitch=220.0, seed=2)
    # the card: feature extractor, embeddings, normalize, CosineSimilarity (one clip at a time here,
    # as the tab embeds them, so no padding enters)
    with torch.no_grad():
        card = [wavlm(**extractor(clip, sampling_rate=RATE, return_tensors="pt").to(wavlm.device)).embeddings
                for clip in (a, b)]
    card = [torch.nn.functional.normalize(e, dim=-1).cpu() for e in card]
    expected = float(torch.nn.CosineSimilarity(dim=-1)(card[0], card[1])[0])
    ours = meters.speaker_similarity(meters.speaker_embedding(a), meters.speaker_embedding(b))
    assert ours == pytest.approx(expected, abs=1e-6)
    assert abs(ours) < 1 - 1e-4  # two different clips: not trivially 1


# ---------------------------------------------------------------- both meters, and how to read them

def test_measure_without_a_reference_has_no_similarity(loaded):
    result = meters.measure(voice(), RATE, "Dzień dobry.", "pl")
    assert result.similarity is None
    assert result.transcript == meters.transcribe(voice(), "pl", max_new_tokens=meters.transcript_budget(
        "Dzień dobry."))
    assert result.cer == meters.character_error_rate("Dzień dobry.", result.transcript)
    assert "".join(c.reference for c in result.alignment) == "dzień dobry"
    assert "no reference recording" in in_language("en", meters.describe, result)
    assert "nagrania wzorcowego" in in_language("pl", meters.describe, result)


def test_measure_with_a_reference_compares_the_voices_at_16_khz(loaded):
    import librosa

    reference = voice(seconds=3.0, pitch=110.0, seed=4)
    at_24k = librosa.resample(voice(), orig_sr=RATE, target_sr=24000).astype(np.float32)
    result = meters.measure(at_24k, 24000, "Good morning.", "en", reference=reference)
    heard = librosa.resample(at_24k, orig_sr=24000, target_sr=RATE).astype(np.float32)
    assert result.similarity == pytest.approx(meters.speaker_similarity(
        meters.speaker_embedding(reference), meters.speaker_embedding(heard)), abs=1e-6)


def test_describe_tells_the_numbers_and_the_cards_threshold_in_both_languages():
    chunk = [meters.AlignedChunk("equal", "kot", "kot")]
    same = meters.Meters(transcript="kot", cer=0.125, alignment=chunk, similarity=0.912)
    other = meters.Meters(transcript="kot", cer=1.5, alignment=chunk, similarity=0.4)
    english, polish_text = in_language("en", meters.describe, same), in_language("pl", meters.describe, same)
    assert "12 %" in english and "0.91" in english and "0.86" in english
    assert "takes them for one speaker" in english and "different voices" not in english
    assert "0,91" in polish_text and "0,86" in polish_text and "jednej osoby" in polish_text
    assert "not a listener" in english
    assert "150 %" in in_language("en", meters.describe, other)
    assert "different voices" in in_language("en", meters.describe, other)
    assert "różne głosy" in in_language("pl", meters.describe, other)


# ---------------------------------------------------------------- refused in words

@pytest.mark.parametrize(("samples", "english", "polish_words"), [
    (np.zeros(0, dtype=np.float32), "no sound", "Nie ma jeszcze dźwięku"),
    (np.full(RATE, np.nan, dtype=np.float32), "damaged", "uszkodzony"),
    (np.full(RATE, np.inf, dtype=np.float32), "damaged", "uszkodzony"),
    (np.zeros(31 * RATE, dtype=np.float32), "at most 30 s", "najwyżej 30 s"),
])
def test_bad_sound_is_refused_in_words(loaded, samples, english, polish_words):
    assert english in refused(lambda: meters.transcribe(samples, "pl"))
    assert polish_words in polish(lambda: meters.measure(samples, RATE, "kot", "pl"))


def test_a_sound_too_short_for_a_voice_is_refused_by_the_similarity_meter_only(loaded):
    word = np.zeros(RATE // 10, dtype=np.float32) + 0.01
    assert "at least 0.5 s" in refused(lambda: meters.speaker_embedding(word))
    assert "co najmniej" in polish(lambda: meters.measure(voice(), RATE, "kot", "pl", reference=word))
    assert meters.measure(word, RATE, "kot", "pl").similarity is None  # Whisper still hears it


def test_a_shipped_speakers_embedding_is_computed_once_per_loaded_model(loaded, folders):
    calls = []

    def samples():
        calls.append(1)
        return voice(seed=3)

    first = meters.remembered_embedding("george", samples)
    np.testing.assert_array_equal(first, meters.speaker_embedding(voice(seed=3)))
    again = meters.remembered_embedding("george", samples)
    assert len(calls) == 1 and np.array_equal(first, again)
    again[0] += 1.0  # each caller gets its own copy
    np.testing.assert_array_equal(meters.remembered_embedding("george", samples), first)
    assert len(calls) == 1
    meters.remembered_embedding("jackson", samples)
    assert len(calls) == 2
    with local_models(speech_similarity=folders[1]):  # another load of the model: computed anew
        meters.remembered_embedding("george", samples)
    assert len(calls) == 3


def test_bad_text_language_and_rate_are_refused_in_words(loaded):
    assert "write a few words" in refused(lambda: meters.character_error_rate("?!", "kot"))
    assert "wpisz kilka słów" in polish(lambda: meters.measure(voice(), RATE, "  ", "pl"))
    assert "Polish, English, German, Ukrainian" in refused(lambda: meters.transcribe(voice(), "it"))
    assert "polski, angielski, niemiecki" in polish(lambda: meters.measure(voice(), RATE, "kot", None))
    assert "damaged" in refused(lambda: meters.measure(voice(), 0, "kot", "pl"))
    assert "damaged" in refused(lambda: meters.speaker_embedding(np.full(RATE, np.nan, dtype=np.float32)))


@pytest.mark.parametrize("load", ["_load_recogniser", "_load_verifier"])
def test_a_meter_saved_only_as_a_pickle_is_not_loaded(folders, tmp_path, load):
    """Both meters read safetensors only: a pytorch_model.bin is never unpickled."""
    import shutil

    from safetensors.torch import load_file

    source = folders[0] if load == "_load_recogniser" else folders[1]
    pickled = tmp_path / "pickled"
    shutil.copytree(source, pickled)
    weights = pickled / "model.safetensors"
    torch.save(load_file(str(weights)), pickled / "pytorch_model.bin")
    weights.unlink()
    with pytest.raises(OSError):
        getattr(meters, load)(str(pickled))


@pytest.mark.parametrize("rate, accepted", [(7999, False), (8000, True), (192000, True), (192001, False)])
def test_a_result_is_measured_at_any_rate_from_8_to_192_khz(loaded, rate, accepted):
    import librosa

    samples = librosa.resample(voice(), orig_sr=RATE, target_sr=rate).astype(np.float32)
    if accepted:
        result = meters.measure(samples, rate, "kot", "pl")
        assert "".join(c.hypothesis for c in result.alignment) == meters.normalise(result.transcript)
    else:
        assert "damaged" in refused(lambda: meters.measure(samples, rate, "kot", "pl"))


def test_two_channels_or_a_missing_reference_are_said_in_words(loaded):
    assert "no sound" in refused(lambda: meters.measure(np.zeros((2, RATE), dtype=np.float32), RATE, "kot", "pl"))
    chunk = [meters.AlignedChunk("equal", "kot", "kot")]
    alone = in_language("en", meters.describe, meters.Meters("kot", 0.25, chunk, None))
    assert "25 %" in alone and "None" not in alone
    edge = in_language("en", meters.describe, meters.Meters("kot", 0.0, chunk, meters.SAME_SPEAKER))
    # the model card's threshold itself counts as the same speaker
    assert "takes them for one speaker" in edge and "different voices" not in edge
