"""Tiny language models of the classes the text tabs load, built and saved inside the tests.

Random weights and small configurations: they load through exactly the same code as the real
checkpoints (``from_pretrained`` on a folder), so the tests exercise the production path
without any download. The tokenizers are trained on the fly with the ``tokenizers`` library.
"""

from __future__ import annotations

from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

CORPUS = [
    "Ala ma kota. Kot ma Alę. Ala ma psa i kota.",
    "The cat sat on the mat. The dog sat on the log.",
    "I really love this hardware, I can always trust your solutions!!!",
    "This was a horrible night. Definitely do not go to that hotel.",
    "Bardzo polecam ten hotel, obsługa była świetna. Nie polecam, było okropnie.",
    "Deep learning in multimedia: text, images, sound and video.",
    "Once upon a time there was a small language model that predicted the next word.",
]

CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def _byte_level_bpe(vocab_size: int, special_tokens: list[str]) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=special_tokens,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(CORPUS * 20, trainer=trainer)
    return tokenizer


def save_tiny_gpt2(folder: Path, n_positions: int = 64) -> Path:
    """A two-layer GPT-2 with a byte-level BPE tokenizer of a few hundred tokens."""
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    backend = _byte_level_bpe(400, ["<|endoftext|>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<|endoftext|>",
                                        eos_token="<|endoftext|>", unk_token="<|endoftext|>")
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=n_positions, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    GPT2LMHeadModel(config).save_pretrained(folder)
    return folder


# The chat models' families: the small Qwen (Qwen2), Bielik 1.5B v3 (Llama layout with biases),
# Bielik 11B and PLLuM 12B (Mistral).
CHAT_FAMILIES = ("qwen2", "llama", "mistral")


def save_tiny_chat_model(folder: Path, initializer_range: float = 0.02, family: str = "qwen2",
                         positions: int = 1024) -> Path:
    """A two-layer chat model of ``family`` (Qwen2 by default, the class of the default chat model)
    with a chat template.

    A larger ``initializer_range`` gives sharper next-token distributions: with the default, greedy
    decoding repeats the last special token of the prompt (tied embeddings), an empty reply."""
    from transformers import (
        LlamaConfig,
        LlamaForCausalLM,
        MistralConfig,
        MistralForCausalLM,
        PreTrainedTokenizerFast,
        Qwen2Config,
        Qwen2ForCausalLM,
    )

    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|pad|>"]
    backend = _byte_level_bpe(400, specials)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|end|>", pad_token="<|pad|>",
                                        unk_token="<|pad|>")
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    shape = dict(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                 num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=positions,
                 eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
                 initializer_range=initializer_range)
    if family == "qwen2":
        model = Qwen2ForCausalLM(Qwen2Config(**shape, tie_word_embeddings=True))
    elif family == "llama":
        model = LlamaForCausalLM(LlamaConfig(**shape, attention_bias=True, mlp_bias=True, tie_word_embeddings=False))
    elif family == "mistral":
        model = MistralForCausalLM(MistralConfig(**shape, head_dim=16, sliding_window=None, tie_word_embeddings=False))
    else:
        raise ValueError(f"no tiny chat model of the family {family!r}; choose one of {CHAT_FAMILIES}")
    model.save_pretrained(folder)
    return folder


def save_tiny_sentiment_model(folder: Path, labels=("negative", "neutral", "positive")) -> Path:
    """A two-layer BERT sequence classifier with three sentiment labels and a WordPiece tokenizer."""
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    backend = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    backend.normalizer = normalizers.BertNormalizer(lowercase=True)
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=300, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]"],
                                        show_progress=False)
    backend.train_from_iterator(CORPUS * 20, trainer=trainer)
    cls_id, sep_id = backend.token_to_id("[CLS]"), backend.token_to_id("[SEP]")
    backend.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
                                                           special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]",
                                        cls_token="[CLS]", sep_token="[SEP]", model_max_length=64)
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={label: i for i, label in enumerate(labels)})
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


_installed: dict[str, str] = {}


def install(base: Path) -> dict[str, str]:
    """Build the tiny models once per test session and point every text tab's variable at them."""
    import os

    if not _installed:
        gpt2 = save_tiny_gpt2(base / "gpt2")
        chat = save_tiny_chat_model(base / "chat")
        bielik_like = save_tiny_chat_model(base / "chat-llama", family="llama")
        sentiment = save_tiny_sentiment_model(base / "sentiment")
        _installed.update({"LAB_MODEL_TEXT_GENERATION": str(gpt2), "LAB_MODEL_TEXT_GENERATION_PL": str(gpt2),
                           "LAB_MODEL_CHAT": str(chat), "LAB_MODEL_CHAT_BIELIK_SMALL": str(bielik_like),
                           "LAB_MODEL_SENTIMENT_EN": str(sentiment),
                           "LAB_MODEL_SENTIMENT_PL": str(sentiment)})
    os.environ.update(_installed)
    return dict(_installed)
