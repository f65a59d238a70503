"""From any recording to what the networks were trained on: 8 kHz, mono, silence trimmed,
peak-normalised, centred in 8 000 samples (one second).

The same function prepares the training clips and the visitor's recording, so the network
hears both the same way; every stage is kept so that the tab can show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from shared.errors import LabError
from shared.i18n import number

SAMPLE_RATE = 8000
LENGTH = 8000  # samples: the slide's input shape (8000, 1)
TRIM_TOP_DB = 30  # what is this far below the loudest part counts as silence
SILENCE_PEAK = 1e-3  # a peak below this (about -60 dBFS) is silence, whatever the shape
# A word rises and falls: across FSDD the loudness of the spoken part spans 8.7-40 dB (5th to 95th
# percentile of 32 ms frames, measured on every 7th clip); steady white, pink or mains-hum noise spans 0-6 dB.
STEADY_RANGE_DB = 7.0
# Share of samples at (99 % of) the recording's own peak: in FSDD at most 0.5 %; a recording driven
# twice too loud, cut flat, has 2-5 %, and from about 5 % the raw-waveform network starts to mishear.
CLIPPED_SHARE = 0.01
MAX_SECONDS = 10
# The shortest spoken part in FSDD, once trimmed, is 1 024 samples (0.128 s): anything shorter is no digit.
MIN_SPOKEN_SECONDS = 0.12


@dataclass
class Prepared:
    original: np.ndarray  # mono, at the original rate
    original_rate: int
    resampled: np.ndarray  # at 8 kHz
    trimmed: np.ndarray  # the spoken part
    trim_start: int  # where it starts in ``resampled``
    model_input: np.ndarray  # float32 (8000,), peak 1, centred
    cropped: bool  # the spoken part was longer than one second
    clipped: bool  # the recording was too loud: its peaks are cut flat


def to_mono(samples: np.ndarray) -> np.ndarray:
    """(n,) or (n, channels) of any numeric type → float32 (n,) in [-1, 1]."""
    samples = np.asarray(samples)
    if samples.dtype.kind not in "iuf":
        raise LabError("spoken_digits.not_audio")
    if samples.dtype.kind in "iu":  # PCM: full scale is 2^(bits-1); unsigned PCM is centred on it
        half = float(2 ** (8 * samples.dtype.itemsize - 1))
        samples = samples.astype(np.float64) - (half if samples.dtype.kind == "u" else 0.0)
        samples = samples / half
    samples = samples.astype(np.float32)
    if samples.ndim == 2:
        # Gradio gives (n, channels); a few readers give (channels, n) for short stereo files
        samples = samples.mean(axis=1 if samples.shape[1] <= 8 else 0)
    if samples.ndim != 1:
        raise LabError("spoken_digits.not_audio")
    return samples


def centre(samples: np.ndarray, length: int = LENGTH) -> tuple[np.ndarray, bool]:
    """Pad with silence on both sides, or crop around the middle, to ``length`` samples."""
    if len(samples) >= length:
        start = (len(samples) - length) // 2
        return samples[start:start + length], len(samples) > length
    before = (length - len(samples)) // 2
    return np.pad(samples, (before, length - len(samples) - before)), False


def normalise(samples: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return (samples / peak).astype(np.float32) if peak > 0 else samples.astype(np.float32)


def trim(samples: np.ndarray) -> tuple[np.ndarray, int]:
    _, (start, end) = librosa.effects.trim(samples, top_db=TRIM_TOP_DB, frame_length=256, hop_length=64)
    return samples[start:end], int(start)


def prepare_clip(samples: np.ndarray) -> np.ndarray:
    """A clip already at 8 kHz and mono → the network's input (training and the tab alike)."""
    trimmed, _ = trim(samples)
    return normalise(centre(trimmed)[0])


def prepare(samples: np.ndarray, rate: int) -> Prepared:
    """A visitor's recording (any rate, channels, length up to ``MAX_SECONDS``) → every stage.

    Raises ``LabError`` for something that is not a recording the network can hear: empty, too
    long or too short, not finite, silent, or a steady noise without a word in it."""
    mono = to_mono(samples)
    if rate <= 0 or len(mono) == 0:
        raise LabError("spoken_digits.empty")
    if len(mono) > MAX_SECONDS * rate:
        raise LabError("spoken_digits.too_long", seconds=MAX_SECONDS)
    if not np.all(np.isfinite(mono)):
        raise LabError("spoken_digits.not_audio")
    resampled = librosa.resample(mono, orig_sr=rate, target_sr=SAMPLE_RATE) if rate != SAMPLE_RATE else mono
    if len(resampled) < 64:
        raise LabError("spoken_digits.too_short", seconds=number(MIN_SPOKEN_SECONDS, ".2f"))
    if float(np.max(np.abs(resampled))) < SILENCE_PEAK:
        raise LabError("spoken_digits.silence")
    trimmed, start = trim(resampled)
    if len(trimmed) < MIN_SPOKEN_SECONDS * SAMPLE_RATE:
        raise LabError("spoken_digits.too_short", seconds=number(MIN_SPOKEN_SECONDS, ".2f"))
    if loudness_range_db(trimmed) < STEADY_RANGE_DB:
        raise LabError("spoken_digits.noise")
    centred, cropped = centre(trimmed)
    return Prepared(mono, rate, resampled, trimmed, start, normalise(centred), cropped, is_clipped(mono))


def is_clipped(samples: np.ndarray) -> bool:
    magnitude = np.abs(samples)
    return bool(np.mean(magnitude >= 0.99 * magnitude.max()) > CLIPPED_SHARE)


def loudness_range_db(samples: np.ndarray) -> float:
    """How much the loudness varies over the clip: 95th minus 5th percentile of the frames' RMS, in dB."""
    rms = librosa.feature.rms(y=samples, frame_length=256, hop_length=64)[0]
    level = 20 * np.log10(rms + 1e-10)
    return float(np.percentile(level, 95) - np.percentile(level, 5))
