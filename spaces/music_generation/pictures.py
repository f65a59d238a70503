"""The music tab's pictures, as RGB arrays; every word on them comes in as an argument, translated.

The codes picture is drawn with numpy alone (it is redrawn many times while the model writes):
one row per codebook, one column per 20-ms step, each written code coloured by its index, the
places the delay pattern keeps silent in grey, the steps still to come blank.

The chroma picture shows the melody MusicGen-melody follows: a row per pitch class (C at the
bottom), a column per chroma frame; in colour the one pitch class of each frame that the model
reads, in greys how strong the other eleven were (what the one-hot throws away).
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
CHOSEN = np.array([200, 30, 60], dtype=np.uint8)  # the pitch class the model reads
QUIET, LOUD = 255, 150  # the grey of a pitch class with none and with all of its frame's largest energy


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
