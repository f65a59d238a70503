"""Pictures and tables the tab shows: signed differences, photos fitted to a size, probability rows.

Digits are drawn by ``shared.digit_pictures.digit_image``, photos turned into uint8 by
``shared.digit_pictures.to_uint8``, the bar chart of the ten probabilities by
``shared.digit_classifier.probability_table``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from shared.colour_maps import DIVERGING, colour


def difference_picture(difference: np.ndarray, scale: int = 8) -> np.ndarray:
    """Signed changes: red where ink was added, blue where removed, white unchanged.

    The scale is symmetric around zero and fixed by the largest change, so equal colours
    mean equal amounts either way. Each pixel becomes a crisp ``scale``×``scale`` square.
    """
    limit = float(np.abs(difference).max()) or 1.0
    tile = colour((np.asarray(difference, dtype=np.float32) / limit + 1.0) / 2.0, DIVERGING)
    return np.repeat(np.repeat(tile, scale, axis=0), scale, axis=1)


def fit_photo(image: Image.Image, max_side: int) -> np.ndarray:
    """RGB float32 (H, W, 3) in [0, 1], reduced so its longer side is at most ``max_side``."""
    image = image.convert("RGBA").convert("RGB") if image.mode in ("P", "LA", "PA") else image.convert("RGB")
    if max(image.size) > max_side:
        scale = max_side / max(image.size)
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.LANCZOS)
    return np.asarray(image, dtype=np.float32) / 255.0


def probability_vector(probabilities: np.ndarray, decimal: str = ".") -> str:
    """The ten probabilities the way the slides print them: [0.11 0.09 0.07 …]."""
    return ("[" + " ".join(f"{p:.2f}" for p in probabilities) + "]").replace(".", decimal)


def curve_table(values: np.ndarray, x_name: str = "step", y_name: str = "probability"):
    import pandas as pd

    return pd.DataFrame({x_name: np.arange(len(values)), y_name: np.asarray(values, dtype=float)})


def filmstrip_indices(count: int, frames: int = 12) -> list[int]:
    """Up to ``frames`` evenly spread indices of ``count`` items, always the first and the last."""
    if count <= frames:
        return list(range(count))
    return sorted({round(i * (count - 1) / (frames - 1)) for i in range(frames)})
