"""The playground's network: the chosen input features of a point, then 0-6 hidden layers of 1-8
neurons, then one output per class (a plain ``nn.Module``, as small as TensorFlow Playground's).
"""

from __future__ import annotations

import torch
from torch import nn

# What the first layer may see of a point (x, y): TensorFlow Playground's seven inputs.
FEATURES = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "x2": lambda x, y: x * x,
    "y2": lambda x, y: y * y,
    "xy": lambda x, y: x * y,
    "sinx": lambda x, y: torch.sin(x),
    "siny": lambda x, y: torch.sin(y),
}
ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
MAX_LAYERS, MAX_NEURONS = 6, 8


def expand(xy: torch.Tensor, features: tuple[str, ...]) -> torch.Tensor:
    """The chosen features of points (n×2) as the network's input (n×len(features))."""
    x, y = xy[:, 0], xy[:, 1]
    return torch.stack([FEATURES[name](x, y) for name in features], dim=1)


class Playground(nn.Module):
    """Features → hidden layers (each ``Linear`` then the activation) → one output per class."""

    def __init__(self, features: tuple[str, ...], hidden: tuple[int, ...], activation: str, outputs: int):
        super().__init__()
        self.features = tuple(features)
        sizes = [len(self.features), *hidden]
        layers: list[nn.Module] = []
        for fan_in, fan_out in zip(sizes, sizes[1:], strict=False):
            layers += [nn.Linear(fan_in, fan_out), ACTIVATIONS[activation]()]
        self.hidden = nn.Sequential(*layers)
        self.output = nn.Linear(sizes[-1], outputs)

    def forward(self, xy: torch.Tensor) -> torch.Tensor:
        return self.output(self.hidden(expand(xy, self.features)))

    def neurons(self, xy: torch.Tensor) -> list[torch.Tensor]:
        """What every neuron computes for the points: the input features first, then each hidden
        layer's activations (one n×width tensor per layer)."""
        values = [expand(xy, self.features)]
        current = values[0]
        for layer in self.hidden:
            current = layer(current)
            if not isinstance(layer, nn.Linear):
                values.append(current)
        return values

