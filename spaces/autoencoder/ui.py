"""The "Autoencoder" tab: a digit in, and for each bottleneck (2, 8, 32 numbers) its code, the
reconstruction, the error and the compression ratio; a map of the 2-number codes; a button
that trains a small autoencoder live.

Events:
- ``autoencoder_sketch`` / ``autoencoder_upload`` (private): the live view for the sketchpad
  and the upload box;
- ``ae_reconstruct`` (API only): one picture and a bottleneck size in, the reconstruction
  and its numbers (code, MSE, PSNR, compression ratio) out;
- ``autoencoder_live_train``: trains a fresh small model for a bounded time, streaming.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
import numpy as np
import pandas as pd
from gradio.data_classes import FileData

from autoencoder import checkpoint
from autoencoder.checkpoint import CODE_SIZES
from shared import digit_pictures, live_training, ui
from shared.controls import Choice
from shared.cpu import single_threaded
from shared.digit_input import digit_from_sketch, digit_from_upload
from shared.gpu import gpu
from shared.i18n import message, number, widget_key
from shared.texts import Family
from shared.ui import ui_text

if TYPE_CHECKING:
    from autoencoder.reconstruct import Reconstruction

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
CODE_SIZE = Choice("autoencoder.code_size", choices=CODE_SIZES, default=8, named=True)
LIVE_SECONDS = live_training.seconds_control(30)
# Headings with a number in them: one key per size keeps them in the browser's language without an event.
COLUMN_HEADINGS = Family("autoencoder.column", CODE_SIZES)
CODE_LABELS = Family("autoencoder.code", CODE_SIZES)


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            sketch, upload = ui.digit_input_tabs("autoencoder", EXAMPLES_DIR)
        with gr.Column(scale=4, min_width=280):
            hint = gr.Markdown(ui_text("autoencoder.hint.empty"))
            seen = gr.Image(label=ui_text("autoencoder.seen"), format="png", interactive=False, height=230,
                            buttons=[])
    columns = []
    with gr.Row():
        for size in CODE_SIZES:
            with gr.Column(min_width=240):
                gr.Markdown(ui_text(COLUMN_HEADINGS.key(size)))
                image = gr.Image(label=ui_text("autoencoder.reconstruction"), format="png", interactive=False,
                                 height=230, buttons=[])
                code = gr.BarPlot(x="index", y="value", sort=[str(i) for i in range(1, size + 1)],
                                  label=ui_text(CODE_LABELS.key(size)), height=200)
                stats = gr.Markdown()
                columns += [image, code, stats]
    with gr.Accordion(ui_text("autoencoder.plane.heading"), open=False):
        gr.Markdown(ui_text("autoencoder.plane.explain"))
        plane = gr.Image(label=ui_text("autoencoder.plane"), format="png", interactive=False, buttons=[])
    with gr.Accordion(ui_text(widget_key("autoencoder", "how")), open=False):
        how = gr.Markdown()
    ui.live_training_panel("autoencoder", live_train, explain="autoencoder.live.explain",
                           plot="autoencoder.live.plot", preview="autoencoder.live.preview", seconds=LIVE_SECONDS,
                           options=lambda: [ui.component(CODE_SIZE)])

    outputs = [hint, seen, *columns, plane]
    # always_last: while one stroke is processed, further strokes collapse into one follow-up request.
    sketch.change(show_sketch, inputs=sketch, outputs=outputs, api_name="autoencoder_sketch",
                  api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    # preprocess=False hands over the uploaded file's path untouched, so open_image checks it
    # (and refuses broken or huge files with a translated message) before anything decodes it.
    upload.change(show_upload, inputs=upload, outputs=outputs, api_name="autoencoder_upload",
                  api_visibility="private", preprocess=False, show_progress="minimal")
    gr.on(triggers=None, fn=explain_metrics, inputs=None, outputs=how, api_name="autoencoder_metrics",
          api_visibility="private", queue=False, show_progress="hidden")
    ui.api(api_reconstruct, api_name="ae_reconstruct")


@ui.handler
@single_threaded
def show_sketch(sketch: dict | None):
    return _show(digit_from_sketch(sketch))


@ui.handler
@single_threaded
def show_upload(file_data: dict | None):
    return _show(digit_from_upload(file_data))


def _show(digit: np.ndarray | None) -> tuple:
    """The hint, the input, each bottleneck's column and the plane of 2-number codes."""
    from autoencoder.reconstruct import PLANE_SIZE, plane_image, reconstruct_all

    if digit is None:
        return (message("autoencoder.hint.empty"), None) + (None,) * (3 * len(CODE_SIZES)) + (None,)
    results = reconstruct_all(digit)
    outputs = ["", digit_pictures.digit_image(digit)]
    for result in results:
        outputs += [digit_pictures.digit_image(result.image), _code_plot(result), _stats(result)]
    outputs.append(plane_image(next(result.code for result in results if result.code_size == PLANE_SIZE)))
    return tuple(outputs)


def _code_plot(result: Reconstruction) -> gr.BarPlot:
    table = pd.DataFrame({"index": [str(i) for i in range(1, result.code_size + 1)],
                          "value": [float(v) for v in result.code]})
    return gr.BarPlot(value=table, x_title=message("autoencoder.axis.index"), y_title=message("autoencoder.axis.value"))


def _stats(result: Reconstruction) -> str:
    return message("autoencoder.stats", mse=number(result.mse, ".4f"), psnr=number(result.psnr, ".1f"),
                   code_bytes=result.code_bytes, size=result.code_size, ratio=number(result.compression_ratio, ".1f"))


@ui.handler
def explain_metrics() -> str:
    models = checkpoint.shipped_metrics().get("models", {})
    parts = [message("autoencoder.metric", size=size, mse=number(entry["test_mse_per_pixel"], ".4f"),
                     psnr=number(entry["test_psnr_db"], ".1f"))
             for size in CODE_SIZES if (entry := models.get(checkpoint.model_name(size)))]
    return message("autoencoder.how.explain", metrics="; ".join(parts) if parts else message("shared.metrics_missing"))


@single_threaded
def api_reconstruct(image: FileData, code_size: int = CODE_SIZE.default) -> tuple[FileData, dict]:
    """One picture of a digit and a bottleneck size (2, 8 or 32) in; the reconstruction (28×28 PNG)
    and its code, MSE, PSNR and compression ratio out."""
    from autoencoder.reconstruct import reconstruct

    size = CODE_SIZE.check(code_size)
    result = reconstruct(digit_from_upload(image, required=True), size)
    return ui.picture_file(digit_pictures.digit_image(result.image, scale=1)), result.as_dict()


@gpu(duration=90)
def live_train(code_size: object, seconds: object, progress=gr.Progress()):
    """Stream a fresh autoencoder's training: (status, loss plot, test digits and reconstructions)."""
    from autoencoder import live

    size, budget = CODE_SIZE.check(code_size), LIVE_SECONDS.check(seconds)
    shipped = checkpoint.shipped_metrics().get("models", {}).get(checkpoint.model_name(size), {})
    yield from live_training.stream(partial(live.train_on_mnist, size, budget), budget,
                                    partial(_live_outputs, budget=budget, shipped=shipped), demo="autoencoder",
                                    progress=progress)


def _live_outputs(snapshot: live_training.Snapshot, *, budget: float, shipped: dict) -> tuple:
    from autoencoder.live import PREVIEW_COUNT

    return ui.live_outputs_with_test_loss("autoencoder", snapshot, budget=budget, status="autoencoder.live.status",
                                          done="autoencoder.live.done", loss_title="autoencoder.live.axis.loss",
                                          loss_format=".4f", shipped=shipped.get("test_mse_per_pixel"),
                                          columns=PREVIEW_COUNT)
