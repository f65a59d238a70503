"""Reading a visitor's recording: any format libsndfile decodes (WAV, FLAC, OGG, MP3), any rate
and channels, at most ten seconds, checked from the header before a sample is decoded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile

from shared.errors import LabError
from spoken_digits.preprocess import MAX_SECONDS

MIN_RATE, MAX_RATE = 1000, 192000
MAX_CHANNELS = 8


def read_recording(path: str | Path) -> tuple[np.ndarray, int]:
    """(samples (frames, channels) float32, sample rate)."""
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError, TypeError):
        raise LabError("spoken_digits.not_audio") from None
    if not (MIN_RATE <= info.samplerate <= MAX_RATE) or not (1 <= info.channels <= MAX_CHANNELS):
        raise LabError("spoken_digits.not_audio")
    if info.frames > MAX_SECONDS * info.samplerate:
        raise LabError("spoken_digits.too_long", seconds=MAX_SECONDS)
    try:
        samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError):
        raise LabError("spoken_digits.not_audio") from None
    return samples, rate  # a header that understated the length: prepare() measures the samples themselves
