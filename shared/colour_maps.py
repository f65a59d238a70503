"""Colour tables for pictures of what a network computes (activations, Gram matrices, signed
weights and changes): values in [0, 1] become RGB through a 256-entry table."""

from __future__ import annotations

import numpy as np


def gradient(anchors: list[tuple[int, int, int]]) -> np.ndarray:
    """A 256-entry uint8 colour table running through ``anchors``, evenly spaced."""
    anchors_array = np.array(anchors, dtype=np.float32)
    positions = np.linspace(0, 255, len(anchors))
    table = np.stack([np.interp(np.arange(256), positions, anchors_array[:, c]) for c in range(3)], axis=1)
    return table.round().astype(np.uint8)


# Dark → bright, readable for colour-blind viewers and in greyscale (an inferno-like ramp).
HEAT = gradient([(0, 0, 4), (40, 11, 84), (101, 21, 110), (159, 42, 99), (212, 72, 66),
                 (245, 125, 21), (250, 193, 39), (252, 255, 164)])
# Negative (blue) – zero (white) – positive (red), for values that have a sign.
DIVERGING = gradient([(33, 102, 172), (146, 197, 222), (247, 247, 247), (244, 165, 130), (178, 24, 43)])


def colour(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Values in [0, 1] (any shape; NaN counts as 0) → uint8 RGB, one more axis."""
    index = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float32)) * 255.0, 0, 255).round().astype(np.uint8)
    return table[index]
