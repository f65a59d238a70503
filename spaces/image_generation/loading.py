"""The two Stable Diffusion models of the tab, their settings, and how they are loaded.

SD-Turbo (a distilled Stable Diffusion 2.1) makes an image in 1–4 steps without guidance:
the default on a CPU. Stable Diffusion 1.5 needs 20–50 steps with guidance but shows the
classic denoising and the effect of the guidance scale: the default on a GPU, in half
precision. Both share one cache slot (``shared.models`` key of the chosen model; the other is
released first), so a small GPU never holds two pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from shared import models
from shared.device import on_gpu, pick_device, pick_dtype


@dataclass(frozen=True)
class Preset:
    """What suits one model: its defaults, the sweeps, and the caps on work per hardware."""

    choice: str  # the value in the model dropdown and in the API
    key: str  # its entry in shared.models.PRETRAINED
    label_key: str  # its name in the dropdown, a translation key
    steps_gpu: int
    steps_cpu: int
    max_steps_gpu: int
    max_steps_cpu: int
    guidance: float
    guidance_sweep: tuple[float, ...]
    steps_sweep: tuple[int, ...]

    def default_steps(self) -> int:
        return self.steps_gpu if on_gpu() else self.steps_cpu

    def max_steps(self) -> int:
        return self.max_steps_gpu if on_gpu() else self.max_steps_cpu


PRESETS = {
    "sd-turbo": Preset("sd-turbo", "image_generation", "image_generation.model.turbo",
                       steps_gpu=4, steps_cpu=2, max_steps_gpu=10, max_steps_cpu=4, guidance=0.0,
                       guidance_sweep=(0.0, 1.5, 2.0, 3.0), steps_sweep=(1, 2, 3, 4)),
    "sd-1.5": Preset("sd-1.5", "image_generation_quality", "image_generation.model.sd15",
                     steps_gpu=25, steps_cpu=20, max_steps_gpu=100, max_steps_cpu=30, guidance=7.5,
                     guidance_sweep=(1.0, 3.0, 5.0, 7.5, 10.0, 15.0), steps_sweep=(5, 10, 20, 30, 50)),
}
SIZE_MIN = 256
SIZE_MAX_GPU, SIZE_MAX_CPU = 768, 512
SIZE_DEFAULT = 512  # both models were trained at 512×512
IMAGES_MAX_GPU, IMAGES_MAX_CPU = 4, 2
GUIDANCE_MAX = 20.0
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


def default_choice() -> str:
    return "sd-1.5" if on_gpu() else "sd-turbo"


def size_max() -> int:
    return SIZE_MAX_GPU if on_gpu() else SIZE_MAX_CPU


def images_max() -> int:
    return IMAGES_MAX_GPU if on_gpu() else IMAGES_MAX_CPU


def load_pipeline(choice: str):
    """The StableDiffusionPipeline of ``choice``, on the best device, cached by shared.models."""
    key = PRESETS[choice].key
    for other in PRESETS.values():
        if other.key != key and models.is_loaded(other.key):
            models.release(other.key)
    return models.load(key, _load_pipeline)


def _load_pipeline(ident: str):
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
