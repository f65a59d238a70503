"""Training the playground's network on 2-D points, one small step at a time, as the tab's Play,
Pause and Step buttons drive it; every number the tab shows comes from here.

The loss is softmax + cross-entropy, or (the switch that shows why it matters) the squared error
between the softmax and the one-hot answer, as TensorFlow Playground trains with. L1 and L2
penalise the weights (not the biases). The optimiser is Adam; the batches are drawn from the
training points by a seeded generator, so a run with the same settings repeats exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from playground.datasets import CANVAS, Points
from playground.network import Playground

LOSSES = ("cross_entropy", "squared")


@dataclass(frozen=True)
class Settings:
    features: tuple[str, ...] = ("x", "y", "x2", "y2", "xy", "sinx", "siny")
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    learning_rate: float = 0.01
    l1: float = 0.0
    l2: float = 0.0
    batch: int = 50
    loss: str = "cross_entropy"
    seed: int = 0


@dataclass
class Record:
    """The curves of a run: after each recorded step, the loss on the training and the test points."""

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)


class Training:
    """A network and its optimiser on fixed training and test points."""

    def __init__(self, train: Points, test: Points, settings: Settings = Settings()):
        self.settings = settings
        self.train, self.test = train, test
        torch.manual_seed(settings.seed)
        self.model = Playground(settings.features, settings.hidden, settings.activation, train.classes)
        self.optimiser = torch.optim.Adam(self.model.parameters(), lr=settings.learning_rate)
        self.batches = torch.Generator().manual_seed(settings.seed)
        self.steps_done = 0
        self.record = Record()
        self._train_xy, self._train_labels = torch.from_numpy(train.xy), torch.from_numpy(train.labels)
        self._note()

    def step(self, steps: int) -> None:
        """``steps`` optimiser steps, each on a batch drawn from the training points."""
        self.model.train()
        for _ in range(steps):
            chosen = torch.randint(0, len(self._train_labels), (self.settings.batch,), generator=self.batches)
            loss = self._loss(self.model(self._train_xy[chosen]), self._train_labels[chosen]) + self._penalty()
            self.optimiser.zero_grad()
            loss.backward()
            self.optimiser.step()
        self.steps_done += steps
        self._note()

    def _loss(self, logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if self.settings.loss == "squared":
            one_hot = F.one_hot(labels, logits.shape[1]).to(logits.dtype)
            return ((logits.softmax(dim=1) - one_hot) ** 2).sum(dim=1).mean()
        return F.cross_entropy(logits, labels)

    def _penalty(self) -> torch.Tensor:
        weights = [p for name, p in self.model.named_parameters() if name.endswith("weight")]
        total = torch.zeros(())
        if self.settings.l1:
            total = total + self.settings.l1 * sum(w.abs().sum() for w in weights)
        if self.settings.l2:
            total = total + self.settings.l2 * sum((w * w).sum() for w in weights)
        return total

    def _note(self) -> None:
        self.record.steps.append(self.steps_done)
        self.record.train_loss.append(self.loss(self.train))
        self.record.test_loss.append(self.loss(self.test))

    @torch.no_grad()
    def probabilities(self, xy: np.ndarray) -> np.ndarray:
        """Each point's probability of each class (n×classes)."""
        self.model.eval()
        return self.model(torch.as_tensor(xy, dtype=torch.float32)).softmax(dim=1).numpy()

    @torch.no_grad()
    def loss(self, points: Points) -> float:
        """The loss (without the penalty) on ``points``, as the curves show it."""
        self.model.eval()
        logits = self.model(torch.from_numpy(points.xy))
        return float(self._loss(logits, torch.from_numpy(points.labels)))

    def accuracy(self, points: Points) -> float:
        return float(np.mean(self.probabilities(points.xy).argmax(axis=1) == points.labels))

    def decision_grid(self, resolution: int) -> np.ndarray:
        """The class probabilities over the canvas: resolution×resolution×classes, row 0 at the top
        (y = CANVAS), as a picture of the decision regions."""
        return self.probabilities(canvas_grid(resolution)).reshape(resolution, resolution, -1)

    @torch.no_grad()
    def neuron_grids(self, resolution: int = 40) -> list[np.ndarray]:
        """What every neuron computes over the canvas: per layer (the input features first, then
        each hidden layer) an array neurons × resolution × resolution, row 0 at the top."""
        self.model.eval()
        layers = self.model.neurons(torch.from_numpy(canvas_grid(resolution)))
        return [layer.numpy().T.reshape(-1, resolution, resolution) for layer in layers]


def canvas_grid(resolution: int) -> np.ndarray:
    """The points of a resolution×resolution grid over the canvas, row by row from the top."""
    axis = np.linspace(-CANVAS, CANVAS, resolution, dtype=np.float32)
    x, y = np.meshgrid(axis, axis[::-1])
    return np.stack([x.ravel(), y.ravel()], axis=1)
