"""Text to image with everything the tab shows: checked settings, the run, the safety check, sweeps.

``check_request`` and ``check_sweep`` check what arrives against the tab's controls
(``controls.py``) before any work starts; with "randomize" a new seed is drawn there.
``generate`` and ``sweep`` then load the models (cached by ``shared.models``), run the
denoising (diffusers' own pipeline, watched step by step in ``denoise.py``), which a Stop ends
between two steps, and pass the pictures through the safety checker. ui.py only wires these
to the page; the tests call them directly.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from PIL import Image

from image_generation import controls, loading, safety
from image_generation.denoise import Frame, Progress, Result, denoise
from image_generation.grid import labelled_row
from shared.controls import SEED_MAX, Number
from shared.errors import LabError
from shared.i18n import message, number
from shared.validation import check_number

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
    """Every setting checked against the chosen model and this hardware, before any work starts.
    With ``randomize`` a new random seed replaces ``seed``."""
    model = controls.MODEL.check(model)
    scheduler = controls.SCHEDULER.check(scheduler)
    prompt = controls.PROMPT.check(prompt)
    negative = controls.NEGATIVE.check(negative_prompt)
    steps = controls.STEPS[model].check(steps)
    guidance = controls.GUIDANCE.check(guidance)
    width, height = _check_side(width, controls.WIDTH), _check_side(height, controls.HEIGHT)
    num_images = controls.NUM_IMAGES.check(num_images)
    # The images of a batch use seed, seed + 1, …: the last one must still be a seed.
    highest = SEED_MAX - num_images + 1
    randomize = controls.RANDOMIZE.check(randomize)
    seed = random.randint(0, highest) if randomize else min(controls.SEED.check(seed), highest)
    return Request(model, prompt, negative, steps, float(guidance), seed, width, height, num_images, scheduler)


def _check_side(value: object, side: Number) -> int:
    # The multiple of 8 first: it is the mistake worth explaining (513 is "too big" only by accident).
    pixels = check_number(value, side.name(), -math.inf, math.inf, integer=True)
    if pixels > 0 and pixels % 8:
        raise LabError("image_generation.error.multiple_of_8", name=side.name(), value=pixels,
                       lower=max(8, pixels // 8 * 8), upper=pixels // 8 * 8 + 8)
    return side.check(pixels)


def generate(request: Request, stop: threading.Event | None = None, *,
             max_frames: int = 8, preview_downscale: int = 1) -> Iterator[Progress | Outcome]:
    """Yield a Progress after each denoising step, then the Outcome."""
    started = time.monotonic()
    pipe = loading.load_pipeline(request.model)
    scheduler = loading.make_scheduler(pipe, request.scheduler)
    result = None
    for event in denoise(pipe, scheduler, prompt=request.prompt, negative_prompt=request.negative_prompt,
                         steps=request.steps, guidance=request.guidance, seed=request.seed, width=request.width,
                         height=request.height, num_images=request.num_images, max_frames=max_frames,
                         preview_downscale=preview_downscale, stop=stop):
        if isinstance(event, Result):
            result = event
        else:
            yield event
    outcome = _checked(result, request)
    outcome.seconds = time.monotonic() - started
    yield outcome


def _checked(result: Result, request: Request) -> Outcome:
    """Replace what the safety checker flags (images and the frames of the filmstrip) by a card
    that says so; a flagged final image withholds its whole filmstrip."""
    card_text = message("image_generation.withheld.card")
    image_flags = safety.flagged(result.images)
    images, captions = [], []
    for image, seed, bad in zip(result.images, result.seeds, image_flags, strict=True):
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
        bad_previews = {id(p) for p, bad in zip(previews, safety.flagged(previews), strict=True) if bad}
        frames = [replace(f, latent=_card_if(f.latent, bad_previews, card_text),
                          predicted=_card_if(f.predicted, bad_previews, card_text)) for f in frames]
    return Outcome(images=images, captions=captions, seed=request.seed, frames=frames,
                   withheld=sum(image_flags), steps_done=result.steps_done, steps_total=result.steps_total,
                   interrupted=result.interrupted)


def _card_if(image: Image.Image | None, bad: set[int], text: str) -> Image.Image | None:
    return safety.withheld(image.size, text) if image is not None and id(image) in bad else image


def check_sweep(kind: object, values: object, model: str) -> tuple[str, list[float]]:
    """The swept setting and its 2–6 values, e.g. ("guidance", [1, 3, 7.5]); no values: the
    model's own (``Preset.default_sweep``). ``model`` is a checked one."""
    kind = controls.SWEEP_KIND.check(kind)
    values = controls.SWEEP_VALUES.check(values)
    if not values:
        return kind, list(loading.PRESETS[model].default_sweep(kind))
    parts = [p for p in values.replace(";", ",").split(",") if p.strip()]
    if not SWEEP_MIN <= len(parts) <= SWEEP_MAX:
        raise LabError("image_generation.error.sweep_count", low=SWEEP_MIN, high=SWEEP_MAX, n=len(parts))
    swept = controls.STEPS[model] if kind == "steps" else controls.GUIDANCE
    return kind, [swept.check(p.strip()) for p in parts]


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
    yield labelled_row(tiles, labels, tile=tile, title=title), None


def _evaluations(pipe, request: Request) -> int:
    """UNet evaluations of one run: the steps, plus one for PNDM (its first step is taken twice)."""
    scheduler = loading.make_scheduler(pipe, request.scheduler)
    scheduler.set_timesteps(request.steps)
    return len(scheduler.timesteps)


def _sweep_label(kind: str, value: float) -> str:
    if kind == "steps":
        return message("image_generation.sweep.steps_label", value=int(value))
    return message("image_generation.sweep.guidance_label", value=number(value, "g"))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

