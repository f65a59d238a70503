"""Many texts at once: the lines of the text box, or of an uploaded CSV/TXT file, each read by the
model of its language (detected line by line, or chosen for all), and the first one explained
word by word.

Plain strings and paths in, NumPy arrays and lists out; what the visitor should read about is a
``LabError``, or a fact of the result (``given``, ``truncated``) for the page to warn about.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sentiment import classifier
from shared.device import by_hardware
from shared.errors import LabError

# Each text costs one forward pass, and each word of the explained text one more: a shared
# CPU takes fewer of both.
MAX_TEXTS = by_hardware(cpu=100, gpu=500)
MAX_EXPLAINED_WORDS = by_hardware(cpu=50, gpu=80)
MAX_FILE_BYTES = 2_000_000
# Tokenizing every text once more only to tell whether one was cut would double the work; the
# first few of each language tell.
TRUNCATION_CHECKED = 20


@dataclass
class Batch:
    texts: list[str]  # the texts analysed: the first MAX_TEXTS lines given
    languages: list[str]  # the language (and so the model) of each text
    probabilities: np.ndarray  # (len(texts), 3): negative, neutral, positive
    given: int  # how many lines were given
    truncated: bool  # a text is longer than the models read


def lines_of(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped: one text each."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise LabError("sentiment.empty")
    return lines


def by_language(texts: list[str], language: str) -> dict[str, list[int]]:
    """The positions of the texts each model reads: all ``language``, or each text's guessed one ("auto")."""
    groups: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        groups.setdefault(classifier.guess_language(text) if language == "auto" else language, []).append(index)
    return groups


def classify_lines(text: str, language: str) -> Batch:
    """The sentiment of every line of ``text`` (up to ``MAX_TEXTS``), each group of one language
    read by its model in batches."""
    lines = lines_of(text)
    texts = lines[:MAX_TEXTS]
    probabilities = np.zeros((len(texts), len(classifier.CLASSES)))
    languages = [""] * len(texts)
    truncated = False
    for code, indices in by_language(texts, language).items():
        model, tokenizer = classifier.get(code)
        probabilities[indices] = classifier.probabilities(model, tokenizer, [texts[i] for i in indices])
        for i in indices:
            languages[i] = code
        truncated = truncated or any(classifier.is_truncated(tokenizer, texts[i])
                                     for i in indices[:TRUNCATION_CHECKED])
    return Batch(texts=texts, languages=languages, probabilities=probabilities, given=len(lines),
                 truncated=truncated)


def explain_first(batch: Batch) -> classifier.Attribution:
    """Which words of the first text pushed its answer where (its first ``MAX_EXPLAINED_WORDS``)."""
    model, tokenizer = classifier.get(batch.languages[0])
    return classifier.word_attribution(model, tokenizer, batch.texts[0], MAX_EXPLAINED_WORDS)


def read_file(path: str) -> list[str]:
    """The texts of an uploaded CSV (its "text" column, else the first) or TXT file, up to ``MAX_TEXTS``."""
    if not Path(path).is_file():
        raise LabError("sentiment.bad_file")
    size = Path(path).stat().st_size
    if size > MAX_FILE_BYTES:
        raise LabError("sentiment.file_too_large", size=size, limit=MAX_FILE_BYTES)
    raw = Path(path).read_bytes()
    if b"\x00" in raw[:4096]:
        raise LabError("sentiment.bad_file")  # binary, or UTF-16
    content = raw.decode("utf-8-sig", errors="replace")
    return texts_from_table(content, is_csv=path.lower().endswith(".csv"))[:MAX_TEXTS]


def texts_from_table(content: str, *, is_csv: bool) -> list[str]:
    if not is_csv:
        return [line.strip() for line in content.splitlines() if line.strip()]
    rows = [row for row in csv.reader(io.StringIO(content)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = header.index("text") if "text" in header else 0
    body = rows[1:] if "text" in header else rows
    # A text with line breaks would become several lines in the box: keep it on one.
    return [" ".join(row[column].split()) for row in body if len(row) > column and row[column].strip()]
