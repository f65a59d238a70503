"""Faces from noise: the denoising loop of diffusers' ``LDMPipeline.__call__``, written out so
that each step can be watched, stopped, and started from noise we choose.

The pipeline draws its own noise and does not return between steps; the tab needs both: the
walk between two faces starts from noise on the way between two seeds' noises, and the
filmstrip shows the face the UNet predicts after each step. The loop is the pipeline's own
(``tests/test_faces.py`` checks that the faces are the pipeline's for the same seeds):

    latents = noise · σ_init;   for each timestep t:
        ε̂ = UNet(scale(latents, t), t);   latents = DDIM.step(ε̂, t, latents, η = 0)
    face = VQ-decode(latents / scaling factor)

With η = 0 a DDIM step adds no fresh noise, so the face is a fixed function of the starting
noise: one seed, one face, and nearby noise gives a nearby face. The networks see one face at a
time: in a batch their kernels may add in another order, a latent near the border of two VQ codes
may then take the other code, and the face of a seed would depend on the faces beside it. So a
seed's face in a grid, alone, or at the end of a walk is the same to the last bit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


@dataclass
class Progress:
    step: int
    total: int


@dataclass
class Frame:
    step: int  # steps done (0: the starting noise)
    timestep: int
    latent: Image.Image  # the 64×64×3 latent itself, drawn as a picture
    predicted: Image.Image  # the face the UNet predicts from here, decoded


@dataclass
class Result:
    faces: list[Image.Image]
    frames: list[Frame] = field(default_factory=list)  # of the first face
    steps_done: int = 0
    steps_total: int = 0

    @property
    def interrupted(self) -> bool:
        return self.steps_done < self.steps_total


def seed_noise(pipe, seeds: Sequence[int]) -> torch.Tensor:
    """The starting noise of each seed, as ``LDMPipeline`` draws it with one CPU generator per
    image: (N, C, H, W), float32 on the CPU (the same on every machine)."""
    config = pipe.unet.config
    shape = (1, config.in_channels, config.sample_size, config.sample_size)
    return torch.cat([torch.randn(shape, generator=torch.Generator("cpu").manual_seed(int(s))) for s in seeds])


def frame_steps(total: int, frames: int) -> set[int]:
    """The steps (1..total−1) after which a frame is kept: ``frames`` of them, evenly spread."""
    if frames <= 0 or total <= 1:
        return set()
    return {max(1, round(total * k / (frames + 1))) for k in range(1, frames + 1)} - {total}


@torch.no_grad()
def denoise(pipe, scheduler, noise: torch.Tensor, steps: int, *, frames: int = 0, preview_downscale: int = 1,
            stop: threading.Event | None = None) -> Iterator[Progress | Result]:
    """Yield a ``Progress`` after every step, then the ``Result``: the faces of ``noise``.

    ``scheduler`` is a fresh DDIM scheduler (``loading.make_scheduler``). A Stop between two
    steps ends the run with the faces the UNet predicted at the last step done.
    """
    scheduler.set_timesteps(steps)
    total = len(scheduler.timesteps)
    device, dtype = pipe.unet.device, pipe.unet.dtype
    latents = noise.to(device, dtype) * scheduler.init_noise_sigma
    kept = frame_steps(total, frames)
    shown: list[Frame] = []
    if frames > 0:
        shown.append(Frame(0, int(scheduler.timesteps[0]), latent_picture(latents[0]),
                           decode(pipe, latents[:1], preview_downscale)[0]))
    predicted, done = None, 0
    for t in scheduler.timesteps:
        if stop is not None and stop.is_set():
            break
        model_input = scheduler.scale_model_input(latents, t)
        noise_estimate = torch.cat([pipe.unet(one, t).sample for one in model_input.split(1)])
        out = scheduler.step(noise_estimate, t, latents, eta=0.0)
        latents, predicted, done = out.prev_sample, out.pred_original_sample, done + 1
        if done in kept:
            shown.append(Frame(done, int(t), latent_picture(latents[0]),
                               decode(pipe, predicted[:1], preview_downscale)[0]))
        yield Progress(done, total)
    if done == 0:
        yield Result([], shown, 0, total)
        return
    faces = decode(pipe, latents if done == total else predicted)
    if frames > 0:
        shown.append(Frame(done, int(scheduler.timesteps[done - 1]), latent_picture(latents[0]), faces[0]))
    yield Result(faces, shown, done, total)


def run(pipe, scheduler, noise: torch.Tensor, steps: int, **options) -> Result:
    """``denoise`` to the end: only its ``Result``."""
    return result_of(denoise(pipe, scheduler, noise, steps, **options))


def result_of(events: Iterator[Progress | Result]) -> Result:
    """The ``Result`` that ends a run's events, the progress skipped."""
    for event in events:
        if isinstance(event, Result):
            return event
    raise AssertionError("denoise ended without a result")


@torch.no_grad()
def decode(pipe, latents: torch.Tensor, downscale: int = 1) -> list[Image.Image]:
    """Latents to faces as the pipeline decodes them, one at a time: undo the scaling, VQ-decode,
    [−1, 1] → [0, 1].
    With ``downscale`` > 1 from a smaller latent (a cheaper preview), shown at full size."""
    small = latents if downscale == 1 else F.avg_pool2d(latents.float(), downscale).to(latents.dtype)
    image = torch.cat([pipe.vqvae.decode(one / pipe.vqvae.config.scaling_factor).sample for one in small.split(1)])
    pictures = pipe.numpy_to_pil((image / 2 + 0.5).clamp(0, 1).cpu().permute(0, 2, 3, 1).float().numpy())
    if downscale == 1:
        return pictures
    side = latents.shape[-1] * (image.shape[-1] // small.shape[-1])
    return [picture.resize((side, side), Image.Resampling.BICUBIC) for picture in pictures]


def latent_picture(latent: torch.Tensor, scale: int = 4) -> Image.Image:
    """The 3-channel latent as an RGB picture (each channel spread over its own range), enlarged
    ``scale`` times without smoothing: what the UNet actually works on."""
    values = latent.float().cpu().numpy()
    low = values.min(axis=(1, 2), keepdims=True)
    high = values.max(axis=(1, 2), keepdims=True)
    unit = (values - low) / np.maximum(high - low, 1e-8)
    picture = Image.fromarray((unit.transpose(1, 2, 0) * 255).round().astype(np.uint8))
    return picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)
