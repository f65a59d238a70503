"""Writing a song with lyrics by flow matching: ACE-Step 1.5 through diffusers' own
``AceStepPipeline``, watched at every step (the SUNO contrast of the music tab).

MusicGen writes codes one step at a time, each step one more 20 ms of music. ACE-Step starts from
a latent of the *whole* song made of noise, 25 frames a second of an Oobleck VAE (48 kHz stereo),
and a diffusion transformer turns all of it into music at once, in a few steps (8 for the turbo
checkpoint, whose guidance is distilled into its weights). It learned flow matching: at noise
level σ the latent is (1 − σ)·clean + σ·noise, and at each step the transformer predicts the
velocity that moves it towards the clean song. What it is moving towards is read from the prompt
(style tags, through a Qwen3 text encoder) and from the lyrics (their tokens, through a lyric
encoder) together with the language they are sung in.

Everything here calls the pipeline's own ``__call__``; its ``callback_on_step_end`` hands every
step's latent to the page and stops the run when Stop is pressed (through the pipeline's own
``_interrupt``). ``__call__`` does not return between steps, so it runs in a thread, in lockstep
with the generator that reports them (``shared.stepwise.in_steps``). A run stopped after step k
is what the pipeline itself returns then: the latent of step k decoded, the song still partly
noise.

The full-size models need a GPU: the page refuses them on a CPU unless ``LAB_MUSIC_SONG_CPU=1``
(the tests set it, with tiny models). This module imports torch and diffusers only inside its
functions, so the page can be built without them; its controls are declared here, with the song.
"""

from __future__ import annotations

import copy
import math
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from shared import models
from shared.controls import Choice, Number, Seed, Text
from shared.device import on_gpu, pick_device
from shared.errors import LabError
from shared.i18n import message, number
from shared.stepwise import final, in_steps

SONG_KEY = "music_song"
# Set to 1 to sing on a CPU anyway (tests do, with tiny models): the full-size pipeline (a 4 B
# transformer) would take many minutes for a short song there.
CPU_VARIABLE = "LAB_MUSIC_SONG_CPU"
GIB = 2**30
# The ACE-Step README for the XL models: at least 12 GB of GPU memory with offloading, 20 GB or
# more recommended. Below the first the song is refused; between the two each part of the
# pipeline moves to the GPU only while it runs.
GPU_GIB_MIN, GPU_GIB_RESIDENT = 12, 20
# The pipeline's own default for base and SFT checkpoints; a turbo one (the default here) has its
# guidance distilled into the weights and is given 1, which the pipeline would force anyway (with
# a warning in the log).
GUIDANCE_UNDISTILLED = 7.0

# Lyrics languages, English first: the ten the diffusers documentation names as supported
# (https://huggingface.co/docs/diffusers/api/pipelines/ace_step), then Polish, which ACE-Step's
# own list of language codes includes (acestep/constants.py, VALID_LANGUAGES) but whose
# pronunciation nobody has measured; the page marks it experimental. Each shows under its own
# name, as language pickers do; only Polish needs words ("experimental").
LANGUAGES = ("en", "zh", "ja", "ko", "fr", "de", "es", "it", "pt", "ru", "pl")
LANGUAGE_NAMES = ("English", "中文", "日本語", "한국어", "Français", "Deutsch", "Español", "Italiano", "Português",
                  "Русский", "Polski")
EXPERIMENTAL = ("pl",)

# The prompt is read through the template "# Instruction / # Caption / # Metas" and cut at 256
# tokens; the template and the metadata take about 70, and 300 characters of Polish are about 120
# more, so nothing the visitor wrote is cut. The lyrics are cut at 2048 tokens; 2000 characters are
# well below that in any of the languages, and more than a minute of singing holds.
PROMPT_MAX_CHARS = 300
LYRICS_MAX_CHARS = 2000

SONG_PROMPT = Text("music_generation.song.prompt", max_chars=PROMPT_MAX_CHARS, default=None,
                   empty="music_generation.song.error.empty_prompt", placeholder=True, lines=2)
LYRICS = Text("music_generation.song.lyrics", max_chars=LYRICS_MAX_CHARS, default=None,
              empty="music_generation.song.error.empty_lyrics", placeholder=True, lines=8)
# ACE-Step writes 10 s to 10 min. Here at most 60 s: a verse and a chorus, which a lecture hall
# listens to in full; one GPU call (ZeroGPU lends a GPU per call for a limited time) and the
# 48 kHz stereo decode stay short; and the latent picture keeps one column per frame or two.
SONG_DURATION = Number("music_generation.song.duration", low=10, high=60, default=30, step=5, info=True, named=True)
LANGUAGE = Choice("music_generation.song.language", choices=LANGUAGES, default="en", names=LANGUAGE_NAMES,
                  labels="music_generation.song.language", translated=EXPERIMENTAL, dropdown=True, info=True,
                  named=True)
# The turbo checkpoint was distilled for 8 steps; fewer let the noise show, more change little. A
# base or SFT checkpoint (through LAB_MODEL_MUSIC_SONG) wants 30 to 60.
SONG_STEPS = Number("music_generation.song.steps", low=1, high=60, default=8, step=1, integer=True, info=True,
                    named=True)
SONG_SEED = Seed("music_generation.song.seed", info=True, named=True)

# The words of the song part of the page, for ui.py: named here so that the page and the tests use
# the same keys.
HEADING = "music_generation.song.heading"
INTRO = "music_generation.song.intro"
EXPLAIN = "music_generation.song.explain"
LICENCE = "music_generation.song.licence"
RUN = "music_generation.song.run"
AUDIO = "music_generation.song.audio"
LATENTS = "music_generation.song.latents"
LATENTS_EXPLAIN = "music_generation.song.latents.explain"
HINT_NO_GPU = "music_generation.song.hint.no_gpu"


@dataclass(frozen=True)
class Song:
    """What to sing, checked (``check_song``)."""

    prompt: str  # the style: genre, instruments, voice, mood, tempo
    lyrics: str  # with section tags such as [verse] and [chorus]
    seconds: float
    language: str  # a code of LANGUAGES
    steps: int
    seed: int


@dataclass
class SongProgress:
    step: int  # steps done, 1..total
    total: int
    latents: np.ndarray  # (channels, frames) float32: the whole song's latent after this step


@dataclass
class SongResult:
    audio: np.ndarray  # (2, samples) float32: stereo, as the pipeline returns it (peak at −1 dBFS)
    rate: int  # the VAE's sampling rate (48 kHz)
    latents: np.ndarray  # (channels, frames): the latent that was decoded
    seed: int
    steps_done: int
    steps_total: int
    stopped: bool
    language: str

    @property
    def seconds(self) -> float:
        return self.audio.shape[1] / self.rate


# ---------------------------------------------------------------- hardware and the model


def cpu_allowed() -> bool:
    return os.environ.get(CPU_VARIABLE, "").strip() == "1"


def can_sing() -> bool:
    """Whether the page offers the song at all: on a GPU, or on a CPU where it is asked for."""
    return on_gpu() or cpu_allowed()


def placement(memory_gib: float | None) -> str:
    """Where the pipeline goes on a GPU of ``memory_gib``: "resident" (every part stays on it),
    "offload" (each part moves there only while it runs) or "refuse"; None (no CUDA memory to
    read, e.g. Apple's MPS) keeps every part on the device."""
    if memory_gib is None or memory_gib >= GPU_GIB_RESIDENT:
        return "resident"
    return "offload" if memory_gib >= GPU_GIB_MIN else "refuse"


def gpu_memory_gib() -> float | None:
    import torch

    device = pick_device()
    if device.type != "cuda":
        return None
    return torch.cuda.get_device_properties(device).total_memory / GIB


def check_hardware() -> None:
    """Refuse, in words, to sing where the full-size model cannot finish in reasonable time or memory."""
    if not on_gpu():
        if not cpu_allowed():
            raise LabError("music_generation.song.error.needs_gpu")
        return
    memory = gpu_memory_gib()
    if placement(memory) == "refuse":
        raise LabError("music_generation.song.error.small_gpu", need=GPU_GIB_MIN, have=f"{memory:.0f}")


def song_dtype(device):
    """bfloat16 on a GPU: ACE-Step is published and run in it, and float16's narrower range is
    known trouble for it (its own code carries a separate float16 fix for the lyric encoder).
    float32 on a CPU, where half-precision kernels are slow or missing."""
    import torch

    return torch.float32 if device.type == "cpu" else torch.bfloat16


def load_singer():
    """The ``AceStepPipeline``, cached by shared.models (a failure becomes ``ModelUnavailable``)."""
    return models.load(SONG_KEY, _load_singer)


def _load_singer(ident: str):
    from diffusers.pipelines.ace_step import AceStepPipeline

    device = pick_device()
    # safetensors only: a repository or folder that has only pickled weights is reported missing
    # rather than unpickled.
    pipe = AceStepPipeline.from_pretrained(ident, dtype=song_dtype(device), use_safetensors=True)
    pipe.set_progress_bar_config(disable=True)
    if placement(gpu_memory_gib()) == "offload":
        pipe.enable_model_cpu_offload()
        return pipe
    return pipe.to(device)


# ---------------------------------------------------------------- the request


def check_song(prompt: object, lyrics: object, seconds: object, language: object, steps: object,
               seed: object) -> Song:
    """Every value checked in the order the page shows them, then the hardware."""
    song = Song(prompt=SONG_PROMPT.check(prompt).strip(), lyrics=LYRICS.check(lyrics).strip(),
                seconds=SONG_DURATION.check(seconds), language=LANGUAGE.check(language),
                steps=SONG_STEPS.check(steps), seed=SONG_SEED.check(seed))
    check_hardware()
    return song


def latent_frames(pipe, seconds: float) -> int:
    """Latent frames of a song of ``seconds``, as the pipeline counts them (rounded up)."""
    return math.ceil(seconds * pipe.latents_per_second)


# ---------------------------------------------------------------- singing


def pipeline_arguments(pipe, song: Song) -> dict:
    """``__call__``'s arguments for ``song``: the same for the tab and for a test that calls the
    pipeline directly. The noise comes from a CPU generator, so one seed is one song on every machine."""
    import torch

    return dict(prompt=song.prompt, lyrics=song.lyrics, audio_duration=song.seconds, vocal_language=song.language,
                num_inference_steps=song.steps, guidance_scale=1.0 if pipe.is_turbo else GUIDANCE_UNDISTILLED,
                generator=torch.Generator("cpu").manual_seed(song.seed))


def picture_of(latents) -> np.ndarray:
    """The pipeline's latent (1, frames, channels) as (channels, frames) float32: a row per channel."""
    return latents[0].detach().float().cpu().numpy().T.copy()


def sing(pipe, song: Song, stop: threading.Event | None = None) -> Iterator[SongProgress | SongResult]:
    """Yield a ``SongProgress`` after every denoising step, then the ``SongResult``."""
    if stop is not None and stop.is_set():  # stopped before the first step: nothing to decode
        raise LabError("music_generation.song.stopped_before")
    # A copy of the pipeline object shares the networks but has its own scheduler and interrupt
    # flag, so two runs never stop or reschedule each other.
    run = copy.copy(pipe)
    run.scheduler = copy.deepcopy(pipe.scheduler)
    done = 0
    last = None

    def work(hand_over: Callable[[SongProgress], bool]):
        def on_step_end(pipeline, i: int, t, tensors: dict) -> dict:
            nonlocal done, last
            done, last = i + 1, tensors["latents"]
            if not hand_over(SongProgress(done, song.steps, picture_of(last))) or (stop is not None and stop.is_set()):
                pipeline._interrupt = True  # the pipeline's own Stop: it decodes what it has and returns
            return {}  # nothing changed: the pipeline keeps its own latent

        return run(**pipeline_arguments(run, song), output_type="np", return_dict=False,
                   callback_on_step_end=on_step_end)[0]

    audio = yield from in_steps(work, name="music-song")
    yield SongResult(audio=np.asarray(audio[0], dtype=np.float32), rate=int(pipe.sample_rate),
                     latents=picture_of(last), seed=song.seed, steps_done=done, steps_total=song.steps,
                     stopped=done < song.steps, language=song.language)


def song_of(events: Iterator[SongProgress | SongResult]) -> SongResult:
    """The result of a run, whole (the API and the tests)."""
    return final(events, SongResult, "music_generation.song.stopped_before")


def summary(result: SongResult) -> dict:
    """What the API returns beside the file."""
    channels, frames = result.latents.shape
    return {"sample_rate": result.rate, "channels": int(result.audio.shape[0]), "duration_s": round(result.seconds, 3),
            "latent_frames": int(frames), "latent_channels": int(channels), "language": result.language,
            "steps_done": result.steps_done, "steps_total": result.steps_total, "stopped": result.stopped,
            "seed": result.seed}


def describe(result: SongResult) -> str:
    """The line under the player, in the reader's language."""
    channels, frames = result.latents.shape
    values = dict(seconds=number(result.seconds), seed=result.seed, frames=frames, channels=channels,
                  done=result.steps_done, total=result.steps_total)
    if result.stopped:
        return message("music_generation.song.stopped", **values)
    return message("music_generation.song.done", **values)
