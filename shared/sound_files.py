"""Writing sound for the visitor to play and download: 16-bit WAV, or MP3 (libsndfile's encoder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf


def write_audio(path: Path, samples: np.ndarray, rate: int, audio_format: str) -> Path:
    """Save (channels, frames) float audio as 16-bit WAV or as MP3; values are clipped to ±1."""
    data = np.clip(samples, -1.0, 1.0).T
    if audio_format == "mp3":
        sf.write(str(path), data, rate, format="MP3", subtype="MPEG_LAYER_III")
    else:
        sf.write(str(path), data, rate, format="WAV", subtype="PCM_16")
    return path


def temporary_audio(samples: np.ndarray, rate: int, audio_format: str = "wav") -> str:
    """The sound, (samples,) mono or (channels, samples), in a new temporary file for a player or a
    download, which Gradio copies into its own cache; the file's path."""
    import tempfile

    path = Path(tempfile.NamedTemporaryFile(suffix=f".{audio_format}", delete=False).name)
    return str(write_audio(path, samples if samples.ndim == 2 else samples[None], rate, audio_format))
