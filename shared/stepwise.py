"""A computation that reports its steps from inside a library call, as a generator.

diffusers' pipelines run their whole loop inside ``__call__`` and report each step to a callback
(``callback_on_step_end``). A Gradio handler wants a generator instead, to stream every step to
the page and to stop between two of them. ``in_steps`` runs the call in a thread, in lockstep
with the generator: the image and the video tabs both denoise this way. ``final`` takes a run's
result from such a generator when only the result is wanted (an API call).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterable
from typing import TypeVar

from shared.errors import LabError

T = TypeVar("T")


def in_steps(work: Callable[[Callable[[T], bool]], object], *, name: str) -> Generator[T, None, object]:
    """Run ``work(hand_over)`` in a thread called ``name``, as a generator that returns what ``work``
    returns.

    Each ``hand_over(event)`` in the thread yields ``event`` here and waits until the next
    event is asked for, so the work goes no further than its consumer (a Stop set after one
    step lands before the next). ``hand_over`` returns False once the consumer has gone (the
    generator was closed), for the work to end early. An exception inside ``work`` is raised here.
    """
    events: queue.Queue = queue.Queue()
    resume = threading.Semaphore(0)
    gone = threading.Event()

    def hand_over(event: T) -> bool:
        events.put(("event", event))
        resume.acquire()
        return not gone.is_set()

    def target() -> None:
        try:
            events.put(("done", work(hand_over)))
        except BaseException as error:  # handed to the consumer, which owns the error handling
            events.put(("error", error))

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    try:
        while True:
            kind, value = events.get()
            if kind == "error":
                raise value
            if kind == "done":
                return value
            yield value
            resume.release()
    finally:
        if thread.is_alive():  # the consumer left early: let the work skip its remaining steps
            gone.set()
            resume.release()
            thread.join()


def final(events: Iterable, kind: type, stopped: str):
    """The first event of type ``kind`` (a run's result) among ``events`` (its progress, then the
    result), consuming them; ``LabError(stopped)`` where the run ended without one (it was stopped)."""
    for event in events:
        if isinstance(event, kind):
            return event
    raise LabError(stopped)
