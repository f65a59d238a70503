"""The "Sentiment" tab: one text or many lines (or a CSV file) in; labels with confidences, a
word-level explanation of the first text, a table and a summary chart out.

Events: ``sentiment`` (public: one text in, the three confidences out), ``sentiment_analyse``
(the page: everything at once) and ``sentiment_file`` (reads an uploaded file into the box).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import gradio as gr
import pandas as pd

from sentiment import classifier
from sentiment.classifier import CLASSES, LANGUAGES, MAX_TOKENS
from shared.device import on_gpu
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import error, message, percent, ui_text, warn
from shared.models import model_id, status_component
from shared.validation import check_text

MAX_CHARS = 20000
MAX_TEXTS = 500 if on_gpu() else 100
MAX_FILE_BYTES = 2_000_000
MAX_EXPLAINED_WORDS = 80 if on_gpu() else 50
COLORS = {"negative": "#dc2626", "neutral": "#9ca3af", "positive": "#16a34a"}
EXAMPLES = [
    ["I really love this hardware, I can always trust your solutions!!!"],
    ["This was a horrible night. Definitely do not go to that hotel."],
    ["Bardzo polecam ten hotel, obsługa była świetna, a śniadania pyszne!"],
    ["Nigdy więcej. Pokój był brudny, a recepcja nie odbierała telefonu."],
    ["Pociąg do Gdańska odjeżdża o 8:15 z peronu drugiego."],
    ["Film nie był zły, ale zakończenie mnie rozczarowało."],
]


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            text = gr.Textbox(label=ui_text("sentiment.text"), placeholder=ui_text("sentiment.placeholder"), lines=5,
                              max_length=MAX_CHARS, value=EXAMPLES[0][0])
            upload = gr.File(label=ui_text("sentiment.file"), file_types=[".csv", ".txt"], type="filepath",
                             height=90)
            language = gr.Radio(choices=[(ui_text(f"sentiment.language.{code}"), code) for code in ("auto",
                                                                                                     *LANGUAGES)],
                                value="auto", label=ui_text("sentiment.language"))
            analyse_button = gr.Button(ui_text("sentiment.analyse"), variant="primary")
            examples = gr.Examples(examples=EXAMPLES, inputs=[text], label=ui_text("sentiment.examples"),
                                   api_name="sentiment_example", api_visibility="private")
            examples.dataset.headers = []  # the browser does not translate headers made from labels
            status_component("sentiment_pl")
            status_component("sentiment_en")
        with gr.Column(scale=5, min_width=320):
            answer = gr.Markdown()
            label = gr.Label(label=ui_text("sentiment.label"), num_top_classes=3)
            words = gr.HighlightedText(label=ui_text("sentiment.words"), combine_adjacent=False, show_legend=True,
                                       color_map={message(f"sentiment.class.{c}", language=lang): COLORS[c]
                                                  for c in CLASSES for lang in ("en", "pl")})
            table = gr.Dataframe(label=ui_text("sentiment.table"), interactive=False, wrap=True, max_height=320)
            chart = gr.BarPlot(x="class", y="count", color="class", label=ui_text("sentiment.chart"), height=220)
    with gr.Accordion(ui_text("sentiment.explain.heading"), open=False):
        gr.Markdown(ui_text("sentiment.explain"))

    outputs = [answer, label, words, table, chart]
    analyse_button.click(analyse, [text, language], outputs, api_name="sentiment_analyse",
                         api_visibility="undocumented", preprocess=False, **GPU_EVENT)
    text.submit(analyse, [text, language], outputs, api_name="sentiment_analyse_submit", api_visibility="private",
                **GPU_EVENT)
    upload.upload(read_texts_file, upload, text, api_name="sentiment_file", api_visibility="private",
                  preprocess=False).success(analyse, [text, language], outputs,
                                            api_name="sentiment_analyse_file", api_visibility="private",
                                            **GPU_EVENT)
    # The public API: no button of its own; a hidden trigger gives it a stable name.
    api_trigger = gr.Button(visible=False)
    api_label = gr.Label(visible=False)
    api_trigger.click(sentiment, [text, language], api_label, api_name="sentiment",
                      api_description="One text (Polish or English) and a language ('auto', 'pl' or 'en') in; the "
                                      "confidence of negative, neutral and positive out.", preprocess=False,
                      **GPU_EVENT)


def _check_language(language: object) -> str:
    if language in (None, ""):
        return "auto"
    if language not in ("auto", *LANGUAGES):
        raise error("sentiment.unknown_language", name=str(language)[:40])
    return language  # type: ignore[return-value]


def _split_texts(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise error("sentiment.empty")
    if len(lines) > MAX_TEXTS:
        warn("sentiment.too_many", n=len(lines), limit=MAX_TEXTS)
    return lines[:MAX_TEXTS]


def _by_language(texts: list[str], language: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(texts):
        groups.setdefault(language if language != "auto" else classifier.guess_language(item), []).append(index)
    return groups


def _model_link(key: str) -> str:
    ident = model_id(key)
    return f"`{ident}`" if Path(ident).is_dir() else f"[{ident}](https://huggingface.co/{ident})"


@gpu(duration=30)
def sentiment(text, language) -> dict[str, float]:
    """The three confidences for one text (several lines count as one text here)."""
    text = check_text(text, MAX_CHARS, empty_hint="sentiment.empty")
    language = _check_language(language)
    if language == "auto":
        language = classifier.guess_language(text)
    model, tokenizer = classifier.get(language)
    probabilities = classifier.probabilities(model, tokenizer, [text])[0]
    return {name: float(p) for name, p in zip(CLASSES, probabilities)}


@gpu(duration=60)
def analyse(text, language):
    """Everything the page shows: the first text's answer and explanation, the table and the chart."""
    text = check_text(text, MAX_CHARS, empty_hint="sentiment.empty")
    language = _check_language(language)
    texts = _split_texts(text)
    names = {c: message(f"sentiment.class.{c}") for c in CLASSES}
    probabilities = [None] * len(texts)
    languages = [""] * len(texts)
    truncated = False
    for code, indices in _by_language(texts, language).items():
        model, tokenizer = classifier.get(code)
        rows = classifier.probabilities(model, tokenizer, [texts[i] for i in indices])
        for i, row in zip(indices, rows):
            probabilities[i], languages[i] = row, code
        truncated = truncated or any(classifier.is_truncated(tokenizer, texts[i]) for i in indices[:20])
    if truncated:
        warn("sentiment.truncated", limit=MAX_TOKENS)

    first_model, first_tokenizer = classifier.get(languages[0])
    attribution = classifier.word_attribution(first_model, first_tokenizer, texts[0], MAX_EXPLAINED_WORDS)
    if attribution.explained < len(attribution.words):
        warn("sentiment.partial_explanation", n=len(attribution.words), limit=attribution.explained)
    best = int(probabilities[0].argmax())
    answer = message("sentiment.answer", label=names[CLASSES[best]], confidence=percent(probabilities[0][best]),
                     lang=message(f"sentiment.language.{languages[0]}"),
                     model=_model_link(classifier.MODEL_KEYS[languages[0]]))

    predicted = [names[CLASSES[int(p.argmax())]] for p in probabilities]
    table = pd.DataFrame({message("sentiment.col.text"): texts,
                          message("sentiment.col.language"): languages,
                          message("sentiment.col.label"): predicted,
                          **{names[c]: [percent(p[k]) for p in probabilities] for k, c in enumerate(CLASSES)}})
    counts = [sum(1 for label in predicted if label == names[c]) for c in CLASSES]
    chart = pd.DataFrame({"class": [names[c] for c in CLASSES], "count": counts})
    summary = message("sentiment.summary", n=len(texts),
                      counts=", ".join(f"{names[c]} {n}" for c, n in zip(CLASSES, counts)))
    return (answer + "  \n" + summary,
            {names[c]: float(p) for c, p in zip(CLASSES, probabilities[0])},
            classifier.highlighted(texts[0], attribution, names),
            table,
            gr.BarPlot(value=chart, sort=[names[c] for c in CLASSES], x_title=message("sentiment.col.label"),
                       y_title=message("sentiment.col.count"),
                       color_map={names[c]: COLORS[c] for c in CLASSES}))


def read_texts_file(file_data) -> str:
    """The texts of an uploaded CSV (its "text" column, else the first) or TXT file, one per line."""
    path = file_data.get("path") if isinstance(file_data, dict) else None
    if not isinstance(path, str) or not Path(path).is_file():
        raise error("sentiment.bad_file")
    size = Path(path).stat().st_size
    if size > MAX_FILE_BYTES:
        raise error("sentiment.file_too_large", size=size, limit=MAX_FILE_BYTES)
    raw = Path(path).read_bytes()
    if b"\x00" in raw[:4096]:
        raise error("sentiment.bad_file")  # binary, or UTF-16
    content = raw.decode("utf-8-sig", errors="replace")
    return "\n".join(texts_from_table(content, is_csv=path.lower().endswith(".csv"))[:MAX_TEXTS])


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
