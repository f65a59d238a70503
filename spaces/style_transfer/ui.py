"""The "Style transfer" tab: a content photo, a style painting, and a picture optimised to match both.

Events:
- ``style_transfer``: streams the picture, a filmstrip, both loss curves, and at the end the
  Gram matrices of the chosen layer for the content, the style and the result;
  ``style_transfer_stop`` ends it between two chunks of passes;
- ``style_transfer_gram`` (private): the Gram heatmaps of another layer for the last result.

Picture inputs are taken unprocessed (``preprocess=False``) and opened with
``shared.validation.open_image``, so a broken, huge or odd file gets a translated message.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np

from shared import models, ui
from shared.controls import Choice, Number
from shared.device import by_hardware, pick_device
from shared.digit_pictures import to_uint8
from shared.errors import LabError
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number
from shared.run_control import StopSignals, session_of
from shared.texts import Family
from shared.ui import ui_text
from shared.validation import open_image, uploaded_path
from style_transfer import pictures
from style_transfer.layers import STYLE_LAYERS

DEMO = "style_transfer"
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
MODEL_KEY = "style_transfer"
MIN_PICTURE_SIDE = 32
MAX_WEIGHT = 1e12
# The longest output side a GPU affords. The API may ask for it on any machine; a CPU then
# works at its own limit (the slider's end) and says so.
MAX_SIDE = 1024
STOP = StopSignals("style_transfer")

# About a minute on two CPU cores; full size on a GPU.
SIDE = Number("style_transfer.side", low=64, high=by_hardware(cpu=384, gpu=MAX_SIDE),
              default=by_hardware(cpu=192, gpu=512), step=32, integer=True, info=True, named=True, api_high=MAX_SIDE)
PASSES = Number("style_transfer.passes", low=1, high=500, default=by_hardware(cpu=40, gpu=150), step=1, integer=True,
                info=True, named=True)
CONTENT_WEIGHT = Number("style_transfer.content_weight", low=0, high=MAX_WEIGHT, default=1.0, named=True)
STYLE_WEIGHT = Number("style_transfer.style_weight", low=0, high=MAX_WEIGHT, default=1e6, info=True, named=True)
# One slider per style layer, labelled with the layer's name.
LAYER_NAMES = Family("style_transfer.layer_weight", STYLE_LAYERS)
LAYER_WEIGHTS = tuple(Number(key, low=0.0, high=1.0, default=1.0, step=0.05) for key in LAYER_NAMES.keys())
GRAM_LAYER = Choice("style_transfer.gram.layer", choices=STYLE_LAYERS, default="conv2_1", dropdown=True)


def build() -> None:
    gr.Markdown(ui_text("style_transfer.explain"))
    ui.model_status(MODEL_KEY)
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
            with ui.advanced(demo=DEMO, open=True):
                side, passes, content_weight, style_weight = (ui.component(control) for control in
                                                              (SIDE, PASSES, CONTENT_WEIGHT, STYLE_WEIGHT))
            with ui.advanced("style_transfer.layer_weights", open=False):
                gr.Markdown(ui_text("style_transfer.layer_weights.explain"))
                layer_weights = [ui.component(control) for control in LAYER_WEIGHTS]
            with gr.Row() as buttons:
                run = gr.Button(ui_text("style_transfer.run"), variant="primary")
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
        gram_layer = ui.component(GRAM_LAYER)
        with gr.Row():
            gram_content = gr.Image(label=ui_text("style_transfer.gram.content"), format="png", interactive=False,
                                    buttons=[], min_width=160)
            gram_style = gr.Image(label=ui_text("style_transfer.gram.style"), format="png", interactive=False,
                                  buttons=[], min_width=160)
            gram_result = gr.Image(label=ui_text("style_transfer.gram.result"), format="png", interactive=False,
                                   buttons=[], min_width=160)
    last_run = gr.State(None, time_to_live=ui.STATE_SECONDS)

    event = run.click(
        style_transfer, inputs=[content, style, content_weight, style_weight, *layer_weights, passes, side, gram_layer],
        outputs=[result, filmstrip, content_curve, style_curve, summary, gram_content, gram_style, gram_result,
                 last_run],
        api_name="style_transfer", preprocess=False,
        api_description="Gatys et al. neural style transfer with VGG-19: streams the picture, the losses, and at "
                        "the end the Gram matrices of the chosen layer.",
        **GPU_EVENT)
    with buttons:  # Stop next to Transfer; it can only be made once the event it ends exists
        ui.stop_button(DEMO, cancels=[event], signals=STOP, api_name="style_transfer_stop")
    gram_layer.change(show_grams, inputs=[last_run, gram_layer], outputs=[gram_content, gram_style, gram_result],
                      api_name="style_transfer_gram", api_visibility="private", show_progress="minimal", **GPU_EVENT)


@ui.handler
def style_transfer(content, style, content_weight, style_weight, w1, w2, w3, w4, w5, passes, side, gram_layer,
                   request: gr.Request = None, progress=gr.Progress()):
    """Stream the run: (picture, filmstrip, content curve, style curve, text, 3 Gram heatmaps, state)."""
    content_path = uploaded_path(content, missing="style_transfer.content_missing")
    style_path = uploaded_path(style, missing="style_transfer.style_missing")
    content_weight, style_weight = CONTENT_WEIGHT.check(content_weight), STYLE_WEIGHT.check(style_weight)
    layer_weights = tuple(control.check(w) for control, w in zip(LAYER_WEIGHTS, (w1, w2, w3, w4, w5), strict=True))
    if content_weight == 0 and (style_weight == 0 or not any(layer_weights)):
        raise LabError("style_transfer.nothing_to_do")
    passes, gram_layer = PASSES.check(passes), GRAM_LAYER.check(gram_layer)
    side = ui.check_within_page(SIDE, side, "style_transfer.side.capped")
    content_image, style_image = (pictures.fit(open_image(path, min_side=MIN_PICTURE_SIDE), side)
                                  for path in (content_path, style_path))
    input_frames = [(to_uint8(content_image), message("style_transfer.frame.content")),
                    (to_uint8(style_image), message("style_transfer.frame.style"))]
    for state in _transfer_on_device(session_of(request), content_image, style_image, content_weight=content_weight,
                                     style_weight=style_weight, layer_weights=layer_weights, passes=passes,
                                     gram_layer=gram_layer):
        progress((min(state.step.passes, passes), passes), desc=message("style_transfer.progress"))
        yield _show_run(state, input_frames, passes, content_image, style_image)


@gpu(duration=180)
def _transfer_on_device(session: str, content: np.ndarray, style: np.ndarray, **settings):
    """The run where the GPU is (ZeroGPU lends one to this call only), until it ends or Stop is pressed."""
    from style_transfer.transfer import transfer_progress

    device = pick_device()
    with STOP.running(session) as stop:
        yield from transfer_progress(_features(device), content, style, device=device, stop=stop, **settings)


def _show_run(state, input_frames: list, passes: int, content: np.ndarray, style: np.ndarray) -> tuple:
    step = state.step
    strip = [*input_frames, *((picture, message("style_transfer.frame.pass", passes=done))
                        for picture, done in state.filmstrip)]
    if not step.finished:
        return (state.picture, strip, *_curves(step), message("style_transfer.running", done=step.passes,
                                                                total=passes), gr.skip(), gr.skip(), gr.skip(),
                gr.skip())
    if step.diverged:
        ui.warn("style_transfer.diverged")
    text = message("style_transfer.done", width=step.image.shape[1], height=step.image.shape[0], passes=step.passes,
                   seconds=number(state.seconds), device=state.device.upper(),
                   content=number(step.content_losses[0], ".3g"), content_end=number(step.content_losses[-1], ".3g"),
                   style=number(step.style_losses[0], ".3g"), style_end=number(step.style_losses[-1], ".3g"))
    heatmaps = state.heatmaps
    return (state.picture, strip, *_curves(step), text, heatmaps["content"], heatmaps["style"], heatmaps["result"],
            {"content": content, "style": style, "result": step.image})


@ui.handler
def show_grams(state, layer):
    if not isinstance(state, dict):  # another layer chosen before any run: nothing to show yet
        return gr.skip(), gr.skip(), gr.skip()
    heatmaps = _grams_on_device(state, GRAM_LAYER.check(layer))
    return heatmaps["content"], heatmaps["style"], heatmaps["result"]


@gpu(duration=30)
def _grams_on_device(images: dict, layer: str) -> dict:
    from style_transfer.transfer import gram_heatmaps

    device = pick_device()
    return gram_heatmaps(_features(device), images, layer, device)


def _features(device):
    """VGG-19's features on ``device``, loaded once; float32 even on a GPU: Gram matrices of deep
    layers overflow half precision."""
    from style_transfer.vgg import load_features

    return models.load(MODEL_KEY, lambda ident: load_features(ident, device))


def _curves(step) -> tuple:
    return (gr.LinePlot(value=pictures.loss_table(step.content_losses), x_title=message("style_transfer.axis.pass"),
                        y_title=message("style_transfer.axis.content")),
            gr.LinePlot(value=pictures.loss_table(step.style_losses), x_title=message("style_transfer.axis.pass"),
                        y_title=message("style_transfer.axis.style")))
