"""Regression: a function known at a few points, approximated by a small network (the lecture's
idea of regression). With few neurons or little training the curve is too simple (under-fitting);
with many neurons and long training it passes through every noisy point and swings between them
(over-fitting): the error on the held-out points shows which.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from shared.errors import LabError

FUNCTIONS = {
    "sine": lambda x: np.sin(x),
    "step": lambda x: np.where(x < 0, -0.5, 0.5),
    "parabola": lambda x: x * x / 10 - 0.5,
    "wave": lambda x: np.sin(x) * np.exp(-x * x / 18) + 0.1 * x,
}
LOW, HIGH = -5.0, 5.0  # the x axis of the picture
Y_LOW, Y_HIGH = -2.5, 2.5  # its y axis: where a person can click a point in
X_AXIS, Y_AXIS = (LOW, HIGH), (Y_LOW, Y_HIGH)  # the picture's fixed axes
MAX_POINTS = 500
HELD_OUT_EVERY = 3  # of the points clicked in, every third is held out


@dataclass(frozen=True)
class Samples:
    x: np.ndarray  # n float32
    y: np.ndarray  # n float32


def sample(function: str, count: int = 12, *, noise: float = 0.1, seed: int = 0) -> tuple[Samples, Samples]:
    """``count`` noisy points of ``function`` to learn from, and as many held-out points."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(LOW, HIGH, 2 * count)
    y = FUNCTIONS[function](x) + rng.normal(0, noise, 2 * count)
    x, y = x.astype(np.float32), y.astype(np.float32)
    return Samples(x[:count], y[:count]), Samples(x[count:], y[count:])


def check_samples(x: object, y: object) -> Samples:
    """Points a person clicked in or a client sent: finite, on the picture, at least three."""
    try:
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise LabError("playground.data.not_points") from None
    if x.ndim != 1 or x.shape != y.shape:
        raise LabError("playground.data.not_points")
    if len(x) < HELD_OUT_EVERY:
        raise LabError("playground.regression.too_few", count=HELD_OUT_EVERY)
    if len(x) > MAX_POINTS:
        raise LabError("playground.data.too_many", count=len(x), limit=MAX_POINTS)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise LabError("playground.data.not_finite")
    if np.any(x < LOW) or np.any(x > HIGH) or np.any(y < Y_LOW) or np.any(y > Y_HIGH):
        raise LabError("playground.regression.off_picture", x=int(HIGH), y=Y_HIGH)
    return Samples(x.astype(np.float32), y.astype(np.float32))


def split(samples: Samples) -> tuple[Samples, Samples]:
    """The points to learn from and the held-out ones: every third point, in the order they came
    (so a point keeps its part while more are clicked in)."""
    held = np.arange(len(samples.x)) % HELD_OUT_EVERY == HELD_OUT_EVERY - 1
    return Samples(samples.x[~held], samples.y[~held]), Samples(samples.x[held], samples.y[held])


class Curve(nn.Module):
    """x → hidden tanh layers → y."""

    def __init__(self, hidden: tuple[int, ...]):
        super().__init__()
        sizes = [1, *hidden]
        layers: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
            layers += [nn.Linear(fan_in, fan_out), nn.Tanh()]
        self.body = nn.Sequential(*layers, nn.Linear(sizes[-1], 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x[:, None] / HIGH)[:, 0]  # x scaled to [-1, 1]


@dataclass
class Fit:
    model: Curve
    steps: list[int] = field(default_factory=list)
    train_error: list[float] = field(default_factory=list)
    held_out_error: list[float] = field(default_factory=list)


def fitting(train: Samples, held_out: Samples, *, hidden: tuple[int, ...] = (16, 16), steps: int = 2000,
            learning_rate: float = 0.01, record_every: int = 50, seed: int = 0) -> Iterator[Fit]:
    """Full-batch Adam on the mean squared error; the fit so far after every ``record_every``
    steps (and at the start and the end), with the errors on both sets recorded as it goes."""
    torch.manual_seed(seed)
    model = Curve(hidden)
    optimiser = torch.optim.Adam(model.parameters(), lr=learning_rate)
    x, y = torch.from_numpy(train.x), torch.from_numpy(train.y)
    result = Fit(model)
    for step in range(steps + 1):
        if step % record_every == 0 or step == steps:
            result.steps.append(step)
            result.train_error.append(mean_squared_error(model, train))
            result.held_out_error.append(mean_squared_error(model, held_out))
            yield result
        if step == steps:
            break
        loss = ((model(x) - y) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()


def fit(train: Samples, held_out: Samples, **settings) -> Fit:
    """The whole fit at once (``fitting``'s last state)."""
    return deque(fitting(train, held_out, **settings), maxlen=1)[0]


@torch.no_grad()
def mean_squared_error(model: Curve, samples: Samples) -> float:
    return float(((model(torch.from_numpy(samples.x)) - torch.from_numpy(samples.y)) ** 2).mean())


@torch.no_grad()
def curve(model: Curve, resolution: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The fitted function across the axis, to draw."""
    x = np.linspace(LOW, HIGH, resolution, dtype=np.float32)
    return x, model(torch.from_numpy(x)).numpy()
