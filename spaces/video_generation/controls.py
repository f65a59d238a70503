"""Every control of the "Video generation" tab, declared once: ``ui.py`` builds the components from
these declarations and ``generate.check_request`` / ``cost`` check every request against them.

Sizes are checked twice: here against the range, then against the model's strides (a whole
number of patches, frames of the form 4k + 1), which ``cost.check_size`` reads from the model's
configuration.
"""

from __future__ import annotations

from shared.controls import Choice, Number, Seed, Text
from video_generation import loading

PROMPT_MAX_CHARS = 1000
DEFAULT = loading.PRESETS[loading.DEFAULT_MODEL]
FRAMES_MAX = max(p.max_frames for p in loading.PRESETS.values())
SIDE_MAX = max(max(size) for p in loading.PRESETS.values() for size in p.resolutions)

MODEL = Choice("video_generation.model", choices=tuple(loading.PRESETS), default=loading.DEFAULT_MODEL,
               labels="video_generation.model", dropdown=True, info=True, named=True)
PROMPT = Text("video_generation.prompt", max_chars=PROMPT_MAX_CHARS, default=None,
              empty="video_generation.error.empty_prompt", placeholder=True, lines=2)
NEGATIVE = Text("video_generation.negative", max_chars=PROMPT_MAX_CHARS, empty=None, placeholder=True)
# The page offers each model's trained sizes; the API takes any multiple of the model's patch.
SIZES = tuple(dict.fromkeys(f"{w}x{h}" for preset in loading.PRESETS.values() for w, h in preset.resolutions))
RESOLUTION = Choice("video_generation.resolution", choices=SIZES,
                    default="{}x{}".format(*DEFAULT.size), dropdown=True, named=True)
WIDTH = Number("video_generation.width", low=16, high=SIDE_MAX, default=DEFAULT.size[0], step=16, integer=True,
               named=True)
HEIGHT = Number("video_generation.height", low=16, high=SIDE_MAX, default=DEFAULT.size[1], step=16, integer=True,
                named=True)
FRAMES = Number("video_generation.frames", low=1, high=FRAMES_MAX, default=DEFAULT.default_frames, step=4,
                integer=True, info=True, named=True)
FPS = Number("video_generation.fps", low=loading.FPS_MIN, high=loading.FPS_MAX, default=DEFAULT.fps, step=1,
             integer=True, named=True)
STEPS = Number("video_generation.steps", low=1, high=loading.STEPS_MAX, default=DEFAULT.steps, step=1, integer=True,
               named=True)
GUIDANCE = Number("video_generation.guidance", low=0, high=loading.GUIDANCE_MAX, default=DEFAULT.guidance, step=0.5,
                  info=True, named=True)
FLOW_SHIFT = Number("video_generation.flow_shift", low=loading.FLOW_SHIFT_MIN, high=loading.FLOW_SHIFT_MAX,
                    default=DEFAULT.flow_shift, step=0.5, info=True, named=True)
SEED = Seed("video_generation.seed", info=True, named=True)
