"""The face model and what suits it on this hardware.

``CompVis/ldm-celebahq-256`` is a latent diffusion model: a UNet removes noise from a
64×64×3 latent, and a VQ autoencoder (downsampling by 4) turns the latent into a 256×256
face. It loads through diffusers' ``LDMPipeline`` with no code of its own. This module
imports torch and diffusers only inside the loader, so the page can be built without them.
"""

from __future__ import annotations

from shared import models
from shared.device import by_hardware, pick_device, pick_dtype

KEY = "faces"
# Measured with random weights of the full-size architecture on the 2-core CI machine (one UNet
# step ≈ 1.6 s, one decode ≈ 3.4 s; benchmarks/bench_faces.py): 20 steps make a face in well
# under a minute there, 50 steps are the model's own default.
DEFAULT_STEPS = by_hardware(cpu=20, gpu=50)
MAX_STEPS = by_hardware(cpu=100, gpu=200)
DEFAULT_COUNT = by_hardware(cpu=1, gpu=4)
MAX_COUNT = 16
# Steps against quality, one seed: few steps, the CPU default, the model's own default.
STEPS_COMPARED = by_hardware(cpu=(5, 10, 20), gpu=(5, 20, 50))
# The filmstrip of the first face; on a CPU its frames are decoded from a latent halved in size.
FILMSTRIP_FRAMES = by_hardware(cpu=4, gpu=8)
PREVIEW_DOWNSCALE = by_hardware(cpu=2, gpu=1)
# The game's round, each face at the default steps: on a CPU two faces (about a minute).
GAME_FACES = by_hardware(cpu=2, gpu=4)


def load_pipeline():
    """The ``LDMPipeline`` of the face model, on the best device, cached by ``shared.models``."""
    return models.load(KEY, _load_pipeline)


def _load_pipeline(ident: str):
    from diffusers import LDMPipeline

    device = pick_device()
    # Safetensors where the repository has them; otherwise diffusers reads the .bin files with
    # torch.load(weights_only=True), which rebuilds tensors and refuses any other object.
    pipe = LDMPipeline.from_pretrained(ident, dtype=pick_dtype(device))
    pipe.set_progress_bar_config(disable=True)
    return pipe.to(device)


def make_scheduler(pipe):
    """A fresh DDIM scheduler for one run, from the model's own configuration (its noise schedule)."""
    from diffusers import DDIMScheduler

    return DDIMScheduler.from_config(pipe.scheduler.config)
