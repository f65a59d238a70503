"""The tab's pictures, drawn with matplotlib without pyplot (nothing global, safe in threads) and
returned as RGB arrays. Every word on a picture comes in as an argument, already translated."""

from __future__ import annotations

import numpy as np

from shared.waveform import envelope
from spoken_digits.preprocess import SAMPLE_RATE, Prepared

WIDTH = 9.0  # inches at 100 dpi: 900 pixels, the width of the tab's right column on a projector


def _figure(height: float, rows: int = 1):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, height), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.subplots(rows, 1, squeeze=False)[:, 0]


def _pixels(figure) -> np.ndarray:
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def stages(prepared: Prepared, titles: tuple[str, str, str], seconds_label: str) -> np.ndarray:
    """Three waveforms: the recording as sent, at 8 kHz with the spoken part marked, and the network's input."""
    figure, axes = _figure(5.4, 3)
    axes[0].plot(*envelope(prepared.original, prepared.original_rate), linewidth=0.6, color="#555555")
    axes[1].plot(*envelope(prepared.resampled, SAMPLE_RATE), linewidth=0.6, color="#555555")
    start = prepared.trim_start / SAMPLE_RATE
    axes[1].axvspan(start, start + len(prepared.trimmed) / SAMPLE_RATE, color="#f5a623", alpha=0.3)
    axes[2].plot(np.arange(len(prepared.model_input)) / SAMPLE_RATE, prepared.model_input, linewidth=0.6,
                 color="#b2182b")
    axes[2].set_ylim(-1.05, 1.05)
    for ax, title in zip(axes, titles, strict=True):
        ax.set_title(title, fontsize=10, loc="left")
        ax.margins(x=0)
    axes[2].set_xlabel(seconds_label)
    return _pixels(figure)


def spectrogram(model_input: np.ndarray, seconds_label: str, hertz_label: str) -> np.ndarray:
    """The network's input as a log-mel spectrogram: what the spectrogram network looks at."""
    import librosa

    power = librosa.feature.melspectrogram(y=model_input, sr=SAMPLE_RATE, n_fft=256, hop_length=80, n_mels=40)
    decibels = librosa.power_to_db(power, ref=np.max, top_db=80)
    figure, (axes,) = _figure(2.6)
    picture = axes.imshow(decibels, origin="lower", aspect="auto", cmap="magma", interpolation="nearest",
                          extent=(0, len(model_input) / SAMPLE_RATE, 0, decibels.shape[0]))
    edges = librosa.mel_frequencies(n_mels=40, fmax=SAMPLE_RATE / 2)
    ticks = [250, 500, 1000, 2000, 4000]
    axes.set_yticks(np.interp(ticks, edges, np.arange(40)), [f"{t // 1000}k" if t >= 1000 else str(t) for t in ticks])
    axes.set_xlabel(seconds_label)
    axes.set_ylabel(hertz_label)
    figure.colorbar(picture, ax=axes, label="dB", pad=0.01, fraction=0.03)
    return _pixels(figure)


def filters(frequencies: np.ndarray, decibels: np.ndarray, hertz_label: str, filter_label: str) -> np.ndarray:
    """Each first-layer filter's frequency response as one row (sorted by where it peaks)."""
    figure, (axes,) = _figure(3.2)
    picture = axes.imshow(np.clip(decibels, -40, 0), origin="lower", aspect="auto", cmap="viridis",
                          interpolation="nearest", extent=(frequencies[0], frequencies[-1], 0, len(decibels)))
    axes.set_xlabel(hertz_label)
    axes.set_ylabel(filter_label)
    figure.colorbar(picture, ax=axes, label="dB", pad=0.01, fraction=0.03)
    return _pixels(figure)


def activations(layers: list[np.ndarray], titles: list[str], seconds_label: str, duration: float) -> np.ndarray:
    """Each layer's channels over time, one heat map per layer, on the input's time axis."""
    figure, axes = _figure(1.3 + 1.25 * len(layers), len(layers))
    for ax, layer, title in zip(axes, layers, titles, strict=True):
        scale = np.abs(layer).max() or 1.0
        ax.imshow(layer / scale, origin="lower", aspect="auto", cmap="inferno", interpolation="nearest",
                  extent=(0, duration, 0, layer.shape[0]), vmin=0, vmax=1)
        ax.set_title(title, fontsize=10, loc="left")
        ax.set_yticks([])
    axes[-1].set_xlabel(seconds_label)
    return _pixels(figure)


def confusion(matrix: list[list[int]], said_label: str, answered_label: str) -> np.ndarray:
    """Rows: the digit said; columns: the network's answer; each cell its count."""
    matrix = np.asarray(matrix)
    figure, (axes,) = _figure(4.2)
    axes.imshow(matrix, cmap="Blues")
    for (row, column), count in np.ndenumerate(matrix):
        if count:
            axes.text(column, row, str(count), ha="center", va="center", fontsize=9,
                      color="white" if count > matrix.max() / 2 else "black")
    axes.set_xticks(range(10))
    axes.set_yticks(range(10))
    axes.set_xlabel(answered_label)
    axes.set_ylabel(said_label)
    return _pixels(figure)


def accuracy_bars(groups: dict[str, dict[str, float]], accuracy_label: str) -> np.ndarray:
    """Accuracy per speaker, one bar per (speaker, measurement), e.g. official split and held out."""
    figure, (axes,) = _figure(3.0)
    speakers = list(next(iter(groups.values())))
    width = 0.8 / len(groups)
    for i, (name, values) in enumerate(groups.items()):
        positions = np.arange(len(speakers)) + (i - (len(groups) - 1) / 2) * width
        axes.bar(positions, [100 * values[s] for s in speakers], width, label=name)
    axes.set_xticks(range(len(speakers)), speakers)
    axes.set_ylim(0, 100)
    axes.set_ylabel(accuracy_label)
    figure.legend(loc="outside lower center", ncol=len(groups), fontsize=9)
    return _pixels(figure)


def training_curves(histories: dict[str, list[dict]], epoch_label: str, accuracy_label: str) -> np.ndarray:
    """Test accuracy after every epoch, one line per network."""
    figure, (axes,) = _figure(3.2)
    for name, history in histories.items():
        axes.plot([h["epoch"] for h in history], [100 * h["test_accuracy"] for h in history], marker=".", label=name)
    axes.set_ylim(0, 100)
    axes.set_xlabel(epoch_label)
    axes.set_ylabel(accuracy_label)
    axes.legend(loc="lower right", fontsize=9)
    axes.grid(alpha=0.3)
    return _pixels(figure)
