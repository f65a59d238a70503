"""Class visualisation: gradient ascent on the pixels of a 28×28 picture, the network fixed.

Training changes the weights so that the right output grows for a given picture. Here the
trained network stays as it is and the picture changes instead: each step moves every pixel
a little in the direction that raises the (log-)probability of the chosen digit. Three
regularisers keep the picture from turning into noise the network happens to like:

- jitter: the picture is shifted by a few random pixels before each gradient, so a pattern
  only survives if it works wherever it sits;
- blur: a light Gaussian blur after each step removes the pixel-sized speckle that raises
  the score without looking like anything;
- L2 decay: every pixel shrinks towards black (the MNIST background) by a small factor,
  which is the gradient of an L2 penalty on the picture, so only ink that helps stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from shared.digit_classifier import normalise
from shared.errors import LabError
from shared.mnist import MnistNotFound, load_mnist

SIDE = 28


@dataclass(frozen=True)
class Trajectory:
    target: int
    images: np.ndarray  # (steps + 1, 28, 28) float32 in [0, 1]; images[0] is the start
    probabilities: np.ndarray  # (steps + 1, 10): the softmax of the network for each image

    @property
    def target_probability(self) -> np.ndarray:
        return self.probabilities[:, self.target]


def noise_start(seed: int) -> np.ndarray:
    """Faint grey noise: no digit in it, so every class starts near 10 %."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 0.2, size=(SIDE, SIDE)).astype(np.float32)


def blank_start() -> np.ndarray:
    return np.zeros((SIDE, SIDE), dtype=np.float32)


def mnist_test_digit(index: int) -> np.ndarray:
    """Digit number ``index`` of the MNIST test set, (28, 28) float32 in [0, 1]."""
    try:
        images, _ = load_mnist("test")
    except MnistNotFound:
        raise LabError("deep_dream.mnist_missing") from None
    return images[index].astype(np.float32) / 255.0


@torch.no_grad()
def probabilities(model: torch.nn.Module, images: np.ndarray) -> np.ndarray:
    """Softmax of the network for a batch (N, 28, 28) of [0, 1] pictures."""
    batch = torch.as_tensor(np.asarray(images, dtype=np.float32))
    return torch.softmax(model(normalise(batch)), dim=1).numpy()


def blur(pixels: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur of (N, 28, 28) pictures; sigma in pixels."""
    from torchvision.transforms.v2.functional import gaussian_blur

    radius = max(1, int(np.ceil(3 * sigma)))
    return gaussian_blur(pixels[:, None], kernel_size=[2 * radius + 1] * 2, sigma=[sigma, sigma])[:, 0]


def visualize_class(model: torch.nn.Module, start: np.ndarray, target: int, steps: int = 50,
                    step_size: float = 0.1, jitter: int = 1, blur_sigma: float = 0.0, l2_decay: float = 0.0,
                    seed: int = 0) -> Trajectory:
    """Run ``steps`` steps of gradient ascent on log p(target | picture), starting from ``start``.

    ``step_size`` is how much the most-changed pixel moves per step (the gradient is scaled
    so its largest entry is 1), so it means the same for every network and picture.
    """
    generator = torch.Generator().manual_seed(seed)
    pixels = torch.as_tensor(np.asarray(start, dtype=np.float32)).clone()[None]
    images = [pixels[0].clone()]
    for _ in range(steps):
        dy, dx = (torch.randint(-jitter, jitter + 1, (2,), generator=generator).tolist() if jitter else (0, 0))
        shifted = torch.roll(pixels, shifts=(dy, dx), dims=(1, 2)).requires_grad_(True)
        log_probability = F.log_softmax(model(normalise(shifted)), dim=1)[0, target]
        (gradient,) = torch.autograd.grad(log_probability, shifted)
        gradient = torch.roll(gradient, shifts=(-dy, -dx), dims=(1, 2))
        with torch.no_grad():
            pixels = pixels + step_size * gradient / (gradient.abs().max() + 1e-12)
            pixels = pixels * (1.0 - l2_decay)
            if blur_sigma > 0:
                pixels = blur(pixels, blur_sigma)
            pixels = pixels.clamp(0.0, 1.0)
        images.append(pixels[0].clone())
    stacked = torch.stack(images).numpy()
    return Trajectory(target=target, images=stacked, probabilities=probabilities(model, stacked))
