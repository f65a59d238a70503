"""Stable Diffusion's denoising, run by diffusers' own ``StableDiffusionPipeline.__call__``,
watched step by step so that each step can be shown.

The pipeline's ``callback_on_step_end`` runs after every step and adds what the tab teaches:

- every few steps the current latent is decoded into a picture (how noisy it still is), and
  so is the *predicted final image* x̂₀: what the UNet's noise estimate says the clean picture is;
- a ``threading.Event`` stops the run between two steps (the Stop button, through the
  pipeline's own ``_interrupt``), and what was made so far is kept;
- each image of a batch has its own seed (``seed``, ``seed + 1``, …, one ``torch.Generator``
  each), so any one of them can be made again alone.

The callback is handed the latents but not the UNet's noise estimate, so x̂₀ is read from the
scheduler's step itself (``StepWatch``): its own ``pred_original_sample`` where it returns
one (DDIM, Euler, Euler ancestral), else computed from the step's input and noise estimate
(``predicted_original``: PNDM, DPM++ 2M). ``__call__`` does not return between steps, so it
runs in a thread, in lockstep with the generator that reports its steps
(``shared.stepwise.in_steps``).
"""

from __future__ import annotations

import copy
import functools
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from PIL import Image

from shared.stepwise import in_steps


@dataclass
class Frame:
    step: int  # denoising steps done (0: the starting noise)
    timestep: float
    latent: Image.Image  # the latent as it is now, decoded
    predicted: Image.Image | None  # the clean image the UNet predicts from here (None for the noise)


@dataclass
class Progress:
    step: int
    total: int


@dataclass
class Result:
    images: list[Image.Image]
    seeds: list[int]
    frames: list[Frame] = field(default_factory=list)  # of the first image
    steps_done: int = 0
    steps_total: int = 0
    interrupted: bool = False
    latents: torch.Tensor | None = None  # what the images were decoded from (the last x̂₀ when stopped)


def frame_steps(total: int, max_frames: int) -> set[int]:
    """Which steps (1..total) get a frame: evenly spread, at most ``max_frames`` (and the last)."""
    every = max(1, math.ceil(total / max(1, max_frames)))
    return {s for s in range(every, total + 1, every)} | {total}


def denoise(pipe, scheduler, *, prompt: str, negative_prompt: str, steps: int, guidance: float, seed: int,
            width: int, height: int, num_images: int = 1, max_frames: int = 8, preview_downscale: int = 1,
            stop: threading.Event | None = None) -> Iterator[Progress | Result]:
    """Yield a ``Progress`` after every step, then the ``Result``.

    ``pipe`` is a ``StableDiffusionPipeline``, ``scheduler`` a fresh scheduler for this run
    (``loading.make_scheduler``). A guidance scale of 1 or less gives the plain conditional
    prediction (no second UNet pass), which is how SD-Turbo is meant to run.
    """
    seeds = [seed + i for i in range(num_images)]
    if stop is not None and stop.is_set():  # stopped before the first step: nothing to make
        scheduler.set_timesteps(steps)
        yield Result(images=[], seeds=[], steps_total=len(scheduler.timesteps))
        return
    # A copy of the pipeline object shares the networks but has its own scheduler and its own
    # interrupt flag, so two runs never stop or reschedule each other.
    run = copy.copy(pipe)
    run.scheduler = scheduler
    watched = StepWatch(scheduler)
    frames: list[Frame] = []
    wanted: set[int] = set()
    done = total = 0

    def work(hand_over: Callable[[Progress], bool]) -> torch.Tensor:
        def on_step_end(pipeline, i: int, t, tensors: dict) -> dict:
            nonlocal done, total
            done, total = i + 1, len(scheduler.timesteps)
            if max_frames > 0:
                if i == 0:
                    wanted.update(frame_steps(total, max_frames - 1))
                    noise = _decode_preview(pipeline, [watched.first_input[:1]], preview_downscale)[0]
                    frames.append(Frame(0, float(t), noise, None))
                if done in wanted and done < total:
                    latent = _as_noisy_image(scheduler, tensors["latents"][:1], scheduler.timesteps[done])
                    latent_image, predicted_image = _decode_preview(pipeline, [latent, watched.predicted[:1]],
                                                                    preview_downscale)
                    frames.append(Frame(done, float(t), latent_image, predicted_image))
            if not hand_over(Progress(done, total)) or (stop is not None and stop.is_set()):
                pipeline._interrupt = True  # the pipeline's own Stop: it skips the remaining steps
            return {}

        return run(prompt, negative_prompt=negative_prompt or None, num_inference_steps=steps,
                   guidance_scale=guidance, height=height, width=width, num_images_per_prompt=num_images,
                   # CPU generators: the same seed gives the same noise on every machine.
                   generator=[torch.Generator("cpu").manual_seed(s) for s in seeds],
                   output_type="latent", return_dict=False, callback_on_step_end=on_step_end)[0]

    try:
        latents = yield from in_steps(work, name="image-generation")
    finally:
        watched.release()
    interrupted = done < total
    images = []
    with torch.no_grad():
        if done > 0:
            # Stopped early, the best picture so far is the UNet's last prediction of the clean image.
            latents = watched.predicted if interrupted else latents
            images = _decode(pipe, latents)
            if not interrupted and max_frames > 0:
                predicted_image = _decode_preview(pipe, [watched.predicted[:1]], preview_downscale)[0]
                frames.append(Frame(done, float(scheduler.timesteps[-1]), images[0], predicted_image))
    yield Result(images=images, seeds=seeds[: len(images)], frames=frames, steps_done=done, steps_total=total,
                 interrupted=interrupted, latents=latents if images else None)


class StepWatch:
    """Watches ``scheduler.step`` as the pipeline calls it, changing nothing it computes: keeps
    the first input (the starting noise) and the x̂₀ of the latest step. ``release()`` gives
    the scheduler its own method back."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.first_input: torch.Tensor | None = None
        self.predicted: torch.Tensor | None = None
        original = scheduler.step

        # functools.wraps keeps the signature, which the pipeline inspects (does step take eta, generator?).
        @functools.wraps(original)
        def step(model_output, timestep, sample, *args, return_dict: bool = True, **kwargs):
            # The UNet's view of the latent (Euler-type schedulers keep it multiplied by √(σ²+1)),
            # taken before the step moves the scheduler on.
            noisy = scheduler.scale_model_input(sample, timestep)
            output = original(model_output, timestep, sample, *args, return_dict=True, **kwargs)
            own = getattr(output, "pred_original_sample", None)
            self.predicted = own if own is not None else predicted_original(scheduler, noisy, model_output, timestep)
            if self.first_input is None:
                self.first_input = noisy
            return output if return_dict else output.to_tuple()

        scheduler.step = step

    def release(self) -> None:
        vars(self.scheduler).pop("step", None)


def predicted_original(scheduler, noisy: torch.Tensor, model_output: torch.Tensor, t) -> torch.Tensor:
    """The clean latent x̂₀ implied by the UNet's output at timestep ``t``.

    ``noisy`` is the UNet's input, x_t = √ᾱ·x₀ + √(1−ᾱ)·ε in the DDPM convention (every
    diffusers scheduler scales its latents to that before the UNet sees them), so
    x̂₀ = (x_t − √(1−ᾱ)·ε̂)/√ᾱ, or from a v-prediction x̂₀ = √ᾱ·x_t − √(1−ᾱ)·v̂.
    """
    alpha_bar = _alpha_bar(scheduler, float(t)).to(noisy.device, torch.float32)
    x_t, out = noisy.float(), model_output.float()
    kind = scheduler.config.prediction_type
    if kind == "epsilon":
        x0 = (x_t - (1 - alpha_bar).sqrt() * out) / alpha_bar.sqrt()
    elif kind == "v_prediction":
        x0 = alpha_bar.sqrt() * x_t - (1 - alpha_bar).sqrt() * out
    else:  # "sample": the UNet predicts x₀ itself
        x0 = out
    return x0.to(noisy.dtype)


def _alpha_bar(scheduler, t: float) -> torch.Tensor:
    # Karras-style sigmas give fractional timesteps: interpolate between the two neighbours.
    alphas = scheduler.alphas_cumprod
    low = min(int(math.floor(t)), len(alphas) - 1)
    high = min(low + 1, len(alphas) - 1)
    weight = t - low
    return (1 - weight) * alphas[low] + weight * alphas[high]


def _as_noisy_image(scheduler, latents: torch.Tensor, t) -> torch.Tensor:
    """The latent rescaled to the DDPM convention (Euler-type schedulers keep it multiplied by
    √(σ²+1)), so that it decodes to the noisy picture instead of a saturated blur."""
    return scheduler.scale_model_input(latents, t)


def _decode(pipe, latents: torch.Tensor) -> list[Image.Image]:
    image = pipe.vae.decode(latents.to(pipe.vae.dtype) / pipe.vae.config.scaling_factor, return_dict=False)[0]
    return pipe.image_processor.postprocess(image.float(), output_type="pil")


def _decode_preview(pipe, latents: list[torch.Tensor], downscale: int) -> list[Image.Image]:
    """Decode several one-image latents in one VAE call; on a CPU from a smaller latent (cheaper)."""
    batch = torch.cat(latents)
    if downscale == 1:
        return _decode(pipe, batch)
    full_size = (batch.shape[-1] * pipe.vae_scale_factor, batch.shape[-2] * pipe.vae_scale_factor)
    small = _decode(pipe, F.avg_pool2d(batch.float(), downscale).to(batch.dtype))
    # Shown at the size of the image, so the frames line up with the final picture.
    return [image.resize(full_size, Image.Resampling.BICUBIC) for image in small]
