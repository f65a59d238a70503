"""Text to speech with VITS (MMS-TTS for Polish and English), with every stage of the pipeline kept
for the page: the characters, how long the model holds each, its latent "spectrogram", the waveform.

VITS (Kim et al., 2021) reads characters, not sounds, and has to decide by itself how long each one
lasts. Its pipeline, as ``transformers.VitsModel.forward`` runs it:

1. The tokenizer turns the text into ids, one per character it knows, and puts a *blank* (id 0)
   between every two characters and at both ends. A blank is a slot of its own in which the model
   may spend time (the transition from one sound to the next, a pause at a space) or none at all:
   without blanks, every frame of sound would have to belong to one letter, and the glide between
   two letters would have nowhere to go. The VITS paper inherits the trick from Glow-TTS.
2. A transformer text encoder gives each token a hidden vector and a Gaussian (a mean and a
   variance) of what its sound looks like in the latent space.
3. The *stochastic duration predictor*, a small normalizing flow, turns noise into a log-duration
   per token: the same text can be said fast or slow, with a pause or without, and the noise picks
   one way (``noise_scale_duration`` scales that noise; 0 is always the same, most typical rhythm).
   ``transformers`` rounds exp(log-duration) / speaking_rate *up* to whole frames, so every token
   lasts at least one frame, and repeats each token's Gaussian for that many frames.
4. A latent is sampled from those Gaussians (``noise_scale`` scales the noise: the voice's
   liveliness) and an inverted flow turns it into the latent the decoder reads; transformers calls
   it the ``spectrogram``, although it is a learned representation, not a mel spectrogram.
5. The HiFi-GAN decoder upsamples every latent frame into ``hop`` samples of sound (the product of
   ``config.upsample_rates``: 256 samples, 16 ms at 16 kHz, for MMS-TTS).

So the waveform has exactly sum(durations) · hop samples, and the durations drawn under it are the
ones this very run sampled: a forward hook catches the duration predictor's output inside the
library's own forward, and it is rounded as the library rounds it. Nothing is re-run or re-computed
from another sample.

MMS-TTS (Pratap et al., 2023, https://huggingface.co/facebook/mms-tts-pol) reads lower-case
letters of its language only; the tokenizer silently drops anything else (digits, emoji, most
punctuation). Here the dropped characters are reported, so the page can say "write numbers as
words", and a text with nothing speakable is refused. The checkpoints are CC-BY-NC-4.0.

This module imports torch and transformers only inside its functions, so the page builds without them.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

import numpy as np

from shared import models
from shared.controls import Choice, Number, Seed, Text
from shared.device import pick_device
from shared.errors import LabError
from shared.validation import check_text

KEYS = {"pl": "speech_pl", "en": "speech_en"}
LANGUAGES = ("pl", "en")
LANGUAGE_NAMES = ("Polski", "English")
SEEDS_SHOWN = 5  # five_seeds: enough to hear that the rhythm is sampled, few enough to listen to all
# Five runs of one sentence: 200 characters are about 15 s of speech each, five of them some 40 s on
# two CPU cores; one sentence is what the comparison needs.
FIVE_SEEDS_MAX_CHARS = 200

# 400 characters are about 30 s of speech at the default rate: a paragraph a lecture hall listens
# to, one short CPU run (MMS-TTS speaks several times faster than real time on two cores).
TEXT_MAX_CHARS = 400
BLANK_SHOWN = "·"  # how a blank token is written under the waveform
SPACE_SHOWN = "␣"  # a space, made visible

TEXT = Text("speech.vits.text", max_chars=TEXT_MAX_CHARS, default=None, empty="speech.vits.error.empty_text",
            placeholder=True, lines=2)
LANGUAGE = Choice("speech.vits.language", choices=LANGUAGES, default="pl", names=LANGUAGE_NAMES)
# The ranges the VITS authors' and MMS's own demos use; the defaults are VitsConfig's, which are
# the values of the MMS-TTS checkpoints' config.json (speaking_rate 1.0, noise_scale 0.667,
# noise_scale_duration 0.8) and of the VITS paper's inference.
SPEAKING_RATE = Number("speech.vits.speaking_rate", low=0.5, high=2.0, default=1.0, step=0.05, info=True)
NOISE_SCALE = Number("speech.vits.noise_scale", low=0.0, high=1.5, default=0.667, step=0.01, info=True)
NOISE_SCALE_DURATION = Number("speech.vits.noise_scale_duration", low=0.0, high=1.5, default=0.8, step=0.01,
                              info=True)
SEED = Seed("speech.vits.seed")

# Words of the pictures and notes, for ui.py and alignment.py: named here so the page and the tests agree.
AXIS_SECONDS = "speech.vits.axis.seconds"
STRIP_LABEL = "speech.vits.strip"
SEED_LABEL = "speech.vits.seed_label"
DROPPED = "speech.vits.dropped"
DROPPED_DIGITS = "speech.vits.dropped.digits"


@dataclass
class Reader:
    """A loaded VITS voice: the model, its tokenizer, and a lock, because a run sets the model's
    noise scales as attributes (where ``VitsModel.forward`` reads them) and seeds torch's generator."""

    model: object  # transformers.VitsModel, in eval mode on its device
    tokenizer: object  # transformers.VitsTokenizer
    lock: threading.Lock


@dataclass(frozen=True)
class Settings:
    speaking_rate: float
    noise_scale: float
    noise_scale_duration: float


@dataclass
class Speech:
    """One VITS run, every stage kept."""

    waveform: np.ndarray  # (samples,) float32 in [-1, 1]
    rate: int  # config.sampling_rate
    ids: list[int]  # what the tokenizer gave, blanks included
    tokens: list[str]  # the same, as shown: BLANK_SHOWN for a blank, SPACE_SHOWN for a space
    blanks: list[bool]  # which tokens are blanks
    frames: np.ndarray  # (tokens,) int: frames the model gave each token in this run
    hop: int  # samples per frame: the product of config.upsample_rates
    latent: np.ndarray  # (channels, frames) float32: what the decoder read ("spectrogram" in transformers)
    seed: int
    settings: Settings
    dropped: list[str]  # characters of the text the vocabulary lacks, each once, in order

    @property
    def seconds_per_token(self) -> np.ndarray:
        return self.frames * self.hop / self.rate

    @property
    def duration_s(self) -> float:
        return len(self.waveform) / self.rate

    @property
    def dropped_digits(self) -> bool:
        return any(character.isdigit() for character in self.dropped)


# ---------------------------------------------------------------- the model


def load_reader(language: str) -> Reader:
    """The VITS voice for ``language`` ("pl" or "en"), cached by shared.models (a failure becomes
    ``ModelUnavailable``)."""
    return models.load(KEYS[LANGUAGE.check(language)], _load_reader)


def _load_reader(ident: str) -> Reader:
    from transformers import VitsModel, VitsTokenizer

    tokenizer = VitsTokenizer.from_pretrained(ident)
    # float32 everywhere: the model is small (36 M parameters) and the rounding of durations to
    # whole frames should not depend on the hardware's half precision.
    model = VitsModel.from_pretrained(ident, use_safetensors=True).to(pick_device()).eval()
    return Reader(model=model, tokenizer=tokenizer, lock=threading.Lock())


# ---------------------------------------------------------------- checks


def check_settings(speaking_rate: object, noise_scale: object, noise_scale_duration: object) -> Settings:
    return Settings(SPEAKING_RATE.check(speaking_rate), NOISE_SCALE.check(noise_scale),
                    NOISE_SCALE_DURATION.check(noise_scale_duration))


def dropped_characters(tokenizer, text: str) -> list[str]:
    """The characters of ``text`` that the tokenizer will drop, each once, in order of appearance.
    It lower-cases first (as ``VitsTokenizer.normalize_text`` does) and then keeps only what its
    vocabulary has; line breaks and tabs are left out of the report (they are only layout)."""
    seen: list[str] = []
    for character in tokenizer.normalize_text(text):
        if character not in tokenizer.encoder and not character.isspace() and character not in seen:
            seen.append(character)
    return seen


def blank_flags(tokenizer, text: str, ids: list[int]) -> list[bool]:
    """Which of ``ids`` are blanks. Usually every even position; but MMS-TTS's pad token is a letter
    of id 0 ("w" in Polish, "k" in English), and transformers' tokenizer splits the text at special
    tokens before it inserts blanks, so such a letter stands alone, without blanks around it. The
    pieces are found as the tokenizer finds them (its trie of special tokens), blanks inserted
    piece by piece, and the result checked against the tokenizer's own ids."""
    if not tokenizer.add_blank:
        return [False] * len(ids)
    prepared, _ = tokenizer.prepare_for_tokenization(text)
    special = set(tokenizer.all_special_tokens)
    flags: list[bool] = []
    tokens: list[str] = []
    for piece in tokenizer.tokens_trie.split(prepared):
        if not piece:
            continue
        if piece in special:
            tokens.append(piece)
            flags.append(False)
        else:
            piece_tokens = tokenizer._tokenize(piece)
            tokens.extend(piece_tokens)
            flags.extend(index % 2 == 0 for index in range(len(piece_tokens)))
    if tokenizer.convert_tokens_to_ids(tokens) != list(ids):  # another tokenizer's rules: the plain ones
        return [index % 2 == 0 for index in range(len(ids))]
    return flags


def shown_token(token: str | None, blank: bool) -> str:
    if blank:
        return BLANK_SHOWN
    if token == " ":
        return SPACE_SHOWN
    return token or "?"


# ---------------------------------------------------------------- the run


def synthesize(reader: Reader, text: object, *, speaking_rate: object = SPEAKING_RATE.default,
               noise_scale: object = NOISE_SCALE.default, noise_scale_duration: object = NOISE_SCALE_DURATION.default,
               seed: object = 0) -> Speech:
    """Speak ``text`` with ``reader``'s VITS, seeded; every setting checked and refused in words."""
    import torch

    text = TEXT.check(text)
    settings = check_settings(speaking_rate, noise_scale, noise_scale_duration)
    seed = SEED.check(seed)
    tokenizer, model = reader.tokenizer, reader.model
    dropped = dropped_characters(tokenizer, text)
    ids = tokenizer(text)["input_ids"]
    blanks = blank_flags(tokenizer, text, ids)
    spoken = [i for i, blank in zip(ids, blanks, strict=True) if not blank]
    if not spoken or all(tokenizer.convert_ids_to_tokens(i) == " " for i in spoken):
        raise LabError("speech.vits.error.nothing_to_say", characters=" ".join(dropped[:12]))

    caught: list = []
    hook = model.duration_predictor.register_forward_hook(lambda module, args, output: caught.append(output))
    try:
        with reader.lock, torch.inference_mode():
            model.noise_scale = settings.noise_scale
            model.noise_scale_duration = settings.noise_scale_duration
            model.speaking_rate = settings.speaking_rate
            torch.manual_seed(seed)
            output = model(torch.tensor([ids], device=model.device))
    finally:
        hook.remove()

    # transformers' own rounding (VitsModel.forward): ceil(exp(log_duration) · mask · length_scale),
    # the mask all ones for a single unpadded text.
    log_duration = caught[0]
    length_scale = 1.0 / settings.speaking_rate
    frames = torch.ceil(torch.exp(log_duration) * torch.ones_like(log_duration) * length_scale)
    frames = frames[0, 0].long().cpu().numpy()
    hop = int(np.prod(model.config.upsample_rates))
    waveform = output.waveform[0].float().cpu().numpy()
    if int(frames.sum()) * hop != len(waveform):
        raise RuntimeError(f"durations ({int(frames.sum())} frames × {hop}) disagree with {len(waveform)} samples")
    tokens = [shown_token(tokenizer.convert_ids_to_tokens(i), blank) for i, blank in zip(ids, blanks, strict=True)]
    return Speech(waveform=waveform, rate=int(model.config.sampling_rate), ids=list(ids), tokens=tokens,
                  blanks=blanks, frames=frames, hop=hop, latent=output.spectrogram[0].float().cpu().numpy(),
                  seed=seed, settings=settings, dropped=dropped)


def five_seeds(reader: Reader, text: object, *, speaking_rate: object = SPEAKING_RATE.default,
               noise_scale: object = NOISE_SCALE.default, noise_scale_duration: object = NOISE_SCALE_DURATION.default,
               seed: object = 0) -> list[Speech]:
    """The same sentence with the same settings, seeds ``seed`` … ``seed + 4``: only the sampled
    noise differs, so what differs between them (the rhythm, the pauses, the melody) is sampled."""
    check_text(TEXT.check(text), FIVE_SEEDS_MAX_CHARS)
    first = SEED.check(seed)
    last = SEED.check(first + SEEDS_SHOWN - 1)
    return [synthesize(reader, text, speaking_rate=speaking_rate, noise_scale=noise_scale,
                       noise_scale_duration=noise_scale_duration, seed=s) for s in range(first, last + 1)]


def dropped_note(speech: Speech, language: str | None = None) -> str | None:
    """The line the page shows under a run whose text had characters the model cannot read, in the
    reader's language (or ``language``); None where nothing was dropped."""
    from shared.i18n import message

    # Punctuation is dropped too, and that is expected (the voices read no commas): only the rest is worth a line.
    worth_saying = [c for c in speech.dropped if not unicodedata.category(c).startswith("P")]
    if not worth_saying:
        return None
    key = DROPPED_DIGITS if speech.dropped_digits else DROPPED
    return message(key, language, characters=" ".join(worth_saying))
