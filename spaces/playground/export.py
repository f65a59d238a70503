"""The playground's current network as code a student can run: a PyTorch snippet and the same
network in Keras (the lecture's generated-code slide is Keras), each with the trained weights
written in, so that it predicts what the tab shows.
"""

from __future__ import annotations

import numpy as np

from playground.network import Playground

# The features as each library writes them (x = point[:, 0], y = point[:, 1]).
TORCH_FEATURES = {"x": "x", "y": "y", "x2": "x * x", "y2": "y * y", "xy": "x * y",
                  "sinx": "torch.sin(x)", "siny": "torch.sin(y)"}
KERAS_FEATURES = {"x": "x", "y": "y", "x2": "x * x", "y2": "y * y", "xy": "x * y",
                  "sinx": "keras.ops.sin(x)", "siny": "keras.ops.sin(y)"}
TORCH_ACTIVATIONS = {"tanh": "nn.Tanh()", "relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "linear": "nn.Identity()"}


def _array(values: np.ndarray) -> str:
    return repr(np.round(values.astype(np.float64), 7).tolist())


def _layers(model: Playground) -> list[tuple[np.ndarray, np.ndarray]]:
    linear = [m for m in model.hidden if hasattr(m, "weight")] + [model.output]
    return [(m.weight.detach().numpy(), m.bias.detach().numpy()) for m in linear]


def pytorch_snippet(model: Playground, activation: str) -> str:
    """A runnable script: ``predict(points)`` gives the class probabilities of n×2 points."""
    layers = _layers(model)
    sizes = [len(model.features)] + [weight.shape[0] for weight, _ in layers]
    body = []
    for index, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        body.append(f"    nn.Linear({fan_in}, {fan_out}),")
        if index < len(layers) - 1:
            body.append(f"    {TORCH_ACTIVATIONS[activation]},")
    loads = "\n".join(f"    net[{2 * i}].weight.copy_(torch.tensor({_array(w)}))\n"
                      f"    net[{2 * i}].bias.copy_(torch.tensor({_array(b)}))" for i, (w, b) in enumerate(layers))
    features = ", ".join(TORCH_FEATURES[name] for name in model.features)
    return f'''import torch
from torch import nn

# The network of the playground: features {", ".join(model.features)}, hidden layers {sizes[1:-1]}, {activation}.
net = nn.Sequential(
{chr(10).join(body)}
)
with torch.no_grad():  # the trained weights
{loads}


def predict(points):
    """Class probabilities of points (a list of [x, y] or an n×2 array)."""
    points = torch.as_tensor(points, dtype=torch.float32)
    x, y = points[:, 0], points[:, 1]
    with torch.no_grad():
        return net(torch.stack([{features}], dim=1)).softmax(dim=1).numpy()


if __name__ == "__main__":
    print(predict([[0.0, 0.0], [3.0, -2.0]]))
'''


def keras_snippet(model: Playground, activation: str) -> str:
    """The same network in Keras 3: a ``Sequential`` model and ``set_weights`` (Keras stores a
    dense layer's kernel as inputs × outputs, PyTorch's weight as outputs × inputs)."""
    layers = _layers(model)
    dense = []
    for index, (weight, _) in enumerate(layers):
        last = index == len(layers) - 1
        dense.append(f"    keras.layers.Dense({weight.shape[0]}, activation=\"{'softmax' if last else activation}\"),")
    weights = ",\n    ".join(f"np.array({_array(w.T)}), np.array({_array(b)})" for w, b in layers)
    features = ", ".join(KERAS_FEATURES[name] for name in model.features)
    return f'''import keras
import numpy as np

model = keras.Sequential([
    keras.Input(shape=({len(model.features)},)),
{chr(10).join(dense)}
])
model.set_weights([
    {weights},
])


def predict(points):
    points = np.asarray(points, dtype="float32")
    x, y = points[:, 0], points[:, 1]
    return model.predict(keras.ops.stack([{features}], axis=1), verbose=0)
'''
