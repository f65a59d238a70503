"""The "CNN classifier" tab: a sketchpad and an upload box on the left, the answer on the right,
and below them what every layer of the network computed.

Three events run the same steps (check the picture, prepare it as MNIST did, run the network):
- ``mnist_sketch`` after every stroke on the sketchpad (the live view);
- ``mnist_upload`` when a photo is uploaded or an example picked;
- ``mnist_classify``, for API clients only: one picture in, the ten probabilities out (a gr.Label value).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import gradio as gr
import numpy as np
from gradio.data_classes import FileData

from mnist_cnn import visualize
from shared import ui
from shared.cpu import single_threaded
from shared.digit_input import digit_from_sketch, digit_from_upload
from shared.digit_pictures import digit_image, to_uint8
from shared.i18n import message, number
from shared.texts import Family
from shared.ui import ui_text

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
PICTURED = ("input", "conv1", "pool1", "conv2", "pool2", "dense", "softmax", "filters")
LAYER_CAPTIONS = Family("mnist_cnn.layer", PICTURED)


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            # The sketchpad tall enough to show the whole canvas at full size, not zoomed out.
            sketch, upload = ui.digit_input_tabs("mnist_cnn", EXAMPLES_DIR, sketch_height=ui.CANVAS_SIDE + 120,
                                                 upload_height=320)
            with gr.Accordion(ui_text("mnist_cnn.preprocess.heading"), open=False):
                gr.Markdown(ui_text("mnist_cnn.preprocess.explain"))
        with gr.Column(scale=4, min_width=300):
            answer = gr.Markdown(ui_text("mnist_cnn.hint.empty"))
            with gr.Row():
                seen = gr.Image(label=ui_text("mnist_cnn.seen"), format="png", interactive=False,
                                height=200, buttons=[], min_width=160)
                top3 = gr.Label(label=ui_text("mnist_cnn.top3"), num_top_classes=3, min_width=160)
            bars = gr.BarPlot(x="digit", y="probability", y_lim=[0, 1], sort=[str(d) for d in range(10)],
                              label=ui_text("mnist_cnn.bars"), height=220)

    with gr.Accordion(ui_text("mnist_cnn.layers.heading"), open=True):
        gr.Markdown(ui_text("mnist_cnn.layers.explain"))
        # One HTML view with the pictures inlined: eight image outputs would cost Gradio a file
        # to encode, hash, store and serve each, on every stroke.
        network = gr.HTML("", label=ui_text("mnist_cnn.layers.heading"), css_template=visualize.NETWORK_CSS,
                          padding=True)

    outputs = [answer, seen, top3, bars, network]
    # always_last: while one stroke is being analysed, further strokes collapse into a single
    # follow-up request, so a fast drawer never queues up stale work.
    sketch.change(analyse_sketch, inputs=sketch, outputs=outputs, api_name="mnist_sketch",
                  api_visibility="undocumented", trigger_mode="always_last", show_progress="hidden")
    # preprocess=False hands over the uploaded file's path untouched: Gradio's own decoding would
    # fail on a broken or oversized file with an untranslated error before open_image can check it.
    upload.change(analyse_upload, inputs=upload, outputs=outputs, api_name="mnist_upload",
                  api_visibility="undocumented", preprocess=False, show_progress="minimal")
    ui.api(classify, api_name="mnist_classify")


@ui.handler
@single_threaded
def analyse_sketch(sketch: dict | None):
    """Everything the tab shows for the sketchpad's picture (its flattened ``composite``)."""
    return _show(digit_from_sketch(sketch))


@ui.handler
@single_threaded
def analyse_upload(file_data: dict | None):
    """Everything the tab shows for an uploaded picture; ``file_data`` is Gradio's unprocessed FileData."""
    return _show(digit_from_upload(file_data))


@single_threaded
def classify(image: FileData) -> ui.LabelValue:
    """One picture of a handwritten digit in (any size, colours or transparency); the probability
    of each digit 0-9 out."""
    from mnist_cnn.predict import analyse
    from shared.digit_classifier import class_confidences

    digit = digit_from_upload(image, required=True, no_digit_key="mnist_cnn.no_digit")
    return ui.label_value(class_confidences(analyse(digit).probabilities))


def _show(digit: np.ndarray | None) -> tuple:
    from mnist_cnn.predict import analyse
    from shared.digit_classifier import class_confidences, probability_table

    if digit is None:  # an empty canvas or a blank picture: a hint, not a guess
        return message("mnist_cnn.hint.empty"), None, None, None, ""
    analysis = analyse(digit)
    return (
        _answer_text(analysis),
        digit_image(analysis.digit, scale=10),
        class_confidences(analysis.probabilities),
        gr.update(value=probability_table(analysis.probabilities), x_title=message("mnist_cnn.axis.digit"),
                  y_title=message("mnist_cnn.axis.probability")),
        _network_view(analysis),
    )


def _network_view(analysis) -> str:
    """Every layer's picture, from the input to the softmax, then the first layer's filters."""
    activations = analysis.activations
    pictures = {
        "input": (to_uint8(analysis.digit), "small"),
        "conv1": (visualize.feature_maps(activations["conv1"]), "pixels"),
        "pool1": (visualize.feature_maps(activations["pool1"]), "pixels"),
        "conv2": (visualize.feature_maps(activations["conv2"]), "pixels"),
        "pool2": (visualize.feature_maps(activations["pool2"]), "pixels"),
        "dense": (visualize.vector_cells(activations["dense"]), "pixels"),
        "softmax": (visualize.softmax_cells(activations["softmax"]), "smooth"),
    }
    figures = [(message(LAYER_CAPTIONS.key(layer)), visualize.png_data_uri(picture), kind)
               for layer, (picture, kind) in pictures.items()]
    figures.append((message(LAYER_CAPTIONS.key("filters")), _filters_data_uri(), "pixels"))
    return visualize.network_html(figures)


@lru_cache(maxsize=1)
def _filters_data_uri() -> str:
    """The first layer's filters never change: draw and encode them once."""
    from mnist_cnn.predict import first_layer_filters

    return visualize.png_data_uri(visualize.filters(first_layer_filters()))


def _answer_text(analysis) -> str:
    from mnist_cnn.predict import one_hot

    return message(
        "mnist_cnn.answer",
        softmax="[" + " ".join(number(p, ".2f") for p in analysis.probabilities) + "]",
        vector="[" + " ".join(str(v) for v in one_hot(analysis.probabilities)) + "]",
        digit=analysis.predicted,
    )
