"""The "CNN classifier" tab: a sketchpad and an upload box on the left, the answer on the right,
and below them what every layer of the network computed.

Three events run the same steps (check the picture, prepare it as MNIST did, run the network):
- ``mnist_sketch`` after every stroke on the sketchpad (the live view);
- ``mnist_upload`` when a photo is uploaded or an example picked;
- ``mnist_classify``, the public API: one picture in, the ten probabilities out (a gr.Label value).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import gradio as gr
import numpy as np

from mnist_cnn import visualize
from mnist_cnn.predict import Analysis, analyse, class_confidences, first_layer_filters, one_hot, probability_table
from shared.cpu import single_threaded
from shared.digit_input import CANVAS_SIDE, digit_from_sketch, digit_from_upload, digit_input_tabs
from shared.i18n import error, message, number, ui_text

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            # The sketchpad tall enough to show the whole canvas at full size, not zoomed out.
            sketch, upload = digit_input_tabs("mnist_cnn", EXAMPLES_DIR, sketch_height=CANVAS_SIDE + 120,
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
    # The public endpoint has no button of its own in the page (the upload box already reacts by
    # itself); a hidden trigger gives it a stable name and all ten classes in a gr.Label.
    api_trigger = gr.Button(visible=False)
    api_label = gr.Label(label=ui_text("mnist_cnn.api.probabilities"), visible=False)
    api_trigger.click(classify, inputs=upload, outputs=api_label, api_name="mnist_classify",
                      api_description="One picture of a handwritten digit in (any size, colours or "
                                      "transparency); the probability of each digit 0-9 out.",
                      preprocess=False, show_progress="hidden")


@single_threaded
def analyse_sketch(sketch: dict | None):
    """Everything the tab shows for the sketchpad's picture (its flattened ``composite``)."""
    return _show(digit_from_sketch(sketch))


@single_threaded
def analyse_upload(file_data: dict | None):
    """Everything the tab shows for an uploaded picture; ``file_data`` is Gradio's unprocessed FileData."""
    return _show(digit_from_upload(file_data))


@single_threaded
def classify(image: dict | None) -> dict[str, float]:
    """The probability of each digit 0–9 for one uploaded picture (Gradio's unprocessed FileData)."""
    digit = digit_from_upload(image, required=True, no_digit_key="mnist_cnn.no_digit")
    return class_confidences(_analyse(digit).probabilities)


def _show(digit: np.ndarray | None) -> tuple:
    if digit is None:  # an empty canvas or a blank picture: a hint, not a guess
        return _nothing_to_show()
    analysis = _analyse(digit)
    return (
        _answer_text(analysis),
        visualize.network_input(analysis.digit, scale=10),
        class_confidences(analysis.probabilities),
        gr.update(value=probability_table(analysis.probabilities), x_title=message("mnist_cnn.axis.digit"),
                  y_title=message("mnist_cnn.axis.probability")),
        _network_view(analysis),
    )


def _network_view(analysis: Analysis) -> str:
    """Every layer's picture, from the input to the softmax, then the first layer's filters."""
    activations = analysis.activations
    pictures = [
        ("input", visualize.network_input(analysis.digit), "small"),
        ("conv1", visualize.feature_maps(activations["conv1"]), "pixels"),
        ("pool1", visualize.feature_maps(activations["pool1"]), "pixels"),
        ("conv2", visualize.feature_maps(activations["conv2"]), "pixels"),
        ("pool2", visualize.feature_maps(activations["pool2"]), "pixels"),
        ("dense", visualize.vector_cells(activations["dense"]), "pixels"),
        ("softmax", visualize.softmax_cells(activations["softmax"]), "smooth"),
    ]
    figures = [(message(f"mnist_cnn.layer.{layer}"), visualize.png_data_uri(picture), kind)
               for layer, picture, kind in pictures]
    figures.append((message("mnist_cnn.layer.filters"), _filters_data_uri(), "pixels"))
    return visualize.network_html(figures)


@lru_cache(maxsize=1)
def _filters_data_uri() -> str:
    """The first layer's filters never change: draw and encode them once."""
    return visualize.png_data_uri(visualize.filters(first_layer_filters()))


def _nothing_to_show() -> tuple:
    """The hint instead of a guess, and every picture cleared."""
    return message("mnist_cnn.hint.empty"), None, None, None, ""


def _analyse(digit: np.ndarray) -> Analysis:
    try:
        return analyse(digit)
    except FileNotFoundError:
        raise error("mnist_cnn.weights_missing") from None


def _answer_text(analysis: Analysis) -> str:
    return message(
        "mnist_cnn.answer",
        softmax="[" + " ".join(number(p, ".2f") for p in analysis.probabilities) + "]",
        vector="[" + " ".join(str(v) for v in one_hot(analysis.probabilities)) + "]",
        digit=analysis.predicted,
    )
