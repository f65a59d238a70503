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

``transfer_progress`` follows a run as the tab shows it: the filmstrip of the picture after each
chunk, the Gram matrices at the end, Stop between two chunks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from shared.digit_pictures import to_uint8
from style_transfer import pictures
from style_transfer.layers import CONTENT_LAYER, STYLE_LAYERS
from style_transfer.vgg import FeatureExtractor, gram_matrix

# The filmstrip shows the picture after each of about this many chunks of passes.
FILMSTRIP_FRAMES = 8


@dataclass
class TransferStep:
    passes: int  # forward/backward passes through VGG-19 so far
    image: np.ndarray  # (H, W, 3) float32 in [0, 1]
    # weighted, one per pass; the finished picture adds a last one
    content_losses: list[float] = field(default_factory=list)
    style_losses: list[float] = field(default_factory=list)
    diverged: bool = False  # the loss became NaN or infinite: ``image`` is the last good picture
    finished: bool = False  # the last step of the run: the result (or the last good picture)


def to_tensor(image: np.ndarray, device) -> torch.Tensor:
    return torch.as_tensor(np.asarray(image, dtype=np.float32)).permute(2, 0, 1)[None].contiguous().to(device)


def to_image(pixels: torch.Tensor) -> np.ndarray:
    return pixels.detach()[0].clamp(0.0, 1.0).permute(1, 2, 0).float().cpu().numpy()


def style_transfer(features: nn.Sequential, content: np.ndarray, style: np.ndarray, content_weight: float = 1.0,
                   style_weight: float = 1e6, layer_weights: tuple[float, ...] = (1.0,) * 5, passes: int = 40,
                   chunk: int = 5, device: torch.device | str = "cpu") -> Iterator[TransferStep]:
    """Yield a TransferStep after every ``chunk`` passes; the last one (``finished``) is the result."""
    weights = dict(zip(STYLE_LAYERS, layer_weights, strict=True))
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
            step.diverged = step.finished = True
            yield _snapshot(step)
            return
        step.image = to_image(pixels)
        if step.passes >= passes or step.passes - before < requested:  # done, or L-BFGS has converged
            break
        yield _snapshot(step)
    # The last pass may have been a line-search trial; the curves end with the finished picture itself.
    with torch.no_grad():
        record(*losses(to_tensor(step.image, pixels.device)))
    step.finished = True
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


def gram_heatmaps(features: nn.Sequential, images: dict[str, np.ndarray], layer: str,
                  device: torch.device | str = "cpu") -> dict[str, np.ndarray]:
    """The Gram matrix of ``layer`` for each named picture, as heatmaps on one colour scale."""
    return pictures.gram_pictures(gram_matrices(features, images, layer, device))


@dataclass(frozen=True)
class TransferProgress:
    """Where a run stands after a chunk of passes, as the tab follows it."""

    step: TransferStep  # passes so far, the picture, both loss curves, whether it is the result
    picture: np.ndarray  # (H, W, 3) uint8: the picture now
    filmstrip: tuple[tuple[np.ndarray, int], ...]  # the picture (uint8) after each chunk, with the passes so far
    heatmaps: dict[str, np.ndarray] | None  # at the end: Gram heatmaps of the content, the style and the result
    seconds: float  # since the run started
    device: str  # where it runs: "cpu", "cuda", "mps"


def transfer_progress(features: nn.Sequential, content: np.ndarray, style: np.ndarray, content_weight: float = 1.0,
                      style_weight: float = 1e6, layer_weights: tuple[float, ...] = (1.0,) * 5, passes: int = 40,
                      gram_layer: str = "conv2_1", device: torch.device | str = "cpu",
                      stop: threading.Event | None = None) -> Iterator[TransferProgress]:
    """``style_transfer`` in about FILMSTRIP_FRAMES chunks, followed chunk by chunk; the last one
    also has the Gram heatmaps of ``gram_layer``. ``stop``, once set, ends the run before its next chunk."""
    chunk = max(1, -(-passes // FILMSTRIP_FRAMES))
    filmstrip: list[tuple[np.ndarray, int]] = []
    started = time.perf_counter()
    for step in style_transfer(features, content, style, content_weight, style_weight, layer_weights, passes, chunk,
                               device):
        picture = to_uint8(step.image)
        filmstrip.append((picture, step.passes))
        heatmaps = None
        if step.finished:
            heatmaps = gram_heatmaps(features, {"content": content, "style": style, "result": step.image}, gram_layer,
                                     device)
        yield TransferProgress(step=step, picture=picture, filmstrip=tuple(filmstrip), heatmaps=heatmaps,
                               seconds=time.perf_counter() - started, device=torch.device(device).type)
        if stop is not None and stop.is_set():
            return
