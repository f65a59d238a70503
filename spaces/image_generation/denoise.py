"""The denoising loop of Stable Diffusion, written out step by step so that each step can be shown.

It follows ``StableDiffusionPipeline.__call__`` of diffusers and uses the pipeline's parts
(text encoder, UNet, VAE, scheduler), with three additions for teaching:

- every few steps the current latent is decoded into a picture (how noisy it still is), and
  so is the *predicted final image*: what the UNet's noise estimate says the clean picture is;
- a ``threading.Event`` stops the loop between two steps (the Stop button), and what was made
  so far is kept;
- each image of a batch has its own seed (``seed``, ``seed + 1``, …), so any one of them can be
  made again alone.
"""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from PIL import Image


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


def frame_steps(total: int, max_frames: int) -> set[int]:
    """Which steps (1..total) get a frame: evenly spread, at most ``max_frames`` (and the last)."""
    every = max(1, math.ceil(total / max(1, max_frames)))
    return {s for s in range(every, total + 1, every)} | {total}


def denoise(pipe, scheduler, *, prompt: str, negative_prompt: str, steps: int, guidance: float, seed: int,
            width: int, height: int, num_images: int = 1, max_frames: int = 8, preview_downscale: int = 1,
            stop: threading.Event | None = None) -> Iterator[Progress | Result]:
    """Yield a ``Progress`` after every step, then the ``Result``."""
    device = pipe._execution_device
    # Classifier-free guidance needs a second UNet pass per step (without the prompt); a scale
    # of 1 or less gives the plain conditional prediction, which is how SD-Turbo is meant to run.
    guided = guidance > 1.0
    seeds = [seed + i for i in range(num_images)]
    # No grad mode is held across a yield: Gradio may resume this generator in another thread.
    with torch.no_grad():
        prompt_embeds, negative_embeds = pipe.encode_prompt(
            prompt, device, num_images, guided, negative_prompt or None)
        embeds = torch.cat([negative_embeds, prompt_embeds]) if guided else prompt_embeds
        scheduler.set_timesteps(steps, device=device)
        timesteps = scheduler.timesteps
        latents = _starting_noise(pipe, scheduler, seeds, width, height, embeds.dtype, device)
        step_kwargs = _step_kwargs(scheduler, seeds)
        wanted = frame_steps(len(timesteps), max_frames - 1) if max_frames > 0 else set()
        frames = []
        if max_frames > 0:
            noise_image = _decode_preview(pipe, [_as_noisy_image(scheduler, latents[:1], timesteps[0])],
                                          preview_downscale)[0]
            frames.append(Frame(0, float(timesteps[0]), noise_image, None))

    predicted = None
    done = 0
    for i, t in enumerate(timesteps):
        if stop is not None and stop.is_set():
            break
        with torch.no_grad():
            model_input = torch.cat([latents] * 2) if guided else latents
            model_input = scheduler.scale_model_input(model_input, t)
            noise_pred = pipe.unet(model_input, t, encoder_hidden_states=embeds, return_dict=False)[0]
            if guided:
                noise_uncond, noise_text = noise_pred.chunk(2)
                noise_pred = noise_uncond + guidance * (noise_text - noise_uncond)
            noisy = model_input.chunk(2)[1] if guided else model_input
            predicted = predicted_original(scheduler, noisy, noise_pred, t)
            latents = scheduler.step(noise_pred, t, latents, **step_kwargs, return_dict=False)[0]
            done = i + 1
            if done in wanted and done < len(timesteps):
                latent_image, predicted_image = _decode_preview(
                    pipe, [_as_noisy_image(scheduler, latents[:1], timesteps[done]), predicted[:1]],
                    preview_downscale)
                frames.append(Frame(done, float(t), latent_image, predicted_image))
        yield Progress(done, len(timesteps))

    interrupted = done < len(timesteps)
    images = []
    with torch.no_grad():
        if done > 0:
            # Stopped early, the best picture so far is the UNet's last prediction of the clean image.
            images = _decode(pipe, predicted if interrupted else latents)
            if not interrupted and max_frames > 0:
                predicted_image = _decode_preview(pipe, [predicted[:1]], preview_downscale)[0]
                frames.append(Frame(done, float(timesteps[-1]), images[0], predicted_image))
    yield Result(images=images, seeds=seeds[: len(images)], frames=frames, steps_done=done,
                 steps_total=len(timesteps), interrupted=interrupted)


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


def _starting_noise(pipe, scheduler, seeds, width, height, dtype, device) -> torch.Tensor:
    from diffusers.utils.torch_utils import randn_tensor

    factor = pipe.vae_scale_factor
    shape = (len(seeds), pipe.unet.config.in_channels, height // factor, width // factor)
    # CPU generators: the same seed gives the same noise on every machine.
    generators = [torch.Generator("cpu").manual_seed(s) for s in seeds]
    return randn_tensor(shape, generator=generators, device=device, dtype=dtype) * scheduler.init_noise_sigma


def _step_kwargs(scheduler, seeds) -> dict:
    accepted = set(inspect.signature(scheduler.step).parameters)
    kwargs = {}
    if "generator" in accepted:  # ancestral samplers add fresh noise each step: seed it too
        kwargs["generator"] = torch.Generator("cpu").manual_seed(seeds[0] + 2**31)
    if "eta" in accepted:
        kwargs["eta"] = 0.0
    return kwargs


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
