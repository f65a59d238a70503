"""Every control of the Deep Dream tab, declared once: its slider (or radio) on the page and the
handler's check of what arrives are both made from here (``shared.controls``)."""

from __future__ import annotations

from deep_dream.layers import DEFAULT_LAYER, LAYERS
from shared.controls import Choice, Number, Seed
from shared.device import by_hardware

DIGITS = tuple(str(digit) for digit in range(10))
# What class visualisation starts from; "fool it" changes a real digit, so it needs one of the last two.
START_KINDS = ("noise", "blank", "mnist", "drawing")
DIGIT_STARTS = ("mnist", "drawing")
MNIST_TEST_SIZE = 10000
MAX_STEPS = 300
# The longest photo side a GPU dreams. The API may ask for it on any machine; a CPU then dreams at
# its own limit (the slider's end) and says so.
MAX_SIDE = 1024

# ---------------------------------------------------------------- digits: class visualisation, "fool it"

TARGET = Choice("deep_dream.target", choices=DIGITS, default="1", named=True)
START = Choice("deep_dream.start", choices=START_KINDS, default="noise", labels="deep_dream.start", info=True,
               named=True)
MNIST_INDEX = Number("deep_dream.mnist_index", low=0, high=MNIST_TEST_SIZE - 1, default=0, step=1, integer=True,
                     named=True)
STEPS = Number("deep_dream.steps", low=1, high=MAX_STEPS, default=60, step=1, integer=True, named=True)
STEP_SIZE = Number("deep_dream.step_size", low=0.01, high=1.0, default=0.1, step=0.01, info=True, named=True)
JITTER = Number("deep_dream.jitter", low=0, high=4, default=1, step=1, integer=True, info=True, named=True)
BLUR = Number("deep_dream.blur", low=0.0, high=1.5, default=0.0, step=0.1, info=True, named=True)
L2 = Number("deep_dream.l2", low=0.0, high=0.2, default=0.0, step=0.005, info=True, named=True)
# One seed for the noise and the jitter, on both sub-tabs.
SEED = Seed("deep_dream.seed")
# The step shown of the last run; each run narrows it to its own steps.
SHOWN_STEP = Number("deep_dream.step", low=0, high=MAX_STEPS, default=0, step=1, integer=True, named=True)
CONFIDENCE = Number("deep_dream.confidence", low=0.5, high=0.99, default=0.5, step=0.01, info=True, named=True)

# ---------------------------------------------------------------- photos: Deep Dream
# Sizes and step counts that finish in about a minute on two CPU cores, and the larger ones a GPU affords.

LAYER = Choice("deep_dream.layer", choices=LAYERS, default=DEFAULT_LAYER, labels="deep_dream.layer", dropdown=True,
               info=True, named=True)
SIDE = Number("deep_dream.side", low=128, high=by_hardware(cpu=512, gpu=MAX_SIDE),
              default=by_hardware(cpu=256, gpu=512), step=32, integer=True, info=True, named=True, api_high=MAX_SIDE)
OCTAVES = Number("deep_dream.octaves", low=1, high=6, default=by_hardware(cpu=3, gpu=4), step=1, integer=True,
                 info=True, named=True)
OCTAVE_SCALE = Number("deep_dream.octave_scale", low=1.2, high=1.8, default=1.4, step=0.05, named=True)
ITERATIONS = Number("deep_dream.iterations", low=1, high=50, default=by_hardware(cpu=8, gpu=20), step=1, integer=True,
                    named=True)
DREAM_STEP = Number("deep_dream.dream_step", low=0.002, high=0.05, default=0.01, step=0.001, info=True, named=True)
# The digits' jitter in words, with a photo's range of pixels.
DREAM_JITTER = Number("deep_dream.jitter", low=0, high=64, default=16, step=1, integer=True, info=True, named=True)
