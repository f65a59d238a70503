"""The "Spoken digits" tab: record or upload a digit on the left, the answer on the right, and below
what the network hears, what it computes, how good it is, and the lecture's generated code checked.

- ``spoken_digits_analyse``: the answer for one recording (and again when the model is switched),
  then ``spoken_digits_pictures``: its pictures;
- ``spoken_digit_classify``, for API clients: one audio file in, the ten probabilities out (a gr.Label value);
- the accordions "How good is it" and "The slide's code" draw their pictures when opened.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import gradio as gr
from gradio.data_classes import FileData

from shared import ui
from shared.controls import Choice
from shared.cpu import single_threaded
from shared.errors import LabError
from shared.i18n import message, number, percent
from shared.texts import Family
from shared.ui import ui_text
from shared.validation import uploaded_path

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
MODELS = ("m5", "mel_cnn", "mfcc_logreg")  # as spoken_digits.predict.MODELS, without importing torch here
MODEL = Choice("spoken_digits.model", choices=MODELS, default="m5", labels="spoken_digits.model")
COMPARED = ("slide_sigmoid", "slide_softmax", "m5", "mel_cnn", "mfcc_logreg")
MODEL_NAMES = Family("spoken_digits.name", COMPARED)
# What the page shows instead of a guess: the recording holds no word to recognise.
HINTS = ("spoken_digits.silence", "spoken_digits.noise", "spoken_digits.too_short")
SLIDE_CODE = """model = tf.keras.Sequential()
model.add(Conv1D(filters=32, kernel_size=3, activation='relu', input_shape=(8000, 1)))
model.add(MaxPooling1D(pool_size=2))
model.add(Conv1D(filters=64, kernel_size=3, activation='relu'))
model.add(MaxPooling1D(pool_size=2))
model.add(Flatten())
model.add(Dense(128, activation='relu'))
model.add(Dense(1, activation='sigmoid'))
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=10, validation_data=(x_val, y_val))"""


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            recording = gr.Audio(label=ui_text("spoken_digits.input"), sources=["microphone", "upload"],
                                 type="filepath", buttons=["download"])
            gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("*.wav"))], inputs=[recording],
                        label=ui_text("spoken_digits.examples"), api_name="spoken_digits_load_example",
                        api_visibility="private", examples_per_page=10)
            model = ui.component(MODEL)
            gr.Markdown(ui_text("spoken_digits.expect"))
        with gr.Column(scale=5, min_width=300):
            answer = gr.Markdown(ui_text("spoken_digits.hint.empty"))
            top3 = gr.Label(label=ui_text("spoken_digits.top3"), num_top_classes=3)
            bars = gr.BarPlot(x="digit", y="probability", y_lim=[0, 1], sort=[str(d) for d in range(10)],
                              label=ui_text("spoken_digits.bars"), height=220)
    with gr.Accordion(ui_text("spoken_digits.hears.heading"), open=True):
        gr.Markdown(ui_text("spoken_digits.hears.explain"))
        # no label over the picture: its three panels carry their own titles
        stages = gr.Image(label=ui_text("spoken_digits.stages"), show_label=False, format="png", interactive=False,
                          buttons=[])
        spectrogram = gr.Image(label=ui_text("spoken_digits.spectrogram"), format="png", interactive=False,
                               buttons=[])
    with gr.Accordion(ui_text("spoken_digits.inside.heading"), open=False):
        gr.Markdown(ui_text("spoken_digits.inside.explain"))
        filters = gr.Image(label=ui_text("spoken_digits.filters"), format="png", interactive=False, buttons=[])
        layers = gr.Image(label=ui_text("spoken_digits.layers"), format="png", interactive=False, buttons=[])
    with gr.Accordion(ui_text("spoken_digits.quality.heading"), open=False) as quality:
        gr.Markdown(ui_text("spoken_digits.quality.explain"))
        quality_table = gr.Markdown()
        with gr.Row():
            confusion = gr.Image(label=ui_text("spoken_digits.confusion"), format="png", interactive=False,
                                 buttons=[], min_width=300)
            speakers = gr.Image(label=ui_text("spoken_digits.speakers"), format="png", interactive=False,
                                buttons=[], min_width=300)
    with gr.Accordion(ui_text("spoken_digits.slide.heading"), open=False) as slide:
        gr.Markdown(ui_text("spoken_digits.slide.explain"))
        gr.Code(SLIDE_CODE, language="python", label=ui_text("spoken_digits.slide.code"), interactive=False)
        comparison = gr.Markdown()
        curves = gr.Image(label=ui_text("spoken_digits.curves"), format="png", interactive=False, buttons=[])

    # The answer first (a few milliseconds of compute), then the pictures (matplotlib takes longer).
    answers = {"fn": analyse_recording, "inputs": [recording, model], "outputs": [answer, top3, bars],
               "preprocess": False, "show_progress": "minimal", "trigger_mode": "always_last"}
    drawn = {"fn": draw_recording, "inputs": [recording, model], "outputs": [stages, spectrogram, filters, layers],
             "preprocess": False, "show_progress": "hidden"}
    recording.change(**answers, api_name="spoken_digits_analyse", api_visibility="undocumented").success(
        **drawn, api_name="spoken_digits_pictures", api_visibility="undocumented")
    model.change(**answers, api_name="spoken_digits_reanalyse", api_visibility="private").success(
        **drawn, api_name="spoken_digits_redraw", api_visibility="private")
    quality_outputs = [quality_table, confusion, speakers]
    quality.expand(show_quality, inputs=model, outputs=quality_outputs, api_name="spoken_digits_quality",
                   api_visibility="private", preprocess=False)
    model.change(show_quality, inputs=model, outputs=quality_outputs, api_name="spoken_digits_quality_model",
                 api_visibility="private", preprocess=False)
    slide.expand(show_slide_lesson, outputs=[comparison, curves], api_name="spoken_digits_slide",
                 api_visibility="private")
    ui.api(classify, api_name="spoken_digit_classify")


@ui.handler
@single_threaded
def analyse_recording(file_data: dict | None, model: str):
    """The answer for one recording (Gradio's unprocessed FileData) and model: text, top 3, bars."""
    result = _analysis(file_data, model)
    if not hasattr(result, "probabilities"):  # no recording, or one with no word in it: a hint
        return result, None, None
    probabilities = result.probabilities
    return (_answer_text(result), {str(d): float(p) for d, p in enumerate(probabilities)},
            gr.update(value=_probability_table(probabilities), x_title=message("spoken_digits.axis.digit"),
                      y_title=message("spoken_digits.axis.probability")))


@ui.handler
@single_threaded
def draw_recording(file_data: dict | None, model: str):
    """The pictures for the same recording: its stages, spectrogram, the filters, every layer."""
    from spoken_digits import pictures

    result = _analysis(file_data, model)
    if not hasattr(result, "probabilities"):
        return None, None, None, None
    seconds, hertz = message("spoken_digits.axis.seconds"), message("spoken_digits.axis.hertz")
    stage_titles = (message("spoken_digits.stage.original", rate=_count(result.prepared.original_rate)),
                    message("spoken_digits.stage.resampled"), message("spoken_digits.stage.input"))
    layers = None
    if result.activations:
        titles = [message("spoken_digits.layer", index=i + 1, channels=layer.shape[0], steps=layer.shape[1])
                  for i, layer in enumerate(result.activations)]
        layers = pictures.activations(result.activations, titles, seconds, 1.0)
    return (pictures.stages(result.prepared, stage_titles, seconds),
            pictures.spectrogram(result.prepared.model_input, seconds, hertz),
            _filters_picture(hertz, message("spoken_digits.axis.filter")),
            layers)


def _analysis(file_data: dict | None, model: str):
    """The analysis of the recording, or the hint to show instead (a string)."""
    model = MODEL.check(model)
    path = uploaded_path(file_data, invalid="spoken_digits.not_audio")
    if path is None:
        return message("spoken_digits.hint.empty")
    from spoken_digits.analysis import analyse
    from spoken_digits.audio_input import read_recording

    samples, rate = read_recording(path)
    try:
        return analyse(samples, rate, model)
    except LabError as error:
        if error.key not in HINTS:
            raise
        return message(error.key, **error.values)


@single_threaded
def classify(audio: FileData) -> ui.LabelValue:
    """One recording of a spoken digit in (WAV, FLAC, OGG or MP3; any rate and channels; at most
    10 s); the probability of each digit 0-9 out, from the raw-waveform network (M5)."""
    from spoken_digits.analysis import analyse
    from spoken_digits.audio_input import read_recording

    path = uploaded_path(audio, missing="spoken_digits.missing", invalid="spoken_digits.not_audio")
    samples, rate = read_recording(path)
    result = analyse(samples, rate, MODEL.default)
    return ui.label_value({str(d): float(p) for d, p in enumerate(result.probabilities)})


@ui.handler
def show_quality(model: str):
    """The shipped model's numbers: the table of every model, its confusion matrix and its accuracy per speaker."""
    from spoken_digits import pictures
    from spoken_digits.predict import read_metrics

    model = MODEL.check(model)
    metrics = read_metrics()
    record = metrics[model]
    per_speaker = {message("spoken_digits.official"): record["official"]["per_speaker"]}
    if "loso" in record:
        per_speaker[message("spoken_digits.held_out")] = record["loso"]["per_speaker"]
    return (_quality_table(metrics, MODELS),
            pictures.confusion(record["official"]["confusion"], message("spoken_digits.axis.said"),
                               message("spoken_digits.axis.answered")),
            pictures.accuracy_bars(per_speaker, message("spoken_digits.axis.accuracy")))


@ui.handler
def show_slide_lesson():
    """The slide's model as written, fixed, and the two good networks: numbers and training curves."""
    from spoken_digits import pictures
    from spoken_digits.predict import read_metrics

    metrics = read_metrics()
    histories = {message(MODEL_NAMES.key(name)): metrics[name]["official"]["history"]
                 for name in COMPARED if metrics.get(name, {}).get("official", {}).get("history")}
    return (_quality_table(metrics, COMPARED),
            pictures.training_curves(histories, message("spoken_digits.axis.epoch"),
                                     message("spoken_digits.axis.accuracy")))


def _quality_table(metrics: dict, names: tuple[str, ...]) -> str:
    rows = [message("spoken_digits.table.header"), "|---|---:|---:|---:|---:|---:|"]
    for name in names:
        if name not in metrics:
            continue
        record = metrics[name]
        loso = record.get("loso")
        rows.append("| " + " | ".join([
            message(MODEL_NAMES.key(name)),
            _count(record["parameters"]),
            percent(record["official"]["accuracy"]),
            percent(loso["mean"]) if loso else "—",
            percent(loso["worst"]) if loso else "—",
            number(record["official"]["train_seconds"] / 60, ".1f"),
        ]) + " |")
    return "\n".join(rows)


def _count(whole: int) -> str:
    """A whole number with its thousands apart, as both languages may write it: 16 375 370."""
    return format(whole, "_d").replace("_", " ")


@lru_cache(maxsize=4)
def _filters_picture(hertz_label: str, filter_label: str):
    """The shipped network's filters never change: drawn once per language."""
    from spoken_digits import analysis, pictures

    frequencies, decibels = analysis.filter_responses(analysis.first_layer_kernels("m5"))
    return pictures.filters(frequencies, decibels, hertz_label, filter_label)


def _probability_table(probabilities):
    import pandas as pd

    return pd.DataFrame({"digit": [str(d) for d in range(10)], "probability": [float(p) for p in probabilities]})


def _answer_text(result) -> str:
    from spoken_digits.analysis import one_hot

    text = message("spoken_digits.answer",
                   softmax="[" + " ".join(number(p, ".2f") for p in result.probabilities) + "]",
                   vector="[" + " ".join(str(v) for v in one_hot(result.probabilities)) + "]",
                   digit=result.predicted)
    notes = []
    if result.unsure:
        notes.append(message("spoken_digits.unsure", percent=percent(float(result.probabilities.max()))))
    if result.prepared.cropped:
        notes.append(message("spoken_digits.cropped"))
    if result.prepared.clipped:
        notes.append(message("spoken_digits.clipped"))
    return "\n\n".join([text, *notes])
