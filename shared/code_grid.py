"""A picture of a neural audio codec's codes, drawn with numpy alone (it is redrawn many times while
a model writes them): one row per codebook, one column per frame, each code coloured by its index,
a padding code in grey, a code not decided yet (a negative value, or a frame not written yet)
blank. The music tab draws MusicGen's EnCodec codes filling in from the left, the speech tab
OmniVoice's grid of codes being unmasked everywhere at once."""

from __future__ import annotations

import numpy as np

from shared.colour_maps import HEAT, colour

ROW_PIXELS = 28
GAP_PIXELS = 4
NOT_YET = np.array([246, 246, 246], dtype=np.uint8)
PAD = np.array([150, 150, 150], dtype=np.uint8)
GAP = np.array([255, 255, 255], dtype=np.uint8)


def codes_picture(written: np.ndarray, codebook_size: int, pad_token: int | None = None,
                  positions: int | None = None, column_pixels: int | None = None) -> np.ndarray:
    """(height, width, 3) picture of ``written`` (codebooks, frames so far), on a canvas of
    ``positions`` frames (the whole run), so that it fills in from the left while a model writes;
    negative codes (masked, still to be decided) are drawn as not written."""
    written = np.asarray(written)
    codebooks, steps = written.shape
    positions = max(positions or steps, steps, 1)
    column_pixels = column_pixels or max(1, 900 // positions)
    grid = np.broadcast_to(NOT_YET, (codebooks, positions, 3)).copy()
    if steps:
        colours = colour(np.clip(written, 0, codebook_size - 1) / max(codebook_size - 1, 1), HEAT)
        if pad_token is not None:
            colours[written == pad_token] = PAD
        colours[written < 0] = NOT_YET
        grid[:, :steps] = colours
    rows = []
    for k in range(codebooks):
        rows.append(np.repeat(np.repeat(grid[k:k + 1], ROW_PIXELS, axis=0), column_pixels, axis=1))
        if k < codebooks - 1:
            rows.append(np.broadcast_to(GAP, (GAP_PIXELS, positions * column_pixels, 3)))
    return np.concatenate(rows, axis=0)
