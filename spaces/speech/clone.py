"""Cloning a voice from a few seconds of it: OmniVoice (k2-fsa), with the speaker's consent.

OmniVoice does not speak word after word. It writes the whole utterance at once as a grid of
audio codes, 8 codebooks deep and 25 frames a second long (the codes of the Higgs Audio v2
tokenizer, which turns them back into 24 kHz sound), and it starts from a grid in which every
code is *masked*. A Qwen3 language model (0.6 B parameters) reads one sequence: the language, the
transcript of the reference followed by the text to say, the reference's own codes, and the masked
grid; at every step it guesses every masked code, and the guesses it is surest of are kept. After
32 steps (the default) nothing is masked. This is a masked diffusion language model: like an
image model denoising, but the noise is "unknown", and a step removes some of it.

The voice is never described to the model: it continues the reference. The codes of the visitor's
recording stand in the sequence just before the grid, and the most likely continuation of a
voice is the same voice. That is why a few seconds are enough, and why the reference's transcript
matters: the model expects the text of the reference, then the new text, and aligns them.

Voice cloning can fool people (a relative on the phone) and voice-biometric systems (a bank's
"my voice is my password"), so the tab clones only with the consent box ticked, and says why.
Nothing is stored: the recording stays in memory for one call; what is written is the output file
the page plays.

Everything runs inside OmniVoice's own ``generate``; a forward pre-hook sees the grid before
every step (for the page's picture and for Stop), and the audio tokenizer's ``decode`` shows the
finished codes. ``generate`` does not return between steps, so it runs in a thread, in lockstep
with the generator that reports them (``shared.stepwise.in_steps``).

The full-size model needs a GPU: on a CPU the tab refuses unless ``LAB_SPEECH_CLONE_CPU=1`` (the
tests set it, with a tiny model): one sentence takes minutes there (benchmarks/bench_speech_clone.py).
This module imports torch and omnivoice only inside its functions, so the page builds without them.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from shared import models
from shared.controls import Choice, Flag, Number, Seed, Text
from shared.device import on_gpu, pick_device, pick_dtype
from shared.errors import LabError
from shared.i18n import message, number
from shared.stepwise import final, in_steps

CLONE_KEY = "speech_clone"
# Set to 1 to clone on a CPU anyway (tests do, with a tiny model).
CPU_VARIABLE = "LAB_SPEECH_CLONE_CPU"

# About 20 s of Polish speech: for a speaker of ordinary pace the model's own estimate (the
# reference's characters per second) stays under 30 s, where OmniVoice would start cutting the text
# into chunks (a slow speaker's clone may be cut; the watch below follows each chunk's grid), and
# one GPU call stays short.
TEXT_MAX_CHARS = 300
# OmniVoice's authors recommend a reference of 3 to 10 s (a longer one is slower and clones worse,
# omnivoice/models/omnivoice.py); a longer recording is cut to its first REFERENCE_SECONDS.
REFERENCE_SECONDS = 10.0

# Languages, Polish first, each under its own name as language pickers show them. OmniVoice knows
# 646 (docs/languages.md of k2-fsa/OmniVoice, with its hours of training speech): Polish 912 h,
# English 206 061 h, German 21 927 h, French 23 675 h, Spanish 27 560 h, Ukrainian 1 852 h.
LANGUAGES = ("pl", "en", "de", "uk", "fr", "es")
LANGUAGE_NAMES = ("Polski", "English", "Deutsch", "Українська", "Français", "Español")

CONSENT = Flag("speech.clone.consent", default=False)
TEXT = Text("speech.clone.text", max_chars=TEXT_MAX_CHARS, default=None, empty="speech.clone.error.empty_text",
            placeholder=True, lines=3)
LANGUAGE = Choice("speech.clone.language", choices=LANGUAGES, default="pl", names=LANGUAGE_NAMES, dropdown=True)
SEED = Seed("speech.clone.seed")
# OmniVoice's default is 32; its authors use 16 for speed. Fewer leave audible errors: too many
# codes are fixed at once, before their neighbours are known.
STEPS = Number("speech.clone.steps", low=4, high=64, default=32, step=4, integer=True, info=True)

# The words of the cloning part of the page, for ui.py.
HEADING = "speech.clone.heading"
ETHICS = "speech.clone.ethics"
RUN = "speech.clone.run"
AUDIO = "speech.clone.audio"
TOKENS = "speech.clone.tokens"
HINT_NO_GPU = "speech.clone.hint.no_gpu"


@dataclass(frozen=True)
class CloneRequest:
    """What to say, checked (``check_request``); consent is part of it, always True here."""

    text: str
    language: str
    seed: int
    steps: int


@dataclass
class CloneProgress:
    step: int  # steps done, 0..total
    total: int
    tokens: np.ndarray  # (codebooks, frames) int16: the grid after ``step`` steps, -1 where still masked

    @property
    def fixed(self) -> float:
        """The share of the grid already decided."""
        return float(np.mean(self.tokens >= 0))


@dataclass
class CloneResult:
    waveform: np.ndarray  # (samples,) float32 at ``rate``, as OmniVoice returns it
    rate: int
    text: str  # what it was asked to say, checked (CloneRequest.text)
    seed: int
    language: str
    steps: int
    tokens: np.ndarray  # (codebooks, frames) int16: the codes that were decoded
    reference_seconds: float  # how much of the recording the model heard
    trimmed: bool  # the recording was longer than REFERENCE_SECONDS and cut
    transcript_used: bool  # the reference's transcript was given to the model

    @property
    def seconds(self) -> float:
        return len(self.waveform) / self.rate


# ---------------------------------------------------------------- hardware and the model


def cpu_allowed() -> bool:
    return os.environ.get(CPU_VARIABLE, "").strip() == "1"


def can_clone() -> bool:
    """Whether the page offers cloning at all: on a GPU, or on a CPU where it is asked for."""
    return on_gpu() or cpu_allowed()


def check_hardware() -> None:
    if not can_clone():
        raise LabError("speech.clone.error.needs_gpu")


def load_cloner():
    """The ``OmniVoice`` model with its tokenizers, cached by shared.models (a failure becomes
    ``ModelUnavailable``)."""
    return models.load(CLONE_KEY, _load_cloner)


def _load_cloner(ident: str):
    from omnivoice import OmniVoice

    device = pick_device()
    # A folder is read as it is; its audio tokenizer is its audio_tokenizer/ subfolder (without one
    # OmniVoice would download eustlb/higgs-audio-v2-tokenizer). float16 on a GPU, as OmniVoice's
    # own examples run it; float32 on a CPU. safetensors only.
    model = OmniVoice.from_pretrained(ident, dtype=pick_dtype(device), device_map=str(device), use_safetensors=True)
    _watch_steps(model)
    return model


# ---------------------------------------------------------------- watching generate's steps

# The run in this thread, if any: the hooks below are on the shared, cached model, and only the
# thread that cloned sees its own steps.
_watching = threading.local()
# One cloning at a time: the seed is set on torch's global generator, which two runs would share.
_one_run = threading.Lock()


class _Stopped(Exception):
    """Raised inside ``generate`` (from the hook) to end a run that was stopped."""


def _watch_steps(model) -> None:
    """Hooks that let a run see the grid before every step and the codes that are decoded; they
    change nothing, and do nothing for a call that is not watched (a test's direct ``generate``)."""

    def before_step(module, args, kwargs):
        watch = getattr(_watching, "watch", None)
        if watch is not None:
            watch.before_step(kwargs["input_ids"], kwargs["audio_mask"])

    model.register_forward_pre_hook(before_step, with_kwargs=True)
    decode = model.audio_tokenizer.decode

    def decode_watched(audio_codes, *args, **kwargs):
        watch = getattr(_watching, "watch", None)
        if watch is not None:
            watch.decoded(audio_codes)
        return decode(audio_codes, *args, **kwargs)

    model.audio_tokenizer.decode = decode_watched


class _Watch:
    def __init__(self, hand_over: Callable[[CloneProgress], bool], stop, total: int, mask_id: int):
        self.hand_over, self.stop, self.total, self.mask_id = hand_over, stop, total, mask_id
        self.frames = 0
        self.step = 0
        self.decoded_codes: list[np.ndarray] = []

    def before_step(self, input_ids, audio_mask) -> None:
        # Row 0 is the conditional sequence of the one utterance (row 1 is the unconditional copy
        # for classifier-free guidance). Its grid is at the end: before a grid's first step, the
        # audio positions where every codebook is masked (the reference's codes never are). Each
        # grid takes exactly ``total`` steps (OmniVoice cuts a long text into chunks, one grid each).
        row = input_ids[0]
        if self.step == self.total or self.frames == 0:
            self.frames = int((row[:, audio_mask[0]] == self.mask_id).all(dim=0).sum())
            self.step = 0
        if (self.stop is not None and self.stop.is_set()) or not self.hand_over(
                CloneProgress(self.step, self.total, self._grid(row[:, -self.frames:]))):
            raise _Stopped
        self.step += 1

    def decoded(self, audio_codes) -> None:
        grid = self._grid(audio_codes[0])
        self.decoded_codes.append(grid)
        self.hand_over(CloneProgress(self.total, self.total, grid))

    def _grid(self, codes) -> np.ndarray:
        grid = codes.detach().cpu().numpy().astype(np.int16)
        grid[grid == self.mask_id] = -1
        return grid


# ---------------------------------------------------------------- the request


def has_words(text: str) -> bool:
    """Whether ``text`` holds anything to say: a letter or a digit (not only emoji or punctuation)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def check_request(consent: object, text: object, language: object, seed: object, steps: object) -> CloneRequest:
    """Consent first (nothing else is looked at without it), then every value, then the hardware."""
    if consent is None or not CONSENT.check(consent):  # an API call without it: no consent
        raise LabError("speech.clone.error.no_consent")
    text = TEXT.check(text).strip()
    if not has_words(text):
        raise LabError("speech.clone.error.no_words")
    request = CloneRequest(text=text, language=LANGUAGE.check(language), seed=SEED.check(seed),
                           steps=STEPS.check(steps))
    check_hardware()
    return request


def reference_clip(reference) -> tuple[np.ndarray, bool]:
    """The part of a ``recording.Recording`` the model hears: its first REFERENCE_SECONDS, and
    whether it was cut. The page transcribes this clip, so that the transcript matches it."""
    keep = int(REFERENCE_SECONDS * reference.rate)
    return reference.samples[:keep], len(reference.samples) > keep


def generate_arguments(request: CloneRequest, reference, ref_text: str | None) -> dict:
    """``OmniVoice.generate``'s arguments: the same for the tab and for a test that calls it
    directly. Without a transcript the model gets an empty one: OmniVoice would otherwise download
    Whisper large-v3 to write one, and the tab's own Whisper already runs beside it (meters.py)."""
    import torch

    clip, _ = reference_clip(reference)
    return dict(text=request.text, language=request.language, ref_audio=(torch.from_numpy(clip)[None], reference.rate),
                ref_text=(ref_text or "").strip(), num_step=request.steps)


# ---------------------------------------------------------------- cloning


def seeded_generate(model, arguments: dict, seed: int) -> list[np.ndarray]:
    """``model.generate(**arguments)`` after seeding torch's generators with ``seed`` (OmniVoice
    samples which codes to keep with Gumbel noise from the global generator), which are restored
    afterwards."""
    import torch

    devices = [model.device] if model.device.type == "cuda" else []
    with _one_run, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        return model.generate(**arguments)


def clone_voice(model, reference, text: object, language: object, seed: object, ref_text: str | None = None,
                stop: threading.Event | None = None, *, consent: object = True,
                steps: object = STEPS.default) -> Iterator[CloneProgress | CloneResult]:
    """Yield a ``CloneProgress`` before every step and once the grid is decoded, then the
    ``CloneResult``. ``reference`` is a ``recording.Recording`` (read_recording has checked it)."""
    request = check_request(consent, text, language, seed, steps)
    if stop is not None and stop.is_set():
        raise LabError("speech.clone.stopped")
    arguments = generate_arguments(request, reference, ref_text)
    watch_of_run: list[_Watch] = []

    def work(hand_over: Callable[[CloneProgress], bool]):
        watch = _Watch(hand_over, stop, request.steps, model.config.audio_mask_id)
        watch_of_run.append(watch)
        _watching.watch = watch
        try:
            return seeded_generate(model, arguments, request.seed)[0]
        except _Stopped:
            return None
        finally:
            _watching.watch = None

    waveform = yield from in_steps(work, name="speech-clone")
    if waveform is None:
        raise LabError("speech.clone.stopped")
    clip, trimmed = reference_clip(reference)
    yield CloneResult(waveform=np.asarray(waveform, dtype=np.float32), rate=int(model.sampling_rate),
                      text=request.text, seed=request.seed, language=request.language, steps=request.steps,
                      tokens=np.concatenate(watch_of_run[0].decoded_codes, axis=1),
                      reference_seconds=len(clip) / reference.rate, trimmed=trimmed,
                      transcript_used=bool(arguments["ref_text"]))


def result_of(events: Iterator[CloneProgress | CloneResult]) -> CloneResult:
    """The result of a run, whole (the API and the tests)."""
    return final(events, CloneResult, "speech.clone.stopped")


def summary(result: CloneResult) -> dict:
    """The facts the API returns beside the file (the meters add theirs)."""
    codebooks, frames = result.tokens.shape
    return {"sample_rate": result.rate, "duration_s": round(result.seconds, 3), "language": result.language,
            "seed": result.seed, "steps": result.steps, "codebooks": int(codebooks), "frames": int(frames),
            "reference_s": round(result.reference_seconds, 3), "reference_trimmed": result.trimmed,
            "transcript_used": result.transcript_used}


def describe(result: CloneResult) -> str:
    """The line under the player, in the reader's language."""
    codebooks, frames = result.tokens.shape
    line = message("speech.clone.done", seconds=number(round(result.seconds, 1)), steps=result.steps,
                   codes=codebooks * frames, codebooks=codebooks, frames=frames, seed=result.seed)
    if result.trimmed:
        line += " " + message("speech.clone.trimmed", seconds=number(REFERENCE_SECONDS, "g"))
    if not result.transcript_used:
        line += " " + message("speech.clone.no_transcript")
    return line
