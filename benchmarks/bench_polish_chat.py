"""Tokens per second and time to the first token of the chat tab's Polish CPU model, alone and side
by side with the small Qwen, through the running app, with random weights of the full-size
architectures (the same arithmetic as the real weights; they cannot be downloaded here).
Run: ``python benchmarks/bench_polish_chat.py [--tokens 96]``.

The architectures: Qwen2.5-0.5B-Instruct from its published config (hidden 896, 24 layers, 14
heads, 2 key-value heads, MLP 4864, vocabulary 151 936, tied embeddings); Bielik-1.5B-v3.0-Instruct
as a third-party reimplementation reads it (qooba/bielik-anatomy-triton: Llama layout with biases
in attention and MLP, hidden 1536, 32 layers, 12 heads, 2 key-value heads, MLP 8960, vocabulary
32 000, separate output layer), since its own config.json could not be read here. The tokenizer
is a word-level stand-in with the same vocabulary size: the prompt is about as long as a short
Polish question with the system prompt.
"""

import argparse
import os
import re
import tempfile
import time
from pathlib import Path

import measure
import psutil
import torch

CHAT_TEMPLATE = ("{% for message in messages %}<|{{ message['role'] }}|> {{ message['content'] }} <|end|> "
                 "{% endfor %}{% if add_generation_prompt %}<|assistant|> {% endif %}")


def word_tokenizer(vocab_size: int):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["<unk>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|pad|>"]
    vocab = {token: i for i, token in enumerate(specials + [f"w{n}" for n in range(vocab_size - len(specials))])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", eos_token="<|end|>",
                                        pad_token="<|pad|>")
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def save_full_size(folder: Path, family: str) -> Path:
    from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

    if family == "qwen":
        tokenizer = word_tokenizer(151936)
        config = Qwen2Config(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
                             num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
                             rope_theta=1e6, tie_word_embeddings=True)
        cls = Qwen2ForCausalLM
    else:
        tokenizer = word_tokenizer(32000)
        config = LlamaConfig(vocab_size=32000, hidden_size=1536, intermediate_size=8960, num_hidden_layers=32,
                             num_attention_heads=12, num_key_value_heads=2, max_position_embeddings=8192,
                             rope_theta=1e6, rms_norm_eps=1e-6, attention_bias=True, mlp_bias=True,
                             tie_word_embeddings=False)
        cls = LlamaForCausalLM
    config.eos_token_id, config.pad_token_id = tokenizer.eos_token_id, tokenizer.pad_token_id
    torch.manual_seed(0)
    model = cls(config)
    print(f"{family}: {sum(p.numel() for p in model.parameters()) / 1e9:.2f} B parameters")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    del model
    return folder


def text_of(content) -> str:
    """The text of a streamed chat message: a string, or Gradio's list of content blocks."""
    if isinstance(content, list):
        return "".join(block.get("text", "") for block in content if isinstance(block, dict))
    return content or ""


def first_token_and_final(client, *args, api_name):
    """Seconds to the first streamed piece of reply text, and the last output."""
    started = time.perf_counter()
    job = client.submit(*args, api_name=api_name)
    first = None
    while not job.done():
        outputs = job.outputs()
        if first is None and outputs and outputs[-1][0] and text_of(outputs[-1][0][-1]["content"]):
            first = time.perf_counter() - started
        time.sleep(0.05)
    return first, job.result(), time.perf_counter() - started


def main() -> None:
    from gradio_client import Client

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=96)
    args = parser.parse_args()
    measure.print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LAB_MODEL_CHAT"] = str(save_full_size(Path(tmp) / "qwen", "qwen"))
        os.environ["LAB_MODEL_CHAT_BIELIK_SMALL"] = str(save_full_size(Path(tmp) / "bielik", "bielik"))
        from app import build_app, launch_kwargs

        app = build_app(["chat"])
        app.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs())
        client = Client(app.local_url, verbose=False)
        question = "Czym jest sieć neuronowa i do czego służy w multimediach? Odpowiedz krótko."
        for n in range(2):
            what = "first call, loads the model" if n == 0 else "next call"
            first, (_, stats, _), total = first_token_and_final(
                client, question, [], "", "chat_bielik_small", 0.7, 0.9, args.tokens, api_name="/chat")
            print(f"/chat Bielik-1.5B, {what}: first text after {first:.2f} s, whole reply {total:.1f} s; "
                  f"the tab's line: {re.sub(r'[*_]', '', stats)}")
        for n in range(2):
            started = time.perf_counter()
            out = client.predict(message=question, model_a="chat", model_b="chat_bielik_small",
                                 max_new_tokens=args.tokens, api_name="/chat_compare")
            print(f"/chat_compare Qwen-0.5B + Bielik-1.5B ({'loads' if n == 0 else 'loaded'}): "
                  f"{time.perf_counter() - started:.1f} s; " + "; ".join(
                      f"{side['model'].split('/')[-1]}: {side['tokens']} tokens, {side['tokens_per_second']} tokens/s, "
                      f"first token {side['first_token_seconds']} s" for side in out.values()))
        print(f"RSS {psutil.Process().memory_info().rss / 2**30:.2f} GiB")
        app.close()


if __name__ == "__main__":
    main()
