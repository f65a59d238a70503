"""Two separators without any learned weights, built from librosa's spectrogram tools.

Both work on the short-time Fourier transform (STFT) of the mix: they decide, for every
time-frequency cell, which share of its energy belongs to which part (a *mask*), multiply
the mix's STFT by the masks and turn the results back into sound.

- Harmonic/percussive (HPSS): a sustained note is a horizontal line in the spectrogram
  (one frequency held over time), a drum hit a vertical one (every frequency at one
  instant). A median filter along time keeps the horizontal lines, one along frequency the
  vertical ones.
- REPET-SIM: the accompaniment repeats (the same bar, the same chord, again and again) and
  the voice does not. Each moment is compared with the most similar moments elsewhere in
  the clip; what they have in common (their median) is the repeating background, and what
  is left over is the foreground, usually the voice.

Masks are computed from the channels' average magnitude and applied to every channel, so
the stereo image of the mix is kept.
"""

from __future__ import annotations

import numpy as np

N_FFT = 2048  # 46 ms at 44.1 kHz: fine enough in frequency to see single harmonics
HOP = 512
# Comparing every moment with every other one costs (frames)²: REPET-SIM takes every second
# frame of HPSS (23 ms apart, still finer than a sung syllable) and runs four times faster.
REPET_HOP = 1024


def harmonic_percussive(mix: np.ndarray, rate: int, *, kernel_size: int = 31,
                        margin: float = 1.0) -> dict[str, np.ndarray]:
    """Split (channels, samples) audio into its ``harmonic`` and ``percussive`` parts.

    With ``margin`` 1 every cell goes to one part or the other (the parts add up to the mix);
    a larger margin keeps only cells that are clearly one or the other, and the rest becomes
    the residual.
    """
    import librosa

    spectrum = librosa.stft(mix, n_fft=N_FFT, hop_length=HOP)
    magnitude = np.abs(spectrum).mean(axis=0)
    harmonic_mask, percussive_mask = librosa.decompose.hpss(magnitude, kernel_size=kernel_size, margin=margin,
                                                            mask=True)
    return {"harmonic": _to_sound(spectrum * harmonic_mask, mix.shape[-1], HOP),
            "percussive": _to_sound(spectrum * percussive_mask, mix.shape[-1], HOP)}


def repeating_background(mix: np.ndarray, rate: int, *, min_distance_s: float = 2.0,
                         background_margin: float = 2.0, foreground_margin: float = 10.0) -> dict[str, np.ndarray]:
    """Split (channels, samples) audio into the repeating ``background`` and the ``foreground``.

    ``min_distance_s``: frames closer in time than this are not used as each other's
    neighbours, so a held note is not mistaken for a repetition. The margins make each mask
    stricter (a cell must be that many times more background than foreground, or vice versa).
    """
    import librosa

    spectrum = librosa.stft(mix, n_fft=N_FFT, hop_length=REPET_HOP)
    magnitude = np.abs(spectrum).mean(axis=0)
    distance = int(librosa.time_to_frames(min_distance_s, sr=rate, hop_length=REPET_HOP))
    # a short clip has few frames to compare: keep at least half of them as candidates
    distance = max(1, min(distance, (magnitude.shape[-1] - 1) // 2 - 1))
    # median of each frame's nearest neighbours (cosine similarity of spectra): what repeats
    repeating = librosa.decompose.nn_filter(magnitude, aggregate=np.median, metric="cosine", width=distance)
    repeating = np.minimum(magnitude, repeating)  # the background cannot be louder than the mix
    leftover = magnitude - repeating
    background_mask = librosa.util.softmask(repeating, background_margin * leftover, power=2)
    foreground_mask = librosa.util.softmask(leftover, foreground_margin * repeating, power=2)
    return {
        "foreground": _to_sound(spectrum * foreground_mask, mix.shape[-1], REPET_HOP),
        "background": _to_sound(spectrum * background_mask, mix.shape[-1], REPET_HOP),
    }


def _to_sound(spectrum: np.ndarray, length: int, hop: int) -> np.ndarray:
    import librosa

    return librosa.istft(spectrum, hop_length=hop, n_fft=N_FFT, length=length).astype(np.float32)
