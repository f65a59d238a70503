"""VGG-19's convolutional part, the feature extractor of Gatys et al. (2016).

Only ``features`` is used (16 convolutions and 5 poolings); the classifier is never run or
loaded. The layers are named as in the paper: ``conv{block}_{n}`` for the output of the
n-th convolution of a block after its ReLU, ``pool{block}`` for the poolings.
"""

from __future__ import annotations

import torch
from torch import nn

from shared import torchvision_weights

WEIGHTS_ENUM = "VGG19_Weights"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def build_features() -> nn.Sequential:
    from torchvision.models.vgg import cfgs, make_layers

    return make_layers(cfgs["E"])  # "E" is VGG-19's configuration


def layer_names(features: nn.Sequential) -> list[str]:
    """The paper's name for the output of each module of ``features``."""
    names, block, conv = [], 1, 0
    for module in features:
        if isinstance(module, nn.Conv2d):
            conv += 1
            names.append(f"conv{block}_{conv}.linear")  # before its ReLU; not used by the method
        elif isinstance(module, nn.ReLU):
            names.append(f"conv{block}_{conv}")
        else:
            names.append(f"pool{block}")
            block, conv = block + 1, 0
    return names


def load_features(ident: str, device: torch.device | str = "cpu") -> nn.Sequential:
    """VGG-19 features with the weights of ``ident`` (weights enum or local safetensors), frozen.

    A state dict of the whole VGG-19 works, and so does one with only its ``features.*``
    tensors (a fifth of the size).
    """
    tensors = torchvision_weights.state_dict(ident, WEIGHTS_ENUM)
    features = build_features()
    features.load_state_dict({k.removeprefix("features."): v for k, v in tensors.items() if k.startswith("features.")})
    for i, module in enumerate(features):
        if isinstance(module, nn.ReLU):
            # In-place ReLUs would overwrite the activations we keep for the losses.
            features[i] = nn.ReLU(inplace=False)
    return features.eval().requires_grad_(False).to(device)


class FeatureExtractor(nn.Module):
    """Run VGG-19 features on [0, 1] pictures and return the named layers' outputs."""

    def __init__(self, features: nn.Sequential, layers: tuple[str, ...]):
        super().__init__()
        names = layer_names(features)
        unknown = set(layers) - set(names)
        if unknown:
            raise ValueError(f"unknown VGG-19 layers {sorted(unknown)}")
        self.layers = tuple(layers)
        self.names = names
        # Nothing after the deepest requested layer needs computing.
        self.depth = max(names.index(layer) for layer in layers) + 1
        self.features = features
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, pixels: torch.Tensor) -> dict[str, torch.Tensor]:
        x = (pixels - self.mean.to(pixels.device)) / self.std.to(pixels.device)
        outputs = {}
        for name, module in zip(self.names[:self.depth], self.features[:self.depth], strict=True):
            x = module(x)
            if name in self.layers:
                outputs[name] = x
        return outputs


def gram_matrix(activations: torch.Tensor) -> torch.Tensor:
    """(1, C, H, W) → (C, C): how strongly each pair of channels fires together, averaged over
    the positions, so that two pictures of different sizes can be compared."""
    _, channels, height, width = activations.shape
    flat = activations.reshape(channels, height * width)
    return flat @ flat.T / (channels * height * width)
