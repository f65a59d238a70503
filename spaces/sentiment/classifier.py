"""Sentiment of Polish and English texts: negative / neutral / positive with probabilities, and
which words pushed the answer where (occlusion: leave one word out, watch the probabilities).

Pure functions: a model and its tokenizer plus strings in, NumPy arrays and lists out. torch is
imported where a model runs: the page, built without it, reads the classes and languages here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import numpy as np

from shared import models

CLASSES = ("negative", "neutral", "positive")
LANGUAGES = ("pl", "en")
MODEL_KEYS = {"pl": "sentiment_pl", "en": "sentiment_en"}
# The output order of each default model, for a checkpoint of it whose config names its labels
# only generically (``LABEL_0``, ``LABEL_1``, ``LABEL_2``, as an export or a re-upload may).
# Checkpoints with real names are always read by those names (``class_order``), in any order.
# - sentiment_en, cardiffnlp/twitter-roberta-base-sentiment-latest: its config.json names
#   id2label {0: "negative", 1: "neutral", 2: "positive"}, and its model card (first commit,
#   3f3ed66, "Labels: 0 -> Negative; 1 -> Neutral; 2 -> Positive") documents the same order.
# - sentiment_pl, bardsai/twitter-sentiment-pl-base: its model card says "The model will give
#   you a three labels: positive, negative and neutral" (named ones: its pipeline example prints
#   'positive') but documents no index order, so a generically labelled copy of it is
#   refused rather than guessed. (A third-party evaluation script records its config as
#   {0: "positive", 1: "neutral", 2: "negative"}: not the order of CLASSES, and not a source.)
GENERIC_LABEL_ORDER = {"sentiment_en": ("negative", "neutral", "positive")}
_GENERIC_LABEL = re.compile(r"label_\d+")
MAX_TOKENS = 256  # longer texts are cut: tweets and reviews, what these models were trained on
BATCH = 32
# A word whose removal moves no class by at least this much pushes nowhere in particular.
PUSH_THRESHOLD = 0.005

_POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
_POLISH_WORDS = {"nie", "jest", "się", "to", "na", "że", "jak", "bardzo", "ale", "był", "była", "było", "ten",
                 "ta", "tego", "mi", "mnie", "polecam", "czy", "już", "tak", "też", "tylko", "dla", "po", "przez"}


def guess_language(text: str) -> str:
    """"pl" for text with Polish letters or common Polish words, else "en" (good enough to pick a model)."""
    if any(c in _POLISH_LETTERS for c in text):
        return "pl"
    words = re.findall(r"[a-ząćęłńóśźż]+", text.lower())
    polish = sum(w in _POLISH_WORDS for w in words)
    return "pl" if words and polish / len(words) >= 0.15 else "en"


def load_classifier(ident: str, key: str | None = None):
    """(model, tokenizer) from a Hub id or a local folder: half precision on a GPU, eval mode.

    ``key`` (the registry key it is loaded for) names generic labels by ``GENERIC_LABEL_ORDER``.
    """
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from shared.device import pick_device, pick_dtype

    device = pick_device()
    tokenizer = AutoTokenizer.from_pretrained(ident)
    model = AutoModelForSequenceClassification.from_pretrained(ident, dtype=pick_dtype(device)).to(device).eval()
    name_generic_labels(model, key)
    class_order(model)  # refuse a checkpoint whose labels are not the three sentiment classes
    return model, tokenizer


def get(language: str):
    key = MODEL_KEYS[language]
    return models.load(key, partial(load_classifier, key=key))


def name_generic_labels(model, key: str | None) -> None:
    """Give ``LABEL_<i>`` outputs the names their model documents (``GENERIC_LABEL_ORDER``), in the
    config itself, so that everything reading the config (this module, a pipeline) sees them."""
    names = [str(model.config.id2label[i]) for i in sorted(model.config.id2label)]
    documented = GENERIC_LABEL_ORDER.get(key or "")
    if documented and len(names) == len(documented) and all(_GENERIC_LABEL.fullmatch(n.lower()) for n in names):
        model.config.id2label = dict(enumerate(documented))
        model.config.label2id = {name: i for i, name in enumerate(documented)}


def sentiment_of(text: str, language: str) -> np.ndarray:
    """The three probabilities of one text, read by the model of ``language`` ("auto": guessed)."""
    model, tokenizer = get(guess_language(text) if language == "auto" else language)
    return probabilities(model, tokenizer, [text])[0]


def class_order(model) -> list[int]:
    """Output index of negative, neutral and positive, read from the checkpoint's label names."""
    names = {int(i): str(name).lower() for i, name in model.config.id2label.items()}
    order = []
    for wanted in CLASSES:
        found = [i for i, name in names.items() if name.startswith(wanted[:3])]
        if len(found) != 1:
            raise ValueError(f"labels {sorted(names.values())} are not negative/neutral/positive")
        order.append(found[0])
    return order


def probabilities(model, tokenizer, texts: list[str]) -> np.ndarray:
    """(len(texts), 3) probabilities of negative, neutral, positive; long texts are truncated."""
    import torch

    device = next(model.parameters()).device
    order = class_order(model)
    limit = min(MAX_TOKENS, int(getattr(model.config, "max_position_embeddings", MAX_TOKENS)) - 2)
    rows = []
    with torch.inference_mode():
        for start in range(0, len(texts), BATCH):
            batch = tokenizer(texts[start:start + BATCH], padding=True, truncation=True, max_length=limit,
                              return_tensors="pt").to(device)
            logits = model(**batch).logits.float()
            rows.append(torch.softmax(logits, dim=-1)[:, order].cpu().numpy())
    return np.concatenate(rows) if rows else np.zeros((0, len(CLASSES)))


def is_truncated(tokenizer, text: str) -> bool:
    return len(tokenizer(text, truncation=False)["input_ids"]) > MAX_TOKENS


@dataclass
class Attribution:
    """How much each word pushed each class: ``push[i, c]`` = p(c | text) − p(c | text without word i)."""

    words: list[str]
    spans: list[tuple[int, int]]
    push: np.ndarray  # (len(words), 3)
    explained: int  # the first ``explained`` words were tested; the others (a very long text) were not


def word_attribution(model, tokenizer, text: str, max_words: int = 80) -> Attribution:
    """Leave each word out in turn (up to ``max_words``) and measure how the probabilities change."""
    matches = list(re.finditer(r"\S+", text))
    words = [m.group() for m in matches]
    spans = [m.span() for m in matches]
    tested = spans[:max_words]
    variants = [text] + [(text[:s] + text[e:]).strip() or " " for s, e in tested]
    probs = probabilities(model, tokenizer, variants)
    push = np.zeros((len(words), len(CLASSES)))
    push[:len(tested)] = probs[0][None, :] - probs[1:]
    return Attribution(words=words, spans=spans, push=push, explained=len(tested))


def highlighted(text: str, attribution: Attribution, class_names: dict[str, str]) -> list[tuple[str, str | None]]:
    """(piece, class it pushes toward or None) covering the whole text, for ``gr.HighlightedText``.

    Joining the pieces gives back ``text`` exactly: every word appears, with the spaces between.
    """
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for word, (start, end), push in zip(attribution.words, attribution.spans, attribution.push, strict=True):
        if start > position:
            pieces.append((text[position:start], None))
        strongest = int(np.argmax(push))
        label = class_names[CLASSES[strongest]] if push[strongest] >= PUSH_THRESHOLD else None
        pieces.append((word, label))
        position = end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
