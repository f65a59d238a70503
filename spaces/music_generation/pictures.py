"""The music tab's pictures, as RGB arrays; every word on them comes in as an argument, translated.

The codes picture is ``shared.code_grid.codes_picture``: one row per codebook, one column per
20-ms step, the places the delay pattern keeps silent in grey (the pad code), the steps still to
come blank; the waveform is ``shared.waveform.picture``.

The chroma picture shows the melody MusicGen-melody follows: a row per pitch class (C at the
bottom), a column per chroma frame; in colour the one pitch class of each frame that the model
reads, in greys how strong the other eleven were (what the one-hot throws away).
"""

from __future__ import annotations

import numpy as np

from shared.colour_maps import colour

WIDTH_INCHES = 9.0  # 900 pixels: the tab's right column on a projector
CHOSEN = np.array([200, 30, 60], dtype=np.uint8)  # the pitch class the model reads
QUIET, LOUD = 255, 150  # the grey of a pitch class with none and with all of its frame's largest energy


def latents_picture(latents: np.ndarray, limit: float = 3.0, width: int = 900, height: int = 256) -> np.ndarray:
    """An RGB picture, at most ``height`` × ``width`` pixels, of a song's latent (channels, frames),
    as ACE-Step denoises it: a row per latent channel, a column per frame of 40 ms (an even choice
    of frames where there are more than ``width``), blue below zero, white at zero, red above. The
    scale is fixed at ±``limit`` rather than fitted to each picture, so that every step of a run is
    drawn alike: the first steps are the speckle of unit noise, and the song's shape along time
    appears as the noise goes."""
    from shared.colour_maps import DIVERGING

    values = np.nan_to_num(np.asarray(latents, dtype=np.float32))
    channels, frames = values.shape
    if frames > width:
        values = values[:, np.linspace(0, frames - 1, width).round().astype(int)]
    column_pixels = max(1, width // max(values.shape[1], 1))
    row_pixels = max(1, height // max(channels, 1))
    grid = colour((np.clip(values / limit, -1.0, 1.0) + 1.0) / 2.0, DIVERGING)
    return np.repeat(np.repeat(grid, row_pixels, axis=0), column_pixels, axis=1)


def chroma_cells(energy: np.ndarray, chroma: np.ndarray) -> np.ndarray:
    """(12, frames, 3) colours of the chroma picture, row 0 for C: ``chroma`` (frames, 12) one-hot
    in ``CHOSEN``, the rest grey by ``energy`` (frames, 12) in [0, 1], white where there is none."""
    grey = np.round(QUIET - (QUIET - LOUD) * np.clip(energy.T, 0, 1)).astype(np.uint8)
    cells = np.repeat(grey[..., None], 3, axis=-1)
    cells[chroma.T > 0] = CHOSEN
    return cells


def chroma_picture(energy: np.ndarray, chroma: np.ndarray, frame_rate: float, pitch_names: list[str],
                   seconds_label: str, piece_seconds: float | None = None) -> np.ndarray:
    """The chroma over time, the pitch classes named (``pitch_names``, C first, in the visitor's
    notation); a dashed line where the piece ends, when it is shorter than the melody."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    frames = chroma.shape[0]
    figure = Figure(figsize=(WIDTH_INCHES * 0.6, 2.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # without pyplot: nothing global, safe in threads
    axes = figure.add_subplot()
    axes.imshow(chroma_cells(energy, chroma), origin="lower", aspect="auto", interpolation="nearest",
                extent=(0, frames / frame_rate, -0.5, len(pitch_names) - 0.5))
    axes.set_yticks(range(len(pitch_names)), pitch_names, fontsize=7)
    axes.set_xlabel(seconds_label)
    if piece_seconds is not None and piece_seconds < frames / frame_rate:
        axes.axvline(piece_seconds, color="#333333", linestyle="--", linewidth=1)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
