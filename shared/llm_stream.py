"""Load a causal language model, stream its output token by token, and stop it for real.

``model.generate`` runs in a thread and hands text to a ``TextIteratorStreamer``; the caller
iterates over the growing text. Gradio's ``cancels=`` only stops the iterating generator, not
the thread, so a ``StoppingCriteria`` watches a ``threading.Event`` (the tab's
``shared.run_control.StopSignals``): setting it (the Stop button, a closed browser tab, an
error) ends ``generate`` after the current token. The streamer has a timeout, so a
``generate`` that dies in its thread cannot hang the request.

torch and transformers are imported inside the functions: a tab's module that lists its models
imports this one while the page is built, and building the page must stay light.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from queue import Empty

from shared.errors import LabError

STREAM_TIMEOUT_S = 120.0  # longest wait for one token (a cold GPU, a slow CPU), not for the whole reply


def load_causal_lm(ident: str, *, cpu_bfloat16: bool = False):
    """(model, tokenizer) from a Hub id or a local folder: half precision on a GPU (and, with
    ``cpu_bfloat16``, bfloat16 on a CPU that computes it natively; see ``pick_dtype``), in eval mode."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from shared.device import pick_device, pick_dtype

    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(ident)
    dtype = pick_dtype(device, cpu_bfloat16=cpu_bfloat16)
    model = AutoModelForCausalLM.from_pretrained(ident, dtype=dtype).to(device).eval()
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
    import torch
    from transformers import StoppingCriteria

    class StopOnEvent(StoppingCriteria):
        """Ends generation once ``event`` is set; also counts the new tokens as they come."""

        def __init__(self, event: threading.Event, stats: StreamStats):
            self.event, self.stats = event, stats

        def __call__(self, input_ids, scores, **kwargs):
            self.stats.new_tokens = int(input_ids.shape[1]) - self.stats.prompt_tokens
            if self.stats.first_token_seconds is None:
                self.stats.first_token_seconds = time.perf_counter() - self.stats.started
            stop = self.event.is_set()
            self.stats.stopped = self.stats.stopped or stop
            return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)

    return StopOnEvent


def stream_generate(model, tokenizer, input_ids, stop_event: threading.Event, *,
                    timeout: float = STREAM_TIMEOUT_S, **generation_kwargs) -> Iterator[tuple[str, StreamStats]]:
    """Yield ``(text so far, stats)`` while ``model.generate`` writes the continuation of ``input_ids``.

    ``generation_kwargs`` go to ``generate`` (max_new_tokens, do_sample, temperature…); without a
    ``pad_token_id`` the tokenizer's is used, or its end-of-text token when it has none (GPT-2).
    Leaving the loop early (``break``, a cancelled request) sets ``stop_event``, so the thread
    ends within one token. An exception raised inside ``generate`` is re-raised here.
    """
    import torch
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
        raise LabError("shared.llm.timeout", seconds=f"{timeout:g}") from None
    finally:
        # Normal end: the thread has finished and this changes nothing. Early exit: stop it.
        if thread.is_alive():
            stop_event.set()
        thread.join(timeout=timeout)
    stats.seconds = time.perf_counter() - stats.started
    if failures:
        raise failures[0]
    yield text, stats


def stream_reply(model, tokenizer, ids: list[int], stop_event: threading.Event, *, temperature: float,
                 max_new_tokens: int, seed: int | None = None, **limits) -> Iterator[tuple[str, StreamStats]]:
    """``stream_generate`` for a prompt of token ids with the sampling settings of ``temperature``
    (``limits``: top_k, top_p), the draws repeatable with ``seed`` where one is given."""
    import torch

    if seed is not None:
        torch.manual_seed(seed)
    input_ids = torch.tensor([ids], device=next(model.parameters()).device)
    return stream_generate(model, tokenizer, input_ids, stop_event, max_new_tokens=max_new_tokens,
                           **sampling_settings(temperature, **limits))
