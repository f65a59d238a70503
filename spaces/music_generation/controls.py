"""Every control of the "Music generation" tab, declared once: ``ui.py`` builds the components
from these declarations and ``generate.check_request`` checks every request against them.

The defaults are those of MusicGen's own demo (top-k 250, no top-p, temperature 1, guidance 3).
The lengths depend on the hardware: on the 2-core CPU the README measures, MusicGen small writes
about 2.8 steps a second with guidance (50 steps per second of music), so the CPU default is 3 s
(about a minute); a GPU takes up to 30 s.
"""

from __future__ import annotations

from music_generation import loading
from shared.controls import Choice, Number, Seed, Text
from shared.device import by_hardware

PROMPT_MAX_CHARS = 500
SWEEPS = {"guidance": (1.0, 3.0, 6.0), "temperature": (0.5, 1.0, 1.5)}

MODEL = Choice("music_generation.model", choices=tuple(loading.PRESETS), default=loading.DEFAULT_MODEL,
               dropdown=True, info=True, named=True)
PROMPT = Text("music_generation.prompt", max_chars=PROMPT_MAX_CHARS, default=None,
              empty="music_generation.error.empty_prompt", placeholder=True, lines=2)
DURATION = Number("music_generation.duration", low=1, high=by_hardware(cpu=10.0, gpu=30.0),
                  default=by_hardware(cpu=3.0, gpu=10.0), step=0.5, info=True, named=True)
TEMPERATURE = Number("music_generation.temperature", low=0.05, high=2.0, default=1.0, step=0.05, info=True,
                     named=True)
TOP_K = Number("music_generation.top_k", low=0, high=2048, default=250, step=1, integer=True, info=True, named=True)
TOP_P = Number("music_generation.top_p", low=0, high=1, default=0, step=0.05, info=True, named=True)
GUIDANCE = Number("music_generation.guidance", low=0, high=10, default=3.0, step=0.5, info=True, named=True)
SEED = Seed("music_generation.seed", info=True, named=True)
FORMAT = Choice("music_generation.format", choices=("wav", "mp3"), default="wav", names=("WAV", "MP3"))
CODEBOOKS = Choice("music_generation.codebooks", choices=(1, 2, 4), default=4, info=True)
SWEEP = Choice("music_generation.sweep", choices=tuple(SWEEPS), default="guidance", labels="music_generation.sweep",
               info=True)
SWEEP_DURATION = Number("music_generation.sweep_duration", low=1, high=by_hardware(cpu=5.0, gpu=10.0),
                        default=by_hardware(cpu=2.0, gpu=5.0), step=0.5, named=True)
