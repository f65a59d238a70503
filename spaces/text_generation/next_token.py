"""Next-word prediction, one step at a time: what a causal language model computes for a prompt.

The model reads the prompt's token ids and returns one score (logit) per token of its
vocabulary; softmax turns them into the probability of each token coming next. Sampling
settings then reshape that distribution before a token is drawn, in the order ``generate``
applies them: temperature, top-k, top-p. *Generate* repeats the step inside ``generate``.
Everything here is plain tensors in, numbers out.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from shared.errors import LabError

# The longest prompt the explorer feeds the model: GPT-2 reads at most 1024 positions, and a
# longer prompt adds nothing to a classroom demonstration but time.
MAX_PROMPT_TOKENS = 512


@dataclass
class Prompt:
    ids: list[int]
    dropped: int  # tokens cut from the start because the prompt was too long
    limit: int  # the most tokens kept


@dataclass
class NextTokens:
    """The top of the next-token distribution, before and after the sampling settings."""

    ids: list[int]
    tokens: list[str]
    raw: list[float]  # softmax of the logits
    sampling: list[float]  # after temperature / top-k / top-p (what sampling draws from)
    raw_full: torch.Tensor  # the whole vocabulary, for checks and for drawing
    sampling_full: torch.Tensor


def context_limit(model, reserve: int = 0, cap: int = MAX_PROMPT_TOKENS) -> int:
    """How many prompt tokens fit: the model's positions minus ``reserve`` new tokens, at most ``cap``."""
    config = model.config
    positions = getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None) or cap
    return max(1, min(cap, int(positions) - reserve))


def encode_prompt(tokenizer, text: str, limit: int) -> Prompt:
    """Token ids of ``text``; when longer than ``limit``, only the last ``limit`` are kept
    (the next token depends most on the end of the text)."""
    ids = list(tokenizer(text)["input_ids"])  # with the model's own special tokens (Llama's <s>)
    dropped = max(0, len(ids) - limit)
    return Prompt(ids=ids[dropped:], dropped=dropped, limit=limit)


def read_prompt(model, tokenizer, text: str, reserve: int = 0) -> Prompt:
    """The prompt as the model reads it: its end, within the model's positions less ``reserve``
    new tokens (``dropped`` says how much was cut)."""
    prompt = encode_prompt(tokenizer, text, context_limit(model, reserve=reserve))
    if not prompt.ids:
        raise LabError("text_generation.no_tokens")
    return prompt


def token_text(tokenizer, token_id: int) -> str:
    """A token as the text it adds (a leading space included)."""
    return tokenizer.decode([token_id], skip_special_tokens=False, clean_up_tokenization_spaces=False)


def visible(text: str) -> str:
    """Spaces and line breaks made visible, so " kota" and "kota" look different in a table."""
    text = text.replace(" ", "␣").replace("\n", "⏎").replace("\t", "⇥")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text) or "∅"


def tokenization(tokenizer, ids: list[int]) -> list[tuple[str, str]]:
    """(token text, id) pairs for a ``gr.HighlightedText``."""
    return [(token_text(tokenizer, i), str(i)) for i in ids]


@torch.inference_mode()
def next_token_logits(model, ids: list[int]) -> torch.Tensor:
    """The logits of the token after ``ids``, as float32 on the CPU."""
    device = next(model.parameters()).device
    input_ids = torch.tensor([ids], dtype=torch.long, device=device)
    return model(input_ids=input_ids).logits[0, -1].float().cpu()


def sampling_distribution(logits: torch.Tensor, temperature: float, top_k: int, top_p: float) -> torch.Tensor:
    """The distribution sampling draws from, made by transformers' own logits warpers.

    ``temperature == 0`` means greedy decoding: all the probability on the most likely token.
    ``top_k == 0`` and ``top_p == 1`` switch those filters off.
    """
    from transformers import LogitsProcessorList, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    if temperature == 0:
        greedy = torch.zeros_like(logits)
        greedy[int(torch.argmax(logits))] = 1.0
        return greedy
    warpers = LogitsProcessorList([TemperatureLogitsWarper(float(temperature))])
    if top_k > 0:
        warpers.append(TopKLogitsWarper(int(top_k)))
    if top_p < 1.0:
        warpers.append(TopPLogitsWarper(float(top_p)))
    scores = warpers(None, logits.unsqueeze(0).clone())[0]
    return torch.softmax(scores, dim=-1)


def next_tokens(model, tokenizer, ids: list[int], *, temperature: float, top_k: int, top_p: float,
                shown: int = 10) -> NextTokens:
    """The ``shown`` most likely next tokens with their probabilities, raw and after sampling settings."""
    logits = next_token_logits(model, ids)
    raw = torch.softmax(logits, dim=-1)
    sampling = sampling_distribution(logits, temperature, top_k, top_p)
    top = torch.topk(raw, k=min(shown, raw.numel())).indices.tolist()
    return NextTokens(ids=top, tokens=[token_text(tokenizer, i) for i in top],
                      raw=[float(raw[i]) for i in top], sampling=[float(sampling[i]) for i in top],
                      raw_full=raw, sampling_full=sampling)


def picked_token(tokenizer, picked: object, vocabulary: int) -> int:
    """The id of the token a person picked: its id (as a number or digits) or its exact text."""
    if picked is None or (isinstance(picked, str) and not picked.strip()):
        raise LabError("text_generation.pick_missing")
    text = str(picked)
    if text.strip().lstrip("-").isdigit():
        token_id = int(text)
        if 0 <= token_id < vocabulary:
            return token_id
        raise LabError("shared.number.out_of_range", name="id", low=0, high=vocabulary - 1, value=token_id)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) != 1:
        raise LabError("text_generation.pick_missing")
    return int(ids[0])


def choose(distribution: NextTokens, mode: str, seed: int, picked: int | None = None) -> int:
    """The next token: the most likely (``greedy``), a draw from the sampling distribution
    (``sample``, reproducible with ``seed``) or the one a person picked."""
    if mode == "greedy":
        return int(torch.argmax(distribution.raw_full))
    if mode == "sample":
        generator = torch.Generator().manual_seed(int(seed))
        return int(torch.multinomial(distribution.sampling_full, 1, generator=generator))
    if mode == "pick":
        if picked is None or not 0 <= int(picked) < distribution.raw_full.numel():
            raise ValueError("picked token id outside the vocabulary")
        return int(picked)
    raise ValueError(f"unknown mode {mode!r}")


@dataclass
class Step:
    """The token added by one step, with its probability before and after the sampling settings."""

    id: int
    token: str
    probability: float
    probability_after_sampling: float


def step(tokenizer, distribution: NextTokens, mode: str, seed: int, picked: object = None) -> Step:
    """One more token: the most likely, a seeded draw, or the one picked (``picked_token``)."""
    picked_id = picked_token(tokenizer, picked, distribution.raw_full.numel()) if mode == "pick" else None
    token_id = choose(distribution, mode, seed, picked_id)
    return Step(id=token_id, token=token_text(tokenizer, token_id),
                probability=float(distribution.raw_full[token_id]),
                probability_after_sampling=float(distribution.sampling_full[token_id]))


def as_rows(distribution: NextTokens) -> list[dict]:
    """The top of the distribution as plain records (the public API's answer)."""
    return [{"rank": rank, "token": token, "id": token_id, "probability": round(raw, 6),
             "probability_after_sampling": round(after, 6)}
            for rank, (token, token_id, raw, after) in enumerate(
                zip(distribution.tokens, distribution.ids, distribution.raw, distribution.sampling, strict=True),
                start=1)]
