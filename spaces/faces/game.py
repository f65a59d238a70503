"""The game "which one is generated?", with a twist: every face in it is generated.

thispersondoesnotexist.com asks nothing; games built on it show a photo beside a generated face
and ask which is which. This lab shows no photos of real people, so a round is a few faces of
nobody and the visitor marks those they take for photos. Only after the answer does the round
reveal that every face was generated, with the seeds that make them again; the session's tally
counts how many generated faces the visitor took for real.

A round's seeds stay on the server (in the session's state) until the answer, so the page cannot
give them away. Everything here is plain data; ``ui.py`` keeps a ``Game`` per browser session.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from shared.controls import SEED_MAX
from shared.errors import LabError


@dataclass(frozen=True)
class Tally:
    rounds: int = 0
    faces: int = 0
    taken_for_photos: int = 0

    @property
    def share(self) -> float:
        """The share of the faces taken for photos, 0 to 1 (0 before any round)."""
        return self.taken_for_photos / self.faces if self.faces else 0.0


@dataclass(frozen=True)
class Game:
    seeds: tuple[int, ...] = ()  # the open round's faces, in the order shown
    answered: bool = True  # no round open until the first one is dealt
    tally: Tally = Tally()


@dataclass(frozen=True)
class Reveal:
    seeds: tuple[int, ...]
    taken_for_photos: tuple[int, ...]  # the positions (0-based) the visitor marked as photos
    tally: Tally


def deal(game: Game | None, size: int, rng: random.Random | None = None) -> Game:
    """A new round of ``size`` distinct random seeds, the tally kept."""
    rng = rng or random.SystemRandom()
    tally = game.tally if game is not None else Tally()
    return Game(tuple(rng.sample(range(SEED_MAX + 1), size)), answered=False, tally=tally)


def check_marked(game: Game | None, marked: object) -> tuple[int, ...]:
    """The positions the visitor marked as photos, checked against the open round."""
    if game is None or not game.seeds:
        raise LabError("faces.game.error.no_round")
    if game.answered:
        raise LabError("faces.game.error.answered")
    if marked is None:
        return ()
    if not isinstance(marked, list | tuple):
        raise LabError("faces.game.error.unknown_face", count=len(game.seeds))
    positions = set()
    for value in marked:
        position = _position(value)
        if position is None or not 0 <= position < len(game.seeds):
            raise LabError("faces.game.error.unknown_face", count=len(game.seeds))
        positions.add(position)
    return tuple(sorted(positions))


def _position(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def answer(game: Game | None, marked: object) -> tuple[Game, Reveal]:
    """Close the open round with the visitor's answer: the round revealed, the tally counted."""
    positions = check_marked(game, marked)
    tally = Tally(game.tally.rounds + 1, game.tally.faces + len(game.seeds),
                  game.tally.taken_for_photos + len(positions))
    return replace(game, answered=True, tally=tally), Reveal(game.seeds, positions, tally)
