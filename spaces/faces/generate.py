"""What the faces tab runs, checked: a grid of faces from a seed, the same seed at several numbers
of steps, and the walk between two seeds. Each checks its values against the tab's controls before
any work starts, loads the model (cached by ``shared.models``) and runs ``denoise``; ui.py only
wires them to the page and the API, and the tests call them directly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

from faces import controls, loading
from faces.denoise import Progress, Result, denoise, seed_noise
from shared.controls import SEED_MAX
from shared.errors import LabError


@dataclass(frozen=True)
class FacesRequest:
    seed: int
    count: int
    steps: int

    @property
    def seeds(self) -> list[int]:
        return [self.seed + i for i in range(self.count)]


@dataclass(frozen=True)
class WalkRequest:
    seed_a: int
    seed_b: int
    frames: int
    steps: int


def check_faces(seed: object, count: object, steps: object) -> FacesRequest:
    """The faces of ``seed``, ``seed + 1``, … (``count`` of them), checked; the last must still be a seed."""
    count = controls.COUNT.check(count)
    seed = controls.SEED.check(seed)
    if seed + count - 1 > SEED_MAX:
        raise LabError("faces.error.last_seed", seed=seed, count=count, highest=SEED_MAX - count + 1)
    return FacesRequest(seed, count, controls.STEPS.check(steps))


def check_walk(seed_a: object, seed_b: object, frames: object, steps: object) -> WalkRequest:
    seed_a, seed_b = controls.SEED_A.check(seed_a), controls.SEED_B.check(seed_b)
    if seed_a == seed_b:
        raise LabError("faces.error.same_seeds")
    return WalkRequest(seed_a, seed_b, controls.FRAMES.check(frames), controls.WALK_STEPS.check(steps))


def faces(request: FacesRequest, stop: threading.Event | None = None, *,
          frames: int = 0) -> Iterator[Progress | Result]:
    """The request's faces, a ``Progress`` after every step, then the ``Result`` (with the first
    face's filmstrip when ``frames`` > 0)."""
    yield from seeds_faces(request.seeds, request.steps, stop, frames=frames)


def seeds_faces(seeds: list[int], steps: int, stop: threading.Event | None = None, *,
                frames: int = 0) -> Iterator[Progress | Result]:
    """The faces of these (checked) seeds, in any order, as ``faces`` yields them: the game's round."""
    pipe = loading.load_pipeline()
    yield from denoise(pipe, loading.make_scheduler(pipe), seed_noise(pipe, seeds), steps,
                       frames=frames, preview_downscale=loading.PREVIEW_DOWNSCALE, stop=stop)


def walk(request: WalkRequest, stop: threading.Event | None = None) -> Iterator[Progress | Result]:
    """The walk's faces from seed A's face to seed B's, as ``faces`` yields them."""
    from faces.walk import walk_noise

    pipe = loading.load_pipeline()
    noise, _ = walk_noise(pipe, request.seed_a, request.seed_b, request.frames)
    yield from denoise(pipe, loading.make_scheduler(pipe), noise, request.steps, stop=stop)


def steps_compared(seed: object, stop: threading.Event | None = None,
                   steps: tuple[int, ...] = loading.STEPS_COMPARED) -> Iterator[tuple[int, Progress | Result]]:
    """One seed's face after each number of ``steps``: ``(steps, event)`` pairs, each run to its
    ``Result`` before the next starts (a Stop ends the comparison)."""
    seed = controls.SEED.check(seed)
    pipe = loading.load_pipeline()
    for count in steps:
        for event in denoise(pipe, loading.make_scheduler(pipe), seed_noise(pipe, [seed]), count, stop=stop):
            yield count, event
        if stop is not None and stop.is_set():
            return
