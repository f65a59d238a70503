"""The melody MusicGen-melody follows: a clip's *chroma*.

A chroma frame says how much of the sound's energy falls on each of the 12 pitch classes of the
Western scale (C, C♯, D, … B), with every octave folded onto one: a low C and a high C both count
as C. MusicGen-melody keeps even less: only the strongest pitch class of every frame (a *one-hot*
row), one frame per 4096 samples (128 ms at 32 kHz). What is left is the outline of a tune, the
note that sounds loudest moment by moment, without its octave, instruments, rhythm details or
recording: enough for the model to follow the melody, too little for it to copy the clip, so the
prompt still decides the style. The model was trained with the chroma of the very pieces it
learned to write, so the start of the piece follows the start of the melody; it reads at most
``chroma_length`` frames (235: 30 s), and repeats a shorter melody up to that inside the model.

The original model strips the drums and the bass from the clip with Demucs first (drums have no
pitch, and a bass line would win most frames); this tab takes the whole mix, so in a full song
the bass or the drums may take over some frames (the audio separation tab shows Demucs).

The chroma the model reads is made by the checkpoint's own ``MusicgenMelodyFeatureExtractor``
(a power spectrogram of 16384-point windows every 4096 samples, librosa's chroma filters, the
argmax of every frame as a one-hot row). The greys of the picture are the same extractor's
spectrogram and filters before that argmax: how strong each pitch class was, frame by frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from music_generation.codec import Clip, read_clip
from music_generation.loading import Composer

NUM_CHROMA = 12  # pitch classes C, C♯, … B
# The extractor's chunk_length: 30 s, at hop 4096 and 32 kHz the 235 frames the model reads.
MAX_SECONDS = 30.0


@dataclass
class Melody:
    chroma: np.ndarray  # (frames, 12) float32 one-hot: each frame's strongest pitch class, what the model reads
    energy: np.ndarray  # (frames, 12) float32 in [0, 1]: each frame's chroma over its largest value
    frame_rate: float  # chroma frames per second: the model's rate over the hop

    @property
    def frames(self) -> int:
        return int(self.chroma.shape[0])

    @property
    def seconds(self) -> float:
        return self.frames / self.frame_rate

    @property
    def pitch_classes(self) -> np.ndarray:
        """(frames,) 0 for C … 11 for B."""
        return self.chroma.argmax(axis=1)


def at_extractor_rate(samples: np.ndarray, rate: int, features):
    """``samples`` at the extractor's rate, resampled with the very call the extractor makes on a
    clip at another rate (torchaudio's sinc resampler and its settings; a test checks that the
    chroma equals the extractor's on the clip as recorded)."""
    import torch
    import torchaudio

    wave = torch.as_tensor(np.asarray(samples, dtype=np.float32))
    if rate == features.sampling_rate:
        return wave
    return torchaudio.functional.resample(wave, rate, features.sampling_rate, rolloff=0.945, lowpass_filter_width=24)


def chroma_of(wave, features) -> tuple[np.ndarray, np.ndarray]:
    """``(energy, one_hot)``, both (frames, 12), of a mono waveform at the extractor's rate:
    ``one_hot`` is what ``features`` (a ``MusicgenMelodyFeatureExtractor``) hands the model,
    ``energy`` its chroma before the argmax, each frame over its largest value."""
    import torch

    one_hot = features(wave.numpy(), sampling_rate=features.sampling_rate, return_tensors="pt")["input_features"][0]
    if wave.shape[-1] < features.n_fft:
        # The extractor's padding of a clip shorter than one window: silence on both sides, the odd
        # sample at the end, so that the spectrogram's reflection at the ends has samples to mirror.
        missing = features.n_fft - wave.shape[-1]
        wave = torch.nn.functional.pad(wave, (missing // 2, missing - missing // 2))
    raw = features.chroma_filters @ features.spectrogram(wave)  # (12, frames): the energy near every C, C♯, …
    # A silent frame stays all zeros; its argmax, the first of twelve equal values, is C, as in the library.
    energy = torch.nn.functional.normalize(raw, p=float("inf"), dim=0, eps=1e-6)
    return energy.T.contiguous().numpy().astype(np.float32), one_hot.numpy().astype(np.float32)


def read_melody_clip(path: object) -> Clip:
    """The clip's first ``MAX_SECONDS`` (all the model reads), mono; a file that is not sound, or
    one too short, is refused in words (``codec.read_clip``)."""
    return read_clip(path, seconds=MAX_SECONDS)


def melody_of(clip: Clip, composer: Composer) -> Melody:
    """The chroma the melody model reads: the clip's first 30 s at the model's rate, at most its
    ``chroma_length`` frames."""
    features = composer.features
    wave = at_extractor_rate(clip.samples, clip.rate, features)[:int(MAX_SECONDS * features.sampling_rate)]
    energy, chroma = chroma_of(wave, features)
    frames = min(len(chroma), composer.chroma_length)  # the model cuts the rest; so does the picture
    return Melody(chroma=chroma[:frames], energy=energy[:frames],
                  frame_rate=features.sampling_rate / features.hop_length)
