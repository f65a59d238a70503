"""A voice is 512 numbers: SpeechT5 (Ao et al., 2022) reads English text aloud in whatever voice a
speaker embedding describes, and that embedding is computed from a few seconds of anyone's speech.

The embedding is an x-vector. A speaker-recognition network (speechbrain/spkrec-xvect-voxceleb, a
TDNN trained to tell 7 205 VoxCeleb speakers apart) turns a recording into 512 numbers that describe
the voice rather than the words, and the vector is scaled to length 1: the recipe of the SpeechT5
model card, with which the x-vectors of its voices were made. A voice is then a point in a
512-dimensional space, so two voices can be mixed: go part of the straight way from one point to
the other, put the result back on the unit sphere, and the model speaks in a voice in between.
SpeechT5 writes a log-mel spectrogram, two frames per decoder step until its stop head fires; the
HiFi-GAN vocoder turns each frame into 256 samples at 16 kHz.

This module imports torch, transformers and speechbrain only inside its functions, so the page
builds without them.
"""

from __future__ import annotations

import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shared import models
from shared.controls import Choice, Number, Seed, Text
from shared.device import pick_device
from shared.errors import LabError
from shared.texts import Family
from speech import recording

TALKER_KEY = "speech_t5"
VOCODER_KEY = "speech_t5_vocoder"
EMBEDDER_KEY = "speech_xvector"
RATE = recording.RATE  # the x-vector hears, and SpeechT5's vocoder speaks, 16 kHz mono

# SpeechT5 reads characters, one token each, and its decoder writes 2 mel frames (32 ms) per step,
# running its prenet again over everything written so far at every step: 200 characters are about
# 14 s of speech and 440 decoder steps, some 18 s on two CPU cores (benchmarks/bench_speech_voice.py:
# a real-time factor of 1.1 to 1.3); a longer text also nears the encoder's 600 text positions once
# its numbers are written out in words.
TEXT_MAX_CHARS = 200
# The longest the decoder may run, in steps per text token: the library's default maxlenratio.
MAX_LENGTH_RATIO = 20.0

EXAMPLES = Path(__file__).resolve().parent / "examples" / "fsdd"
SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")  # FSDD's six speakers
DEFAULT_SPEAKER = "george"  # the voice of a call that names none (tts.py)
MINE = "mine"  # the voice of the visitor's own recording, beside the six
# An example of a visitor's recording, for the map without a microphone (examples/fsdd/ATTRIBUTION.md)
EXAMPLE_RECORDING = EXAMPLES / "jackson_digits.wav"
MIN_SPEAKER_SECONDS = 2.0  # a speaker's voice from at least this much of their speech

TEXT = Text("speech.voice.text", max_chars=TEXT_MAX_CHARS, default=None, empty="speech.voice.error.empty_text",
            placeholder=True, lines=2)
MIX = Number("speech.voice.mix", low=0.0, high=1.0, default=0.5, step=0.05, info=True)
SEED = Seed("speech.voice.seed")
# The two voices to move between: a speaker's name is shown as it is, the visitor's recording in words.
NAMES = (*(speaker.capitalize() for speaker in SPEAKERS), MINE)
VOICE_A = Choice("speech.voice.voice_a", choices=(*SPEAKERS, MINE), default=DEFAULT_SPEAKER, names=NAMES,
                 labels="speech.voice.voice", translated=(MINE,), dropdown=True)
VOICE_B = Choice("speech.voice.voice_b", choices=(*SPEAKERS, MINE), default="jackson", names=NAMES,
                 labels="speech.voice.voice", translated=(MINE,), dropdown=True)

# One run at a time: a run seeds torch's global generator, which the decoder's dropout (and the
# x-vector's pooling) then draws from.
_SPEAKING = threading.Lock()


@dataclass
class Talker:
    """SpeechT5 and its vocoder, loaded."""

    processor: object  # transformers.SpeechT5Processor (its tokenizer reads the text)
    model: object  # transformers.SpeechT5ForTextToSpeech, in eval mode on its device
    vocoder: object  # transformers.SpeechT5HifiGan, in eval mode on the same device
    lock: threading.Lock


@dataclass
class VoiceSpeech:
    """One SpeechT5 run."""

    waveform: np.ndarray  # (samples,) float32
    rate: int  # the vocoder's sampling rate (16 kHz)
    mel: np.ndarray  # (frames, mel bins) float32: the log-mel spectrogram the model predicted
    hop: int  # samples per mel frame: the product of the vocoder's upsample_rates (256)
    seed: int
    unknown: list[str]  # characters of the text the tokenizer does not know, each once, in order

    @property
    def duration_s(self) -> float:
        return len(self.waveform) / self.rate


# ---------------------------------------------------------------- the models


def load_talker() -> Talker:
    """SpeechT5 (``speech_t5``) and its HiFi-GAN (``speech_t5_vocoder``), each cached by shared.models."""
    processor, model = models.load(TALKER_KEY, _load_speecht5)
    vocoder = models.load(VOCODER_KEY, _load_vocoder)
    return Talker(processor=processor, model=model, vocoder=vocoder, lock=_SPEAKING)


def _load_speecht5(ident: str):
    import torch
    from transformers import SpeechT5ForTextToSpeech, SpeechT5Processor

    processor = SpeechT5Processor.from_pretrained(ident)
    # Both microsoft checkpoints list a model.safetensors beside pytorch_model.bin (SFconvertbot's
    # "Adding safetensors variant"; where it sits in the bot's pull request rather than on main,
    # transformers' auto_conversion fetches it from there). float32: a small model, and the voice
    # should not move with the hardware's precision.
    model = SpeechT5ForTextToSpeech.from_pretrained(ident, use_safetensors=True, dtype=torch.float32)
    return processor, model.to(pick_device()).eval()


def _load_vocoder(ident: str):
    import torch
    from transformers import SpeechT5HifiGan

    vocoder = SpeechT5HifiGan.from_pretrained(ident, use_safetensors=True, dtype=torch.float32)
    return vocoder.to(pick_device()).eval()


def load_embedder():
    """speechbrain's x-vector ``EncoderClassifier`` of ``speech_xvector``, cached."""
    return models.load(EMBEDDER_KEY, _load_embedder)


def _load_embedder(ident: str):
    """speechbrain 1.1.2 reads the checkpoint's .ckpt files with a bare ``torch.load(path,
    map_location=...)`` (``utils/checkpoints.py``: ``torch_patched_state_dict_load``, the hook of
    every module; ``processing/features.py``: ``InputNormalization._load``) and its label encoder
    as text (``ast.literal_eval``). Since torch 2.6 a bare ``torch.load`` is ``weights_only=True``:
    tensors and plain containers only, nothing else is unpickled, and a file that holds any other
    object is refused. Only ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` would turn that off for every such
    call, so the loader refuses to run under it (or under an older torch).

    The ``hyperparams.yaml`` is another matter: HyperPyYAML builds the classes it names (``!new:``)
    and may call functions (``!apply:``), which is why speechbrain warns to load it only from a
    trusted source; ``LAB_MODEL_SPEECH_XVECTOR`` must name one.

    ``savedir=None``: the files stay where they are (a local folder) or in the Hugging Face cache.
    A savedir would be kept between runs, and speechbrain's ``fetch`` returns a file already in it
    as it is, so one savedir for two models would mix their files. The real hyperparams.yaml points
    its checkpoint paths at ``pretrained_path: speechbrain/spkrec-xvect-voxceleb``; a local copy is
    read from its own folder by overriding that path."""
    import torch
    from speechbrain.inference.classifiers import EncoderClassifier

    if tuple(int(part) for part in torch.__version__.split(".")[:2]) < (2, 6):
        raise RuntimeError("torch older than 2.6: speechbrain's torch.load would unpickle any object")
    if os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").strip().lower() in ("1", "y", "yes", "true"):
        raise RuntimeError("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD is set: speechbrain's torch.load would unpickle "
                           "any object")
    overrides = {"pretrained_path": str(ident)} if os.path.isdir(ident) else {}
    embedder = EncoderClassifier.from_hparams(source=ident, savedir=None, overrides=overrides,
                                              run_opts={"device": str(pick_device())})
    return embedder.eval()


# ---------------------------------------------------------------- a voice from a recording


SAMPLE_ERRORS = Family("speech.voice.error", recording.SAMPLE_PROBLEMS)


def check_samples(samples: object) -> np.ndarray:
    """16 kHz mono samples as float32, refused in words when they cannot give a voice."""
    return recording.check_samples(samples, errors=SAMPLE_ERRORS, min_seconds=recording.MIN_SECONDS,
                                   max_seconds=recording.MAX_SECONDS)


# speechbrain's StatisticsPooling adds a little Gaussian noise (1e-5 to 9e-5) to the mean it pools,
# at inference too, drawing from torch's generator: seeded, one recording always gives one voice.
XVECTOR_SEED = 0


def xvector(embedder, samples16k: np.ndarray) -> np.ndarray:
    """The voice of ``samples16k`` (16 kHz mono, recording.Recording.samples) as the SpeechT5 model
    card computes it: ``encode_batch`` (no normalisation by the checkpoint's statistics), then
    ``torch.nn.functional.normalize(dim=2)``: (embedding size,) float32 of length 1. The pooling's
    noise is drawn from XVECTOR_SEED, in a fork of torch's generator (the caller's is left as it was)."""
    import torch

    samples16k = check_samples(samples16k)
    device = torch.device(getattr(embedder, "device", "cpu"))
    with _SPEAKING, torch.random.fork_rng(devices=[device] if device.type == "cuda" else []), torch.inference_mode():
        torch.manual_seed(XVECTOR_SEED)
        embedding = embedder.encode_batch(torch.from_numpy(samples16k).to(device))  # (1, 1, 512)
        embedding = torch.nn.functional.normalize(embedding, dim=2)
    return embedding[0, 0].float().cpu().numpy()


def check_embedding(embedding: object, size: int | None = None) -> np.ndarray:
    """A speaker embedding as a 1-D float32 array of finite numbers, not all zero (``size`` long)."""
    embedding = np.asarray(embedding, dtype=np.float32)
    if embedding.ndim != 1 or embedding.size == 0 or not np.all(np.isfinite(embedding)):
        raise ValueError(f"a speaker embedding is a 1-D array of finite numbers, not {embedding.shape}")
    if size is not None and embedding.size != size:
        raise ValueError(f"this model takes speaker embeddings of {size} numbers, not {embedding.size}")
    if not np.any(embedding):
        raise ValueError("a speaker embedding of zeros has no direction")
    return embedding


def mix(a: np.ndarray, b: np.ndarray, t: object) -> np.ndarray:
    """The voice ``t`` of the way from ``a`` to ``b``: (1 − t)·a + t·b, brought back to length 1.

    SpeechT5 was trained on unit-length x-vectors (and its decoder prenet normalises whatever it is
    given), so the point on the straight line between two voices is put back on the unit sphere:
    what the model hears is only the direction. For unit ``a`` and ``b`` the result lies on the
    arc between them (not at an even pace along it; for voices this close the difference is small)."""
    t = MIX.check(t)
    a, b = check_embedding(a), check_embedding(b, a.size)
    between = (1.0 - t) * a.astype(np.float64) + t * b.astype(np.float64)
    length = float(np.linalg.norm(between))
    if length < 1e-6:  # exactly opposite voices met in the middle: no direction left
        raise LabError("speech.voice.error.no_direction")
    return (between / length).astype(np.float32)


# ---------------------------------------------------------------- the six FSDD voices


def speaker_clips() -> dict[str, list[Path]]:
    """The shipped FSDD clips of each speaker (``<digit>_<speaker>_<index>.wav``), in file-name order."""
    clips: dict[str, list[Path]] = {speaker: [] for speaker in SPEAKERS}
    for path in sorted(EXAMPLES.glob("*.wav")):
        parts = path.stem.split("_")
        if len(parts) == 3 and parts[1] in clips:
            clips[parts[1]].append(path)
    return clips


def joined_clips(paths: list[Path]) -> np.ndarray:
    """Clips of one speaker, joined end to end at their own rate (8 kHz) and brought to 16 kHz mono."""
    import soundfile as sf

    pieces, rates = [], set()
    for path in paths:
        samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
        pieces.append(samples.mean(axis=1))
        rates.add(rate)
    if len(rates) != 1:
        raise ValueError(f"clips of one speaker at different rates: {sorted(rates)}")
    return recording.from_samples(np.concatenate(pieces), rates.pop()).samples


def speaker_samples(speaker: str) -> np.ndarray:
    """All the shipped clips of one FSDD speaker, joined: 16 kHz mono, at least MIN_SPEAKER_SECONDS."""
    if speaker not in SPEAKERS:
        raise ValueError(f"{speaker!r} is not one of the FSDD speakers {SPEAKERS}")
    samples = joined_clips(speaker_clips()[speaker])
    if samples.size / RATE < MIN_SPEAKER_SECONDS:
        raise RuntimeError(f"only {samples.size / RATE:.1f} s of {speaker}'s clips ship in {EXAMPLES}")
    return samples


# A speaker's voice is the same on every request: kept per loaded embedder (and forgotten with it).
_voices: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_voices_lock = threading.Lock()


def speaker_voice(embedder, speaker: str) -> np.ndarray:
    """The x-vector of one FSDD speaker: of all their shipped clips joined (speaker_samples)."""
    with _voices_lock:
        known = _voices.setdefault(embedder, {})
        if speaker not in known:
            known[speaker] = xvector(embedder, speaker_samples(speaker))
        return known[speaker].copy()


# ---------------------------------------------------------------- speaking


def unknown_characters(tokenizer, text: str) -> list[str]:
    """The characters of ``text`` the tokenizer reads as <unk>, each once, in order of appearance."""
    unknown_id = tokenizer.unk_token_id
    seen: list[str] = []
    for character in dict.fromkeys(text):
        if character.isspace() or character in seen:
            continue
        if unknown_id in tokenizer.convert_tokens_to_ids(tokenizer.tokenize(character)):
            seen.append(character)
    return seen


def speak(talker: Talker, text: object, embedding: np.ndarray, seed: object = 0) -> VoiceSpeech:
    """``text`` in the voice ``embedding``, seeded.

    The seed matters even in eval mode: SpeechT5's decoder prenet applies its dropout at inference
    too (``SpeechT5SpeechDecoderPrenet._consistent_dropout``, ``torch.bernoulli`` on every step, as
    Tacotron 2 does, §2.2 of Shen et al.), so the same text and voice come out a little different
    with every seed. The mel comes from ``model.generate_speech`` without a vocoder, and the
    waveform from the vocoder run on that mel: exactly what ``generate_speech(vocoder=...)`` does."""
    import torch

    text = TEXT.check(text)
    seed = SEED.check(seed)
    processor, model, vocoder = talker.processor, talker.model, talker.vocoder
    config = model.config
    embedding = check_embedding(embedding, config.speaker_embedding_dim)
    tokenizer = processor.tokenizer
    # numbers written out in English words ("512" → "five hundred and twelve"): the vocabulary has letters
    spoken_text = tokenizer.normalizer(text)
    unknown = unknown_characters(tokenizer, spoken_text)
    ids = processor(text=spoken_text, return_tensors="pt")["input_ids"]
    special = set(tokenizer.all_special_ids)
    letters = [i for i, token in zip(ids[0].tolist(), tokenizer.convert_ids_to_tokens(ids[0]), strict=True)
               if i not in special and token.strip("▁")]
    if not letters:
        raise LabError("speech.voice.error.nothing_to_say", characters=" ".join(unknown[:12]))
    if ids.shape[1] > config.max_text_positions:
        raise LabError("speech.voice.error.too_long_spoken", tokens=ids.shape[1], limit=config.max_text_positions)
    # The decoder holds max_speech_positions steps; generate_speech stops after int(maxlenratio · tokens
    # / reduction_factor) steps even when its stop head never fires, so that is kept within them (the
    # half step keeps float rounding from taking the last one away).
    room = (config.max_speech_positions + 0.5) * config.reduction_factor / ids.shape[1]
    ratio = min(MAX_LENGTH_RATIO, room)
    speaker = torch.from_numpy(embedding)[None].to(model.device)
    with talker.lock, torch.inference_mode():
        torch.manual_seed(seed)
        mel = model.generate_speech(ids.to(model.device), speaker, maxlenratio=ratio)  # (frames, mel bins)
        waveform = vocoder(mel.to(vocoder.device))
    hop = int(np.prod(vocoder.config.upsample_rates))
    mel, waveform = mel.float().cpu().numpy(), waveform.float().cpu().numpy()
    if mel.shape[0] * hop != waveform.size:
        raise RuntimeError(f"{mel.shape[0]} mel frames × {hop} disagree with {waveform.size} samples")
    return VoiceSpeech(waveform=waveform, rate=int(vocoder.config.sampling_rate), mel=mel, hop=hop, seed=seed,
                       unknown=unknown)
