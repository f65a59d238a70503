"""What the video tab runs, checked: a request is checked against the controls, the model's
lengths and sizes and the hardware before any work starts; then the model is loaded (cached by
``shared.models``) and ``denoise`` runs. ui.py only wires this to the page and the API, and the
tests call it directly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

from PIL import Image

from shared.errors import LabError
from video_generation import controls, cost, loading
from video_generation.denoise import Clip, Progress, Result


@dataclass(frozen=True)
class VideoRequest:
    model: str
    clip: Clip
    fps: int
    flow_shift: float

    @property
    def preset(self) -> loading.Preset:
        return loading.PRESETS[self.model]


def geometry(model: str) -> cost.Geometry:
    return cost.Geometry.of(loading.load_configs(model), loading.TEXT_TOKENS)


def check_request(prompt: object, negative_prompt: object, width: object, height: object, frames: object,
                  fps: object, steps: object, guidance: object, flow_shift: object, seed: object,
                  model: object = loading.DEFAULT_MODEL, first_frame: Image.Image | None = None) -> VideoRequest:
    """Every value checked in the order the page shows them, then the model's own limits: its
    length, its largest trained picture, a whole number of patches, and the hardware."""
    model = controls.MODEL.check(model)
    preset = loading.PRESETS[model]
    prompt, negative_prompt = controls.PROMPT.check(prompt), controls.NEGATIVE.check(negative_prompt)
    width, height = controls.WIDTH.check(width), controls.HEIGHT.check(height)
    frames = controls.FRAMES.check(frames, high=preset.max_frames)
    clip = Clip(prompt=prompt, negative_prompt=negative_prompt, width=width, height=height, frames=frames,
                steps=controls.STEPS.check(steps), guidance=controls.GUIDANCE.check(guidance),
                seed=controls.SEED.check(seed), first_frame=first_frame, text_tokens=loading.TEXT_TOKENS)
    request = VideoRequest(model=model, clip=clip, fps=controls.FPS.check(fps),
                           flow_shift=controls.FLOW_SHIFT.check(flow_shift))
    w, h = max(preset.resolutions, key=lambda size: size[0] * size[1])
    if width * height > w * h:
        raise LabError("video_generation.error.too_large", model=model, width=width, height=height, largest=f"{w}×{h}")
    if first_frame is not None and not preset.image_to_video:
        raise LabError("video_generation.error.no_first_frame", model=model)
    loading.check_hardware(preset)
    cost.check_size(geometry(model), width, height, frames)
    return request


def generate(request: VideoRequest, stop: threading.Event | None = None, *,
             previews: int = loading.FILMSTRIP_FRAMES) -> Iterator[Progress | Result]:
    """The request's clip: a ``Progress`` after every step, then the ``Result``."""
    from video_generation.denoise import denoise

    pipe = loading.load_pipeline(request.model)
    if request.clip.first_frame is not None:
        pipe = loading.image_to_video_pipeline(pipe)
        first = request.clip.first_frame.convert("RGB").resize((request.clip.width, request.clip.height),
                                                             Image.Resampling.LANCZOS)
        request = replace(request, clip=replace(request.clip, first_frame=first))
    yield from denoise(pipe, loading.make_scheduler(pipe, request.flow_shift), request.clip, previews=previews,
                       stop=stop)


def summary(request: VideoRequest, result: Result) -> dict:
    """What the API returns beside the file: frames, seconds, the latent's shape and the tokens."""
    clip = request.clip
    tokens = cost.clip_cost(geometry(request.model), clip.width, clip.height, clip.frames).tokens
    return {"model": request.model, "frames": len(result.frames), "width": clip.width, "height": clip.height,
            "fps": request.fps, "seconds": round(len(result.frames) / request.fps, 3),
            "latent_shape": list(result.latent_shape), "tokens": tokens, "steps_done": result.steps_done,
            "steps_total": result.steps_total, "stopped": result.interrupted, "seed": result.seed}
