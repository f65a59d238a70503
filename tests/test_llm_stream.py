"""shared.llm_stream, the streaming behind the text generation, chat and comparison tabs: what it
streams against what ``generate`` writes in one go, the figures it reports (tokens, seconds, the
first token's wait), and the precision it loads a model in."""

from __future__ import annotations

import threading
import time

import pytest
import tiny_text_models
import torch

from shared.device import pick_dtype
from shared.llm_stream import load_causal_lm, stream_generate, stream_reply


@pytest.fixture(scope="module")
def chat_folder(tmp_path_factory):
    """Sharp enough that greedy decoding writes ordinary tokens (see save_tiny_chat_model)."""
    return tiny_text_models.save_tiny_chat_model(tmp_path_factory.mktemp("stream_chat"), initializer_range=0.2)


@pytest.fixture(scope="module")
def chat_lm(chat_folder):
    return load_causal_lm(str(chat_folder))


def generated_in_one_go(model, input_ids, **settings):
    with torch.no_grad():
        out = model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), do_sample=False,
                             **settings)
    return out[0, input_ids.shape[1]:]


@pytest.mark.parametrize("cpu_bfloat16", [False, True])
def test_the_model_is_loaded_in_the_precision_the_device_asks_for_and_in_eval_mode(chat_folder, cpu_bfloat16):
    model, tokenizer = load_causal_lm(str(chat_folder), cpu_bfloat16=cpu_bfloat16)
    # bfloat16 where this CPU computes it natively (AVX-512 BF16 or AMX), float32 elsewhere
    assert next(model.parameters()).dtype == pick_dtype(torch.device("cpu"), cpu_bfloat16=cpu_bfloat16)
    assert not model.training and tokenizer.eos_token == "<|end|>"


def test_the_stats_count_the_prompt_and_the_new_tokens_and_time_the_first_one(chat_lm):
    model, tokenizer = chat_lm
    ids = tokenizer("<|user|>hello there<|assistant|>")["input_ids"]
    expected = generated_in_one_go(model, torch.tensor([ids]), max_new_tokens=9, min_new_tokens=9)
    started = time.perf_counter()
    *_, (text, stats) = stream_reply(model, tokenizer, ids, threading.Event(), temperature=0.0, max_new_tokens=9,
                                     min_new_tokens=9)
    took = time.perf_counter() - started
    assert stats.prompt_tokens == len(ids) and stats.new_tokens == len(expected) == 9
    assert stats.first_token_seconds is not None and 0 < stats.first_token_seconds <= stats.seconds <= took
    assert stats.tokens_per_second == pytest.approx(9 / stats.seconds) and not stats.stopped
    assert text == tokenizer.decode(expected, skip_special_tokens=True)


def test_special_tokens_the_model_writes_are_not_streamed(chat_lm):
    model, tokenizer = chat_lm
    input_ids = torch.tensor([tokenizer("<|user|>hi<|assistant|>")["input_ids"]])
    # forced to end on its end-of-text token, a special token
    settings = dict(max_new_tokens=5, forced_eos_token_id=tokenizer.eos_token_id)
    expected = generated_in_one_go(model, input_ids, **settings)
    assert int(expected[-1]) == tokenizer.eos_token_id
    *_, (text, _) = stream_generate(model, tokenizer, input_ids, threading.Event(), do_sample=False, **settings)
    assert "<|end|>" not in text and text == tokenizer.decode(expected, skip_special_tokens=True)


def test_every_prompt_token_is_read_even_the_padding_token(chat_lm):
    """The prompt is never padded, so all of it is attended to: transformers would otherwise guess
    a mask from the padding token, which a visitor may well have typed."""
    model, tokenizer = chat_lm
    ids = tokenizer("<|user|>a<|pad|>b<|pad|><|assistant|>")["input_ids"]
    assert tokenizer.pad_token_id in ids
    input_ids = torch.tensor([ids])
    expected = generated_in_one_go(model, input_ids, max_new_tokens=8)
    with torch.no_grad():
        guessed_mask = model.generate(input_ids=input_ids, do_sample=False, max_new_tokens=8,
                                      pad_token_id=tokenizer.pad_token_id)[0, len(ids):]
    assert not torch.equal(guessed_mask, expected)  # the guessed mask does change the reply
    *_, (text, _) = stream_generate(model, tokenizer, input_ids, threading.Event(), do_sample=False, max_new_tokens=8)
    assert text == tokenizer.decode(expected, skip_special_tokens=True)


def test_a_stop_mid_reply_is_counted_as_stopped_with_the_tokens_so_far(chat_lm):
    model, tokenizer = chat_lm
    ids = tokenizer("<|user|>tell me more<|assistant|>")["input_ids"]
    stop = threading.Event()
    started = time.perf_counter()
    for _, stats in stream_reply(model, tokenizer, ids, stop, temperature=0.0, max_new_tokens=40, min_new_tokens=40):
        assert 0 < stats.seconds <= time.perf_counter() - started  # the time so far, shown while it streams
        if stats.new_tokens >= 3:
            stop.set()
    assert stats.stopped and 3 <= stats.new_tokens < 40
