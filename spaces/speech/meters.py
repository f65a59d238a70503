"""Two meters beside every result, the ones speech-synthesis papers report and demos rarely show.

Intelligibility. A speech recogniser (Whisper) writes down what it hears in the generated speech,
and the character error rate (CER) counts how far that transcript is from the text the voice was
asked to say: the fewest single-character substitutions, deletions and insertions that turn one
into the other (Levenshtein), divided by the length of the text. 0 is a perfect match. Because
insertions count too, a recogniser that hears more than was said can push the rate above 1.
Both texts are first brought to one form (``normalise``): lower case, punctuation dropped,
runs of spaces made one, so that "Kot." and "kot" agree; Polish letters stay themselves, "ą" is
not "a". We measure characters rather than words because one wrong ending of a Polish word
("kotem" for "kotami") would cost a whole word.

Speaker similarity. A speaker-verification network (WavLM with an x-vector head) turns a few
seconds of speech into one vector that describes the voice and not the words; two recordings of
one person give vectors pointing the same way. The meter is the cosine of the angle between the
reference recording's vector and the result's, as the model card computes it; the card calls two
recordings one speaker from 0.86 up, and says the best threshold depends on the data.

Both are one machine's judgement, not a listener's: a low CER says the recogniser understood the
speech, not that it sounds natural; a high similarity says this network confuses the two voices.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from shared import models
from shared.device import pick_device
from shared.errors import LabError
from shared.i18n import message, number
from shared.texts import Family
from speech import recording

ASR_KEY = "speech_asr"
SIMILARITY_KEY = "speech_similarity"
RATE = 16000  # both models hear 16 kHz mono (recording.RATE)
# Whisper's codes of the tab's languages: the two of text to speech and the six of cloning (clone.LANGUAGES).
LANGUAGES = ("pl", "en", "de", "uk", "fr", "es")
MAX_SECONDS = 30.0  # Whisper hears one 30-second window; longer speech would need its long-form mode
MIN_SECONDS = 0.5  # the x-vector's convolutions and TDNN need a few frames
# The same-speaker threshold of the wavlm-base-plus-sv model card
# (https://huggingface.co/microsoft/wavlm-base-plus-sv, "threshold = 0.86  # the optimal threshold is
# dataset-dependent").
SAME_SPEAKER = 0.86
# Whisper's prompt: start of transcript, language, task, "no timestamps"; the decoder holds 448 tokens.
PROMPT_TOKENS = 4


# ---------------------------------------------------------------- the models

def load_recogniser():
    """(WhisperForConditionalGeneration, WhisperProcessor) of ``speech_asr``, cached."""
    return models.load(ASR_KEY, _load_recogniser)


def _load_recogniser(ident: str):
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    processor = WhisperProcessor.from_pretrained(ident)
    # float32 everywhere: a small model, and the meter should not move with the hardware's precision
    model = WhisperForConditionalGeneration.from_pretrained(ident, use_safetensors=True)
    return model.to(pick_device()).eval(), processor


def load_verifier():
    """(WavLMForXVector, its feature extractor) of ``speech_similarity``, cached."""
    return models.load(SIMILARITY_KEY, _load_verifier)


def _load_verifier(ident: str):
    from transformers import AutoFeatureExtractor, WavLMForXVector

    extractor = AutoFeatureExtractor.from_pretrained(ident)
    model = WavLMForXVector.from_pretrained(ident, use_safetensors=True)
    return model.to(pick_device()).eval(), extractor


# ---------------------------------------------------------------- checking what arrives

SAMPLE_ERRORS = Family("speech.meter.error", recording.SAMPLE_PROBLEMS)


def check_samples(samples: object, *, max_seconds: float = MAX_SECONDS, min_seconds: float = MIN_SECONDS) -> np.ndarray:
    """16 kHz mono samples as float32, refused in the meters' words when empty, broken, too short or too long."""
    return recording.check_samples(samples, errors=SAMPLE_ERRORS, min_seconds=min_seconds,
                                   max_seconds=max_seconds)


def check_language(language: object) -> str:
    if language not in LANGUAGES:
        raise LabError("speech.meter.error.language")
    return language  # type: ignore[return-value]


# ---------------------------------------------------------------- intelligibility

def transcribe(samples16k: np.ndarray, language: str, *, max_new_tokens: int | None = None) -> str:
    """What Whisper hears in ``samples16k``, told the language (no detection) and the task
    ("transcribe", not "translate"), without timestamps. ``max_new_tokens`` caps the transcript
    (a recogniser that loops on a broken sound would otherwise write until its decoder is full)."""
    tokens = transcript_tokens(samples16k, language, max_new_tokens=max_new_tokens)
    _, processor = load_recogniser()
    return processor.batch_decode([tokens], skip_special_tokens=True)[0].strip()


def transcript_tokens(samples16k: np.ndarray, language: str, *, max_new_tokens: int | None = None) -> list[int]:
    """The tokens ``transcribe`` decodes: greedy ``generate`` on the log-mel features of the
    checkpoint's own feature extractor (30 s, padded), after the prompt of start of transcript,
    language, "transcribe" and "no timestamps"."""
    import torch

    # Whisper pads every clip to its 30-s window: a word shorter than the x-vector's minimum is heard too.
    samples16k, language = check_samples(samples16k, min_seconds=0.0), check_language(language)
    model, processor = load_recogniser()
    room = model.config.max_target_positions - PROMPT_TOKENS
    max_new_tokens = room if max_new_tokens is None else max(1, min(int(max_new_tokens), room))
    features = processor.feature_extractor(samples16k, sampling_rate=RATE, return_tensors="pt")
    with torch.inference_mode():
        tokens = model.generate(features.input_features.to(model.device, model.dtype), language=language,
                                task="transcribe", return_timestamps=False, max_new_tokens=max_new_tokens)
    return tokens[0].tolist()


def transcript_budget(text: str) -> int:
    """How many tokens a transcript of ``text`` may take: twice what the text itself takes in
    Whisper's tokenizer, and some room, so that a looping recogniser stops early (the CER of so
    long a transcript is above 1 anyway)."""
    _, processor = load_recogniser()
    return 2 * len(processor.tokenizer(text, add_special_tokens=False).input_ids) + 16


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalise(text: str) -> str:
    """The form in which both texts are compared: Unicode NFC (a composed "ą" and "a" + ogonek are
    one letter), lower case, every punctuation mark and symbol replaced by a space, runs of
    whitespace made one space, none at the ends. Letters with diacritics stay distinct letters."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    return " ".join(_PUNCTUATION.sub(" ", text).split())


@dataclass(frozen=True)
class AlignedChunk:
    """One step of the character alignment: ``op`` is "equal", "substitute", "delete" (in the text,
    missing from the transcript) or "insert" (in the transcript only)."""

    op: str
    reference: str
    hypothesis: str


def check_text(reference: object) -> str:
    """The text the voice was asked to say, normalised, refused in words when nothing is left."""
    if not isinstance(reference, str) or not normalise(reference):
        raise LabError("speech.meter.error.no_text")
    return normalise(reference)


def character_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / characters of the reference, after ``normalise``
    (jiwer.cer). 0 is a perfect transcript, 1 an empty one; insertions can take it above 1."""
    import jiwer

    return float(jiwer.cer(check_text(reference), normalise(hypothesis)))


def character_alignment(reference: str, hypothesis: str) -> list[AlignedChunk]:
    """The edit script behind the CER (jiwer.process_characters) as chunks the page can colour:
    the reference chunks joined give the normalised reference, the hypothesis chunks the
    normalised transcript."""
    import jiwer

    reference, hypothesis = check_text(reference), normalise(hypothesis)
    if not hypothesis:  # jiwer needs a character to align with; everything was deleted
        return [AlignedChunk("delete", reference, "")]
    result = jiwer.process_characters(reference, hypothesis)
    ref, hyp = "".join(result.references[0]), "".join(result.hypotheses[0])
    return [AlignedChunk(chunk.type, ref[chunk.ref_start_idx:chunk.ref_end_idx],
                         hyp[chunk.hyp_start_idx:chunk.hyp_end_idx]) for chunk in result.alignments[0]]


# ---------------------------------------------------------------- speaker similarity

def speaker_embedding(samples16k: np.ndarray) -> np.ndarray:
    """The voice of ``samples16k`` as WavLM's x-vector (512 numbers in wavlm-base-plus-sv), float32."""
    import torch

    samples16k = check_samples(samples16k, max_seconds=60.0)
    model, extractor = load_verifier()
    inputs = extractor(samples16k, sampling_rate=RATE, return_tensors="pt").to(model.device)
    with torch.inference_mode():
        embedding = model(**inputs).embeddings[0]
    return embedding.float().cpu().numpy()


# The embeddings of the shipped speakers are the same on every request: kept per loaded model
# (and forgotten with it).
_remembered: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_remembered_lock = threading.Lock()


def remembered_embedding(name: str, samples_of: Callable[[], np.ndarray]) -> np.ndarray:
    """speaker_embedding of a fixed recording called ``name`` (one FSDD speaker's clips), computed
    from ``samples_of()`` once per loaded model."""
    model, _ = load_verifier()
    with _remembered_lock:
        known = _remembered.setdefault(model, {})
        if name not in known:
            known[name] = speaker_embedding(samples_of())
        return known[name].copy()


def speaker_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The cosine of two speaker embeddings, as the model card computes it: each made unit length
    (torch.nn.functional.normalize), then torch.nn.CosineSimilarity. 1: the same direction;
    the card's "same speaker" starts at SAME_SPEAKER."""
    import torch

    a, b = (torch.nn.functional.normalize(torch.as_tensor(np.asarray(v, dtype=np.float32)), dim=-1) for v in (a, b))
    return float(torch.nn.CosineSimilarity(dim=-1)(a, b))


# ---------------------------------------------------------------- both meters

@dataclass(frozen=True)
class Meters:
    transcript: str  # what Whisper heard, as it wrote it
    cer: float  # character error rate against the text (0 best; above 1 possible)
    alignment: list[AlignedChunk]  # the edit script behind ``cer``
    similarity: float | None  # cosine of the reference's and the result's voices; None without a reference


def measure(samples: np.ndarray, rate: int, text: str, language: str, reference: np.ndarray | None = None) -> Meters:
    """Both meters of one result: ``samples`` at ``rate`` (brought to 16 kHz), the ``text`` it was
    asked to say in ``language``, and ``reference``, a 16 kHz recording of the voice it copies
    (recording.read_recording), if any."""
    check_text(text)
    language = check_language(language)
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1 or samples.size == 0:
        raise LabError("speech.meter.error.no_audio")
    if not np.all(np.isfinite(samples)):
        raise LabError("speech.meter.error.broken_audio")
    if not isinstance(rate, (int, np.integer)) or not 8000 <= rate <= 192000:
        raise LabError("speech.meter.error.broken_audio")
    heard = recording.at_rate(samples, rate)  # VITS speaks at 16 kHz, other voices at 24 kHz; both models hear 16 kHz
    transcript = transcribe(heard, language, max_new_tokens=transcript_budget(text))
    similarity = None
    if reference is not None:
        similarity = speaker_similarity(speaker_embedding(reference), speaker_embedding(heard))
    return Meters(transcript=transcript, cer=character_error_rate(text, transcript),
                  alignment=character_alignment(text, transcript), similarity=similarity)


def describe(meters: Meters) -> str:
    """How to read the two numbers, in the reader's language."""
    intelligibility = message("speech.meter.describe.cer", cer=number(100 * meters.cer, ".0f"))
    if meters.similarity is None:
        return message("speech.meter.describe.no_reference", intelligibility=intelligibility)
    verdict = "speech.meter.describe.same" if meters.similarity >= SAME_SPEAKER else "speech.meter.describe.other"
    return message(verdict, intelligibility=intelligibility, similarity=number(meters.similarity, ".2f"),
                   threshold=number(SAME_SPEAKER, ".2f"))
