"""Deep Dream: make a photo excite one layer of an ImageNet network more and more.

The loop, for each octave (a smaller copy of the photo first, then larger ones):

1. shift the picture by a random jitter (so patterns do not lock onto the pixel grid);
2. run GoogLeNet up to the chosen layer and take the mean square of its activations —
   whatever that layer already "sees" in the photo, a little;
3. follow the gradient of that number with respect to the pixels (scaled so its mean
   absolute value is 1) and take a step; shift back; keep pixels in [0, 1];
4. at the end of an octave, the detail it added is enlarged and added to the next, larger
   copy of the photo, so patterns grow at several scales.

Early layers (inception3a/3b) paint strokes and textures, middle ones (4a–4c) eyes, fur
and arches, late ones (4d–5b) whole dog heads and buildings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from deep_dream.layers import DEFAULT_LAYER, STAGES
from shared import torchvision_weights
from shared.digit_pictures import to_uint8

WEIGHTS_ENUM = "GoogLeNet_Weights"
# The smallest octave must still leave a few pixels at the deepest layer (stride 32).
MIN_OCTAVE_SIDE = 48
# Stream a picture every few steps (and at the end of each octave): each one is a PNG sent to the browser.
PREVIEW_EVERY = 2


def build_googlenet() -> nn.Module:
    """GoogLeNet without its auxiliary heads; inputs are scaled to [-1, 1] by the caller.

    torchvision's pretrained GoogLeNet converts ImageNet-normalised input to (x - 0.5) / 0.5
    (``transform_input``); feeding that directly is the same and needs no conversion.
    """
    from torchvision.models import GoogLeNet

    return GoogLeNet(num_classes=1000, aux_logits=False, transform_input=False, init_weights=False)


def load_googlenet(ident: str, device: torch.device | str = "cpu") -> nn.Module:
    """The network named by ``ident`` (weights enum or local safetensors), frozen, on ``device``."""
    tensors = torchvision_weights.state_dict(ident, WEIGHTS_ENUM)
    # The auxiliary classifiers only help training; Deep Dream never reaches them.
    tensors = {k: v for k, v in tensors.items() if not k.startswith(("aux1.", "aux2."))}
    model = build_googlenet()
    model.load_state_dict(tensors)
    return model.eval().requires_grad_(False).to(device)


def activations(model: nn.Module, pixels: torch.Tensor, layer: str) -> torch.Tensor:
    """Run ``model`` on (N, 3, H, W) pictures in [0, 1] up to ``layer`` and return its output."""
    x = (pixels - 0.5) / 0.5
    for stage in STAGES:
        x = getattr(model, stage)(x)
        if stage == layer:
            return x
    raise ValueError(f"unknown layer {layer!r}")


@dataclass(frozen=True)
class DreamStep:
    octave: int  # 0-based, smallest first
    iteration: int  # 0-based, within the octave
    image: np.ndarray  # (H, W, 3) float32 in [0, 1], at this octave's size
    objective: float  # mean square activation of the layer


def octave_sizes(height: int, width: int, octaves: int, scale: float) -> list[tuple[int, int]]:
    """Sizes from smallest to the full size; octaves that would be too small are left out."""
    sizes = []
    for i in range(octaves):
        factor = scale ** -(octaves - 1 - i)
        h, w = round(height * factor), round(width * factor)
        if min(h, w) >= MIN_OCTAVE_SIDE or i == octaves - 1:
            sizes.append((h, w))
    return sizes


def dream(model: nn.Module, image: np.ndarray, layer: str = DEFAULT_LAYER, octaves: int = 3,
          octave_scale: float = 1.4, iterations: int = 10, step_size: float = 0.01, jitter: int = 16,
          seed: int = 0, device: torch.device | str = "cpu") -> Iterator[DreamStep]:
    """Yield the picture after every step; the last one is the result at full size."""
    generator = torch.Generator().manual_seed(seed)
    photo = torch.as_tensor(np.asarray(image, dtype=np.float32)).permute(2, 0, 1)[None].to(device)
    sizes = octave_sizes(photo.shape[2], photo.shape[3], octaves, octave_scale)
    detail = torch.zeros(1, 3, *sizes[0], device=device)
    for octave, size in enumerate(sizes):
        base = F.interpolate(photo, size=size, mode="bilinear", align_corners=False, antialias=True)
        detail = F.interpolate(detail, size=size, mode="bilinear", align_corners=False)
        pixels = base + detail
        for iteration in range(iterations):
            pixels, objective = _ascent_step(model, pixels, layer, step_size, jitter, generator)
            yield DreamStep(octave=octave, iteration=iteration, objective=objective,
                            image=pixels[0].permute(1, 2, 0).float().cpu().numpy())
        detail = pixels - base


def _ascent_step(model, pixels, layer, step_size, jitter, generator) -> tuple[torch.Tensor, float]:
    dy, dx = (torch.randint(-jitter, jitter + 1, (2,), generator=generator).tolist() if jitter else (0, 0))
    shifted = torch.roll(pixels, shifts=(dy, dx), dims=(2, 3)).detach().requires_grad_(True)
    objective = activations(model, shifted, layer).pow(2).mean()
    (gradient,) = torch.autograd.grad(objective, shifted)
    gradient = torch.roll(gradient, shifts=(-dy, -dx), dims=(2, 3))
    with torch.no_grad():
        pixels = (pixels + step_size * gradient / (gradient.abs().mean() + 1e-12)).clamp(0.0, 1.0)
    return pixels, objective.item()


@dataclass(frozen=True)
class DreamProgress:
    """Where a dream stands after one of its steps, as the tab follows it."""

    done: int  # steps so far
    total: int  # steps of the whole dream: octaves × iterations
    octave: int  # 0-based octave of this step
    octaves: int  # the octaves run (too small ones are left out)
    picture: np.ndarray  # (H, W, 3) uint8, at this octave's size
    octave_ends: tuple[np.ndarray, ...]  # (H, W, 3) uint8: the picture at the end of each octave so far
    preview: bool  # worth sending to the page now (every PREVIEW_EVERY steps, each octave's end, the result)
    seconds: float  # since the dream started
    device: str  # where it runs: "cpu", "cuda", "mps"

    @property
    def finished(self) -> bool:
        return self.done == self.total


def dream_progress(model: nn.Module, image: np.ndarray, layer: str = DEFAULT_LAYER, octaves: int = 3,
                   octave_scale: float = 1.4, iterations: int = 10, step_size: float = 0.01, jitter: int = 16,
                   seed: int = 0, device: torch.device | str = "cpu",
                   stop: threading.Event | None = None) -> Iterator[DreamProgress]:
    """``dream``, followed step by step: the count, the octave ends, the pictures worth showing.

    ``stop``, once set, ends the dream before its next step.
    """
    sizes = octave_sizes(image.shape[0], image.shape[1], octaves, octave_scale)
    total = len(sizes) * iterations
    octave_ends: list[np.ndarray] = []
    started = time.perf_counter()
    steps = dream(model, image, layer, octaves, octave_scale, iterations, step_size, jitter, seed, device)
    for done, step in enumerate(steps, start=1):
        picture = to_uint8(step.image)
        end_of_octave = step.iteration == iterations - 1
        if end_of_octave:
            octave_ends.append(picture)
        yield DreamProgress(done=done, total=total, octave=step.octave, octaves=len(sizes), picture=picture,
                            octave_ends=tuple(octave_ends),
                            preview=end_of_octave or done % PREVIEW_EVERY == 0,
                            seconds=time.perf_counter() - started, device=torch.device(device).type)
        if stop is not None and stop.is_set():
            return
