"""A visitor's recording of a voice: read from its header first, brought to 16 kHz mono float32,
the rate every speech model of this tab listens at (VITS speaks at it, Whisper, the x-vector and
WavLM hear at it).

A reference voice needs a few seconds to say anything about the speaker, and a clip minutes long
only costs time: both ends are refused in words, as is anything that is not sound.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shared.errors import LabError
from shared.i18n import number
from shared.texts import Family

RATE = 16000
MIN_SECONDS = 1.0  # shorter than a word: no voice to measure
MAX_SECONDS = 60.0  # a reference or a recording to embed; only the first seconds matter
MIN_RATE, MAX_RATE = 8000, 192000
MAX_CHANNELS = 8
SILENCE_PEAK = 10 ** (-60 / 20)  # below -60 dBFS everywhere: nobody speaks


@dataclass
class Recording:
    samples: np.ndarray  # (samples,) mono float32 at RATE
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def read_recording(path: object, *, max_seconds: float = MAX_SECONDS) -> Recording:
    """The whole recording at ``path`` as 16 kHz mono, refused in words when it is missing, not
    sound, shorter than MIN_SECONDS, longer than ``max_seconds`` or silent."""
    import soundfile as sf

    if path is None or not isinstance(path, (str, Path)) or not Path(path).is_file():
        raise LabError("speech.error.no_recording")
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError, OSError):
        raise LabError("speech.error.not_audio") from None
    if not (MIN_RATE <= info.samplerate <= MAX_RATE) or not (1 <= info.channels <= MAX_CHANNELS) or info.frames <= 0:
        raise LabError("speech.error.not_audio")
    seconds = info.frames / info.samplerate
    if seconds < MIN_SECONDS:
        raise LabError("speech.error.recording_too_short", seconds=number(seconds), low=number(MIN_SECONDS, "g"))
    if seconds > max_seconds:
        raise LabError("speech.error.recording_too_long", seconds=number(seconds, ".0f"), high=number(max_seconds, "g"))
    try:
        samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError, OSError):
        raise LabError("speech.error.not_audio") from None
    if not np.all(np.isfinite(samples)):
        raise LabError("speech.error.not_audio")
    return from_samples(samples.mean(axis=1), rate)


def from_samples(samples: np.ndarray, rate: int) -> Recording:
    """Mono samples at any rate as a Recording at RATE, refused when silent."""
    samples = at_rate(samples, rate)
    if samples.size == 0 or float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise LabError("speech.error.silent_recording")
    return Recording(samples=samples, rate=RATE)


def at_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono samples at ``rate`` as float32 at RATE (librosa's resampler; as they are when already there)."""
    samples = np.asarray(samples, dtype=np.float32)
    if rate == RATE:
        return samples
    import librosa

    return librosa.resample(samples, orig_sr=int(rate), target_sr=RATE).astype(np.float32)


# What check_samples refuses; each caller names its messages for them (a Family of these members),
# saying what it needs the sound for.
SAMPLE_PROBLEMS = ("no_audio", "broken_audio", "too_short", "too_long")


def check_samples(samples: object, *, errors: Family, min_seconds: float, max_seconds: float) -> np.ndarray:
    """Mono samples at RATE as float32, refused in words when empty, not finite, shorter than
    ``min_seconds`` or longer than ``max_seconds``, with the caller's message for each (``errors``)."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1 or samples.size == 0:
        raise LabError(errors.key("no_audio"))
    if not np.all(np.isfinite(samples)):
        raise LabError(errors.key("broken_audio"))
    seconds = samples.size / RATE
    if seconds < min_seconds:
        raise LabError(errors.key("too_short"), seconds=number(seconds), low=number(min_seconds, "g"))
    if seconds > max_seconds:
        raise LabError(errors.key("too_long"), seconds=number(seconds, ".0f"), high=number(max_seconds, "g"))
    return samples
