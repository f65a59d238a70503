"""Every control of the faces tab, declared once: ``ui.py`` builds the components from these and
``generate.py`` checks every request against them."""

from __future__ import annotations

from faces import loading
from shared.controls import Number, Seed
from shared.device import by_hardware

SEED = Seed("faces.seed", default=2024, info=True, named=True)
# The API takes up to 16 faces on any hardware; on a CPU the page offers 4 (about 2 minutes).
COUNT = Number("faces.count", low=1, high=by_hardware(cpu=4, gpu=loading.MAX_COUNT), default=loading.DEFAULT_COUNT,
               step=1, integer=True, api_high=loading.MAX_COUNT, named=True)
STEPS = Number("faces.steps", low=1, high=loading.MAX_STEPS, default=loading.DEFAULT_STEPS, step=1, integer=True,
               info=True, named=True)
SEED_A = Seed("faces.seed_a", default=2024, named=True)
SEED_B = Seed("faces.seed_b", default=7, named=True)
FRAMES = Number("faces.frames", low=2, high=16, default=by_hardware(cpu=4, gpu=8), step=1, integer=True, named=True)
WALK_STEPS = Number("faces.walk_steps", low=1, high=loading.MAX_STEPS, default=by_hardware(cpu=8, gpu=50), step=1,
                    integer=True, named=True)
