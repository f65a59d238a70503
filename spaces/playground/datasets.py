"""The 2-D points the playground learns from: the four pictures TensorFlow Playground made famous
(circle, xor, gaussian blobs, spiral), with 2-5 classes where the picture allows it, and the
points a person clicks in or uploads, checked.

Every point lies on the canvas, a square from -6 to 6 on both axes (the generators draw within
±5 and noise may push a point a little further, up to the edge). Labels are 0 … classes-1.
A generator is seeded: the same settings give the same points.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from shared.errors import LabError

CANVAS = 6.0  # the canvas is [-CANVAS, CANVAS]²
RADIUS = 5.0  # the generators draw within this distance of the centre
KINDS = ("circle", "xor", "gauss", "spiral", "moons")
TWO_CLASSES_ONLY = ("xor", "moons")
MIN_CLASSES, MAX_CLASSES = 2, 5
MAX_POINTS = 2000  # what the live view redraws without slowing down; more is refused


@dataclass(frozen=True)
class Points:
    """Points (n×2 float32) with their labels (n int64, 0 … classes-1)."""

    xy: np.ndarray
    labels: np.ndarray
    classes: int


def generate(kind: str, count: int = 500, *, classes: int = 2, noise: float = 0.0, seed: int = 0) -> Points:
    """``count`` points of the picture ``kind``; ``noise`` in [0, 0.5] blurs the classes' borders."""
    rng = np.random.default_rng(seed)
    if kind in TWO_CLASSES_ONLY and classes != 2:
        raise LabError("playground.data.two_classes_only")
    makers = {"circle": _rings, "xor": _xor, "gauss": _blobs, "spiral": _spiral, "moons": _moons}
    xy, labels = makers[kind](rng, count, classes, noise)
    return Points(np.clip(xy, -CANVAS, CANVAS).astype(np.float32), labels.astype(np.int64), classes)


def _share(count: int, classes: int) -> np.ndarray:
    """The class of each of ``count`` points, as evenly split as they go."""
    return np.arange(count) % classes


def _rings(rng, count, classes, noise):
    # Class 0 fills the middle disc, each next class a ring around it, with an empty band of 0.3 of
    # a ring's width between them (two classes: as TensorFlow Playground's circle, up to 2.5 and
    # from 3.25 to 5).
    labels = _share(count, classes)
    width = RADIUS / classes
    radius = (labels + rng.uniform(np.where(labels > 0, 0.3, 0.0), 1.0)) * width
    angle = rng.uniform(0, 2 * math.pi, count)
    xy = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return xy + rng.uniform(-1, 1, (count, 2)) * noise * RADIUS, labels


def _xor(rng, count, classes, noise):
    # Uniform in the square, kept a little away from the axes; the class is the sign of x·y.
    xy = rng.uniform(-RADIUS, RADIUS, (count, 2))
    xy += np.sign(xy) * 0.3
    labels = (xy[:, 0] * xy[:, 1] < 0).astype(np.int64)
    return xy + rng.uniform(-1, 1, (count, 2)) * noise * RADIUS, labels


def _blobs(rng, count, classes, noise):
    # Gaussian blobs with centres evenly spaced on a circle (two of them: at (2, 2) and (-2, -2)).
    labels = _share(count, classes)
    angle = math.pi / 4 + 2 * math.pi * labels / classes
    centre = 2 * math.sqrt(2) * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    spread = 0.5 + 3.5 * noise  # the blobs' standard deviation grows with the noise
    return centre + rng.normal(0, 1, (count, 2)) * math.sqrt(spread) * 0.6, labels


def _spiral(rng, count, classes, noise):
    # One arm per class, turned 1.75 times around the centre, the arms evenly apart.
    labels = _share(count, classes)
    along = (np.arange(count) // classes) / max(1, math.ceil(count / classes))
    radius = along * RADIUS
    angle = 1.75 * 2 * math.pi * along + 2 * math.pi * labels / classes
    xy = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    return xy + rng.uniform(-1, 1, (count, 2)) * noise * RADIUS, labels


def _moons(rng, count, classes, noise):
    # Two interlocking half-rings (scikit-learn's "moons" picture), centred on the canvas.
    labels = _share(count, 2)
    angle = rng.uniform(0, math.pi, count)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    xy = np.where(labels[:, None] == 0, upper, lower) - [0.5, 0.25]
    return 2.6 * xy + rng.normal(0, 1, (count, 2)) * (0.1 + noise), labels


def split(points: Points, train_share: float = 0.5, *, seed: int = 0) -> tuple[Points, Points]:
    """The points shuffled and cut into training and test points (each keeps ≥ 1 point)."""
    order = np.random.default_rng(seed).permutation(len(points.labels))
    cut = min(len(order) - 1, max(1, round(train_share * len(order))))
    train, test = order[:cut], order[cut:]
    return (Points(points.xy[train], points.labels[train], points.classes),
            Points(points.xy[test], points.labels[test], points.classes))


def check_points(xy: object, labels: object, *, min_classes: int = MIN_CLASSES) -> Points:
    """Points a person clicked in or an API client sent: on the canvas, finite, at most
    ``MAX_POINTS``, with whole labels 0-4 of at least ``min_classes`` classes (a classifier needs
    two; points to group need none)."""
    try:
        xy = np.asarray(xy, dtype=np.float64)
        labels_float = np.asarray(labels, dtype=np.float64)
    except (TypeError, ValueError):
        raise LabError("playground.data.not_points") from None
    if xy.size == 0:
        raise LabError("playground.data.empty")
    if xy.ndim != 2 or xy.shape[1] != 2 or labels_float.shape != (xy.shape[0],):
        raise LabError("playground.data.not_points")
    if len(xy) > MAX_POINTS:
        raise LabError("playground.data.too_many", count=len(xy), limit=MAX_POINTS)
    if not np.all(np.isfinite(xy)) or not np.all(np.isfinite(labels_float)):
        raise LabError("playground.data.not_finite")
    if np.any(np.abs(xy) > CANVAS):
        raise LabError("playground.data.off_canvas", limit=int(CANVAS))
    if np.any(labels_float != np.round(labels_float)) or np.any(labels_float < 0) or \
            np.any(labels_float >= MAX_CLASSES):
        raise LabError("playground.data.bad_label", high=MAX_CLASSES - 1)
    labels = labels_float.astype(np.int64)
    if len(np.unique(labels)) < min_classes:
        raise LabError("playground.data.one_class")
    return Points(xy.astype(np.float32), labels, int(labels.max()) + 1)


def read_csv(text: str) -> Points:
    """Points from CSV text: one ``x, y, label`` per line (a header line is skipped)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row and any(cell.strip() for cell in row)]
    if rows and not _is_number(rows[0][0]):
        rows = rows[1:]
    if any(len(row) != 3 or not all(_is_number(cell) for cell in row) for row in rows):
        raise LabError("playground.data.bad_csv")
    table = np.array([[float(cell) for cell in row] for row in rows]).reshape(-1, 3)
    return check_points(table[:, :2], table[:, 2])


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
