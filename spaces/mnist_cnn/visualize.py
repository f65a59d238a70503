"""Pictures of what the network computes: feature maps, the dense layer, the softmax, filters.

Each layer becomes a small uint8 RGB picture at its own resolution (one pixel per value, one
pixel between maps); the page enlarges it with ``image-rendering: pixelated``, so every value
stays a crisp square without sending, encoding or storing big pictures on every stroke. One
layer shares one brightness scale, so maps of the same layer can be compared with each other.

``network_html`` puts the pictures one after the other, from the input to the output, as in
Adam Harley's flat view of the network.
"""

from __future__ import annotations

import base64
import html
import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from shared.colour_maps import DIVERGING, HEAT, colour

GAP_COLOUR = (255, 255, 255)

# Scoped to the gr.HTML that shows the network (its css_template).
NETWORK_CSS = """
.mnist-net { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 18px 24px; }
.mnist-net figure { margin: 0; }
.mnist-net figcaption { font-weight: 600; margin-bottom: 6px; }
.mnist-net img { display: block; width: 100%; height: auto; border-radius: 2px; }
.mnist-net img.pixels { image-rendering: pixelated; }
.mnist-net figure.small img { max-width: 200px; }
"""


def feature_maps(maps: np.ndarray, columns: int = 8) -> np.ndarray:
    """Channels (C, H, W) of one layer as a grid of heat maps on a shared scale.

    The brightest colour stands for the layer's 99th percentile rather than its maximum: a few
    very strong values would otherwise leave every other map nearly black.
    """
    return _grid(colour(maps / _peak(maps, percentile=99.0), HEAT), columns)


def vector_cells(values: np.ndarray, columns: int = 16, cell: int = 4) -> np.ndarray:
    """A vector (one value per neuron) as a grid of heat-map cells, row by row; ``cell`` pixels
    a side, so the one-pixel gaps stay thin beside them."""
    return _grid(_enlarge(colour(values / _peak(values), HEAT)[:, None, None, :], cell), columns)


def softmax_cells(probabilities: np.ndarray, cell: int = 40) -> np.ndarray:
    """The ten output neurons as cells from black (0) to bright (1), each marked with its digit.

    Unlike the hidden layers they are not rescaled: the brightness is the probability itself.
    The digits are drawn in, so this one picture is sent at its full size.
    """
    tiles = _enlarge(colour(np.clip(probabilities, 0, 1), HEAT)[:, None, None, :], cell)
    strip = Image.fromarray(_grid(tiles, len(probabilities), gap=2))
    draw, font = ImageDraw.Draw(strip), _font(cell // 2)
    for digit, p in enumerate(probabilities):
        centre = (digit * (cell + 2) + cell / 2, cell / 2)
        draw.text(centre, str(digit), fill=(0, 0, 0) if p > 0.6 else (255, 255, 255), font=font, anchor="mm")
    return np.asarray(strip)


def filters(kernels: np.ndarray, columns: int = 8) -> np.ndarray:
    """Convolution kernels (C, k, k): blue for negative weights, red for positive, one scale."""
    limit = float(np.abs(kernels).max()) or 1.0
    return _grid(colour((kernels / limit + 1.0) / 2.0, DIVERGING), columns)


def png_data_uri(picture: np.ndarray) -> str:
    """A picture inlined into the page: no file to store, hash and serve for every stroke."""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def network_html(figures: list[tuple[str, str, str]]) -> str:
    """Figures ``(caption, data URI, kind)`` in order; kind "pixels" enlarges crisply,
    "small" also keeps the figure narrow, anything else scales smoothly."""
    parts = []
    for caption, uri, kind in figures:
        text = html.escape(caption)
        image_class = "pixels" if kind in ("pixels", "small") else ""
        parts.append(f'<figure class="{kind}"><figcaption>{text}</figcaption>'
                     f'<img class="{image_class}" src="{uri}" alt="{text}"></figure>')
    return '<div class="mnist-net">' + "".join(parts) + "</div>"


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _peak(values: np.ndarray, percentile: float = 100.0) -> float:
    # ReLU outputs are never negative; a layer that is all zero stays at the colour of 0.
    peak = float(np.percentile(values, percentile)) if values.size else 0.0
    return peak if peak > 0 else 1.0


def _enlarge(image: np.ndarray, scale: int) -> np.ndarray:
    """Each pixel becomes a ``scale``×``scale`` square (the two axes before the colour axis)."""
    if scale == 1:
        return image
    return np.repeat(np.repeat(image, scale, axis=-3), scale, axis=-2)


def _grid(tiles: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """Tiles (N, H, W, 3) in rows of ``columns``, separated by ``gap`` pixels of GAP_COLOUR."""
    count, height, width = tiles.shape[:3]
    columns = min(columns, count)
    rows = -(-count // columns)
    canvas = np.empty((rows, columns, height + gap, width + gap, 3), dtype=np.uint8)
    canvas[:] = GAP_COLOUR
    canvas.reshape(rows * columns, height + gap, width + gap, 3)[:count, :height, :width] = tiles
    canvas = canvas.transpose(0, 2, 1, 3, 4).reshape(rows * (height + gap), columns * (width + gap), 3)
    return canvas[:rows * (height + gap) - gap, :columns * (width + gap) - gap]
