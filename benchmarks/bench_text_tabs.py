"""Speed and memory of the three text tabs (Text generation, Chat, Sentiment) with the real models.

Not a test: it prints numbers for the README. Needs the models in the local Hugging Face cache
(or network); a model that cannot be loaded is reported and skipped.

    python benchmarks/bench_text_tabs.py [--tokens 64] [--repeats 3]
"""

import argparse
import os
import platform
import statistics
import threading
import time
from collections import deque

import psutil
import torch

from shared.device import pick_device
from shared.llm_stream import stream_generate
from shared.models import ModelUnavailable


def rss_gb() -> float:
    return psutil.Process().memory_info().rss / 1e9


def load_timed(label: str, get, name: str):
    """``get(name)``'s model and tokenizer with the seconds it took to load them, or None once a model
    that cannot be loaded is reported: the other models are still worth measuring."""
    started = time.perf_counter()
    try:
        model, tokenizer = get(name)
    except ModelUnavailable as exc:
        print(f"{label}: not available ({str(exc)[:120]})")
        return None
    return model, tokenizer, time.perf_counter() - started


def bench_next_tokens(repeats: int) -> None:
    from text_generation import language_model, next_token

    for choice in language_model.CHOICES:
        loaded = load_timed(f"next_tokens {choice}", language_model.get, choice)
        if loaded is None:
            continue
        model, tokenizer, load_s = loaded
        ids = next_token.encode_prompt(tokenizer, "Ala ma kota, a kot ma", 512).ids
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            next_token.next_tokens(model, tokenizer, ids, temperature=0.8, top_k=50, top_p=0.95, shown=10)
            times.append(time.perf_counter() - started)
        print(f"next_tokens {choice}: load {load_s:.1f} s, one distribution {1000 * statistics.median(times):.0f} ms "
              f"(median of {repeats}), RSS {rss_gb():.2f} GB")
        ids_t = torch.tensor([ids], device=next(model.parameters()).device)
        room = next_token.context_limit(model, cap=10**9) - len(ids)  # never past the model's positions
        _report_stream(f"generate {choice}", model, tokenizer, ids_t, tokens=min(64, room))


def _report_stream(name, model, tokenizer, input_ids, tokens=64, **kwargs) -> None:
    stream = stream_generate(model, tokenizer, input_ids, threading.Event(), max_new_tokens=tokens,
                             min_new_tokens=tokens, do_sample=False, **kwargs)
    _, stats = deque(stream, maxlen=1)[0]  # the stats of the finished generation
    decode = (stats.new_tokens - 1) / max(1e-9, stats.seconds - (stats.first_token_seconds or 0))
    print(f"{name}: {stats.new_tokens} tokens in {stats.seconds:.1f} s, first token {stats.first_token_seconds:.2f} s, "
          f"decode {decode:.1f} tokens/s, RSS {rss_gb():.2f} GB")


def bench_chat(tokens: int) -> None:
    from chat import chat_model
    from chat.conversation import build_messages, context_limit, encode

    loaded = load_timed("chat", chat_model.get, "chat")
    if loaded is None:
        return
    model, tokenizer, load_s = loaded
    print(f"chat: load {load_s:.1f} s")
    limit = context_limit(getattr(model.config, "max_position_embeddings", None), tokens)  # as the tab reads it
    encoded = encode(tokenizer, build_messages("You are a helpful assistant.", [], "Czym jest sieć neuronowa?"), limit)
    _report_stream("chat reply", model, tokenizer,
                   torch.tensor([encoded.input_ids], device=next(model.parameters()).device), tokens=tokens)


def bench_sentiment(repeats: int) -> None:
    from sentiment import classifier

    texts = {"en": "I really love this hardware, I can always trust your solutions!!!",
             "pl": "Bardzo polecam ten hotel, obsługa była świetna, a śniadania pyszne!"}
    for language, text in texts.items():
        loaded = load_timed(f"sentiment {language}", classifier.get, language)
        if loaded is None:
            continue
        model, tokenizer, load_s = loaded
        one, explain, batch = [], [], []
        for _ in range(repeats):
            started = time.perf_counter()
            probs = classifier.probabilities(model, tokenizer, [text])[0]
            one.append(time.perf_counter() - started)
            started = time.perf_counter()
            classifier.word_attribution(model, tokenizer, text)
            explain.append(time.perf_counter() - started)
            started = time.perf_counter()
            classifier.probabilities(model, tokenizer, [text] * 100)
            batch.append(time.perf_counter() - started)
        print(f"sentiment {language}: load {load_s:.1f} s, one text {1000 * statistics.median(one):.0f} ms, "
              f"with word explanation {1000 * statistics.median(explain):.0f} ms, 100 texts "
              f"{statistics.median(batch):.2f} s; answer {dict(zip(classifier.CLASSES, probs.round(3), strict=True))}; "
              f"RSS {rss_gb():.2f} GB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, device {pick_device()}, "
          f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    bench_next_tokens(args.repeats)
    bench_chat(args.tokens)
    bench_sentiment(args.repeats)


if __name__ == "__main__":
    main()
