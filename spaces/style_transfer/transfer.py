"""Neural style transfer (Gatys, Ecker and Bethge, 2016): optimise the pixels of one picture.

The picture starts as the content photo. Its loss has two parts, both measured inside a
frozen VGG-19:

- content loss: how far its conv4_2 activations are from the content photo's — the *what*
  and *where* of the scene;
- style loss: for each style layer, how far its Gram matrix (which channels fire together,
  wherever they are) is from the style painting's — brush strokes, colours, textures,
  with no memory of where they were in the painting.

L-BFGS, the optimiser of the paper, changes the pixels to lower the weighted sum. It runs in
chunks so the caller can show the picture and both losses between them. One "pass" is one
forward and backward run through VGG-19; a line search may take a pass or two more than asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from style_transfer.vgg import CONTENT_LAYER, STYLE_LAYERS, FeatureExtractor, gram_matrix


@dataclass
class TransferStep:
    passes: int  # forward/backward passes through VGG-19 so far
    image: np.ndarray  # (H, W, 3) float32 in [0, 1]
    # weighted, one per pass; the finished picture adds a last one
    content_losses: list[float] = field(default_factory=list)
    style_losses: list[float] = field(default_factory=list)
    diverged: bool = False  # the loss became NaN or infinite: ``image`` is the last good picture


def to_tensor(image: np.ndarray, device) -> torch.Tensor:
    return torch.as_tensor(np.asarray(image, dtype=np.float32)).permute(2, 0, 1)[None].contiguous().to(device)


def to_image(pixels: torch.Tensor) -> np.ndarray:
    return pixels.detach()[0].clamp(0.0, 1.0).permute(1, 2, 0).float().cpu().numpy()


def style_transfer(features: nn.Sequential, content: np.ndarray, style: np.ndarray, content_weight: float = 1.0,
                   style_weight: float = 1e6, layer_weights: tuple[float, ...] = (1.0,) * 5, passes: int = 40,
                   chunk: int = 5, device: torch.device | str = "cpu") -> Iterator[TransferStep]:
    """Yield a TransferStep after every ``chunk`` passes; the last one is the result."""
    weights = dict(zip(STYLE_LAYERS, layer_weights))
    extractor = FeatureExtractor(features, STYLE_LAYERS + (CONTENT_LAYER,))
    with torch.no_grad():
        content_target = extractor(to_tensor(content, device))[CONTENT_LAYER]
        style_outputs = extractor(to_tensor(style, device))
        style_targets = {layer: gram_matrix(style_outputs[layer]) for layer in STYLE_LAYERS if weights[layer] > 0}
        del style_outputs
    pixels = to_tensor(content, device).requires_grad_(True)
    # The strong Wolfe line search keeps L-BFGS from overshooting in its first steps (the loss
    # curve would jump up before falling); it costs a few extra passes now and then.
    optimizer = torch.optim.LBFGS([pixels], lr=1.0, max_iter=chunk, history_size=50,
                                  line_search_fn="strong_wolfe")
    step = TransferStep(passes=0, image=content.astype(np.float32))

    def losses(picture: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs = extractor(picture)
        content_loss = content_weight * F.mse_loss(outputs[CONTENT_LAYER], content_target)
        style_loss = sum((weights[layer] * F.mse_loss(gram_matrix(outputs[layer]), target)
                          for layer, target in style_targets.items()), start=torch.zeros((), device=picture.device))
        return content_loss, style_weight * style_loss

    def record(content_loss: torch.Tensor, style_loss: torch.Tensor) -> None:
        step.content_losses.append(float(content_loss.detach()))
        step.style_losses.append(float(style_loss.detach()))

    def closure() -> torch.Tensor:
        with torch.no_grad():
            pixels.clamp_(0.0, 1.0)  # keep a real picture: L-BFGS knows nothing of pixel limits
        optimizer.zero_grad()
        content_loss, style_loss = losses(pixels)
        (content_loss + style_loss).backward()
        record(content_loss, style_loss)
        return content_loss + style_loss

    while step.passes < passes:
        requested = min(chunk, passes - step.passes)
        optimizer.param_groups[0]["max_iter"] = optimizer.param_groups[0]["max_eval"] = requested
        before = len(step.content_losses)
        optimizer.step(closure)
        step.passes = len(step.content_losses)
        if not (np.isfinite(step.content_losses[-1]) and np.isfinite(step.style_losses[-1])
                and torch.isfinite(pixels).all()):
            step.diverged = True
            yield _snapshot(step)
            return
        step.image = to_image(pixels)
        if step.passes >= passes or step.passes - before < requested:  # done, or L-BFGS has converged
            break
        yield _snapshot(step)
    # The last pass may have been a line-search trial; the curves end with the finished picture itself.
    with torch.no_grad():
        record(*losses(to_tensor(step.image, pixels.device)))
    yield _snapshot(step)


def _snapshot(step: TransferStep) -> TransferStep:
    return replace(step, content_losses=list(step.content_losses), style_losses=list(step.style_losses))


@torch.no_grad()
def gram_matrices(features: nn.Sequential, images: dict[str, np.ndarray], layer: str,
                  device: torch.device | str = "cpu") -> dict[str, np.ndarray]:
    """The Gram matrix of ``layer`` for each named picture."""
    extractor = FeatureExtractor(features, (layer,))
    return {name: gram_matrix(extractor(to_tensor(image, device))[layer]).float().cpu().numpy()
            for name, image in images.items()}
