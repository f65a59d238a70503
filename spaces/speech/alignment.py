"""The pictures of a VITS run: the waveform, and under it on the same time axis the alignment
strip, one cell per token as wide as the time the model gave it. Every word on a picture comes in
as an argument, already translated.

The strip is the duration predictor made visible. Each character is a coloured cell, each blank
between two characters a light one; where a cell is wide enough it carries its character. Wide
blanks are pauses (at a space, at the end), narrow ones glides from one sound to the next, and
blanks of no width at all do not exist: ``transformers`` rounds every duration up, so each token
lasts at least one frame (16 ms for MMS-TTS). The cells are made from the same frames that built the
waveform, so they end exactly where the sound ends.

Drawn with matplotlib's Agg canvas, without pyplot (nothing global, safe in threads), as RGB uint8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared.waveform import envelope

WIDTH_INCHES = 9.0  # 900 pixels: the tab's column on a projector
DPI = 100
WAVE_INCHES, STRIP_INCHES = 1.7, 0.75
STACKED_WAVE_INCHES = 0.9  # five runs stacked: lower waveforms, so the five strips fit on one screen
FONT_SIZE = 15  # readable from the back of a lecture hall
MIN_LABEL_PIXELS = 11  # narrower cells stay unlabelled: their letters would run into each other
CHARACTER_COLOURS = ("#3a6ea5", "#5b8fc7")  # neighbouring characters alternate, so cell borders show
BLANK_COLOUR = "#e6e6e6"
BLANK_TEXT, CHARACTER_TEXT = "#8a8a8a", "#ffffff"
WAVE_COLOUR = "#444444"


@dataclass(frozen=True)
class Cell:
    start: int  # first sample of the token
    end: int  # one past its last sample
    label: str
    blank: bool


def cells(speech) -> list[Cell]:
    """One cell per token, in samples: token k covers its frames × hop samples, right after token k−1."""
    ends = np.cumsum(np.asarray(speech.frames, dtype=np.int64)) * speech.hop
    starts = np.concatenate([[0], ends[:-1]])
    return [Cell(int(s), int(e), label, bool(blank))
            for s, e, label, blank in zip(starts, ends, speech.tokens, speech.blanks, strict=True)]


def _draw_wave(axes, speech, seconds: float) -> None:
    axes.plot(*envelope(np.asarray(speech.waveform, dtype=np.float32), speech.rate), linewidth=0.6,
              color=WAVE_COLOUR)
    axes.set_xlim(0, seconds)
    axes.set_ylim(-1.05, 1.05)
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _draw_strip(axes, speech, seconds: float, pixels_per_second: float) -> None:
    character = 0
    for cell in cells(speech):
        start, width = cell.start / speech.rate, (cell.end - cell.start) / speech.rate
        if cell.blank:
            face, ink = BLANK_COLOUR, BLANK_TEXT
        else:
            face, ink = CHARACTER_COLOURS[character % 2], CHARACTER_TEXT
            character += 1
        axes.add_patch(_rectangle(start, width, face))
        if width * pixels_per_second >= MIN_LABEL_PIXELS:
            axes.text(start + width / 2, 0.5, cell.label, ha="center", va="center", color=ink, fontsize=FONT_SIZE,
                      clip_on=True)
    axes.set_xlim(0, seconds)
    axes.set_ylim(0, 1)
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _rectangle(start: float, width: float, face: str):
    from matplotlib.patches import Rectangle

    return Rectangle((start, 0.0), width, 1.0, facecolor=face, edgecolor="white", linewidth=0.5)


def _figure(rows: int, wave_inches: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = rows * (wave_inches + STRIP_INCHES) + 0.5
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    ratios = [wave_inches, STRIP_INCHES] * rows
    return figure, figure.subplots(2 * rows, 1, sharex=True, gridspec_kw={"height_ratios": ratios})


def _rgb(figure) -> np.ndarray:
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()


def alignment_picture(speech, seconds_label: str, strip_label: str = "") -> np.ndarray:
    """(height, 900, 3) uint8: the waveform, and under it the alignment strip on the same time axis."""
    return seeds_picture([speech], seconds_label, [strip_label])


def seeds_picture(runs: list, seconds_label: str, row_labels: list[str]) -> np.ndarray:
    """The waveforms and strips of several runs (five seeds of one sentence) stacked, all on one time
    axis as long as the longest, so that the differences in rhythm line up under each other."""
    return _rgb(seeds_figure(runs, seconds_label, row_labels))


def seeds_figure(runs: list, seconds_label: str, row_labels: list[str]):
    """The matplotlib figure ``seeds_picture`` draws: per run a waveform axes, then its strip's."""
    seconds = max(max(len(run.waveform) / run.rate for run in runs), 1e-3)
    figure, axes = _figure(len(runs), WAVE_INCHES if len(runs) == 1 else STACKED_WAVE_INCHES)
    pixels_per_second = WIDTH_INCHES * DPI * 0.95 / seconds
    for k, (run, label) in enumerate(zip(runs, row_labels, strict=True)):
        _draw_wave(axes[2 * k], run, seconds)
        _draw_strip(axes[2 * k + 1], run, seconds, pixels_per_second)
        if label:
            axes[2 * k].set_title(label, loc="left", fontsize=FONT_SIZE - 3)
    axes[-1].set_xlabel(seconds_label, fontsize=FONT_SIZE - 3)
    axes[-1].tick_params(labelsize=FONT_SIZE - 4)
    return figure


def summary(speech) -> dict:
    """What the API returns for a run: plain numbers and strings (JSON as it is)."""
    seconds = speech.seconds_per_token
    return {
        "sample_rate": int(speech.rate),
        "duration_s": round(float(speech.duration_s), 4),
        "samples": int(len(speech.waveform)),
        "hop": int(speech.hop),
        "characters": [{"char": token, "blank": bool(blank), "frames": int(frames), "seconds": round(float(s), 4)}
                       for token, blank, frames, s in zip(speech.tokens, speech.blanks, speech.frames, seconds,
                                                          strict=True)],
        "dropped": list(speech.dropped),
        "seed": int(speech.seed),
        "settings": {"speaking_rate": speech.settings.speaking_rate, "noise_scale": speech.settings.noise_scale,
                     "noise_scale_duration": speech.settings.noise_scale_duration},
    }
