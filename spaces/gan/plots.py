"""Charts rendered as pictures (matplotlib, imported only when a chart is drawn)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def _figure(width: float = 7.0, height: float = 3.2):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _to_image(figure) -> Image.Image:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def loss_curves(steps: np.ndarray, generator_loss: np.ndarray, discriminator_loss: np.ndarray, marker_step: int,
                labels: dict[str, str]) -> Image.Image:
    """The G and D loss curves of training, with a vertical line at ``marker_step``."""
    figure = _figure()
    axes = figure.add_subplot()
    axes.plot(steps, generator_loss, label=labels["generator"], color="#d62728", linewidth=1.2)
    axes.plot(steps, discriminator_loss, label=labels["discriminator"], color="#1f77b4", linewidth=1.2)
    axes.axvline(marker_step, color="black", linestyle="--", linewidth=1)
    axes.set_xlabel(labels["step"])
    axes.set_ylabel(labels["loss"])
    axes.grid(alpha=0.3)
    axes.legend(loc="upper right")
    return _to_image(figure)


def probability_histogram(real: np.ndarray, generated: np.ndarray, labels: dict[str, str]) -> Image.Image:
    """Histograms of the discriminator's "real" probability for real and generated digits."""
    figure = _figure()
    axes = figure.add_subplot()
    bins = np.linspace(0, 1, 26)
    axes.hist(real, bins=bins, alpha=0.6, color="#2ca02c", label=labels["real"])
    axes.hist(generated, bins=bins, alpha=0.6, color="#d62728", label=labels["generated"])
    axes.set_xlabel(labels["probability"])
    axes.set_ylabel(labels["count"])
    axes.legend(loc="upper center")
    axes.grid(alpha=0.3)
    return _to_image(figure)
