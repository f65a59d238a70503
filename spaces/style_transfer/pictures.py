"""Pictures and tables of the style transfer tab: resized inputs, Gram heatmaps, loss curves.

Pictures in [0, 1] become uint8 through ``shared.digit_pictures.to_uint8``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from shared.colour_maps import HEAT, colour

GRAM_CHANNELS = 64  # a 512×512 Gram matrix is unreadable on a projector; its first 64 channels are not
GRAM_PICTURE_SIDE = 256


def fit(image: Image.Image, side: int) -> np.ndarray:
    """RGB float32 (H, W, 3) in [0, 1] whose longer side is exactly ``side`` pixels."""
    image = image.convert("RGBA").convert("RGB") if image.mode in ("P", "LA", "PA") else image.convert("RGB")
    scale = side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    resample = Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BICUBIC
    return np.asarray(image.resize(size, resample), dtype=np.float32) / 255.0


def gram_pictures(grams: dict[str, np.ndarray], channels: int = GRAM_CHANNELS) -> dict[str, np.ndarray]:
    """Heatmaps of the first ``channels`` rows and columns of each Gram matrix, on one shared scale.

    The square root spreads the colours: a few channel pairs fire far more than the rest,
    and on a linear scale everything else would be black.
    """
    blocks = {name: np.asarray(g)[:channels, :channels] for name, g in grams.items()}
    peak = max(float(b.max()) for b in blocks.values()) or 1.0
    pictures = {}
    for name, block in blocks.items():
        level = np.sqrt(np.clip(block / peak, 0.0, 1.0))
        rgb = colour(level, HEAT)
        scale = max(1, GRAM_PICTURE_SIDE // block.shape[0])
        pictures[name] = np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)
    return pictures


def loss_table(losses: list[float], name: str = "loss"):
    import pandas as pd

    return pd.DataFrame({"pass": np.arange(1, len(losses) + 1), name: np.asarray(losses, dtype=float)})
