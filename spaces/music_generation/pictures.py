"""The music tab's pictures, as RGB arrays; every word on them comes in as an argument, translated.

The codes picture is drawn with numpy alone (it is redrawn many times while the model writes):
one row per codebook, one column per 20-ms step, each written code coloured by its index, the
places the delay pattern keeps silent in grey, the steps still to come blank.
"""

from __future__ import annotations

import numpy as np

from shared.colour_maps import HEAT, colour
from shared.waveform import envelope

ROW_PIXELS = 28
GAP_PIXELS = 4
NOT_YET = np.array([246, 246, 246], dtype=np.uint8)
PAD = np.array([150, 150, 150], dtype=np.uint8)
GAP = np.array([255, 255, 255], dtype=np.uint8)
WIDTH_INCHES = 9.0  # 900 pixels: the tab's right column on a projector


def codes_picture(written: np.ndarray, codebook_size: int, pad_token: int, positions: int | None = None,
                  column_pixels: int | None = None) -> np.ndarray:
    """(height, width, 3) picture of ``written`` (codebooks, steps so far), on a canvas of
    ``positions`` steps (the whole run), so that it fills in from the left while the model writes."""
    codebooks, steps = written.shape
    positions = max(positions or steps, steps, 1)
    column_pixels = column_pixels or max(1, 900 // positions)
    grid = np.broadcast_to(NOT_YET, (codebooks, positions, 3)).copy()
    if steps:
        colours = colour(np.clip(written, 0, codebook_size - 1) / max(codebook_size - 1, 1), HEAT)
        colours[written == pad_token] = PAD
        grid[:, :steps] = colours
    rows = []
    for k in range(codebooks):
        rows.append(np.repeat(np.repeat(grid[k:k + 1], ROW_PIXELS, axis=0), column_pixels, axis=1))
        if k < codebooks - 1:
            rows.append(np.broadcast_to(GAP, (GAP_PIXELS, positions * column_pixels, 3)))
    return np.concatenate(rows, axis=0)


def waveform(audio: np.ndarray, rate: int, seconds_label: str) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, 1.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # without pyplot: nothing global, safe in threads
    axes = figure.add_subplot()
    axes.plot(*envelope(np.asarray(audio, dtype=np.float32), rate), linewidth=0.6, color="#555555")
    axes.set_ylim(-1.05, 1.05)
    axes.margins(x=0)
    axes.set_xlabel(seconds_label)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
