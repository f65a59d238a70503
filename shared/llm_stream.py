"""Load a causal language model, stream its output token by token, and stop it for real.

``model.generate`` runs in a thread and hands text to a ``TextIteratorStreamer``; the caller
iterates over the growing text. Gradio's ``cancels=`` only stops the iterating generator, not
the thread, so a ``StoppingCriteria`` watches a ``threading.Event``: setting it (the Stop
button, a closed browser tab, an error) ends ``generate`` after the current token. The
streamer has a timeout, so a ``generate`` that dies in its thread cannot hang the request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from queue import Empty
from typing import Iterator

import torch

STREAM_TIMEOUT_S = 120.0  # longest wait for one token (a cold GPU, a slow CPU), not for the whole reply


def load_causal_lm(ident: str):
    """(model, tokenizer) from a Hub id or a local folder: half precision on a GPU, in eval mode."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from shared.device import pick_device, pick_dtype

    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(ident)
    model = AutoModelForCausalLM.from_pretrained(ident, dtype=pick_dtype(device)).to(device).eval()
    return model, tokenizer


def sampling_settings(temperature: float, **limits: float) -> dict:
    """``generate``'s arguments for ``temperature``: sampling (with ``limits`` such as top_k and
    top_p) above 0, greedy decoding at 0, which transformers refuses to combine with sampling."""
    if temperature > 0:
        return dict(do_sample=True, temperature=temperature, **limits)
    return dict(do_sample=False)


@dataclass
class StreamStats:
    """What a finished (or running) generation cost: tokens, seconds, and why it ended."""

    prompt_tokens: int
    new_tokens: int = 0
    seconds: float = 0.0
    first_token_seconds: float | None = None
    stopped: bool = False  # ended by the stop event rather than by EOS or max_new_tokens
    started: float = field(default_factory=time.perf_counter, repr=False)

    @property
    def tokens_per_second(self) -> float:
        return self.new_tokens / self.seconds if self.seconds > 0 else 0.0


def _stop_criteria_class():
    from transformers import StoppingCriteria

    class StopOnEvent(StoppingCriteria):
        """Ends generation once ``event`` is set; also counts the new tokens as they come."""

        def __init__(self, event: threading.Event, stats: StreamStats):
            self.event, self.stats = event, stats

        def __call__(self, input_ids: torch.LongTensor, scores, **kwargs) -> torch.BoolTensor:
            self.stats.new_tokens = int(input_ids.shape[1]) - self.stats.prompt_tokens
            if self.stats.first_token_seconds is None:
                self.stats.first_token_seconds = time.perf_counter() - self.stats.started
            stop = self.event.is_set()
            self.stats.stopped = self.stats.stopped or stop
            return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)

    return StopOnEvent


def stream_generate(model, tokenizer, input_ids: torch.Tensor, stop_event: threading.Event, *,
                    timeout: float = STREAM_TIMEOUT_S, **generation_kwargs) -> Iterator[tuple[str, StreamStats]]:
    """Yield ``(text so far, stats)`` while ``model.generate`` writes the continuation of ``input_ids``.

    ``generation_kwargs`` go to ``generate`` (max_new_tokens, do_sample, temperature…); without a
    ``pad_token_id`` the tokenizer's is used, or its end-of-text token when it has none (GPT-2).
    Leaving the loop early (``break``, a cancelled request) sets ``stop_event``, so the thread
    ends within one token. An exception raised inside ``generate`` is re-raised here.
    """
    from transformers import StoppingCriteriaList, TextIteratorStreamer

    if generation_kwargs.get("pad_token_id") is None:
        generation_kwargs["pad_token_id"] = (tokenizer.pad_token_id if tokenizer.pad_token_id is not None
                                             else tokenizer.eos_token_id)

    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=timeout)
    stats = StreamStats(prompt_tokens=int(input_ids.shape[1]))
    criteria = StoppingCriteriaList([_stop_criteria_class()(stop_event, stats)])
    failures: list[BaseException] = []

    def run() -> None:
        try:
            model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), streamer=streamer,
                           stopping_criteria=criteria, **generation_kwargs)
        except BaseException as exc:  # handed to the consumer below, which owns the error handling
            failures.append(exc)
            streamer.end()  # wakes the consumer instead of letting it wait for the timeout

    thread = threading.Thread(target=run, name="llm-generate", daemon=True)
    thread.start()
    text = ""
    try:
        for piece in streamer:
            text += piece
            stats.seconds = time.perf_counter() - stats.started
            yield text, stats
    except Empty:
        raise TimeoutError(f"no token within {timeout:g} s") from None
    finally:
        # Normal end: the thread has finished and this changes nothing. Early exit: stop it.
        if thread.is_alive():
            stop_event.set()
        thread.join(timeout=timeout)
    stats.seconds = time.perf_counter() - stats.started
    if failures:
        raise failures[0]
    yield text, stats


class StopSignals:
    """One stop event per browser session, so the Stop button ends that visitor's generation only."""

    def __init__(self) -> None:
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def start(self, session: str) -> threading.Event:
        """A fresh event for a new generation of ``session`` (an older one is stopped)."""
        event = threading.Event()
        with self._lock:
            previous = self._events.get(session)
            if previous is not None:
                previous.set()
            self._events[session] = event
        return event

    def stop(self, session: str) -> bool:
        """Ask the running generation of ``session`` to stop; False when none is running."""
        with self._lock:
            event = self._events.get(session)
        if event is None:
            return False
        event.set()
        return True

    def finish(self, session: str, event: threading.Event) -> None:
        with self._lock:
            if self._events.get(session) is event:
                del self._events[session]


def session_of(request) -> str:
    """The key of a Gradio request's browser session ("" outside a request)."""
    return getattr(request, "session_hash", None) or ""
