"""Text to image with everything the tab shows: checked settings, the run, the safety check, sweeps.

Pure functions of their arguments (plus the cached models): the UI in ui.py only wires them
to components, and the tests call them directly.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Iterator

import torch
from PIL import Image

from image_generation import loading, safety
from image_generation.denoise import Frame, Progress, Result, denoise
from image_generation.grid import labelled_row
from shared.i18n import error, message
from shared.gpu import out_of_memory_error
from shared.validation import check_number, check_seed, check_text

PROMPT_MAX_CHARS = 1000
SWEEP_MIN, SWEEP_MAX = 2, 6


@dataclass(frozen=True)
class Request:
    model: str
    prompt: str
    negative_prompt: str
    steps: int
    guidance: float
    seed: int
    width: int
    height: int
    num_images: int
    scheduler: str


@dataclass
class Outcome:
    images: list[Image.Image]
    captions: list[str]
    seed: int
    frames: list[Frame] = field(default_factory=list)
    withheld: int = 0
    steps_done: int = 0
    steps_total: int = 0
    interrupted: bool = False
    seconds: float = 0.0


def check_request(model: object, prompt: object, negative_prompt: object, steps: object, guidance: object,
                  seed: object, randomize: object, width: object, height: object, num_images: object,
                  scheduler: object) -> Request:
    """Every setting checked against the chosen model and this hardware, before any work starts."""
    if model not in loading.PRESETS:
        raise error("image_generation.error.choice", name=message("image_generation.name.model"),
                    value=str(model)[:40], choices=", ".join(loading.PRESETS))
    if scheduler not in loading.SCHEDULERS:
        raise error("image_generation.error.choice", name=message("image_generation.name.scheduler"),
                    value=str(scheduler)[:40], choices=", ".join(loading.SCHEDULERS))
    preset = loading.PRESETS[model]
    prompt = check_text(prompt, PROMPT_MAX_CHARS, empty_hint="image_generation.error.empty_prompt")
    negative = "" if negative_prompt is None or (isinstance(negative_prompt, str) and not negative_prompt.strip()) \
        else check_text(negative_prompt, PROMPT_MAX_CHARS)
    steps = check_number(steps, message("image_generation.name.steps"), 1, preset.max_steps(), integer=True)
    guidance = check_number(guidance, message("image_generation.name.guidance"), 0, loading.GUIDANCE_MAX)
    width = _check_side(width, "image_generation.name.width")
    height = _check_side(height, "image_generation.name.height")
    num_images = check_number(num_images, message("image_generation.name.images"), 1, loading.images_max(),
                              integer=True)
    if randomize is True:
        seed = random.randrange(2**32 - num_images)
    seed = check_seed(seed)
    if seed + num_images - 1 > 2**32 - 1:  # the images of a batch use seed, seed + 1, …
        seed = 2**32 - num_images
    return Request(model, prompt, negative, steps, float(guidance), seed, width, height, num_images, scheduler)


def _check_side(value: object, name_key: str) -> int:
    # The multiple of 8 first: it is the mistake worth explaining (513 is "too big" only by accident).
    side = check_number(value, message(name_key), 1, 2**31, integer=True)
    if side % 8:
        raise error("image_generation.error.multiple_of_8", name=message(name_key), value=side,
                    lower=max(8, side // 8 * 8), upper=side // 8 * 8 + 8)
    return check_number(side, message(name_key), loading.SIZE_MIN, loading.size_max(), integer=True)


def generate(request: Request, stop: threading.Event | None = None, *,
             max_frames: int = 8, preview_downscale: int = 1) -> Iterator[Progress | Outcome]:
    """Yield a Progress after each denoising step, then the Outcome."""
    started = time.monotonic()
    pipe = loading.load_pipeline(request.model)
    scheduler = loading.make_scheduler(pipe, request.scheduler)
    result = None
    out_of_memory = False
    try:
        for event in denoise(pipe, scheduler, prompt=request.prompt, negative_prompt=request.negative_prompt,
                             steps=request.steps, guidance=request.guidance, seed=request.seed, width=request.width,
                             height=request.height, num_images=request.num_images, max_frames=max_frames,
                             preview_downscale=preview_downscale, stop=stop):
            if isinstance(event, Result):
                result = event
            else:
                yield event
        outcome = _checked(result, request)
    except torch.OutOfMemoryError:
        out_of_memory = True
    if out_of_memory:  # outside the except block, so the failed run's tensors are already freed
        raise out_of_memory_error()
    outcome.seconds = time.monotonic() - started
    yield outcome


def _checked(result: Result, request: Request) -> Outcome:
    """Replace what the safety checker flags (images and the frames of the filmstrip) by a card
    that says so; a flagged final image withholds its whole filmstrip."""
    card_text = message("image_generation.withheld.card")
    image_flags = safety.flagged(result.images)
    images, captions = [], []
    for image, seed, bad in zip(result.images, result.seeds, image_flags):
        images.append(safety.withheld(image.size, card_text) if bad else image)
        captions.append(message("image_generation.caption.withheld" if bad else "image_generation.caption.seed",
                                seed=seed))
    frames = result.frames
    if frames and image_flags and image_flags[0]:
        frames = [replace(f, latent=safety.withheld(f.latent.size, card_text),
                          predicted=None if f.predicted is None else safety.withheld(f.predicted.size, card_text))
                  for f in frames]
    elif frames:
        # The starting noise needs no check, and the last frame is the final image (already
        # checked); the steps in between are checked in one batch.
        between = [f for f in frames if 0 < f.step < result.steps_total]
        previews = [f.latent for f in between] + [f.predicted for f in between]
        bad_previews = {id(p) for p, bad in zip(previews, safety.flagged(previews)) if bad}
        frames = [replace(f, latent=_card_if(f.latent, bad_previews, card_text),
                          predicted=_card_if(f.predicted, bad_previews, card_text)) for f in frames]
    return Outcome(images=images, captions=captions, seed=request.seed, frames=frames,
                   withheld=sum(image_flags), steps_done=result.steps_done, steps_total=result.steps_total,
                   interrupted=result.interrupted)


def _card_if(image: Image.Image | None, bad: set[int], text: str) -> Image.Image | None:
    return safety.withheld(image.size, text) if image is not None and id(image) in bad else image


def check_sweep(kind: object, values: object, model: str) -> tuple[str, list[float]]:
    """The swept setting and its 2–6 values, e.g. ("guidance", [1, 3, 7.5])."""
    if kind not in ("guidance", "steps"):
        raise error("image_generation.error.choice", name=message("image_generation.name.sweep"),
                    value=str(kind)[:40], choices="guidance, steps")
    if not isinstance(values, str) or not values.strip():
        return kind, list(default_sweep(kind, model))
    parts = [p for p in values.replace(";", ",").split(",") if p.strip()]
    if not SWEEP_MIN <= len(parts) <= SWEEP_MAX:
        raise error("image_generation.error.sweep_count", low=SWEEP_MIN, high=SWEEP_MAX, n=len(parts))
    preset = loading.PRESETS[model]
    if kind == "steps":
        checked = [check_number(p.strip(), message("image_generation.name.steps"), 1, preset.max_steps(), integer=True)
                   for p in parts]
    else:
        checked = [check_number(p.strip(), message("image_generation.name.guidance"), 0, loading.GUIDANCE_MAX)
                   for p in parts]
    return kind, checked


def default_sweep(kind: str, model: str) -> tuple[float, ...]:
    preset = loading.PRESETS[model]
    values = preset.steps_sweep if kind == "steps" else preset.guidance_sweep
    return tuple(v for v in values if kind != "steps" or v <= preset.max_steps())


def sweep(request: Request, kind: str, values: list[float], stop: threading.Event | None = None,
          *, tile: int = 256) -> Iterator[tuple[Image.Image, Progress | None]]:
    """One image per value of ``kind`` with everything else fixed (the same seed, so the same
    starting noise): yield the labelled grid as it fills in, with the progress; the last one
    with None."""
    pipe = loading.load_pipeline(request.model)
    labels = [_sweep_label(kind, v) for v in values]
    title = message("image_generation.sweep.title", seed=request.seed, prompt=_short(request.prompt))
    tiles: list[Image.Image | None] = [None] * len(values)
    runs = [replace(request, num_images=1, **({"steps": int(v)} if kind == "steps" else {"guidance": v}))
            for v in values]
    total = sum(_evaluations(pipe, run) for run in runs)
    done_before = 0
    card_text = message("image_generation.withheld.card")
    out_of_memory = False
    try:
        for n, single in enumerate(runs):
            if stop is not None and stop.is_set():
                break
            result = None
            for event in denoise(pipe, loading.make_scheduler(pipe, request.scheduler), prompt=single.prompt,
                                 negative_prompt=single.negative_prompt, steps=single.steps, guidance=single.guidance,
                                 seed=single.seed, width=single.width, height=single.height, max_frames=0, stop=stop):
                if isinstance(event, Result):
                    result = event
                else:
                    yield labelled_row(tiles, labels, tile=tile, title=title), Progress(done_before + event.step, total)
            if result.images and not result.interrupted:
                image = result.images[0]
                tiles[n] = safety.withheld(image.size, card_text) if safety.flagged([image])[0] else image
            done_before += result.steps_done
    except torch.OutOfMemoryError:
        out_of_memory = True
    if out_of_memory:
        raise out_of_memory_error()
    yield labelled_row(tiles, labels, tile=tile, title=title), None


def _evaluations(pipe, request: Request) -> int:
    """UNet evaluations of one run: the steps, plus one for PNDM (its first step is taken twice)."""
    scheduler = loading.make_scheduler(pipe, request.scheduler)
    scheduler.set_timesteps(request.steps)
    return len(scheduler.timesteps)


def _sweep_label(kind: str, value: float) -> str:
    if kind == "steps":
        return message("image_generation.sweep.steps_label", value=int(value))
    return message("image_generation.sweep.guidance_label", value=f"{value:g}")


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

