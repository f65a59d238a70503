"""EnCodec, the codec MusicGen writes in: a clip in, its codes out, and back to sound.

EnCodec's encoder turns every 640 samples (20 ms at 32 kHz) into one vector, and residual vector
quantisation writes that vector as four numbers: the index of the nearest of 2048 entries of the
first codebook, then of the second codebook for what the first left over, and so on. 4 indices
of 11 bits, 50 times a second, are 2.2 kbit/s, against 512 kbit/s for the same sound as 16-bit
samples. The round trip (encode, decode) is the best MusicGen can sound: it predicts these codes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from music_generation.compose import decode
from music_generation.loading import Composer
from shared.errors import LabError

ROUND_TRIP_SECONDS = 10.0  # the clip's first seconds that are encoded
MIN_SECONDS = 0.5
MIN_RATE, MAX_RATE = 8000, 192000
MAX_CHANNELS = 8
PCM_BITS = 16
CD_BITRATE = 44100 * 2 * PCM_BITS  # a CD's 1 411.2 kbit/s, the usual yardstick


@dataclass
class Clip:
    samples: np.ndarray  # (samples,) mono float32 at ``rate``
    rate: int
    file_bitrate: float  # bit/s of the file's samples as 16-bit PCM: rate × channels × 16
    file_seconds: float


@dataclass
class RoundTrip:
    original: np.ndarray  # (samples,) mono at the codec's rate
    decoded: dict[int, np.ndarray]  # codebooks used → (samples,) sound
    codes: np.ndarray  # (codebooks, frames)
    rate: int
    bitrates: dict[str, float]  # bit/s: "cd", "file" (as 16-bit PCM), "pcm" (the codec's rate, mono), "codes"


def read_clip(path: object, seconds: float = ROUND_TRIP_SECONDS) -> Clip:
    """The first ``seconds`` of an audio file, averaged to mono; checked from the header first."""
    import soundfile as sf

    if path is None or not isinstance(path, (str, Path)) or not Path(path).is_file():
        raise LabError("music_generation.error.no_clip")
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError, OSError):
        raise LabError("music_generation.error.not_audio") from None
    if not (MIN_RATE <= info.samplerate <= MAX_RATE) or not (1 <= info.channels <= MAX_CHANNELS) or info.frames <= 0:
        raise LabError("music_generation.error.not_audio")
    try:
        samples, rate = sf.read(str(path), frames=int(seconds * info.samplerate), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError, OSError):
        raise LabError("music_generation.error.not_audio") from None
    if len(samples) < MIN_SECONDS * rate:
        raise LabError("music_generation.error.clip_too_short", seconds=f"{MIN_SECONDS:g}")
    if not np.all(np.isfinite(samples)):
        raise LabError("music_generation.error.not_audio")
    return Clip(samples=samples.mean(axis=1), rate=rate, file_bitrate=float(rate * info.channels * PCM_BITS),
                file_seconds=info.frames / info.samplerate)


def codes_bitrate(composer: Composer) -> float:
    """bit/s of the codes: codebooks × log2(entries) bits per frame, frames per second."""
    return composer.codebooks * math.log2(composer.codebook_size) * composer.frame_rate


def encode(composer: Composer, samples: np.ndarray) -> np.ndarray:
    """EnCodec's codes (codebooks, frames) of mono ``samples`` at the codec's rate."""
    import torch

    dtype = next(composer.codec.parameters()).dtype
    tensor = torch.as_tensor(samples, dtype=dtype, device=composer.device)[None, None]
    # At the bandwidth of the codebooks MusicGen writes (2.2 kbit/s: 4 codebooks), whatever else the codec offers.
    with torch.no_grad():
        codes = composer.codec.encode(tensor, bandwidth=codes_bitrate(composer) / 1000).audio_codes
    return codes[0, 0].cpu().numpy()  # of (chunks, batch, codebooks, frames)


def round_trip(composer: Composer, clip: Clip) -> RoundTrip:
    """The clip at the codec's rate, its codes, and the sound decoded from 1, 2, … all codebooks."""
    import librosa

    original = librosa.resample(clip.samples, orig_sr=clip.rate, target_sr=composer.sampling_rate)
    original = original.astype(np.float32)
    codes = encode(composer, original)
    decoded = {n: decode(composer, codes, n) for n in codebook_choices(composer)}
    bitrates = {"cd": float(CD_BITRATE), "file": clip.file_bitrate, "pcm": float(composer.sampling_rate * PCM_BITS),
                "codes": codes_bitrate(composer)}
    return RoundTrip(original=original, decoded=decoded, codes=codes, rate=composer.sampling_rate, bitrates=bitrates)


def codebook_choices(composer: Composer) -> list[int]:
    """1, 2, 4, … up to every codebook the model writes."""
    counts, n = [], 1
    while n < composer.codebooks:
        counts.append(n)
        n *= 2
    return [*counts, composer.codebooks]
