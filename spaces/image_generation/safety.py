"""The Stable Diffusion safety checker, and what is shown instead of an image it withholds.

The checker (a CLIP image encoder compared with a list of unsafe concepts) comes from the
Stable Diffusion 1.5 repository and is used for both models, since SD-Turbo ships none. It is
on unless the server is started with ``LAB_SAFETY_CHECKER=off``, meant for private use only.
The page names the checker's model (``KEY``) while it is built, so torch is imported only where
the checker runs.
"""

from __future__ import annotations

import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from shared import models
from shared.device import pick_device, pick_dtype

KEY = "image_generation_safety"


def enabled() -> bool:
    return os.environ.get("LAB_SAFETY_CHECKER", "on").strip().lower() not in ("off", "0", "false", "no")


def load_checker():
    return models.load(KEY, _load_checker)


def _load_checker(ident: str):
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPImageProcessor

    device = pick_device()
    checker = StableDiffusionSafetyChecker.from_pretrained(ident, subfolder="safety_checker", dtype=pick_dtype(device),
                                                           use_safetensors=True)
    features = CLIPImageProcessor.from_pretrained(ident, subfolder="feature_extractor")
    return checker.to(device).eval(), features


def flagged(images: list[Image.Image]) -> list[bool]:
    """True for each image the checker withholds; all False when the checker is off."""
    if not images or not enabled():
        return [False] * len(images)
    import torch

    checker, features = load_checker()
    parameter = next(checker.parameters())
    clip_input = features(images, return_tensors="pt").pixel_values.to(parameter.device, parameter.dtype)
    # The checker blacks out what it flags in the array it is handed; only its verdicts are read here.
    placeholders = np.zeros((len(images), 1, 1, 3), dtype=np.float32)
    with torch.no_grad():
        _, has_unsafe = checker(images=placeholders, clip_input=clip_input)
    return [bool(f) for f in has_unsafe]


def withheld(size: tuple[int, int], text: str) -> Image.Image:
    """A grey card with a crossed-out frame and an explanation: never a silent black square."""
    width, height = size
    card = Image.new("RGB", size, (208, 208, 208))
    draw = ImageDraw.Draw(card)
    margin = max(4, min(size) // 16)
    draw.rectangle([margin, margin, width - margin, height - margin], outline=(150, 40, 40), width=max(2, margin // 3))
    draw.line([margin, margin, width - margin, height - margin], fill=(150, 40, 40), width=max(1, margin // 4))
    font = ImageFont.load_default(size=max(10, min(size) // 18))
    lines = _wrap(draw, text, font, width - 4 * margin)
    line_height = font.getbbox("Ag")[3] + 4
    top = (height - line_height * len(lines)) // 2
    for n, line in enumerate(lines):
        left = (width - draw.textlength(line, font=font)) // 2
        draw.text((left, top + n * line_height), line, fill=(40, 40, 40), font=font, stroke_width=2,
                  stroke_fill=(208, 208, 208))
    return card


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines
