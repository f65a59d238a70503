"""The two Wan models of the tab, what suits each, and how they are loaded.

Both are diffusion transformers that denoise a video latent with flow matching, loaded through
diffusers' ``WanPipeline`` with no code of their own:

- Wan2.1 T2V 1.3B (the default): a 1.3 B-parameter transformer over a VAE that shrinks time 4×
  and space 8×, 480p clips at 16 frames per second;
- Wan2.2 TI2V 5B (the quality option, on a GPU of 24 GB or more): a 5 B transformer over a VAE
  that shrinks space 16×, 720p at 24 frames per second, and it can start from a picture.

Both read the prompt with UMT5-XXL, a 5.7 B-parameter text encoder (about 11 GB in bfloat16), the
largest part of either pipeline. On a GPU with less memory than a preset needs, each part is
moved to the GPU only while it runs (``enable_model_cpu_offload``). This module imports torch and
diffusers only inside the loaders, so the page can be built without them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from shared import models
from shared.device import on_gpu, pick_device
from shared.errors import LabError

GIB = 2**30


@dataclass(frozen=True)
class Preset:
    """What suits one model: its sizes, lengths and settings, and the GPU memory it needs."""

    choice: str  # the value in the model dropdown and in the API
    key: str  # its entry in shared.models.registry()
    resolutions: tuple[tuple[int, int], ...]  # (width, height); the first is the default
    default_frames: int
    max_frames: int
    fps: int
    steps: int
    guidance: float
    flow_shift: float
    gpu_gib_min: float  # below this, the model is refused
    gpu_gib_resident: float  # from this, every part stays on the GPU; below it, parts are offloaded
    image_to_video: bool  # it can start from a first frame

    @property
    def size(self) -> tuple[int, int]:
        return self.resolutions[0]


# Resolutions: each model's trained sizes (landscape, portrait, square), and a draft with a quarter
# of the pixels. The models were trained at 81 frames (Wan2.1, 5 s at 16 fps) and 121 frames
# (Wan2.2 TI2V, 5 s at 24 fps); the defaults are shorter, to answer within a lecture.
PRESETS = {
    "wan2.1-1.3b": Preset("wan2.1-1.3b", "video", resolutions=((832, 480), (480, 832), (624, 624), (416, 240)),
                          default_frames=33, max_frames=81, fps=16, steps=30, guidance=5.0, flow_shift=3.0,
                          gpu_gib_min=12, gpu_gib_resident=24, image_to_video=False),
    "wan2.2-5b": Preset("wan2.2-5b", "video_quality", resolutions=((1280, 704), (704, 1280), (960, 960), (640, 352)),
                        default_frames=49, max_frames=121, fps=24, steps=30, guidance=5.0, flow_shift=5.0,
                        gpu_gib_min=24, gpu_gib_resident=40, image_to_video=True),
}
DEFAULT_MODEL = "wan2.1-1.3b"
STEPS_MAX = 100
GUIDANCE_MAX = 20.0
FPS_MIN, FPS_MAX = 4, 30
FLOW_SHIFT_MIN, FLOW_SHIFT_MAX = 1.0, 12.0
# The filmstrip shows the middle frame's predicted clean picture this many times in a run.
FILMSTRIP_FRAMES = 8
# Text the prompt is padded to (the pipeline's ``max_sequence_length``, the length Wan was trained with).
TEXT_TOKENS = 512
# Set to 1 to generate on a CPU anyway (tests do, with tiny models): the full-size models take
# far longer than a lecture there (README, benchmarks/bench_video.py).
CPU_VARIABLE = "LAB_VIDEO_CPU"


def cpu_allowed() -> bool:
    return os.environ.get(CPU_VARIABLE, "").strip() == "1"


def can_generate() -> bool:
    """Whether the page offers generation at all: on a GPU, or on a CPU where it is asked for."""
    return on_gpu() or cpu_allowed()


def check_hardware(preset: Preset) -> None:
    """Refuse, in words, to generate where it cannot finish in reasonable time or memory."""
    if not on_gpu():
        if not cpu_allowed():
            raise LabError("video_generation.error.needs_gpu")
        return
    memory = gpu_memory_gib()
    if memory is not None and memory < preset.gpu_gib_min:
        raise LabError("video_generation.error.small_gpu", model=preset.choice, need=f"{preset.gpu_gib_min:g}",
                       have=f"{memory:.0f}")


def gpu_memory_gib() -> float | None:
    import torch

    device = pick_device()
    if device.type != "cuda":
        return None
    return torch.cuda.get_device_properties(device).total_memory / GIB


def load_pipeline(choice: str):
    """The ``WanPipeline`` of ``choice``, cached by shared.models; the other model is released
    first, so a GPU never holds both."""
    preset = PRESETS[choice]
    for other in PRESETS.values():
        if other.key != preset.key and models.is_loaded(other.key):
            models.release(other.key)
    return models.load(preset.key, lambda ident: _load_pipeline(ident, preset))


def _load_pipeline(ident: str, preset: Preset):
    import torch
    from diffusers import AutoencoderKLWan, WanPipeline

    device = pick_device()
    # bfloat16 for the transformer and the text encoder on a GPU (Wan was trained in it; float16
    # overflows); the VAE in float32, as Wan's own examples load it.
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    vae = AutoencoderKLWan.from_pretrained(ident, subfolder="vae", dtype=torch.float32)
    pipe = WanPipeline.from_pretrained(ident, vae=vae, dtype=dtype)
    pipe.set_progress_bar_config(disable=True)
    memory = gpu_memory_gib()
    if memory is not None and memory < preset.gpu_gib_resident:
        pipe.enable_model_cpu_offload()
        return pipe
    return pipe.to(device)


def image_to_video_pipeline(pipe):
    """The same networks as ``WanImageToVideoPipeline``: the video starts from a given picture."""
    from diffusers import WanImageToVideoPipeline

    return WanImageToVideoPipeline.from_pipe(pipe)


def load_configs(choice: str) -> dict:
    """The VAE's and the transformer's configurations (two small JSON files, no weights), which
    the cost explorer reads its strides and sizes from. Cached; the loaded pipeline's own when there is one."""
    preset = PRESETS[choice]
    if models.is_loaded(preset.key):
        pipe = load_pipeline(choice)
        return {"vae": dict(pipe.vae.config), "transformer": dict(pipe.transformer.config)}
    return models.load(f"{preset.key}_configs", _load_configs, ident=models.model_id(preset.key))


def _load_configs(ident: str) -> dict:
    from diffusers import AutoencoderKLWan, WanTransformer3DModel

    return {"vae": _config(AutoencoderKLWan, ident, "vae"),
            "transformer": _config(WanTransformer3DModel, ident, "transformer")}


def _config(model_class, ident: str, subfolder: str) -> dict:
    """A model's configuration as ``from_pretrained`` would build it: the class's defaults for what
    the file leaves out (Wan2.1's VAE file predates its ``scale_factor_*`` entries)."""
    import inspect

    defaults = {name: p.default for name, p in inspect.signature(model_class.__init__).parameters.items()
                if p.default is not inspect.Parameter.empty}
    return {**defaults, **model_class.load_config(ident, subfolder=subfolder)}


def make_scheduler(pipe, flow_shift: float):
    """A fresh scheduler for one run from the model's own, with the chosen flow shift (the
    published schedulers call it ``flow_shift`` (UniPC) or ``shift`` (flow-matching Euler))."""
    config = pipe.scheduler.config
    name = "flow_shift" if "flow_shift" in config else "shift"
    return type(pipe.scheduler).from_config(config, **{name: flow_shift})
