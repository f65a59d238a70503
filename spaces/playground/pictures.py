"""The playground's pictures, drawn with numpy and PIL (fast enough to redraw ten times a second
while a network trains): the canvas with the decision regions and the points, the gridworld's
values and policy, and CartPole's cart and pole. Pixel (0, 0) is the top-left corner; the canvas
shows x from -6 to 6 left to right and y from 6 to -6 top to bottom.
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageDraw

from playground.datasets import CANVAS, Points
from playground.gridworld import ACTIONS, Grid
from shared.colour_maps import DIVERGING, colour

SIDE = 420  # the canvas in pixels: large enough to click a point precisely on a phone
# One colour per class, distinguishable for colour-blind readers (Okabe & Ito's palette).
PALETTE = np.array([(0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233)], dtype=np.float32)
POINT_RADIUS = 4


def to_pixel(xy: np.ndarray, side: int = SIDE) -> np.ndarray:
    """Canvas coordinates (n×2) → pixel coordinates (column, row)."""
    xy = np.asarray(xy, dtype=np.float64)
    column = (xy[:, 0] + CANVAS) / (2 * CANVAS) * (side - 1)
    row = (CANVAS - xy[:, 1]) / (2 * CANVAS) * (side - 1)
    return np.stack([column, row], axis=1)


def to_canvas(column: float, row: float, side: int = SIDE) -> tuple[float, float]:
    """Where a click at pixel (column, row) lands on the canvas."""
    return (column / (side - 1) * 2 * CANVAS - CANVAS, CANVAS - row / (side - 1) * 2 * CANVAS)


def regions(probabilities: np.ndarray, side: int = SIDE) -> Image.Image:
    """The decision regions: each place in its likeliest class's colour, pale where the network
    is unsure (probabilities: rows × columns × classes over the canvas, top row first)."""
    classes = probabilities.shape[2]
    mixed = probabilities @ PALETTE[:classes]  # rows × columns × 3
    certainty = (probabilities.max(axis=2, keepdims=True) - 1 / classes) / (1 - 1 / classes)
    pale = 255 - (255 - mixed) * (0.25 + 0.45 * certainty)
    small = Image.fromarray(np.clip(pale, 0, 255).astype(np.uint8), "RGB")
    return small.resize((side, side), Image.Resampling.BILINEAR)


def canvas(probabilities: np.ndarray | None, train: Points | None, test: Points | None = None,
           side: int = SIDE) -> Image.Image:
    """The canvas: the regions (white before any network), the axes, the training points (white
    rim) and the test points (dark rim)."""
    picture = regions(probabilities, side) if probabilities is not None else Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(picture)
    middle = (side - 1) / 2
    draw.line([(middle, 0), (middle, side)], fill=(200, 200, 200))
    draw.line([(0, middle), (side, middle)], fill=(200, 200, 200))
    for points, rim in ((train, (255, 255, 255)), (test, (40, 40, 40))):
        if points is None:
            continue
        for (column, row), label in zip(to_pixel(points.xy, side), points.labels, strict=True):
            box = [column - POINT_RADIUS, row - POINT_RADIUS, column + POINT_RADIUS, row + POINT_RADIUS]
            draw.ellipse(box, fill=tuple(int(c) for c in PALETTE[label]), outline=rim, width=1)
    return picture


def neuron_picture(values: np.ndarray, side: int = 96) -> Image.Image:
    """One neuron over the canvas: blue where it is negative, red where positive, white at zero
    (scaled by its own largest magnitude)."""
    scale = max(1e-9, float(np.max(np.abs(values))))
    small = Image.fromarray(colour((values / scale + 1) / 2, DIVERGING), "RGB")
    return small.resize((side, side), Image.Resampling.BILINEAR)


def values_and_policy(grid: Grid, values: np.ndarray, policy: np.ndarray, cell: int = 48) -> Image.Image:
    """The gridworld: each cell coloured by its value (blue below zero, red above, white zero),
    walls black, the goal and traps marked, and an arrow for the action chosen in every other cell."""
    rows, columns = grid.shape
    scale = max(1e-9, float(np.max(np.abs(values))))
    tint = colour((values / scale + 1) / 2, DIVERGING)
    picture = Image.new("RGB", (columns * cell, rows * cell), "white")
    draw = ImageDraw.Draw(picture)
    for row in range(rows):
        for column in range(columns):
            box = [column * cell, row * cell, (column + 1) * cell - 1, (row + 1) * cell - 1]
            kind = grid.cells[row][column]
            fill = (0, 0, 0) if kind == "#" else tuple(int(c) for c in tint[row, column])
            draw.rectangle(box, fill=fill, outline=(180, 180, 180))
            centre = ((column + 0.5) * cell, (row + 0.5) * cell)
            if kind in "GT":
                draw.text(centre, kind, fill=(0, 0, 0), anchor="mm", font_size=cell // 2)
            elif kind != "#":
                _arrow(draw, centre, int(policy[row, column]), cell * 0.32)
    return picture


def _arrow(draw: ImageDraw.ImageDraw, centre: tuple[float, float], action: int, size: float) -> None:
    """An arrow in the direction of ``action`` (gridworld.ACTIONS: up, right, down, left), drawn
    as a shaft and a head (the default font has no arrow characters)."""
    down, right = ACTIONS[action]
    x, y = centre
    tip = (x + right * size, y + down * size)
    tail = (x - right * size, y - down * size)
    draw.line([tail, tip], fill=(30, 30, 30), width=max(2, int(size / 5)))
    side = (-down * size * 0.5, right * size * 0.5)  # at right angles to the arrow
    base = (x + right * size * 0.3, y + down * size * 0.3)
    draw.polygon([tip, (base[0] + side[0], base[1] + side[1]), (base[0] - side[0], base[1] - side[1])],
                 fill=(30, 30, 30))


# CartPole's geometry (Gymnasium's classic_control/cartpole.py): the track is ±2.4 units, the
# pole half a unit long from the pivot... drawn here at our own scale.
TRACK = 2.4


def cartpole_frame(observation: np.ndarray, width: int = 480, height: int = 240) -> Image.Image:
    """One frame: the track, the cart at its position and the pole at its angle (0 is upright,
    positive leans right)."""
    position, _, angle, _ = (float(v) for v in observation)
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    ground = int(height * 0.75)
    draw.line([(0, ground), (width, ground)], fill=(0, 0, 0), width=2)
    per_unit = width / (2 * TRACK * 1.1)
    centre = width / 2 + position * per_unit
    cart_w, cart_h = 50, 26
    draw.rectangle([centre - cart_w / 2, ground - cart_h, centre + cart_w / 2, ground], fill=(60, 60, 60))
    pivot = (centre, ground - cart_h)
    length = 1.0 * per_unit * 1.2
    tip = (pivot[0] + length * math.sin(angle), pivot[1] - length * math.cos(angle))
    draw.line([pivot, tip], fill=(202, 152, 101), width=10)
    draw.ellipse([pivot[0] - 4, pivot[1] - 4, pivot[0] + 4, pivot[1] + 4], fill=(129, 132, 203))
    return picture


def cartpole_animation(observations: np.ndarray, every: int = 2) -> bytes:
    """An animated GIF of an episode (every ``every``-th step, 50 frames a second of play)."""
    frames = [cartpole_frame(o) for o in observations[::every]]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=20 * every, loop=0)
    return buffer.getvalue()


def regression_picture(x_train: np.ndarray, y_train: np.ndarray, x_held: np.ndarray, y_held: np.ndarray,
                       curve_x: np.ndarray | None, curve_y: np.ndarray | None, truth_y: np.ndarray | None,
                       x_range: tuple[float, float], y_range: tuple[float, float], width: int = SIDE,
                       height: int = 300) -> Image.Image:
    """The fit on fixed axes (so that a click always means the same point): the function (grey,
    where known), the network's curve (blue, once there is one), the points it learns from (filled)
    and the held-out ones (rings)."""

    def pixel(x, y):
        return to_plot(np.asarray(x), np.asarray(y), x_range, y_range, width, height)

    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    zero = pixel(0.0, 0.0)
    draw.line([(0, zero[1]), (width, zero[1])], fill=(210, 210, 210))
    draw.line([(zero[0], 0), (zero[0], height)], fill=(225, 225, 225))
    for ys, fill, thick in ((truth_y, (170, 170, 170), 2), (curve_y, tuple(int(c) for c in PALETTE[0]), 3)):
        if ys is not None and curve_x is not None:
            columns, rows = pixel(curve_x, ys)
            draw.line(list(zip(columns.tolist(), rows.tolist(), strict=True)), fill=fill, width=thick)
    for xs, ys, filled in ((x_train, y_train, True), (x_held, y_held, False)):
        for column, row in zip(*pixel(xs, ys), strict=True):
            box = [column - POINT_RADIUS, row - POINT_RADIUS, column + POINT_RADIUS, row + POINT_RADIUS]
            draw.ellipse(box, fill=tuple(int(c) for c in PALETTE[1]) if filled else None,
                         outline=tuple(int(c) for c in PALETTE[1]), width=2)
    return picture


def to_plot(x: np.ndarray, y: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float],
            width: int = SIDE, height: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Values → pixel columns and rows on the regression picture (y grows upwards)."""
    columns = (x - x_range[0]) / (x_range[1] - x_range[0]) * (width - 1)
    return columns, (y_range[1] - y) / (y_range[1] - y_range[0]) * (height - 1)


def from_plot(column: float, row: float, x_range: tuple[float, float], y_range: tuple[float, float],
              width: int = SIDE, height: int = 300) -> tuple[float, float]:
    """A pixel of the regression picture → its (x, y), rounded to two decimals."""
    x = x_range[0] + column / (width - 1) * (x_range[1] - x_range[0])
    y = y_range[1] - row / (height - 1) * (y_range[1] - y_range[0])
    return round(float(np.clip(x, *x_range)), 2), round(float(np.clip(y, *y_range)), 2)


def clusters_picture(xy: np.ndarray, groups: np.ndarray | None, centres: np.ndarray | None = None,
                     side: int = SIDE) -> Image.Image:
    """Points coloured by their group (grey: none yet, or DBSCAN's noise), centres as crosses."""
    picture = Image.new("RGB", (side, side), "white")
    draw = ImageDraw.Draw(picture)
    for (column, row), group in zip(to_pixel(xy, side), groups if groups is not None else [-1] * len(xy),
                                    strict=True):
        fill = (160, 160, 160) if group < 0 else tuple(int(c) for c in PALETTE[group % len(PALETTE)])
        draw.ellipse([column - POINT_RADIUS, row - POINT_RADIUS, column + POINT_RADIUS, row + POINT_RADIUS], fill=fill)
    if centres is not None:
        for index, (column, row) in enumerate(to_pixel(centres, side)):
            shade = tuple(int(c * 0.6) for c in PALETTE[index % len(PALETTE)])
            for dx, dy in ((9, 9), (9, -9)):
                draw.line([(column - dx, row - dy), (column + dx, row + dy)], fill=shade, width=4)
    return picture
