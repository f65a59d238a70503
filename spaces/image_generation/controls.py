"""Every control of the "Image generation" tab, declared once: ``ui.py`` builds the components
from these declarations and ``generate.check_request`` checks every request against them.

The caps that depend on the hardware (steps, size, number of images) come from ``loading``,
which picks them with ``by_hardware``. The number of steps also depends on the model, so it has
one declaration per model (``STEPS[model]``); the page's slider takes the chosen model's range.
"""

from __future__ import annotations

from image_generation import loading
from shared.controls import Choice, Flag, Number, Seed, Text

PROMPT_MAX_CHARS = 1000
SWEEP_VALUES_MAX_CHARS = 100

MODEL = Choice("image_generation.model", choices=tuple(loading.PRESETS), default=loading.DEFAULT_MODEL,
               labels="image_generation.model", dropdown=True, info=True, named=True)
# No default prompt (the box starts empty): the API lists the prompt as required, since an empty
# one is refused.
PROMPT = Text("image_generation.prompt", max_chars=PROMPT_MAX_CHARS, default=None,
              empty="image_generation.error.empty_prompt", placeholder=True, lines=2)
NEGATIVE = Text("image_generation.negative", max_chars=PROMPT_MAX_CHARS, empty=None, placeholder=True)
STEPS = {choice: Number("image_generation.steps", low=1, high=preset.max_steps, default=preset.default_steps, step=1,
                        integer=True, named=True)
         for choice, preset in loading.PRESETS.items()}
# The range is the same for both models; switching the model sets the slider to its preset's value.
GUIDANCE = Number("image_generation.guidance", low=0, high=loading.GUIDANCE_MAX,
                  default=loading.PRESETS[loading.DEFAULT_MODEL].guidance, step=0.5, info=True, named=True)
# The sliders move in steps of 64; the API takes any multiple of 8 in the range (generate._check_side).
WIDTH = Number("image_generation.width", low=loading.SIZE_MIN, high=loading.SIZE_MAX, default=loading.SIZE_DEFAULT,
               step=64, integer=True, named=True)
HEIGHT = Number("image_generation.height", low=loading.SIZE_MIN, high=loading.SIZE_MAX, default=loading.SIZE_DEFAULT,
                step=64, integer=True, named=True)
NUM_IMAGES = Number("image_generation.num_images", low=1, high=loading.IMAGES_MAX, default=1, step=1, integer=True,
                    named=True)
SCHEDULER = Choice("image_generation.scheduler", choices=tuple(loading.SCHEDULERS), default="default",
                   labels="image_generation.scheduler", translated=("default",), dropdown=True, named=True)
SEED = Seed("image_generation.seed", info=True, named=True)
RANDOMIZE = Flag("image_generation.randomize", default=True)
SWEEP_KIND = Choice("image_generation.sweep.kind", choices=("guidance", "steps"), default="guidance",
                    labels="image_generation.sweep.kind", named=True)
# Empty: the model's own values (Preset.default_sweep), which the page shows as the placeholder.
SWEEP_VALUES = Text("image_generation.sweep.values", max_chars=SWEEP_VALUES_MAX_CHARS, empty=None)
