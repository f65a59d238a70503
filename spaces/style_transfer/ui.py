"""The "Style transfer" tab: a content photo, a style painting, and a picture optimised to match both.

Events:
- ``style_transfer``: streams the picture, a filmstrip, both loss curves, and at the end the
  Gram matrices of the chosen layer for the content, the style and the result;
- ``style_transfer_gram`` (private): the Gram heatmaps of another layer for the last result.

Picture inputs are taken unprocessed (``preprocess=False``) and opened with
``shared.validation.open_image``, so a broken, huge or odd file gets a translated message.
"""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr

from shared import models
from shared.device import on_gpu, pick_device
from shared.gpu import GPU_EVENT, gpu, out_of_memory_error
from shared.i18n import error, message, number, ui_text, warn
from shared.validation import check_number, open_image
from style_transfer import pictures

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
MODEL_KEY = "style_transfer"
STYLE_LAYERS = ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1")
MIN_SIDE = 32
MAX_PASSES = 500
MAX_WEIGHT = 1e12
# About a minute on two CPU cores; full size on a GPU.
CPU = dict(side=192, passes=40, max_side=384)
GPU = dict(side=512, passes=150, max_side=1024)
FILMSTRIP_FRAMES = 8


def hardware() -> dict:
    return GPU if on_gpu() else CPU


def build() -> None:
    defaults = hardware()
    gr.Markdown(ui_text("style_transfer.explain"))
    models.status_component(MODEL_KEY)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            with gr.Row():
                content = gr.Image(label=ui_text("style_transfer.content"), type="filepath",
                                   sources=["upload", "clipboard", "webcam"], height=220, buttons=[], min_width=140)
                style = gr.Image(label=ui_text("style_transfer.style"), type="filepath",
                                 sources=["upload", "clipboard"], height=220, buttons=[], min_width=140)
            gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("content_*.jpg"))], inputs=[content],
                        label=ui_text("style_transfer.content_examples"),
                        api_name="style_transfer_content_example", api_visibility="private")
            gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("style_*.jpg"))], inputs=[style],
                        label=ui_text("style_transfer.style_examples"),
                        api_name="style_transfer_style_example", api_visibility="private")
            with gr.Accordion(ui_text("style_transfer.settings"), open=True):
                side = gr.Slider(64, defaults["max_side"], value=defaults["side"], step=32,
                                 label=ui_text("style_transfer.side"), info=ui_text("style_transfer.side.info"))
                passes = gr.Slider(1, MAX_PASSES, value=defaults["passes"], step=1,
                                   label=ui_text("style_transfer.passes"), info=ui_text("style_transfer.passes.info"))
                content_weight = gr.Number(1.0, minimum=0, label=ui_text("style_transfer.content_weight"))
                style_weight = gr.Number(1e6, minimum=0, label=ui_text("style_transfer.style_weight"),
                                         info=ui_text("style_transfer.style_weight.info"))
            with gr.Accordion(ui_text("style_transfer.layer_weights"), open=False):
                gr.Markdown(ui_text("style_transfer.layer_weights.explain"))
                layer_weights = [gr.Slider(0.0, 1.0, value=1.0, step=0.05, label=f"{layer}") for layer in STYLE_LAYERS]
            with gr.Row():
                run = gr.Button(ui_text("style_transfer.run"), variant="primary")
                stop = gr.Button(ui_text("style_transfer.stop"), variant="stop")
        with gr.Column(scale=5, min_width=320):
            result = gr.Image(label=ui_text("style_transfer.result"), format="png", interactive=False,
                              buttons=["download", "fullscreen"])
            summary = gr.Markdown()
            filmstrip = gr.Gallery(label=ui_text("style_transfer.filmstrip"), columns=5, height=200, format="jpeg",
                                   object_fit="contain")
            with gr.Row():
                content_curve = gr.LinePlot(x="pass", y="loss", label=ui_text("style_transfer.content_curve"),
                                            height=200, min_width=200)
                style_curve = gr.LinePlot(x="pass", y="loss", label=ui_text("style_transfer.style_curve"),
                                          height=200, min_width=200)
    with gr.Accordion(ui_text("style_transfer.gram.heading"), open=True):
        gr.Markdown(ui_text("style_transfer.gram.explain"))
        gram_layer = gr.Dropdown(list(STYLE_LAYERS), value="conv2_1", label=ui_text("style_transfer.gram.layer"))
        with gr.Row():
            gram_content = gr.Image(label=ui_text("style_transfer.gram.content"), format="png", interactive=False,
                                    buttons=[], min_width=160)
            gram_style = gr.Image(label=ui_text("style_transfer.gram.style"), format="png", interactive=False,
                                  buttons=[], min_width=160)
            gram_result = gr.Image(label=ui_text("style_transfer.gram.result"), format="png", interactive=False,
                                   buttons=[], min_width=160)
    last_run = gr.State(None)

    event = run.click(
        style_transfer, inputs=[content, style, content_weight, style_weight, *layer_weights, passes, side, gram_layer],
        outputs=[result, filmstrip, content_curve, style_curve, summary, gram_content, gram_style, gram_result,
                 last_run],
        api_name="style_transfer", preprocess=False,
        api_description="Gatys et al. neural style transfer with VGG-19: streams the picture, the losses, and at "
                        "the end the Gram matrices of the chosen layer.",
        **GPU_EVENT)
    stop.click(None, None, None, cancels=[event], api_name="style_transfer_stop", api_visibility="private",
               queue=False)
    gram_layer.change(show_grams, inputs=[last_run, gram_layer], outputs=[gram_content, gram_style, gram_result],
                      api_name="style_transfer_gram", api_visibility="private", show_progress="minimal", **GPU_EVENT)


def style_transfer(content, style, content_weight, style_weight, w1, w2, w3, w4, w5, passes, side, gram_layer,
                   progress=gr.Progress()):
    """Stream the run: (picture, filmstrip, content curve, style curve, text, 3 Gram heatmaps, state)."""
    content_path, style_path = _file_path(content, "style_transfer.content_missing"), \
        _file_path(style, "style_transfer.style_missing")
    content_weight = check_number(content_weight, message("style_transfer.content_weight.name"), 0, MAX_WEIGHT)
    style_weight = check_number(style_weight, message("style_transfer.style_weight.name"), 0, MAX_WEIGHT)
    layer_weights = tuple(check_number(w, layer, 0.0, 1.0) for w, layer in zip((w1, w2, w3, w4, w5), STYLE_LAYERS))
    if content_weight == 0 and (style_weight == 0 or not any(layer_weights)):
        raise error("style_transfer.nothing_to_do")
    passes = check_number(passes, message("style_transfer.passes.name"), 1, MAX_PASSES, integer=True)
    side = check_number(side, message("style_transfer.side.name"), MIN_SIDE, GPU["max_side"], integer=True)
    gram_layer = _check_layer(gram_layer)
    limit = hardware()["max_side"]
    if side > limit:
        warn("style_transfer.side.capped", side=side, limit=limit)
        side = limit
    content_image = pictures.fit(open_image(content_path, min_side=MIN_SIDE), side)
    style_image = pictures.fit(open_image(style_path, min_side=MIN_SIDE), side)
    yield from _transfer_on_device(content_image, style_image, content_weight, style_weight, layer_weights, passes,
                                   gram_layer, progress)


@gpu(duration=180)
def _transfer_on_device(content, style, content_weight, style_weight, layer_weights, passes, gram_layer, progress):
    import torch

    from style_transfer.transfer import gram_matrices, style_transfer as optimise
    from style_transfer.vgg import load_features

    # float32 even on a GPU: Gram matrices of deep layers overflow half precision.
    device = pick_device()
    features = models.load(MODEL_KEY, lambda ident: load_features(ident, device))
    strip = [(pictures.photo_picture(content), message("style_transfer.frame.content")),
             (pictures.photo_picture(style), message("style_transfer.frame.style"))]
    chunk = max(1, -(-passes // FILMSTRIP_FRAMES))
    started = time.perf_counter()
    step = None
    try:
        for step in optimise(features, content, style, content_weight, style_weight, layer_weights, passes, chunk,
                             device):
            progress((min(step.passes, passes), passes), desc=message("style_transfer.progress"))
            picture = pictures.photo_picture(step.image)
            strip.append((picture, message("style_transfer.frame.pass", passes=step.passes)))
            if step.passes < passes and not step.diverged:  # the final picture comes with the Gram matrices
                yield (picture, strip, *_curves(step), message("style_transfer.running", done=step.passes,
                                                                total=passes), gr.skip(), gr.skip(), gr.skip(),
                       gr.skip())
        grams = gram_matrices(features, {"content": content, "style": style, "result": step.image}, gram_layer, device)
    except torch.OutOfMemoryError:
        raise out_of_memory_error() from None
    seconds = time.perf_counter() - started
    heatmaps = pictures.gram_pictures(grams)
    if step.diverged:
        warn("style_transfer.diverged")
    text = message("style_transfer.done", width=step.image.shape[1], height=step.image.shape[0], passes=step.passes,
                   seconds=number(seconds), device=device.type.upper(),
                   content=number(step.content_losses[0], ".3g"), content_end=number(step.content_losses[-1], ".3g"),
                   style=number(step.style_losses[0], ".3g"), style_end=number(step.style_losses[-1], ".3g"))
    state = {"content": content, "style": style, "result": step.image}
    yield (pictures.photo_picture(step.image), strip, *_curves(step), text, heatmaps["content"], heatmaps["style"],
           heatmaps["result"], state)


def show_grams(state, layer):
    if not isinstance(state, dict):  # another layer chosen before any run: nothing to show yet
        return gr.skip(), gr.skip(), gr.skip()
    layer = _check_layer(layer)
    return _grams_on_device(state, layer)


@gpu(duration=30)
def _grams_on_device(state, layer):
    from style_transfer.transfer import gram_matrices
    from style_transfer.vgg import load_features

    device = pick_device()
    features = models.load(MODEL_KEY, lambda ident: load_features(ident, device))
    heatmaps = pictures.gram_pictures(gram_matrices(features, state, layer, device))
    return heatmaps["content"], heatmaps["style"], heatmaps["result"]


def _curves(step) -> tuple:
    return (gr.LinePlot(value=pictures.loss_table(step.content_losses), x_title=message("style_transfer.axis.pass"),
                        y_title=message("style_transfer.axis.content")),
            gr.LinePlot(value=pictures.loss_table(step.style_losses), x_title=message("style_transfer.axis.pass"),
                        y_title=message("style_transfer.axis.style")))


def _check_layer(layer) -> str:
    if layer not in STYLE_LAYERS:
        raise error("style_transfer.bad_layer", choices=", ".join(STYLE_LAYERS))
    return layer


def _file_path(file_data, missing_key: str) -> str:
    """The path of an uploaded file as Gradio hands it over unprocessed (FileData)."""
    if file_data is None:
        raise error(missing_key)
    path = file_data.get("path") if isinstance(file_data, dict) else None
    if not isinstance(path, str) or not path:
        raise error("shared.image.not_image")
    return path
