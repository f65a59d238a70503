"""Wan's denoising, run by diffusers' own ``WanPipeline.__call__``, watched step by step.

The pipeline's ``callback_on_step_end`` runs after every step and adds what the tab teaches:

- every few steps the middle frame of the *predicted clean video* x̂₀ is decoded into a picture
  (the filmstrip): what the transformer's estimate says the clip will look like from here;
- a ``threading.Event`` stops the run between two steps (the Stop button, through the
  pipeline's own ``_interrupt``), and the last x̂₀ becomes the clip, so nothing made is lost.

Wan learns flow matching: a latent at noise level σ is x_σ = (1 − σ)·x₀ + σ·ε and the transformer
predicts the velocity v = ε − x₀, so x̂₀ = x_σ − σ·v̂. The callback is not handed v̂, so
``FlowWatch`` reads it from the scheduler's step (changing nothing the step computes).
``__call__`` does not return between steps, so it runs in a thread, in lockstep with the
generator that reports its steps (``shared.stepwise.in_steps``).
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from PIL import Image

from shared.stepwise import in_steps


@dataclass
class Progress:
    step: int
    total: int


@dataclass
class Preview:
    step: int  # denoising steps done
    picture: Image.Image  # the middle frame of x̂₀ after that step


@dataclass
class Result:
    frames: list[Image.Image]
    seed: int
    previews: list[Preview] = field(default_factory=list)
    steps_done: int = 0
    steps_total: int = 0
    interrupted: bool = False
    latent_shape: tuple[int, ...] = ()


@dataclass(frozen=True)
class Clip:
    """What to make: the prompt, the size and length, and the sampler's settings."""

    prompt: str
    negative_prompt: str
    width: int
    height: int
    frames: int
    steps: int
    guidance: float
    seed: int
    first_frame: Image.Image | None = None
    text_tokens: int = 512


def preview_steps(total: int, count: int) -> set[int]:
    """Which steps (1..total-1) get a preview: evenly spread, at most ``count``; the last step's
    picture is the clip itself."""
    if count <= 0 or total <= 1:
        return set()
    every = max(1, -(-(total - 1) // count))
    return set(range(every, total, every))


def denoise(pipe, scheduler, clip: Clip, *, previews: int = 8,
            stop: threading.Event | None = None) -> Iterator[Progress | Result]:
    """Yield a ``Progress`` after every step, then the ``Result``.

    ``pipe`` is a ``WanPipeline`` (or ``WanImageToVideoPipeline`` when the clip has a first
    frame), ``scheduler`` a fresh scheduler for this run (``loading.make_scheduler``).
    """
    if stop is not None and stop.is_set():  # stopped before the first step: nothing to make
        yield Result(frames=[], seed=clip.seed, steps_total=clip.steps)
        return
    # A copy of the pipeline object shares the networks but has its own scheduler and interrupt
    # flag, so two runs never stop or reschedule each other.
    run = copy.copy(pipe)
    run.scheduler = scheduler
    watched = FlowWatch(scheduler)
    shown: list[Preview] = []
    wanted = preview_steps(clip.steps, previews)
    done = 0

    def work(hand_over: Callable[[Progress], bool]) -> torch.Tensor:
        def on_step_end(pipeline, i: int, t, tensors: dict) -> dict:
            nonlocal done
            done = i + 1
            if done in wanted:
                shown.append(Preview(done, middle_frame(pipeline, watched.predicted)))
            if not hand_over(Progress(done, clip.steps)) or (stop is not None and stop.is_set()):
                pipeline._interrupt = True  # the pipeline's own Stop: it skips the remaining steps
            return {}

        options = {"image": clip.first_frame} if clip.first_frame is not None else {}
        return run(prompt=clip.prompt, negative_prompt=clip.negative_prompt or None, height=clip.height,
                   width=clip.width, num_frames=clip.frames, num_inference_steps=clip.steps,
                   guidance_scale=clip.guidance,
                   # A CPU generator: the same seed gives the same noise on every machine.
                   generator=torch.Generator("cpu").manual_seed(clip.seed), output_type="latent",
                   return_dict=False, callback_on_step_end=on_step_end, max_sequence_length=clip.text_tokens,
                   **options)[0]

    try:
        latents = yield from in_steps(work, name="video-generation")
    finally:
        watched.release()
    interrupted = done < clip.steps
    frames: list[Image.Image] = []
    if done > 0:
        # Stopped early, the best clip so far is the transformer's last prediction of the clean one.
        latents = watched.predicted if interrupted else latents
        frames = decode(pipe, latents)
    yield Result(frames=frames, seed=clip.seed, previews=shown, steps_done=done, steps_total=clip.steps,
                 interrupted=interrupted, latent_shape=tuple(latents.shape[1:]) if done else ())


def run_clip(pipe, scheduler, clip: Clip, **options) -> Result:
    """The whole run at once (the API and the tests)."""
    return result_of(denoise(pipe, scheduler, clip, **options))


def result_of(events: Iterator[Progress | Result]) -> Result:
    for event in events:
        if isinstance(event, Result):
            return event
    raise RuntimeError("the run ended without a result")


class FlowWatch:
    """Watches ``scheduler.step`` as the pipeline calls it and keeps the x̂₀ of the latest step;
    ``release()`` gives the scheduler its own method back."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.predicted: torch.Tensor | None = None
        original = scheduler.step

        # functools.wraps keeps the signature, which pipelines inspect.
        @functools.wraps(original)
        def step(model_output, timestep, sample, *args, **kwargs):
            self.predicted = predicted_clean(scheduler, sample, model_output)
            return original(model_output, timestep, sample, *args, **kwargs)

        scheduler.step = step

    def release(self) -> None:
        vars(self.scheduler).pop("step", None)


def predicted_clean(scheduler, sample: torch.Tensor, velocity: torch.Tensor) -> torch.Tensor:
    """x̂₀ = x_σ − σ·v̂ at the step about to be taken (the scheduler's own σ for it)."""
    index = scheduler.step_index if scheduler.step_index is not None else (scheduler.begin_index or 0)
    sigma = scheduler.sigmas[index].to(sample.device, torch.float32)
    return (sample.float() - sigma * velocity.float()).to(sample.dtype)


def decode(pipe, latents: torch.Tensor) -> list[Image.Image]:
    """The frames of a latent video, as the pipeline itself decodes them (its latents' mean and
    spread undone, then the VAE)."""
    vae = pipe.vae
    with torch.no_grad():
        shape = (1, vae.config.z_dim, 1, 1, 1)
        mean = torch.tensor(vae.config.latents_mean).view(shape).to(latents.device, torch.float32)
        std = torch.tensor(vae.config.latents_std).view(shape).to(latents.device, torch.float32)
        scaled = (latents.float() * std + mean).to(next(vae.parameters()).device, vae.dtype)
        video = vae.decode(scaled, return_dict=False)[0]
        return pipe.video_processor.postprocess_video(video.float(), output_type="pil")[0]


def middle_frame(pipe, latents: torch.Tensor) -> Image.Image:
    """One picture of the clip's middle: its middle latent frame decoded alone (a VAE pass over one
    latent frame instead of the whole clip, cheap enough for every few steps)."""
    middle = latents.shape[2] // 2
    return decode(pipe, latents[:, :, middle:middle + 1])[0]
