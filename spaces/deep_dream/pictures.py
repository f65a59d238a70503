"""Pictures and tables the tab shows: enlarged digits, signed differences, probability rows."""

from __future__ import annotations

import numpy as np
from PIL import Image

from shared.colour_maps import DIVERGING, colour


def digit_picture(digit: np.ndarray, scale: int = 8) -> np.ndarray:
    """A 28×28 [0, 1] digit as grey RGB, each pixel a crisp ``scale``×``scale`` square."""
    grey = np.clip(np.asarray(digit) * 255.0, 0, 255).round().astype(np.uint8)
    return _enlarge(np.repeat(grey[..., None], 3, axis=2), scale)


def difference_picture(difference: np.ndarray, scale: int = 8) -> np.ndarray:
    """Signed changes: red where ink was added, blue where removed, white unchanged.

    The scale is symmetric around zero and fixed by the largest change, so equal colours
    mean equal amounts either way.
    """
    limit = float(np.abs(difference).max()) or 1.0
    return _enlarge(colour((np.asarray(difference, dtype=np.float32) / limit + 1.0) / 2.0, DIVERGING), scale)


def photo_picture(image: np.ndarray) -> np.ndarray:
    """A (H, W, 3) float picture in [0, 1] as uint8."""
    return np.clip(np.asarray(image) * 255.0, 0, 255).round().astype(np.uint8)


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


def probability_table(probabilities: np.ndarray):
    """Bar-chart data: one row per digit."""
    import pandas as pd

    return pd.DataFrame({"digit": [str(d) for d in range(10)], "probability": [float(p) for p in probabilities]})


def curve_table(values: np.ndarray, x_name: str = "step", y_name: str = "probability"):
    import pandas as pd

    return pd.DataFrame({x_name: np.arange(len(values)), y_name: np.asarray(values, dtype=float)})


def filmstrip_indices(count: int, frames: int = 12) -> list[int]:
    """Up to ``frames`` evenly spread indices of ``count`` items, always the first and the last."""
    if count <= frames:
        return list(range(count))
    return sorted({round(i * (count - 1) / (frames - 1)) for i in range(frames)})


def _enlarge(tile: np.ndarray, scale: int) -> np.ndarray:
    return np.repeat(np.repeat(tile, scale, axis=0), scale, axis=1)
