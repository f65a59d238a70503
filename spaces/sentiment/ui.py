"""The "Sentiment" tab: one text or many lines (or a CSV file) in; labels with confidences, a
word-level explanation of the first text, a table and a summary chart out.

Events: ``sentiment`` (API only: one text in, the three confidences out), ``sentiment_analyse``
(the page: everything at once) and ``sentiment_file`` (reads an uploaded file into the box).
"""

from __future__ import annotations

import gradio as gr
import pandas as pd

from sentiment import batch, classifier
from sentiment.classifier import CLASSES, LANGUAGES, MAX_TOKENS
from shared import i18n, models, ui
from shared.controls import Choice, Text
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, percent
from shared.texts import Family
from shared.ui import ui_text
from shared.validation import uploaded_path

COLORS = {"negative": "#dc2626", "neutral": "#9ca3af", "positive": "#16a34a"}
EXAMPLES = [
    ["I really love this hardware, I can always trust your solutions!!!"],
    ["This was a horrible night. Definitely do not go to that hotel."],
    ["Bardzo polecam ten hotel, obsługa była świetna, a śniadania pyszne!"],
    ["Nigdy więcej. Pokój był brudny, a recepcja nie odbierała telefonu."],
    ["Pociąg do Gdańska odjeżdża o 8:15 z peronu drugiego."],
    ["Film nie był zły, ale zakończenie mnie rozczarowało."],
]

TEXT = Text("sentiment.text", max_chars=20000, default=EXAMPLES[0][0], empty="sentiment.empty", placeholder=True,
            lines=5)
LANGUAGE = Choice("sentiment.language", choices=("auto", *LANGUAGES), default="auto", labels="sentiment.language")
CLASS_NAMES = Family("sentiment.class", CLASSES)


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            text = ui.component(TEXT)
            upload = gr.File(label=ui_text("sentiment.file"), file_types=[".csv", ".txt"], type="filepath",
                             height=90)
            language = ui.component(LANGUAGE)
            analyse_button = gr.Button(ui_text("sentiment.analyse"), variant="primary")
            examples = gr.Examples(examples=EXAMPLES, inputs=[text], label=ui_text("sentiment.examples"),
                                   api_name="sentiment_example", api_visibility="private")
            examples.dataset.headers = []  # the browser does not translate headers made from labels
            ui.model_status("sentiment_pl")
            ui.model_status("sentiment_en")
        with gr.Column(scale=5, min_width=320):
            answer = gr.Markdown()
            label = gr.Label(label=ui_text("sentiment.label"), num_top_classes=3)
            # Every language's class names: the page may be in either.
            words = gr.HighlightedText(label=ui_text("sentiment.words"), combine_adjacent=False, show_legend=True,
                                       color_map={message(CLASS_NAMES.key(c), language=lang): COLORS[c]
                                                  for c in CLASSES for lang in i18n.LANGUAGES})
            table = gr.Dataframe(label=ui_text("sentiment.table"), interactive=False, wrap=True, max_height=320)
            chart = gr.BarPlot(x="class", y="count", color="class", label=ui_text("sentiment.chart"), height=220)
    with gr.Accordion(ui_text("sentiment.explain.heading"), open=False):
        gr.Markdown(ui_text("sentiment.explain"))

    outputs = [answer, label, words, table, chart]
    # preprocess=False: the components' own checks answer in English only, ours in the caller's language.
    analyse_button.click(analyse, [text, language], outputs, api_name="sentiment_analyse",
                         api_visibility="undocumented", preprocess=False, **GPU_EVENT)
    text.submit(analyse, [text, language], outputs, api_name="sentiment_analyse_submit", api_visibility="private",
                **GPU_EVENT)
    upload.upload(read_texts_file, upload, text, api_name="sentiment_file", api_visibility="private",
                  preprocess=False).success(analyse, [text, language], outputs,
                                            api_name="sentiment_analyse_file", api_visibility="private",
                                            **GPU_EVENT)
    ui.api(sentiment, api_name="sentiment", api_description=(
        "One text (Polish or English) and a language ('auto', 'pl' or 'en') in; the confidence of negative, "
        "neutral and positive out."), **GPU_EVENT)


@gpu(duration=30)
def sentiment(text: str = TEXT.default, language: str = LANGUAGE.default) -> ui.LabelValue:
    """The three confidences for one text (several lines count as one text here)."""
    text, language = TEXT.check(text), LANGUAGE.check(language)
    probabilities = classifier.sentiment_of(text, language)
    return ui.label_value({name: float(p) for name, p in zip(CLASSES, probabilities, strict=True)})


@ui.handler
@gpu(duration=60)
def analyse(text, language):
    """Everything the page shows: the first text's answer and explanation, the table and the chart."""
    text, language = TEXT.check(text), LANGUAGE.check(language)
    result = batch.classify_lines(text, language)
    attribution = batch.explain_first(result)
    _warn_about(result, attribution)
    names = {c: message(CLASS_NAMES.key(c)) for c in CLASSES}
    predicted = [names[CLASSES[int(p.argmax())]] for p in result.probabilities]
    counts = [predicted.count(names[c]) for c in CLASSES]
    return (_answer(result, names, counts),
            {names[c]: float(p) for c, p in zip(CLASSES, result.probabilities[0], strict=True)},
            classifier.highlighted(result.texts[0], attribution, names),
            _table(result, names, predicted),
            _chart(names, counts))


@ui.handler
def read_texts_file(file_data) -> str:
    """The texts of an uploaded file, one per line of the box; ``file_data`` is Gradio's FileData."""
    path = uploaded_path(file_data, missing="sentiment.bad_file", invalid="sentiment.bad_file")
    return "\n".join(batch.read_file(path))


# --- what the page shows ------------------------------------------------------------------------------------


def _warn_about(result: batch.Batch, attribution: classifier.Attribution) -> None:
    if len(result.texts) < result.given:
        ui.warn("sentiment.too_many", n=result.given, limit=len(result.texts))
    if result.truncated:
        ui.warn("sentiment.truncated", limit=MAX_TOKENS)
    if attribution.explained < len(attribution.words):
        ui.warn("sentiment.partial_explanation", n=len(attribution.words), limit=attribution.explained)


def _answer(result: batch.Batch, names: dict[str, str], counts: list[int]) -> str:
    first, language = result.probabilities[0], result.languages[0]
    best = int(first.argmax())
    answer = message("sentiment.answer", label=names[CLASSES[best]], confidence=percent(first[best]),
                     lang=message(LANGUAGE.label_key(language)),
                     model=models.model_link(classifier.MODEL_KEYS[language]))
    summary = message("sentiment.summary", n=len(result.texts),
                      counts=", ".join(f"{names[c]} {n}" for c, n in zip(CLASSES, counts, strict=True)))
    return answer + "  \n" + summary


def _table(result: batch.Batch, names: dict[str, str], predicted: list[str]) -> pd.DataFrame:
    return pd.DataFrame({message("sentiment.col.text"): result.texts,
                         message("sentiment.col.language"): result.languages,
                         message("sentiment.col.label"): predicted,
                         **{names[c]: [percent(p[k]) for p in result.probabilities] for k, c in enumerate(CLASSES)}})


def _chart(names: dict[str, str], counts: list[int]) -> gr.BarPlot:
    chart = pd.DataFrame({"class": [names[c] for c in CLASSES], "count": counts})
    return gr.BarPlot(value=chart, sort=[names[c] for c in CLASSES], x_title=message("sentiment.col.label"),
                      y_title=message("sentiment.col.count"), color_map={names[c]: COLORS[c] for c in CLASSES})
