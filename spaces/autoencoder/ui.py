"""The "Autoencoder" tab: a digit in, and for each bottleneck (2, 8, 32 numbers) its code, the
reconstruction, the error and the compression ratio; a map of the 2-number codes; a button
that trains a small autoencoder live.

Events:
- ``autoencoder_sketch`` / ``autoencoder_upload`` (private): the live view for the sketchpad
  and the upload box;
- ``ae_reconstruct`` (public API): one picture and a bottleneck size in, the reconstruction
  and its numbers (code, MSE, PSNR, compression ratio) out;
- ``autoencoder_live_train``: trains a fresh small model for a bounded time, streaming.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import gradio as gr
import numpy as np
import pandas as pd

from autoencoder import checkpoint, live
from shared import digit_pictures, live_training
from shared.digit_input import digit_from_sketch, digit_from_upload, digit_input_tabs
from autoencoder.model import CODE_SIZES
from autoencoder.reconstruct import Reconstruction, code_plane, reconstruct, reconstruct_all
from shared.cpu import single_threaded
from shared.gpu import gpu
from shared.i18n import error, message, number, ui_text
from shared.validation import check_number

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
PLANE_POINTS = 2000


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            sketch, upload = digit_input_tabs("autoencoder", EXAMPLES_DIR)
        with gr.Column(scale=4, min_width=280):
            hint = gr.Markdown(ui_text("autoencoder.hint.empty"))
            seen = gr.Image(label=ui_text("autoencoder.seen"), format="png", interactive=False, height=230,
                            buttons=[])
    columns = []
    with gr.Row():
        for size in CODE_SIZES:
            with gr.Column(min_width=240):
                gr.Markdown(_column_heading(size))
                image = gr.Image(label=ui_text("autoencoder.reconstruction"), format="png", interactive=False,
                                 height=230, buttons=[])
                code = gr.BarPlot(x="index", y="value", sort=[str(i) for i in range(1, size + 1)],
                                  label=_code_label(size), height=200)
                stats = gr.Markdown()
                columns += [image, code, stats]
    with gr.Accordion(ui_text("autoencoder.plane.heading"), open=False):
        gr.Markdown(ui_text("autoencoder.plane.explain"))
        plane = gr.Image(label=ui_text("autoencoder.plane"), format="png", interactive=False, buttons=[])
    with gr.Accordion(ui_text("autoencoder.how.heading"), open=False):
        how = gr.Markdown()
    live_training.panel("autoencoder", live_train, default_seconds=30, options=lambda: [
        gr.Radio(choices=list(CODE_SIZES), value=8, label=ui_text("autoencoder.live.size"))])

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

    api_trigger = gr.Button(visible=False)
    api_size = gr.Number(value=8, visible=False)
    api_image = gr.Image(visible=False, format="png")
    api_numbers = gr.JSON(visible=False)
    api_trigger.click(api_reconstruct, inputs=[upload, api_size], outputs=[api_image, api_numbers],
                      api_name="ae_reconstruct",
                      api_description="One picture of a digit and a bottleneck size (2, 8 or 32) in; the "
                                      "reconstruction (28×28 PNG) and its code, MSE, PSNR and compression ratio out.",
                      preprocess=False, show_progress="hidden")


def _column_heading(size: int) -> gr.i18n.I18nData:
    # The heading is static text with a number in it: one translation key per size keeps it in
    # the browser's language without an event.
    return ui_text(f"autoencoder.column.{size}")


def _code_label(size: int) -> gr.i18n.I18nData:
    return ui_text(f"autoencoder.code.{size}")


@single_threaded
def show_sketch(sketch: dict | None):
    return _show(digit_from_sketch(sketch))


@single_threaded
def show_upload(file_data: dict | None):
    return _show(digit_from_upload(file_data))


def _show(digit: np.ndarray | None) -> tuple:
    if digit is None:
        return (message("autoencoder.hint.empty"), None) + (None,) * (3 * len(CODE_SIZES)) + (None,)
    results = _reconstruct_all(digit)
    outputs = ["", digit_pictures.digit_image(digit)]
    for result in results:
        outputs += [digit_pictures.digit_image(result.image), _code_plot(result), _stats(result)]
    outputs.append(_plane_image(results[0].code if results[0].code_size == 2 else None))
    return tuple(outputs)


def _reconstruct_all(digit: np.ndarray) -> list[Reconstruction]:
    try:
        return reconstruct_all(digit)
    except FileNotFoundError:
        raise error("autoencoder.weights_missing") from None


def _code_plot(result: Reconstruction) -> gr.BarPlot:
    table = pd.DataFrame({"index": [str(i) for i in range(1, result.code_size + 1)],
                          "value": [float(v) for v in result.code]})
    return gr.BarPlot(value=table, x_title=message("autoencoder.axis.index"), y_title=message("autoencoder.axis.value"))


def _stats(result: Reconstruction) -> str:
    return message("autoencoder.stats", mse=number(result.mse, ".4f"), psnr=number(result.psnr, ".1f"),
                   code_bytes=result.code_bytes, size=result.code_size, ratio=number(result.compression_ratio, ".1f"))


@lru_cache(maxsize=1)
def _test_codes() -> tuple[np.ndarray, np.ndarray, float, float]:
    from shared.mnist import load_mnist

    images, labels = load_mnist("test")
    codes, labels = code_plane(images[:PLANE_POINTS], labels[:PLANE_POINTS])
    low, high = np.percentile(codes, [0.5, 99.5])
    margin = 0.05 * (high - low)
    return codes, labels, float(low - margin), float(high + margin)


def _plane_image(code: np.ndarray | None):
    if code is None:
        return None
    try:
        codes, labels, low, high = _test_codes()
    except Exception:  # the test set may be unavailable offline; the rest of the tab still works
        return None
    return digit_pictures.scatter_image(codes, labels, low, high, marker=code)


def explain_metrics() -> str:
    models = checkpoint.shipped_metrics().get("models", {})
    parts = [message("autoencoder.metric", size=size, mse=number(entry["test_mse_per_pixel"], ".4f"),
                     psnr=number(entry["test_psnr_db"], ".1f"))
             for size in CODE_SIZES if (entry := models.get(checkpoint.model_name(size)))]
    return message("autoencoder.how.explain", metrics="; ".join(parts) if parts else message("autoencoder.metrics_missing"))


@single_threaded
def api_reconstruct(file_data: dict | None, code_size: object):
    size = check_number(code_size, message("autoencoder.code_size"), 1, 1024, integer=True)
    if size not in CODE_SIZES:
        raise error("autoencoder.bad_size", value=size)
    digit = digit_from_upload(file_data, required=True)
    try:
        result = reconstruct(digit, size)
    except FileNotFoundError:
        raise error("autoencoder.weights_missing") from None
    return digit_pictures.digit_image(result.image, scale=1), result.as_dict()


@gpu(duration=90)
def live_train(code_size: object, seconds: object, progress=gr.Progress()):
    """Stream a fresh autoencoder's training: (status, loss plot, test digits and reconstructions)."""
    size = check_number(code_size, message("autoencoder.code_size"), 1, 1024, integer=True)
    if size not in CODE_SIZES:
        raise error("autoencoder.bad_size", value=size)
    budget = check_number(seconds, message("autoencoder.live.seconds_name"), 1, live_training.MAX_SECONDS)

    def start():
        from shared.mnist import load_mnist

        train_images, _ = load_mnist("train")
        test_images, _ = load_mnist("test")
        return live.train_live(train_images, test_images, size, budget)

    shipped = checkpoint.shipped_metrics().get("models", {}).get(checkpoint.model_name(size), {})
    yield from live_training.stream(start, budget, lambda snapshot: _live_outputs(snapshot, size, budget, shipped),
                                    preparing_key="autoencoder.live.preparing", heading_key="autoencoder.live.heading",
                                    progress=progress)


def _live_outputs(snapshot: live_training.Snapshot, size: int, budget: float, shipped: dict):
    rows = [{"step": s, "loss": v, "curve": message("autoencoder.live.curve.train")} for s, v in snapshot.losses]
    table = pd.DataFrame(rows or [{"step": 0, "loss": snapshot.test_loss, "curve": message("autoencoder.live.curve.test")}])
    plot = gr.LinePlot(value=table, x_title=message("autoencoder.live.axis.step"),
                       y_title=message("autoencoder.live.axis.loss"))
    preview = digit_pictures.grid_image(snapshot.preview.reshape(-1, 28, 28), columns=live.PREVIEW_COUNT, scale=3)
    if snapshot.done:
        shipped_text = number(shipped["test_mse_per_pixel"], ".4f") if "test_mse_per_pixel" in shipped else "—"
        status = message("autoencoder.live.done", step=snapshot.step, elapsed=number(snapshot.elapsed, ".1f"),
                         loss=number(snapshot.test_loss, ".4f"), shipped=shipped_text)
    else:
        status = message("autoencoder.live.status", step=snapshot.step, elapsed=number(snapshot.elapsed, ".1f"),
                         seconds=number(budget, ".0f"), loss=number(snapshot.test_loss, ".4f"))
    return status, plot, preview

