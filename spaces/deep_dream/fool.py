""""Fool it": the smallest change to a digit that makes the network read another digit.

The same gradient as class visualisation, used the other way round: start from a real
digit and stop as soon as the network's answer flips. Two steps keep the change small:

1. small steps along the gradient of the margin between the target's logit and the best
   other logit (the steepest way to flip the answer), each step of a fixed L2 length,
   until the target reaches the required probability;
2. then walk back along the straight line from the original to that picture and keep the
   closest point that still fools the network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deep_dream.class_visualization import probabilities
from shared.digit_classifier import normalise

# Length (L2 norm, in [0, 1] pixel units) of one step; a whole MNIST digit has a norm of about 9.
STEP_NORM = 0.1
BACKTRACK_POINTS = 201


@dataclass(frozen=True)
class Fooled:
    original: np.ndarray  # (28, 28) in [0, 1]
    changed: np.ndarray  # (28, 28) in [0, 1]
    target: int
    before: np.ndarray  # (10,) probabilities for the original
    after: np.ndarray  # (10,) probabilities for the changed picture
    steps: int
    succeeded: bool

    @property
    def difference(self) -> np.ndarray:
        return self.changed - self.original

    @property
    def l2(self) -> float:
        return float(np.linalg.norm(self.difference))

    @property
    def largest_change(self) -> float:
        return float(np.abs(self.difference).max())

    @property
    def pixels_changed(self) -> int:
        """Pixels that moved by more than 10 % of the grey range: the ones a person could notice."""
        return int((np.abs(self.difference) > 0.1).sum())


def fool(model: torch.nn.Module, digit: np.ndarray, target: int, confidence: float = 0.5,
         max_steps: int = 300) -> Fooled:
    """Change ``digit`` as little as we can find so that p(target) >= ``confidence``."""
    original = torch.as_tensor(np.asarray(digit, dtype=np.float32))[None]
    before = probabilities(model, original.numpy())[0]
    pixels, steps = original.clone(), 0
    while True:
        pixels.requires_grad_(True)
        logits = model(normalise(pixels))[0]
        reached = bool(torch.softmax(logits.detach(), dim=0)[target] >= confidence)
        if reached or steps == max_steps:
            break
        others = torch.cat([logits[:target], logits[target + 1:]])
        (gradient,) = torch.autograd.grad(logits[target] - others.max(), pixels)
        with torch.no_grad():
            pixels = (pixels + STEP_NORM * gradient / (gradient.norm() + 1e-12)).clamp(0.0, 1.0)
        steps += 1
    changed = pixels.detach()
    if reached and steps:
        changed = _closest_on_the_line(model, original, changed, target, confidence)
    after = probabilities(model, changed.numpy())[0]
    return Fooled(original=original[0].numpy(), changed=changed[0].numpy(), target=target, before=before,
                  after=after, steps=steps, succeeded=bool(after[target] >= confidence))


@torch.no_grad()
def _closest_on_the_line(model, original: torch.Tensor, changed: torch.Tensor, target: int,
                         confidence: float) -> torch.Tensor:
    """The point nearest to ``original`` on the segment to ``changed`` that still fools the network."""
    fractions = torch.linspace(0.0, 1.0, BACKTRACK_POINTS)[:, None, None]
    candidates = (original + fractions * (changed - original)).clamp(0.0, 1.0)
    fooled = probabilities(model, candidates.numpy())[:, target] >= confidence
    first = int(np.argmax(fooled)) if fooled.any() else BACKTRACK_POINTS - 1
    return candidates[first:first + 1]
