"""Pictures of what the network computes: feature maps, the dense layer, the softmax, filters.

Everything is drawn as small uint8 RGB arrays, enlarged by whole pixel factors so each value
stays a crisp square when the browser shows it. One layer shares one brightness scale, so
maps of the same layer can be compared with each other.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

GAP = 2  # pixels between tiles
GAP_COLOUR = (255, 255, 255)


def _gradient(anchors: list[tuple[int, int, int]]) -> np.ndarray:
    """A 256-entry colour table through ``anchors``, evenly spaced."""
    anchors_array = np.array(anchors, dtype=np.float32)
    positions = np.linspace(0, 255, len(anchors))
    table = np.stack([np.interp(np.arange(256), positions, anchors_array[:, c]) for c in range(3)], axis=1)
    return table.round().astype(np.uint8)


# Dark → bright, readable for colour-blind viewers and in greyscale (an inferno-like ramp).
HEAT = _gradient([(0, 0, 4), (40, 11, 84), (101, 21, 110), (159, 42, 99), (212, 72, 66),
                  (245, 125, 21), (250, 193, 39), (252, 255, 164)])
# Negative (blue) – zero (white) – positive (red), for weights that have a sign.
DIVERGING = _gradient([(33, 102, 172), (146, 197, 222), (247, 247, 247), (244, 165, 130), (178, 24, 43)])


def network_input(digit: np.ndarray, scale: int = 10) -> np.ndarray:
    """The 28×28 digit as the network sees it, in grey, ``scale`` times larger."""
    grey = np.clip(digit * 255.0, 0, 255).round().astype(np.uint8)
    return _enlarge(np.repeat(grey[..., None], 3, axis=2), scale)


def feature_maps(maps: np.ndarray, columns: int = 8, scale: int = 3) -> np.ndarray:
    """Channels (C, H, W) of one layer as a grid of heat maps on a shared scale."""
    return _grid(_enlarge(_colour(maps / _peak(maps), HEAT), scale), columns)


def vector_cells(values: np.ndarray, columns: int = 16, cell: int = 22) -> np.ndarray:
    """A vector (one value per neuron) as a grid of heat-map cells, row by row."""
    cells = _colour(values / _peak(values), HEAT)[:, None, None, :]  # one 1×1 tile per neuron
    return _grid(_enlarge(cells, cell), columns)


def softmax_cells(probabilities: np.ndarray, cell: int = 40) -> np.ndarray:
    """The ten output neurons as cells from black (0) to bright (1), each marked with its digit.

    Unlike the hidden layers they are not rescaled: the brightness is the probability itself.
    """
    strip = Image.fromarray(vector_cells(np.clip(probabilities, 0, 1) * _peak(probabilities),
                                         columns=len(probabilities), cell=cell))
    draw = ImageDraw.Draw(strip)
    font = _font(cell // 2)
    for digit, p in enumerate(probabilities):
        centre = (digit * (cell + GAP) + cell / 2, cell / 2)
        draw.text(centre, str(digit), fill=(0, 0, 0) if p > 0.6 else (255, 255, 255), font=font, anchor="mm")
    return np.asarray(strip)


def filters(kernels: np.ndarray, columns: int = 8, scale: int = 12) -> np.ndarray:
    """Convolution kernels (C, k, k): blue for negative weights, red for positive, one scale."""
    limit = float(np.abs(kernels).max()) or 1.0
    return _grid(_enlarge(_colour((kernels / limit + 1.0) / 2.0, DIVERGING), scale), columns)


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _peak(values: np.ndarray) -> float:
    # ReLU outputs are never negative; a layer that is all zero stays at the colour of 0.
    peak = float(np.max(values)) if values.size else 0.0
    return peak if peak > 0 else 1.0


def _colour(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Values in [0, 1] (any shape) → RGB through a 256-entry colour table (one more axis)."""
    index = np.clip(np.nan_to_num(values) * 255.0, 0, 255).round().astype(np.uint8)
    return table[index]


def _enlarge(image: np.ndarray, scale: int) -> np.ndarray:
    """Each pixel becomes a ``scale``×``scale`` square (the two axes before the colour axis)."""
    return np.repeat(np.repeat(image, scale, axis=-3), scale, axis=-2)


def _grid(tiles: np.ndarray, columns: int) -> np.ndarray:
    """Tiles (N, H, W, 3) in rows of ``columns``, separated by GAP pixels of GAP_COLOUR."""
    count, height, width = tiles.shape[:3]
    columns = min(columns, count)
    rows = -(-count // columns)
    canvas = np.empty((rows, columns, height + GAP, width + GAP, 3), dtype=np.uint8)
    canvas[:] = GAP_COLOUR
    canvas.reshape(rows * columns, height + GAP, width + GAP, 3)[:count, :height, :width] = tiles
    canvas = canvas.transpose(0, 2, 1, 3, 4).reshape(rows * (height + GAP), columns * (width + GAP), 3)
    return canvas[:-GAP, :-GAP]
