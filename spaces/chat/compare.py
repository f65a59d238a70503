"""Two chat models answering one message at once, as arena leaderboards show them.

Each model writes in its own thread (``shared.llm_stream``); this module pulls both streams at
the same time and hands on every new piece of text as it comes, tagged with its side, so both
answers grow next to each other. Each side has its own Stop event; leaving early stops both.
The blind mode's order is drawn here too: which chosen model writes on the left.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from queue import Empty, Queue

from shared.errors import LabError
from shared.llm_stream import STREAM_TIMEOUT_S, StreamStats

SIDES = ("left", "right")
_FINISHED = object()


@dataclass
class Piece:
    side: str
    text: str  # the side's whole answer so far
    stats: StreamStats
    finished: bool = False  # the side's last piece: its answer is complete (or stopped)


@dataclass(frozen=True)
class PairRequest:
    text: str
    model_a: str
    model_b: str
    system_prompt: str  # "" for the tab's default role
    temperature: float
    top_p: float
    max_new_tokens: int


def check_request(text: object, model_a: object, model_b: object, system_prompt: object, temperature: object,
                  top_p: object, max_new_tokens: object) -> PairRequest:
    """One message for two different models this server can run, with the sampling settings."""
    from chat import chat_model, controls

    text = controls.MESSAGE.check(text)
    model_a, model_b = controls.MODEL_A.check(model_a), controls.MODEL_B.check(model_b)
    if model_a == model_b:
        raise LabError("chat.compare.same_model")
    for choice in (model_a, model_b):
        chat_model.check_available(choice)
    return PairRequest(text, model_a, model_b, controls.SYSTEM.check(system_prompt).strip(),
                       controls.TEMPERATURE.check(temperature), controls.TOP_P.check(top_p),
                       controls.COMPARE_TOKENS.check(max_new_tokens))


def answers(request: PairRequest, seats: dict[str, str], stops: dict[str, threading.Event],
            default_system: str) -> Iterator[Piece]:
    """Both models' answers to the request's message, as ``interleave`` hands them on."""
    from chat import chat_model
    from chat.conversation import build_messages, context_limit, encode
    from shared.llm_stream import stream_reply

    streams = {}
    for side, choice in seats.items():
        model, tokenizer = chat_model.get(choice)
        limit = context_limit(getattr(model.config, "max_position_embeddings", None), request.max_new_tokens)
        messages = build_messages(request.system_prompt or default_system, [], request.text)
        streams[side] = stream_reply(model, tokenizer, encode(tokenizer, messages, limit).input_ids, stops[side],
                                     temperature=request.temperature, top_p=request.top_p,
                                     max_new_tokens=request.max_new_tokens)
    yield from interleave(streams, stops)


def seat(model_a: str, model_b: str, blind: bool, rng: random.Random | None = None) -> dict[str, str]:
    """Which model writes on which side: as chosen, or in a random order when the names are hidden
    (else the visitor would know the left one is the model chosen first)."""
    order = [model_a, model_b]
    if blind:
        (rng or random.SystemRandom()).shuffle(order)
    return dict(zip(SIDES, order, strict=True))


def interleave(streams: dict[str, Iterator[tuple[str, StreamStats]]],
               stops: dict[str, threading.Event]) -> Iterator[Piece]:
    """Every piece of every stream as soon as it is written, each side ending with a finished
    piece. An error on either side is raised here, and ends the other side too."""
    pieces: Queue = Queue()

    def pump(side: str, stream: Iterator[tuple[str, StreamStats]]) -> None:
        last = None
        try:
            for last in stream:
                pieces.put((side, last))
            pieces.put((side, (_FINISHED, last)))
        except BaseException as exc:  # handed to the consumer, which raises it
            pieces.put((side, exc))

    threads = [threading.Thread(target=pump, args=(side, stream), name=f"compare-{side}", daemon=True)
               for side, stream in streams.items()]
    for thread in threads:
        thread.start()
    running = set(streams)
    try:
        while running:
            try:
                side, item = pieces.get(timeout=STREAM_TIMEOUT_S + 10)
            except Empty:
                raise LabError("shared.llm.timeout", seconds=f"{STREAM_TIMEOUT_S:g}") from None
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, tuple) and item and item[0] is _FINISHED:
                running.discard(side)
                text, stats = item[1]
                yield Piece(side, text, stats, finished=True)
            else:
                yield Piece(side, *item)
    finally:
        if running:  # left early or failed: the sides still writing stop within a token
            for side in running:
                stops[side].set()
        for thread in threads:
            thread.join(timeout=STREAM_TIMEOUT_S)
