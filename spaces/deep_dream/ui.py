"""The "Deep Dream & class visualisation" tab: two sub-tabs, one idea — change the pixels, not the weights.

Events (all check their inputs; the API skips the page):
- ``class_visualize``: gradient ascent from noise, a blank field, an MNIST digit or a drawing
  towards one digit; the picture and the ten probabilities at every step.
- ``deep_dream_fool``: the smallest change that makes the network read another digit.
- ``deep_dream_show_step`` and ``deep_dream_pick_frame`` (private): a step of the last run, chosen
  on the slider or the filmstrip.
- ``deep_dream``: Deep Dream on a photo with GoogLeNet, streaming intermediate pictures;
  ``deep_dream_stop`` ends it between two steps.

Events with picture inputs use ``preprocess=False``: Gradio would otherwise open the files
itself and fail on a broken or oversized one with an untranslated error; here every file
goes through ``shared.validation.open_image``.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np

from deep_dream import pictures
from deep_dream.controls import (
    BLUR,
    CONFIDENCE,
    DIGIT_STARTS,
    DIGITS,
    DREAM_JITTER,
    DREAM_STEP,
    ITERATIONS,
    JITTER,
    L2,
    LAYER,
    MNIST_INDEX,
    OCTAVE_SCALE,
    OCTAVES,
    SEED,
    SHOWN_STEP,
    SIDE,
    START,
    STEP_SIZE,
    STEPS,
    TARGET,
)
from shared import models, ui
from shared.device import pick_device
from shared.digit_input import digit_from_upload
from shared.digit_pictures import digit_image, to_uint8
from shared.errors import LabError
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import decimal_mark, message, number
from shared.run_control import StopSignals, session_of
from shared.ui import ui_text
from shared.validation import open_image, uploaded_path

DEMO = "deep_dream"
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
MODEL_KEY = "deep_dream"
MIN_PHOTO_SIDE = 32
STOP = StopSignals("deep_dream")


def build() -> None:
    with gr.Tabs():
        with gr.Tab(ui_text("deep_dream.tab.digits"), id="deep_dream-digits"):
            _build_digits()
        with gr.Tab(ui_text("deep_dream.tab.photo"), id="deep_dream-photo"):
            _build_photo()


# ---------------------------------------------------------------- MNIST: class visualisation, fool it

def _build_digits() -> None:
    gr.Markdown(ui_text("deep_dream.digits.explain"))
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            target = ui.component(TARGET)
            start = ui.component(START)
            mnist_index = ui.component(MNIST_INDEX)
            digit_tab = gr.State("draw", time_to_live=ui.STATE_SECONDS)
            sketch, upload = ui.digit_input_tabs(DEMO, None, upload_height=260, opened=digit_tab)
            with ui.advanced(demo=DEMO, open=True):
                settings = [ui.component(control) for control in (STEPS, STEP_SIZE, JITTER, BLUR, L2, SEED)]
            visualize_button = gr.Button(ui_text("deep_dream.visualize"), variant="primary")
        with gr.Column(scale=5, min_width=320):
            filmstrip = gr.Gallery(label=ui_text("deep_dream.filmstrip"), columns=4, format="png",
                                   object_fit="contain", allow_preview=False)
            step_slider = ui.component(SHOWN_STEP, interactive=True)
            with gr.Row():
                step_image = gr.Image(label=ui_text("deep_dream.step_image"), format="png", interactive=False,
                                      buttons=[], min_width=160)
                step_bars = gr.BarPlot(x="digit", y="probability", y_lim=[0, 1], sort=list(DIGITS),
                                       label=ui_text("deep_dream.bars"), height=224, min_width=200)
            step_text = gr.Markdown()
            curve = gr.LinePlot(x="step", y="probability", y_lim=[0, 1], label=ui_text("deep_dream.curve"),
                                height=220)
            with gr.Accordion(ui_text("deep_dream.numbers"), open=False):
                numbers = gr.JSON(label=ui_text("deep_dream.numbers"))
    trajectory = gr.State(None, time_to_live=ui.STATE_SECONDS)

    gr.Markdown(ui_text("deep_dream.fool.explain"))
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            confidence = ui.component(CONFIDENCE)
            fool_button = gr.Button(ui_text("deep_dream.fool"), variant="primary")
            fool_text = gr.Markdown()
        with gr.Column(scale=5, min_width=320):
            with gr.Row():
                original = gr.Image(label=ui_text("deep_dream.original"), format="png", interactive=False,
                                    buttons=[], min_width=120)
                changed = gr.Image(label=ui_text("deep_dream.changed"), format="png", interactive=False,
                                   buttons=[], min_width=120)
                difference = gr.Image(label=ui_text("deep_dream.difference"), format="png", interactive=False,
                                      buttons=[], min_width=120)
            with gr.Row():
                before = gr.Label(label=ui_text("deep_dream.before"), num_top_classes=3)
                after = gr.Label(label=ui_text("deep_dream.after"), num_top_classes=3)

    digit_inputs = [start, mnist_index, sketch, upload, digit_tab]
    visualize_button.click(
        class_visualize, inputs=[target, *digit_inputs, *settings],
        outputs=[filmstrip, step_slider, step_image, step_bars, step_text, curve, numbers, trajectory],
        api_name="class_visualize", preprocess=False,
        api_description="Gradient ascent on the pixels of a 28×28 picture so that the MNIST CNN's "
                        "probability of the target digit grows; the picture and the ten probabilities at every step.")
    filmstrip.select(pick_frame, inputs=trajectory, outputs=[step_slider, step_image, step_bars, step_text],
                     api_name="deep_dream_pick_frame", api_visibility="private", show_progress="hidden")
    step_slider.release(show_step, inputs=[trajectory, step_slider], outputs=[step_image, step_bars, step_text],
                        api_name="deep_dream_show_step", api_visibility="private", show_progress="hidden")
    fool_button.click(
        fool_network, inputs=[target, *digit_inputs, confidence],
        outputs=[original, changed, difference, before, after, fool_text],
        api_name="deep_dream_fool", preprocess=False,
        api_description="The smallest change found to a digit that makes the MNIST CNN read the target digit.")


@ui.handler
def class_visualize(target, start, mnist_index, sketch, upload, digit_tab, steps, step_size, jitter, blur, l2,
                    seed):
    """Everything the tab shows for one run of class visualisation."""
    from deep_dream.class_visualization import visualize_class
    from shared.digit_classifier import shipped_model

    target, steps = int(TARGET.check(target)), STEPS.check(steps)
    settings = dict(step_size=STEP_SIZE.check(step_size), jitter=JITTER.check(jitter), blur_sigma=BLUR.check(blur),
                    l2_decay=L2.check(l2), seed=SEED.check(seed))
    first = _start_picture(START.check(start), mnist_index, sketch, upload, digit_tab, settings["seed"])
    run = visualize_class(shipped_model(), first, target, steps=steps, **settings)
    shown = pictures.filmstrip_indices(len(run.images))
    state = {"target": target, "images": run.images, "probabilities": run.probabilities, "frames": shown}
    return (_filmstrip(run, shown), gr.Slider(maximum=steps, value=steps), *_step_view(state, steps),
            _curve(run), {"target": target, "probabilities": np.round(run.probabilities, 4).tolist()}, state)


@ui.handler
def show_step(state, step):
    if not isinstance(state, dict):  # the slider was moved before any run: nothing to show yet
        return gr.skip(), gr.skip(), gr.skip()
    return _step_view(state, SHOWN_STEP.check(step, high=len(state["images"]) - 1))


@ui.handler
def pick_frame(state, selected: gr.SelectData):
    """A click on a filmstrip frame shows that step in full."""
    if not isinstance(state, dict) or not 0 <= selected.index < len(state["frames"]):
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    step = state["frames"][selected.index]
    return gr.Slider(value=step), *_step_view(state, step)


@ui.handler
def fool_network(target, start, mnist_index, sketch, upload, digit_tab, confidence):
    from deep_dream.fool import fool
    from shared.digit_classifier import class_confidences, shipped_model

    target, confidence, kind = int(TARGET.check(target)), CONFIDENCE.check(confidence), START.check(start)
    if kind not in DIGIT_STARTS:
        raise LabError("deep_dream.fool.needs_digit")
    result = fool(shipped_model(), _digit(kind, mnist_index, sketch, upload, digit_tab), target,
                  confidence=confidence)
    return (digit_image(result.original), digit_image(result.changed),
            pictures.difference_picture(result.difference), class_confidences(result.before),
            class_confidences(result.after), _fool_summary(result))


def _start_picture(kind: str, mnist_index, sketch, upload, digit_tab, seed: int) -> np.ndarray:
    from deep_dream.class_visualization import blank_start, noise_start

    if kind == "noise":
        return noise_start(seed)
    if kind == "blank":
        return blank_start()
    return _digit(kind, mnist_index, sketch, upload, digit_tab)


def _digit(kind: str, mnist_index, sketch, upload, digit_tab) -> np.ndarray:
    """The 28×28 digit a run starts from: an MNIST test digit or the person's picture."""
    from deep_dream.class_visualization import mnist_test_digit

    if kind == "mnist":
        return mnist_test_digit(MNIST_INDEX.check(mnist_index))
    if sketch is not None and not isinstance(sketch, dict):
        raise LabError("shared.image.not_image")
    drawing = sketch.get("composite") if sketch else None
    # The open sub-tab decides which picture comes first; an empty canvas falls back to the upload.
    for source in ((upload, drawing) if digit_tab == "upload" else (drawing, upload)):
        digit = digit_from_upload(source)
        if digit is not None:
            return digit
    raise LabError("deep_dream.draw_first")


def _filmstrip(run, shown: list[int]) -> list:
    return [(digit_image(run.images[i], scale=4), message("deep_dream.frame", step=i,
                                                          p=number(run.target_probability[i], ".2f")))
            for i in shown]


def _curve(run) -> gr.LinePlot:
    return gr.LinePlot(value=pictures.curve_table(run.target_probability), x_title=message("deep_dream.axis.step"),
                       y_title=message("deep_dream.axis.target", digit=run.target))


def _step_view(state: dict, step: int) -> tuple:
    from shared.digit_classifier import probability_table

    probabilities = state["probabilities"][step]
    text = message("deep_dream.step_text", step=step, vector=pictures.probability_vector(probabilities, decimal_mark()),
                   digit=state["target"], p=number(probabilities[state["target"]], ".2f"))
    bars = gr.BarPlot(value=probability_table(probabilities), x_title=message("deep_dream.axis.digit"),
                      y_title=message("deep_dream.axis.probability"))
    return digit_image(state["images"][step]), bars, text


def _fool_summary(result) -> str:
    if result.steps == 0:
        return message("deep_dream.fool.already", digit=result.target)
    if result.succeeded:
        return message("deep_dream.fool.done", before=int(np.argmax(result.before)), digit=result.target,
                       p=number(result.after[result.target], ".2f"), l2=number(result.l2, ".2f"),
                       largest=number(result.largest_change, ".2f"), pixels=result.pixels_changed)
    return message("deep_dream.fool.failed", digit=result.target, p=number(result.after[result.target], ".2f"))


# ---------------------------------------------------------------- photos: Deep Dream with GoogLeNet

def _build_photo() -> None:
    gr.Markdown(ui_text("deep_dream.photo.explain"))
    ui.model_status(MODEL_KEY)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            photo = gr.Image(label=ui_text("deep_dream.photo"), type="filepath",
                             sources=["upload", "clipboard", "webcam"], height=300, buttons=[])
            gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("*.jpg"))], inputs=[photo],
                        label=ui_text("deep_dream.examples"), api_name="deep_dream_load_example",
                        api_visibility="private")
            layer = ui.component(LAYER)
            with ui.advanced(demo=DEMO, open=True):
                side, octaves, octave_scale, iterations, step_size, jitter, seed = (
                    ui.component(control) for control in (SIDE, OCTAVES, OCTAVE_SCALE, ITERATIONS, DREAM_STEP,
                                                          DREAM_JITTER, SEED))
            with gr.Row() as buttons:
                run = gr.Button(ui_text("deep_dream.dream"), variant="primary")
        with gr.Column(scale=5, min_width=320):
            result = gr.Image(label=ui_text("deep_dream.result"), format="png", interactive=False,
                              buttons=["download", "fullscreen"])
            dream_text = gr.Markdown()
            dream_strip = gr.Gallery(label=ui_text("deep_dream.dream_filmstrip"), columns=4, height=200,
                                     format="jpeg", object_fit="contain")
    event = run.click(deep_dream, inputs=[photo, layer, octaves, octave_scale, iterations, step_size, jitter, side,
                                          seed],
                      outputs=[result, dream_strip, dream_text], api_name="deep_dream", preprocess=False,
                      api_description="Deep Dream on a photo with GoogLeNet: streams the picture as it changes.",
                      **GPU_EVENT)
    with buttons:  # Stop next to Dream; it can only be made once the event it ends exists
        ui.stop_button(DEMO, cancels=[event], signals=STOP, api_name="deep_dream_stop")


@ui.handler
def deep_dream(photo, layer, octaves, octave_scale, iterations, step_size, jitter, side, seed,
               request: gr.Request = None, progress=gr.Progress()):
    """Stream (picture, filmstrip, text) while the dream runs; the last yield is the result."""
    path = uploaded_path(photo, missing="shared.image.missing")
    settings = dict(layer=LAYER.check(layer), octaves=OCTAVES.check(octaves),
                    octave_scale=OCTAVE_SCALE.check(octave_scale), iterations=ITERATIONS.check(iterations),
                    step_size=DREAM_STEP.check(step_size), jitter=DREAM_JITTER.check(jitter))
    side, seed = ui.check_within_page(SIDE, side, "deep_dream.side.capped"), SEED.check(seed)
    image = pictures.fit_photo(open_image(path, min_side=MIN_PHOTO_SIDE), side)
    original = to_uint8(image)
    for state in _dream_on_device(session_of(request), image, seed=seed, **settings):
        progress((state.done, state.total),
                 desc=message("deep_dream.progress", octave=state.octave + 1, octaves=state.octaves))
        if state.preview:
            yield state.picture, _dream_filmstrip(original, state.octave_ends), _dream_text(state)


@gpu(duration=120)
def _dream_on_device(session: str, image: np.ndarray, **settings):
    """The dream where the GPU is (ZeroGPU lends one to this call only), until it ends or Stop is pressed."""
    from deep_dream.dream import dream_progress, load_googlenet

    # float32 even on a GPU: the network is small, and the normalised gradient of a tiny
    # objective loses its precision in half precision.
    device = pick_device()
    model = models.load(MODEL_KEY, lambda ident: load_googlenet(ident, device))
    with STOP.running(session) as stop:
        yield from dream_progress(model, image, device=device, stop=stop, **settings)


def _dream_filmstrip(original: np.ndarray, octave_ends) -> list:
    return [(original, message("deep_dream.original_photo")),
            *((picture, message("deep_dream.octave_frame", octave=octave, height=picture.shape[0],
                                width=picture.shape[1])) for octave, picture in enumerate(octave_ends, start=1))]


def _dream_text(state) -> str:
    if not state.finished:
        return message("deep_dream.dream_running", done=state.done, total=state.total)
    return message("deep_dream.dream_done", height=state.picture.shape[0], width=state.picture.shape[1],
                   octaves=state.octaves, steps=state.total, seconds=number(state.seconds, ".1f"),
                   device=state.device.upper())
