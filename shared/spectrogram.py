"""Mel spectrogram pictures, for the tabs that make or take apart sound.

A mel spectrogram puts time left to right and pitch bottom to top (spaced as the ear hears
it), with brightness for loudness. Pictures drawn with the same ``reference`` share one colour
scale, so a part that looks darker than another at some place *is* quieter there: the audio
separation tab draws the mix and its stems so, the music tab a guidance or temperature sweep.
"""

from __future__ import annotations

import numpy as np

N_FFT = 2048
HOP = 1024  # about 43 columns per second: plenty for a picture 900 pixels wide
N_MELS = 128
DYNAMIC_RANGE_DB = 80.0
FREQUENCY_TICKS_HZ = (100, 250, 500, 1000, 2000, 4000, 8000, 16000)


def mel_power(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mel power spectrogram (mels, frames) of the channels' average."""
    import librosa

    mono = np.asarray(samples, dtype=np.float32).mean(axis=0)
    return librosa.feature.melspectrogram(y=mono, sr=rate, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS,
                                          fmax=rate / 2)


def render(power: np.ndarray, rate: int, reference: float, *, time_label: str, frequency_label: str,
           start: float = 0.0) -> np.ndarray:
    """An RGB picture (height, width, 3) of a mel power spectrogram, in dB below ``reference``."""
    figure = draw(power, rate, reference, time_label=time_label, frequency_label=frequency_label, start=start)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def draw(power: np.ndarray, rate: int, reference: float, *, time_label: str, frequency_label: str,
         start: float = 0.0):
    """The matplotlib figure that ``render`` turns into pixels: 900×260, time from ``start``."""
    import librosa
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    decibels = librosa.power_to_db(power, ref=reference, top_db=None)
    decibels = np.clip(decibels, -DYNAMIC_RANGE_DB, 0.0)
    seconds = power.shape[-1] * HOP / rate
    figure = Figure(figsize=(9, 2.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # figures made without pyplot: nothing global, safe in threads
    axes = figure.add_subplot()
    picture = axes.imshow(decibels, origin="lower", aspect="auto", cmap="magma", interpolation="nearest",
                          vmin=-DYNAMIC_RANGE_DB, vmax=0.0, extent=(start, start + seconds, 0, N_MELS))
    mel_edges = librosa.mel_frequencies(n_mels=N_MELS, fmax=rate / 2)
    ticks = [hz for hz in FREQUENCY_TICKS_HZ if hz < rate / 2]
    axes.set_yticks(np.interp(ticks, mel_edges, np.arange(N_MELS)),
                    [f"{hz // 1000}k" if hz >= 1000 else str(hz) for hz in ticks])
    axes.set_xlabel(time_label)
    axes.set_ylabel(frequency_label)
    figure.colorbar(picture, ax=axes, label="dB", pad=0.01)  # constrained layout sizes the bar itself
    return figure
