"""The two Stable Diffusion models of the tab, their settings, and how they are loaded.

SD-Turbo (a distilled Stable Diffusion 2.1) makes an image in 1–4 steps without guidance:
the default on a CPU. Stable Diffusion 1.5 needs 20–50 steps with guidance but shows the
classic denoising and the effect of the guidance scale: the default on a GPU, in half
precision. Both share one cache slot (``shared.models`` key of the chosen model; the other is
released first), so a small GPU never holds two pipelines.

The settings are read while the page is built, so this module imports torch and diffusers only
inside the loaders.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared import models
from shared.device import by_hardware, pick_device, pick_dtype


@dataclass(frozen=True)
class Preset:
    """What suits one model on this hardware: its defaults, the sweeps, and the cap on steps."""

    choice: str  # the value in the model dropdown and in the API
    key: str  # its entry in shared.models.registry()
    default_steps: int
    max_steps: int
    guidance: float
    guidance_sweep: tuple[float, ...]
    steps_sweep: tuple[int, ...]

    def default_sweep(self, kind: str) -> tuple[float, ...]:
        """The values a sweep of ``kind`` ("guidance" or "steps") takes when none are given."""
        if kind == "steps":
            return tuple(v for v in self.steps_sweep if v <= self.max_steps)
        return self.guidance_sweep


PRESETS = {
    "sd-turbo": Preset("sd-turbo", "image_generation", default_steps=by_hardware(cpu=2, gpu=4),
                       max_steps=by_hardware(cpu=4, gpu=10), guidance=0.0,
                       guidance_sweep=(0.0, 1.5, 2.0, 3.0), steps_sweep=(1, 2, 3, 4)),
    "sd-1.5": Preset("sd-1.5", "image_generation_quality", default_steps=by_hardware(cpu=20, gpu=25),
                     max_steps=by_hardware(cpu=30, gpu=100), guidance=7.5,
                     guidance_sweep=(1.0, 3.0, 5.0, 7.5, 10.0, 15.0), steps_sweep=(5, 10, 20, 30, 50)),
}
DEFAULT_MODEL = by_hardware(cpu="sd-turbo", gpu="sd-1.5")
SIZE_MIN = 256
SIZE_MAX = by_hardware(cpu=512, gpu=768)
SIZE_DEFAULT = 512  # both models were trained at 512×512
IMAGES_MAX = by_hardware(cpu=2, gpu=4)
GUIDANCE_MAX = 20.0
# The filmstrip of a run: fewer frames on a CPU, each decoded from a latent halved in size
# (a full VAE decode there costs seconds per frame).
FILMSTRIP_FRAMES = by_hardware(cpu=5, gpu=8)
PREVIEW_DOWNSCALE = by_hardware(cpu=2, gpu=1)
# Below this much GPU memory the VAE decodes one image (and one tile) at a time.
SMALL_GPU_BYTES = 10 * 2**30

# Scheduler name -> diffusers class; "default" keeps the one the model was published with.
SCHEDULERS = {
    "default": None,
    "euler": "EulerDiscreteScheduler",
    "euler_ancestral": "EulerAncestralDiscreteScheduler",
    "dpm++_2m": "DPMSolverMultistepScheduler",
    "ddim": "DDIMScheduler",
}


def load_pipeline(choice: str):
    """The StableDiffusionPipeline of ``choice``, on the best device, cached by shared.models."""
    key = PRESETS[choice].key
    for other in PRESETS.values():
        if other.key != key and models.is_loaded(other.key):
            models.release(other.key)
    return models.load(key, _load_pipeline)


def _load_pipeline(ident: str):
    import torch
    from diffusers import StableDiffusionPipeline

    device = pick_device()
    # The safety checker is loaded on its own (safety.py), the same one for every model, so
    # it is not taken from the model's repository (SD-Turbo ships none).
    pipe = StableDiffusionPipeline.from_pretrained(
        ident, dtype=pick_dtype(device), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False, use_safetensors=True)
    pipe.set_progress_bar_config(disable=True)
    if device.type == "cuda" and torch.cuda.get_device_properties(device).total_memory < SMALL_GPU_BYTES:
        pipe.vae.enable_slicing()
        pipe.vae.enable_tiling()
    return pipe.to(device)


def load_tokenizer(choice: str):
    """Only the tokenizer (a few files), to show the prompt as the text encoder sees it without
    loading the whole model; the loaded pipeline's own tokenizer when there is one."""
    key = PRESETS[choice].key
    if models.is_loaded(key):
        return models.load(key, _load_pipeline).tokenizer
    return models.load(f"{key}_tokenizer", _load_tokenizer, ident=models.model_id(key))


def _load_tokenizer(ident: str):
    from transformers import CLIPTokenizer

    return CLIPTokenizer.from_pretrained(ident, subfolder="tokenizer")


def make_scheduler(pipe, name: str):
    """A fresh scheduler for one run, built from the model's own scheduler configuration (so
    the noise schedule the model was trained with is kept, only the solver changes)."""
    import diffusers

    class_name = SCHEDULERS[name] or type(pipe.scheduler).__name__
    return getattr(diffusers, class_name).from_config(pipe.scheduler.config)
