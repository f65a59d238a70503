"""Reading what people upload, bringing it to one working format, and writing the stems.

Everything is checked from the file's header before any sample is decoded, so a two-hour
file costs nothing when only its first seconds are wanted. Every separator then works on
the same mix: 44.1 kHz stereo float32, shaped (channels, samples).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from shared.errors import LabError
from shared.i18n import decimal_mark, message, number

WORKING_RATE = 44100  # the rate Demucs was trained at; the classical methods use it too
MIN_SECONDS = 1.0  # shorter clips carry too little music to separate (and to hear)
MIN_RATE, MAX_RATE = 8000, 192000
MAX_CHANNELS = 8
SILENCE_PEAK = 10 ** (-80 / 20)  # below -80 dBFS everywhere: nothing to separate
# 5.1 in the WAV order (front L, front R, centre, LFE, back L, back R) folded into stereo,
# with the centre, where vocals usually sit, shared by both sides (ITU-R BS.775 weights).
_CENTRE_GAIN = _SURROUND_GAIN = 1 / np.sqrt(2)


@dataclass
class Clip:
    """A window of an audio file, as decoded: ``samples`` is (channels, frames) float32."""

    samples: np.ndarray
    rate: int
    start: float
    file_seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.samples.shape[-1] / self.rate


def read_clip(path: object, *, limit: float, use_first: bool, seconds: float, start: float = 0.0) -> Clip:
    """Decode the part of ``path`` to separate.

    ``use_first``: take ``seconds`` seconds from ``start`` (the clip may be longer); otherwise
    the whole clip from ``start``, refused when it is longer than ``limit`` seconds.
    """
    info = probe(path)
    file_seconds = info.frames / info.samplerate
    if start >= file_seconds:
        raise LabError("audio_separation.error.start_after_end", start=_seconds(start), duration=_seconds(file_seconds))
    available = file_seconds - start
    if use_first:
        wanted = min(seconds, available)
    elif available > limit:
        raise LabError("audio_separation.error.too_long", duration=_seconds(available), limit=_seconds(limit))
    else:
        wanted = available
    if wanted < MIN_SECONDS:
        raise LabError("audio_separation.error.too_short", duration=_seconds(wanted), limit=_seconds(MIN_SECONDS))

    first_frame = int(round(start * info.samplerate))
    frames = int(round(wanted * info.samplerate))
    try:
        with sf.SoundFile(str(path)) as audio:
            if first_frame:
                audio.seek(first_frame)
            samples = audio.read(frames=frames, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError, OSError):
        raise LabError("audio_separation.error.broken") from None
    clip = Clip(samples.T.copy(), info.samplerate, start, file_seconds)

    got = clip.samples.shape[-1]
    if got < frames:
        # The header promised more than the file holds: an interrupted download or copy.
        clip.notes.append(message("audio_separation.note.truncated", expected=_seconds(wanted),
                                  got=_seconds(got / info.samplerate)))
    if clip.seconds < MIN_SECONDS:
        raise LabError("audio_separation.error.too_short", duration=_seconds(clip.seconds), limit=_seconds(MIN_SECONDS))
    if not np.all(np.isfinite(clip.samples)):
        raise LabError("audio_separation.error.not_finite")
    if float(np.max(np.abs(clip.samples))) < SILENCE_PEAK:
        raise LabError("audio_separation.error.silent")
    if use_first and wanted < available:
        clip.notes.append(message("audio_separation.note.window", start=_seconds(start), end=_seconds(start + wanted),
                                  duration=_seconds(file_seconds)))
    return clip


def probe(path: object) -> sf._SoundFileInfo:
    """The file's header (rate, channels, length), refused with a clear message when unusable."""
    if path is None or (isinstance(path, str) and not path.strip()):
        raise LabError("audio_separation.error.missing")
    if not isinstance(path, (str, Path)):
        raise LabError("audio_separation.error.not_audio")
    file = Path(path)
    if not file.is_file():
        raise LabError("audio_separation.error.not_audio")
    if file.stat().st_size == 0:
        raise LabError("audio_separation.error.empty_file")
    try:
        info = sf.info(str(file))
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError, OSError):
        raise LabError("audio_separation.error.not_audio") from None
    if info.frames <= 0 or info.samplerate <= 0:
        raise LabError("audio_separation.error.no_samples")
    if not MIN_RATE <= info.samplerate <= MAX_RATE:
        raise LabError("audio_separation.error.rate", rate=info.samplerate, low=MIN_RATE, high=MAX_RATE)
    if not 1 <= info.channels <= MAX_CHANNELS:
        raise LabError("audio_separation.error.channels", channels=info.channels, limit=MAX_CHANNELS)
    return info


def to_working_format(clip: Clip) -> tuple[np.ndarray, list[str]]:
    """The clip as 44.1 kHz stereo, with a note for each conversion made."""
    notes = []
    samples = clip.samples
    channels = samples.shape[0]
    if channels == 1:
        samples = np.repeat(samples, 2, axis=0)
        notes.append(message("audio_separation.note.mono"))
    elif channels == 6:
        samples = _fold_surround(samples)
        notes.append(message("audio_separation.note.surround"))
    elif channels > 2:
        samples = np.repeat(samples.mean(axis=0, keepdims=True), 2, axis=0)
        notes.append(message("audio_separation.note.many_channels", channels=channels))
    if clip.rate != WORKING_RATE:
        import librosa

        samples = librosa.resample(samples, orig_sr=clip.rate, target_sr=WORKING_RATE, axis=-1)
        key = "audio_separation.note.upsampled" if clip.rate < WORKING_RATE else "audio_separation.note.downsampled"
        notes.append(message(key, rate=clip.rate, target=WORKING_RATE, top=number(clip.rate / 2000, "g")))
    return np.ascontiguousarray(samples, dtype=np.float32), notes


def _fold_surround(samples: np.ndarray) -> np.ndarray:
    front_left, front_right, centre, _lfe, back_left, back_right = samples
    left = front_left + _CENTRE_GAIN * centre + _SURROUND_GAIN * back_left
    right = front_right + _CENTRE_GAIN * centre + _SURROUND_GAIN * back_right
    return np.stack([left, right]) / (1 + _CENTRE_GAIN + _SURROUND_GAIN)


def _seconds(value: float) -> str:
    """3 s, 2.5 s, 0.05 s (2,5 s in Polish): as many decimals as a person needs to recognise the number."""
    digits = 2 if value < 1 else 1 if value < 10 else 0
    text = f"{value:.{digits}f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", decimal_mark())
