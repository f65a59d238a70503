"""A waveform to draw: few points however long the sound, with its peaks kept."""

from __future__ import annotations

import numpy as np


def envelope(samples: np.ndarray, rate: int, points: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """(times, values) to draw a waveform with at most about ``points`` points: each stretch's
    minimum and maximum, so a 10-s recording at 48 kHz draws as fast as a short one and looks the same."""
    if len(samples) <= points:
        return np.arange(len(samples)) / rate, samples
    stretches = np.array_split(samples, points // 2)
    starts = np.cumsum([0] + [len(s) for s in stretches[:-1]])
    values = np.ravel([(s.min(), s.max()) for s in stretches])
    return np.repeat(starts, 2) / rate, values


def picture(samples: np.ndarray, rate: int, seconds_label: str, width_inches: float = 9.0) -> np.ndarray:
    """(height, 100 · width_inches, 3) uint8: the waveform on a time axis labelled ``seconds_label``
    (already translated), drawn with matplotlib's Agg canvas without pyplot (nothing global, safe in threads)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_inches, 1.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(*envelope(np.asarray(samples, dtype=np.float32), rate), linewidth=0.6, color="#555555")
    axes.set_ylim(-1.05, 1.05)
    axes.margins(x=0)
    axes.set_xlabel(seconds_label)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
