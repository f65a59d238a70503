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

transformers' ``MusicgenMelodyFeatureExtractor`` needs torchaudio, which has no build for the
torch this lab pins, so the chroma is computed here exactly as that extractor does: a power
spectrogram (16384-point FFT, hop 4096, periodic Hann window, the clip padded by reflection at
both ends), the library's ``chroma_filter_bank`` (librosa's chroma filters, tuning 0), each frame
divided by its largest value, and the argmax as a one-hot row. A test checks the argmax against
librosa's ``chroma_stft``. One difference stays: the clip is resampled with librosa, where the
extractor uses torchaudio's resampler.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from music_generation.codec import Clip, read_clip
from music_generation.loading import Composer

N_FFT = 16384  # 0.5 s at 32 kHz: fine enough in frequency to tell neighbouring low notes apart
HOP = 4096  # one chroma frame every 128 ms at 32 kHz
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


def chroma_of(samples: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """``(energy, one_hot)``, both (frames, 12), of mono ``samples`` at ``rate``, as
    ``MusicgenMelodyFeatureExtractor`` computes them."""
    import torch
    from transformers.audio_utils import chroma_filter_bank

    wave = torch.as_tensor(np.asarray(samples, dtype=np.float32))
    if wave.shape[-1] < N_FFT:
        # The extractor's padding of a clip shorter than one window: silence on both sides, the odd
        # sample at the end, so that the reflection of ``center=True`` has samples to mirror.
        missing = N_FFT - wave.shape[-1]
        wave = torch.nn.functional.pad(wave, (missing // 2, missing - missing // 2))
    # torchaudio's Spectrogram(n_fft, hop, power=2, center=True, normalized=True) is this torch.stft
    # (periodic Hann window, reflection at the ends) with the power divided by the window's energy:
    # a constant, which the argmax below ignores, so it is left out.
    spectrum = torch.stft(wave, N_FFT, hop_length=HOP, win_length=N_FFT, window=torch.hann_window(N_FFT),
                          center=True, pad_mode="reflect", return_complex=True).abs().pow(2)
    filters = torch.from_numpy(chroma_filter_bank(sampling_rate=rate, num_frequency_bins=N_FFT, tuning=0,
                                                  num_chroma=NUM_CHROMA)).float()
    raw = filters @ spectrum  # (12, frames): the energy near every C, every C♯, …
    # Each frame over its largest value (as the extractor does): the picture's greys. A silent frame
    # stays all zeros, and its argmax, the first of twelve equal values, is C, as in the library.
    energy = torch.nn.functional.normalize(raw, p=float("inf"), dim=0, eps=1e-6)
    one_hot = torch.nn.functional.one_hot(energy.argmax(dim=0), NUM_CHROMA).float()
    return energy.T.contiguous().numpy(), one_hot.numpy()


def read_melody_clip(path: object) -> Clip:
    """The clip's first ``MAX_SECONDS`` (all the model reads), mono; a file that is not sound, or
    one too short, is refused in words (``codec.read_clip``)."""
    return read_clip(path, seconds=MAX_SECONDS)


def melody_of(clip: Clip, composer: Composer) -> Melody:
    """The chroma the melody model reads: the clip at the model's rate, at most its ``chroma_length`` frames."""
    import librosa

    rate = composer.sampling_rate
    samples = librosa.resample(clip.samples, orig_sr=clip.rate, target_sr=rate)[:int(MAX_SECONDS * rate)]
    energy, chroma = chroma_of(samples, rate)
    frames = min(len(chroma), composer.chroma_length)  # the model cuts the rest; so does the picture
    return Melody(chroma=chroma[:frames], energy=energy[:frames], frame_rate=rate / HOP)
