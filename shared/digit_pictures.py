"""MNIST digits as pictures a browser shows crisply: nearest-neighbour upscaling, grids and
latent-space scatter plots (the autoencoder, VAE and GAN tabs)."""

from __future__ import annotations

import numpy as np
from PIL import Image


def to_uint8(images: np.ndarray) -> np.ndarray:
    return (np.clip(np.asarray(images, dtype=np.float32), 0.0, 1.0) * 255).round().astype(np.uint8)


def digit_image(digit: np.ndarray, scale: int = 8) -> Image.Image:
    """One (28, 28) digit in [0, 1] as a grey picture, each pixel a ``scale``×``scale`` square."""
    image = Image.fromarray(to_uint8(digit), mode="L")
    return image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)


def grid_image(digits: np.ndarray, columns: int, scale: int = 3, gap: int = 2) -> Image.Image:
    """(N, 28, 28) digits in rows of ``columns``, separated by grey lines."""
    digits = to_uint8(digits)
    count = len(digits)
    rows = max(1, -(-count // columns))
    side = digits.shape[-1] if count else 28
    canvas = np.full((rows * (side + gap) + gap, columns * (side + gap) + gap), 90, dtype=np.uint8)
    for index, digit in enumerate(digits):
        top, left = gap + (index // columns) * (side + gap), gap + (index % columns) * (side + gap)
        canvas[top:top + side, left:left + side] = digit
    image = Image.fromarray(canvas, mode="L")
    return image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)


# One colour per digit 0–9 (matplotlib's "tab10"), for scatter plots of codes.
CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def scatter_image(points: np.ndarray, labels: np.ndarray, low: float, high: float, size: int = 480,
                  marker: np.ndarray | None = None, background: Image.Image | None = None,
                  dot_radius: int = 2) -> Image.Image:
    """Points (N, 2) in the square [low, high]² drawn as dots coloured by digit, with a legend.

    ``marker``, if given, is one point drawn as a large white cross (the person's digit).
    The first coordinate runs left to right, the second bottom to top, as on a chart.
    """
    from PIL import ImageDraw

    legend_height = 26
    canvas = Image.new("RGB", (size, size + legend_height), (20, 20, 20))
    if background is not None:
        canvas.paste(background.convert("RGB").resize((size, size), Image.Resampling.NEAREST), (0, 0))
    draw = ImageDraw.Draw(canvas)

    def pixel(point) -> tuple[float, float]:
        x = (float(point[0]) - low) / (high - low) * (size - 1)
        y = (high - float(point[1])) / (high - low) * (size - 1)
        return x, y

    inside = np.all((points >= low) & (points <= high), axis=1)
    for point, label in zip(points[inside], labels[inside], strict=True):
        x, y = pixel(point)
        draw.ellipse((x - dot_radius, y - dot_radius, x + dot_radius, y + dot_radius),
                     fill=_rgb(CLASS_COLOURS[int(label)]))
    if marker is not None:
        x, y = pixel(np.clip(marker, low, high))
        for width, colour in ((7, (0, 0, 0)), (3, (255, 255, 255))):
            draw.line((x - 12, y - 12, x + 12, y + 12), fill=colour, width=width)
            draw.line((x - 12, y + 12, x + 12, y - 12), fill=colour, width=width)
    step = size // 10
    for digit in range(10):
        left = digit * step + step // 2 - 10
        draw.rectangle((left, size + 8, left + 10, size + 18), fill=_rgb(CLASS_COLOURS[digit]))
        draw.text((left + 14, size + 6), str(digit), fill=(230, 230, 230))
    return canvas
