"""Where voices lie: the x-vectors of the six FSDD speakers, the visitor's recording and the mixed
voice, flattened from 512 numbers to two for a picture.

Each speaker gives several points, each the x-vector of a different group of their clips joined,
so that a speaker shows as a cluster and the spread inside it can be compared with the distance
between speakers. The flattening is a PCA fitted on the FSDD points only: its two axes are the
two directions in which those points differ most, and the visitor's voice and the mix are
projected onto the same axes afterwards, so that adding them does not move the speakers. Two
dimensions of 512 keep only part of the differences (``explained`` says how much of the
speakers' variance): points close on the map may still differ in the directions left out.

Drawn with matplotlib's Agg canvas, without pyplot (nothing global, safe in threads), as RGB
uint8, every word coming in as an argument, already translated.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from speech import voice

POINTS_PER_SPEAKER = 4  # four groups of four clips: 1.2 to 2.6 s of speech each, a cluster to see
RANDOM_STATE = 0
WIDTH_INCHES, HEIGHT_INCHES, DPI = 9.0, 6.0, 100  # 900 × 600 pixels: the tab's column on a projector
FONT_SIZE = 15  # readable from the back of a lecture hall
# One colour and one marker per speaker (colour-blind-safe Okabe–Ito colours), in voice.SPEAKERS' order.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
MARKERS = ("o", "s", "^", "D", "v", "P")
MINE_COLOUR, MIXED_COLOUR = "#000000", "#C00000"


def speaker_groups() -> dict[str, list[list]]:
    """Each speaker's shipped clips dealt into POINTS_PER_SPEAKER groups (every fourth clip)."""
    return {speaker: [clips[k::POINTS_PER_SPEAKER] for k in range(POINTS_PER_SPEAKER)]
            for speaker, clips in voice.speaker_clips().items()}


# The FSDD points are the same on every request: kept per loaded embedder (and forgotten with it).
_points: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_points_lock = threading.Lock()


def speaker_points(embedder) -> dict[str, np.ndarray]:
    """(POINTS_PER_SPEAKER, embedding size) float32 unit x-vectors per FSDD speaker, one per group of clips."""
    with _points_lock:
        if embedder not in _points:
            _points[embedder] = {speaker: np.stack([voice.xvector(embedder, voice.joined_clips(group))
                                                    for group in groups])
                                 for speaker, groups in speaker_groups().items()}
        return {speaker: points.copy() for speaker, points in _points[embedder].items()}


def map_points(embeddings: dict[str, np.ndarray], visitor: np.ndarray | None = None,
               mixed: np.ndarray | None = None) -> dict:
    """The 2-D map: a PCA (sklearn, fixed random_state) fitted on the speakers' points only, the
    visitor's voice and the mixed one projected with it. Returns ``speakers`` (name → (n, 2)),
    ``mine`` and ``mixed`` ((2,) or None) and ``explained`` (the share of the speakers' variance
    each axis keeps)."""
    from sklearn.decomposition import PCA

    names = list(embeddings)
    stacked = [np.atleast_2d(np.asarray(embeddings[name], dtype=np.float32)) for name in names]
    everything = np.concatenate(stacked)
    if everything.shape[0] < 3 or not np.all(np.isfinite(everything)):
        raise ValueError(f"a map needs at least 3 finite points, not {everything.shape}")
    pca = PCA(n_components=2, random_state=RANDOM_STATE).fit(everything)
    flat = pca.transform(everything)
    ends = np.cumsum([len(points) for points in stacked])
    speakers = dict(zip(names, np.split(flat, ends[:-1]), strict=True))

    def project(vector):
        if vector is None:
            return None
        vector = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        return pca.transform(vector)[0]

    return {"speakers": speakers, "mine": project(visitor), "mixed": project(mixed),
            "explained": pca.explained_variance_ratio_.copy()}


def map_picture(points: dict, labels: dict[str, str]) -> np.ndarray:
    """(600, 900, 3) uint8: the speakers' points, one colour and marker each, the visitor's voice as
    a large star and the mixed voice as a cross, with a legend. ``labels``: "mine", "mixed", "x" and
    "y", translated (the speakers' names are shown as they are)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    for k, (name, flat) in enumerate(points["speakers"].items()):
        flat = np.atleast_2d(flat)
        axes.scatter(flat[:, 0], flat[:, 1], s=110, color=COLOURS[k % len(COLOURS)], marker=MARKERS[k % len(MARKERS)],
                     label=name.capitalize(), edgecolors="white", linewidths=0.8, zorder=2)
    if points.get("mine") is not None:
        axes.scatter(*points["mine"], s=600, marker="*", color=MINE_COLOUR, label=labels["mine"],
                     edgecolors="white", linewidths=1.0, zorder=3)
    if points.get("mixed") is not None:
        axes.scatter(*points["mixed"], s=300, marker="X", color=MIXED_COLOUR, label=labels["mixed"],
                     edgecolors="white", linewidths=1.0, zorder=3)
    axes.set_xlabel(labels["x"], fontsize=FONT_SIZE)
    axes.set_ylabel(labels["y"], fontsize=FONT_SIZE)
    axes.tick_params(labelsize=FONT_SIZE - 3)
    axes.grid(True, color="#dddddd", linewidth=0.6, zorder=0)
    axes.margins(0.12)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(fontsize=FONT_SIZE - 2, loc="best", framealpha=0.9, markerscale=0.8)
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
